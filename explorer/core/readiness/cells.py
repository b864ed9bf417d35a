"""The verdict of one requirement of a profile, one function per kind of requirement.

A project requirement gives one cell per project; a site-wide one (global
permission, product access) one cell for the site.  :data:`PROJECT_CELLS` and
:data:`SITE_CELLS` say which function answers which :class:`RequirementKind`:
a new kind of requirement gets a function here and a line there.
"""

from __future__ import annotations

from collections.abc import Callable

from explorer.core.model import Fact, FactKind, Project
from explorer.core.readiness.context import FIX_LIMIT, AuditContext, awkward, patch_of
from explorer.core.readiness.profiles import ANY_JIRA, PRODUCTS, RequirementKind
from explorer.core.readiness.report import Cell, Column
from explorer.core.replay import catalogue
from explorer.core.replay.evaluator import evaluate_in
from explorer.core.replay.explanation import KIND_LABELS, Change, Explanation, Fix, Verdict
from explorer.core.replay.index import Patch, SiteIndex


def failing(exp: Explanation) -> tuple[str, ...]:
    """The checks that decided a denial, or what the snapshot lacks for an undetermined answer."""
    if exp.verdict is Verdict.ALLOWED:
        return ()
    if exp.verdict is Verdict.UNKNOWN:
        return _missing_lines(exp.missing_facts)
    return tuple(f"{KIND_LABELS.get(c.kind, c.kind.value)}: {c.summary}"
                 for c in exp.checks if c.decisive and c.passed is False)


def _missing_lines(facts: tuple[Fact, ...]) -> tuple[str, ...]:
    return tuple(f"missing from the snapshot: {f.describe()}; {f.remedy()}" for f in facts)


# ---------------------------------------------------------------- project requirements


def project_permission(ctx: AuditContext, col: Column, project: Project) -> Cell:
    exp = ctx.explained(col.requirement.key, project.key)
    return Cell(col, project.key, exp.verdict, exp.headline, failing(exp), exp.fixes, exp, exp.missing_facts)


def project_role(ctx: AuditContext, col: Column, project: Project) -> Cell:
    req = col.requirement
    acc = ctx.account
    name = acc.display_name
    roles = ctx.role_ids(project, req.role_names)
    wanted = " or ".join(repr(n) for n in req.role_names)
    if not ctx.ix.is_active(acc):
        return Cell(col, project.key, Verdict.DENIED, f"{name} is deactivated, so no role membership counts.",
                    (f"Account: {name} is deactivated and cannot log in",), (ctx.reactivate(),))
    if not roles:
        gap = ctx.ix.gap(FactKind.PROJECT_ROLES, project.key) or (
            ctx.ix.gap(FactKind.TEAM_ROLES, project.key) if project.team_managed else None)
        if gap is not None or (project.team_managed and not project.team_roles):
            fact = gap or ctx.ix.absent(FactKind.TEAM_ROLES, project.key)
            return Cell(col, project.key, Verdict.UNKNOWN,
                        f"jira-perms cannot determine whether {name} is in role {req.key} in {project.key}: "
                        f"{fact.describe()}.", _missing_lines((fact,)), missing=(fact,))
        return Cell(col, project.key, Verdict.DENIED,
                    f"{project.key} has no project role named {wanted}, so {name} cannot be in it.",
                    (f"Project roles: no role named {wanted} exists for {project.key}; create it (or use the "
                     "project's agent role) and add the account",))
    unknown: Fact | None = None
    for role_id, role_name in roles:
        member, via, missing = ctx.ix.role_actor(project, role_id, acc.account_id)
        if member:
            return Cell(col, project.key, Verdict.ALLOWED,
                        f"{name} is in role {role_name} in {project.key}: {', '.join(via)}.")
        if member is None and missing is not None:
            unknown = unknown or missing
    role_id, role_name = roles[0]
    if unknown is not None:
        return Cell(col, project.key, Verdict.UNKNOWN,
                    f"jira-perms cannot determine whether {name} is in role {role_name} in {project.key}: "
                    f"{unknown.describe()}.", _missing_lines((unknown,)), missing=(unknown,))
    fix = ctx.fix((Change("add_to_role", f"Add {name} to role {role_name} in {project.key}",
                          account_id=acc.account_id, project_key=project.key, role_id=role_id),),
                  Patch(roles=frozenset({(acc.account_id, project.key, role_id)})))
    return Cell(col, project.key, Verdict.DENIED,
                f"{name} is not in role {role_name} in {project.key}, neither directly nor through a group.",
                (f"Project role: {name} is not an actor of role {role_name} in {project.key}",), (fix,))


# ---------------------------------------------------------------- site-wide requirements


