"""Write proposed changes into a copy of a snapshot, saying when a change is already so.

The copy shares every object the changes do not touch with the original (tuples are rebuilt, the
objects in them are not), so building it costs next to nothing even on a large site.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from explorer.core.model import (
    ApplicationRole,
    FactKind,
    Grant,
    PermissionScheme,
    Project,
    RoleActors,
    Snapshot,
    Status,
    frozen_map,
)
from explorer.core.replay import catalogue
from explorer.core.replay.cache import index_for
from explorer.core.replay.holders import holder_label
from explorer.core.whatif.changes import Change, Outcome
from explorer.core.whatif.kinds import Kind
from explorer.core.whatif.language import holder_key

PROPOSED_GRANT_PREFIX = "whatif-"


@dataclass(frozen=True)
class Applied:
    """The snapshot with the changes written in, and what each change did."""

    before: Snapshot
    after: Snapshot
    outcomes: tuple[Outcome, ...]

    @property
    def changed(self) -> bool:
        return any(o.applied for o in self.outcomes)


def apply_changes(snapshot: Snapshot, changes: list[Change] | tuple[Change, ...]) -> Applied:
    """Apply the changes in order to a copy of ``snapshot``."""
    current = snapshot
    outcomes: list[Outcome] = []
    for change in changes:
        current, outcome = _APPLY[change.kind](snapshot, current, change)
        outcomes.append(outcome)
    return Applied(snapshot, current, tuple(outcomes))


# ---------------------------------------------------------------- helpers


def _swap(items: tuple, old: object, new: object) -> tuple:
    return tuple(new if item is old else item for item in items)


def _project(snap: Snapshot, key: str) -> Project:
    return next(p for p in snap.projects if p.key == key)


def _scheme(snap: Snapshot, scheme_id: str) -> PermissionScheme:
    return next(s for s in snap.permission_schemes if s.id == scheme_id)


def _name(snap: Snapshot, account_id: str | None) -> str:
    return index_for(snap).name(account_id)


def _same(change: Change, note: str, snap: Snapshot) -> tuple[Snapshot, Outcome]:
    return snap, Outcome(change, False, note)


def _done(change: Change, snap: Snapshot, note: str = "") -> tuple[Snapshot, Outcome]:
    return snap, Outcome(change, True, note)


# ---------------------------------------------------------------- grants


def _add_grant(original: Snapshot, snap: Snapshot, change: Change) -> tuple[Snapshot, Outcome]:
    scheme = _scheme(snap, change.scheme_id or "")
    assert change.holder is not None and change.permission is not None
    key = holder_key(original, change.holder)
    perm = catalogue.display_name(change.permission)
    label = holder_label(index_for(original), change.holder)
    if any(g.permission == change.permission and holder_key(original, g.holder) == key for g in scheme.grants):
        return _same(change, f"already so: '{scheme.name}' already grants {perm} to {label}", snap)
    taken = {g.id for s in snap.permission_schemes for g in s.grants}
    n = 1
    while f"{PROPOSED_GRANT_PREFIX}{n}" in taken:
        n += 1
    grant = Grant(f"{PROPOSED_GRANT_PREFIX}{n}", change.permission, change.holder)
    new = replace(scheme, grants=(*scheme.grants, grant))
    return _done(change, replace(snap, permission_schemes=_swap(snap.permission_schemes, scheme, new)))


def _remove_grant(original: Snapshot, snap: Snapshot, change: Change) -> tuple[Snapshot, Outcome]:
    scheme = _scheme(snap, change.scheme_id or "")
    assert change.holder is not None and change.permission is not None
    key = holder_key(original, change.holder)
    kept = tuple(g for g in scheme.grants
                 if not (g.permission == change.permission and holder_key(original, g.holder) == key))
    if len(kept) == len(scheme.grants):
        ix = index_for(original)
        perm = catalogue.display_name(change.permission)
        holders = [holder_label(ix, g.holder) for g in scheme.grants if g.permission == change.permission]
        has = f"its grants of {perm} are to: {', '.join(holders)}" if holders else f"it grants {perm} to nobody"
        return _same(change, f"already so: '{scheme.name}' does not grant {perm} to "
                             f"{holder_label(ix, change.holder)} ({has})", snap)
    new = replace(scheme, grants=kept)
    return _done(change, replace(snap, permission_schemes=_swap(snap.permission_schemes, scheme, new)))


def _set_scheme(original: Snapshot, snap: Snapshot, change: Change) -> tuple[Snapshot, Outcome]:
    project = _project(snap, change.project_key or "")
    if project.permission_scheme_id == change.scheme_id:
        name = _scheme(snap, change.scheme_id or "").name
        return _same(change, f"already so: {project.key} uses permission scheme '{name}'", snap)
    new = replace(project, permission_scheme_id=change.scheme_id)
    return _done(change, replace(snap, projects=_swap(snap.projects, project, new)))


# ---------------------------------------------------------------- roles and groups


def _role(original: Snapshot, snap: Snapshot, change: Change) -> tuple[Snapshot, Outcome]:
    project = _project(snap, change.project_key or "")
    role_id = change.role_id or ""
    ix = index_for(original)
    role = ix.role_name(role_id)
    actors = project.role_actors.get(role_id, RoleActors())
    adding = change.kind is Kind.ADD_TO_ROLE
    if change.group is not None:
        present = change.group in actors.groups
        who = f"group {change.group}"
        groups = (*actors.groups, change.group) if adding else tuple(g for g in actors.groups if g != change.group)
        new_actors = replace(actors, groups=groups)
    else:
        aid = change.account_id or ""
        present = aid in actors.users
        who = _name(original, aid)
        users = (*actors.users, aid) if adding else tuple(u for u in actors.users if u != aid)
        new_actors = replace(actors, users=users)
    if adding and present:
        return _same(change, f"already so: {who} is already an actor of role {role} in {project.key}", snap)
    if not adding and not present:
        note = f"already so: {who} is not an actor of role {role} in {project.key}"
        if change.account_id is not None:
            via = [g for g in actors.groups if change.account_id in ix.t.groups.get(g, ())]
            if via:
                note = (f"already so: {who} is not a direct actor of role {role} in {project.key}, but is one "
                        f"through group{'s' if len(via) > 1 else ''} {', '.join(via)}: remove the group from the "
                        f"role, or {who} from the group")
        return _same(change, note, snap)
    note = ""
    if adding and change.account_id is not None:
        via = [g for g in actors.groups if change.account_id in ix.t.groups.get(g, ())]
        if via:
            note = f"{who} is already an actor through group {', '.join(via)}"
    new = replace(project, role_actors=frozen_map({**project.role_actors, role_id: new_actors}))
    return _done(change, replace(snap, projects=_swap(snap.projects, project, new)), note)


def _membership(snap: Snapshot, group_name: str, account_id: str, *, member: bool) -> Snapshot:
    group = next(g for g in snap.groups if g.name == group_name)
    members = (*group.members, account_id) if member else tuple(m for m in group.members if m != account_id)
    return replace(snap, groups=_swap(snap.groups, group, replace(group, members=members)))


def _ancestors(snap: Snapshot, group: str) -> list[str]:
    """Groups that nest ``group``, directly or not (Data Center; known when nesting was supplied by hand)."""
    parents: dict[str, list[str]] = {}
    for g in snap.groups:
        for child in g.subgroups:
            parents.setdefault(child, []).append(g.name)
    found: list[str] = []
    todo = list(parents.get(group, ()))
    while todo:
        name = todo.pop()
        if name not in found and name != group:
            found.append(name)
            todo += parents.get(name, ())
    return found


def _join(snap: Snapshot, group: str, account_id: str) -> tuple[Snapshot, list[str]]:
    """Add an account to a group and, as Jira lists effective members, to every group nesting it."""
    snap = _membership(snap, group, account_id, member=True)
    also = []
    for parent in _ancestors(snap, group):
        if account_id not in next(g for g in snap.groups if g.name == parent).members:
            snap = _membership(snap, parent, account_id, member=True)
            also.append(parent)
    return snap, also


def _leave(snap: Snapshot, group: str, account_id: str) -> tuple[Snapshot, list[str]]:
    """Take an account out of a group and out of the groups nesting it that it was in only through it."""
    snap = _membership(snap, group, account_id, member=False)
    also = []
    for parent in _ancestors(snap, group):
        by_name = {g.name: g for g in snap.groups}
        other = [c for c in by_name[parent].subgroups if c in by_name and account_id in by_name[c].members]
        if account_id in by_name[parent].members and not other:
            snap = _membership(snap, parent, account_id, member=False)
            also.append(parent)
    return snap, also


def _nesting_note(who: str, verb: str, groups: list[str]) -> str:
    if not groups:
        return ""
    return (f"{who} also {verb} {', '.join(groups)}, which nest{'s' if len(groups) == 1 else ''} it (Data Center "
            "lists effective members" + ("; this assumes no direct membership there)" if verb == "leaves" else ")"))


def _truncated(snap: Snapshot, group: str) -> bool:
    fact = snap.fact_status(FactKind.GROUP_MEMBERS, group)
    return fact is not None and fact.status is not Status.COMPLETE


def _group(original: Snapshot, snap: Snapshot, change: Change) -> tuple[Snapshot, Outcome]:
    group, aid = change.group or "", change.account_id or ""
    who = _name(original, aid)
    members = next(g for g in snap.groups if g.name == group).members
    if change.kind is Kind.ADD_TO_GROUP:
        if aid in members:
            return _same(change, f"already so: {who} is already a member of group {group}", snap)
        snap, also = _join(snap, group, aid)
        return _done(change, snap, _nesting_note(who, "joins", also))
    if aid not in members:
        note = f"already so: {who} is not a member of group {group}"
        if _truncated(original, group):
            note += " (as far as the snapshot knows: the sync read only part of the member list)"
        return _same(change, note, snap)
    snap, also = _leave(snap, group, aid)
    return _done(change, snap, _nesting_note(who, "leaves", also))


# ---------------------------------------------------------------- accounts, products, projects


def _deactivate(original: Snapshot, snap: Snapshot, change: Change) -> tuple[Snapshot, Outcome]:
    account = next(a for a in snap.accounts if a.account_id == change.account_id)
    if not account.active:
        return _same(change, f"already so: {account.display_name} is deactivated", snap)
    return _done(change, replace(snap, accounts=_swap(snap.accounts, account, replace(account, active=False))))


def _product(original: Snapshot, snap: Snapshot, change: Change) -> tuple[Snapshot, Outcome]:
    ix = index_for(original)
    if change.group is not None:  # PRODUCT -= group GROUP
        role = next((r for r in snap.application_roles if r.key == change.product), None)
        if role is None:
            return _same(change, f"nothing to change: the snapshot does not say which groups give "
                                 f"{ix.product_name(change.product or '')} access", snap)
        if change.group not in role.groups:
            gives = ", ".join(role.groups) or "no group"
            return _same(change, f"already so: group {change.group} does not give {role.name} access "
                                 f"(it is given by {gives})", snap)
        new_role = ApplicationRole(role.key, role.name, tuple(g for g in role.groups if g != change.group),
                                   tuple(g for g in role.default_groups if g != change.group))
        return _done(change, replace(snap, application_roles=_swap(snap.application_roles, role, new_role)))
    aid = change.account_id or ""
    who = _name(original, aid)
    roles = [r for r in snap.application_roles if change.product is None or r.key == change.product]
    what = f"{ix.product_name(change.product)} access" if change.product else "Jira product access"
    if not snap.application_roles:
        return _same(change, f"nothing to change: the snapshot does not say which groups give product access, "
                             f"so whether {who} has {what} is not known", snap)
    leave = sorted({g for r in roles for g in r.groups
                    if any(grp.name == g and aid in grp.members for grp in snap.groups)})
    if not leave:
        return _same(change, f"already so: {who} is in no group that gives {what}", snap)
    for group in leave:
        if aid in next(g for g in snap.groups if g.name == group).members:
            snap, also = _leave(snap, group, aid)
            leave += [g for g in also if g not in leave]
    plural = "s" if len(leave) > 1 else ""
    return _done(change, snap, f"{who} leaves group{plural} {', '.join(leave)}, and with "
                               f"{'them' if plural else 'it'} everything else {'they give' if plural else 'it gives'}")


def _archive(original: Snapshot, snap: Snapshot, change: Change) -> tuple[Snapshot, Outcome]:
    project = _project(snap, change.project_key or "")
    if project.archived:
        return _same(change, f"already so: {project.key} is archived", snap)
    return _done(change, replace(snap, projects=_swap(snap.projects, project, replace(project, archived=True))))


_APPLY: dict[Kind, Callable[[Snapshot, Snapshot, Change], tuple[Snapshot, Outcome]]] = {
    Kind.ADD_GRANT: _add_grant,
    Kind.REMOVE_GRANT: _remove_grant,
    Kind.ADD_TO_ROLE: _role,
    Kind.REMOVE_FROM_ROLE: _role,
    Kind.ADD_TO_GROUP: _group,
    Kind.REMOVE_FROM_GROUP: _group,
    Kind.SET_SCHEME: _set_scheme,
    Kind.DEACTIVATE: _deactivate,
    Kind.REMOVE_PRODUCT_ACCESS: _product,
    Kind.ARCHIVE: _archive,
}
