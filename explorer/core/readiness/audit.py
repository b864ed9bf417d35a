"""Integration readiness: is this account ready for this integration, in every project, and what is missing?

For each project and each requirement of a :class:`~explorer.core.readiness.profiles.Profile`
the engine gives the evaluator's verdict (ready / missing / cannot determine),
the failing check and the smallest proven fix; requirements that do not apply
(a service-management requirement in a software project) are left out.
Least-privilege findings (what the account holds beyond the profile) are a
separate list.  The steps live in their own modules: :mod:`.cells` (one function
per kind of requirement), :mod:`.findings` (one per kind of finding),
:mod:`.context` (cached verdicts and proposed changes), :mod:`.fit` (ranking
profiles).
"""

from __future__ import annotations

from explorer.core.model import Account, Snapshot
from explorer.core.readiness import cells
from explorer.core.readiness.context import ADMIN_ROLE_NAMES, FIX_LIMIT, AuditContext, patch_of
from explorer.core.readiness.findings import ADMIN_GLOBALS, ADMIN_LIKE, Scope, findings
from explorer.core.readiness.profiles import Profile
from explorer.core.readiness.report import (
    AuditReport,
    Cell,
    Column,
    Finding,
    FitReport,
    ProfileFit,
    ProjectRow,
    Readiness,
    readiness_of,
)

__all__ = [
    "ADMIN_GLOBALS", "ADMIN_LIKE", "ADMIN_ROLE_NAMES", "FIX_LIMIT", "AuditReport", "Auditor", "Cell", "Column",
    "Finding", "FitReport", "ProfileFit", "ProjectRow", "Readiness", "audit", "patch_of",
]


class Auditor(AuditContext):
    """Audits one account on one snapshot; caches verdicts so several profiles share the work."""

    def audit(self, profile: Profile, *, projects: list[str] | tuple[str, ...] | None = None,
              features: list[str] | tuple[str, ...] | None = None) -> AuditReport:
        chosen = profile.select_features(features)
        columns = tuple(Column(i, f, r) for i, (f, r) in enumerate(profile.requirements(chosen), 1))
        audited, skipped = self.projects(projects)

        site_cells: list[Cell | None] = []
        for col in columns:
            req = col.requirement
            applies = req.kind.site_wide and (
                not req.project_types or any(req.applies_to(p.project_type) for p in audited))
            site_cells.append(cells.SITE_CELLS[req.kind](self, col) if applies else None)

        rows: list[ProjectRow] = []
        for project in audited:
            row: list[Cell | None] = []
            for col, site_cell in zip(columns, site_cells, strict=True):
                req = col.requirement
                if not req.applies_to(project.project_type):
                    row.append(None)
                elif req.kind.site_wide:
                    row.append(site_cell)
                else:
                    row.append(cells.PROJECT_CELLS[req.kind](self, col, project))
            readiness = readiness_of(c.verdict for c in row if c is not None)
            covering = (cells.covering_fix(self, project, row)
                        if self.with_fixes and readiness is Readiness.NOT_READY else None)
            rows.append(ProjectRow(project, readiness, tuple(row), covering))

        verdicts = [c.verdict for c in site_cells if c is not None]
        verdicts += [c.verdict for r in rows for c in r.cells if c is not None]
        scope = Scope(self, profile, chosen, audited, projects_requested=bool(projects))
        return AuditReport(
            profile=profile,
            account=self.account,
            site=self.snapshot.site.url,
            taken_at=self.snapshot.provenance.taken_at,
            features=chosen,
            skipped_features=tuple(f for f in profile.features if f not in chosen),
            columns=columns,
            site_cells=tuple(site_cells),
            rows=tuple(rows),
            skipped_projects=tuple(skipped),
            projects_requested=bool(projects),
            findings=tuple(findings(self, scope)),
            readiness=readiness_of(verdicts),
        )


def audit(snapshot: Snapshot, profile: Profile, account: Account | str, *,
          projects: list[str] | tuple[str, ...] | None = None,
          features: list[str] | tuple[str, ...] | None = None) -> AuditReport:
    """Audit one account against one profile (see :class:`Auditor`)."""
    return Auditor(snapshot, account).audit(profile, projects=projects, features=features)

