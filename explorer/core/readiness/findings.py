"""Least-privilege findings: what the account holds beyond the profile, one function per kind of finding.

Each function takes the audit's :class:`AuditContext` and :class:`Scope` and
yields :class:`~explorer.core.readiness.report.Finding` rows; :data:`FINDINGS`
lists them.  A new kind of finding gets a function here and a line there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from explorer.core.model import Project
from explorer.core.readiness.context import AuditContext
from explorer.core.readiness.profiles import Feature, Profile, RequirementKind
from explorer.core.readiness.report import Finding
from explorer.core.replay import catalogue
from explorer.core.replay.explanation import Kind, Verdict

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

ADMIN_GLOBALS = ("ADMINISTER", "SYSTEM_ADMIN")
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass
class Scope:
    """What one audit covers: the profile, the features chosen and the projects audited."""

    ctx: AuditContext
    profile: Profile
    chosen: tuple[Feature, ...]
    audited: list[Project]
    projects_requested: bool

    @cached_property
    def needed_globals(self) -> set[str]:
        return {r.key for f in self.chosen for r in f.requirements if r.kind is RequirementKind.GLOBAL_PERMISSION}

    @cached_property
    def needed_roles(self) -> set[str]:
        return {n.lower() for f in self.chosen for r in f.requirements
                if r.kind is RequirementKind.PROJECT_ROLE for n in r.role_names}

    @cached_property
    def admin_like(self) -> dict[str, tuple[list[str], list[str]]]:
        """Per audited project: the admin-like permissions held without need, and how they come."""
        out: dict[str, tuple[list[str], list[str]]] = {}
        for project in self.audited:
            needed = {r.key for f in self.chosen for r in f.requirements
                      if r.kind is RequirementKind.PROJECT_PERMISSION and r.applies_to(project.project_type)}
            extra: list[str] = []
            vias: list[str] = []
            for perm in ADMIN_LIKE:
                if perm in needed:
                    continue
                exp = self.ctx.evaluated(perm, project.key)
                if exp.verdict is not Verdict.ALLOWED:
                    continue
                how = [c for c in exp.checks if c.decisive and c.passed is True]
                if perm == catalogue.ADMINISTER_PROJECTS and how and all(
                        c.kind is Kind.GLOBAL_PERMISSION for c in how):
                    continue  # comes with Administer Jira: required by the profile, or reported as jira_admin
                extra.append(perm)
                for check in how:
                    if check.kind is not Kind.GLOBAL_PERMISSION:
                        vias.extend(check.via or (check.summary,))
            if extra:
                out[project.key] = (extra, list(dict.fromkeys(vias)))
        return out

    @cached_property
    def admin_roles(self) -> list[tuple[Project, str, tuple[str, ...]]]:
        """Every project of the site where the account is in an Administrators role the profile does not ask for."""
        found = []
        for project in self.ctx.snapshot.projects:
            for role_id, role_name in self.ctx.admin_roles(project):
                if role_name.lower() in self.needed_roles:
                    continue
                member, via, _ = self.ctx.ix.role_actor(project, role_id, self.ctx.account.account_id)
                if member is True:
                    found.append((project, role_name, via))
        return found


def jira_admin(ctx: AuditContext, scope: Scope) -> Iterator[Finding]:
    """Administer Jira (or Data Center's System admin) when the audited features do not need it."""
    name = ctx.name
    needed = scope.needed_globals
    for key in ADMIN_GLOBALS:
        has, how, _ = ctx.ix.has_global(ctx.account.account_id, key)
        if has is not True or key in needed or ("ADMINISTER" in needed and key == "SYSTEM_ADMIN"):
            continue
        perm_name = catalogue.display_name(key)
        others = [f for f in scope.profile.features if f not in scope.chosen
                  and any(r.kind is RequirementKind.GLOBAL_PERMISSION and r.key == key for r in f.requirements)]
        summary = (f"{name} holds the global permission {perm_name}, which the audited features of "
                   f"{scope.profile.name} do not need")
        if others:
            summary += " (only " + " and ".join(f"the feature '{f.title}' ({f.id})" for f in others) + \
                       ", not audited, needs it)"
        if key == "ADMINISTER":
            summary += "; with it come Administer Projects in every company-managed project and the power to " \
                       "change every scheme"
        group = how.removeprefix("via group ").strip() if how.startswith("via group ") else ""
        remedy = (f"Remove {name} from group {group}" if group else f"Take {perm_name} away from {name}") + \
            " unless the integration really needs it"
        yield Finding("jira_admin", "high", None, summary, (how.removeprefix("via "),) if how else (), remedy, (key,))


def administrators_role(ctx: AuditContext, scope: Scope) -> Iterator[Finding]:
    """The Administrators role in any project of the site, with the admin-like permissions it gives there."""
    name = ctx.name
    for project, role_name, via in scope.admin_roles:
        audited_note = "" if project in scope.audited else " (a project the audit did not cover)"
        summary = (f"{name} is in role {role_name} in {project.key}{audited_note}: project admins can change the "
                   "project's settings and roles")
        perms: tuple[str, ...] = ()
        if project.key in scope.admin_like:
            extra, vias = scope.admin_like[project.key]
            perms = tuple(extra)
            summary += (f"; in {project.key} it holds {len(extra)} admin-like permission{'s' if len(extra) != 1 else ''}"
                        f" {scope.profile.name} does not need: " + ", ".join(catalogue.display_name(p) for p in extra))
            via = tuple(dict.fromkeys((*via, *vias)))
        yield Finding("administrators_role", "high", project.key, summary, via,
                      f"Remove {name} from role {role_name} in {project.key}; give the permissions the profile "
                      "needs to a narrower role instead", perms)


def admin_like_permissions(ctx: AuditContext, scope: Scope) -> Iterator[Finding]:
    """Admin-like project permissions without the Administrators role (those with it are reported with the role)."""
    in_admin_role = {project.key for project, _, _ in scope.admin_roles}
    for key, (extra, vias) in scope.admin_like.items():
        if key in in_admin_role:
            continue
        names = ", ".join(catalogue.display_name(p) for p in extra)
        severity = "high" if catalogue.ADMINISTER_PROJECTS in extra else "medium"
        yield Finding("admin_like_permissions", severity, key,
                      f"{ctx.name} holds {len(extra)} admin-like permission{'s' if len(extra) != 1 else ''} in {key} "
                      f"that {scope.profile.name} does not need: {names}", tuple(vias),
                      "Take the account out of the role or group that gives them (see 'via'), and grant only what "
                      "the profile lists", tuple(extra))


def browse_unrequested(ctx: AuditContext, scope: Scope) -> Iterator[Finding]:
    """Browse Projects on projects the audit was not asked about (only when projects were named)."""
    if not scope.projects_requested:
        return
    for project in ctx.snapshot.projects:
        if project in scope.audited:
            continue
        exp = ctx.evaluated(catalogue.BROWSE, project.key)
        if exp.verdict is not Verdict.ALLOWED:
            continue
        via = tuple(dict.fromkeys(v for c in exp.checks if c.decisive and c.passed for v in (c.via or (c.summary,))))
        yield Finding("browse_unrequested", "low", project.key,
                      f"{ctx.name} can browse {project.key} ({project.name}), which was not among the projects "
                      "audited: the integration can read its issues",
                      via, f"If {scope.profile.name} does not sync {project.key}, remove {ctx.name} from what gives it "
                           "Browse Projects there (see 'via')", (catalogue.BROWSE,))


FINDINGS: tuple[Callable[[AuditContext, Scope], Iterable[Finding]], ...] = (
    jira_admin, administrators_role, admin_like_permissions, browse_unrequested,
)


def findings(ctx: AuditContext, scope: Scope) -> list[Finding]:
    """Every finding of every kind, most severe first (none for a deactivated account)."""
    if not ctx.ix.is_active(ctx.account):
        return []
    found = [f for kind in FINDINGS for f in kind(ctx, scope)]
    found.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.project_key or "", f.kind))
    return found
