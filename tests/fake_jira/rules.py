"""The fake server's own answer to "does this account have this permission?" (for POST permissions/check).

Written independently of ``explorer.core.replay.evaluator`` from the rules document
(docs/permission-rules.md, section 2): active account, product
access, archived projects, scheme grants (with Jira admins inheriting
Administer Projects), Browse Projects as a prerequisite, and in an issue
context issue security, ``jira.permission.*`` status properties and
``jira.issue.editable``.  Only the catalogue's *data* (which permissions need
Browse, which need no product access, short names) is shared with the core.
"""

from __future__ import annotations

from explorer.core.model import Account, AccountType, Holder, Issue, Project, Snapshot
from explorer.core.replay import catalogue
from explorer.core.replay.catalogue import Access


class FakeRules:
    def __init__(self, site: Snapshot):
        self.site = site
        self.accounts = {a.account_id: a for a in site.accounts}
        self.members = {g.name: frozenset(g.members) for g in site.groups}
        self.projects = {p.key: p for p in site.projects}
        self.projects_by_id = {p.id: p for p in site.projects}
        self.schemes = {s.id: s for s in site.permission_schemes}
        self.security = {s.id: s for s in site.issue_security_schemes}
        self.workflows = {w.name: w for w in site.workflows}
        self.wf_schemes = {s.id: s for s in site.workflow_schemes}
        self.issues = {i.key: i for i in site.issues}
        self.issues_by_id = {i.id: i for i in site.issues}
        self._globals: dict[str, frozenset[str]] = {}

    # ---- people ------------------------------------------------------------------------
    def groups_of(self, account_id: str) -> set[str]:
        return {name for name, ids in self.members.items() if account_id in ids}

    def global_permissions(self, account_id: str) -> set[str]:
        cached = self._globals.get(account_id)
        if cached is None:
            account = self.accounts.get(account_id)
            groups = self.groups_of(account_id) if account is not None and account.active else None
            cached = frozenset() if groups is None else frozenset(
                g.permission for g in self.site.global_grants if g.group is None or g.group in groups)
            self._globals[account_id] = cached
        return set(cached)

    def is_admin(self, account_id: str) -> bool:
        return "ADMINISTER" in self.global_permissions(account_id)

    def product_access(self, account: Account, product: str | None = None) -> bool:
        groups = self.groups_of(account.account_id)
        return any(set(role.groups) & groups for role in self.site.application_roles
                   if product is None or role.key == product)

    # ---- holders -----------------------------------------------------------------------
    def matches(self, holder: Holder, account: Account, project: Project, issue: Issue | None) -> bool:
        kind = holder.type
        aid = account.account_id
        if kind == "anyone":
            return True
        if kind == "applicationRole":
            if holder.parameter is None:  # "Any logged in user": every site account but portal customers (decision 3)
                return account.account_type is not AccountType.CUSTOMER
            return self.product_access(account, holder.parameter)
        if kind == "group":
            return aid in self.members.get(holder.parameter or "", ())
        if kind == "user":
            return aid == holder.parameter
        if kind == "projectRole":
            actors = project.role_actors.get(holder.parameter or "")
            return actors is not None and (aid in actors.users or any(aid in self.members.get(g, ())
                                                                       for g in actors.groups))
        if kind == "projectLead":
            return aid == project.lead
        if kind in ("reporter", "assignee", "userCustomField", "groupCustomField"):
            if issue is None:  # project context: true for any logged-in account (rules 3.2)
                return True
            if kind == "reporter":
                return aid == issue.reporter
            if kind == "assignee":
                return aid == issue.assignee
            if kind == "userCustomField":
                return aid in issue.user_fields.get(holder.parameter or "", ())
            return any(aid in self.members.get(g, ()) for g in issue.group_fields.get(holder.parameter or "", ()))
        return False

    # ---- project permissions -------------------------------------------------------------
    def has(self, account_id: str, permission: str, project: Project, issue: Issue | None = None) -> bool:
        account = self.accounts.get(account_id)
        if account is None or not account.active:
            return False
        meta = catalogue.PROJECT_BY_KEY.get(permission)
        if meta is None:
            return False
        if meta.access is not Access.SITE and account.account_type is AccountType.CUSTOMER:
            return False
        if meta.access is Access.JIRA and not self.product_access(account):
            return False
        if meta.access is Access.JSM and not self.product_access(account, "jira-servicedesk"):
            return False
        if project.archived and not meta.view_only:
            return False
        if not self._granted(account, permission, project, issue):
            return False
        if meta.browse_required and permission != catalogue.BROWSE \
                and not self._granted(account, catalogue.BROWSE, project, issue):
            return False
        if issue is not None:
            if not self._cleared(account, project, issue):
                return False
            if not self._workflow_allows(account, meta, project, issue):
                return False
            if meta.browse_required and permission != catalogue.BROWSE:
                browse = catalogue.PROJECT_BY_KEY[catalogue.BROWSE]
                if not self._workflow_allows(account, browse, project, issue):
                    return False
        return True

    def _granted(self, account: Account, permission: str, project: Project, issue: Issue | None) -> bool:
        scheme = self.schemes.get(project.permission_scheme_id or "")
        if scheme is not None and any(g.permission == permission and self.matches(g.holder, account, project, issue)
                                      for g in scheme.grants):
            return True
        return permission == catalogue.ADMINISTER_PROJECTS and self.is_admin(account.account_id)

    def _cleared(self, account: Account, project: Project, issue: Issue) -> bool:
        level_id = issue.security_level_id
        if issue.issue_type.subtask and issue.parent_key in self.issues:
            level_id = self.issues[issue.parent_key].security_level_id
        if level_id is None:
            return True
        scheme = self.security.get(project.issue_security_scheme_id or "")
        level = scheme.level(level_id) if scheme else None
        if level is None:
            return False
        return any(self.matches(m, account, project, issue) for m in level.members)

    def _workflow_allows(self, account: Account, meta: catalogue.ProjectPermission, project: Project,
                         issue: Issue) -> bool:
        scheme = self.wf_schemes.get(project.workflow_scheme_id or "")
        workflow = self.workflows.get(scheme.workflow_for(issue.issue_type.id)) if scheme else None
        status = workflow.status(issue.status_id) if workflow else None
        if status is None:
            return True
        props = dict(status.properties)
        if meta.key == catalogue.EDIT_ISSUES and props.get("jira.issue.editable", "").lower() == "false":
            return False
        if meta.short_name is None:
            return True
        prefix = f"jira.permission.{meta.short_name}."
        relevant = {k[len(prefix):]: v for k, v in props.items() if k.startswith(prefix)}
        if not relevant:
            return True
        for name, value in relevant.items():
            kind = name.split(".")[0]
            if kind == "denied":
                return False
            if kind == "group" and account.account_id in self.members.get(value, ()):
                return True
            if kind == "user" and account.account_id == value:
                return True
            if kind == "projectrole" and self.matches(Holder("projectRole", value), account, project, issue):
                return True
        return False
