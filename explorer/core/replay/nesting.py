"""Nested groups (Data Center): effective membership, and the words for how an account is a member.

Cloud groups are flat (decision 8).  On Data Center a group's members include
those of the groups nested in it (rules section 3.2); ``group/member`` already
lists them that way, and :func:`effective_members` closes membership over
``Group.subgroups`` so a snapshot holding only direct members gives the same
answers.  Which group nests which is known only when an admin supplied it
(``jira-perms supply``): then :func:`member_path` says "via nested group X > Y";
otherwise the proof says the membership may come through a nested group.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from explorer.core.model import Deployment, FactKind, Group, Snapshot, Status


def effective_members(groups: Iterable[Group]) -> dict[str, frozenset[str]]:
    """Each group's members with those of every group nested in it, directly or not (cycles are harmless)."""
    groups = list(groups)
    direct = {g.name: frozenset(g.members) for g in groups}
    children = {g.name: g.subgroups for g in groups if g.subgroups}
    if not children:
        return direct
    out: dict[str, frozenset[str]] = {}
    for name in direct:
        if name not in children:
            out[name] = direct[name]
            continue
        found: set[str] = set(direct[name])
        seen = {name}
        todo = list(children[name])
        while todo:
            child = todo.pop()
            if child in seen:
                continue
            seen.add(child)
            found |= direct.get(child, frozenset())
            todo.extend(children.get(child, ()))
        out[name] = frozenset(found)
    return out


def ancestors(children: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """Each nested group's ancestors: the groups that contain it, directly or not (joining it joins them)."""
    parents: dict[str, set[str]] = {}
    for parent, kids in children.items():
        for kid in kids:
            parents.setdefault(kid, set()).add(parent)
    out: dict[str, frozenset[str]] = {}
    for group in parents:
        found: set[str] = set()
        todo = list(parents[group])
        while todo:
            name = todo.pop()
            if name not in found:
                found.add(name)
                todo.extend(parents.get(name, ()))
        found.discard(group)
        out[group] = frozenset(found)
    return out


def nesting_known(snapshot: Snapshot) -> bool:
    """Whether the snapshot knows which groups nest which (always on Cloud, whose groups are flat)."""
    if snapshot.site.deployment is not Deployment.DATA_CENTER:
        return True
    fact = snapshot.fact_status(FactKind.GROUP_NESTING)
    return fact is not None and fact.status is Status.COMPLETE


def member_path(group: str, account_id: str, members: Mapping[str, frozenset[str]],
                children: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The chain of nested groups through which the account is in ``group``: ``(group,)`` when it is a member
    there itself, ``(group, child, ...)`` down to the group that holds it directly (the shortest such chain)."""
    path = (group,)
    frontier = [path]
    seen = {group}
    while frontier:
        longer = []
        for chain in frontier:
            inner = [c for c in children.get(chain[-1], ()) if c not in seen and account_id in members.get(c, ())]
            if not inner:
                if len(chain) > 1 or not children.get(chain[-1]):
                    return chain
                continue
            for child in inner:
                seen.add(child)
                longer.append((*chain, child))
        if not longer:
            break
        frontier = longer
    return path


def membership_words(name: str, path: tuple[str, ...], known: bool, deployment: Deployment) -> str:
    """How ``name`` is a member of ``path[0]``, in the proof's words."""
    group = path[0]
    if len(path) > 1:
        return f"{name} is a member of group {group} via nested group {' > '.join(path)}"
    if deployment is Deployment.DATA_CENTER and not known:
        return f"{name} is a member of group {group} (possibly through a nested group)"
    return f"{name} is a member of group {group}"


def via_words(path: tuple[str, ...], known: bool, deployment: Deployment) -> str:
    """The group step of a ``via`` chain: ``group X``, ``nested group X > Y`` or ``group X (maybe nested)``."""
    if len(path) > 1:
        return f"nested group {' > '.join(path)}"
    if deployment is Deployment.DATA_CENTER and not known:
        return f"group {path[0]} (possibly through a nested group)"
    return f"group {path[0]}"