def global_permission(ctx: AuditContext, col: Column) -> Cell:
    permission = col.requirement.key
    exp = ctx.explained(permission, None)
    fixes: tuple[Fix, ...] = ()
    if exp.verdict is Verdict.DENIED:
        if not ctx.ix.is_active(ctx.account):
            fixes = (ctx.reactivate(),)
        else:
            groups = sorted({g.group for g in ctx.snapshot.global_grants
                             if g.permission == permission and g.group is not None and ctx.ix.group_exists(g.group)})
            perm_name = catalogue.display_name(permission)
            found = [ctx.join_group(group, f"Add {ctx.name} to group {group}, which holds {perm_name}",
                                    frozenset({("site", permission)})) for group in groups]
            found.sort(key=lambda f: (len(f.also_grants), f.summary))
            fixes = tuple(found[:FIX_LIMIT])
    return Cell(col, None, exp.verdict, exp.headline, failing(exp), fixes, exp, exp.missing_facts)


def product_access(ctx: AuditContext, col: Column) -> Cell:
    req = col.requirement
    name = ctx.name
    wanted = PRODUCTS[req.key]
    product = None if req.key == ANY_JIRA else req.key
    if not ctx.ix.is_active(ctx.account):
        return Cell(col, None, Verdict.DENIED, f"{name} is deactivated and cannot log in.",
                    (f"Account: {name} is deactivated",), (ctx.reactivate(),))
    has, group, missing = ctx.ix.product_access(ctx.account.account_id, product)
    if has:
        return Cell(col, None, Verdict.ALLOWED, f"{name} has {wanted} via group {group}.")
    if has is None:
        facts = (missing,) if missing else ()
        what = missing.describe() if missing else "product access is not fully known"
        return Cell(col, None, Verdict.UNKNOWN, f"jira-perms cannot determine whether {name} has {wanted}: {what}.",
                    _missing_lines(facts), missing=facts)
    roles = [r for r in ctx.snapshot.application_roles if product is None or r.key == product]
    roles.sort(key=lambda r: (r.key != "jira-software", r.key))
    fixes = []
    for role in roles:
        group = (role.default_groups or role.groups or (None,))[0]
        if group is not None:
            fixes.append(ctx.join_group(group, f"Give {name} {role.name} access (add to group {group})",
                                        action="grant_product"))
    failing_lines = (f"Product access: {name} has no {wanted}" + (
        "" if roles else " and the snapshot lists no such product on this site"),)
    return Cell(col, None, Verdict.DENIED, f"{name} does not have {wanted}.", failing_lines, tuple(fixes[:FIX_LIMIT]))


PROJECT_CELLS: dict[RequirementKind, Callable[[AuditContext, Column, Project], Cell]] = {
    RequirementKind.PROJECT_PERMISSION: project_permission,
    RequirementKind.PROJECT_ROLE: project_role,
}
SITE_CELLS: dict[RequirementKind, Callable[[AuditContext, Column], Cell]] = {
    RequirementKind.GLOBAL_PERMISSION: global_permission,
    RequirementKind.PRODUCT_ACCESS: product_access,
}


# ---------------------------------------------------------------- one change for a whole row


def covering_fix(ctx: AuditContext, project: Project, cells: list[Cell | None]) -> Fix | None:
    """One proposed change that turns every missing project requirement of the row into "allowed"."""
    denied = [c for c in cells if c is not None and c.project_key and c.verdict is Verdict.DENIED]
    if len(denied) < 2:
        return None
    candidates: dict[Patch, tuple[Change, ...]] = {}
    for cell in denied:
        for fix in cell.fixes:
            patch = patch_of(fix.changes)
            if patch is not None and patch not in candidates:
                candidates[patch] = fix.changes
    covering: list[Fix] = []
    for patch, changes in candidates.items():
        patched = ctx.ix.with_patch(patch)
        if all(_allowed_under(ctx, patched, cell, project) for cell in denied):
            targets = frozenset((project.key, c.requirement.key) for c in denied
                                if c.requirement.kind is RequirementKind.PROJECT_PERMISSION)
            covering.append(ctx.fix(changes, patch, targets))
    if not covering:
        return None
    covering.sort(key=lambda f: (len(f.changes), awkward(ctx.ix, project.key, f), len(f.also_grants),
                                 0 if f.changes[0].action == "add_to_role" else 1, f.summary))
    return covering[0]


def _allowed_under(ctx: AuditContext, patched: SiteIndex, cell: Cell, project: Project) -> bool:
    req = cell.requirement
    if req.kind is RequirementKind.PROJECT_PERMISSION:
        return evaluate_in(patched, ctx.account, req.key, project.key).verdict is Verdict.ALLOWED
    if req.kind is RequirementKind.PROJECT_ROLE:
        return any(patched.role_actor(project, rid, ctx.account.account_id)[0] is True
                   for rid, _ in ctx.role_ids(project, req.role_names))
    return False
