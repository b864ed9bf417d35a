"""The smallest changes that would allow a denied permission, each with its blast radius.

Candidates come from the failing checks of the explanation (join a role or group
that a grant names, grant the permission to a role or group the account already
belongs to, give product access, change the issue's security level, ...).  Every
candidate is *proved* by re-evaluating with the change applied as a
:class:`~explorer.core.replay.index.Patch`; only changes that turn the answer into
"allowed" are offered, fewest changes first, then smallest blast radius: what
else the change would grant this account, and how many other accounts it touches.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

from explorer.core.model import Account, Grant, Holder, Issue, Project, Snapshot
from explorer.core.replay import catalogue
from explorer.core.replay.cache import index_for
from explorer.core.replay.catalogue import Access
from explorer.core.replay.evaluator import evaluate_in, resolve_scope
from explorer.core.replay.explanation import Change, Check, Explanation, Fix, Kind, Verdict
from explorer.core.replay.holders import canonical_type
from explorer.core.replay.index import Patch, SiteIndex
from explorer.core.replay.rules import EDITABLE_KEYS, permission_meta, property_applies

MAX_SINGLE_CANDIDATES = 60
MAX_PAIR_CANDIDATES = 24
MAX_GROUP_GRANT_CANDIDATES = 4

# Cheaper, more local changes first when blast radius ties.
_ACTION_RANK = {
    "add_to_role": 0, "assign_issue": 1, "set_security_level": 2, "add_to_group": 3, "add_grant": 4,
    "grant_product": 5, "reactivate": 6, "restore_issue": 7, "restore_project": 8, "remove_status_property": 9,
}


@dataclass(frozen=True)
class _Candidate:
    change: Change
    patch: Patch
    scope: str  # "project" | "site" | "scheme" | "issue"


def explain(snapshot: Snapshot, account: Account | str, permission: str, project: str | None = None,
            issue: str | None = None, *, with_fixes: bool = True, limit: int = 5) -> Explanation:
    """Evaluate, and for a denial add the smallest fixes with their blast radius."""
    ix = index_for(snapshot)
    result = evaluate_in(ix, account, permission, project, issue)
    if with_fixes and result.verdict is Verdict.DENIED and result.project_key is not None:
        result = replace(result, fixes=suggest_fixes(ix, result, limit=limit))
    return result


def suggest_fixes(ix: SiteIndex, exp: Explanation, limit: int = 5) -> tuple[Fix, ...]:
    """Proven fixes for a denied project permission, best first."""
    if exp.verdict is not Verdict.DENIED or exp.project_key is None:
        return ()
    project, issue = resolve_scope(ix, exp.project_key, exp.issue_key)
    gen = _Generator(ix, exp, project, issue)
    candidates = gen.candidates()
    found: list[tuple[_Candidate, ...]] = []
    for cand in candidates[:MAX_SINGLE_CANDIDATES]:
        if _allows(ix, exp, cand.patch):
            found.append((cand,))
    if not found:
        pool = candidates[:MAX_PAIR_CANDIDATES]
        for a, b in itertools.combinations(pool, 2):
            if a.change.action == b.change.action == "add_grant":
                continue
            if _allows(ix, exp, a.patch.merge(b.patch)):
                found.append((a, b))
    if not found:
        combo = gen.one_per_failing_check()
        if combo and _allows(ix, exp, _merge(combo)):
            found.append(combo)
    fixes = [_describe(ix, exp, project, issue, combo) for combo in found]
    fixes.sort(key=lambda f: (_odd(ix, exp, project, f), len(f.changes), len(f.also_grants) + f.other_accounts,
                              min(_ACTION_RANK.get(c.action, 99) for c in f.changes), f.summary))
    return tuple(fixes[:limit])


APP_ROLE_NAME = "atlassian-addons-project-access"


def _odd(ix: SiteIndex, exp: Explanation, project: Project, fix: Fix) -> bool:
    """A fix that puts an account in a role meant for another kind of account (apps, portal customers).

    Jira adds app users to atlassian-addons-project-access, and the customer role holds
    portal customers: suggesting either for a person or a service account is poor advice,
    so such fixes come last (they stay listed: they do work).
    """
    account_type = exp.account.account_type.value
    for change in fix.changes:
        if change.action != "add_to_role":
            continue
        if ix.role_name(change.role_id) == APP_ROLE_NAME and account_type != "app":
            return True
        if change.role_id == project.customer_role_id and account_type != "customer":
            return True
    return False


def _allows(ix: SiteIndex, exp: Explanation, patch: Patch) -> bool:
    patched = ix.with_patch(patch)
    result = evaluate_in(patched, exp.account, exp.permission, exp.project_key, exp.issue_key)
    return result.verdict is Verdict.ALLOWED


def _merge(cands: tuple[_Candidate, ...]) -> Patch:
    patch = Patch()
    for cand in cands:
        patch = patch.merge(cand.patch)
    return patch


class _Generator:
    """Candidate changes for each failing check of an explanation."""

    def __init__(self, ix: SiteIndex, exp: Explanation, project: Project, issue: Issue | None):
        self.ix = ix
        self.exp = exp
        self.project = project
        self.issue = issue
        self.account = exp.account
        self.aid = exp.account.account_id
        self.name = exp.account.display_name
        self.by_check: dict[str, list[_Candidate]] = {}

    def candidates(self) -> list[_Candidate]:
        failing = [c for c in self.exp.checks if c.decisive and c.passed is False]
        seen: set = set()
        ordered: list[_Candidate] = []
        for check in failing:
            made = list(self._for_check(check))
            self.by_check.setdefault(check.kind.value, []).extend(made)
            for cand in made:
                if cand.patch in seen:
                    continue
                seen.add(cand.patch)
                ordered.append(cand)
        ordered.sort(key=lambda c: _ACTION_RANK.get(c.change.action, 99))
        return ordered

    def one_per_failing_check(self) -> tuple[_Candidate, ...]:
        picks = [cands[0] for cands in self.by_check.values() if cands]
        return tuple(picks)

    # -- per check ---------------------------------------------------------------------
    def _for_check(self, check: Check):
        kind = check.kind
        if self.account.is_anonymous:
            return
        if kind is Kind.ACCOUNT_INACTIVE:
            yield _Candidate(Change("reactivate", f"Reactivate {self.name}", account_id=self.aid),
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
                yield _Candidate(Change("restore_project", f"Restore the archived project {self.project.key}",
                                        project_key=self.project.key),
                                 Patch(restored_projects=frozenset({self.project.key})), "project")
            if self.issue is not None and self.issue.archived:
                yield _Candidate(Change("restore_issue", f"Restore the archived issue {self.issue.key}",
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
            yield _Candidate(Change("grant_product", f"Give {self.name} {role.name} access (add to group {group})",
                                    account_id=self.aid, group=group),
                             Patch(groups=frozenset({(self.aid, group)})), "site")

    def _join_role(self, role_id: str, why: str) -> _Candidate:
        role = self.ix.role_name(role_id)
        return _Candidate(Change("add_to_role", f"Add {self.name} to role {role} in {self.project.key}{why}",
                                 account_id=self.aid, project_key=self.project.key, role_id=role_id),
                          Patch(roles=frozenset({(self.aid, self.project.key, role_id)})), "project")

    def _join_group(self, group: str, why: str) -> _Candidate:
        return _Candidate(Change("add_to_group", f"Add {self.name} to group {group}{why}", account_id=self.aid,
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
                        yield _Candidate(Change("grant_product",
                                                f"Give {self.name} {role.name} access (add to group {group}), "
                                                f"which already holds {perm_name}", account_id=self.aid, group=group),
                                         Patch(groups=frozenset({(self.aid, group)})), "site")
            elif kind == "assignee" and self.issue is not None and self.issue.assignee != self.aid:
                yield _Candidate(Change("assign_issue", f"Assign {self.issue.key} to {self.name} (the current "
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

    def _add_grant(self, scheme, permission: str, holder: Holder, who: str, why: str) -> _Candidate:
        grant = Grant(f"proposed-{permission}-{holder.type}-{holder.parameter}", permission, holder)
        return _Candidate(
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
                    yield _Candidate(Change("set_security_level",
                                            f"Change the security level of {issue.key} to '{level.name}'",
                                            issue_key=issue.key, level_id=level.id),
                                     Patch(security_levels=((issue.key, level.id),)), "issue")
        yield _Candidate(Change("set_security_level", f"Remove the security level of {issue.key}",
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
            yield _Candidate(Change("remove_status_property",
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
            yield _Candidate(Change("remove_status_property",
                                    f"Remove {keys[0]}=false from status {status.name} of workflow {workflow} "
                                    f"(or move {issue.key} to an editable status)",
                                    workflow=workflow, status_id=status.id, property_key=keys[0]),
                             Patch(removed_properties=frozenset((workflow, status.id, k) for k in keys)), "workflow")


# ---------------------------------------------------------------- blast radius


def _describe(ix: SiteIndex, exp: Explanation, project: Project, issue: Issue | None,
              combo: tuple[_Candidate, ...]) -> Fix:
    patch = _merge(combo)
    patched = ix.with_patch(patch)
    scopes = {c.scope for c in combo}
    if scopes & {"site"}:
        projects = [p.key for p in ix.snapshot.projects]
    elif "scheme" in scopes:
        keys: set[str] = {project.key}
        for cand in combo:
            if cand.change.scheme_id:
                keys.update(ix.projects_using(cand.change.scheme_id))
        projects = sorted(keys)
    else:
        projects = [project.key]
    issue_only = scopes <= {"issue", "workflow"}
    gained: list[tuple[str, str]] = []
    target = (exp.project_key, exp.permission)
    for key in projects:
        for perm in catalogue.PROJECT_PERMISSIONS:
            if (key, perm.key) == target:
                continue
            where_issue = exp.issue_key if (issue_only and key == project.key) else None
            before = evaluate_in(ix, exp.account, perm.key, key, where_issue).verdict
            if before is Verdict.ALLOWED:
                continue
            after = evaluate_in(patched, exp.account, perm.key, key, where_issue).verdict
            if after is Verdict.ALLOWED:
                gained.append((key, perm.key))
    others = _other_accounts(ix, exp, combo)
    changes = tuple(c.change for c in combo)
    summary = " and ".join(c.summary[0].lower() + c.summary[1:] if i else c.summary for i, c in enumerate(changes))
    blast = _blast_summary(gained, others, combo, issue_only, exp)
    note = ""
    if "workflow" in scopes:
        note = "Changing a status property affects every issue in that status, for everyone."
    return Fix(summary, changes, tuple(gained), others, blast, note)


def _other_accounts(ix: SiteIndex, exp: Explanation, combo: tuple[_Candidate, ...]) -> int:
    """How many other active accounts a change affects.

    Grant changes reach everyone the new holder names; issue-level changes (security
    level, status properties) reach everyone who can newly browse the issue.
    """
    affected: set[str] = set()
    for cand in combo:
        change = cand.change
        if change.action != "add_grant":
            continue
        projects = ix.projects_using(change.scheme_id or "") or (exp.project_key,)
        if change.holder_type == "projectRole":
            for key in projects:
                proj = ix.project(key)
                if proj is not None:
                    affected |= ix.role_accounts(proj, change.holder_parameter or "")
        elif change.holder_type == "group":
            affected |= ix.t.groups.get(change.holder_parameter or "", frozenset())
    if exp.issue_key and any(c.scope in ("issue", "workflow") for c in combo):
        patched = ix.with_patch(_merge(combo))
        for account in ix.snapshot.accounts:
            if not account.active or account.account_id in affected:
                continue
            before = evaluate_in(ix, account, catalogue.BROWSE, None, exp.issue_key).verdict
            if before is Verdict.ALLOWED:
                continue
            if evaluate_in(patched, account, catalogue.BROWSE, None, exp.issue_key).verdict is Verdict.ALLOWED:
                affected.add(account.account_id)
    affected.discard(exp.account.account_id)
    return sum(1 for a in affected if (acc := ix.account(a)) is not None and acc.active)


def _blast_summary(gained: list[tuple[str, str]], others: int, combo: tuple[_Candidate, ...], issue_only: bool,
                   exp: Explanation) -> str:
    who = exp.account.display_name
    where = f" on {exp.issue_key}" if issue_only else ""
    if not gained:
        text = f"grants {who} nothing else{where}"
    else:
        total = len(gained)
        noun = "permission" if total == 1 else "permissions"
        if issue_only:
            text = f"also gives {who} {total} other {noun} on {exp.issue_key}"
        else:
            per_project: dict[str, int] = {}
            for key, _ in gained:
                per_project[key] = per_project.get(key, 0) + 1
            parts = ", ".join(f"{n} in {key}"
                              for key, n in sorted(per_project.items(), key=lambda kv: (-kv[1], kv[0])))
            text = f"also grants {who} {total} other {noun} ({parts})"
            admin = [k for k, p in gained if p == catalogue.ADMINISTER_PROJECTS]
            if admin:
                text += f", including Administer Projects in {', '.join(admin)}"
    if others:
        reach = f"makes {exp.issue_key} visible to" if issue_only and not any(
            c.change.action == "add_grant" for c in combo) else "affects"
        text += f"; {reach} {others} other account{'s' if others != 1 else ''} too"
    return text
