"""A redacted copy of a snapshot, safe to send to a vendor or attach to a ticket (``jira-perms redact``).

What is replaced, consistently everywhere it appears:

* accountIds → keyed hashes (``r-…``): accounts, group members, role actors,
  project leads, single-user grants, security-level members, workflow
  properties, issue reporter/assignee/user custom fields, global permissions
  reported per account, completeness facts, ``provenance.takenBy``;
* display names → ``Amber Falcon 3f9a`` (keyed by the accountId, so two people
  with the same name stay apart and a renamed person keeps their pseudonym);
  emails → ``amber.falcon.3f9a@redacted.invalid``; Data Center usernames →
  ``amber.falcon.3f9a``;
* group names → ``group-olive-heron-7a1c`` (unless ``keep_group_names``) in
  groups, grants, role actors, products, global grants, group custom fields,
  workflow properties and facts; group ids → opaque ``g-…`` ids;
* issue summaries → ``[redacted summary 3f9a1c]``; project names →
  ``Project KEY``; the site URL and title → pseudonyms; the provenance note is
  replaced by a line saying the copy is redacted;
* free text kept for its meaning (scheme, level and role descriptions, fact
  details and endpoints, other workflow property values) is scrubbed: every
  original name, email, accountId, group name or id, project name or the site
  found in it is replaced by its pseudonym.

What stays: project keys and ids, issue keys, scheme/role/level/workflow ids and
names, permission keys, holder types, custom-field ids, statuses, dates and
completeness, because they carry the structure every verdict depends on.  So
every verdict on the redacted copy equals the verdict on the original (the
property test in ``tests/test_redact.py`` proves it on generated sites).

Pseudonyms come from :class:`~explorer.core.review.pseudonyms.Pseudonymizer` with the
caller's key (``jira-perms redact`` uses the user's redaction key, like the
TUI's redaction toggle, so both show the same pseudonyms).  The mapping back
(pseudonym → original) is returned for the owner to keep; it never goes into
the redacted snapshot.  Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote, urlsplit

from explorer.core.errors import UserError
from explorer.core.model import (
    ANONYMOUS_ID,
    Account,
    AccountType,
    Fact,
    FactKind,
    Holder,
    Snapshot,
    frozen_map,
)
from explorer.core.replay.holders import canonical_type
from explorer.core.review.pseudonyms import Pseudonymizer

MAPPING_FORMAT = "jira-perms-redaction-mapping"
MAPPING_VERSION = 1
REDACTED_NOTE = "Redacted copy (jira-perms redact): names, emails, accountIds{groups}, issue summaries, project " \
                "names and the site are pseudonyms; permission structure is unchanged."
MIN_SCRUB_LENGTH = 3
"""Originals shorter than this are not searched for inside free text (they would match everywhere)."""

# The kinds of pseudonym, as they appear in the mapping file.
PERSON, EMAIL, ACCOUNT, GROUP, GROUP_ID, SUMMARY, PROJECT, SITE, SITE_TITLE, USERNAME = (
    "person", "email", "accountId", "group", "groupId", "summary", "project", "site", "siteTitle", "username")


@dataclass(frozen=True)
class Redaction:
    """A redacted snapshot and, for its owner only, the way back."""

    snapshot: Snapshot
    mapping: Mapping[str, Mapping[str, str]]  # kind -> pseudonym -> original
    key_fingerprint: str
    account_ids: Mapping[str, str]  # original accountId -> redacted one

    @property
    def count(self) -> int:
        return sum(len(m) for m in self.mapping.values())

    def account_id(self, original: str) -> str:
        """The redacted accountId of an original one (``anonymous`` stays)."""
        return self.account_ids.get(original, original)


def key_fingerprint(key: bytes) -> str:
    """A short public fingerprint of a redaction key (to tell which key made a mapping)."""
    return hmac.new(key, b"jira-perms redaction key fingerprint", hashlib.sha256).hexdigest()[:16]


class _Namer:
    """Original -> pseudonym per kind, remembering the way back and resolving (very rare) collisions."""

    def __init__(self, pseudo: Pseudonymizer):
        self.p = pseudo
        self.forward: dict[str, dict[str, str]] = {}
        self.back: dict[str, dict[str, str]] = {}

    def name(self, kind: str, original: str, make: Callable[[str], str], shown: str | None = None) -> str:
        """The pseudonym of ``original``; the mapping back records ``shown`` (default: the original)."""
        forward = self.forward.setdefault(kind, {})
        found = forward.get(original)
        if found is not None:
            return found
        back = self.back.setdefault(kind, {})
        pseudonym = make(original)
        if pseudonym in back:  # two originals, one pseudonym: keep them apart (structure depends on it)
            n = 2
            while f"{pseudonym}~{n}" in back:
                n += 1
            pseudonym = f"{pseudonym}~{n}"
        forward[original] = pseudonym
        back[pseudonym] = original if shown is None else shown
        return pseudonym


class _Redactor:
    def __init__(self, snapshot: Snapshot, pseudo: Pseudonymizer, keep_group_names: bool):
        self.s = snapshot
        self.p = pseudo
        self.keep_groups = keep_group_names
        self.n = _Namer(pseudo)
        self.group_ids = {g.group_id for g in snapshot.groups if g.group_id}
        self.group_names = {g.name for g in snapshot.groups}
        self._scrub_re: re.Pattern[str] | None = None
        self._scrub_table: dict[str, str] = {}
        self._scrub_folded: dict[str, str] = {}
        self.s_account_ids: set[str] = set()

    # ---- the name spaces ------------------------------------------------------------
    def aid(self, account_id: str | None) -> str | None:
        if not account_id or account_id == ANONYMOUS_ID:
            return account_id
        return self.n.name(ACCOUNT, account_id, self.p.account_id)

    def aids(self, ids: Iterable[str]) -> tuple[str, ...]:
        return tuple(self.aid(a) or a for a in ids)

    def group(self, name: str | None) -> str | None:
        if not name or self.keep_groups:
            return name
        return self.n.name(GROUP, name, self.p.group)

    def groups(self, names: Iterable[str]) -> tuple[str, ...]:
        return tuple(self.group(n) or n for n in names)

    def group_id(self, gid: str | None) -> str | None:
        if not gid:
            return gid
        return self.n.name(GROUP_ID, gid, lambda o: self.p.opaque("group", o))

    def person(self, account: Account) -> str:
        return self.n.name(PERSON, account.account_id, self.p.person, account.display_name)

    def email(self, email: str | None) -> str | None:
        if not email:
            return email
        return self.n.name(EMAIL, email.lower(), self.p.email)

    def username(self, username: str | None) -> str | None:
        if not username:
            return username
        return self.n.name(USERNAME, username.lower(), self.p.username, username)

    def text(self, kind: str, original: str, label: str) -> str:
        if not original:
            return original
        return self.n.name(kind, original, lambda o: self.p.text(label, o))

    # ---- holders and properties --------------------------------------------------------
    def reference(self, value: str | None) -> str | None:
        """A value of unknown meaning: mapped when it is a known account, group or group id, else scrubbed."""
        if not value:
            return value
        if value in self.s_account_ids:
            return self.aid(value)
        if value in self.group_names:
            return self.group(value)
        if value in self.group_ids:
            return self.group_id(value)
        return self.scrub(value)

    def holder(self, holder: Holder) -> Holder:
        kind = canonical_type(holder.type)
        if kind == "group":
            value = holder.value
            if value and value in self.group_ids:
                value = self.group_id(value)
            elif value:
                # Not a known id: Jira's index falls back to reading it as a group name.
                value = self.group(value) if value in self.group_names or not holder.parameter else \
                    self.group_id(value)
            return Holder(holder.type, self.group(holder.parameter), value)
        if kind == "user":
            return Holder(holder.type, self.aid(holder.parameter), self.aid(holder.value))
        if kind is None:  # a type jira-perms does not know: hide what it names, keep its shape
            return Holder(holder.type, self.reference(holder.parameter), self.reference(holder.value))
        return holder

    def property_value(self, key: str, value: str) -> str:
        if not key.startswith("jira.permission."):
            return self.scrub(value)
        rest = key[len("jira.permission."):]
        if rest.startswith("subtasks."):
            rest = rest[len("subtasks."):]
        parts = rest.split(".")
        if len(parts) < 2:  # no holder type: the value names a single user
            return self.aid(value) or value
        tail = ".".join(parts[1:])
        ptype = "sd.customer.portal.only" if tail.startswith("sd.customer.portal.only") else parts[1]
        kind = canonical_type(ptype)
        if kind == "group":
            return self.group(value) or value
        if kind == "user":
            return self.aid(value) or value
        if kind is None and ptype != "denied":
            return self.reference(value) or value
        return value

    def fact(self, fact: Fact) -> Fact:
        subject = fact.subject
        if subject and fact.kind is FactKind.GROUP_MEMBERS:
            subject = self.group(subject)
        elif subject and fact.kind is FactKind.GLOBAL_PERMISSIONS:
            subject = self.aid(subject)
        return Fact(fact.kind, subject, fact.status, self.scrub(fact.endpoint), self.scrub(fact.detail), fact.source)

    # ---- free text -----------------------------------------------------------------
    def prepare_scrub(self) -> None:
        """Every original the snapshot holds, with its pseudonym, for searching free text."""
        table: dict[str, str] = {}

        def add(original: str | None, pseudonym: str | None) -> None:
            if not original or not pseudonym or original == pseudonym or len(original) < MIN_SCRUB_LENGTH:
                return
            table.setdefault(original, pseudonym)
            encoded = quote(original, safe="")
            if encoded != original:
                table.setdefault(encoded, pseudonym)

        site = self.s.site
        add(site.url.rstrip("/"), self.site_url)
        host = urlsplit(site.url).hostname
        if host:
            add(host, urlsplit(self.site_url).hostname)
        add(site.title, self.text(SITE_TITLE, site.title, "site title"))
        for account in self.s.accounts:
            add(account.account_id, self.aid(account.account_id))
            add(account.display_name, self.person(account))
            add(account.email, self.email(account.email))
            add(account.username, self.username(account.username))
        for group in self.s.groups:
            add(group.name, self.group(group.name))
            add(group.group_id, self.group_id(group.group_id))
        for project in self.s.projects:
            add(project.name, self.project_name(project.key, project.name))
        self._scrub_table = table
        self._scrub_folded = {}
        for original in sorted(table):
            self._scrub_folded.setdefault(original.lower(), table[original])
        if table:
            alternatives = sorted(table, key=lambda o: (-len(o), o))
            # whole words only: a short Data Center user key like "admin" must not eat "administrators"
            self._scrub_re = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(o) for o in alternatives) + r")(?!\w)",
                                        re.IGNORECASE)

    def scrub(self, text: str) -> str:
        if not text or self._scrub_re is None:
            return text
        table, folded = self._scrub_table, self._scrub_folded

        def swap(m: re.Match[str]) -> str:
            found = m.group(0)
            return table.get(found) or folded.get(found.lower(), found)  # exact, else a case-insensitive hit

        return self._scrub_re.sub(swap, text)

    def project_name(self, key: str, name: str) -> str:
        if not name:
            return name
        return self.n.name(PROJECT, key, lambda _: f"Project {key}", name)

    @property
    def site_url(self) -> str:
        url = self.s.site.url
        return self.n.name(SITE, url, self.p.site) if url else url

    # ---- the whole snapshot ------------------------------------------------------------
    def run(self) -> Snapshot:
        s = self.s
        self.s_account_ids = {a.account_id for a in s.accounts}
        self.prepare_scrub()
        accounts = tuple(self.account(a) for a in s.accounts)
        groups = tuple(replace(g, name=self.group(g.name) or g.name, group_id=self.group_id(g.group_id) or "",
                               members=self.aids(g.members), subgroups=self.groups(g.subgroups)) for g in s.groups)
        app_roles = tuple(replace(r, groups=self.groups(r.groups), default_groups=self.groups(r.default_groups))
                          for r in s.application_roles)
        projects = tuple(
            replace(
                p,
                name=self.project_name(p.key, p.name),
                lead=self.aid(p.lead),
                role_actors=frozen_map({
                    role_id: replace(actors, users=self.aids(actors.users), groups=self.groups(actors.groups))
                    for role_id, actors in p.role_actors.items()
                }),
            )
            for p in s.projects
        )
        schemes = tuple(
            replace(sc, name=self.scrub(sc.name), description=self.scrub(sc.description),
                    grants=tuple(replace(g, holder=self.holder(g.holder)) for g in sc.grants))
            for sc in s.permission_schemes
        )
        roles = tuple(replace(r, description=self.scrub(r.description)) for r in s.roles)
        security = tuple(
            replace(sc, name=self.scrub(sc.name), levels=tuple(
                replace(lv, name=self.scrub(lv.name), description=self.scrub(lv.description),
                        members=tuple(self.holder(h) for h in lv.members))
                for lv in sc.levels))
            for sc in s.issue_security_schemes
        )
        workflows = tuple(
            replace(w, statuses=tuple(
                replace(st, properties=frozen_map({k: self.property_value(k, v) for k, v in st.properties.items()}))
                for st in w.statuses))
            for w in s.workflows
        )
        workflow_schemes = tuple(replace(ws, name=self.scrub(ws.name)) for ws in s.workflow_schemes)
        issues = tuple(
            replace(
                i,
                reporter=self.aid(i.reporter),
                assignee=self.aid(i.assignee),
                user_fields=frozen_map({k: self.aids(v) for k, v in i.user_fields.items()}),
                group_fields=frozen_map({k: self.groups(v) for k, v in i.group_fields.items()}),
                summary=self.text(SUMMARY, i.summary, "summary"),
            )
            for i in s.issues
        )
        global_grants = tuple(replace(g, group=self.group(g.group)) for g in s.global_grants)
        account_globals = frozen_map({self.aid(k) or k: v for k, v in s.account_global_permissions.items()})
        taken_by = s.provenance.taken_by
        if taken_by:
            taken_by = (self.email(taken_by) if "@" in taken_by else self.aid(taken_by)) or ""
        note = REDACTED_NOTE.format(groups="" if self.keep_groups else ", group names")
        return Snapshot(
            site=replace(s.site, url=self.site_url, title=self.text(SITE_TITLE, s.site.title, "site title")),
            provenance=replace(s.provenance, taken_by=taken_by, note=note),
            accounts=accounts,
            groups=groups,
            application_roles=app_roles,
            projects=projects,
            permission_schemes=schemes,
            roles=roles,
            issue_security_schemes=security,
            workflows=workflows,
            workflow_schemes=workflow_schemes,
            global_grants=global_grants,
            account_global_permissions=account_globals,
            issues=issues,
            facts=tuple(self.fact(f) for f in s.facts),
        )

    def account(self, account: Account) -> Account:
        if account.account_type is AccountType.ANONYMOUS:
            return account
        return replace(account, account_id=self.aid(account.account_id) or account.account_id,
                       display_name=self.person(account), email=self.email(account.email),
                       username=self.username(account.username))


def redact(snapshot: Snapshot, key: bytes, *, keep_group_names: bool = False) -> Redaction:
    """The redacted copy of ``snapshot`` and the mapping back (see the module docstring)."""
    pseudo = Pseudonymizer(key)
    redactor = _Redactor(snapshot, pseudo, keep_group_names)
    redacted = redactor.run()
    mapping = {kind: dict(sorted(back.items())) for kind, back in sorted(redactor.n.back.items()) if back}
    return Redaction(redacted, mapping, key_fingerprint(key), dict(redactor.n.forward.get(ACCOUNT, {})))


# ---------------------------------------------------------------- the mapping file


def mapping_document(redaction: Redaction, *, source: str = "") -> dict[str, Any]:
    """The owner's mapping (pseudonym → original) as a JSON-able document."""
    return {
        "format": MAPPING_FORMAT,
        "version": MAPPING_VERSION,
        "keyFingerprint": redaction.key_fingerprint,
        "source": source,
        "redactedSite": redaction.snapshot.site.url,
        "entries": {kind: dict(entries) for kind, entries in redaction.mapping.items()},
    }


