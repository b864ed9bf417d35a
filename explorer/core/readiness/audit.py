"""Integration readiness: is this account ready for this integration, in every project, and what is missing?

For each project and each requirement of a :class:`~explorer.core.readiness.profiles.Profile`
the engine gives the evaluator's verdict (ready / missing / cannot determine),
the failing check and the smallest proven fix (``explain``); requirements that do
not apply (a service-management requirement in a software project) are left out.
Least-privilege findings (what the account holds beyond the profile) are a
separate list.  :func:`rank_profiles` runs every profile and orders them by fit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum

from explorer.core.errors import LookupFailed
from explorer.core.model import Account, Fact, FactKind, Grant, Holder, Project, Snapshot
from explorer.core.readiness.profiles import ANY_JIRA, PRODUCTS, Feature, Profile, Requirement, RequirementKind
from explorer.core.replay import catalogue
from explorer.core.replay.cache import index_for
from explorer.core.replay.evaluator import evaluate_in
from explorer.core.replay.explanation import KIND_LABELS, Change, Check, Explanation, Fix, Kind, Verdict
from explorer.core.replay.fixes import suggest_fixes
from explorer.core.replay.index import Patch, SiteIndex
from explorer.core.replay.resolve import resolve_account

FIX_LIMIT = 3

ADMIN_LIKE: dict[str, str] = {
    "ADMINISTER_PROJECTS": "change the project's settings, roles, components and versions",
    "DELETE_ISSUES": "delete issues with their comments, attachments and worklogs",
    "DELETE_ALL_COMMENTS": "delete anyone's comments",
    "DELETE_ALL_ATTACHMENTS": "delete anyone's attachments",
    "DELETE_ALL_WORKLOGS": "delete anyone's worklogs",
    "EDIT_ALL_COMMENTS": "edit anyone's comments",
    "EDIT_ALL_WORKLOGS": "edit anyone's worklogs",
    "SET_ISSUE_SECURITY": "change who may see an issue",
    "MODIFY_REPORTER": "change the reporter of issues",
    "MOVE_ISSUES": "move issues to other projects",
    "EDIT_WORKFLOW": "edit the project's workflows",
    "EDIT_ISSUE_LAYOUT": "change the project's issue layouts",
    "ARCHIVE_ISSUES": "archive issues",
    "UNARCHIVE_ISSUES": "restore archived issues",
}
"""Project permissions that give admin-like power: held without need, they are a finding."""

ADMIN_ROLE_NAMES = ("administrators", "administrator")
ADMIN_GLOBALS = ("ADMINISTER", "SYSTEM_ADMIN")


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


def _readiness(verdicts) -> Readiness:
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


# ---------------------------------------------------------------- the auditor


class Auditor:
    """Audits one account on one snapshot; caches verdicts so several profiles share the work."""

    def __init__(self, snapshot: Snapshot, account: Account | str, *, with_fixes: bool = True):
        self.snapshot = snapshot
        self.ix: SiteIndex = index_for(snapshot)
        self.account = account if isinstance(account, Account) else resolve_account(snapshot, account)
        self.with_fixes = with_fixes
        self._evaluated: dict[tuple[str, str | None], Explanation] = {}
        self._explained: dict[tuple[str, str | None], Explanation] = {}
        self._blasts: dict[Patch, tuple[tuple[str, str], ...]] = {}

    # -- public ------------------------------------------------------------------------
    def audit(self, profile: Profile, *, projects: list[str] | tuple[str, ...] | None = None,
              features: list[str] | tuple[str, ...] | None = None) -> AuditReport:
        chosen = profile.select_features(features)
        skipped_features = tuple(f for f in profile.features if f not in chosen)
        columns = tuple(Column(i, f, r) for i, (f, r) in enumerate(profile.requirements(chosen), 1))
        audited, skipped = self._projects(projects)

        site_cells: list[Cell | None] = []
        for col in columns:
            req = col.requirement
            applies = req.kind.site_wide and (
                not req.project_types or any(req.applies_to(p.project_type) for p in audited))
            site_cells.append(self._site_cell(col) if applies else None)

        rows: list[ProjectRow] = []
        for project in audited:
            cells: list[Cell | None] = []
            for col, site_cell in zip(columns, site_cells, strict=True):
                req = col.requirement
                if not req.applies_to(project.project_type):
                    cells.append(None)
                elif req.kind.site_wide:
                    cells.append(site_cell)
                else:
                    cells.append(self._project_cell(col, project))
            readiness = _readiness(c.verdict for c in cells if c is not None)
            covering = (self._covering_fix(project, cells)
                        if self.with_fixes and readiness is Readiness.NOT_READY else None)
            rows.append(ProjectRow(project, readiness, tuple(cells), covering))

        all_verdicts = [c.verdict for c in site_cells if c is not None]
        all_verdicts += [c.verdict for row in rows for c in row.cells if c is not None]
        findings = self._findings(profile, chosen, audited, projects_requested=bool(projects))
        return AuditReport(
            profile=profile,
            account=self.account,
            site=self.snapshot.site.url,
            taken_at=self.snapshot.provenance.taken_at,
            features=chosen,
            skipped_features=skipped_features,
            columns=columns,
            site_cells=tuple(site_cells),
            rows=tuple(rows),
            skipped_projects=tuple(skipped),
            projects_requested=bool(projects),
            findings=tuple(findings),
            readiness=_readiness(all_verdicts),
        )

    # -- scope -------------------------------------------------------------------------
    def _projects(self, keys: list[str] | tuple[str, ...] | None) -> tuple[list[Project], list[tuple[str, str]]]:
        if not keys:
            audited = [p for p in self.snapshot.projects if not p.archived]
            skipped = [(p.key, "archived (read-only); name it with --project to audit it anyway")
                       for p in self.snapshot.projects if p.archived]
            return audited, skipped
        chosen: list[Project] = []
        for key in keys:
            project = self.ix.project(key) or self.ix.project(key.upper())
            if project is None:
                known = ", ".join(p.key for p in self.snapshot.projects) or "no projects"
                raise LookupFailed(f"unknown project {key!r}; the snapshot has: {known}")
            if project not in chosen:
                chosen.append(project)
        return chosen, []

    # -- project permissions ----------------------------------------------------------------
    def explained(self, permission: str, project: str | None) -> Explanation:
        """The engine's explanation (with fixes when denied), cached per permission and project."""
        key = (permission, project)
        found = self._explained.get(key)
        if found is None:
            found = self.evaluated(permission, project)
            if self.with_fixes and found.verdict is Verdict.DENIED and project is not None:
                fixes = sorted(suggest_fixes(self.ix, found, limit=FIX_LIMIT + 2),
                               key=lambda f: _awkward(self.ix, project, f))  # stable: the engine's order otherwise
                found = replace(found, fixes=tuple(fixes[:FIX_LIMIT]))
            self._explained[key] = found
        return found

    def evaluated(self, permission: str, project: str | None) -> Explanation:
        """The engine's explanation without the (costly) search for fixes, cached."""
        key = (permission, project)
        found = self._evaluated.get(key)
        if found is None:
            found = evaluate_in(self.ix, self.account, permission, project)
            self._evaluated[key] = found
        return found

    def _project_cell(self, col: Column, project: Project) -> Cell:
        req = col.requirement
        if req.kind is RequirementKind.PROJECT_ROLE:
            return self._role_cell(col, project)
        exp = self.explained(req.key, project.key)
        return Cell(col, project.key, exp.verdict, exp.headline, _failing(exp), exp.fixes, exp, exp.missing_facts)

    # -- project roles -------------------------------------------------------------------
    def _role_ids(self, project: Project, names: tuple[str, ...]) -> list[tuple[str, str]]:
        wanted = {n.lower() for n in names}
        if project.team_managed and project.permission_scheme_id is None:
            return [(r.id, r.name) for r in project.team_roles if r.name.lower() in wanted]
        return [(r.id, r.name) for r in self.snapshot.roles if r.name.lower() in wanted]

    def _role_cell(self, col: Column, project: Project) -> Cell:
        req = col.requirement
        acc = self.account
        name = acc.display_name
        roles = self._role_ids(project, req.role_names)
        wanted = " or ".join(repr(n) for n in req.role_names)
        if not self.ix.is_active(acc):
            fix = self._fix((Change("reactivate", f"Reactivate {name}", account_id=acc.account_id),),
                            Patch(reactivated=frozenset({acc.account_id})))
            return Cell(col, project.key, Verdict.DENIED, f"{name} is deactivated, so no role membership counts.",
                        (f"Account: {name} is deactivated and cannot log in",), (fix,))
        if not roles:
            gap = self.ix.gap(FactKind.PROJECT_ROLES, project.key) or (
                self.ix.gap(FactKind.TEAM_ROLES, project.key) if project.team_managed else None)
            if gap is not None or (project.team_managed and not project.team_roles):
                fact = gap or self.ix.absent(FactKind.TEAM_ROLES, project.key)
                return Cell(col, project.key, Verdict.UNKNOWN,
                            f"jira-perms cannot determine whether {name} is in role {req.key} in {project.key}: "
                            f"{fact.describe()}.", (f"missing from the snapshot: {fact.describe()}; "
                                                   f"{fact.remedy()}",), missing=(fact,))
            return Cell(col, project.key, Verdict.DENIED,
                        f"{project.key} has no project role named {wanted}, so {name} cannot be in it.",
                        (f"Project roles: no role named {wanted} exists for {project.key}; create it (or use the "
                         "project's agent role) and add the account",))
        unknown: Fact | None = None
        for role_id, role_name in roles:
            member, via, missing = self.ix.role_actor(project, role_id, acc.account_id)
            if member:
                return Cell(col, project.key, Verdict.ALLOWED,
                            f"{name} is in role {role_name} in {project.key}: {', '.join(via)}.")
            if member is None and missing is not None:
                unknown = unknown or missing
        role_id, role_name = roles[0]
        if unknown is not None:
            return Cell(col, project.key, Verdict.UNKNOWN,
                        f"jira-perms cannot determine whether {name} is in role {role_name} in {project.key}: "
                        f"{unknown.describe()}.",
                        (f"missing from the snapshot: {unknown.describe()}; {unknown.remedy()}",),
                        missing=(unknown,))
        fix = self._fix((Change("add_to_role", f"Add {name} to role {role_name} in {project.key}",
                                account_id=acc.account_id, project_key=project.key, role_id=role_id),),
                        Patch(roles=frozenset({(acc.account_id, project.key, role_id)})))
        return Cell(col, project.key, Verdict.DENIED,
                    f"{name} is not in role {role_name} in {project.key}, neither directly nor through a group.",
                    (f"Project role: {name} is not an actor of role {role_name} in {project.key}",), (fix,))

    # -- site-wide requirements ----------------------------------------------------------------
    def _site_cell(self, col: Column) -> Cell:
        req = col.requirement
        if req.kind is RequirementKind.GLOBAL_PERMISSION:
            exp = self.explained(req.key, None)
            fixes = self._global_fixes(req.key) if exp.verdict is Verdict.DENIED else ()
            return Cell(col, None, exp.verdict, exp.headline, _failing(exp), fixes, exp, exp.missing_facts)
        return self._product_cell(col)

    def _global_fixes(self, permission: str) -> tuple[Fix, ...]:
        acc = self.account
        if not self.ix.is_active(acc):
            return (self._fix((Change("reactivate", f"Reactivate {acc.display_name}", account_id=acc.account_id),),
                              Patch(reactivated=frozenset({acc.account_id}))),)
        groups = sorted({g.group for g in self.snapshot.global_grants
                         if g.permission == permission and g.group is not None and self.ix.group_exists(g.group)})
        perm_name = catalogue.display_name(permission)
        fixes = [self._fix((Change("add_to_group", f"Add {acc.display_name} to group {group}, which holds "
                                                   f"{perm_name}", account_id=acc.account_id, group=group),),
                           Patch(groups=frozenset({(acc.account_id, group)})), frozenset({("site", permission)}))
                 for group in groups]
        fixes.sort(key=lambda f: (len(f.also_grants), f.summary))
        return tuple(fixes[:FIX_LIMIT])

    def _product_cell(self, col: Column) -> Cell:
        req = col.requirement
        acc = self.account
        name = acc.display_name
        wanted = PRODUCTS[req.key]
        product = None if req.key == ANY_JIRA else req.key
        if not self.ix.is_active(acc):
            fix = self._fix((Change("reactivate", f"Reactivate {name}", account_id=acc.account_id),),
                            Patch(reactivated=frozenset({acc.account_id})))
            return Cell(col, None, Verdict.DENIED, f"{name} is deactivated and cannot log in.",
                        (f"Account: {name} is deactivated",), (fix,))
        has, group, missing = self.ix.product_access(acc.account_id, product)
        if has:
            return Cell(col, None, Verdict.ALLOWED, f"{name} has {wanted} via group {group}.")
        if has is None:
            facts = (missing,) if missing else ()
            what = missing.describe() if missing else "product access is not fully known"
            return Cell(col, None, Verdict.UNKNOWN, f"jira-perms cannot determine whether {name} has {wanted}: {what}.",
                        tuple(f"missing from the snapshot: {f.describe()}; {f.remedy()}" for f in facts),
                        missing=facts)
        roles = [r for r in self.snapshot.application_roles if product is None or r.key == product]
        roles.sort(key=lambda r: (r.key != "jira-software", r.key))
        fixes = []
        for role in roles:
            group = (role.default_groups or role.groups or (None,))[0]
            if group is None:
                continue
            fixes.append(self._fix((Change("grant_product", f"Give {name} {role.name} access (add to group {group})",
                                           account_id=acc.account_id, group=group),),
                                   Patch(groups=frozenset({(acc.account_id, group)}))))
        failing = (f"Product access: {name} has no {wanted}" + (
            "" if roles else " and the snapshot lists no such product on this site"),)
        return Cell(col, None, Verdict.DENIED, f"{name} does not have {wanted}.", failing, tuple(fixes[:FIX_LIMIT]))

    # -- fixes -----------------------------------------------------------------------------
    def _fix(self, changes: tuple[Change, ...], patch: Patch, targets: frozenset[tuple[str, str]] = frozenset()) -> Fix:
        """A proposed change with its blast radius: what else it gives (``targets`` are what it is for)."""
        summary = " and ".join(c.summary[0].lower() + c.summary[1:] if i else c.summary
                               for i, c in enumerate(changes))
        if not self.with_fixes:
            return Fix(summary, changes)
        gained = tuple(g for g in self._blast(patch) if g not in targets)
        return Fix(summary, changes, gained, 0, _blast_words(self.account.display_name, gained))

    def _blast(self, patch: Patch) -> tuple[tuple[str, str], ...]:
        """Every (project, permission) and ("site", global permission) a change would newly give."""
        cached = self._blasts.get(patch)
        if cached is not None:
            return cached
        patched = self.ix.with_patch(patch)
        gained: list[tuple[str, str]] = []
        for glob in catalogue.GLOBAL_PERMISSIONS:
            before = evaluate_in(self.ix, self.account, glob.key).verdict
            if before is not Verdict.ALLOWED and evaluate_in(patched, self.account, glob.key).verdict is Verdict.ALLOWED:
                gained.append(("site", glob.key))
        for project in self.snapshot.projects:
            for perm in catalogue.PROJECT_PERMISSIONS:
                if self.evaluated(perm.key, project.key).verdict is Verdict.ALLOWED:
                    continue
                if evaluate_in(patched, self.account, perm.key, project.key).verdict is Verdict.ALLOWED:
                    gained.append((project.key, perm.key))
        result = tuple(gained)
        self._blasts[patch] = result
        return result


    def _covering_fix(self, project: Project, cells: list[Cell | None]) -> Fix | None:
        """One proposed change that turns every missing project requirement of the row into "allowed"."""
        denied = [c for c in cells if c is not None and c.project_key and c.verdict is Verdict.DENIED]
        if len(denied) < 2:
            return None
        candidates: dict[Patch, tuple[Change, ...]] = {}
        for cell in denied:
            for fix in cell.fixes:
                patch = _patch_of(fix.changes)
                if patch is not None and patch not in candidates:
                    candidates[patch] = fix.changes
        covering: list[Fix] = []
        for patch, changes in candidates.items():
            patched = self.ix.with_patch(patch)
            if all(self._allowed_under(patched, cell, project) for cell in denied):
                targets = frozenset((project.key, c.requirement.key) for c in denied
                                    if c.requirement.kind is RequirementKind.PROJECT_PERMISSION)
                covering.append(self._fix(changes, patch, targets))
        if not covering:
            return None
        covering.sort(key=lambda f: (len(f.changes), _awkward(self.ix, project.key, f), len(f.also_grants),
                                     0 if f.changes[0].action == "add_to_role" else 1, f.summary))
        return covering[0]

    def _allowed_under(self, patched: SiteIndex, cell: Cell, project: Project) -> bool:
        req = cell.requirement
        if req.kind is RequirementKind.PROJECT_PERMISSION:
            return evaluate_in(patched, self.account, req.key, project.key).verdict is Verdict.ALLOWED
        if req.kind is RequirementKind.PROJECT_ROLE:
            return any(patched.role_actor(project, rid, self.account.account_id)[0] is True
                       for rid, _ in self._role_ids(project, req.role_names))
        return False

    # -- least privilege ---------------------------------------------------------------------
    def _findings(self, profile: Profile, chosen: tuple[Feature, ...], audited: list[Project], *,
                  projects_requested: bool) -> list[Finding]:
        acc = self.account
        name = acc.display_name
        findings: list[Finding] = []
        needed_globals = {r.key for f in chosen for r in f.requirements
                          if r.kind is RequirementKind.GLOBAL_PERMISSION}
        needed_roles = {n.lower() for f in chosen for r in f.requirements
                        if r.kind is RequirementKind.PROJECT_ROLE for n in r.role_names}
        if not self.ix.is_active(acc):
            return findings

        # Jira admin (and DC system admin) when the audited features do not need it
        for key in ADMIN_GLOBALS:
            has, how, _ = self.ix.has_global(acc.account_id, key)
            if has is not True or key in needed_globals or ("ADMINISTER" in needed_globals and key == "SYSTEM_ADMIN"):
                continue
            perm_name = catalogue.display_name(key)
            others = _needed_elsewhere(profile, chosen, RequirementKind.GLOBAL_PERMISSION, key)
            summary = (f"{name} holds the global permission {perm_name}, which the audited features of "
                       f"{profile.name} do not need")
            if others:
                summary += f" (only {_feature_list(others)}, not audited, needs it)"
            if key == "ADMINISTER":
                summary += "; with it come Administer Projects in every company-managed project and the power to " \
                           "change every scheme"
            group = how.removeprefix("via group ").strip() if how.startswith("via group ") else ""
            remedy = (f"Remove {name} from group {group}" if group else f"Take {perm_name} away from {name}") + \
                " unless the integration really needs it"
            via = (how.removeprefix("via "),) if how else ()
            findings.append(Finding("jira_admin", "high", None, summary, via, remedy, (key,)))

        # admin-like project permissions the profile does not need, in the audited projects
        extras: dict[str, tuple[list[str], list[str]]] = {}
        for project in audited:
            needed = {r.key for f in chosen for r in f.requirements
                      if r.kind is RequirementKind.PROJECT_PERMISSION and r.applies_to(project.project_type)}
            extra: list[str] = []
            vias: list[str] = []
            for perm in ADMIN_LIKE:
                if perm in needed:
                    continue
                exp = self.evaluated(perm, project.key)
                if exp.verdict is not Verdict.ALLOWED:
                    continue
                how = [c for c in exp.checks if c.decisive and c.passed is True]
                if perm == catalogue.ADMINISTER_PROJECTS and how and all(
                        c.kind is Kind.GLOBAL_PERMISSION for c in how):
                    continue  # comes with Administer Jira: required by the profile, or reported above
                extra.append(perm)
                for check in how:
                    if check.kind is not Kind.GLOBAL_PERMISSION:
                        vias.extend(check.via or (check.summary,))
            if extra:
                extras[project.key] = (extra, list(dict.fromkeys(vias)))

        # the Administrators role, in every project of the site (with what it gives beyond the profile)
        for project in self.snapshot.projects:
            for role_id, role_name in self._admin_roles(project):
                if role_name.lower() in needed_roles:
                    continue
                member, via, _ = self.ix.role_actor(project, role_id, acc.account_id)
                if member is not True:
                    continue
                audited_note = "" if project in audited else " (a project the audit did not cover)"
                summary = (f"{name} is in role {role_name} in {project.key}{audited_note}: project admins can "
                           "change the project's settings and roles")
                perms: tuple[str, ...] = ()
                if project.key in extras:
                    extra, vias = extras.pop(project.key)
                    perms = tuple(extra)
                    summary += (f"; in {project.key} it holds {len(extra)} admin-like permission"
                                f"{'s' if len(extra) != 1 else ''} {profile.name} does not need: "
                                + ", ".join(catalogue.display_name(p) for p in extra))
                    via = tuple(dict.fromkeys((*via, *vias)))
                findings.append(Finding(
                    "administrators_role", "high", project.key, summary, via,
                    f"Remove {name} from role {role_name} in {project.key}; give the permissions the profile "
                    "needs to a narrower role instead", perms))

        for key, (extra, vias) in extras.items():
            names = ", ".join(catalogue.display_name(p) for p in extra)
            severity = "high" if catalogue.ADMINISTER_PROJECTS in extra else "medium"
            findings.append(Finding(
                "admin_like_permissions", severity, key,
                f"{name} holds {len(extra)} admin-like permission{'s' if len(extra) != 1 else ''} in {key} "
                f"that {profile.name} does not need: {names}",
                tuple(vias),
                "Take the account out of the role or group that gives them (see 'via'), and grant only what the "
                "profile lists", tuple(extra)))

        # Browse on projects the audit was not asked about
        if projects_requested:
            for project in self.snapshot.projects:
                if project in audited:
                    continue
                exp = self.evaluated(catalogue.BROWSE, project.key)
                if exp.verdict is not Verdict.ALLOWED:
                    continue
                via = tuple(dict.fromkeys(v for c in exp.checks if c.decisive and c.passed
                                          for v in (c.via or (c.summary,))))
                findings.append(Finding(
                    "browse_unrequested", "low", project.key,
                    f"{name} can browse {project.key} ({project.name}), which was not among the projects audited: "
                    "the integration can read its issues",
                    via, f"If {profile.name} does not sync {project.key}, remove {name} from what gives it Browse "
                         "Projects there (see 'via')", (catalogue.BROWSE,)))
        order = {"high": 0, "medium": 1, "low": 2}
        findings.sort(key=lambda f: (order[f.severity], f.project_key or "", f.kind))
        return findings

    def _admin_roles(self, project: Project) -> list[tuple[str, str]]:
        if project.team_managed and project.permission_scheme_id is None:
            return [(r.id, r.name) for r in project.team_roles if r.name.lower() in ADMIN_ROLE_NAMES]
        return [(r.id, r.name) for r in self.snapshot.roles if r.name.lower() in ADMIN_ROLE_NAMES]


