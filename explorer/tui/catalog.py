"""The browse tree as data: what each node is, its label, its children and what it searches on.

Pure (no Textual): the site tree widget asks :class:`Catalog` for the children
of a node when the node is first expanded, so a site with 50,000 accounts opens
at once and pays only for what the user opens.  Child lists are cached per
catalog (one catalog per shown snapshot), so the filter scans ready-made
lowercase strings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from explorer.core.model import Account, AccountType, Project, Snapshot
from explorer.core.replay import catalogue
from explorer.core.replay.cache import index_for
from explorer.core.replay.holders import holder_label
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.rules import EDITABLE_KEYS

MAX_CHILDREN = 200
"""More children than this are cut to the first ones plus a "type / to narrow" line."""
FILTERED_CHILDREN = 50
"""While the filter narrows, each open list shows at most this many matches (each keystroke rebuilds them)."""

# Kinds whose nodes the filter narrows; the structural ones (sections) always show.
FILTERED_KINDS = frozenset({
    "project", "account", "group", "pscheme", "sscheme", "global", "gap", "perm-grants", "grant", "role", "actor",
    "level", "member", "workflow", "status", "property", "issue", "pscheme-project", "team-role", "team-perm",
})


@dataclass(frozen=True, slots=True)
class Context:
    """What a node says about the question the user may ask next (original snapshot's ids)."""

    account: str | None = None  # accountId (in the shown snapshot)
    project: str | None = None
    issue: str | None = None
    permission: str | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Item:
    """One node of the browse tree."""

    kind: str
    key: tuple
    label: str
    search: str = ""
    expandable: bool = False
    ref: object = None
    ctx: Context = field(default_factory=Context)
    badge: str = ""  # a short right-hand note: counts, "? partial"
    state: str = ""  # important state shown before the label ("archived", "team-managed")

    def matches(self, terms: tuple[str, ...]) -> bool:
        if not terms or self.kind not in FILTERED_KINDS:
            return True
        return all(t in self.search for t in terms)


def filter_terms(text: str) -> tuple[str, ...]:
    return tuple(text.lower().split())


def account_label(account: Account) -> str:
    note = ""
    if not account.active:
        note = " (deactivated)"
    elif account.account_type is AccountType.APP:
        note = " (app)"
    elif account.account_type is AccountType.CUSTOMER:
        note = " (customer)"
    return f"{account.display_name}{note}"


def _account_search(account: Account) -> str:
    return f"{account.display_name} {account.email or ''} {account.account_id} {account.account_type.value}".lower()


class _Kids:
    """A node's children: built lazily (only the shown ones become Items), searched by ready-made strings."""

    __slots__ = ("n", "make", "searches", "_made")

    def __init__(self, n: int, make: Callable[[int], Item], searches: list[str | None]):
        self.n = n
        self.make = make
        self.searches = searches  # None: not narrowed by the filter (structural nodes)
        self._made: dict[int, Item] = {}

    @classmethod
    def of(cls, items: list[Item]) -> _Kids:
        searches = [i.search if i.kind in FILTERED_KINDS else None for i in items]
        kids = cls(len(items), items.__getitem__, searches)
        return kids

    def __len__(self) -> int:
        return self.n

    def item(self, i: int) -> Item:
        found = self._made.get(i)
        if found is None:
            found = self._made[i] = self.make(i)
        return found


class Catalog:
    """Children of the nodes of one snapshot's subtree (cached)."""

    def __init__(self, snapshot: Snapshot, root_key: tuple = ()):
        self.snapshot = snapshot
        self.ix: SiteIndex = index_for(snapshot)
        self.root_key = root_key
        self._cache: dict[tuple, _Kids] = {}
        self._last: dict[tuple, tuple[str, list[int]]] = {}  # key -> (filter text, matching positions)
        self._accounts_sorted: list[int] | None = None

    # ------------------------------------------------------------------ public
    def sections(self) -> list[Item]:
        """The top-level sections under a snapshot node."""
        s = self.snapshot
        r = self.root_key
        gaps = s.gaps
        return [
            Item("section", (*r, "projects"), "Projects", expandable=bool(s.projects), badge=str(len(s.projects))),
            Item("section", (*r, "groups"), "Groups", expandable=bool(s.groups), badge=str(len(s.groups))),
            Item("section", (*r, "accounts"), "Accounts", expandable=bool(s.accounts), badge=str(len(s.accounts))),
            Item("section", (*r, "pschemes"), "Permission schemes", expandable=bool(s.permission_schemes),
                 badge=str(len(s.permission_schemes))),
            Item("section", (*r, "sschemes"), "Issue security schemes", expandable=bool(s.issue_security_schemes),
                 badge=str(len(s.issue_security_schemes))),
            Item("section", (*r, "globals"), "Global permissions", expandable=True,
                 badge=str(len({g.permission for g in s.global_grants}))),
            Item("section", (*r, "gaps"), "Gaps", expandable=bool(gaps), badge=str(len(gaps)) if gaps else "none"),
        ]

    def warm(self) -> None:
        """Build the section lists and their search strings ahead of the first keystroke (call from a thread)."""
        for section in self.sections():
            self._kids(section)

    def children(self, item: Item) -> list[Item]:
        """All children of ``item`` (built on demand; for big lists prefer :meth:`visible_children`)."""
        kids = self._kids(item)
        return [kids.item(i) for i in range(len(kids))]

    def _kids(self, item: Item) -> _Kids:
        found = self._cache.get(item.key)
        if found is None:
            if item.kind == "section" and item.key[-1] == "accounts":
                found = self._account_kids(item)
            else:
                maker = self._makers().get(item.kind)
                made = list(self._section(item)) if item.kind == "section" else (list(maker(item)) if maker else [])
                found = _Kids.of(made)
            self._cache[item.key] = found
        return found

    def visible_children(self, item: Item, terms: tuple[str, ...], limit: int = MAX_CHILDREN) -> tuple[list[Item], int]:
        """The children the filter lets through, cut to ``limit``; and how many matched in all.

        Each keystroke usually extends the previous filter text, so the previous matches are the
        only candidates (the filter narrows instead of rescanning everything).
        """
        kids = self._kids(item)
        if not terms:
            return [kids.item(i) for i in range(min(limit, len(kids)))], len(kids)
        text = " ".join(terms)
        last = self._last.get(item.key)
        if last is not None and last[0] == text:
            hits = last[1]
        else:
            base: list[int] | range = last[1] if last is not None and text.startswith(last[0]) else range(len(kids))
            searches = kids.searches
            hits = list(base)
            for term in terms:
                hits = [i for i in hits if (found := searches[i]) is None or term in found]
            self._last[item.key] = (text, hits)
        return [kids.item(i) for i in hits[:limit]], len(hits)

    def _account_kids(self, item: Item) -> _Kids:
        accounts = self.snapshot.accounts
        order = self._sorted_accounts()
        r = self.root_key

        def make(n: int) -> Item:
            i = order[n]
            a = accounts[i]
            return Item("account", (*r, "accounts", i), account_label(a), _account_search(a), False, a,
                        Context(account=a.account_id),
                        a.account_type.value if a.account_type is not AccountType.ATLASSIAN else "")

        searches: list[str | None] = [_account_search(accounts[i]) for i in order]
        return _Kids(len(order), make, searches)

    # ------------------------------------------------------------------ makers
    def _makers(self) -> dict[str, Callable[[Item], list[Item] | object]]:
        return {
            "project": self._project,
            "perm-scheme-of": self._project_permissions,
            "perm-grants": self._grants_of_permission,
            "roles-of": self._project_roles,
            "role": self._role_actors,
            "security-of": self._security_levels,
            "level": self._level_members,
            "workflows-of": self._project_workflows,
            "workflow": self._workflow_statuses,
            "status": self._status_properties,
            "issues-of": self._project_issues,
            "group": self._group_members,
            "pscheme": self._pscheme,
            "pscheme-projects": self._pscheme_projects,
            "pscheme-perms": self._pscheme_permissions,
            "sscheme": self._sscheme_levels,
            "global": self._global_holders,
            "team-roles-of": self._team_roles,
            "team-role": self._team_role_perms,
        }

    def _section(self, item: Item):
        name = item.key[-1]
        s = self.snapshot
        r = self.root_key
        if name == "projects":
            for p in sorted(s.projects, key=lambda p: p.key):
                state = "archived" if p.archived else ("team-managed" if p.team_managed else "")
                yield Item("project", (*r, "projects", p.key), f"{p.key}  {p.name}", f"{p.key} {p.name} {state}".lower(),
                           True, p, Context(project=p.key), state=state)
        elif name == "groups":
            for i, g in sorted(enumerate(s.groups), key=lambda t: t[1].name.lower()):
                gap = self._group_gap(g.name)
                yield Item("group", (*r, "groups", i), g.name, g.name.lower(), bool(g.members), g, Context(),
                           f"{len(g.members)}{'+?' if gap else ''}")
        elif name == "pschemes":
            for sch in s.permission_schemes:
                used = self.ix.projects_using(sch.id)
                yield Item("pscheme", (*r, "pschemes", sch.id), sch.name, sch.name.lower(), True, sch, Context(),
                           f"{len(used)} project{'s' if len(used) != 1 else ''}")
        elif name == "sschemes":
            for sch in s.issue_security_schemes:
                yield Item("sscheme", (*r, "sschemes", sch.id), sch.name, sch.name.lower(), bool(sch.levels), sch,
                           Context(), f"{len(sch.levels)} levels")
        elif name == "globals":
            by_perm: dict[str, list] = {}
            for g in s.global_grants:
                by_perm.setdefault(g.permission, []).append(g)
            for perm in catalogue.GLOBAL_PERMISSIONS:
                grants = by_perm.get(perm.key, [])
                yield Item("global", (*r, "globals", perm.key), perm.name, f"{perm.key} {perm.name}".lower(),
                           bool(grants), perm, Context(permission=perm.key),
                           f"{len(grants)} group{'s' if len(grants) != 1 else ''}" if grants else "none")
        elif name == "gaps":
            for i, fact in enumerate(s.gaps):
                yield Item("gap", (*r, "gaps", i), fact.describe(), fact.describe().lower(), False, fact, Context(),
                           fact.status.value)

    def _sorted_accounts(self) -> list[int]:
        if self._accounts_sorted is None:
            accounts = self.snapshot.accounts
            self._accounts_sorted = sorted(range(len(accounts)), key=lambda i: accounts[i].display_name.lower())
        return self._accounts_sorted

    def _group_gap(self, name: str) -> bool:
        from explorer.core.model import FactKind

        return self.ix.gap(FactKind.GROUP_MEMBERS, name) is not None

    # -- projects ----------------------------------------------------------------
    def _project(self, item: Item):
        p: Project = item.ref  # type: ignore[assignment]
        k = item.key
        ctx = Context(project=p.key)
        if p.permission_scheme_id is not None:
            scheme, _ = self.ix.scheme(p)
            name = scheme.name if scheme else f"scheme {p.permission_scheme_id} (not in the snapshot)"
            yield Item("perm-scheme-of", (*k, "perm"), f"Permission scheme: {name}", expandable=scheme is not None,
                       ref=scheme, ctx=ctx)
        if p.team_roles:
            yield Item("team-roles-of", (*k, "teamroles"), "Team-managed roles", expandable=True, ref=p, ctx=ctx,
                       badge=str(len(p.team_roles)))
        yield Item("roles-of", (*k, "roles"), "Roles", expandable=bool(p.role_actors), ref=p, ctx=ctx,
                   badge=str(len(p.role_actors)))
        if p.issue_security_scheme_id is not None:
            scheme, _ = self.ix.security_scheme(p)
            name = scheme.name if scheme else f"scheme {p.issue_security_scheme_id} (not in the snapshot)"
            yield Item("security-of", (*k, "security"), f"Issue security: {name}",
                       expandable=bool(scheme and scheme.levels), ref=scheme, ctx=ctx)
        wf = self._workflows_of(p)
        if wf:
            yield Item("workflows-of", (*k, "workflows"), "Workflows", expandable=True, ref=p, ctx=ctx,
                       badge=str(len(wf)))
        issues = [i for i in self.snapshot.issues if i.project_key == p.key]
        if issues:
            yield Item("issues-of", (*k, "issues"), "Issues in the snapshot", expandable=True, ref=p, ctx=ctx,
                       badge=str(len(issues)))

    def _project_permissions(self, item: Item):
        scheme = item.ref
        project = item.ctx.project
        by_perm: dict[str, list] = {}
        for g in scheme.grants:  # type: ignore[union-attr]
            by_perm.setdefault(g.permission, []).append(g)
        order = [p.key for p in catalogue.PROJECT_PERMISSIONS]
        known = [k for k in order if k in by_perm] + sorted(k for k in by_perm if k not in order)
        for key in known:
            grants = by_perm[key]
            name = catalogue.display_name(key)
            yield Item("perm-grants", (*item.key, key), name, f"{key} {name}".lower(), True, grants,
                       Context(project=project, permission=key), str(len(grants)))

    def _grants_of_permission(self, item: Item):
        project = self.ix.project(item.ctx.project) if item.ctx.project else None
        for g in item.ref:  # type: ignore[union-attr]
            label = holder_label(self.ix, g.holder, project)
            yield Item("grant", (*item.key, g.id), label, label.lower(), False, g, item.ctx, f"grant {g.id}")

    def _project_roles(self, item: Item):
        p: Project = item.ref  # type: ignore[assignment]
        for role_id in sorted(p.role_actors, key=lambda r: self.ix.role_name(r).lower()):
            actors = p.role_actors[role_id]
            name = self.ix.role_name(role_id)
            n = len(actors.users) + len(actors.groups)
            yield Item("role", (*item.key, role_id), name, name.lower(), n > 0, (p, role_id),
                       Context(project=p.key), f"{len(actors.users)} users, {len(actors.groups)} groups")

    def _role_actors(self, item: Item):
        p, role_id = item.ref  # type: ignore[misc]
        actors = p.role_actors[role_id]
        for aid in actors.users:
            acc = self.ix.account(aid)
            label = account_label(acc) if acc else f"unknown account {aid}"
            yield Item("actor", (*item.key, "u", aid), label, _account_search(acc) if acc else aid.lower(), False,
                       acc, Context(account=aid, project=p.key), "user")
        for group in actors.groups:
            members = self.ix.t.groups.get(group, frozenset())
            yield Item("actor", (*item.key, "g", group), f"group {group}", f"group {group}".lower(), False,
                       group, Context(project=p.key), f"{len(members)} members")

    def _security_levels(self, item: Item):
        scheme = item.ref
        for level in scheme.levels:  # type: ignore[union-attr]
            default = " (default)" if scheme.default_level_id == level.id else ""  # type: ignore[union-attr]
            yield Item("level", (*item.key, level.id), f"{level.name}{default}", level.name.lower(),
                       bool(level.members), level, item.ctx, f"{len(level.members)} members")

    def _level_members(self, item: Item):
        project = self.ix.project(item.ctx.project) if item.ctx.project else None
        for n, holder in enumerate(item.ref.members):  # type: ignore[union-attr]
            label = holder_label(self.ix, holder, project)
            yield Item("member", (*item.key, n), label, label.lower(), False, holder, item.ctx)

    def _workflows_of(self, p: Project) -> list[str]:
        scheme = self.ix.t.workflow_schemes.get(p.workflow_scheme_id) if p.workflow_scheme_id else None
        if scheme is None:
            return []
        names = [scheme.default_workflow, *scheme.issue_type_workflows.values()]
        return list(dict.fromkeys(n for n in names if n))

    def _project_workflows(self, item: Item):
        p: Project = item.ref  # type: ignore[assignment]
        by_name = {w.name: w for w in self.snapshot.workflows}
        for name in self._workflows_of(p):
            wf = by_name.get(name)
            flagged = sum(1 for st in wf.statuses if _perm_props(st.properties)) if wf else 0
            yield Item("workflow", (*item.key, name), name, name.lower(), wf is not None, wf, item.ctx,
                       f"{flagged} with properties" if wf else "not in the snapshot")

    def _workflow_statuses(self, item: Item):
        wf = item.ref
        for st in wf.statuses:  # type: ignore[union-attr]
            props = _perm_props(st.properties)
            yield Item("status", (*item.key, st.id), st.name, st.name.lower(), bool(props), (wf, st), item.ctx,
                       f"{len(props)} jira.permission" if props else "")

    def _status_properties(self, item: Item):
        _, st = item.ref  # type: ignore[misc]
        for k, v in sorted(_perm_props(st.properties).items()):
            text = f"{k} = {v}" if v else k
            yield Item("property", (*item.key, k), text, text.lower(), False, (k, v), item.ctx)

    def _project_issues(self, item: Item):
        p: Project = item.ref  # type: ignore[assignment]
        for issue in self.snapshot.issues:
            if issue.project_key == p.key:
                label = f"{issue.key}  {issue.summary}" if issue.summary else issue.key
                yield Item("issue", (*item.key, issue.key), label, label.lower(), False, issue,
                           Context(project=p.key, issue=issue.key), issue.status_name)

    def _team_roles(self, item: Item):
        p: Project = item.ref  # type: ignore[assignment]
        for role in p.team_roles:
            yield Item("team-role", (*item.key, role.id), role.name, role.name.lower(), bool(role.permissions), role,
                       item.ctx, f"{len(role.permissions)} permissions")

    def _team_role_perms(self, item: Item):
        order = {p.key: n for n, p in enumerate(catalogue.PROJECT_PERMISSIONS)}
        for key in sorted(item.ref.permissions, key=lambda k: order.get(k, 999)):  # type: ignore[union-attr]
            name = catalogue.display_name(key)
            yield Item("team-perm", (*item.key, key), name, f"{key} {name}".lower(), False, key,
                       Context(project=item.ctx.project, permission=key))

    # -- groups, schemes, globals ---------------------------------------------------
    def _group_members(self, item: Item):
        for aid in item.ref.members:  # type: ignore[union-attr]
            acc = self.ix.account(aid)
            label = account_label(acc) if acc else f"unknown account {aid}"
            yield Item("account", (*item.key, aid), label, _account_search(acc) if acc else aid.lower(), False, acc,
                       Context(account=aid))

    def _pscheme(self, item: Item):
        sch = item.ref
        used = self.ix.projects_using(sch.id)  # type: ignore[union-attr]
        yield Item("pscheme-projects", (*item.key, "projects"), "Projects using it", expandable=bool(used), ref=sch,
                   badge=str(len(used)))
        yield Item("pscheme-perms", (*item.key, "grants"), "Grants by permission", expandable=bool(sch.grants),
                   ref=sch, badge=str(len(sch.grants)))  # type: ignore[union-attr]

    def _pscheme_projects(self, item: Item):
        for key in self.ix.projects_using(item.ref.id):  # type: ignore[union-attr]
            p = self.ix.project(key)
            label = f"{key}  {p.name}" if p else key
            yield Item("pscheme-project", (*item.key, key), label, label.lower(), False, p, Context(project=key))

    def _pscheme_permissions(self, item: Item):
        fake = Item("perm-scheme-of", item.key, "", ref=item.ref, ctx=Context())
        yield from self._project_permissions(fake)

    def _sscheme_levels(self, item: Item):
        yield from self._security_levels(item)

    def _global_holders(self, item: Item):
        for n, g in enumerate(g for g in self.snapshot.global_grants if g.permission == item.ref.key):  # type: ignore[union-attr]
            label = f"group {g.group}" if g.group else "anyone"
            yield Item("member", (*item.key, n), label, label.lower(), False, g, item.ctx)


def _perm_props(props) -> dict[str, str]:
    return {k: v for k, v in props.items() if k.startswith("jira.permission.") or k in EDITABLE_KEYS}
