"""The structural changes between two snapshots, in the words of Jira's admin screens, one function per section.

Each section function takes the :class:`Pair` of snapshots and yields
:class:`~explorer.core.review.diff.model.ConfigChange` rows; :data:`SECTIONS`
lists them in the order a reader wants them.  A new section of the model gets a
function here and a line in :data:`SECTIONS`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from explorer.core.model import Holder, PermissionScheme, Project, Snapshot
from explorer.core.replay import catalogue
from explorer.core.replay.cache import index_for
from explorer.core.replay.holders import canonical_type, holder_label
from explorer.core.replay.index import SiteIndex
from explorer.core.review.diff.model import ADMIN_GLOBALS, ConfigChange


@dataclass(frozen=True)
class Pair:
    """The two snapshots compared, with their indexes (a: old, b: new)."""

    old: Snapshot
    new: Snapshot
    a: SiteIndex
    b: SiteIndex

    @classmethod
    def of(cls, old: Snapshot, new: Snapshot) -> Pair:
        return cls(old, new, index_for(old), index_for(new))


def _holder_key(ix: SiteIndex, holder: Holder) -> tuple[str, str | None]:
    kind = canonical_type(holder.type) or holder.type
    if kind == "group":
        return kind, ix.group_name(holder)
    return kind, holder.parameter if holder.parameter is not None else holder.value


def _is_widening_grant(permission: str, holder: Holder) -> bool:
    kind = canonical_type(holder.type)
    return (
        kind == "anyone"
        or (kind == "applicationRole" and not holder.parameter)
        or permission == catalogue.ADMINISTER_PROJECTS
    )


def _grant_order(key: tuple[str, tuple[str, str | None]]) -> tuple[str, str, str]:
    return key[0], key[1][0], key[1][1] or ""


def _str_key(key: tuple[str, str | None]) -> tuple[str, str]:
    return key[0], key[1] or ""


def _holder_json(holder: Holder) -> dict[str, str | None]:
    return {"type": holder.type, "parameter": holder.parameter, "value": holder.value}


def accounts(p: Pair) -> Iterator[ConfigChange]:
    old = {a.account_id: a for a in p.old.accounts}
    new = {a.account_id: a for a in p.new.accounts}
    for aid in new.keys() - old.keys():
        acc = new[aid]
        yield ConfigChange(
            "account",
            "added",
            acc.display_name,
            f"New account {acc.display_name} ({acc.account_type.value}{'' if acc.active else ', deactivated'})",
            account_id=aid,
        )
    for aid in old.keys() - new.keys():
        yield ConfigChange(
            "account", "removed", old[aid].display_name, f"Account {old[aid].display_name} is gone", account_id=aid
        )
    for aid in sorted(old.keys() & new.keys(), key=lambda k: new[k].display_name.lower()):
        before, after = old[aid], new[aid]
        if before.active != after.active:
            word = "reactivated" if after.active else "deactivated"
            yield ConfigChange(
                "account",
                "changed",
                after.display_name,
                f"{after.display_name} was {word}",
                account_id=aid,
                detail={"active": [before.active, after.active]},
            )
        if before.account_type != after.account_type:
            yield ConfigChange(
                "account",
                "changed",
                after.display_name,
                f"{after.display_name} is now a{'n' if after.account_type.value[0] in 'aeiou' else ''} "
                f"{after.account_type.value} account (was {before.account_type.value})",
                account_id=aid,
                detail={"accountType": [before.account_type.value, after.account_type.value]},
            )
    old_globals, new_globals = p.old.account_global_permissions, p.new.account_global_permissions
    for aid in sorted(set(old_globals) | set(new_globals)):
        before_perms, after_perms = set(old_globals.get(aid, ())), set(new_globals.get(aid, ()))
        for perm in sorted(after_perms - before_perms):
            yield ConfigChange(
                "account_global",
                "added",
                perm,
                f"Jira reports {p.b.name(aid)} holds {catalogue.display_name(perm)}",
                account_id=aid,
                widening=perm in ADMIN_GLOBALS,
            )
        for perm in sorted(before_perms - after_perms):
            yield ConfigChange(
                "account_global",
                "removed",
                perm,
                f"Jira no longer reports {p.a.name(aid)} holds {catalogue.display_name(perm)}",
                account_id=aid,
            )


def groups(p: Pair) -> Iterator[ConfigChange]:
    old = {g.name: g for g in p.old.groups}
    new = {g.name: g for g in p.new.groups}
    for name in sorted(new.keys() - old.keys()):
        yield ConfigChange("group", "added", name, f"New group {name} ({len(new[name].members)} members)")
    for name in sorted(old.keys() - new.keys()):
        yield ConfigChange("group", "removed", name, f"Group {name} is gone (it had {len(old[name].members)} members)")
    for name in sorted(old.keys() & new.keys()):
        before, after = set(old[name].members), set(new[name].members)
        for aid in sorted(after - before, key=p.b.name):
            yield ConfigChange("group_member", "added", name, f"{p.b.name(aid)} joined group {name}", account_id=aid)
        for aid in sorted(before - after, key=p.a.name):
            yield ConfigChange("group_member", "removed", name, f"{p.a.name(aid)} left group {name}", account_id=aid)


def products(p: Pair) -> Iterator[ConfigChange]:
    old = {r.key: r for r in p.old.application_roles}
    new = {r.key: r for r in p.new.application_roles}
    for key in sorted(old.keys() | new.keys()):
        name = (new.get(key) or old[key]).name
        before = set(old[key].groups) if key in old else set()
        after = set(new[key].groups) if key in new else set()
        for group in sorted(after - before):
            yield ConfigChange("product", "added", name, f"Group {group} now gives {name} access")
        for group in sorted(before - after):
            yield ConfigChange("product", "removed", name, f"Group {group} no longer gives {name} access")


def global_grants(p: Pair) -> Iterator[ConfigChange]:
    old = Counter((g.permission, g.group) for g in p.old.global_grants)
    new = Counter((g.permission, g.group) for g in p.new.global_grants)
    for (perm, group), _ in sorted((new - old).items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        who = f"group {group}" if group else "anyone"
        yield ConfigChange(
            "global_grant",
            "added",
            perm,
            f"Global permission {catalogue.display_name(perm)} granted to {who}",
            widening=group is None or perm in ADMIN_GLOBALS,
            detail={"group": group},
        )
    for (perm, group), _ in sorted((old - new).items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        who = f"group {group}" if group else "anyone"
        yield ConfigChange(
            "global_grant",
            "removed",
            perm,
            f"Global permission {catalogue.display_name(perm)} no longer granted to {who}",
            detail={"group": group},
        )


def schemes(p: Pair) -> Iterator[ConfigChange]:
    old = {s.id: s for s in p.old.permission_schemes}
    new = {s.id: s for s in p.new.permission_schemes}
    for sid in sorted(new.keys() - old.keys()):
        s = new[sid]
        yield ConfigChange(
            "scheme",
            "added",
            s.name,
            f"New permission scheme '{s.name}' ({len(s.grants)} grants)",
            projects=p.b.projects_using(sid),
        )
    for sid in sorted(old.keys() - new.keys()):
        s = old[sid]
        yield ConfigChange(
            "scheme", "removed", s.name, f"Permission scheme '{s.name}' is gone", projects=p.a.projects_using(sid)
        )
    for sid in sorted(old.keys() & new.keys()):
        yield from _grants(p, old[sid], new[sid])


def _grants(p: Pair, before: PermissionScheme, after: PermissionScheme) -> Iterator[ConfigChange]:
    projects = tuple(sorted(set(p.a.projects_using(before.id)) | set(p.b.projects_using(after.id))))
    old = Counter((g.permission, _holder_key(p.a, g.holder)) for g in before.grants)
    new = Counter((g.permission, _holder_key(p.b, g.holder)) for g in after.grants)
    holders_old = {(g.permission, _holder_key(p.a, g.holder)): g.holder for g in before.grants}
    holders_new = {(g.permission, _holder_key(p.b, g.holder)): g.holder for g in after.grants}
    used = f" (used by {', '.join(projects)})" if projects else " (used by no project)"
    for key in sorted(new - old, key=_grant_order):
        perm, holder = key[0], holders_new[key]
        yield ConfigChange(
            "grant",
            "added",
            after.name,
            f"Permission scheme '{after.name}': {catalogue.display_name(perm)} "
            f"granted to {holder_label(p.b, holder)}{used}",
            projects=projects,
            widening=_is_widening_grant(perm, holder),
            detail={"scheme": after.id, "permission": perm, "holder": _holder_json(holder)},
        )
    for key in sorted(old - new, key=_grant_order):
        perm, holder = key[0], holders_old[key]
        yield ConfigChange(
            "grant",
            "removed",
            after.name,
            f"Permission scheme '{after.name}': {catalogue.display_name(perm)} "
            f"no longer granted to {holder_label(p.a, holder)}{used}",
            projects=projects,
            detail={"scheme": after.id, "permission": perm, "holder": _holder_json(holder)},
        )


def projects(p: Pair) -> Iterator[ConfigChange]:
    old = {project.key: project for project in p.old.projects}
    new = {project.key: project for project in p.new.projects}
    for key in sorted(new.keys() - old.keys()):
        yield ConfigChange("project", "added", key, f"New project {key} ({new[key].name})", projects=(key,))
    for key in sorted(old.keys() - new.keys()):
        yield ConfigChange("project", "removed", key, f"Project {key} ({old[key].name}) is gone", projects=(key,))
    for key in sorted(old.keys() & new.keys()):
        yield from _project(p, old[key], new[key])


def _scheme_name(ix: SiteIndex, sid: str | None, table: str) -> str:
    if sid is None:
        return "none"
    objs = {
        "perm": ix.snapshot.permission_schemes,
        "sec": ix.snapshot.issue_security_schemes,
        "wf": ix.snapshot.workflow_schemes,
    }[table]
    found = next((s for s in objs if s.id == sid), None)
    return f"'{found.name}'" if found else f"id {sid}"


def _project(p: Pair, before: Project, after: Project) -> Iterator[ConfigChange]:
    yield from _project_settings(p, before, after)
    yield from _role_actors(p, before, after)
    yield from _team_roles(p, before, after)


def _project_settings(p: Pair, before: Project, after: Project) -> Iterator[ConfigChange]:
    key = after.key
    one = (key,)
    if before.archived != after.archived:
        yield ConfigChange(
            "project",
            "changed",
            key,
            f"Project {key} was {'archived' if after.archived else 'restored'}",
            projects=one,
            detail={"archived": [before.archived, after.archived]},
        )
    for attr, table, what in (
        ("permission_scheme_id", "perm", "permission scheme"),
        ("issue_security_scheme_id", "sec", "issue security scheme"),
        ("workflow_scheme_id", "wf", "workflow scheme"),
    ):
        x, y = getattr(before, attr), getattr(after, attr)
        if x != y:
            yield ConfigChange(
                "scheme_assignment",
                "changed",
                key,
                f"Project {key} now uses {what} {_scheme_name(p.b, y, table)} (was {_scheme_name(p.a, x, table)})",
                projects=one,
                detail={attr: [x, y]},
            )
    if before.lead != after.lead:
        yield ConfigChange(
            "project",
            "changed",
            key,
            f"Project {key} is now led by {p.b.name(after.lead)} (was {p.a.name(before.lead)})",
            projects=one,
            detail={"lead": [before.lead, after.lead]},
        )
    if (before.team_managed, before.access_level) != (after.team_managed, after.access_level):
        opened = after.team_managed and (after.access_level or "").lower() == "open"
        yield ConfigChange(
            "project",
            "changed",
            key,
            f"Project {key} access level is now {after.access_level or 'unset'} (was {before.access_level or 'unset'})",
            projects=one,
            widening=opened,
            detail={"accessLevel": [before.access_level, after.access_level]},
        )
    if before.customer_role_id != after.customer_role_id:
        yield ConfigChange(
            "project",
            "changed",
            key,
            f"Project {key} customer role is now "
            f"{p.b.role_name(after.customer_role_id)} (was {p.a.role_name(before.customer_role_id)})",
            projects=one,
        )
    if before.project_type != after.project_type:
        yield ConfigChange(
            "project",
            "changed",
            key,
            f"Project {key} is now a {after.project_type.value} project (was {before.project_type.value})",
            projects=one,
        )


def _role_actors(p: Pair, before: Project, after: Project) -> Iterator[ConfigChange]:
    key = after.key
    one = (key,)
    for role_id in sorted(set(before.role_actors) | set(after.role_actors)):
        x = before.role_actors.get(role_id)
        y = after.role_actors.get(role_id)
        role = p.b.role_name(role_id)
        xu, yu = set(x.users if x else ()), set(y.users if y else ())
        xg, yg = set(x.groups if x else ()), set(y.groups if y else ())
        for aid in sorted(yu - xu, key=p.b.name):
            yield ConfigChange(
                "role_actor",
                "added",
                key,
                f"{p.b.name(aid)} added to role {role} in {key}",
                projects=one,
                account_id=aid,
                detail={"role": role_id},
            )
        for aid in sorted(xu - yu, key=p.a.name):
            yield ConfigChange(
                "role_actor",
                "removed",
                key,
                f"{p.a.name(aid)} removed from role {role} in {key}",
                projects=one,
                account_id=aid,
                detail={"role": role_id},
            )
        for group in sorted(yg - xg):
            yield ConfigChange(
                "role_actor",
                "added",
                key,
                f"Group {group} added to role {role} in {key}",
                projects=one,
                detail={"role": role_id, "group": group},
            )
        for group in sorted(xg - yg):
            yield ConfigChange(
                "role_actor",
                "removed",
                key,
                f"Group {group} removed from role {role} in {key}",
                projects=one,
                detail={"role": role_id, "group": group},
            )


def _team_roles(p: Pair, before: Project, after: Project) -> Iterator[ConfigChange]:
    key = after.key
    one = (key,)
    old_roles = {r.id: r for r in before.team_roles}
    new_roles = {r.id: r for r in after.team_roles}
    for rid in sorted(old_roles.keys() | new_roles.keys()):
        x_perms = old_roles[rid].permissions if rid in old_roles else frozenset()
        y_perms = new_roles[rid].permissions if rid in new_roles else frozenset()
        name = (new_roles.get(rid) or old_roles[rid]).name
        for perm in sorted(y_perms - x_perms):
            yield ConfigChange(
                "team_role",
                "added",
                key,
                f"Team role {name} in {key} now gives {catalogue.display_name(perm)}",
                projects=one,
                widening=perm == catalogue.ADMINISTER_PROJECTS,
            )
        for perm in sorted(x_perms - y_perms):
            yield ConfigChange(
                "team_role",
                "removed",
                key,
                f"Team role {name} in {key} no longer gives {catalogue.display_name(perm)}",
                projects=one,
            )


def security(p: Pair) -> Iterator[ConfigChange]:
    old = {s.id: s for s in p.old.issue_security_schemes}
    new = {s.id: s for s in p.new.issue_security_schemes}
    for sid in sorted(old.keys() | new.keys()):
        x, y = old.get(sid), new.get(sid)
        name = (y or x).name  # type: ignore[union-attr]
        xl = {lv.id: lv for lv in (x.levels if x else ())}
        yl = {lv.id: lv for lv in (y.levels if y else ())}
        for lid in sorted(yl.keys() - xl.keys()):
            yield ConfigChange("security_level", "added", name, f"Security scheme '{name}': new level '{yl[lid].name}'")
        for lid in sorted(xl.keys() - yl.keys()):
            yield ConfigChange(
                "security_level", "removed", name, f"Security scheme '{name}': level '{xl[lid].name}' is gone"
            )
        for lid in sorted(xl.keys() & yl.keys()):
            a = Counter(_holder_key(p.a, h) for h in xl[lid].members)
            b = Counter(_holder_key(p.b, h) for h in yl[lid].members)
            hx = {_holder_key(p.a, h): h for h in xl[lid].members}
            hy = {_holder_key(p.b, h): h for h in yl[lid].members}
            level = yl[lid].name
            for k in sorted(b - a, key=_str_key):
                holder = hy[k]
                kind = canonical_type(holder.type)
                yield ConfigChange(
                    "security_level",
                    "added",
                    name,
                    f"Security level '{level}' ({name}) now includes {holder_label(p.b, holder)}",
                    widening=kind == "anyone" or (kind == "applicationRole" and not holder.parameter),
                )
            for k in sorted(a - b, key=_str_key):
                yield ConfigChange(
                    "security_level",
                    "removed",
                    name,
                    f"Security level '{level}' ({name}) no longer includes {holder_label(p.a, hx[k])}",
                )


def workflows(p: Pair) -> Iterator[ConfigChange]:
    old = {w.name: w for w in p.old.workflows}
    new = {w.name: w for w in p.new.workflows}
    for name in sorted(old.keys() & new.keys()):
        xs = {s.id: s for s in old[name].statuses}
        ys = {s.id: s for s in new[name].statuses}
        for sid in sorted(xs.keys() & ys.keys()):
            xp, yp = dict(xs[sid].properties), dict(ys[sid].properties)
            status = ys[sid].name
            for k in sorted(yp.keys() - xp.keys()):
                yield ConfigChange(
                    "workflow_property",
                    "added",
                    name,
                    f"Workflow '{name}', status {status}: new property {k} = {yp[k]!r}",
                )
            for k in sorted(xp.keys() - yp.keys()):
                yield ConfigChange(
                    "workflow_property",
                    "removed",
                    name,
                    f"Workflow '{name}', status {status}: property {k} removed (was {xp[k]!r})",
                )
            for k in sorted(xp.keys() & yp.keys()):
                if xp[k] != yp[k]:
                    yield ConfigChange(
                        "workflow_property",
                        "changed",
                        name,
                        f"Workflow '{name}', status {status}: {k} = {yp[k]!r} (was {xp[k]!r})",
                    )
    old_ws = {s.id: s for s in p.old.workflow_schemes}
    new_ws = {s.id: s for s in p.new.workflow_schemes}
    for sid in sorted(old_ws.keys() & new_ws.keys()):
        x, y = old_ws[sid], new_ws[sid]
        if (x.default_workflow, dict(x.issue_type_workflows)) != (y.default_workflow, dict(y.issue_type_workflows)):
            yield ConfigChange(
                "workflow_scheme", "changed", y.name, f"Workflow scheme '{y.name}' maps issue types to other workflows"
            )


def issues(p: Pair) -> Iterator[ConfigChange]:
    old = {i.key: i for i in p.old.issues}
    new = {i.key: i for i in p.new.issues}
    for key in sorted(new.keys() - old.keys()):
        yield ConfigChange(
            "issue", "added", key, f"Issue {key} is now in the snapshot", projects=(new[key].project_key,)
        )
    for key in sorted(old.keys() - new.keys()):
        yield ConfigChange(
            "issue", "removed", key, f"Issue {key} is no longer in the snapshot", projects=(old[key].project_key,)
        )
    for key in sorted(old.keys() & new.keys()):
        x, y = old[key], new[key]
        one = (y.project_key,)
        if x.security_level_id != y.security_level_id:
            yield ConfigChange(
                "issue",
                "changed",
                key,
                f"Issue {key} security level is now {y.security_level_id or 'none'} "
                f"(was {x.security_level_id or 'none'})",
                projects=one,
            )
        for attr, word in (("reporter", "reporter"), ("assignee", "assignee")):
            if getattr(x, attr) != getattr(y, attr):
                yield ConfigChange(
                    "issue",
                    "changed",
                    key,
                    f"Issue {key} {word} is now {p.b.name(getattr(y, attr))} (was {p.a.name(getattr(x, attr))})",
                    projects=one,
                )
        if x.status_id != y.status_id:
            yield ConfigChange(
                "issue",
                "changed",
                key,
                f"Issue {key} moved to status {y.status_name or y.status_id} (was {x.status_name or x.status_id})",
                projects=one,
            )
        if x.archived != y.archived:
            yield ConfigChange(
                "issue", "changed", key, f"Issue {key} was {'archived' if y.archived else 'restored'}", projects=one
            )
        if (dict(x.user_fields), dict(x.group_fields)) != (dict(y.user_fields), dict(y.group_fields)):
            yield ConfigChange(
                "issue", "changed", key, f"Issue {key}: user or group custom fields changed", projects=one
            )


def completeness(p: Pair) -> Iterator[ConfigChange]:
    old = {f.key: f for f in p.old.facts}
    new = {f.key: f for f in p.new.facts}
    for k in sorted(old.keys() | new.keys(), key=lambda k: (k[0].value, k[1] or "")):
        x, y = old.get(k), new.get(k)
        if x is not None and y is not None and x.status == y.status:
            continue
        what = (y or x).describe().split(":")[0]  # type: ignore[union-attr]
        before = x.status.value if x else "not recorded"
        after = y.status.value if y else "not recorded"
        yield ConfigChange("completeness", "changed", what, f"Completeness of {what}: {after} (was {before})")


SECTIONS: tuple[Callable[[Pair], Iterable[ConfigChange]], ...] = (
    accounts,
    groups,
    products,
    global_grants,
    schemes,
    projects,
    security,
    workflows,
    issues,
    completeness,
)


def structural_changes(old: Snapshot, new: Snapshot) -> tuple[ConfigChange, ...]:
    """Every structural change from ``old`` to ``new``, section by section."""
    pair = Pair.of(old, new)
    return tuple(change for section in SECTIONS for change in section(pair))
