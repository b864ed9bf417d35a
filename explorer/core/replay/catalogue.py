"""The catalogue of Jira Cloud project and global permissions, as data.

Sources: ``docs/permission-rules.md`` section 4 (keys, names, workflow-property
short names, Browse prerequisite, Cloud access class) and section 5 (globals),
with the project's binding decisions 2, 3 and 6 applied:

* Browse Projects is a prerequisite of every project permission except Browse
  Projects, Create Issues and Administer Projects (decision 2);
* permissions whose Cloud access class is "site" need no Jira product access,
  Service Project Agent needs Jira Service Management, every other one needs
  Jira product access (decision 3);
* on an archived project or issue only Browse Projects and the view-only
  permissions remain (decision 6).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import Enum

from explorer.core.errors import LookupFailed


class Access(str, Enum):
    """Which product access a permission needs (rules section 4, decision 3)."""

    SITE = "site"  # any account with access to the site
    JIRA = "jira"  # a Jira product (Software, Service Management, Work Management, ...)
    JSM = "jsm"  # Jira Service Management specifically


@dataclass(frozen=True, slots=True)
class ProjectPermission:
    key: str
    name: str
    meaning: str
    category: str
    short_name: str | None  # for jira.permission.<short>.* workflow properties
    browse_required: bool
    access: Access
    view_only: bool = False  # survives archiving (decision 6)
    deprecated_keys: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class GlobalPermission:
    key: str
    name: str
    meaning: str
    cloud: bool = True
    data_center: bool = True


def _p(key, name, meaning, category, short, access, *, browse=True, view_only=False, deprecated=(), note=""):
    return ProjectPermission(key, name, meaning, category, short, browse, access, view_only, tuple(deprecated), note)


S, J, JSM_ = Access.SITE, Access.JIRA, Access.JSM

PROJECT_PERMISSIONS: tuple[ProjectPermission, ...] = (
    # Project / administration
    _p("ADMINISTER_PROJECTS", "Administer Projects", "Change the project's settings, roles, components and versions.",
       "Administration", "project", J, browse=False, deprecated=("PROJECT_ADMIN",),
       note="Cloud: Jira admins inherit it (decision 1); access class conflicts between Cloud pages."),
    _p("EDIT_WORKFLOW", "Edit Workflows", "Edit the project's workflows when they are not shared.",
       "Administration", None, J),
    _p("EDIT_ISSUE_LAYOUT", "Manage Issue Layouts", "Change the layout of issue views in the project.",
       "Administration", None, J),
    _p("BROWSE_PROJECTS", "Browse Projects", "See the project and its issues, and search them.",
       "Project", "browse", S, browse=False, view_only=True, deprecated=("BROWSE",)),
    _p("MANAGE_SPRINTS_PERMISSION", "Manage Sprints", "Create, start, complete and reorder sprints (Jira Software).",
       "Project", None, J),
    _p("SERVICEDESK_AGENT", "Service Project Agent", "Work on requests as an agent and talk to customers (JSM).",
       "Project", None, JSM_),
    _p("VIEW_DEV_TOOLS", "View Development Tools", "See development information (commits, branches, builds).",
       "Project", "viewversioncontrol", J, view_only=True, deprecated=("VIEW_VERSION_CONTROL",)),
    _p("VIEW_READONLY_WORKFLOW", "View Read-Only Workflow", "See a read-only view of the workflow of an issue.",
       "Project", "viewworkflowreadonly", J, view_only=True, deprecated=("VIEW_WORKFLOW_READONLY",)),
    _p("VIEW_AGGREGATED_DATA", "View Aggregated Data", "See aggregated reports and insights of the project.",
       "Project", None, J),
    # Issues
    _p("ASSIGNABLE_USER", "Assignable User", "Be chosen as the assignee of issues.",
       "Issues", "assignable", J),
    _p("ASSIGN_ISSUES", "Assign Issues", "Change who an issue is assigned to.",
       "Issues", "assign", J, deprecated=("ASSIGN_ISSUE",)),
    _p("CLOSE_ISSUES", "Close Issues", "Close issues (with a workflow transition that closes them).",
       "Issues", "close", J, deprecated=("CLOSE_ISSUE",)),
    _p("CREATE_ISSUES", "Create Issues", "Create issues, even without Browse Projects.",
       "Issues", "create", S, browse=False, deprecated=("CREATE_ISSUE",)),
    _p("DELETE_ISSUES", "Delete Issues", "Delete issues with their comments, attachments and worklogs.",
       "Issues", "delete", J, deprecated=("DELETE_ISSUE",)),
    _p("EDIT_ISSUES", "Edit Issues", "Edit the fields of issues.",
       "Issues", "edit", J, deprecated=("EDIT_ISSUE",)),
    _p("LINK_ISSUES", "Link Issues", "Link issues to each other (needs Browse in both projects).",
       "Issues", "link", J, deprecated=("LINK_ISSUE",)),
    _p("MODIFY_REPORTER", "Modify Reporter", "Change the reporter of an issue.",
       "Issues", "modifyreporter", J),
    _p("MOVE_ISSUES", "Move Issues", "Move issues to another project (needs Create Issues there).",
       "Issues", "move", J, deprecated=("MOVE_ISSUE",)),
    _p("RESOLVE_ISSUES", "Resolve Issues", "Set the resolution and fix versions of issues.",
       "Issues", "resolve", J, deprecated=("RESOLVE_ISSUE",)),
    _p("SCHEDULE_ISSUES", "Schedule Issues", "Set and change the due date of issues.",
       "Issues", "scheduleissue", J, deprecated=("SCHEDULE_ISSUE",)),
    _p("SET_ISSUE_SECURITY", "Set Issue Security", "Choose the security level of issues.",
       "Issues", "setsecurity", J),
    _p("TRANSITION_ISSUES", "Transition Issues", "Move issues through the workflow.",
       "Issues", "transition", J, deprecated=("TRANSITION_ISSUE",)),
    _p("ARCHIVE_ISSUES", "Archive Issues", "Archive single issues (Cloud Premium and Enterprise).",
       "Issues", None, J),
    _p("UNARCHIVE_ISSUES", "Unarchive Issues", "Restore archived issues (Cloud Premium and Enterprise).",
       "Issues", None, J),
    # Voters and watchers
    _p("MANAGE_WATCHERS", "Manage Watchers", "Add and remove other people as watchers of issues.",
       "Voters and watchers", "managewatcherlist", J, deprecated=("MANAGE_WATCHER_LIST",)),
    _p("VIEW_VOTERS_AND_WATCHERS", "View Voters and Watchers", "See who voted for and watches issues.",
       "Voters and watchers", "viewvotersandwatchers", S, view_only=True),
    # Comments
    _p("ADD_COMMENTS", "Add Comments", "Comment on issues.",
       "Comments", "comment", J, deprecated=("COMMENT_ISSUE",)),
    _p("DELETE_ALL_COMMENTS", "Delete All Comments", "Delete anyone's comments.",
       "Comments", "commentdeleteall", J, deprecated=("COMMENT_DELETE_ALL",)),
    _p("DELETE_OWN_COMMENTS", "Delete Own Comments", "Delete the comments one wrote.",
       "Comments", "commentdeleteown", S, deprecated=("COMMENT_DELETE_OWN",)),
    _p("EDIT_ALL_COMMENTS", "Edit All Comments", "Edit anyone's comments.",
       "Comments", "commenteditall", J, deprecated=("COMMENT_EDIT_ALL",)),
    _p("EDIT_OWN_COMMENTS", "Edit Own Comments", "Edit the comments one wrote.",
       "Comments", "commenteditown", S, deprecated=("COMMENT_EDIT_OWN",)),
    # Attachments
    _p("CREATE_ATTACHMENTS", "Create Attachments", "Attach files to issues.",
       "Attachments", "attach", S, deprecated=("CREATE_ATTACHMENT",)),
    _p("DELETE_ALL_ATTACHMENTS", "Delete All Attachments", "Delete anyone's attachments.",
       "Attachments", "attachdeleteall", J, deprecated=("ATTACHMENT_DELETE_ALL",)),
    _p("DELETE_OWN_ATTACHMENTS", "Delete Own Attachments", "Delete the attachments one added.",
       "Attachments", "attachdeleteown", J, deprecated=("ATTACHMENT_DELETE_OWN",)),
    # Time tracking
    _p("WORK_ON_ISSUES", "Work On Issues", "Log work (time) on issues.",
       "Time tracking", "work", J, deprecated=("WORK_ISSUE",)),
    _p("EDIT_OWN_WORKLOGS", "Edit Own Worklogs", "Edit the worklogs one logged.",
       "Time tracking", "worklogeditown", J, deprecated=("WORKLOG_EDIT_OWN",)),
    _p("EDIT_ALL_WORKLOGS", "Edit All Worklogs", "Edit anyone's worklogs.",
       "Time tracking", "worklogeditall", J, deprecated=("WORKLOG_EDIT_ALL",)),
    _p("DELETE_OWN_WORKLOGS", "Delete Own Worklogs", "Delete the worklogs one logged.",
       "Time tracking", "worklogdeleteown", J, deprecated=("WORKLOG_DELETE_OWN",)),
    _p("DELETE_ALL_WORKLOGS", "Delete All Worklogs", "Delete anyone's worklogs.",
       "Time tracking", "worklogdeleteall", J, deprecated=("WORKLOG_DELETE_ALL",)),
)

GLOBAL_PERMISSIONS: tuple[GlobalPermission, ...] = (
    GlobalPermission("ADMINISTER", "Administer Jira",
                     "Create projects, edit configuration and schemes, log in regardless of access restrictions."),
    GlobalPermission("SYSTEM_ADMIN", "Jira System Administrators",
                     "All Jira administration functions, system ones included (Data Center only).", cloud=False),
    GlobalPermission("USER_PICKER", "Browse Users and Groups",
                     "See every user and group in pickers and @mentions."),
    GlobalPermission("CREATE_SHARED_OBJECTS", "Share Dashboards and Filters",
                     "Share dashboards and filters with others (DC: also create boards)."),
    GlobalPermission("MANAGE_GROUP_FILTER_SUBSCRIPTIONS", "Manage Group Filter Subscriptions",
                     "Subscribe groups to filters."),
    GlobalPermission("BULK_CHANGE", "Make Bulk Changes",
                     "Bulk edit, move, transition and delete, still subject to project permissions."),
    GlobalPermission("BROWSE_ARCHIVE", "Browse Archive",
                     "Search and list archived issues (Data Center; an archived issue stays reachable by its link).",
                     cloud=False),
    GlobalPermission("CREATE_PROJECT", "Create Team-Managed Projects",
                     "Create team-managed projects (Cloud, licensed users only).", data_center=False),
)

PROJECT_BY_KEY: dict[str, ProjectPermission] = {p.key: p for p in PROJECT_PERMISSIONS}
GLOBAL_BY_KEY: dict[str, GlobalPermission] = {g.key: g for g in GLOBAL_PERMISSIONS}
BY_SHORT_NAME: dict[str, ProjectPermission] = {p.short_name: p for p in PROJECT_PERMISSIONS if p.short_name}

BROWSE = "BROWSE_PROJECTS"
CREATE = "CREATE_ISSUES"
ADMINISTER_PROJECTS = "ADMINISTER_PROJECTS"
SERVICEDESK_AGENT = "SERVICEDESK_AGENT"
EDIT_ISSUES = "EDIT_ISSUES"
ADMINISTER = "ADMINISTER"


class UnknownPermission(LookupFailed):
    """A permission name or key that is not in the catalogue."""

    def __init__(self, text: str, suggestions: list[str]):
        self.text = text
        self.suggestions = suggestions
        hint = f" Did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(f"unknown permission {text!r}.{hint} (jira-perms permissions lists them all)", tuple(suggestions))


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().lower())


def _cloud_names(name: str) -> list[str]:
    """Cloud's 2025 renames: project -> space, issue -> work item."""
    renamed = re.sub(r"\bIssues\b", "Work Items", name)
    renamed = re.sub(r"\bIssue\b", "Work Item", renamed)
    renamed = re.sub(r"\bProjects\b", "Spaces", renamed)
    renamed = re.sub(r"\bProject\b", "Space", renamed)
    return [renamed] if renamed != name else []


