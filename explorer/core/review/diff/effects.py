"""Who gains or loses which permission where: both snapshots replayed, only where something can have changed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from explorer.core.model import (
    ANONYMOUS,
    ANONYMOUS_ID,
    Account,
    AccountType,
    FactKind,
    Holder,
    Issue,
    Project,
    Snapshot,
)
from explorer.core.replay import bulk, catalogue
from explorer.core.replay.cache import index_for
from explorer.core.replay.evaluator import evaluate_in
from explorer.core.replay.explanation import Verdict
from explorer.core.replay.holders import canonical_type
from explorer.core.replay.index import SiteIndex
from explorer.core.review.diff.model import GLOBAL_PERMISSION_KEYS, PROJECT_PERMISSION_KEYS, Effect

_DC_OPTIONAL = frozenset({"reportercreate", "assigneeassignable"})
_PER_ACCOUNT_FACTS = frozenset({FactKind.GROUP_MEMBERS, FactKind.GLOBAL_PERMISSIONS, FactKind.ISSUE})
Relevance = tuple[frozenset[str], frozenset[str]]  # (groups, accountIds) a verdict may depend on


class VerdictInputs:
    """What verdicts depend on in one snapshot, besides the account: configuration and relevance."""

    def __init__(self, ix: SiteIndex):
        self.ix = ix
        snap = ix.snapshot
        self.global_groups = frozenset(g.group for g in snap.global_grants if g.group)
        self.product_groups = frozenset(g for r in snap.application_roles for g in r.groups)
        self.base_groups = self.global_groups | self.product_groups
        self._config: dict[str, tuple] = {}
        self._relevant: dict[tuple[str, str | None], dict[str, Relevance]] = {}
        self._by_state: list[frozenset[str]] | None = None

    def site_key(self) -> tuple:
        """Everything site-wide that any verdict may depend on."""
        snap = self.ix.snapshot
        groups = tuple(sorted((g.name, g.group_id) for g in snap.groups))
        products = tuple(sorted((r.key, r.groups) for r in snap.application_roles))
        grants = tuple(sorted((g.permission, g.group or "") for g in snap.global_grants))
        facts = tuple(sorted((f.kind.value, f.subject or "", f.status.value) for f in snap.facts
                             if f.subject is None or f.kind not in _PER_ACCOUNT_FACTS))
        member_facts = tuple(sorted((f.subject or "", f.status.value) for f in snap.facts
                                    if f.kind is FactKind.GROUP_MEMBERS))
        return groups, products, grants, facts, member_facts

    def config(self, project: Project) -> tuple:
        """The project's own configuration: fields, schemes, workflows (not its issues)."""
        found = self._config.get(project.key)
        if found is None:
            ix, snap = self.ix, self.ix.snapshot
            scheme = ix.t.schemes.get(project.permission_scheme_id or "")
            security = ix.t.security_schemes.get(project.issue_security_scheme_id or "")
            wf_scheme = ix.t.workflow_schemes.get(project.workflow_scheme_id or "")
            workflows = ()
            if wf_scheme is not None:
                names = {wf_scheme.default_workflow, *wf_scheme.issue_type_workflows.values()}
                workflows = tuple(w for w in snap.workflows if w.name in names)
            found = (_project_config(project), scheme, security, wf_scheme, workflows)
            self._config[project.key] = found
        return found

    def issue_config(self, key: str) -> tuple:
        issue = self.ix.t.issues.get(key)
        if issue is None:
            return (None,)
        parent = self.ix.t.issues.get(issue.parent_key) if issue.parent_key else None
        fact = self.ix.t.facts.get((FactKind.ISSUE, key))
        return (_issue_config(issue), _issue_config(parent) if parent else None, fact.status if fact else None)

    def relevant(self, project: Project, issue_key: str | None) -> dict[str, Relevance]:
        """Per project permission: the groups and accounts its verdict in ``project`` (or on the issue) may
        depend on.  Accounts that agree on these (and on their own state) get the same verdict."""
        cache_key = (project.key, issue_key)
        found = self._relevant.get(cache_key)
        if found is None:
            found = self._build_relevant(project, issue_key)
            self._relevant[cache_key] = found
        return found

    def _refs(self, holders: Iterable[Holder], project: Project, groups: set[str], users: set[str]) -> set[str]:
        """Add what the holders name; return the canonical types seen."""
        kinds: set[str] = set()
        roles: set[str] = set()
        for holder in holders:
            kind = canonical_type(holder.type)
            kinds.add(kind or "?")
            if kind == "group":
                groups.add(self.ix.group_name(holder) or "")
            elif kind == "projectRole":
                roles.add(holder.parameter or holder.value or "")
            elif kind == "sd.customer.portal.only" and project.customer_role_id:
                roles.add(project.customer_role_id)
            elif kind == "projectLead" and project.lead:
                users.add(project.lead)
            elif kind == "user" or kind is None:
                for value in (holder.parameter, holder.value):
                    if value:
                        users.add(value)
                        groups.add(value)
        for role in roles:
            actors = project.role_actors.get(role)
            if actors is not None:
                users.update(actors.users)
                groups.update(actors.groups)
        return kinds

    def _build_relevant(self, project: Project, issue_key: str | None) -> dict[str, Relevance]:
        ix = self.ix
        scheme = ix.t.schemes.get(project.permission_scheme_id or "")
        by_perm = ix.t.grants.get(scheme.id, {}) if scheme is not None else {}
        extra_groups: set[str] = set()
        extra_users: set[str] = set()
        if project.team_managed:  # its team roles decide: every role may matter
            for actors in project.role_actors.values():
                extra_users.update(actors.users)
                extra_groups.update(actors.groups)
        if issue_key is not None:
            self._issue_refs(project, issue_key, extra_groups, extra_users)
        out: dict[str, Relevance] = {}
        for perm in PROJECT_PERMISSION_KEYS:
            groups = set(self.base_groups | extra_groups)
            users = set(extra_users)
            holders = [g.holder for g in (*by_perm.get(perm, ()), *by_perm.get(catalogue.BROWSE, ()))]
            kinds = self._refs(holders, project, groups, users)
            if kinds & _DC_OPTIONAL:  # they replay Create Issues / Assignable User
                more = [g.holder for k in ("CREATE_ISSUES", "ASSIGNABLE_USER") for g in by_perm.get(k, ())]
                self._refs(more, project, groups, users)
            out[perm] = (frozenset(groups), frozenset(users))
        return out

    def _issue_refs(self, project: Project, issue_key: str, groups: set[str], users: set[str]) -> None:
        ix = self.ix
        security = ix.t.security_schemes.get(project.issue_security_scheme_id or "")
        if security is not None:
            self._refs([m for lv in security.levels for m in lv.members], project, groups, users)
        holders: list[Holder] = []
        for workflow in self.config(project)[4]:
            for status in workflow.statuses:
                for key, value in status.properties.items():
                    if key.startswith("jira.permission."):
                        holders.append(_property_holder(key, value))
        self._refs(holders, project, groups, users)
        issue = ix.t.issues.get(issue_key)
        parent = ix.t.issues.get(issue.parent_key) if issue is not None and issue.parent_key else None
        for item in (issue, parent):
            if item is None:
                continue
            users.update(a for a in (item.reporter, item.assignee) if a)
            for values in item.user_fields.values():
                users.update(values)
            for values in item.group_fields.values():
                groups.update(values)

    def signature(self, relevance: Relevance, account: Account) -> tuple:
        """Everything about the account that a verdict with this relevance may depend on."""
        groups, users = relevance
        aid = account.account_id
        mine = self.ix.t.account_groups.get(aid, frozenset())
        record = self.ix.t.account_globals.get(aid)
        fact = self.ix.t.facts.get((FactKind.GLOBAL_PERMISSIONS, aid))
        return (
            account.active, account.account_type, mine & groups, aid if aid in users else None,
            record, fact.status if fact else None,
        )

    def splitters(self, relevance: Relevance) -> list[frozenset[str]]:
        """Account sets such that two accounts have the same :meth:`signature` exactly when each set holds
        both or neither: the same thing as sets, for partitioning many accounts without visiting each."""
        groups, users = relevance
        t = self.ix.t
        if self._by_state is None:  # the usual state (active, a person's account, no record) is everyone else
            state: dict[tuple, set[str]] = defaultdict(set)
            for aid, account in t.accounts.items():
                if not account.active:
                    state[("active", False)].add(aid)
                if account.account_type is not AccountType.ATLASSIAN:
                    state[("type", account.account_type)].add(aid)
            for aid, record in t.account_globals.items():
                state[("record", record)].add(aid)
            for (kind, subject), fact in t.facts.items():
                if kind is FactKind.GLOBAL_PERMISSIONS and subject is not None:
                    state[("fact", fact.status)].add(subject)
            self._by_state = [frozenset(v) for v in state.values()]
        return [*self._by_state, *(t.groups[g] for g in groups if g in t.groups), *(frozenset({u}) for u in users)]


