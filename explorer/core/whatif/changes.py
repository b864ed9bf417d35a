"""The proposed changes a what-if question is made of: one kind per thing an admin can do, resolved to ids.

Light on purpose (standard library only at import): the command line builds its flags from it for ``--help``.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from explorer.core.model import Holder


class Kind(str, Enum):
    """The kinds of change, named as their command-line flags (without ``--``)."""

    ADD_GRANT = "add-grant"
    REMOVE_GRANT = "remove-grant"
    ADD_TO_ROLE = "add-to-role"
    REMOVE_FROM_ROLE = "remove-from-role"
    ADD_TO_GROUP = "add-to-group"
    REMOVE_FROM_GROUP = "remove-from-group"
    SET_SCHEME = "set-scheme"
    DEACTIVATE = "deactivate"
    REMOVE_PRODUCT_ACCESS = "remove-product-access"
    ARCHIVE = "archive"

    @property
    def flag(self) -> str:
        return f"--{self.value}"

    @property
    def syntax(self) -> str:
        """What the flag takes, as shown in help and error messages."""
        return SYNTAX[self]


SYNTAX: dict[Kind, str] = {
    Kind.ADD_GRANT: "SCHEME: PERMISSION -> HOLDER",
    Kind.REMOVE_GRANT: "SCHEME: PERMISSION -> HOLDER",
    Kind.ADD_TO_ROLE: "PROJECT: ROLE += user|group NAME",
    Kind.REMOVE_FROM_ROLE: "PROJECT: ROLE -= user|group NAME",
    Kind.ADD_TO_GROUP: "GROUP += ACCOUNT",
    Kind.REMOVE_FROM_GROUP: "GROUP -= ACCOUNT",
    Kind.SET_SCHEME: "PROJECT = SCHEME",
    Kind.DEACTIVATE: "ACCOUNT",
    Kind.REMOVE_PRODUCT_ACCESS: "ACCOUNT | PRODUCT: ACCOUNT | PRODUCT -= group GROUP",
    Kind.ARCHIVE: "PROJECT",
}

HELP: dict[Kind, str] = {
    Kind.ADD_GRANT: "grant a permission in a permission scheme",
    Kind.REMOVE_GRANT: "remove a grant from a permission scheme",
    Kind.ADD_TO_ROLE: "add a user or a group to a project role in one project",
    Kind.REMOVE_FROM_ROLE: "remove a user or a group from a project role in one project",
    Kind.ADD_TO_GROUP: "add an account to a group",
    Kind.REMOVE_FROM_GROUP: "remove an account from a group",
    Kind.SET_SCHEME: "make a project use another permission scheme",
    Kind.DEACTIVATE: "deactivate an account",
    Kind.REMOVE_PRODUCT_ACCESS: "take Jira product access away from an account (it leaves the product's groups), "
                                "or stop a group giving a product",
    Kind.ARCHIVE: "archive a project",
}

HOLDER_WORDS = ("group NAME", "role NAME", "user ACCOUNT", "anyone", "logged-in", "application access PRODUCT",
                "reporter", "assignee", "project lead", "user custom field FIELD", "group custom field FIELD",
                "portal access", "reporter with create permission", "assignee with assignable permission")
"""The holders a grant can name, in the words of Jira's admin screens (rules section 3.2)."""


@dataclass(frozen=True, slots=True)
class Change:
    """One proposed change, with every name resolved against the snapshot.

    ``text`` is the change in the change language, written so that it resolves to the same objects again
    (display names where they are unique, else emails or ids); ``summary`` says it in words.
    """

    kind: Kind
    text: str
    summary: str
    scheme_id: str | None = None
    permission: str | None = None
    holder: Holder | None = None
    project_key: str | None = None
    role_id: str | None = None
    account_id: str | None = None
    group: str | None = None
    product: str | None = None  # a product key; None with remove-product-access: every Jira product

    @property
    def flag(self) -> str:
        return self.kind.flag

    @property
    def argv(self) -> tuple[str, str]:
        """The change as command-line arguments."""
        return self.kind.flag, self.text

    @property
    def command_line(self) -> str:
        """The change as it is typed in a shell."""
        return f"{self.kind.flag} {shlex.quote(self.text)}"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What applying one change did to the snapshot: changed it, or nothing because it was already so."""

    change: Change
    applied: bool
    note: str = ""  # why nothing was changed, or what else the change implies (the groups an account leaves)
