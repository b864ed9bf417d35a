"""Small rules of Jira that the per-account evaluator, the set evaluator and the fix finder share.

Which permission needs what (``permission_meta``), the team-managed access levels
(rules section 11) and the workflow status properties (rules section 10).
"""

from __future__ import annotations

from explorer.core.model import Project, ProjectType
from explorer.core.replay import catalogue
from explorer.core.replay.catalogue import Access, ProjectPermission

EDITABLE_KEYS = ("jira.issue.editable", "issueEditable")


def permission_meta(key: str) -> ProjectPermission:
    meta = catalogue.PROJECT_BY_KEY.get(key)
    if meta is not None:
        return meta
    return ProjectPermission(key, key, "A permission defined by an app.", "Apps", None, True, Access.JIRA)


def implied_team_role(project: Project) -> str | None:
    """The team role every logged-in account gets from a team-managed project's access level (rules 11)."""
    level = (project.access_level or "").lower()
    if level == "open":
        return "Agent" if project.project_type is ProjectType.SERVICE_DESK else "Member"
    return "Viewer" if level == "limited" else None


def property_applies(key: str, short: str, *, subtasks: bool) -> bool:
    if not key.startswith("jira.permission."):
        return False
    rest = key[len("jira.permission."):]
    if rest.startswith("subtasks."):
        if not subtasks:
            return False
        rest = rest[len("subtasks."):]
    elif subtasks:
        return False
    return rest == short or rest.startswith(short + ".")


def property_type(key: str) -> str | None:
    """The holder type of a ``jira.permission.[subtasks.]<perm>.<type>[.<suffix>]`` key."""
    rest = key[len("jira.permission."):]
    if rest.startswith("subtasks."):
        rest = rest[len("subtasks."):]
    parts = rest.split(".")
    if len(parts) < 2:
        return None
    tail = ".".join(parts[1:])
    if tail.startswith("sd.customer.portal.only"):
        return "sd.customer.portal.only"
    return parts[1]


def team_path(project: Project) -> bool:
    """A team-managed project without a permission scheme: its roles decide (rules section 11)."""
    return project.team_managed and project.permission_scheme_id is None
