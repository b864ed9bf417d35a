"""The naive way, for comparison: the same evaluator reading the snapshot by scanning lists.

``ScanIndex`` answers every look-up the evaluator makes with a straightforward
scan of the snapshot (find the group in the group list, walk its members, walk
the scheme's grants for the permission, walk the project's role actors, ...), as
a first implementation without indexes would.  The benchmark measures it beside
the indexed path, and a hypothesis test proves both give identical answers.
"""

from __future__ import annotations

from explorer.core.model import (
    ANONYMOUS,
    ANONYMOUS_ID,
    Account,
    Fact,
    FactKind,
    Grant,
    Group,
    Holder,
    Issue,
    IssueSecurityScheme,
    PermissionScheme,
    Project,
    Snapshot,
    Status,
    WorkflowStatus,
)
from explorer.core.replay.evaluator import evaluate_in
from explorer.core.replay.explanation import Verdict
from explorer.core.replay.index import SiteIndex, Tri


class ScanIndex(SiteIndex):
    """Every look-up is a scan of the snapshot's lists; no precomputed tables."""

    __slots__ = ()

    def _fact(self, kind: FactKind, subject: str | None) -> Fact | None:
        for fact in self.snapshot.facts:
            if fact.kind is kind and fact.subject == subject:
                return fact
        return None

    def gap(self, kind: FactKind, subject: str | None = None) -> Fact | None:
        fact = self._fact(kind, subject)
        return fact if fact is not None and fact.status is not Status.COMPLETE else None

    def recorded_complete(self, kind: FactKind, subject: str | None = None) -> bool:
        fact = self._fact(kind, subject)
        return fact is not None and fact.status is Status.COMPLETE

    def absent(self, kind: FactKind, subject: str | None, endpoint: str = "") -> Fact:
        return self._fact(kind, subject) or Fact(kind, subject, Status.NOT_FETCHED, endpoint)

    def account(self, account_id: str) -> Account | None:
        if account_id == ANONYMOUS_ID:
            return ANONYMOUS
        for account in self.snapshot.accounts:
            if account.account_id == account_id:
                return account
        return None

    def group_name(self, holder: Holder) -> str | None:
        if holder.value:
            for group in self.snapshot.groups:
                if group.group_id == holder.value:
                    return group.name
        return holder.parameter or holder.value

    def group_exists(self, name: str) -> bool:
        return any(g.name == name for g in self.snapshot.groups)

    def _scan_member(self, account_id: str, group: Group) -> bool:
        """A direct member, or on Data Center a member of a group nested in it (walking the group list)."""
        if account_id in group.members:  # a tuple: a linear scan
            return True
        if not self.t.data_center:
            return False
        seen, todo = {group.name}, list(group.subgroups)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            for g in self.snapshot.groups:
                if g.name == name:
                    if account_id in g.members:
                        return True
                    todo.extend(g.subgroups)
        return False

    def in_group(self, account_id: str, group: str) -> tuple[Tri, Fact | None]:
        for g in self.snapshot.groups:
            if g.name == group:
                if self._scan_member(account_id, g):
                    return True, None
                gap = self.gap(FactKind.GROUP_MEMBERS, group)
                return (None, gap) if gap is not None else (False, None)
        if self.recorded_complete(FactKind.GROUPS):
            return False, None
        return None, self.absent(FactKind.GROUP_MEMBERS, group, "GET /rest/api/3/group/member")

    def groups_of(self, account_id: str) -> frozenset[str]:
        return frozenset(g.name for g in self.snapshot.groups if self._scan_member(account_id, g))

    def project(self, key: str) -> Project | None:
        for project in self.snapshot.projects:
            if project.key == key:
                return project
        return None

    def role_actor(self, project: Project, role_id: str, account_id: str) -> tuple[Tri, tuple[str, ...], Fact | None]:
        actors = project.role_actors.get(role_id)
        unknown: Fact | None = None
        if actors is not None:
            if account_id in actors.users:
                return True, (f"an actor of role {self.role_name(role_id)} in {project.key}",), None
            for group in actors.groups:
                member, missing = self.in_group(account_id, group)
                if member:
                    return True, (self.membership("", account_id, group)[1], f"an actor of role {self.role_name(role_id)} in {project.key}"), None
                if member is None:
                    unknown = unknown or missing
        gap = self.gap(FactKind.PROJECT_ROLES, project.key)
        if gap is not None:
            return None, (), gap
        if unknown is not None:
            return None, (), unknown
        return False, (), None

    def scheme(self, project: Project) -> tuple[PermissionScheme | None, Fact | None]:
        for scheme in self.snapshot.permission_schemes:
            if scheme.id == project.permission_scheme_id:
                return scheme, None
        return super().scheme(project)

    def grants(self, scheme: PermissionScheme, permission: str) -> tuple[Grant, ...]:
        return tuple(g for g in scheme.grants if g.permission == permission)

    def issue(self, key: str) -> Issue | None:
        for issue in self.snapshot.issues:
            if issue.key == key:
                return issue
        return None

    def security_scheme(self, project: Project) -> tuple[IssueSecurityScheme | None, Fact | None]:
        for scheme in self.snapshot.issue_security_schemes:
            if scheme.id == project.issue_security_scheme_id:
                return scheme, None
        return super().security_scheme(project)

    def status_of(self, project: Project, issue: Issue) -> tuple[WorkflowStatus | None, str, Fact | None]:
        scheme = next((s for s in self.snapshot.workflow_schemes if s.id == project.workflow_scheme_id), None)
        if scheme is None:
            return super().status_of(project, issue)
        name = scheme.workflow_for(issue.issue_type.id)
        for workflow in self.snapshot.workflows:
            if workflow.name == name:
                for status in workflow.statuses:
                    if status.id == issue.status_id:
                        return status, name, None
        return super().status_of(project, issue)


def naive_index(snapshot: Snapshot) -> ScanIndex:
    return ScanIndex(snapshot)


def naive_who_can(ix: ScanIndex, permission: str, project: str | None, issue: str | None) -> set[str]:
    """Every account, one by one."""
    found = set()
    for account in (ANONYMOUS, *ix.snapshot.accounts):
        if evaluate_in(ix, account, permission, project, issue).verdict is Verdict.ALLOWED:
            found.add(account.account_id)
    return found
