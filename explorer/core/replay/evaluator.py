"""The replay of Jira's permission logic: one account, one permission, one project or issue.

The order follows rules section 2: account (A), product access (B), project kind
and archive state (C, H), scheme grants (D) with the Jira-admin rule for
Administer Projects (decision 1), the Browse prerequisite (E), issue security
(F), workflow status properties and ``jira.issue.editable`` (G).  Every step is
three-valued and combined with Kleene logic, so a missing fact only makes the
answer "cannot determine" when the verdict depends on it (decision 10).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from explorer.core.errors import LookupFailed
from explorer.core.model import (
    Account,
    Fact,
    FactKind,
    Holder,
    Issue,
    Project,
    ProjectType,
    Snapshot,
    Status,
)
from explorer.core.replay import catalogue
from explorer.core.replay.cache import index_for
from explorer.core.replay.catalogue import Access, ProjectPermission
from explorer.core.replay.decisions import ADMIN_CONFLICT, TEAM_ADMIN_CONFLICT
from explorer.core.replay.explanation import Check, Explanation, Kind, Match, Verdict
from explorer.core.replay.holders import Context, HolderMatch, canonical_type, match_holder
from explorer.core.replay.index import SiteIndex, Tri, kleene_and, kleene_or
from explorer.core.replay.rules import (
    EDITABLE_KEYS,
    implied_team_role,
    permission_meta,
    property_applies,
    property_type,
)


def evaluate(
    snapshot: Snapshot,
    account: Account | str,
    permission: str,
    project: str | None = None,
    issue: str | None = None,
) -> Explanation:
    """May ``account`` use ``permission`` in ``project`` (or on ``issue``)?

    ``account`` is an Account or an accountId ("anonymous" for a logged-out
    visitor); ``permission`` a key or name from the catalogue.  Raises
    :class:`LookupFailed` for an unknown account, permission, project or issue.
    """
    return evaluate_in(index_for(snapshot), account, permission, project, issue)


def evaluate_in(
    ix: SiteIndex,
    account: Account | str,
    permission: str,
    project: str | None = None,
    issue: str | None = None,
) -> Explanation:
    """:func:`evaluate` on an index (possibly with hypothetical changes applied)."""
    acc = resolve_account_id(ix, account)
    key = resolve_permission_key(ix, permission)
    if catalogue.is_global_permission(key):
        return _evaluate_global(ix, acc, key)
    proj, iss = resolve_scope(ix, project, issue)
    return _Evaluation(ix, acc, key, proj, iss).run()


# ---------------------------------------------------------------- resolution


def resolve_account_id(ix: SiteIndex, account: Account | str) -> Account:
    if isinstance(account, Account):
        return account
    found = ix.account(account)
    if found is None:
        raise LookupFailed(f"unknown account {account!r}: no account with that accountId is in the snapshot")
    return found


def resolve_permission_key(ix: SiteIndex, permission: str) -> str:
    if catalogue.is_project_permission(permission) or catalogue.is_global_permission(permission):
        return permission
    if any(permission in grants for grants in ix.t.grants.values()):
        return permission  # an app-defined permission the site's schemes use
    return catalogue.resolve_permission(permission)


def resolve_scope(ix: SiteIndex, project: str | None, issue: str | None) -> tuple[Project, Issue | None]:
    iss: Issue | None = None
    if issue is not None:
        iss = ix.issue(issue.upper()) or ix.issue(issue)
        if iss is None:
            fact = ix.t.facts.get((FactKind.ISSUE, issue.upper()))
            why = ""
            if fact is not None and fact.status is not Status.COMPLETE:
                why = f" (the sync could not read it: {fact.status.value})"
            raise LookupFailed(
                f"issue {issue} is not in the snapshot{why}; add it with: jira-perms sync --issue {issue.upper()}"
            )
        if project is not None and project.upper() != iss.project_key.upper():
            raise LookupFailed(f"issue {iss.key} belongs to project {iss.project_key}, not {project}")
        project = iss.project_key
    if project is None:
        raise LookupFailed("a project permission needs --project KEY or --issue KEY")
    proj = ix.project(project) or ix.project(project.upper())
    if proj is None:
        known = ", ".join(sorted(ix.t.projects)[:12])
        raise LookupFailed(f"unknown project {project!r}; the snapshot has: {known or 'no projects'}")
    return proj, iss


# ---------------------------------------------------------------- grants


def grant_lines(ix: SiteIndex, ctx: Context, permission: str, scheme) -> tuple[list[Check], Tri]:
    """One line per grant of ``permission`` in the scheme, and their OR."""
    lines: list[Check] = []
    for grant in ix.grants(scheme, permission):
        m = match_holder(ix, grant.holder, ctx)
        lines.append(_line(Kind.GRANT, m, grant.holder, grant_id=grant.id))
    if not lines:
        return [Check(Kind.GRANT, False,
                      f"no grant of {catalogue.display_name(permission)} in permission scheme '{scheme.name}'",
                      match=Match.NOT_MATCHED)], False
    return lines, kleene_or(c.passed for c in lines)


def _line(kind: Kind, m: HolderMatch, holder: Holder, grant_id: str | None = None, prefix: str = "") -> Check:
    state = {Match.MATCHED: "matches", Match.COULD_MATCH: "could match", Match.NOT_MATCHED: "does not match",
             Match.UNKNOWN: "may or may not match"}[m.match]
    return Check(
        kind=kind,
        passed=m.match.as_bool,
        summary=f"{prefix}{m.label} {state}: {m.reason}",
        match=m.match,
        grant_id=grant_id,
        holder_type=holder.type,
        holder_parameter=holder.parameter,
        via=m.via,
        decision=m.decision,
        missing=m.missing,
    )


# ---------------------------------------------------------------- the evaluation


@dataclass
class _Step:
    check: Check
    result: Tri


class _Evaluation:
    def __init__(self, ix: SiteIndex, account: Account, permission: str, project: Project, issue: Issue | None):
        self.ix = ix
        self.account = account
        self.permission = permission
        self.meta = permission_meta(permission)
        self.project = project
        self.issue = issue
        self.ctx = Context(account, project, issue, permission)
        self.name = account.display_name
        self.perm_name = catalogue.display_name(permission)
        self.where = f"issue {issue.key}" if issue else f"project {project.key}"

    # -- orchestration --------------------------------------------------------------
    def run(self) -> Explanation:
        pre: list[_Step] = [self._active(), self._product_access()]
        grant_checks: list[Check]
        scheme_name: str | None = None
        if self.project.team_managed and self.project.permission_scheme_id is None:
            kind_step, grant_checks, grant_result = self._team_managed()
        else:
            kind_step = self._project_kind()
            grant_checks, grant_result, scheme_name = self._scheme_grants()
        pre.append(kind_step)
        pre.append(self._archived())
        post: list[_Step] = []
        browse = self._browse()
        if browse:
            post.append(browse)
        if self.issue is not None:
            post.append(self._issue_security())
            workflow = self._workflow(self.meta, self.issue)
            if workflow:
                post.append(workflow)
            if self.permission == catalogue.EDIT_ISSUES:
                post.append(self._editable())
        results = [s.result for s in pre] + [grant_result] + [s.result for s in post]
        verdict = _verdict(kleene_and(results))
        checks = self._mark(verdict, pre, grant_checks, grant_result, post)
        return Explanation(
            verdict=verdict,
            account=self.account,
            permission=self.permission,
            project_key=self.project.key,
            issue_key=self.issue.key if self.issue else None,
            headline=self._headline(verdict, checks),
            checks=tuple(checks),
            scheme_name=scheme_name,
        )

    def _mark(self, verdict: Verdict, pre: list[_Step], grants: list[Check], grant_result: Tri,
              post: list[_Step]) -> list[Check]:
        def decide(step: _Step) -> Check:
            hit = (verdict is Verdict.DENIED and step.result is False) or (
                verdict is Verdict.UNKNOWN and step.result is None)
            return step.check.as_decisive() if hit else step.check

        marked_grants: list[Check] = []
        for check in grants:
            hit = (
                (verdict is Verdict.ALLOWED and check.passed is True)
                or (verdict is Verdict.DENIED and grant_result is False)
                or (verdict is Verdict.UNKNOWN and grant_result is None and check.passed is None)
            )
            marked_grants.append(check.as_decisive() if hit else check)
        checks = [decide(s) for s in pre] + marked_grants + [decide(s) for s in post]
        if verdict is Verdict.UNKNOWN:
            seen: set = set()
            for check in list(checks):
                if not check.decisive:
                    continue
                for fact in _all_missing(check):
                    if fact.key in seen:
                        continue
                    seen.add(fact.key)
                    checks.append(Check(Kind.UNKNOWN_FACT, None, f"missing from the snapshot: {fact.describe()}",
                                        missing=(fact,), decision=10, decisive=True))
        return checks

    def _headline(self, verdict: Verdict, checks: list[Check]) -> str:
        subject = f"'{self.perm_name}' in {self.where}"
        if verdict is Verdict.ALLOWED:
            how = next((c for c in checks if c.decisive), None)
            reason = _reason_of(how) if how else ""
            return f"{self.name} has {subject}: {reason}."
        if verdict is Verdict.DENIED:
            first = next(c for c in checks if c.decisive)
            return f"{self.name} does not have {subject}: {_reason_of(first)}."
        facts = [c for c in checks if c.kind is Kind.UNKNOWN_FACT]
        what = facts[0].missing[0].describe() if facts and facts[0].missing else "a fact is missing"
        return f"jira-perms cannot determine whether {self.name} has {subject}: {what}."

    # -- A: the account ------------------------------------------------------------------
    def _active(self) -> _Step:
        if self.account.is_anonymous:
            return _Step(Check(Kind.ACCOUNT_INACTIVE, True,
                               "a logged-out visitor (anonymous): only Public grants can match"), True)
        if self.ix.is_active(self.account):
            return _Step(Check(Kind.ACCOUNT_INACTIVE, True, f"{self.name} is an active account"), True)
        return _Step(Check(Kind.ACCOUNT_INACTIVE, False,
                           f"{self.name} is deactivated, and deactivated accounts cannot log in, "
                           "so they have no permissions (rules section 2, step A)"), False)

    # -- B: product access -----------------------------------------------------------------
    def _product_access(self) -> _Step:
        access = self.meta.access
        if access is Access.SITE:
            return _Step(Check(Kind.PRODUCT_ACCESS, True,
                               f"{self.perm_name} needs no product access: it can be granted to anyone with access "
                               "to the site (rules section 4)"), True)
        product = "jira-servicedesk" if access is Access.JSM else None
        wanted = "Jira Service Management access" if product else "access to a Jira product"
        if self.account.is_anonymous:
            return _Step(Check(Kind.PRODUCT_ACCESS, False,
                               f"{self.perm_name} needs {wanted}, which a logged-out visitor never has "
                               "(decision 3)", decision=3), False)
        has, group, missing = self.ix.product_access(self.account.account_id, product)
        if has:
            return _Step(Check(Kind.PRODUCT_ACCESS, True,
                               f"{self.name} has {wanted} via group {group}", via=(f"group {group}",)), True)
        if has is None:
            return _Step(Check(Kind.PRODUCT_ACCESS, None,
                               f"{self.perm_name} needs {wanted}, and whether {self.name} has it is not known",
                               missing=(missing,) if missing else ()), None)
        who = "a portal-only customer" if self.ix.is_customer(self.account) else "an account"
        return _Step(Check(Kind.PRODUCT_ACCESS, False,
                           f"{self.perm_name} needs {wanted}, and {self.name} ({who}) has none "
                           "(decision 3)", decision=3), False)

    # -- C: project kind and archive state ------------------------------------------------------
    def _project_kind(self) -> _Step:
        p = self.project
        kind = {ProjectType.SOFTWARE: "software", ProjectType.SERVICE_DESK: "service management",
                ProjectType.BUSINESS: "business", ProjectType.PRODUCT_DISCOVERY: "product discovery"}[p.project_type]
        if p.team_managed:
            return _Step(Check(Kind.TEAM_MANAGED, True,
                               f"{p.key} is a team-managed {kind} project; the snapshot holds a permission scheme "
                               "for it, so that scheme is evaluated as for a company-managed project"), True)
        return _Step(Check(Kind.PROJECT_KIND, True,
                           f"{p.key} ({p.name}) is a company-managed {kind} project: its permission scheme decides"),
                     True)

    def _archived(self) -> _Step:
        archived, what = self.ix.is_archived(self.project, self.issue)
        if not archived:
            return _Step(Check(Kind.ARCHIVED, True, f"{self.where} is not archived"), True)
        if self.meta.view_only:
            return _Step(Check(Kind.ARCHIVED, True,
                               f"{what} is archived, but {self.perm_name} only views, so it remains (decision 6)",
                               decision=6), True)
        return _Step(Check(Kind.ARCHIVED, False,
                           f"{what} is archived, and archived projects and issues are read-only: only Browse Projects "
                           "and the view-only permissions remain (decision 6)", decision=6), False)

    # -- D: scheme grants ---------------------------------------------------------------------
    def _scheme_grants(self) -> tuple[list[Check], Tri, str | None]:
        scheme, missing = self.ix.scheme(self.project)
        lines: list[Check]
        if scheme is None:
            lines = [Check(Kind.GRANT, None, f"the permission scheme of {self.project.key} is not in the snapshot",
                           match=Match.UNKNOWN, missing=(missing,) if missing else ())]
            result: Tri = None
            name = None
        else:
            lines, result = grant_lines(self.ix, self.ctx, self.permission, scheme)
            name = scheme.name
        if self.permission == catalogue.ADMINISTER_PROJECTS:
            admin = self._jira_admin()
            lines.append(admin)
            result = kleene_or([result, admin.passed])
        return lines, result, name

    def _jira_admin(self) -> Check:
        has, how, missing = self.ix.has_global(self.account.account_id, catalogue.ADMINISTER)
        if has:
            return Check(Kind.GLOBAL_PERMISSION, True,
                         f"{self.name} is a Jira admin ({how}), and Jira admins inherit Administer Projects in every "
                         "company-managed project (decision 1)", via=("Administer Jira", how),
                         decision=1, conflict=ADMIN_CONFLICT)
        if has is None:
            return Check(Kind.GLOBAL_PERMISSION, None,
                         f"whether {self.name} is a Jira admin (who would inherit Administer Projects, decision 1) "
                         "is not known", decision=1, conflict=ADMIN_CONFLICT, missing=(missing,) if missing else ())
        return Check(Kind.GLOBAL_PERMISSION, False,
                     f"{self.name} is not a Jira admin, so does not inherit Administer Projects (decision 1)",
                     decision=1, conflict=ADMIN_CONFLICT)

    # -- C': team-managed projects -------------------------------------------------------------
    def _team_managed(self) -> tuple[_Step, list[Check], Tri]:
        p = self.project
        if self.account.is_anonymous:
            check = Check(Kind.TEAM_MANAGED, False,
                          f"{p.key} is a team-managed project, and team-managed projects have no anonymous access "
                          "(rules section 11)")
            return _Step(check, False), [], False
        if not p.team_roles:
            missing = self.ix.absent(FactKind.TEAM_ROLES, p.key)
            check = Check(Kind.TEAM_MANAGED, None,
                          f"{p.key} is a team-managed project: no permission scheme applies, and the snapshot holds "
                          "neither its roles' permissions nor a scheme for it (Jira's Permission helper does not "
                          "cover team-managed projects either)", missing=(missing,))
            return _Step(check, None), [], None
        level = (p.access_level or "").lower()
        intro = _Step(Check(Kind.TEAM_MANAGED, True,
                            f"{p.key} is a team-managed project (access: {level or 'unknown'}): its roles decide, "
                            "not a permission scheme (rules section 11)"), True)
        lines: list[Check] = []
        logged_in = not self.account.is_anonymous and not self.ix.is_customer(self.account)
        implied = implied_team_role(p)
        for role in p.team_roles:
            gives = self.permission in role.permissions
            actor, via, missing = self.ix.role_actor(p, role.id, self.account.account_id)
            reasons: list[str] = []
            state: Tri = False
            if actor:
                state = True
                reasons.append(f"{self.name} is " + ", ".join(via))
            elif actor is None:
                state = None
            if implied == role.name and logged_in:
                state = True
                via = (f"access level {level}",)
                reasons.append(f"every logged-in account gets role {role.name} in a {level} project")
            has_perm = "gives" if gives else "does not give"
            if not gives:
                result: Tri = False
            else:
                result = state
            what = "; ".join(reasons) if reasons else (
                f"{self.name} is not in role {role.name}" if state is False else f"role {role.name}'s actors are not fully known")
            lines.append(Check(Kind.TEAM_MANAGED, result, f"role {role.name} {has_perm} {self.perm_name}: {what}",
                               match=Match.MATCHED if result else Match.UNKNOWN if result is None else Match.NOT_MATCHED,
                               holder_type="teamRole", holder_parameter=role.id, via=via if state else (),
                               missing=(missing,) if (state is None and missing) else ()))
        result = kleene_or(c.passed for c in lines) if lines else False
        if self.permission == catalogue.ADMINISTER_PROJECTS:
            has, how, missing = self.ix.has_global(self.account.account_id, catalogue.ADMINISTER)
            lines.append(Check(Kind.GLOBAL_PERMISSION, has,
                               f"Jira admins always reach a team-managed project's settings; {self.name} is "
                               + ("a Jira admin" if has else "not a Jira admin" if has is False else "perhaps a Jira admin"),
                               conflict=TEAM_ADMIN_CONFLICT, missing=(missing,) if missing else ()))
            result = kleene_or([result, has])
        return intro, lines, result

    # -- E: Browse prerequisite ------------------------------------------------------------------
    def _browse(self) -> _Step | None:
        if not self.meta.browse_required:
            return None
        browse_meta = catalogue.PROJECT_BY_KEY[catalogue.BROWSE]
        ctx = Context(self.account, self.project, self.issue, catalogue.BROWSE)
        if self.project.team_managed and self.project.permission_scheme_id is None:
            sub = _Evaluation(self.ix, self.account, catalogue.BROWSE, self.project, self.issue)
            _, lines, result = sub._team_managed()
        else:
            scheme, missing = self.ix.scheme(self.project)
            if scheme is None:
                return _Step(Check(Kind.BROWSE_REQUIRED, None,
                                   f"{self.perm_name} requires Browse Projects (decision 2), and the permission scheme "
                                   f"of {self.project.key} is not in the snapshot", decision=2,
                                   missing=(missing,) if missing else ()), None)
            lines, result = grant_lines(self.ix, ctx, catalogue.BROWSE, scheme)
        if self.issue is not None:
            workflow = self._workflow(browse_meta, self.issue)
            if workflow is not None:
                lines = [*lines, workflow.check]
                result = kleene_and([result, workflow.result])
        if result:
            how = next((c for c in lines if c.passed), None)
            summary = f"{self.perm_name} requires Browse Projects (decision 2), and {self.name} has it"
            if how and how.via:
                summary += ": " + ", ".join(how.via)
        elif result is None:
            summary = (f"{self.perm_name} requires Browse Projects (decision 2), and whether {self.name} has it "
                       "is not known")
        else:
            summary = (f"{self.perm_name} requires Browse Projects (decision 2), and {self.name} does not have it: "
                       "no grant of Browse Projects matches")
        return _Step(Check(Kind.BROWSE_REQUIRED, result, summary, children=tuple(lines), decision=2), result)

    # -- F: issue security ---------------------------------------------------------------------
    def _issue_security(self) -> _Step:
        issue = self.issue
        assert issue is not None
        level_id, how, _ = self.ix.security_level(self.project, issue)
        suffix = f" ({how})" if how else ""
        if level_id is None:
            return _Step(Check(Kind.ISSUE_SECURITY, True,
                               f"{issue.key} has no security level{suffix}, so only project permissions apply"), True)
        level, missing = self.ix.level(self.project, level_id)
        if level is None:
            return _Step(Check(Kind.ISSUE_SECURITY, None,
                               f"{issue.key} has security level {level_id}{suffix}, whose members are not in the "
                               "snapshot", missing=(missing,) if missing else (), decision=9 if how else None), None)
        lines = [_line(Kind.ISSUE_SECURITY, match_holder(self.ix, m, self.ctx), m) for m in level.members]
        result = kleene_or(c.passed for c in lines) if lines else False
        head = f"{issue.key} is at security level '{level.name}'{suffix}"
        if result:
            how_line = next(c for c in lines if c.passed)
            summary = f"{head}, and {self.name} is one of its members: " + (", ".join(how_line.via) or how_line.summary)
        elif result is None:
            summary = f"{head}, and whether {self.name} is one of its members is not known"
        else:
            summary = f"{head}, and {self.name} matches none of its members, so the issue is hidden from them"
        return _Step(Check(Kind.ISSUE_SECURITY, result, summary, children=tuple(lines),
                           decision=9 if "decision 9" in how else None), result)

    # -- G: workflow status properties -----------------------------------------------------------
    def _workflow(self, meta: ProjectPermission, issue: Issue) -> _Step | None:
        short = meta.short_name
        if short is None:
            return None
        status, workflow, missing = self.ix.status_of(self.project, issue)
        if status is None:
            return _Step(Check(Kind.WORKFLOW_PROPERTY, None,
                               f"the status properties of {issue.key}'s workflow are not in the snapshot, and "
                               f"jira.permission.{short}.* properties there could restrict {meta.name}",
                               missing=(missing,) if missing else ()), None)
        collected: list[tuple[str, str, str]] = []  # (key, value, where)
        for key, value in self.ix.properties(workflow, status).items():
            if property_applies(key, short, subtasks=False):
                collected.append((key, value, f"status {status.name}"))
        parent_note = ""
        if issue.issue_type.subtask and issue.parent_key:
            parent = self.ix.issue(issue.parent_key)
            if parent is None:
                return _Step(Check(Kind.WORKFLOW_PROPERTY, None,
                                   f"{issue.key} is a sub-task and its parent {issue.parent_key} is not in the snapshot, "
                                   f"so jira.permission.subtasks.{short}.* properties on the parent's status are unknown",
                                   missing=(self.ix.absent(FactKind.ISSUE, issue.parent_key),)), None)
            pstatus, pworkflow, pmissing = self.ix.status_of(self.project, parent)
            if pstatus is None:
                return _Step(Check(Kind.WORKFLOW_PROPERTY, None,
                                   f"the status properties of {parent.key} (the parent of {issue.key}) are not in the "
                                   "snapshot", missing=(pmissing,) if pmissing else ()), None)
            for key, value in self.ix.properties(pworkflow, pstatus).items():
                if property_applies(key, short, subtasks=True):
                    collected.append((key, value, f"parent {parent.key}'s status {pstatus.name}"))
            parent_note = f" (and the sub-task properties of {parent.key}'s status {pstatus.name})"
        if not collected:
            return _Step(Check(Kind.WORKFLOW_PROPERTY, True,
                               f"status {status.name}{parent_note} sets no jira.permission.{short}.* property, "
                               "so the scheme decides"), True)
        lines = [self._property_line(key, value, where) for key, value, where in collected]
        result = kleene_or(c.passed for c in lines)
        keys = ", ".join(k for k, _, _ in collected)
        if result:
            summary = (f"workflow properties restrict {meta.name} on {issue.key} ({keys}), and {self.name} matches "
                       "one of them (decision 5)")
        elif result is None:
            summary = (f"workflow properties restrict {meta.name} on {issue.key} ({keys}), and whether {self.name} "
                       "matches one of them is not known (decision 5)")
        else:
            summary = (f"workflow properties restrict {meta.name} on {issue.key} in its current status ({keys}), and "
                       f"{self.name} matches none of them (decision 5)")
        return _Step(Check(Kind.WORKFLOW_PROPERTY, result, summary, children=tuple(lines), decision=5), result)

    def _property_line(self, key: str, value: str, where: str) -> Check:
        ptype = property_type(key)
        prefix = f"{key} = {value!r} on {where}: "
        if ptype == "denied":
            return Check(Kind.WORKFLOW_PROPERTY, False, prefix + "'.denied' matches nobody (decision 5)",
                         match=Match.NOT_MATCHED, holder_type="denied", decision=5)
        if ptype is None:
            holder = Holder("user", value)
            m = match_holder(self.ix, holder, self.ctx)
            line = _line(Kind.WORKFLOW_PROPERTY, m, holder, prefix=prefix)
            return replace(line, summary=line.summary + " (a property without a type names a single user: "
                                                        "'= denied' does not deny, use the '.denied' suffix)")
        holder = Holder(ptype, value)
        if canonical_type(ptype) is None:
            m = HolderMatch(Match.UNKNOWN, f"property type {ptype!r}",
                            f"jira-perms does not know the property type {ptype!r}",
                            missing=(Fact(FactKind.WORKFLOW, None, Status.UNSUPPORTED, "",
                                          f"unknown workflow property type in {key}"),), decision=10)
        else:
            m = match_holder(self.ix, holder, self.ctx)
        return _line(Kind.WORKFLOW_PROPERTY, m, holder, prefix=prefix)

    def _editable(self) -> _Step:
        issue = self.issue
        assert issue is not None
        status, workflow, missing = self.ix.status_of(self.project, issue)
        if status is None:
            return _Step(Check(Kind.ISSUE_NOT_EDITABLE, None,
                               f"whether {issue.key}'s status sets jira.issue.editable=false is not known",
                               missing=(missing,) if missing else ()), None)
        props = self.ix.properties(workflow, status)
        for key in EDITABLE_KEYS:
            if props.get(key, "").strip().lower() == "false":
                return _Step(Check(Kind.ISSUE_NOT_EDITABLE, False,
                                   f"status {status.name} of workflow {workflow} sets {key}=false, so {issue.key} "
                                   "cannot be edited by anyone in that status, admins included (decision 5)",
                                   decision=5), False)
        return _Step(Check(Kind.ISSUE_NOT_EDITABLE, True,
                           f"status {status.name} does not set jira.issue.editable=false"), True)


# ---------------------------------------------------------------- global permissions


def _evaluate_global(ix: SiteIndex, account: Account, key: str) -> Explanation:
    name = account.display_name
    perm_name = catalogue.display_name(key)
    checks: list[Check] = []
    if account.is_anonymous:
        active = Check(Kind.ACCOUNT_INACTIVE, True, "a logged-out visitor (anonymous)")
    elif ix.is_active(account):
        active = Check(Kind.ACCOUNT_INACTIVE, True, f"{name} is an active account")
    else:
        active = Check(Kind.ACCOUNT_INACTIVE, False, f"{name} is deactivated and has no permissions")
    has, how, missing = ix.has_global(account.account_id, key)
    if has:
        grant = Check(Kind.GLOBAL_PERMISSION, True, f"{name} holds {perm_name} ({how})", via=(how,))
    elif has is None:
        grant = Check(Kind.GLOBAL_PERMISSION, None, f"who holds {perm_name} is not fully known",
                      missing=(missing,) if missing else ())
    else:
        grant = Check(Kind.GLOBAL_PERMISSION, False,
                      f"{perm_name} is granted to groups only, and {name} is in none of them")
    verdict = _verdict(kleene_and([active.passed, grant.passed]))
    for check in (active, grant):
        hit = (verdict is Verdict.ALLOWED and check is grant) or (
            verdict is Verdict.DENIED and check.passed is False) or (
            verdict is Verdict.UNKNOWN and check.passed is None)
        checks.append(check.as_decisive() if hit else check)
    if verdict is Verdict.UNKNOWN and missing is not None:
        checks.append(Check(Kind.UNKNOWN_FACT, None, f"missing from the snapshot: {missing.describe()}",
                            missing=(missing,), decision=10, decisive=True))
    decisive = next(c for c in checks if c.decisive)
    if verdict is Verdict.ALLOWED:
        headline = f"{name} has the global permission '{perm_name}': {_reason_of(decisive)}."
    elif verdict is Verdict.DENIED:
        headline = f"{name} does not have the global permission '{perm_name}': {_reason_of(decisive)}."
    else:
        headline = f"jira-perms cannot determine whether {name} has the global permission '{perm_name}'."
    return Explanation(verdict, account, key, None, None, headline, tuple(checks))


# ---------------------------------------------------------------- helpers


def _verdict(value: Tri) -> Verdict:
    if value is True:
        return Verdict.ALLOWED
    if value is False:
        return Verdict.DENIED
    return Verdict.UNKNOWN


def _reason_of(check: Check) -> str:
    """The part of a check's summary worth repeating in a headline."""
    if check.match is Match.COULD_MATCH:
        return check.summary
    if check.kind in (Kind.GRANT, Kind.TEAM_MANAGED) and check.via:
        return "via " + ", ".join(check.via)
    if check.kind is Kind.TEAM_MANAGED and check.passed is False and check.holder_type:
        return "none of the project's roles that give it applies"
    if check.kind is Kind.GRANT and check.passed is False and check.match is Match.NOT_MATCHED:
        return "no grant of it in the permission scheme matches" if check.grant_id else check.summary
    return check.summary


def _all_missing(check: Check):
    yield from check.missing
    for child in check.children:
        if child.passed is None:
            yield from _all_missing(child)