def _property_holder(key: str, value: str) -> Holder:
    """The holder a ``jira.permission.*`` status property names (as the evaluator reads it)."""
    rest = key[len("jira.permission."):]
    if rest.startswith("subtasks."):
        rest = rest[len("subtasks."):]
    parts = rest.split(".")
    if len(parts) < 2:
        return Holder("user", value)
    if ".".join(parts[1:]).startswith("sd.customer.portal.only"):
        return Holder("sd.customer.portal.only", value)
    if parts[1] == "denied":
        return Holder("anyone")  # names nobody: nothing to add
    return Holder(parts[1], value)


def _project_config(p: Project) -> tuple:
    actors = tuple(sorted((k, v.users, v.groups) for k, v in p.role_actors.items()))
    return (p.id, p.project_type, p.team_managed, p.archived, p.lead, p.permission_scheme_id,
            p.issue_security_scheme_id, p.workflow_scheme_id, actors, p.customer_role_id, p.access_level,
            tuple(sorted((r.id, r.name, tuple(sorted(r.permissions))) for r in p.team_roles)))


def _issue_config(i: Issue) -> tuple:
    return (i.key, i.project_key, i.issue_type, i.status_id, i.parent_key, i.security_level_id, i.reporter,
            i.assignee, tuple(sorted(i.user_fields.items())), tuple(sorted(i.group_fields.items())), i.archived)


