"""Names from Jira's own fixed vocabulary, which a redacted snapshot may keep as they are.

They name nobody: Jira creates them on every site (default roles, system statuses,
default issue types, product names).  Anything else a site names (a role called
"Falcon Merger", a status named after a person) becomes a pseudonym.  Matching is
case-insensitive and exact: "Done" is kept, "Done by Alice" is not.
"""

from __future__ import annotations

ROLES = frozenset(s.lower() for s in (
    "Administrators", "Developers", "Users", "Service Desk Team", "Service Desk Customers",
    "atlassian-addons-project-access",
    # team-managed projects' built-in roles
    "Administrator", "Member", "Viewer", "Agent",
))

STATUSES = frozenset(s.lower() for s in (
    "To Do", "In Progress", "Done", "Open", "Closed", "Resolved", "Reopened", "In Review", "Backlog",
    "Selected for Development", "Waiting for support", "Waiting for customer", "Pending", "Canceled", "Cancelled",
    "Escalated", "Work in progress", "Completed", "Under review", "Approved", "Declined", "Awaiting approval",
    "Awaiting implementation", "Implementing", "Planning", "Review", "Blocked", "New", "Draft", "Published",
))

ISSUE_TYPES = frozenset(s.lower() for s in (
    "Bug", "Task", "Story", "Epic", "Sub-task", "Subtask", "Improvement", "New Feature", "Feature", "Service Request",
    "Service request with approvals", "Incident", "Problem", "Change", "IT Help", "Support", "Question",
    "Access", "Purchase", "Emailed request", "Idea",
))

WORKFLOWS = frozenset(s.lower() for s in ("jira", "classic default workflow", "Builds Workflow"))

PERMISSION_SCHEMES = frozenset(s.lower() for s in ("Default Permission Scheme", "Default software scheme"))

WORKFLOW_SCHEMES = frozenset(s.lower() for s in ("Default Workflow Scheme",))

PRODUCTS = frozenset(s.lower() for s in (
    "Jira", "Jira Software", "Jira Service Management", "Jira Service Desk", "Jira Work Management", "Jira Core",
    "Jira Product Discovery",
))

ALL = ROLES | STATUSES | ISSUE_TYPES | WORKFLOWS | PERMISSION_SCHEMES | WORKFLOW_SCHEMES | PRODUCTS


def kept(vocabulary: frozenset[str], name: str) -> bool:
    """Is ``name`` one of Jira's fixed names (kept by redaction)?"""
    return name.strip().lower() in vocabulary
