"""The project's rules document as data: its binding decisions, quoted where an explanation relies on one,
and the titles of its sections, which explanations cite as "rules section N".

The document is ``docs/permission-rules.md`` (shipped in the package as
``explorer/data/permission-rules.md``; ``jira-perms rules`` prints it).  A test
holds that every decision's text here is the statement in the document and that
every section title matches its heading.
"""

RULES_DOC = "docs/permission-rules.md"

DECISIONS: dict[int, str] = {
    1: "Jira admins (global Administer Jira) inherit Administer Projects in every company-managed project "
       "(current Cloud docs), even without any role or Browse. Every other project permission comes only from the scheme.",
    2: "Browse Projects is a prerequisite for every project permission except Browse Projects itself, "
       "Create Issues and Administer Projects.",
    3: "\"Any logged in user\" matches every active, logged-in site account except portal-only customers; "
       "product access then removes the paid permissions from accounts without Jira product access. "
       "Service Project Agent needs Jira Service Management access.",
    4: "In a project (no issue), reporter, assignee and user/group custom-field holders match any logged-in "
       "account (\"could match\"), as mypermissions documents.",
    5: "Workflow status properties: any matching jira.permission.* property allows; ...denied matches nobody; "
       "jira.issue.editable=false blocks only Edit Issues.",
    6: "Archived project or issue: only Browse Projects and the view-only permissions remain; "
       "every write permission is denied.",
    7: "Portal access (sd.customer.portal.only) matches the project's customers (its customer role actors).",
    8: "Cloud groups are flat: no nested-group membership is inferred.",
    9: "A sub-task takes its parent's security level.",
    10: "A fact the snapshot lacks (forbidden, not fetched, unknown holder type) makes the answer "
        "\"cannot determine\" when the verdict depends on it, naming the fact; it is never read as \"no\".",
}

SECTIONS: dict[str, str] = {
    "0": "In one paragraph",
    "1": "Jira's own Permission helper",
    "2": "The order of the checks",
    "3": "Permission schemes, grants and holders",
    "3.1": "Grants add up",
    "3.2": "Holder types",
    "3.3": "A project or an issue",
    "4": "Project permissions",
    "5": "Global permissions",
    "6": "Own and all: comments, attachments, worklogs",
    "7": "Assign Issues and Assignable User",
    "8": "Transitions and workflow conditions",
    "9": "Issue security",
    "10": "Workflow status properties",
    "10.1": "Format",
    "10.2": "What they do",
    "10.3": "jira.issue.editable",
    "11": "Team-managed projects",
    "12": "Jira Service Management",
    "13": "Archived projects and issues",
    "14": "Accounts",
    "15": "Asking Jira directly",
    "16": "Open questions",
    "17": "Sources",
}
"""Section number -> title, as in the document's headings ("## 11. Team-managed projects")."""

ADMIN_CONFLICT = (
    "Sources conflict: current Cloud docs say Jira admins inherit Administer Projects, but the Permission helper "
    "reported a site admin without it in 2024 (rules section 5)."
)

TEAM_ADMIN_CONFLICT = (
    "Sources conflict: Cloud docs say Jira admins always reach a team-managed project's settings; a 2026 community "
    "report says they lose it in private projects unless they hold a role (rules section 11)."
)
