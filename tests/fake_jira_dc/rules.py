"""The fake DC server's own answer to "does this account have this permission?" (mypermissions, user searches).

The Cloud fake's rules (written from the rules document, independently of the
evaluator) with what Data Center does differently: group membership includes
nested groups, a ``group`` grant without a group is "Group (Anyone)" (the
anonymous visitor included), the optional holder types, SYSTEM_ADMIN
administering like ADMINISTER, and archived issues (read-only).
"""

from __future__ import annotations

from explorer.core.model import Account, Holder, Issue, Project, Snapshot
from explorer.core.replay import catalogue
from tests.fake_jira.rules import FakeRules


class FakeDCRules(FakeRules):
    def __init__(self, site: Snapshot):
        super().__init__(site)
        direct = {g.name: set(g.members) for g in site.groups}
        children = {g.name: g.subgroups for g in site.groups}
        self.members = {name: frozenset(_closure(name, direct, children)) for name in direct}
        self.by_username = {a.username: a for a in site.accounts if a.username}

    def is_admin(self, account_id: str) -> bool:
        return bool({"ADMINISTER", "SYSTEM_ADMIN"} & self.global_permissions(account_id))

    def matches(self, holder: Holder, account: Account, project: Project, issue: Issue | None) -> bool:
        if holder.type == "group" and not holder.parameter:
            return True  # Group (Anyone)
        if holder.type in ("reporterWithCreatePermission", "assigneeWithAssignablePermission"):
            reporter = holder.type == "reporterWithCreatePermission"
            if issue is None:
                needed = catalogue.CREATE if reporter else "ASSIGNABLE_USER"
                return self._granted(account, needed, project, None)
            return account.account_id == (issue.reporter if reporter else issue.assignee)
        return super().matches(holder, account, project, issue)

    def has(self, account_id: str, permission: str, project: Project, issue: Issue | None = None) -> bool:
        meta = catalogue.PROJECT_BY_KEY.get(permission)
        if issue is not None and issue.archived and meta is not None and not meta.view_only:
            return False
        return super().has(account_id, permission, project, issue)


def _closure(name: str, direct: dict[str, set[str]], children: dict[str, tuple[str, ...]]) -> set[str]:
    found: set[str] = set()
    seen: set[str] = set()
    todo = [name]
    while todo:
        group = todo.pop()
        if group in seen:
            continue
        seen.add(group)
        found |= direct.get(group, set())
        todo.extend(children.get(group, ()))
    return found