def _build_lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for perm in PROJECT_PERMISSIONS:
        for text in (perm.key, perm.name, *perm.deprecated_keys, *_cloud_names(perm.name)):
            table.setdefault(_norm(text), perm.key)
    for glob in GLOBAL_PERMISSIONS:
        for text in (glob.key, glob.name):
            table.setdefault(_norm(text), glob.key)
    # common short forms people type
    table.setdefault(_norm("Jira Administrators"), "ADMINISTER")
    table.setdefault(_norm("Browse Users"), "USER_PICKER")
    table.setdefault(_norm("Bulk Change"), "BULK_CHANGE")
    return table


_LOOKUP = _build_lookup()


def resolve_permission(text: str) -> str:
    """Return the key of a project or global permission typed by key or name.

    Case, spaces, hyphens and underscores do not matter; deprecated keys and the
    Cloud "space"/"work item" wording are accepted.  Raises UnknownPermission
    with did-you-mean suggestions.
    """
    key = _LOOKUP.get(_norm(text))
    if key is not None:
        return key
    candidates = difflib.get_close_matches(_norm(text), list(_LOOKUP), n=6, cutoff=0.6)
    suggestions: list[str] = []
    for cand in candidates:
        name = display_name(_LOOKUP[cand])
        if name not in suggestions:
            suggestions.append(name)
    raise UnknownPermission(text, suggestions[:3])


def is_project_permission(key: str) -> bool:
    return key in PROJECT_BY_KEY


def is_global_permission(key: str) -> bool:
    return key in GLOBAL_BY_KEY


def display_name(key: str) -> str:
    """The human name of a permission key; unknown keys are returned as they are."""
    if key in PROJECT_BY_KEY:
        return PROJECT_BY_KEY[key].name
    if key in GLOBAL_BY_KEY:
        return GLOBAL_BY_KEY[key].name
    return key
