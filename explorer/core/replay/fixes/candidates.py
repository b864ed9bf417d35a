"""Candidate changes for each failing check of a denial (not yet proved).

Each candidate is a :class:`~explorer.core.replay.explanation.Change` (the words an admin reads) and the
:class:`~explorer.core.replay.index.Patch` that applies it hypothetically, with the reach of the change
("project", "scheme", "site", "issue" or "workflow").  :mod:`.proof` keeps those that work.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.core.model import Grant, Holder, Issue, Project
from explorer.core.replay import catalogue
from explorer.core.replay.catalogue import Access
from explorer.core.replay.explanation import Change, Check, Explanation, Kind
from explorer.core.replay.holders import canonical_type
from explorer.core.replay.index import Patch, SiteIndex
from explorer.core.replay.rules import EDITABLE_KEYS, permission_meta, property_applies

MAX_GROUP_GRANT_CANDIDATES = 4

# Cheaper, more local changes first when blast radius ties.
ACTION_RANK = {
    "add_to_role": 0, "assign_issue": 1, "set_security_level": 2, "add_to_group": 3, "add_grant": 4,
    "grant_product": 5, "reactivate": 6, "restore_issue": 7, "restore_project": 8, "remove_status_property": 9,
}


@dataclass(frozen=True)
class Candidate:
    change: Change
    patch: Patch
    scope: str  # "project" | "site" | "scheme" | "issue" | "workflow"


def merge(cands: tuple[Candidate, ...]) -> Patch:
    """One patch applying every candidate."""
    patch = Patch()
    for cand in cands:
        patch = patch.merge(cand.patch)
    return patch


class Generator:
    """Candidate changes for each failing check of an explanation."""

    def __init__(self, ix: SiteIndex, exp: Explanation, project: Project, issue: Issue | None):
        self.ix = ix
        self.exp = exp
        self.project = project
        self.issue = issue
        self.account = exp.account
        self.aid = exp.account.account_id
        self.name = exp.account.display_name
        self.by_check: dict[str, list[Candidate]] = {}

    def candidates(self) -> list[Candidate]:
        failing = [c for c in self.exp.checks if c.decisive and c.passed is False]
        seen: set = set()
        ordered: list[Candidate] = []
        for check in failing:
            made = list(self._for_check(check))
            self.by_check.setdefault(check.kind.value, []).extend(made)
            for cand in made:
                if cand.patch in seen:
                    continue
                seen.add(cand.patch)
                ordered.append(cand)
        ordered.sort(key=lambda c: ACTION_RANK.get(c.change.action, 99))
        return ordered

    def one_per_failing_check(self) -> tuple[Candidate, ...]:
        picks = [cands[0] for cands in self.by_check.values() if cands]
        return tuple(picks)

    # -- per check ---------------------------------------------------------------------
    def _for_check(self, check: Check):
        kind = check.kind
        if self.account.is_anonymous:
            return
        if kind is Kind.ACCOUNT_INACTIVE:
            yield Candidate(Change("reactivate", f"Reactivate {self.name}", account_id=self.aid),
                             Patch(reactivated=frozenset({self.aid})), "site")
        elif kind is Kind.PRODUCT_ACCESS:
            yield from self._product()
        elif kind in (Kind.GRANT, Kind.GLOBAL_PERMISSION, Kind.TEAM_MANAGED):
            yield from self._grants(self.exp.permission)
        elif kind is Kind.BROWSE_REQUIRED:
            yield from self._grants(catalogue.BROWSE)
        elif kind is Kind.ISSUE_SECURITY:
            yield from self._security(check)
        elif kind is Kind.WORKFLOW_PROPERTY:
            yield from self._workflow(check)
        elif kind is Kind.ISSUE_NOT_EDITABLE:
            yield from self._editable()
        elif kind is Kind.ARCHIVED:
            if self.project.archived:
                yield Candidate(Change("restore_project", f"Restore the archived project {self.project.key}",
                                        project_key=self.project.key),
                                 Patch(restored_projects=frozenset({self.project.key})), "project")
            if self.issue is not None and self.issue.archived:
                yield Candidate(Change("restore_issue", f"Restore the archived issue {self.issue.key}",
                                        issue_key=self.issue.key),
                                 Patch(restored_issues=frozenset({self.issue.key})), "issue")

    def _product(self):
        meta = permission_meta(self.exp.permission)
        roles = self.ix.snapshot.application_roles
        if meta.access is Access.JSM:
            roles = tuple(r for r in roles if r.key == "jira-servicedesk")
        preferred = {"service_desk": "jira-servicedesk", "software": "jira-software"}.get(
            self.project.project_type.value, "")
        roles = sorted(roles, key=lambda r: (r.key != preferred, r.key))
        for role in roles:
            group = (role.default_groups or role.groups or (None,))[0]
            if group is None:
                continue
            yield Candidate(Change("grant_product", f"Give {self.name} {role.name} access (add to group {group})",
                                    account_id=self.aid, group=group),
                             Patch(groups=frozenset({(self.aid, group)})), "site")

    def _join_role(self, role_id: str, why: str) -> Candidate:
        role = self.ix.role_name(role_id)
        return Candidate(Change("add_to_role", f"Add {self.name} to role {role} in {self.project.key}{why}",
                                 account_id=self.aid, project_key=self.project.key, role_id=role_id),
                          Patch(roles=frozenset({(self.aid, self.project.key, role_id)})), "project")

    def _join_group(self, group: str, why: str) -> Candidate:
        return Candidate(Change("add_to_group", f"Add {self.name} to group {group}{why}", account_id=self.aid,
                                 group=group),
                          Patch(groups=frozenset({(self.aid, group)})), "site")

    def _grants(self, permission: str):
        perm_name = catalogue.display_name(permission)
        project = self.project
        if project.team_managed and project.permission_scheme_id is None:
            for role in project.team_roles:
                if permission in role.permissions:
                    yield self._join_role(role.id, f" (that team role gives {perm_name})")
            return
        scheme, _ = self.ix.scheme(project)
        if scheme is None:
            return
        holders = [g.holder for g in self.ix.grants(scheme, permission)]
        for holder in holders:
            kind = canonical_type(holder.type)
            if kind == "projectRole" and holder.parameter:
                yield self._join_role(holder.parameter, f", which already holds {perm_name}")
            elif kind == "group":
                group = self.ix.group_name(holder)
                if group and self.ix.group_exists(group):
                    yield self._join_group(group, f", which already holds {perm_name} in {project.key}")
            elif kind == "applicationRole" and holder.parameter:
                for role in self.ix.snapshot.application_roles:
                    if role.key == holder.parameter and (role.default_groups or role.groups):
                        group = (role.default_groups or role.groups)[0]
                        yield Candidate(Change("grant_product",
                                                f"Give {self.name} {role.name} access (add to group {group}), "
                                                f"which already holds {perm_name}", account_id=self.aid, group=group),
                                         Patch(groups=frozenset({(self.aid, group)})), "site")
            elif kind == "assignee" and self.issue is not None and self.issue.assignee != self.aid:
                yield Candidate(Change("assign_issue", f"Assign {self.issue.key} to {self.name} (the current "
                                        f"assignee holds {perm_name})", account_id=self.aid, issue_key=self.issue.key),
                                 Patch(assignees=((self.issue.key, self.aid),)), "issue")
            elif kind == "sd.customer.portal.only" and project.customer_role_id:
                yield self._join_role(project.customer_role_id, f" (portal customers hold {perm_name})")
        # grant the permission to something the account already is
        for role_id in sorted(project.role_actors):
            actor, _, _ = self.ix.role_actor(project, role_id, self.aid)
            if actor and not any(canonical_type(h.type) == "projectRole" and h.parameter == role_id for h in holders):
                yield self._add_grant(scheme, permission, Holder("projectRole", role_id),
                                      f"role {self.ix.role_name(role_id)}",
                                      f"{self.name} is already an actor of it in {project.key}")
        groups = sorted(self.ix.groups_of(self.aid), key=lambda g: (len(self.ix.t.groups.get(g, ())), g))
        for group in groups[:MAX_GROUP_GRANT_CANDIDATES]:
            if not any(canonical_type(h.type) == "group" and self.ix.group_name(h) == group for h in holders):
                yield self._add_grant(scheme, permission, Holder("group", group), f"group {group}",
                                      f"{self.name} is already a member")

    def _add_grant(self, scheme, permission: str, holder: Holder, who: str, why: str) -> Candidate:
        grant = Grant(f"proposed-{permission}-{holder.type}-{holder.parameter}", permission, holder)
        return Candidate(
            Change("add_grant", f"Grant {catalogue.display_name(permission)} to {who} in permission scheme "
                   f"'{scheme.name}' ({why})", scheme_id=scheme.id, permission=permission,
                   holder_type=holder.type, holder_parameter=holder.parameter, project_key=self.project.key),
            Patch(grants=((scheme.id, grant),)), "scheme")

    def _security(self, check: Check):
        issue = self.issue
        if issue is None:
            return
        for child in check.children:
            holder = Holder(child.holder_type or "", child.holder_parameter)
            kind = canonical_type(holder.type)
            if kind == "projectRole" and holder.parameter:
                yield self._join_role(holder.parameter, f", a member of the security level of {issue.key}")
            elif kind == "group":
                group = self.ix.group_name(holder)
                if group and self.ix.group_exists(group):
                    yield self._join_group(group, f", a member of the security level of {issue.key}")
        level_id, _, _ = self.ix.security_level(self.project, issue)
        scheme, _ = self.ix.security_scheme(self.project)
        if scheme is not None:
            for level in scheme.levels:
                if level.id != level_id:
                    yield Candidate(Change("set_security_level",
                                            f"Change the security level of {issue.key} to '{level.name}'",
                                            issue_key=issue.key, level_id=level.id),
                                     Patch(security_levels=((issue.key, level.id),)), "issue")
        yield Candidate(Change("set_security_level", f"Remove the security level of {issue.key}",
                                issue_key=issue.key, level_id=""),
                         Patch(security_levels=((issue.key, None),)), "issue")

    def _workflow(self, check: Check):
        issue = self.issue
        if issue is None:
            return
        for child in check.children:
            kind = canonical_type(child.holder_type or "")
            if kind == "projectRole" and child.holder_parameter:
                yield self._join_role(child.holder_parameter, f", which the status properties of {issue.key} allow")
            elif kind == "group" and child.holder_parameter and self.ix.group_exists(child.holder_parameter):
                yield self._join_group(child.holder_parameter, f", which the status properties of {issue.key} allow")
        status, workflow, _ = self.ix.status_of(self.project, issue)
        if status is None:
            return
        short = permission_meta(self.exp.permission).short_name
        keys = [k for k in self.ix.properties(workflow, status) if short and property_applies(k, short, subtasks=False)]
        if keys:
            yield Candidate(Change("remove_status_property",
                                    f"Remove {', '.join(keys)} from status {status.name} of workflow {workflow}",
                                    workflow=workflow, status_id=status.id, property_key=keys[0]),
                             Patch(removed_properties=frozenset((workflow, status.id, k) for k in keys)), "workflow")

    def _editable(self):
        issue = self.issue
        if issue is None:
            return
        status, workflow, _ = self.ix.status_of(self.project, issue)
        if status is None:
            return
        keys = [k for k in EDITABLE_KEYS if k in status.properties]
        if keys:
            yield Candidate(Change("remove_status_property",
                                    f"Remove {keys[0]}=false from status {status.name} of workflow {workflow} "
                                    f"(or move {issue.key} to an editable status)",
                                    workflow=workflow, status_id=status.id, property_key=keys[0]),
                             Patch(removed_properties=frozenset((workflow, status.id, k) for k in keys)), "workflow")