# ---------------------------------------------------------------- entry points


def audit(snapshot: Snapshot, profile: Profile, account: Account | str, *,
          projects: list[str] | tuple[str, ...] | None = None,
          features: list[str] | tuple[str, ...] | None = None) -> AuditReport:
    """Audit one account against one profile (see :class:`Auditor`)."""
    return Auditor(snapshot, account).audit(profile, projects=projects, features=features)


@dataclass(frozen=True, slots=True)
class ProfileFit:
    profile: Profile
    report: AuditReport
    met: int
    missing: int
    undetermined: int
    findings: int
    rank: int = 0

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


def rank_profiles(snapshot: Snapshot, profiles: list[Profile] | tuple[Profile, ...], account: Account | str, *,
                  projects: list[str] | tuple[str, ...] | None = None) -> FitReport:
    """Run every profile (default features) and order them by fit.

    Best fit: the largest share of applicable requirements met, then the fewest
    missing, then the fewest least-privilege findings, then the profile id.
    Nothing is guessed: every profile is audited the same way.
    """
    auditor = Auditor(snapshot, account, with_fixes=False)
    fits = []
    for profile in profiles:
        report = auditor.audit(profile, projects=projects)
        t = report.totals
        fits.append(ProfileFit(profile, report, t["met"], t["missing"], t["undetermined"], t["findings"]))
    fits.sort(key=lambda f: (-f.share, f.missing, f.findings, f.profile.id))
    ranked = tuple(replace(f, rank=i) for i, f in enumerate(fits, 1))
    return FitReport(auditor.account, snapshot.site.url, snapshot.provenance.taken_at, ranked)


