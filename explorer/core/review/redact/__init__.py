"""A redacted copy of a snapshot, safe to send to a vendor or attach to a ticket (``jira-perms redact``).

Every free-text string of the copy is a pseudonym, a name from Jira's own fixed
vocabulary (:mod:`.vocabulary`: default roles, system statuses, default issue
types, product names), or removed:

* accountIds → keyed hashes (``r-…``) everywhere they appear; display names →
  ``Amber Falcon 3f9a`` (keyed by the accountId: namesakes stay apart, a renamed
  person keeps their pseudonym); emails → ``amber.falcon.3f9a@redacted.invalid``;
* group names → ``group-olive-heron-7a1c`` (unless ``keep_group_names``), group
  ids → ``g-…``;
* project keys → ``QZKRT`` (issue keys follow: ``QZKRT-12``) unless ``keep_keys``;
  project names → ``Project QZKRT``; issue summaries → ``[redacted summary 3f9a1c]``;
* role, status, workflow, issue type, scheme, level and product names that Jira
  does not fix → ``Role Amber Falcon 3f9a`` and the like; descriptions are
  removed; workflow status properties that say nothing about permissions are
  removed; the site URL, host and title → pseudonyms;
* what is left for its meaning (fact details and endpoints) is scrubbed: every
  original found in it, word by word, is replaced by its pseudonym.

Ids (project, issue, scheme, role, level, status ids), permission keys, holder
types, custom-field ids and completeness stay: every verdict depends on them, so
every verdict on the copy equals the verdict on the original (a property test
proves it).  Last, :mod:`.leaks` searches the whole written document for every
original and refuses (:class:`RedactionLeak`) when any survives.

The mapping back (pseudonym → original) is returned for the owner to keep; it
never goes into the copy.  Pure: no I/O.
"""

from __future__ import annotations

from explorer.core.model import Snapshot
from explorer.core.review.pseudonyms import Pseudonymizer
from explorer.core.review.redact import leaks
from explorer.core.review.redact.leaks import RedactionLeak
from explorer.core.review.redact.mapping import (
    MAPPING_FORMAT,
    MAPPING_VERSION,
    mapping_document,
    mapping_from_document,
    reveal,
)
from explorer.core.review.redact.names import ACCOUNT, PROJECT_KEY, Namer, Names
from explorer.core.review.redact.result import Redaction, key_fingerprint
from explorer.core.review.redact.sections import REDACTED_NOTE, SECTIONS
from explorer.core.snapshot.codec import snapshot_to_dict

__all__ = [
    "MAPPING_FORMAT", "MAPPING_VERSION", "REDACTED_NOTE", "Namer", "Redaction", "RedactionLeak", "is_redacted",
    "key_fingerprint", "mapping_document", "mapping_from_document", "redact", "reveal",
]


def redact(snapshot: Snapshot, key: bytes, *, keep_group_names: bool = False, keep_keys: bool = False,
           check: bool = True) -> Redaction:
    """The redacted copy of ``snapshot`` and the mapping back (see the module docstring).

    ``keep_keys`` keeps project and issue keys (the TUI's on-screen redaction, where
    the engineer navigates by key).  With ``check`` (the default) the copy's whole
    document is searched for every original, and :class:`RedactionLeak` is raised
    when one survives.
    """
    names = Names(snapshot, Pseudonymizer(key), keep_group_names=keep_group_names, keep_keys=keep_keys)
    fields: dict = {}
    for section in SECTIONS:
        fields.update(section(snapshot, names))
    redacted = Snapshot(**fields)
    if check:
        written = names.n.pseudonyms() | {redacted.provenance.note, "true", "false", "yes"}  # redaction's own words
        if keep_group_names:
            written |= names.group_names  # kept on purpose, whatever words they share with other originals
        leaks.check(snapshot_to_dict(redacted), names.originals, written)
    mapping = {kind: dict(sorted(back.items())) for kind, back in sorted(names.n.back.items()) if back}
    return Redaction(redacted, mapping, key_fingerprint(key), dict(names.n.forward.get(ACCOUNT, {})),
                     dict(names.n.forward.get(PROJECT_KEY, {})))


def is_redacted(snapshot: Snapshot) -> bool:
    """Was this snapshot written by ``jira-perms redact`` (its provenance says so)?"""
    return snapshot.provenance.note.startswith(REDACTED_NOTE.split(":", 1)[0])
