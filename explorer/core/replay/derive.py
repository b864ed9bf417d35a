"""The index of a changed copy of a snapshot, built from the original's index in proportion to the change.

A what-if copy (:mod:`explorer.core.whatif.apply`) shares every object it does not change with the original:
its tuples hold the same accounts, groups, projects and schemes except the few that changed.  Indexing it
from scratch costs as much as indexing the original (a second or more on a 50,000-account site);
:func:`derive` copies the original's tables and redoes only the entries of the objects that are not the
same objects.  A copy whose shape differs (objects added, removed, reordered or renamed) is indexed from
scratch.  ``tests/test_whatif_effects.py`` compares derived and fresh indexes on generated sites.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TypeVar

from explorer.core.model import Grant, Snapshot
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.site_sets import SiteSets

T = TypeVar("T")


class _Reshaped(Exception):
    """The copy differs from the original in more than the objects it holds: index it from scratch."""


def _changed(old: Sequence[T], new: Sequence[T], key: Callable[[T], str]) -> list[tuple[T, T]]:
    """The (old, new) pairs at the same place whose objects differ; raise :class:`_Reshaped` if the keys differ."""
    if old is new:
        return []
    if len(old) != len(new):
        raise _Reshaped
    pairs = []
    for a, b in zip(old, new, strict=True):
        if a is b:
            continue
        if key(a) != key(b):
            raise _Reshaped
        pairs.append((a, b))
    return pairs


def derive(base: SiteIndex, snapshot: Snapshot) -> SiteIndex:
    """An index of ``snapshot``, a changed copy of ``base.snapshot``, reusing the unchanged tables and the
    shared account sets that do not depend on what changed."""
    try:
        tables, groups, projects = _derive_tables(base, snapshot)
    except _Reshaped:
        return SiteIndex(snapshot)
    index = SiteIndex(snapshot, tables)
    if isinstance(base.t.bulk_sets, SiteSets):
        tables.bulk_sets = base.t.bulk_sets.derived(index, groups, projects)
    return index


def _derive_tables(base: SiteIndex, new: Snapshot):
    if base.patch:
        raise _Reshaped
    old = base.snapshot
    t = copy.copy(base.t)
    t.bulk_sets = None
    for _, account in _changed(old.accounts, new.accounts, lambda a: a.account_id):
        if t.accounts is base.t.accounts:
            t.accounts = dict(t.accounts)
        t.accounts[account.account_id] = account
    group_pairs = _changed(old.groups, new.groups, lambda g: g.name)
    _groups(t, base, group_pairs)
    if new.application_roles is not old.application_roles:
        t.app_roles = {r.key: r.groups for r in new.application_roles}
        t.app_role_names = {r.key: r.name for r in new.application_roles}
    project_pairs = _changed(old.projects, new.projects, lambda p: p.key)
    _projects(t, base, new, project_pairs)
    for _, scheme in _changed(old.permission_schemes, new.permission_schemes, lambda s: s.id):
        if t.schemes is base.t.schemes:
            t.schemes, t.grants = dict(t.schemes), dict(t.grants)
        t.schemes[scheme.id] = scheme
        by_perm: dict[str, list[Grant]] = defaultdict(list)
        for grant in scheme.grants:
            by_perm[grant.permission].append(grant)
        t.grants[scheme.id] = {k: tuple(v) for k, v in by_perm.items()}
    same = (old.roles is new.roles and old.issue_security_schemes is new.issue_security_schemes
            and old.workflows is new.workflows and old.workflow_schemes is new.workflow_schemes
            and old.issues is new.issues and old.global_grants is new.global_grants
            and old.account_global_permissions is new.account_global_permissions and old.facts is new.facts)
    if not same:
        raise _Reshaped  # what-if copies never change these; anything else is indexed from scratch
    return t, frozenset(g.name for _, g in group_pairs), frozenset(p.key for _, p in project_pairs)


def _groups(t, base: SiteIndex, pairs: list) -> None:
    if not pairs:
        return
    if base.t.subgroups or any(a.subgroups != b.subgroups for a, b in pairs):
        raise _Reshaped  # Data Center nesting: a member change reaches the groups nesting it (index from scratch)
    t.groups, t.account_groups = dict(t.groups), dict(t.account_groups)
    for group_old, group in pairs:
        if group_old.group_id != group.group_id:
            raise _Reshaped
        before, after = frozenset(group_old.members), frozenset(group.members)
        t.groups[group.name] = after
        for aid in after - before:
            t.account_groups[aid] = t.account_groups.get(aid, frozenset()) | {group.name}
        for aid in before - after:
            t.account_groups[aid] = t.account_groups.get(aid, frozenset()) - {group.name}


def _projects(t, base: SiteIndex, new: Snapshot, pairs: list) -> None:
    if not pairs:
        return
    t.projects, t.projects_by_id = dict(t.projects), dict(t.projects_by_id)
    t.role_users, t.role_groups = dict(t.role_users), dict(t.role_groups)
    reassigned = False
    for project_old, project in pairs:
        if project_old.id != project.id or project_old.team_roles != project.team_roles:
            raise _Reshaped
        t.projects[project.key] = project
        t.projects_by_id[project.id] = project
        for role_id in project_old.role_actors:
            t.role_users.pop((project.key, role_id), None)
            t.role_groups.pop((project.key, role_id), None)
        for role_id, actors in project.role_actors.items():
            t.role_users[(project.key, role_id)] = frozenset(actors.users)
            t.role_groups[(project.key, role_id)] = tuple(actors.groups)
        reassigned |= project_old.permission_scheme_id != project.permission_scheme_id
    if reassigned:
        users: dict[str, list[str]] = defaultdict(list)
        for project in new.projects:
            if project.permission_scheme_id is not None:
                users[project.permission_scheme_id].append(project.key)
        t.scheme_projects = {k: tuple(v) for k, v in users.items()}