# ---------------------------------------------------------------- helpers


def _failing(exp: Explanation) -> tuple[str, ...]:
    """The checks that decided a denial, or what the snapshot lacks for an undetermined answer."""
    if exp.verdict is Verdict.ALLOWED:
        return ()
    if exp.verdict is Verdict.UNKNOWN:
        return tuple(f"missing from the snapshot: {f.describe()}; {f.remedy()}" for f in exp.missing_facts)
    out: list[str] = []
    for check in exp.checks:
        if check.decisive and check.passed is False:
            out.append(f"{_label(check)}: {check.summary}")
    return tuple(out)


def _label(check: Check) -> str:
    return KIND_LABELS.get(check.kind, check.kind.value)


def _needed_elsewhere(profile: Profile, chosen: tuple[Feature, ...], kind: RequirementKind, key: str) -> list[Feature]:
    return [f for f in profile.features if f not in chosen
            and any(r.kind is kind and r.key == key for r in f.requirements)]


def _feature_list(features: list[Feature]) -> str:
    return " and ".join(f"the feature '{f.title}' ({f.id})" for f in features)


def _for_apps(ix: SiteIndex, fix: Fix) -> bool:
    """A fix that puts a person-like account in a role meant for apps (atlassian-addons-project-access)."""
    return any(c.role_id and ix.role_name(c.role_id).startswith("atlassian-addons") for c in fix.changes)