def mapping_from_document(data: object, *, source: str = "the mapping file") -> dict[str, str]:
    """Pseudonym → original from a mapping document; raises a one-line :class:`UserError`."""
    if type(data) is not dict or data.get("format") != MAPPING_FORMAT:
        raise UserError(f"{source} is not a jira-perms redaction mapping (write one with jira-perms redact "
                        "--mapping FILE)")
    version = data.get("version")
    if type(version) is not int or version > MAPPING_VERSION:
        raise UserError(f"{source} has mapping version {version!r}; this jira-perms reads version "
                        f"{MAPPING_VERSION}: upgrade jira-perms")
    entries = data.get("entries")
    if type(entries) is not dict or not all(
            type(v) is dict and all(type(a) is str and type(b) is str for a, b in v.items()) for v in entries.values()):
        raise UserError(f"{source} is damaged: 'entries' must map each kind to pseudonym/original strings")
    out: dict[str, str] = {}
    for kind_entries in entries.values():
        out.update(kind_entries)
    return out


def reveal(text: str, mapping: Mapping[str, str]) -> str:
    """Replace every pseudonym in ``text`` by its original (longest pseudonyms first)."""
    if not mapping or not text:
        return text
    shown = {p: o for p, o in mapping.items() if p}
    pattern = re.compile("|".join(re.escape(p) for p in sorted(shown, key=lambda p: (-len(p), p))))
    return pattern.sub(lambda m: shown[m.group(0)], text)

