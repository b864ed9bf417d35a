"""The kinds of change a what-if question can hold, their syntax and help: one kind per thing an admin can do.

Standard library only, and tiny on purpose: the command line builds its flags from it for ``--help``.
"""

from __future__ import annotations

from enum import Enum


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
