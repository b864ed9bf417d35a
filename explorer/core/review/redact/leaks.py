"""The last line of defence: no original string may survive anywhere in a redacted snapshot document.

Every string of the document (values, and the keys of free-form maps) is searched
for every original the redaction knew (names, emails, accountIds, group names and
ids, project names and keys, the site, summaries, site-defined names), word by
word.  Not searched: strings that are one of the redaction's own pseudonyms or a
name from Jira's fixed vocabulary (they are what redaction writes), and fields of
the format whose values are structure (enumerations, numeric ids, permission keys,
dates), where an original could only appear by coincidence ("software" as a
project type and a group called "software").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from explorer.core.errors import UserError
from explorer.core.replay import catalogue
from explorer.core.replay.holders import canonical_type
from explorer.core.replay.rules import property_type
from explorer.core.review.redact import vocabulary
from explorer.core.review.redact.originals import Originals

KIND_WORDS = {
    "person": "a display name", "email": "an email address", "username": "a username", "accountId": "an accountId",
    "group": "a group name",
    "groupId": "a group id", "summary": "an issue summary", "project": "a project name",
    "projectKey": "a project key", "site": "the site URL", "siteHost": "the site's host name",
    "siteTitle": "the site title", "role": "a role name", "status": "a status name", "workflow": "a workflow name",
    "workflowScheme": "a workflow scheme name", "issueType": "an issue type name",
    "permissionScheme": "a permission scheme name", "securityScheme": "an issue security scheme name",
    "level": "a security level name", "product": "a product name",
}


class RedactionLeak(UserError):
    """An original survived redaction: nothing is written."""

    def __init__(self, kind: str, path: str):
        super().__init__(f"redaction stopped: {KIND_WORDS.get(kind, kind)} from the original survives at {path}; "
                         "nothing was written (please report this as a jira-perms bug)")
        self.kind = kind
        self.path = path


STRUCTURE = frozenset({
    "format", "version", "takenAt", "toolVersion", "deployment", "accountType", "projectType", "accessLevel", "kind",
    "status", "type", "permission", "permissions", "id", "statusId", "securityLevelId", "permissionSchemeId",
    "issueSecuritySchemeId", "workflowSchemeId", "customerRoleId", "defaultLevelId", "source",
})
"""Fields of the snapshot format whose values are structure, not text someone typed."""


_PERMISSION_KEYS = frozenset(
    {p.key for p in catalogue.PROJECT_PERMISSIONS} | {k for p in catalogue.PROJECT_PERMISSIONS for k in p.deprecated_keys}
    | {g.key for g in catalogue.GLOBAL_PERMISSIONS})
"""Jira's permission keys (deprecated ones too): structure, even when an account is called BROWSE."""


STRUCTURAL_HOLDERS = frozenset({"projectRole", "applicationRole", "userCustomField", "groupCustomField"})
"""Holder types whose parameter is structure (a role id, a product key, a custom-field id)."""


def _structural(holder_type: object) -> bool:
    return isinstance(holder_type, str) and canonical_type(holder_type) in STRUCTURAL_HOLDERS


def _strings(node: Any, path: str, field: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, f"{path}[{i}]", field)
    elif isinstance(node, dict):
        skip = set(STRUCTURE)
        if _structural(node.get("type")):
            skip |= {"parameter", "value"}
        if field == "applicationRoles":
            skip.add("key")  # a product key such as jira-software
        for key, value in node.items():
            if not isinstance(key, str):
                continue
            where = f"{path}.{key}" if path else key
            if not key.isalpha():  # a free-form key (an id, a property key), not a field name
                if field == "properties":  # rebuilt by redaction from the permission and the holder type
                    if _structural(property_type(key)):
                        continue
                else:
                    yield f"{path} (a key)", key
                    if field == "accountGlobalPermissions":  # an account's permission keys: Jira's, if known
                        yield from ((f"{where}[{i}]", v) for i, v in enumerate(value)
                                    if not (isinstance(v, str) and v in _PERMISSION_KEYS))
                        continue
            elif key in skip:
                continue
            yield from _strings(value, where, key)


def find_leak(document: dict[str, Any], originals: Originals, pseudonyms: set[str]) -> tuple[str, str] | None:
    """(kind, path) of the first original found in the document, or None."""
    for path, text in _strings(document, ""):
        if text in pseudonyms or text.strip().lower() in vocabulary.ALL:
            continue
        hits = originals.hits(text)
        if hits:
            return hits[0].original.kind, path
    return None


def check(document: dict[str, Any], originals: Originals, pseudonyms: set[str]) -> None:
    """Raise :class:`RedactionLeak` when any original survives in the document."""
    found = find_leak(document, originals, pseudonyms)
    if found is not None:
        raise RedactionLeak(*found)
