"""What changed between two snapshots of a site, and what that changes for people (``jira-perms diff``).

Two parts:

* **structural changes**, in the words of Jira's admin screens: grants added or
  removed per permission scheme, role actors and group members added or
  removed, projects added, removed, archived or restored, scheme assignments
  switched, products, global permissions, security levels, workflow properties,
  issues and completeness;
* **effects**: which accounts gained or lost which permissions in which
  projects (and globally, and on the issues both snapshots hold), computed by
  replaying the evaluator on both snapshots.

Only what can have changed is replayed.  A project whose configuration (its
fields, scheme, security scheme, workflows and facts) and the site-wide context
(groups that exist, products, global grants, site-wide facts) are unchanged can
change an account's verdict only if that account's *signature* changed: its
state, its memberships of the groups the project's configuration names, whether
the configuration names it directly, and its global-permission record.  Accounts
with the same pair of signatures get the same verdicts, so one of them is
evaluated for all (``tests/test_diff.py`` checks the result against a brute-force
replay on generated pairs of sites).

Widening changes (a new Public or "any logged-in user" grant, a new grant of
Administer Projects or of a global admin permission, a team-managed project
opened to everyone, anyone newly gaining admin rights, the anonymous visitor
gaining anything) are flagged so they can be shown first.  Pure: no I/O.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from explorer.core.model import (
    ANONYMOUS,
    ANONYMOUS_ID,
    Account,
    FactKind,
    Holder,
    Issue,
    PermissionScheme,
    Project,
    Snapshot,
)
from explorer.core.replay import bulk, catalogue
from explorer.core.replay.cache import index_for
from explorer.core.replay.evaluator import evaluate_in
from explorer.core.replay.explanation import Verdict
from explorer.core.replay.holders import canonical_type, holder_label
from explorer.core.replay.index import SiteIndex

ADMIN_GLOBALS = frozenset({"ADMINISTER", "SYSTEM_ADMIN"})
PROJECT_PERMISSION_KEYS: tuple[str, ...] = tuple(p.key for p in catalogue.PROJECT_PERMISSIONS)
GLOBAL_PERMISSION_KEYS: tuple[str, ...] = tuple(g.key for g in catalogue.GLOBAL_PERMISSIONS)


@dataclass(frozen=True, slots=True)
class ConfigChange:
    """One structural change, in words, with the facts behind it."""

    area: str  # grant | scheme | project | scheme_assignment | role_actor | group | group_member | account
    #            | product | global_grant | account_global | security_level | workflow_property | workflow_scheme
    #            | issue | team_role | completeness
    action: str  # added | removed | changed
    subject: str  # what changed (scheme name, project key, group name, ...)
    summary: str  # one line a Jira admin understands
    projects: tuple[str, ...] = ()  # projects it reaches
    account_id: str | None = None  # the account it is about, when one
    widening: bool = False
    detail: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class Effect:
    """One account's verdict on one permission that differs between the snapshots."""

    account_id: str
    account_name: str
    permission: str
    project_key: str | None  # None for a global permission
    issue_key: str | None
    before: Verdict | None  # None: the account or the project was not in the old snapshot
    after: Verdict | None  # None: no longer in the new snapshot

    @property
    def gained(self) -> bool:
        return self.after is Verdict.ALLOWED and self.before is not Verdict.ALLOWED

    @property
    def lost(self) -> bool:
        return self.before is Verdict.ALLOWED and self.after is not Verdict.ALLOWED

    @property
    def kind(self) -> str:
        """gained | lost | unknown (now cannot determine) | known (now determined) ."""
        if self.gained:
            return "gained"
        if self.lost:
            return "lost"
        if self.after is Verdict.UNKNOWN:
            return "unknown"
        return "known"

    @property
    def widening(self) -> bool:
        if not self.gained:
            return False
        if self.account_id == ANONYMOUS_ID:
            return True
        return self.permission == catalogue.ADMINISTER_PROJECTS or self.permission in ADMIN_GLOBALS

    @property
    def where(self) -> str:
        if self.issue_key:
            return self.issue_key
        return self.project_key or "the site"


@dataclass(frozen=True)
class SnapshotDiff:
    old_site: str
    new_site: str
    old_taken_at: str
    new_taken_at: str
    changes: tuple[ConfigChange, ...]
    effects: tuple[Effect, ...]
    account: Account | None = None  # the --account filter
    evaluations: int = 0  # how many verdicts were replayed (both snapshots)

    @property
    def changed_in_effect(self) -> bool:
        return bool(self.effects)

    @property
    def widening_changes(self) -> tuple[ConfigChange, ...]:
        return tuple(c for c in self.changes if c.widening)

    @property
    def widening_effects(self) -> tuple[Effect, ...]:
        return tuple(e for e in self.effects if e.widening)


