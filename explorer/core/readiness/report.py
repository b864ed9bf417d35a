"""What an audit returns: readiness per project and requirement, least-privilege findings, and profile fits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from explorer.core.model import Account, Fact, Project
from explorer.core.readiness.profiles import Feature, Profile, Requirement
from explorer.core.replay.explanation import Explanation, Fix, Verdict


class Readiness(str, Enum):
    READY = "ready"
    NOT_READY = "not_ready"
    UNKNOWN = "cannot_determine"

    @property
    def symbol(self) -> str:
        return {"ready": "✓", "not_ready": "✗", "cannot_determine": "?"}[self.value]

    @property
    def words(self) -> str:
        return {"ready": "ready", "not_ready": "not ready", "cannot_determine": "cannot determine"}[self.value]

    @property
    def exit_code(self) -> int:
        return {"ready": 0, "not_ready": 1, "cannot_determine": 3}[self.value]


def readiness_of(verdicts: Iterable[Verdict]) -> Readiness:
    """Not ready when anything is missing; cannot determine when anything is unknown; else ready."""
    values = list(verdicts)
    if any(v is Verdict.DENIED for v in values):
        return Readiness.NOT_READY
    if any(v is Verdict.UNKNOWN for v in values):
        return Readiness.UNKNOWN
    return Readiness.READY


@dataclass(frozen=True, slots=True)
class Column:
    """One requirement of an audited feature: a column of the project-by-requirement grid."""

    number: int  # 1-based
    feature: Feature
    requirement: Requirement


@dataclass(frozen=True, slots=True)
class Cell:
    """The verdict of one requirement in one project (or site-wide)."""

    column: Column
    project_key: str | None  # None: a site-wide requirement (global permission, product access)
    verdict: Verdict
    headline: str
    failing: tuple[str, ...] = ()  # the failing checks (denied) or the missing facts (cannot determine)
    fixes: tuple[Fix, ...] = ()
    explanation: Explanation | None = None  # for permission requirements: the engine's full proof
    missing: tuple[Fact, ...] = ()

    @property
    def requirement(self) -> Requirement:
        return self.column.requirement

    @property
    def best_fix(self) -> Fix | None:
        return self.fixes[0] if self.fixes else None


@dataclass(frozen=True, slots=True)
class ProjectRow:
    project: Project
    readiness: Readiness
    cells: tuple[Cell | None, ...]  # one per column; None: the requirement does not apply here
    covering_fix: Fix | None = None  # one change that fixes every missing project requirement at once

    def applicable(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c is not None)

    def count(self, verdict: Verdict) -> int:
        return sum(1 for c in self.applicable() if c.verdict is verdict)


@dataclass(frozen=True, slots=True)
class Finding:
    """Something the account holds beyond the profile (a least-privilege finding)."""

    kind: str  # administrators_role | jira_admin | admin_like_permissions | browse_unrequested
    severity: str  # high | medium | low
    project_key: str | None
    summary: str
    via: tuple[str, ...] = ()
    remedy: str = ""
    permissions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AuditReport:
    profile: Profile
    account: Account
    site: str
    taken_at: str
    features: tuple[Feature, ...]
    skipped_features: tuple[Feature, ...]
    columns: tuple[Column, ...]
    site_cells: tuple[Cell | None, ...]  # per column: the site-wide verdict when it applies
    rows: tuple[ProjectRow, ...]
    skipped_projects: tuple[tuple[str, str], ...]  # (key, why it was not audited)
    projects_requested: bool
    findings: tuple[Finding, ...]
    readiness: Readiness

    def cells(self) -> tuple[Cell, ...]:
        """Every verdict counted once: site-wide ones, then the project ones."""
        site = tuple(c for c in self.site_cells if c is not None)
        return site + tuple(c for row in self.rows for c in row.cells if c is not None and c.project_key)

    @property
    def totals(self) -> dict[str, int]:
        cells = self.cells()
        not_applicable = sum(1 for row in self.rows for c in row.cells if c is None)  # the grid's "–" cells
        return {
            "projects": len(self.rows),
            "projectsReady": sum(1 for r in self.rows if r.readiness is Readiness.READY),
            "projectsNotReady": sum(1 for r in self.rows if r.readiness is Readiness.NOT_READY),
            "projectsUndetermined": sum(1 for r in self.rows if r.readiness is Readiness.UNKNOWN),
            "met": sum(1 for c in cells if c.verdict is Verdict.ALLOWED),
            "missing": sum(1 for c in cells if c.verdict is Verdict.DENIED),
            "undetermined": sum(1 for c in cells if c.verdict is Verdict.UNKNOWN),
            "notApplicable": not_applicable,
            "findings": len(self.findings),
        }

    def missing_cells(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells() if c.verdict is Verdict.DENIED)




@dataclass(frozen=True, slots=True)
class ProfileFit:
    profile: Profile
    report: AuditReport
    met: int
    missing: int
    undetermined: int
    findings: int
    rank: int = 0
    named: tuple[str, ...] = ()  # words the account's name shares with the profile's (it was made for it)

    @property
    def applicable(self) -> int:
        return self.met + self.missing + self.undetermined

    @property
    def share(self) -> float:
        return self.met / self.applicable if self.applicable else 0.0


@dataclass(frozen=True, slots=True)
class FitReport:
    account: Account
    site: str
    taken_at: str
    fits: tuple[ProfileFit, ...] = field(default=())

    @property
    def best(self) -> ProfileFit | None:
        return self.fits[0] if self.fits else None