class Effects:
    def __init__(self, old: Snapshot, new: Snapshot, only: str | None):
        self.a, self.b = index_for(old), index_for(new)
        self.ca, self.cb = VerdictInputs(self.a), VerdictInputs(self.b)
        self.only = only
        self.evaluations = 0
        self.out: list[Effect] = []
        self.moved: list[tuple[Account, Account]] = []

    def accounts(self, ix: SiteIndex) -> dict[str, Account]:
        found = {ANONYMOUS_ID: ANONYMOUS, **{a.account_id: a for a in ix.snapshot.accounts}}
        if self.only is not None:
            return {k: v for k, v in found.items() if k == self.only}
        return found

    def run(self) -> tuple[Effect, ...]:
        old_accounts, new_accounts = self.accounts(self.a), self.accounts(self.b)
        common = sorted(old_accounts.keys() & new_accounts.keys())
        pairs = [(old_accounts[k], new_accounts[k]) for k in common]
        # where the configuration is unchanged, only accounts whose own state changed can see a change
        self.moved = [(x, y) for x, y in pairs if self._state(self.a, x) != self._state(self.b, y)]
        site_same = self.ca.site_key() == self.cb.site_key()
        old_projects = {p.key: p for p in self.a.snapshot.projects}
        new_projects = {p.key: p for p in self.b.snapshot.projects}
        # global permissions of accounts in both
        rel_a = {k: (self.ca.global_groups, frozenset()) for k in GLOBAL_PERMISSION_KEYS}
        rel_b = {k: (self.cb.global_groups, frozenset()) for k in GLOBAL_PERMISSION_KEYS}
        self._compare(None, None, None, pairs, rel_a, rel_b, site_same)
        for key in sorted(old_projects.keys() & new_projects.keys()):
            x, y = old_projects[key], new_projects[key]
            same = site_same and self.ca.config(x) == self.cb.config(y)
            self._compare(x, y, None, pairs, self.ca.relevant(x, None), self.cb.relevant(y, None), same)
            old_issues = {i.key for i in self.a.snapshot.issues if i.project_key == key}
            new_issues = {i.key for i in self.b.snapshot.issues if i.project_key == key}
            for issue_key in sorted(old_issues & new_issues):
                issue_same = same and self.ca.issue_config(issue_key) == self.cb.issue_config(issue_key)
                self._compare(x, y, issue_key, pairs, self.ca.relevant(x, issue_key),
                              self.cb.relevant(y, issue_key), issue_same)
        # accounts in only one snapshot: what they could do
        for aid in sorted(new_accounts.keys() - old_accounts.keys()):
            self._one_sided(self.b, new_accounts[aid], after=True)
        for aid in sorted(old_accounts.keys() - new_accounts.keys()):
            self._one_sided(self.a, old_accounts[aid], after=False)
        # projects in only one snapshot: who could do what there
        for key in sorted(new_projects.keys() - old_projects.keys()):
            self._one_sided_project(self.b, self.cb, new_projects[key], after=True)
        for key in sorted(old_projects.keys() - new_projects.keys()):
            self._one_sided_project(self.a, self.ca, old_projects[key], after=False)
        return tuple(self.out)

    @staticmethod
    def _state(ix: SiteIndex, account: Account) -> tuple:
        aid = account.account_id
        fact = ix.t.facts.get((FactKind.GLOBAL_PERMISSIONS, aid))
        return (account.active, account.account_type, ix.t.account_groups.get(aid, frozenset()),
                ix.t.account_globals.get(aid), fact.status if fact else None)

    def _verdict(self, ix: SiteIndex, account: Account, permission: str, project: Project | None,
                 issue: str | None) -> Verdict:
        self.evaluations += 1
        return evaluate_in(ix, account, permission, project.key if project else None, issue).verdict

    def _compare(self, x: Project | None, y: Project | None, issue: str | None, pairs: list[tuple[Account, Account]],
                 rel_a: dict[str, Relevance], rel_b: dict[str, Relevance], config_same: bool) -> None:
        if config_same:
            pairs = self.moved
        if not pairs:
            return
        try:
            self._compare_sets(x, y, issue, pairs)
            return
        except bulk.Unsupported:
            pass  # Data Center's optional holder types: replay account classes one by one
        for perm in (GLOBAL_PERMISSION_KEYS if x is None else PROJECT_PERMISSION_KEYS):
            ra, rb = rel_a[perm], rel_b[perm]
            classes: dict[tuple, list[Account]] = defaultdict(list)
            reps: dict[tuple, Account] = {}
            for old_account, account in pairs:
                if account.account_id == ANONYMOUS_ID:
                    sig: tuple = ("anonymous",)
                else:
                    sig_a, sig_b = self.ca.signature(ra, old_account), self.cb.signature(rb, account)
                    if config_same and sig_a == sig_b:
                        continue
                    sig = (sig_a, sig_b)
                if config_same and sig == ("anonymous",):
                    continue
                classes[sig].append(account)
                reps.setdefault(sig, old_account)
            for sig, members in classes.items():
                before = self._verdict(self.a, reps[sig], perm, x, issue)
                after = self._verdict(self.b, members[0], perm, y, issue)
                if before is after:
                    continue
                for account in members:
                    self.out.append(Effect(account.account_id, account.display_name, perm, y.key if y else None,
                                           issue, before, after))

    def _compare_sets(self, x: Project | None, y: Project | None, issue: str | None,
                      pairs: list[tuple[Account, Account]]) -> None:
        """Both snapshots' verdicts for every account at once (set algebra), then what differs."""
        universe = frozenset(account.account_id for _, account in pairs)
        perms = GLOBAL_PERMISSION_KEYS if x is None else PROJECT_PERMISSION_KEYS
        if x is None or y is None:
            before = {p: bulk.verdicts(self.a, p, None, None, universe) for p in perms}
            after = {p: bulk.verdicts(self.b, p, None, None, universe) for p in perms}
        else:
            before = bulk.many_verdicts(self.a, perms, x, self.a.issue(issue) if issue else None, universe)
            after = bulk.many_verdicts(self.b, perms, y, self.b.issue(issue) if issue else None, universe)
        self.evaluations += 2 * len(perms)
        for perm in perms:
            b, a = before[perm], after[perm]
            changed = (b.true ^ a.true) | (b.unknown ^ a.unknown)
            if not changed:
                continue
            for _, account in pairs:
                aid = account.account_id
                if aid not in changed:
                    continue
                was, now = b.verdict(aid), a.verdict(aid)
                if was is not now:
                    self.out.append(Effect(aid, account.display_name, perm, y.key if y else None, issue, was, now))

    def _one_sided(self, ix: SiteIndex, account: Account, *, after: bool) -> None:
        for project in (None, *ix.snapshot.projects):
            for perm in (GLOBAL_PERMISSION_KEYS if project is None else PROJECT_PERMISSION_KEYS):
                v = self._verdict(ix, account, perm, project, None)
                if v is Verdict.ALLOWED:
                    self.out.append(Effect(account.account_id, account.display_name, perm,
                                           project.key if project else None, None,
                                           None if after else v, v if after else None))

    def _one_sided_project(self, ix: SiteIndex, ctx: VerdictInputs, project: Project, *, after: bool) -> None:
        accounts = [a for a in (ANONYMOUS, *ix.snapshot.accounts) if self.only is None or a.account_id == self.only]
        relevance = ctx.relevant(project, None)
        for perm in PROJECT_PERMISSION_KEYS:
            classes: dict[tuple, list[Account]] = defaultdict(list)
            for account in accounts:
                sig = ("anonymous",) if account.account_id == ANONYMOUS_ID else ctx.signature(relevance[perm], account)
                classes[sig].append(account)
            for members in classes.values():
                v = self._verdict(ix, members[0], perm, project, None)
                if v is not Verdict.ALLOWED:
                    continue
                for account in members:
                    self.out.append(Effect(account.account_id, account.display_name, perm, project.key, None,
                                           None if after else v, v if after else None))


def drop_issue_echoes(effects: list[Effect]) -> list[Effect]:
    """An issue-level change that only repeats the project-level change of the same permission adds nothing."""
    project_level = {(e.account_id, e.permission, e.project_key): (e.before, e.after)
                     for e in effects if e.issue_key is None}
    return [e for e in effects if e.issue_key is None
            or project_level.get((e.account_id, e.permission, e.project_key)) != (e.before, e.after)]
