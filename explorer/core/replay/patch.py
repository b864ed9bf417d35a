"""Hypothetical changes to a site, layered on an index without copying it (the fix finder's "what if")."""

from __future__ import annotations

from dataclasses import dataclass

from explorer.core.model import Grant


@dataclass(frozen=True, slots=True)
class Patch:
    """Hypothetical changes to a site, applied on top of an index."""

    groups: frozenset[tuple[str, str]] = frozenset()  # (accountId, group name)
    roles: frozenset[tuple[str, str, str]] = frozenset()  # (accountId, project key, role id)
    grants: tuple[tuple[str, Grant], ...] = ()  # (scheme id, grant)
    reactivated: frozenset[str] = frozenset()
    security_levels: tuple[tuple[str, str | None], ...] = ()  # (issue key, level id or None)
    assignees: tuple[tuple[str, str], ...] = ()  # (issue key, accountId)
    reporters: tuple[tuple[str, str], ...] = ()
    restored_projects: frozenset[str] = frozenset()
    restored_issues: frozenset[str] = frozenset()
    removed_properties: frozenset[tuple[str, str, str]] = frozenset()  # (workflow, status id, key)

    def __bool__(self) -> bool:
        return any(
            (self.groups, self.roles, self.grants, self.reactivated, self.security_levels, self.assignees,
             self.reporters, self.restored_projects, self.restored_issues, self.removed_properties)
        )

    def merge(self, other: Patch) -> Patch:
        return Patch(
            self.groups | other.groups,
            self.roles | other.roles,
            self.grants + other.grants,
            self.reactivated | other.reactivated,
            self.security_levels + other.security_levels,
            self.assignees + other.assignees,
            self.reporters + other.reporters,
            self.restored_projects | other.restored_projects,
            self.restored_issues | other.restored_issues,
            self.removed_properties | other.removed_properties,
        )


EMPTY_PATCH = Patch()
