"""The proposed changes a what-if question is made of, resolved to ids (their kinds: :mod:`.kinds`)."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING

from explorer.core.whatif.kinds import Kind

if TYPE_CHECKING:
    from explorer.core.model import Holder


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
