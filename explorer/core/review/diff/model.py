"""What a diff is made of: structural changes in words, and effects on people's permissions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from explorer.core.model import ANONYMOUS_ID, Account
from explorer.core.replay import catalogue
from explorer.core.replay.explanation import Verdict

ADMIN_GLOBALS = frozenset({"ADMINISTER", "SYSTEM_ADMIN"})
PROJECT_PERMISSION_KEYS: tuple[str, ...] = tuple(p.key for p in catalogue.PROJECT_PERMISSIONS)
GLOBAL_PERMISSION_KEYS: tuple[str, ...] = tuple(g.key for g in catalogue.GLOBAL_PERMISSIONS)


@dataclass(frozen=True, slots=True)
class ConfigChange:
    """One structural change, in words, with the facts behind it."""

    area: str  # grant | scheme | project | scheme_assignment | role_actor | group | group_member | account
    #            | product | global_grant | account_global | security_level | workflow_property | workflow_scheme
    #            | issue | team_role | completeness
    action: str  # added | removed | changed
    subject: str  # what changed (scheme name, project key, group name, ...)
    summary: str  # one line a Jira admin understands
    projects: tuple[str, ...] = ()  # projects it reaches
    account_id: str | None = None  # the account it is about, when one
    widening: bool = False
    detail: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class Effect:
    """One account's verdict on one permission that differs between the snapshots."""

    account_id: str
    account_name: str
    permission: str
    project_key: str | None  # None for a global permission
    issue_key: str | None
    before: Verdict | None  # None: the account or the project was not in the old snapshot
    after: Verdict | None  # None: no longer in the new snapshot

    @property
    def gained(self) -> bool:
        return self.after is Verdict.ALLOWED and self.before is not Verdict.ALLOWED

    @property
    def lost(self) -> bool:
        return self.before is Verdict.ALLOWED and self.after is not Verdict.ALLOWED

    @property
    def kind(self) -> str:
        """gained | lost | unknown (now cannot determine) | known (now determined) ."""
        if self.gained:
            return "gained"
        if self.lost:
            return "lost"
        if self.after is Verdict.UNKNOWN:
            return "unknown"
        return "known"

    @property
    def widening(self) -> bool:
        if not self.gained:
            return False
        if self.account_id == ANONYMOUS_ID:
            return True
        return self.permission == catalogue.ADMINISTER_PROJECTS or self.permission in ADMIN_GLOBALS

    @property
    def where(self) -> str:
        if self.issue_key:
            return self.issue_key
        return self.project_key or "the site"


@dataclass(frozen=True)
class SnapshotDiff:
    old_site: str
    new_site: str
    old_taken_at: str
    new_taken_at: str
    changes: tuple[ConfigChange, ...]
    effects: tuple[Effect, ...]
    account: Account | None = None  # the --account filter
    evaluations: int = 0  # how many verdicts were replayed (both snapshots)
    cautions: tuple[str, ...] = ()  # different sites, or OLD newer than NEW

    @property
    def changed_in_effect(self) -> bool:
        return bool(self.effects)

    @property
    def widening_changes(self) -> tuple[ConfigChange, ...]:
        return tuple(c for c in self.changes if c.widening)

    @property
    def widening_effects(self) -> tuple[Effect, ...]:
        return tuple(e for e in self.effects if e.widening)