def _awkward(ix: SiteIndex, project_key: str, fix: Fix) -> int:
    """1 for fixes no admin would apply to an integration account: joining the apps' role or the portal customers."""
    project = ix.project(project_key)
    customers = project.customer_role_id if project is not None else None
    return 1 if _for_apps(ix, fix) or any(c.role_id and c.role_id == customers for c in fix.changes) else 0


def _patch_of(changes: tuple[Change, ...]) -> Patch | None:
    """The hypothetical patch of a fix's changes (None when one of them is issue-specific)."""
    patch = Patch()
    for c in changes:
        if c.action == "add_to_role" and c.account_id and c.project_key and c.role_id:
            patch = patch.merge(Patch(roles=frozenset({(c.account_id, c.project_key, c.role_id)})))
        elif c.action in ("add_to_group", "grant_product") and c.account_id and c.group:
            patch = patch.merge(Patch(groups=frozenset({(c.account_id, c.group)})))
        elif c.action == "add_grant" and c.scheme_id and c.permission and c.holder_type:
            grant = Grant(f"proposed-{c.permission}-{c.holder_type}-{c.holder_parameter}", c.permission,
                          Holder(c.holder_type, c.holder_parameter))
            patch = patch.merge(Patch(grants=((c.scheme_id, grant),)))
        elif c.action == "reactivate" and c.account_id:
            patch = patch.merge(Patch(reactivated=frozenset({c.account_id})))
        elif c.action == "restore_project" and c.project_key:
            patch = patch.merge(Patch(restored_projects=frozenset({c.project_key})))
        else:
            return None
    return patch if patch else None


def _blast_words(who: str, gained: tuple[tuple[str, str], ...]) -> str:
    if not gained:
        return f"grants {who} nothing else"
    site = [k for where, k in gained if where == "site"]
    per_project: dict[str, int] = {}
    for where, _ in gained:
        if where != "site":
            per_project[where] = per_project.get(where, 0) + 1
    parts = [f"{n} in {key}" for key, n in sorted(per_project.items(), key=lambda kv: (-kv[1], kv[0]))]
    parts += [f"the global permission {catalogue.display_name(k)}" for k in site]
    total = len(gained)
    text = f"also grants {who} {total} other permission{'s' if total != 1 else ''} ({', '.join(parts)})"
    admin = [where for where, k in gained if k == catalogue.ADMINISTER_PROJECTS]
    if admin:
        text += f", including Administer Projects in {', '.join(admin)}"
    return text
