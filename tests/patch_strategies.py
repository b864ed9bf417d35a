"""Hypothesis strategies for hypothetical changes (:class:`~explorer.core.replay.index.Patch`) to a snapshot.

``patches(snapshot)`` draws any mix of what fixes and what-if propose: accounts
joining groups (existing or not) and roles (project and team roles), grants added
to schemes with holders of every type, reactivated accounts, restored projects and
issues, changed security levels, assignees and reporters, removed status
properties.  References point at the snapshot's own objects, as a real change would.
"""

from __future__ import annotations

from hypothesis import strategies as st

from explorer.core.model import Grant, Snapshot
from explorer.core.replay.index import Patch
from tests.strategies import PERMISSION_KEYS, World, holders


def _world(snapshot: Snapshot) -> World:
    role_ids = tuple(r.id for r in snapshot.roles) + tuple(
        r.id for p in snapshot.projects for r in p.team_roles)
    return World(tuple(a.account_id for a in snapshot.accounts), snapshot.groups, role_ids or ("10001",))


@st.composite
def patches(draw, snapshot: Snapshot, *, max_parts: int = 3, account_id: str | None = None) -> Patch:
    """A random patch on ``snapshot`` (possibly empty); with ``account_id``, the joins are that account's."""
    world = _world(snapshot)
    accounts = (account_id,) if account_id else world.account_ids
    groups = world.group_names + ("not-a-group",)
    projects = tuple(p.key for p in snapshot.projects)
    issues = tuple(i.key for i in snapshot.issues)
    small = st.integers(0, max_parts)
    patch = Patch()
    if accounts:
        patch = Patch(
            groups=frozenset((draw(st.sampled_from(accounts)), draw(st.sampled_from(groups)))
                             for _ in range(draw(small))),
            roles=frozenset((draw(st.sampled_from(accounts)), draw(st.sampled_from(projects)),
                             draw(st.sampled_from(world.role_ids))) for _ in range(draw(small))),
            reactivated=frozenset(draw(st.lists(st.sampled_from(accounts), max_size=2))),
        )
    grants = []
    if snapshot.permission_schemes and world.groups:
        for i in range(draw(small)):
            scheme = draw(st.sampled_from(snapshot.permission_schemes)).id
            holder = draw(holders(world))
            grants.append((scheme, Grant(f"proposed-{i}", draw(st.sampled_from(PERMISSION_KEYS)), holder)))
    restored = frozenset(draw(st.lists(st.sampled_from(projects), max_size=1))) if projects else frozenset()
    issue_parts: dict = {}
    if issues:
        levels = tuple(lv.id for s in snapshot.issue_security_schemes for lv in s.levels)
        issue_parts = dict(
            security_levels=tuple((draw(st.sampled_from(issues)), draw(st.sampled_from((None, *levels))))
                                  for _ in range(draw(st.integers(0, 1)))),
            assignees=tuple((draw(st.sampled_from(issues)), draw(st.sampled_from(accounts)))
                            for _ in range(draw(st.integers(0, 1))) if accounts),
            reporters=tuple((draw(st.sampled_from(issues)), draw(st.sampled_from(accounts)))
                            for _ in range(draw(st.integers(0, 1))) if accounts),
            restored_issues=frozenset(draw(st.lists(st.sampled_from(issues), max_size=1))),
        )
    properties = [(w.name, s.id, k) for w in snapshot.workflows for s in w.statuses for k in s.properties]
    removed = frozenset(draw(st.lists(st.sampled_from(properties), max_size=2))) if properties else frozenset()
    return patch.merge(Patch(grants=tuple(grants), restored_projects=restored, removed_properties=removed,
                             **issue_parts))



@st.composite
def single_changes(draw, snapshot: Snapshot, account_id: str) -> Patch:
    """One change of the kinds a fix proposes for ``account_id``: join a group or a role, a new grant,
    reactivation, a restored project."""
    world = _world(snapshot)
    kind = draw(st.sampled_from(("group", "role", "grant", "reactivate", "restore")))
    if kind == "group":  # often a group that is a role actor somewhere: joining it reaches those roles
        actors = tuple(g for p in snapshot.projects for a in p.role_actors.values() for g in a.groups)
        return Patch(groups=frozenset({(account_id, draw(st.sampled_from(actors + world.group_names + ("x",))))}))
    if kind == "role" and snapshot.projects:
        project = draw(st.sampled_from(snapshot.projects))
        role_ids = tuple(project.role_actors) + tuple(r.id for r in project.team_roles) + world.role_ids
        return Patch(roles=frozenset({(account_id, project.key, draw(st.sampled_from(role_ids)))}))
    if kind == "grant" and snapshot.permission_schemes and world.groups:
        scheme = draw(st.sampled_from(snapshot.permission_schemes)).id
        grant = Grant("proposed", draw(st.sampled_from(PERMISSION_KEYS)), draw(holders(world)))
        return Patch(grants=((scheme, grant),))
    if kind == "restore" and snapshot.projects:
        return Patch(restored_projects=frozenset({draw(st.sampled_from(snapshot.projects)).key}))
    return Patch(reactivated=frozenset({account_id}))
