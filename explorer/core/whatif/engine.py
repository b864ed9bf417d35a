"""The what-if question end to end: parse, apply, reach, effects, dangers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from explorer.core.model import Snapshot
from explorer.core.readiness.profiles import Profile
from explorer.core.replay.cache import index_for
from explorer.core.whatif.apply import Applied, apply_changes
from explorer.core.whatif.changes import Change
from explorer.core.whatif.dangers import Danger, find_dangers
from explorer.core.whatif.effects import Effects, compute
from explorer.core.whatif.kinds import Kind
from explorer.core.whatif.language import parse_change
from explorer.core.whatif.reach import issues_by_project, reach_of


@dataclass(frozen=True)
class WhatIf:
    """The answer: the changes as applied, their effect, and what is dangerous about it."""

    applied: Applied
    effects: Effects
    dangers: tuple[Danger, ...]
    scopes: int  # places compared

    @property
    def changes(self) -> tuple[Change, ...]:
        return tuple(o.change for o in self.applied.outcomes)

    @property
    def changed_in_effect(self) -> bool:
        return bool(self.effects)


def parse_changes(snapshot: Snapshot, items: Iterable[tuple[Kind | str, str]]) -> list[Change]:
    """Changes from (kind, text) pairs, in order."""
    return [parse_change(snapshot, kind, text) for kind, text in items]


def what_if(snapshot: Snapshot, changes: Iterable[Change], *, profiles: Iterable[Profile] = (),
            service_accounts: Mapping[str, str] | None = None) -> WhatIf:
    """Apply the changes to a copy of ``snapshot`` and compare the two where the changes reach.

    ``profiles`` are the integration profiles whose service accounts must not lose what they need;
    ``service_accounts`` maps accountIds to profile ids (others are recognised by name, see dangers).
    """
    applied = apply_changes(snapshot, tuple(changes))
    before = index_for(snapshot)
    after = index_for(applied.after, copy_of=snapshot)
    issues = issues_by_project(snapshot)
    scopes = reach_of(before, after, [o.change for o in applied.outcomes if o.applied], issues)
    effects = compute(before, after, scopes, issues)
    dangers = find_dangers(before, after, effects, tuple(profiles), service_accounts or {})
    return WhatIf(applied, effects, dangers, len(scopes))