# ====================================================================== structural changes


def _names(ix: SiteIndex, ids: Iterable[str]) -> str:
    return ", ".join(ix.name(a) for a in ids)


def _holder_key(ix: SiteIndex, holder: Holder) -> tuple[str, str | None]:
    kind = canonical_type(holder.type) or holder.type
    if kind == "group":
        return kind, ix.group_name(holder)
    return kind, holder.parameter if holder.parameter is not None else holder.value


def _is_widening_grant(permission: str, holder: Holder) -> bool:
    kind = canonical_type(holder.type)
    return kind == "anyone" or (kind == "applicationRole" and not holder.parameter) or \
        permission == catalogue.ADMINISTER_PROJECTS


class _Structure:
    """Builds the list of structural changes."""

    def __init__(self, old: Snapshot, new: Snapshot):
        self.old, self.new = old, new
        self.a, self.b = index_for(old), index_for(new)
        self.out: list[ConfigChange] = []

    def add(self, area: str, action: str, subject: str, summary: str, **extra: Any) -> None:
        self.out.append(ConfigChange(area, action, subject, summary, **extra))

    def run(self) -> tuple[ConfigChange, ...]:
        self.accounts()
        self.groups()
        self.products()
        self.global_grants()
        self.schemes()
        self.projects()
        self.security()
        self.workflows()
        self.issues()
        self.completeness()
        return tuple(self.out)

    # ---- accounts and groups ---------------------------------------------------------------
    def accounts(self) -> None:
        old = {a.account_id: a for a in self.old.accounts}
        new = {a.account_id: a for a in self.new.accounts}
        for aid in new.keys() - old.keys():
            acc = new[aid]
            self.add("account", "added", acc.display_name, f"New account {acc.display_name} ({acc.account_type.value}"
                     f"{'' if acc.active else ', deactivated'})", account_id=aid)
        for aid in old.keys() - new.keys():
            self.add("account", "removed", old[aid].display_name, f"Account {old[aid].display_name} is gone",
                     account_id=aid)
        for aid in sorted(old.keys() & new.keys(), key=lambda k: new[k].display_name.lower()):
            before, after = old[aid], new[aid]
            if before.active != after.active:
                word = "reactivated" if after.active else "deactivated"
                self.add("account", "changed", after.display_name, f"{after.display_name} was {word}", account_id=aid,
                         detail={"active": [before.active, after.active]})
            if before.account_type != after.account_type:
                self.add("account", "changed", after.display_name,
                         f"{after.display_name} is now a{'n' if after.account_type.value[0] in 'aeiou' else ''} "
                         f"{after.account_type.value} account (was {before.account_type.value})", account_id=aid,
                         detail={"accountType": [before.account_type.value, after.account_type.value]})
        old_globals, new_globals = self.old.account_global_permissions, self.new.account_global_permissions
        for aid in sorted(set(old_globals) | set(new_globals)):
            before_perms, after_perms = set(old_globals.get(aid, ())), set(new_globals.get(aid, ()))
            for perm in sorted(after_perms - before_perms):
                self.add("account_global", "added", perm, f"Jira reports {self.b.name(aid)} holds "
                         f"{catalogue.display_name(perm)}", account_id=aid, widening=perm in ADMIN_GLOBALS)
            for perm in sorted(before_perms - after_perms):
                self.add("account_global", "removed", perm, f"Jira no longer reports {self.a.name(aid)} holds "
                         f"{catalogue.display_name(perm)}", account_id=aid)

    def groups(self) -> None:
        old = {g.name: g for g in self.old.groups}
        new = {g.name: g for g in self.new.groups}
        for name in sorted(new.keys() - old.keys()):
            self.add("group", "added", name, f"New group {name} ({len(new[name].members)} members)")
        for name in sorted(old.keys() - new.keys()):
            self.add("group", "removed", name, f"Group {name} is gone (it had {len(old[name].members)} members)")
        for name in sorted(old.keys() & new.keys()):
            before, after = set(old[name].members), set(new[name].members)
            for aid in sorted(after - before, key=self.b.name):
                self.add("group_member", "added", name, f"{self.b.name(aid)} joined group {name}", account_id=aid)
            for aid in sorted(before - after, key=self.a.name):
                self.add("group_member", "removed", name, f"{self.a.name(aid)} left group {name}", account_id=aid)

    def products(self) -> None:
        old = {r.key: r for r in self.old.application_roles}
        new = {r.key: r for r in self.new.application_roles}
        for key in sorted(old.keys() | new.keys()):
            name = (new.get(key) or old[key]).name
            before = set(old[key].groups) if key in old else set()
            after = set(new[key].groups) if key in new else set()
            for group in sorted(after - before):
                self.add("product", "added", name, f"Group {group} now gives {name} access")
            for group in sorted(before - after):
                self.add("product", "removed", name, f"Group {group} no longer gives {name} access")

    def global_grants(self) -> None:
        old = Counter((g.permission, g.group) for g in self.old.global_grants)
        new = Counter((g.permission, g.group) for g in self.new.global_grants)
        for (perm, group), _ in sorted((new - old).items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
            who = f"group {group}" if group else "anyone"
            self.add("global_grant", "added", perm, f"Global permission {catalogue.display_name(perm)} granted to {who}",
                     widening=group is None or perm in ADMIN_GLOBALS, detail={"group": group})
        for (perm, group), _ in sorted((old - new).items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
            who = f"group {group}" if group else "anyone"
            self.add("global_grant", "removed", perm,
                     f"Global permission {catalogue.display_name(perm)} no longer granted to {who}",
                     detail={"group": group})

    # ---- permission schemes ------------------------------------------------------------------
    def _users_of(self, ix: SiteIndex, scheme_id: str) -> tuple[str, ...]:
        return ix.projects_using(scheme_id)

    def schemes(self) -> None:
        old = {s.id: s for s in self.old.permission_schemes}
        new = {s.id: s for s in self.new.permission_schemes}
        for sid in sorted(new.keys() - old.keys()):
            s = new[sid]
            self.add("scheme", "added", s.name, f"New permission scheme '{s.name}' ({len(s.grants)} grants)",
                     projects=self._users_of(self.b, sid))
        for sid in sorted(old.keys() - new.keys()):
            s = old[sid]
            self.add("scheme", "removed", s.name, f"Permission scheme '{s.name}' is gone",
                     projects=self._users_of(self.a, sid))
        for sid in sorted(old.keys() & new.keys()):
            self._grants(old[sid], new[sid])

    def _grants(self, before: PermissionScheme, after: PermissionScheme) -> None:
        projects = tuple(sorted(set(self._users_of(self.a, before.id)) | set(self._users_of(self.b, after.id))))
        old = Counter((g.permission, _holder_key(self.a, g.holder)) for g in before.grants)
        new = Counter((g.permission, _holder_key(self.b, g.holder)) for g in after.grants)
        holders_old = {(g.permission, _holder_key(self.a, g.holder)): g.holder for g in before.grants}
        holders_new = {(g.permission, _holder_key(self.b, g.holder)): g.holder for g in after.grants}
        used = f" (used by {', '.join(projects)})" if projects else " (used by no project)"
        for key in sorted(new - old, key=_grant_order):
            perm, holder = key[0], holders_new[key]
            self.add("grant", "added", after.name, f"Permission scheme '{after.name}': {catalogue.display_name(perm)} "
                     f"granted to {holder_label(self.b, holder)}{used}", projects=projects,
                     widening=_is_widening_grant(perm, holder),
                     detail={"scheme": after.id, "permission": perm, "holder": _holder_json(holder)})
        for key in sorted(old - new, key=_grant_order):
            perm, holder = key[0], holders_old[key]
            self.add("grant", "removed", after.name, f"Permission scheme '{after.name}': {catalogue.display_name(perm)} "
                     f"no longer granted to {holder_label(self.a, holder)}{used}", projects=projects,
                     detail={"scheme": after.id, "permission": perm, "holder": _holder_json(holder)})

    # ---- projects ------------------------------------------------------------------------------
    def projects(self) -> None:
        old = {p.key: p for p in self.old.projects}
        new = {p.key: p for p in self.new.projects}
        for key in sorted(new.keys() - old.keys()):
            p = new[key]
            self.add("project", "added", key, f"New project {key} ({p.name})", projects=(key,))
        for key in sorted(old.keys() - new.keys()):
            self.add("project", "removed", key, f"Project {key} ({old[key].name}) is gone", projects=(key,))
        for key in sorted(old.keys() & new.keys()):
            self._project(old[key], new[key])

    def _scheme_name(self, ix: SiteIndex, sid: str | None, table: str) -> str:
        if sid is None:
            return "none"
        objs = {"perm": ix.snapshot.permission_schemes, "sec": ix.snapshot.issue_security_schemes,
                "wf": ix.snapshot.workflow_schemes}[table]
        found = next((s for s in objs if s.id == sid), None)
        return f"'{found.name}'" if found else f"id {sid}"

    def _project(self, before: Project, after: Project) -> None:
        key = after.key
        one = (key,)
        if before.archived != after.archived:
            self.add("project", "changed", key, f"Project {key} was {'archived' if after.archived else 'restored'}",
                     projects=one, detail={"archived": [before.archived, after.archived]})
        for attr, table, what in (("permission_scheme_id", "perm", "permission scheme"),
                                  ("issue_security_scheme_id", "sec", "issue security scheme"),
                                  ("workflow_scheme_id", "wf", "workflow scheme")):
            x, y = getattr(before, attr), getattr(after, attr)
            if x != y:
                self.add("scheme_assignment", "changed", key,
                         f"Project {key} now uses {what} {self._scheme_name(self.b, y, table)} "
                         f"(was {self._scheme_name(self.a, x, table)})", projects=one, detail={attr: [x, y]})
        if before.lead != after.lead:
            self.add("project", "changed", key, f"Project {key} is now led by {self.b.name(after.lead)} "
                     f"(was {self.a.name(before.lead)})", projects=one, detail={"lead": [before.lead, after.lead]})
        if (before.team_managed, before.access_level) != (after.team_managed, after.access_level):
            opened = after.team_managed and (after.access_level or "").lower() == "open"
            self.add("project", "changed", key, f"Project {key} access level is now {after.access_level or 'unset'} "
                     f"(was {before.access_level or 'unset'})", projects=one, widening=opened,
                     detail={"accessLevel": [before.access_level, after.access_level]})
        if before.customer_role_id != after.customer_role_id:
            self.add("project", "changed", key, f"Project {key} customer role is now "
                     f"{self.b.role_name(after.customer_role_id)} (was {self.a.role_name(before.customer_role_id)})",
                     projects=one)
        if before.project_type != after.project_type:
            self.add("project", "changed", key, f"Project {key} is now a {after.project_type.value} project "
                     f"(was {before.project_type.value})", projects=one)
        for role_id in sorted(set(before.role_actors) | set(after.role_actors)):
            x = before.role_actors.get(role_id)
            y = after.role_actors.get(role_id)
            role = self.b.role_name(role_id)
            xu, yu = set(x.users if x else ()), set(y.users if y else ())
            xg, yg = set(x.groups if x else ()), set(y.groups if y else ())
            for aid in sorted(yu - xu, key=self.b.name):
                self.add("role_actor", "added", key, f"{self.b.name(aid)} added to role {role} in {key}", projects=one,
                         account_id=aid, detail={"role": role_id})
            for aid in sorted(xu - yu, key=self.a.name):
                self.add("role_actor", "removed", key, f"{self.a.name(aid)} removed from role {role} in {key}",
                         projects=one, account_id=aid, detail={"role": role_id})
            for group in sorted(yg - xg):
                self.add("role_actor", "added", key, f"Group {group} added to role {role} in {key}", projects=one,
                         detail={"role": role_id, "group": group})
            for group in sorted(xg - yg):
                self.add("role_actor", "removed", key, f"Group {group} removed from role {role} in {key}",
                         projects=one, detail={"role": role_id, "group": group})
        old_roles = {r.id: r for r in before.team_roles}
        new_roles = {r.id: r for r in after.team_roles}
        for rid in sorted(old_roles.keys() | new_roles.keys()):
            x_perms = old_roles[rid].permissions if rid in old_roles else frozenset()
            y_perms = new_roles[rid].permissions if rid in new_roles else frozenset()
            name = (new_roles.get(rid) or old_roles[rid]).name
            for perm in sorted(y_perms - x_perms):
                self.add("team_role", "added", key, f"Team role {name} in {key} now gives "
                         f"{catalogue.display_name(perm)}", projects=one, widening=perm == catalogue.ADMINISTER_PROJECTS)
            for perm in sorted(x_perms - y_perms):
                self.add("team_role", "removed", key, f"Team role {name} in {key} no longer gives "
                         f"{catalogue.display_name(perm)}", projects=one)

    # ---- security, workflows, issues, completeness -------------------------------------------------
    def security(self) -> None:
        old = {s.id: s for s in self.old.issue_security_schemes}
        new = {s.id: s for s in self.new.issue_security_schemes}
        for sid in sorted(old.keys() | new.keys()):
            x, y = old.get(sid), new.get(sid)
            name = (y or x).name  # type: ignore[union-attr]
            xl = {lv.id: lv for lv in (x.levels if x else ())}
            yl = {lv.id: lv for lv in (y.levels if y else ())}
            for lid in sorted(yl.keys() - xl.keys()):
                self.add("security_level", "added", name, f"Security scheme '{name}': new level '{yl[lid].name}'")
            for lid in sorted(xl.keys() - yl.keys()):
                self.add("security_level", "removed", name, f"Security scheme '{name}': level '{xl[lid].name}' is gone")
            for lid in sorted(xl.keys() & yl.keys()):
                a = Counter(_holder_key(self.a, h) for h in xl[lid].members)
                b = Counter(_holder_key(self.b, h) for h in yl[lid].members)
                hx = {_holder_key(self.a, h): h for h in xl[lid].members}
                hy = {_holder_key(self.b, h): h for h in yl[lid].members}
                level = yl[lid].name
                for k in sorted(b - a, key=_str_key):
                    holder = hy[k]
                    kind = canonical_type(holder.type)
                    self.add("security_level", "added", name, f"Security level '{level}' ({name}) now includes "
                             f"{holder_label(self.b, holder)}",
                             widening=kind == "anyone" or (kind == "applicationRole" and not holder.parameter))
                for k in sorted(a - b, key=_str_key):
                    self.add("security_level", "removed", name, f"Security level '{level}' ({name}) no longer "
                             f"includes {holder_label(self.a, hx[k])}")

    def workflows(self) -> None:
        old = {w.name: w for w in self.old.workflows}
        new = {w.name: w for w in self.new.workflows}
        for name in sorted(old.keys() & new.keys()):
            xs = {s.id: s for s in old[name].statuses}
            ys = {s.id: s for s in new[name].statuses}
            for sid in sorted(xs.keys() & ys.keys()):
                xp, yp = dict(xs[sid].properties), dict(ys[sid].properties)
                status = ys[sid].name
                for k in sorted(yp.keys() - xp.keys()):
                    self.add("workflow_property", "added", name, f"Workflow '{name}', status {status}: new property "
                             f"{k} = {yp[k]!r}")
                for k in sorted(xp.keys() - yp.keys()):
                    self.add("workflow_property", "removed", name, f"Workflow '{name}', status {status}: property "
                             f"{k} removed (was {xp[k]!r})")
                for k in sorted(xp.keys() & yp.keys()):
                    if xp[k] != yp[k]:
                        self.add("workflow_property", "changed", name, f"Workflow '{name}', status {status}: "
                                 f"{k} = {yp[k]!r} (was {xp[k]!r})")
        old_ws = {s.id: s for s in self.old.workflow_schemes}
        new_ws = {s.id: s for s in self.new.workflow_schemes}
        for sid in sorted(old_ws.keys() & new_ws.keys()):
            x, y = old_ws[sid], new_ws[sid]
            if (x.default_workflow, dict(x.issue_type_workflows)) != (y.default_workflow, dict(y.issue_type_workflows)):
                self.add("workflow_scheme", "changed", y.name, f"Workflow scheme '{y.name}' maps issue types to "
                         "other workflows")

    def issues(self) -> None:
        old = {i.key: i for i in self.old.issues}
        new = {i.key: i for i in self.new.issues}
        for key in sorted(new.keys() - old.keys()):
            self.add("issue", "added", key, f"Issue {key} is now in the snapshot", projects=(new[key].project_key,))
        for key in sorted(old.keys() - new.keys()):
            self.add("issue", "removed", key, f"Issue {key} is no longer in the snapshot",
                     projects=(old[key].project_key,))
        for key in sorted(old.keys() & new.keys()):
            x, y = old[key], new[key]
            one = (y.project_key,)
            if x.security_level_id != y.security_level_id:
                self.add("issue", "changed", key, f"Issue {key} security level is now {y.security_level_id or 'none'} "
                         f"(was {x.security_level_id or 'none'})", projects=one)
            for attr, word in (("reporter", "reporter"), ("assignee", "assignee")):
                if getattr(x, attr) != getattr(y, attr):
                    self.add("issue", "changed", key, f"Issue {key} {word} is now {self.b.name(getattr(y, attr))} "
                             f"(was {self.a.name(getattr(x, attr))})", projects=one)
            if x.status_id != y.status_id:
                self.add("issue", "changed", key, f"Issue {key} moved to status {y.status_name or y.status_id} "
                         f"(was {x.status_name or x.status_id})", projects=one)
            if x.archived != y.archived:
                self.add("issue", "changed", key, f"Issue {key} was {'archived' if y.archived else 'restored'}",
                         projects=one)
            if (dict(x.user_fields), dict(x.group_fields)) != (dict(y.user_fields), dict(y.group_fields)):
                self.add("issue", "changed", key, f"Issue {key}: user or group custom fields changed", projects=one)

    def completeness(self) -> None:
        old = {f.key: f for f in self.old.facts}
        new = {f.key: f for f in self.new.facts}
        for k in sorted(old.keys() | new.keys(), key=lambda k: (k[0].value, k[1] or "")):
            x, y = old.get(k), new.get(k)
            if x is not None and y is not None and x.status == y.status:
                continue
            what = (y or x).describe().split(":")[0]  # type: ignore[union-attr]
            before = x.status.value if x else "not recorded"
            after = y.status.value if y else "not recorded"
            self.add("completeness", "changed", what, f"Completeness of {what}: {after} (was {before})")


def _grant_order(key: tuple[str, tuple[str, str | None]]) -> tuple[str, str, str]:
    return key[0], key[1][0], key[1][1] or ""


def _str_key(key: tuple[str, str | None]) -> tuple[str, str]:
    return key[0], key[1] or ""


def _holder_json(holder: Holder) -> dict[str, str | None]:
    return {"type": holder.type, "parameter": holder.parameter, "value": holder.value}


# ====================================================================== effects


_DC_OPTIONAL = frozenset({"reportercreate", "assigneeassignable"})
_PER_ACCOUNT_FACTS = frozenset({FactKind.GROUP_MEMBERS, FactKind.GLOBAL_PERMISSIONS, FactKind.ISSUE})
Relevance = tuple[frozenset[str], frozenset[str]]  # (groups, accountIds) a verdict may depend on


class _Context:
    """What verdicts depend on in one snapshot, besides the account: configuration and relevance."""

    def __init__(self, ix: SiteIndex):
        self.ix = ix
        snap = ix.snapshot
        self.global_groups = frozenset(g.group for g in snap.global_grants if g.group)
        self.product_groups = frozenset(g for r in snap.application_roles for g in r.groups)
        self.base_groups = self.global_groups | self.product_groups
        self._config: dict[str, tuple] = {}
        self._relevant: dict[tuple[str, str | None], dict[str, Relevance]] = {}

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


class _Effects:
    def __init__(self, old: Snapshot, new: Snapshot, only: str | None):
        self.a, self.b = index_for(old), index_for(new)
        self.ca, self.cb = _Context(self.a), _Context(self.b)
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

    def _one_sided_project(self, ix: SiteIndex, ctx: _Context, project: Project, *, after: bool) -> None:
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


def _drop_issue_echoes(effects: list[Effect]) -> list[Effect]:
    """An issue-level change that only repeats the project-level change of the same permission adds nothing."""
    project_level = {(e.account_id, e.permission, e.project_key): (e.before, e.after)
                     for e in effects if e.issue_key is None}
    return [e for e in effects if e.issue_key is None
            or project_level.get((e.account_id, e.permission, e.project_key)) != (e.before, e.after)]


# ====================================================================== the entry point


def diff_snapshots(old: Snapshot, new: Snapshot, *, account: Account | None = None) -> SnapshotDiff:
    """The structural changes and their effects from ``old`` to ``new`` (optionally for one account)."""
    changes = _Structure(old, new).run()
    if account is not None:
        aid = account.account_id
        personal = {"group_member", "role_actor", "account", "account_global"}
        changes = tuple(c for c in changes if c.area not in personal or c.account_id in (None, aid))
    effects_builder = _Effects(old, new, account.account_id if account is not None else None)
    effects = _drop_issue_echoes(list(effects_builder.run()))
    effects.sort(key=lambda e: (not e.widening, e.account_name.lower(), e.account_id, e.project_key or "",
                                e.issue_key or "", e.permission))
    changes = tuple(sorted(changes, key=lambda c: not c.widening))  # stable: widening first, order kept otherwise
    return SnapshotDiff(
        old.site.url, new.site.url, old.provenance.taken_at, new.provenance.taken_at, changes, tuple(effects),
        account, effects_builder.evaluations,
    )
