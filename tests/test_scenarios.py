"""Data-driven scenarios: a site fragment, a question, the verdict and the reasons that decide it.

Every case is written from ``docs/permission-rules.md`` (section numbers "§n",
binding decisions "dec n") and cites it in a short comment.  ``kinds`` is the exact
set of decisive reason kinds (``Explanation.decisive_kinds``):

* denied: the checks that failed;
* cannot determine: the checks whose outcome is unknown, plus ``unknown_fact``;
* allowed: what granted it (``grant``, ``global_permission`` or ``team_managed``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from explorer.core.model import AccountType, FactKind, Snapshot, Status
from explorer.core.replay.explanation import Check, Match, Verdict
from tests.site_builder import (
    ADMINISTRATORS,
    AGENTS,
    ALL,
    BROWSE_LOGGED_IN,
    BROWSE_PUBLIC,
    CUSTOMERS,
    DEVELOPERS,
    DONE,
    IN_PROGRESS,
    TM_ADMIN,
    TM_MEMBER,
    account,
    gap,
    grant,
    group_id,
    groups,
    holder,
    issue,
    level,
    project,
    site,
    team_project,
    to_logged_in,
    users,
)

ALLOWED, DENIED, UNKNOWN = Verdict.ALLOWED, Verdict.DENIED, Verdict.UNKNOWN

BROWSE = "BROWSE_PROJECTS"
CREATE = "CREATE_ISSUES"
EDIT = "EDIT_ISSUES"
COMMENT = "ADD_COMMENTS"
ADMIN_PROJECTS = "ADMINISTER_PROJECTS"
AGENT = "SERVICEDESK_AGENT"


@dataclass(frozen=True)
class Case:
    id: str
    snapshot: Snapshot
    account: str
    permission: str
    project: str | None
    issue: str | None
    verdict: Verdict
    kinds: frozenset[str]


def case(case_id: str, snapshot: Snapshot, question: tuple[str, str, str | None], verdict: Verdict,
         *kinds: str) -> Case:
    account_id, permission, where = question
    project_key = issue_key = None
    if where is not None and "-" in where:
        issue_key, project_key = where, where.rsplit("-", 1)[0]
    else:
        project_key = where
    return Case(case_id, snapshot, account_id, permission, project_key, issue_key, verdict, frozenset(kinds))


def ask(account_id: str, permission: str, where: str | None = None) -> tuple[str, str, str | None]:
    """A question: ``where`` is a project key ("ENG"), an issue key ("ENG-1") or None (global)."""
    return account_id, permission, where


# ------------------------------------------------------------------ shared fragments

def group_site(**kw) -> Snapshot:
    return site(groups={"dev": ["u1"]}, **kw)


def role_site(*, roles=None, gaps=(), extra=(), browse=BROWSE_LOGGED_IN, **kw) -> Snapshot:
    grants = [g for g in (browse,) if g is not None] + [grant(EDIT, "projectRole", DEVELOPERS), *extra]
    return site(groups={"dev": ["u1"]}, projects=[project("ENG", roles=roles or {})],
                schemes={"S": grants}, gaps=gaps, **kw)


ISSUE_PEOPLE = [
    issue("ENG-1", reporter="u1", assignee="u2",
          user_fields={"customfield_10050": ["u1", "u3"]}, group_fields={"customfield_10060": ["dev"]}),
    issue("ENG-2", reporter="u2", assignee=None,
          user_fields={"customfield_10050": []}, group_fields={"customfield_10060": []}),
]


def people_site(holder_type: str, parameter: str | None = None, permission: str = EDIT) -> Snapshot:
    return site(groups={"dev": ["u1"]}, issues=ISSUE_PEOPLE,
                schemes={"S": [BROWSE_LOGGED_IN, grant(permission, holder_type, parameter)]})


JSM_SITE = site(
    accounts=[account("c1", type="customer"), "u3"],
    products={"jira-software": ALL, "jira-servicedesk": ["u1"]},
    projects=[project("HELP", scheme="SD", type="service_desk",
                      roles={CUSTOMERS: users("c1"), AGENTS: users("u1", "u2")})],
    schemes={"SD": [
        grant(BROWSE, "sd.customer.portal.only"), grant(BROWSE, "projectRole", AGENTS),
        grant(CREATE, "sd.customer.portal.only"), grant(COMMENT, "sd.customer.portal.only"),
        grant(AGENT, "projectRole", AGENTS), grant(COMMENT, "projectRole", AGENTS),
    ]},
)

SECURITY_SITE = site(
    groups={"dev": ["u1"]},
    projects=[project("ENG", security="SEC")],
    security={"SEC": [level("10200", "Internal", holder("group", "dev")),
                      level("10201", "Reporter only", holder("reporter"))]},
    schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "applicationRole")]},
    issues=[
        issue("ENG-1", level="10200"),
        issue("ENG-2", parent="ENG-1"),  # sub-task without its own level
        issue("ENG-3"),
        issue("ENG-4", parent="ENG-3", level="10200"),  # stale own level; the parent has none
        issue("ENG-5", level="10201", reporter="u2"),
    ],
)


def security_gap_site(edit_grant) -> Snapshot:
    return site(
        groups={"dev": ["u1"]},
        projects=[project("ENG", security="SEC")],
        security={"SEC": [level("10200", "Internal", holder("group", "dev"))]},
        schemes={"S": [BROWSE_LOGGED_IN, edit_grant]},
        issues=[issue("ENG-1", level="10200")],
        gaps=[gap(FactKind.GROUP_MEMBERS, "dev", Status.TRUNCATED)],
    )


def wf_site(props: dict[str, str], **kw) -> Snapshot:
    """ENG-1 is In Progress (carrying ``props``), ENG-2 is its sub-task in To Do, ENG-3 is Done."""
    return site(
        groups={"dev": ["u1"]},
        projects=[project("ENG", roles={DEVELOPERS: users("u1")})],
        schemes={"S": [BROWSE_LOGGED_IN, *to_logged_in(EDIT, COMMENT)]},
        status_props={IN_PROGRESS: props},
        issues=[issue("ENG-1", status=IN_PROGRESS), issue("ENG-2", parent="ENG-1"), issue("ENG-3", status=DONE)],
        **kw,
    )


def wf_missing_site(*grants) -> Snapshot:
    return site(projects=[project("ENG", workflow_scheme=None)], schemes={"S": [BROWSE_LOGGED_IN, *grants]},
                issues=[issue("ENG-1")], gaps=[gap(FactKind.PROJECT_WORKFLOWS, "ENG", Status.NOT_FETCHED)])


def archive_site(*, project_archived=False, issue_archived=False) -> Snapshot:
    return site(
        projects=[project("ENG", archived=project_archived)],
        schemes={"S": [BROWSE_LOGGED_IN, *to_logged_in(EDIT, CREATE, COMMENT, "VIEW_VOTERS_AND_WATCHERS")]},
        issues=[issue("ENG-1", archived=issue_archived), issue("ENG-2")],
    )


ADMIN_SCHEME = {"S": [grant(ADMIN_PROJECTS, "projectRole", ADMINISTRATORS),
                      grant(BROWSE, "projectRole", ADMINISTRATORS),
                      grant(EDIT, "projectRole", ADMINISTRATORS)]}


def admin_site(*, roles=None, **kw) -> Snapshot:
    return site(projects=[project("ENG", roles=roles or {})], schemes=ADMIN_SCHEME, **kw)


JIRA_ADMINS = {"groups": {"jira-admins": ["u1"]}, "global_grants": {"ADMINISTER": ["jira-admins"]}}
GLOBALS_UNKNOWN = [gap(FactKind.GLOBAL_PERMISSIONS, None, Status.FORBIDDEN)]

ROLES_FORBIDDEN = [gap(FactKind.PROJECT_ROLES, "ENG")]


# ------------------------------------------------------------------ the scenarios

CASES: list[Case] = [
    # ---- §3.2 anyone / "Public": everyone, the anonymous visitor included
    case("anyone/browse-account", site(schemes={"S": [BROWSE_PUBLIC]}), ask("u1", BROWSE, "ENG"), ALLOWED, "grant"),
    case("anyone/browse-anonymous", site(schemes={"S": [BROWSE_PUBLIC]}),  # §3.2, §14 anonymous
         ask("anonymous", BROWSE, "ENG"), ALLOWED, "grant"),
    case("anyone/create-anonymous", site(schemes={"S": [grant(CREATE, "anyone")]}),  # §3.2; dec 2 no Browse needed
         ask("anonymous", CREATE, "ENG"), ALLOWED, "grant"),

    # ---- §3.2 applicationRole without parameter = "Any logged in user" (dec 3)
    case("logged-in/browse-account", site(schemes={"S": [BROWSE_LOGGED_IN]}),  # §3.2
         ask("u1", BROWSE, "ENG"), ALLOWED, "grant"),
    case("logged-in/browse-anonymous", site(schemes={"S": [BROWSE_LOGGED_IN]}),  # §3.2: anonymous "no"
         ask("anonymous", BROWSE, "ENG"), DENIED, "grant"),
    case("logged-in/browse-without-product", site(unlicensed=["u2"], schemes={"S": [BROWSE_LOGGED_IN]}),
         ask("u2", BROWSE, "ENG"), ALLOWED, "grant"),  # dec 3: Browse is a "site" permission (§4)
    case("logged-in/delete-own-comments-without-product",  # dec 3, §4 "site"
         site(unlicensed=["u2"], schemes={"S": [BROWSE_LOGGED_IN, grant("DELETE_OWN_COMMENTS", "applicationRole")]}),
         ask("u2", "DELETE_OWN_COMMENTS", "ENG"), ALLOWED, "grant"),
    case("logged-in/edit-without-product",  # dec 3: step B removes paid permissions; EDIT blank in §4 -> Jira access
         site(unlicensed=["u2"], schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "applicationRole")]}),
         ask("u2", EDIT, "ENG"), DENIED, "product_access"),
    case("logged-in/edit-without-product-nor-grant",  # dec 3 + §2 D: both failing checks
         site(unlicensed=["u2"], schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "user", "u1")]}),
         ask("u2", EDIT, "ENG"), DENIED, "grant", "product_access"),
    case("logged-in/app-account",  # dec 3: every active logged-in site account except portal customers
         site(accounts=[account("app1", type="app")], schemes={"S": [BROWSE_LOGGED_IN]}),
         ask("app1", BROWSE, "ENG"), ALLOWED, "grant"),
    case("logged-in/customer-not-matched",  # dec 3: portal-only customers are not "logged in users"
         site(accounts=[account("c1", type="customer")], schemes={"S": [BROWSE_LOGGED_IN]}),
         ask("c1", BROWSE, "ENG"), DENIED, "grant"),

    # ---- §3.2 applicationRole with an application key
    case("app-role/software-licensed", site(schemes={"S": [grant(BROWSE, "applicationRole", "jira-software")]}),
         ask("u1", BROWSE, "ENG"), ALLOWED, "grant"),  # §3.2, §14
    case("app-role/software-unlicensed",  # §3.2: users with access to that application only
         site(unlicensed=["u2"], schemes={"S": [grant(BROWSE, "applicationRole", "jira-software")]}),
         ask("u2", BROWSE, "ENG"), DENIED, "grant"),
    case("app-role/jsm-but-software-only",  # §3.2: the product named, not any product
         site(schemes={"S": [grant(BROWSE, "applicationRole", "jira-servicedesk")]},
              products={"jira-software": ALL, "jira-servicedesk": []}),
         ask("u1", BROWSE, "ENG"), DENIED, "grant"),

    # ---- §3.2 group (dec 8 flat; id vs name)
    case("group/member", group_site(schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "group", "dev")]}),
         ask("u1", EDIT, "ENG"), ALLOWED, "grant"),  # §3.2
    case("group/non-member", group_site(schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "group", "dev")]}),
         ask("u2", EDIT, "ENG"), DENIED, "grant"),  # §3.2
    case("group/by-id-only",  # §3.2: the group id in holder.value identifies the group
         group_site(schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "group", None, value=group_id("dev"))]}),
         ask("u1", EDIT, "ENG"), ALLOWED, "grant"),
    case("group/by-name-only",  # §3.2: parameter = group name (older responses without id)
         group_site(schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "group", "dev", value=None)]}),
         ask("u1", EDIT, "ENG"), ALLOWED, "grant"),
    case("group/flat-no-nesting",  # dec 8: membership of a "sub-group" does not make a member of "dev"
         site(groups={"dev": ["u3"], "dev-frontend": ["u1"]},
              schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "group", "dev")]}),
         ask("u1", EDIT, "ENG"), DENIED, "grant"),
    case("group/unknown-group-list-complete",  # dec 10: complete group list -> the group does not exist
         site(schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "group", "ghosts")]}),
         ask("u1", EDIT, "ENG"), DENIED, "grant"),
    case("group/unknown-group-list-incomplete",  # dec 10: cannot tell, never read as "no"
         site(schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "group", "ghosts")]},
              gaps=[gap(FactKind.GROUPS, None, Status.TRUNCATED)]),
         ask("u1", EDIT, "ENG"), UNKNOWN, "grant", "unknown_fact"),
    case("group/truncated-members-listed",  # dec 10: a listed member is a member
         group_site(schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "group", "dev")]},
                    gaps=[gap(FactKind.GROUP_MEMBERS, "dev", Status.TRUNCATED)]),
         ask("u1", EDIT, "ENG"), ALLOWED, "grant"),
    case("group/truncated-members-not-listed",  # dec 10
         group_site(schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "group", "dev")]},
                    gaps=[gap(FactKind.GROUP_MEMBERS, "dev", Status.TRUNCATED)]),
         ask("u2", EDIT, "ENG"), UNKNOWN, "grant", "unknown_fact"),
    case("grants/union",  # §3.1: grants are OR-ed; one matching grant is enough
         site(groups={"qa": ["u3"]},
              schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "group", "qa"), grant(EDIT, "user", "u1")]}),
         ask("u1", EDIT, "ENG"), ALLOWED, "grant"),

    # ---- §3.2 projectRole: actor in this project, directly or via a group actor
    case("role/direct-actor", role_site(roles={DEVELOPERS: users("u1")}), ask("u1", EDIT, "ENG"), ALLOWED, "grant"),
    case("role/via-group-actor", role_site(roles={DEVELOPERS: groups("dev")}),  # §3.2, S45
         ask("u1", EDIT, "ENG"), ALLOWED, "grant"),
    case("role/not-an-actor", role_site(roles={DEVELOPERS: users("u1") + groups("dev")}),
         ask("u2", EDIT, "ENG"), DENIED, "grant"),  # §3.2
    case("role/actor-in-another-project",  # §3.2: role membership is per project
         site(projects=[project("ENG"), project("OPS", roles={DEVELOPERS: users("u1")})],
              schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "projectRole", DEVELOPERS)]}),
         ask("u1", EDIT, "ENG"), DENIED, "grant"),
    case("role/actors-forbidden", role_site(gaps=ROLES_FORBIDDEN),  # dec 10
         ask("u1", EDIT, "ENG"), UNKNOWN, "grant", "unknown_fact"),
    case("role/actors-forbidden-but-user-grant-matches",  # dec 10, §3.1: OR with a true grant is true
         role_site(gaps=ROLES_FORBIDDEN, extra=[grant(EDIT, "user", "u1")]),
         ask("u1", EDIT, "ENG"), ALLOWED, "grant"),
    case("role/actors-forbidden-but-inactive",  # dec 10, §2 A: inactivity decides alone
         role_site(gaps=ROLES_FORBIDDEN, accounts=[account("u1", active=False)]),
         ask("u1", EDIT, "ENG"), DENIED, "account_inactive"),
    case("role/actors-forbidden-anonymous",  # §3.2 anonymous matches only Public; dec 10
         site(schemes={"S": [grant(BROWSE, "projectRole", DEVELOPERS)]}, gaps=ROLES_FORBIDDEN),
         ask("anonymous", BROWSE, "ENG"), DENIED, "grant"),
    case("role/grant-and-browse-unknown",  # dec 10: both unknown checks are named
         role_site(gaps=ROLES_FORBIDDEN, browse=grant(BROWSE, "projectRole", DEVELOPERS)),
         ask("u1", EDIT, "ENG"), UNKNOWN, "grant", "browse_required", "unknown_fact"),

    # ---- §3.2 user, projectLead
    case("user/named", site(schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "user", "u1")]}),
         ask("u1", EDIT, "ENG"), ALLOWED, "grant"),
    case("user/someone-else", site(schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "user", "u1")]}),
         ask("u2", EDIT, "ENG"), DENIED, "grant"),
    case("lead/is-lead", site(projects=[project("ENG", lead="u1")],
                              schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "projectLead")]}),
         ask("u1", EDIT, "ENG"), ALLOWED, "grant"),  # §3.2
    case("lead/not-lead", site(projects=[project("ENG", lead="u1")],
                               schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "projectLead")]}),
         ask("u2", EDIT, "ENG"), DENIED, "grant"),  # §3.2

    # ---- §3.2/§3.3 reporter, assignee, custom fields: could match (dec 4) / decided on the issue
    case("reporter/project-context", people_site("reporter"), ask("u2", EDIT, "ENG"), ALLOWED, "grant"),  # dec 4
    case("reporter/issue-is-reporter", people_site("reporter"), ask("u1", EDIT, "ENG-1"), ALLOWED, "grant"),
    case("reporter/issue-not-reporter", people_site("reporter"),  # §3.3 Atlassian's own example
         ask("u2", EDIT, "ENG-1"), DENIED, "grant"),
    case("reporter/project-context-anonymous", people_site("reporter", permission=BROWSE),  # §3.2: logged-in only
         ask("anonymous", BROWSE, "ENG"), DENIED, "grant"),
    case("assignee/project-context", people_site("assignee"), ask("u1", EDIT, "ENG"), ALLOWED, "grant"),  # dec 4
    case("assignee/issue-is-assignee", people_site("assignee"), ask("u2", EDIT, "ENG-1"), ALLOWED, "grant"),
    case("assignee/issue-not-assignee", people_site("assignee"), ask("u1", EDIT, "ENG-1"), DENIED, "grant"),
    case("assignee/issue-unassigned", people_site("assignee"),  # §3.2 (S61: null -> false)
         ask("u1", EDIT, "ENG-2"), DENIED, "grant"),
    case("user-cf/project-context", people_site("userCustomField", "customfield_10050"),  # dec 4
         ask("u2", EDIT, "ENG"), ALLOWED, "grant"),
    case("user-cf/issue-in-multi-user-field", people_site("userCustomField", "customfield_10050"),  # §3.2
         ask("u3", EDIT, "ENG-1"), ALLOWED, "grant"),
    case("user-cf/issue-not-in-field", people_site("userCustomField", "customfield_10050"),
         ask("u2", EDIT, "ENG-1"), DENIED, "grant"),  # §3.2
    case("user-cf/issue-field-empty", people_site("userCustomField", "customfield_10050"),
         ask("u1", EDIT, "ENG-2"), DENIED, "grant"),  # §3.2
    case("group-cf/project-context", people_site("groupCustomField", "customfield_10060"),  # dec 4
         ask("u2", EDIT, "ENG"), ALLOWED, "grant"),
    case("group-cf/issue-member-of-group-in-field", people_site("groupCustomField", "customfield_10060"),
         ask("u1", EDIT, "ENG-1"), ALLOWED, "grant"),  # §3.2
    case("group-cf/issue-not-member", people_site("groupCustomField", "customfield_10060"),
         ask("u2", EDIT, "ENG-1"), DENIED, "grant"),  # §3.2

    # ---- sd.customer.portal.only (dec 7), customers and agents (§12, dec 3)
    case("portal/customer-browses", JSM_SITE, ask("c1", BROWSE, "HELP"), ALLOWED, "grant"),  # dec 7, §12
    case("portal/customer-creates", JSM_SITE, ask("c1", CREATE, "HELP"), ALLOWED, "grant"),  # dec 7, §4 site
    case("portal/customer-comment-needs-product", JSM_SITE,  # dec 3: customers have no Jira product access
         ask("c1", COMMENT, "HELP"), DENIED, "product_access"),
    case("portal/non-customer-not-matched", JSM_SITE,  # dec 7: only the project's customers
         ask("u3", BROWSE, "HELP"), DENIED, "grant"),
    case("agent/with-jsm", JSM_SITE, ask("u1", AGENT, "HELP"), ALLOWED, "grant"),  # dec 3, §12
    case("agent/software-only", JSM_SITE,  # dec 3: Service Project Agent needs JSM access
         ask("u2", AGENT, "HELP"), DENIED, "product_access"),
    case("agent/collaborator-comments", JSM_SITE,  # §12: Jira Software users may comment if granted (dec 3)
         ask("u2", COMMENT, "HELP"), ALLOWED, "grant"),

    # ---- unknown holder type (dec 10)
    case("holder/unknown-type",
         site(schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "someFutureHolder", "x")]}),
         ask("u1", EDIT, "ENG"), UNKNOWN, "grant", "unknown_fact"),
    case("holder/unknown-type-next-to-a-match",  # dec 10, §3.1
         site(schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "someFutureHolder", "x"), grant(EDIT, "user", "u1")]}),
         ask("u1", EDIT, "ENG"), ALLOWED, "grant"),

    # ---- §2 A inactive accounts
    case("inactive/public-browse",  # §2 A: an inactive account has no permissions, even Public ones
         site(accounts=[account("u3", active=False)], schemes={"S": [BROWSE_PUBLIC]}),
         ask("u3", BROWSE, "ENG"), DENIED, "account_inactive"),
    case("inactive/named-user",  # §2 A
         site(accounts=[account("u1", active=False)], schemes={"S": [grant(BROWSE, "user", "u1"),
                                                                     grant(EDIT, "user", "u1")]}),
         ask("u1", EDIT, "ENG"), DENIED, "account_inactive"),

    # ---- §2 B product access facts (dec 3, dec 10)
    case("product/roles-unknown-paid-permission",  # dec 10: product access cannot be told
         site(products={}, gaps=[gap(FactKind.APPLICATION_ROLES, None, Status.NOT_FETCHED)],
              schemes={"S": [grant(BROWSE, "user", "u1"), grant(EDIT, "user", "u1")]}),
         ask("u1", EDIT, "ENG"), UNKNOWN, "product_access", "unknown_fact"),
    case("product/roles-unknown-site-permission",  # dec 3 + 10: Browse needs no product, so no gap matters
         site(products={}, gaps=[gap(FactKind.APPLICATION_ROLES, None, Status.NOT_FETCHED)],
              schemes={"S": [grant(BROWSE, "user", "u1"), grant(EDIT, "user", "u1")]}),
         ask("u1", BROWSE, "ENG"), ALLOWED, "grant"),
    case("product/roles-unknown-no-grant",  # dec 10: false AND unknown = false
         site(products={}, gaps=[gap(FactKind.APPLICATION_ROLES, None, Status.NOT_FETCHED)],
              schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "user", "u1")]}),
         ask("u2", EDIT, "ENG"), DENIED, "grant"),

    # ---- dec 2 Browse prerequisite
    case("browse/edit-without-browse", site(schemes={"S": [grant(EDIT, "applicationRole")]}),  # dec 2, §2 E
         ask("u1", EDIT, "ENG"), DENIED, "browse_required"),
    case("browse/comment-without-browse", site(schemes={"S": [grant(COMMENT, "applicationRole")]}),  # dec 2
         ask("u1", COMMENT, "ENG"), DENIED, "browse_required"),
    case("browse/create-without-browse", site(schemes={"S": [grant(CREATE, "applicationRole")]}),  # dec 2
         ask("u1", CREATE, "ENG"), ALLOWED, "grant"),
    case("browse/administer-projects-without-browse",  # dec 2
         site(schemes={"S": [grant(ADMIN_PROJECTS, "user", "u1")]}),
         ask("u1", ADMIN_PROJECTS, "ENG"), ALLOWED, "grant"),
    case("browse/browse-itself-not-granted", site(), ask("u1", BROWSE, "ENG"), DENIED, "grant"),  # dec 2
    case("browse/nothing-granted", site(), ask("u1", EDIT, "ENG"), DENIED, "grant", "browse_required"),  # §2 D+E
    case("browse/unknown-but-no-grant",  # dec 10: no grant -> denied whatever Browse is
         site(schemes={"S": [grant(BROWSE, "projectRole", DEVELOPERS)]}, gaps=ROLES_FORBIDDEN),
         ask("u1", EDIT, "ENG"), DENIED, "grant"),
    case("browse/unknown-with-grant",  # dec 10 + dec 2
         site(schemes={"S": [grant(BROWSE, "projectRole", DEVELOPERS), grant(EDIT, "user", "u1")]},
              gaps=ROLES_FORBIDDEN),
         ask("u1", EDIT, "ENG"), UNKNOWN, "browse_required", "unknown_fact"),

    # ---- §9 issue security (dec 9)
    case("security/member", SECURITY_SITE, ask("u1", EDIT, "ENG-1"), ALLOWED, "grant"),  # §9
    case("security/not-member-edit", SECURITY_SITE, ask("u2", EDIT, "ENG-1"), DENIED, "issue_security"),  # §9
    case("security/not-member-browse", SECURITY_SITE, ask("u2", BROWSE, "ENG-1"), DENIED, "issue_security"),
    case("security/subtask-takes-parent-level", SECURITY_SITE,  # dec 9
         ask("u2", EDIT, "ENG-2"), DENIED, "issue_security"),
    case("security/subtask-own-level-ignored", SECURITY_SITE,  # dec 9: the parent (no level) decides
         ask("u2", EDIT, "ENG-4"), ALLOWED, "grant"),
    case("security/no-level", SECURITY_SITE, ask("u2", EDIT, "ENG-3"), ALLOWED, "grant"),  # §9
    case("security/reporter-member", SECURITY_SITE, ask("u2", EDIT, "ENG-5"), ALLOWED, "grant"),  # §9 holders
    case("security/reporter-level-other", SECURITY_SITE, ask("u1", EDIT, "ENG-5"), DENIED, "issue_security"),
    case("security/project-context", SECURITY_SITE, ask("u2", EDIT, "ENG"), ALLOWED, "grant"),  # §2 F issue only
    case("security/level-members-unknown",  # dec 10
         security_gap_site(grant(EDIT, "applicationRole")),
         ask("u2", EDIT, "ENG-1"), UNKNOWN, "issue_security", "unknown_fact"),
    case("security/level-members-unknown-no-grant",  # dec 10: the scheme already says no
         security_gap_site(grant(EDIT, "user", "u1")),
         ask("u2", EDIT, "ENG-1"), DENIED, "grant"),

    # ---- §10 workflow status properties (dec 5)
    case("wf/group-matches", wf_site({"jira.permission.edit.group": "dev"}),  # §10.2 step 4
         ask("u1", EDIT, "ENG-1"), ALLOWED, "grant"),
    case("wf/group-does-not-match", wf_site({"jira.permission.edit.group": "dev"}),  # §10.2
         ask("u2", EDIT, "ENG-1"), DENIED, "workflow_property"),
    case("wf/denied", wf_site({"jira.permission.edit.denied": ""}),  # dec 5: denied matches nobody
         ask("u1", EDIT, "ENG-1"), DENIED, "workflow_property"),
    case("wf/denied-next-to-matching-group",  # dec 5: any matching property allows
         wf_site({"jira.permission.edit.denied": "", "jira.permission.edit.group.1": "dev"}),
         ask("u1", EDIT, "ENG-1"), ALLOWED, "grant"),
    case("wf/denied-next-to-group-not-member",  # dec 5
         wf_site({"jira.permission.edit.denied": "", "jira.permission.edit.group.1": "dev"}),
         ask("u2", EDIT, "ENG-1"), DENIED, "workflow_property"),
    case("wf/projectrole-matches", wf_site({"jira.permission.edit.projectrole": DEVELOPERS}),  # §10.1 types
         ask("u1", EDIT, "ENG-1"), ALLOWED, "grant"),
    case("wf/projectrole-does-not-match", wf_site({"jira.permission.edit.projectrole": DEVELOPERS}),
         ask("u2", EDIT, "ENG-1"), DENIED, "workflow_property"),
    case("wf/user-matches", wf_site({"jira.permission.edit.user": "u1"}),  # §10.1 types
         ask("u1", EDIT, "ENG-1"), ALLOWED, "grant"),
    case("wf/group-members-unknown", wf_site({"jira.permission.edit.group": "dev"},  # dec 10
                                             gaps=[gap(FactKind.GROUP_MEMBERS, "dev", Status.TRUNCATED)]),
         ask("u2", EDIT, "ENG-1"), UNKNOWN, "workflow_property", "unknown_fact"),
    case("wf/property-of-another-permission", wf_site({"jira.permission.comment.denied": ""}),  # §10.2 step 2
         ask("u1", EDIT, "ENG-1"), ALLOWED, "grant"),
    case("wf/comment-denied", wf_site({"jira.permission.comment.denied": ""}),  # §10.1 short name "comment"
         ask("u1", COMMENT, "ENG-1"), DENIED, "workflow_property"),
    case("wf/other-status-unaffected", wf_site({"jira.permission.edit.denied": ""}),  # §10.2: the issue's status
         ask("u1", EDIT, "ENG-3"), ALLOWED, "grant"),
    case("wf/project-context-ignores-properties", wf_site({"jira.permission.edit.denied": ""}),  # §10.2 step 5
         ask("u1", EDIT, "ENG"), ALLOWED, "grant"),
    case("wf/subtasks-property-on-parent-no-match",  # §10.1, §10.2 step 2
         wf_site({"jira.permission.subtasks.edit.group": "dev"}),
         ask("u2", EDIT, "ENG-2"), DENIED, "workflow_property"),
    case("wf/subtasks-property-on-parent-match", wf_site({"jira.permission.subtasks.edit.group": "dev"}),
         ask("u1", EDIT, "ENG-2"), ALLOWED, "grant"),  # §10.2
    case("wf/subtasks-property-not-on-the-issue-itself",  # §10.1: restricts sub-tasks, not the issue
         wf_site({"jira.permission.subtasks.edit.denied": ""}),
         ask("u1", EDIT, "ENG-1"), ALLOWED, "grant"),
    case("wf/unknown-property-type", wf_site({"jira.permission.edit.somethingnew": "x"}),  # dec 10
         ask("u1", EDIT, "ENG-1"), UNKNOWN, "workflow_property", "unknown_fact"),
    case("wf/unknown-property-type-next-to-a-match",  # dec 5 + 10: any match allows
         wf_site({"jira.permission.edit.somethingnew": "x", "jira.permission.edit.group": "dev"}),
         ask("u1", EDIT, "ENG-1"), ALLOWED, "grant"),
    # dec 10: without the workflow every status-dependent check is open: edit properties, jira.issue.editable
    # (dec 5) and the issue's Browse (jira.permission.browse.*, §10.1) under the prerequisite (dec 2)
    case("wf/data-missing", wf_missing_site(grant(EDIT, "applicationRole")),
         ask("u1", EDIT, "ENG-1"), UNKNOWN, "workflow_property", "issue_not_editable", "browse_required",
         "unknown_fact"),
    case("wf/data-missing-browse", wf_missing_site(),  # dec 10, §10.1 browse properties
         ask("u1", BROWSE, "ENG-1"), UNKNOWN, "workflow_property", "unknown_fact"),
    case("wf/data-missing-no-grant", wf_missing_site(),  # §10.2 step 1 + dec 10: the scheme already denies
         ask("u1", EDIT, "ENG-1"), DENIED, "grant"),
    case("wf/data-missing-project-context", wf_missing_site(grant(EDIT, "applicationRole")),  # §10.2 step 5
         ask("u1", EDIT, "ENG"), ALLOWED, "grant"),
    case("wf/editable-false-blocks-edit", wf_site({"jira.issue.editable": "false"}),  # dec 5, §10.3
         ask("u1", EDIT, "ENG-1"), DENIED, "issue_not_editable"),
    case("wf/editable-false-not-comments", wf_site({"jira.issue.editable": "false"}),  # dec 5: only Edit
         ask("u1", COMMENT, "ENG-1"), ALLOWED, "grant"),
    case("wf/editable-false-project-context", wf_site({"jira.issue.editable": "false"}),  # §10.2 step 5
         ask("u1", EDIT, "ENG"), ALLOWED, "grant"),
    case("wf/editable-true", wf_site({"jira.issue.editable": "true"}),  # §10.3
         ask("u1", EDIT, "ENG-1"), ALLOWED, "grant"),

    case("wf/security-and-property-both-fail",  # §2 F + G: every failing check is named
         site(groups={"dev": ["u1"]}, projects=[project("ENG", security="SEC")],
              security={"SEC": [level("10200", "Internal", holder("group", "dev"))]},
              schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "applicationRole")]},
              status_props={IN_PROGRESS: {"jira.permission.edit.group": "dev"}},
              issues=[issue("ENG-1", status=IN_PROGRESS, level="10200")]),
         ask("u2", EDIT, "ENG-1"), DENIED, "issue_security", "workflow_property"),

    # ---- §13 archived projects and issues (dec 6)
    case("archived/project-edit", archive_site(project_archived=True),
         ask("u1", EDIT, "ENG"), DENIED, "archived"),  # dec 6
    case("archived/project-create", archive_site(project_archived=True),
         ask("u1", CREATE, "ENG"), DENIED, "archived"),  # dec 6: every write permission
    case("archived/project-browse", archive_site(project_archived=True),
         ask("u1", BROWSE, "ENG"), ALLOWED, "grant"),  # dec 6
    case("archived/project-view-voters", archive_site(project_archived=True),
         ask("u1", "VIEW_VOTERS_AND_WATCHERS", "ENG"), ALLOWED, "grant"),  # dec 6 view-only
    case("archived/project-view-read-only-workflow",  # dec 6 view-only
         site(projects=[project("ENG", archived=True)],
              schemes={"S": [BROWSE_LOGGED_IN, grant("VIEW_READONLY_WORKFLOW", "applicationRole")]}),
         ask("u1", "VIEW_READONLY_WORKFLOW", "ENG"), ALLOWED, "grant"),
    case("archived/project-delete-own-comments",  # dec 6: a write permission, even a "site" one
         site(projects=[project("ENG", archived=True)],
              schemes={"S": [BROWSE_LOGGED_IN, grant("DELETE_OWN_COMMENTS", "applicationRole")]}),
         ask("u1", "DELETE_OWN_COMMENTS", "ENG"), DENIED, "archived"),
    case("archived/project-and-inactive",  # §2 A + H: several failing checks are all named
         site(accounts=[account("u3", active=False)], projects=[project("ENG", archived=True)],
              schemes={"S": [BROWSE_LOGGED_IN, grant(EDIT, "applicationRole")]}),
         ask("u3", EDIT, "ENG"), DENIED, "account_inactive", "archived"),
    case("archived/issue-edit", archive_site(issue_archived=True), ask("u1", EDIT, "ENG-1"), DENIED, "archived"),
    case("archived/issue-comment", archive_site(issue_archived=True),
         ask("u1", COMMENT, "ENG-1"), DENIED, "archived"),  # dec 6
    case("archived/issue-browse", archive_site(issue_archived=True),
         ask("u1", BROWSE, "ENG-1"), ALLOWED, "grant"),  # dec 6
    case("archived/other-issue-editable", archive_site(issue_archived=True),
         ask("u1", EDIT, "ENG-2"), ALLOWED, "grant"),  # dec 6: only the archived issue

    # ---- §5 / dec 1 Jira admins
    case("jira-admin/inherits-administer-projects", admin_site(**JIRA_ADMINS),  # dec 1: no role, no Browse
         ask("u1", ADMIN_PROJECTS, "ENG"), ALLOWED, "global_permission"),
    case("jira-admin/inherits-via-reported-globals", admin_site(account_globals={"u1": ["ADMINISTER"]}),
         ask("u1", ADMIN_PROJECTS, "ENG"), ALLOWED, "global_permission"),  # dec 1
    case("jira-admin/no-edit", admin_site(**JIRA_ADMINS),  # dec 1: everything else from the scheme only
         ask("u1", EDIT, "ENG"), DENIED, "grant", "browse_required"),
    case("jira-admin/no-browse", admin_site(**JIRA_ADMINS), ask("u1", BROWSE, "ENG"), DENIED, "grant"),  # §5
    case("jira-admin/not-admin", admin_site(**JIRA_ADMINS),  # dec 1: neither a grant nor Administer Jira
         ask("u2", ADMIN_PROJECTS, "ENG"), DENIED, "grant", "global_permission"),
    case("jira-admin/globals-unknown", admin_site(gaps=GLOBALS_UNKNOWN),  # dec 1 + dec 10
         ask("u1", ADMIN_PROJECTS, "ENG"), UNKNOWN, "global_permission", "unknown_fact"),
    case("jira-admin/globals-unknown-but-role", admin_site(roles={ADMINISTRATORS: users("u1")}, gaps=GLOBALS_UNKNOWN),
         ask("u1", ADMIN_PROJECTS, "ENG"), ALLOWED, "grant"),  # dec 10: the grant decides
    case("jira-admin/globals-unknown-irrelevant-for-edit", admin_site(gaps=GLOBALS_UNKNOWN),  # dec 1 + 10
         ask("u1", EDIT, "ENG"), DENIED, "grant", "browse_required"),
    case("jira-admin/scheme-missing",  # dec 1 + 10: the inheritance does not need the scheme
         site(projects=[project("ENG", scheme="S9")], gaps=[gap(FactKind.PERMISSION_SCHEME, "S9")], **JIRA_ADMINS),
         ask("u1", ADMIN_PROJECTS, "ENG"), ALLOWED, "global_permission"),

    # ---- §5 global permission questions
    case("global/administer-via-group", site(**JIRA_ADMINS), ask("u1", "ADMINISTER"), ALLOWED, "global_permission"),
    case("global/administer-not-in-group", site(**JIRA_ADMINS),
         ask("u2", "ADMINISTER"), DENIED, "global_permission"),  # §5
    case("global/bulk-change-via-product-group", site(global_grants={"BULK_CHANGE": ["jira-software-users"]}),
         ask("u1", "BULK_CHANGE"), ALLOWED, "global_permission"),  # §5, §14
    case("global/anonymous-administer", site(**JIRA_ADMINS),  # §5: Administer Jira never goes to anyone
         ask("anonymous", "ADMINISTER"), DENIED, "global_permission"),
    case("global/unknown", site(gaps=GLOBALS_UNKNOWN),  # dec 10
         ask("u1", "ADMINISTER"), UNKNOWN, "global_permission", "unknown_fact"),
    case("global/unknown-but-reported-for-account",  # dec 10
         site(gaps=GLOBALS_UNKNOWN, account_globals={"u1": ["ADMINISTER"]}),
         ask("u1", "ADMINISTER"), ALLOWED, "global_permission"),
    case("global/inactive-admin",  # §2 A
         site(accounts=[account("u1", active=False)], **JIRA_ADMINS),
         ask("u1", "ADMINISTER"), DENIED, "account_inactive"),

    # ---- §11 team-managed projects
    case("team/open-member-edits", site(projects=[team_project("TM", "open")]),  # §11 Open -> Member
         ask("u1", EDIT, "TM"), ALLOWED, "team_managed"),
    case("team/limited-viewer-cannot-edit", site(projects=[team_project("TM", "limited")]),  # §11 Limited -> Viewer
         ask("u1", EDIT, "TM"), DENIED, "team_managed"),
    case("team/limited-viewer-comments", site(projects=[team_project("TM", "limited")]),  # §11
         ask("u1", COMMENT, "TM"), ALLOWED, "team_managed"),
    case("team/limited-added-administrator",  # §11: union of access-level role and added roles (S35)
         site(projects=[team_project("TM", "limited", roles={TM_ADMIN: users("u1")})]),
         ask("u1", ADMIN_PROJECTS, "TM"), ALLOWED, "team_managed"),
    case("team/private-not-added", site(projects=[team_project("TM", "private")]),  # §11 Private
         ask("u1", BROWSE, "TM"), DENIED, "team_managed"),
    case("team/private-added-member", site(projects=[team_project("TM", "private", roles={TM_MEMBER: users("u1")})]),
         ask("u1", EDIT, "TM"), ALLOWED, "team_managed"),  # §11
    case("team/private-added-via-group",  # §11
         site(groups={"dev": ["u1"]}, projects=[team_project("TM", "private", roles={TM_MEMBER: groups("dev")})]),
         ask("u1", EDIT, "TM"), ALLOWED, "team_managed"),
    case("team/open-anonymous", site(projects=[team_project("TM", "open")]),  # §11: no anonymous access
         ask("anonymous", BROWSE, "TM"), DENIED, "team_managed"),
    case("team/service-open-agent",  # §11 service projects: Open -> Agent
         site(products={"jira-software": ALL, "jira-servicedesk": ["u1"]},
              projects=[team_project("HD", "open", type="service_desk")]),
         ask("u1", AGENT, "HD"), ALLOWED, "team_managed"),
    case("team/service-open-agent-without-jsm",  # §11 (only JSM users talk to customers), dec 3
         site(products={"jira-software": ALL, "jira-servicedesk": ["u1"]},
              projects=[team_project("HD", "open", type="service_desk")]),
         ask("u2", AGENT, "HD"), DENIED, "product_access"),
    case("team/no-role-data",  # §11 + dec 10: no scheme and no roles
         site(projects=[team_project("TM", "open", team_roles=())],
              gaps=[gap(FactKind.TEAM_ROLES, "TM", Status.NOT_FETCHED)]),
         ask("u1", BROWSE, "TM"), UNKNOWN, "team_managed", "unknown_fact"),
    case("team/no-role-data-edit",  # §11 + dec 10 + dec 2: Browse is as unknown as Edit
         site(projects=[team_project("TM", "open", team_roles=())],
              gaps=[gap(FactKind.TEAM_ROLES, "TM", Status.NOT_FETCHED)]),
         ask("u1", EDIT, "TM"), UNKNOWN, "team_managed", "browse_required", "unknown_fact"),

    # ---- missing permission scheme (dec 10)
    case("scheme/missing", site(projects=[project("ENG", scheme="S9")], gaps=[gap(FactKind.PERMISSION_SCHEME, "S9")]),
         ask("u1", BROWSE, "ENG"), UNKNOWN, "grant", "unknown_fact"),
    case("scheme/project-link-forbidden",
         site(projects=[project("ENG", scheme=None)], gaps=[gap(FactKind.PROJECT_PERMISSION_SCHEME, "ENG")]),
         ask("u1", CREATE, "ENG"), UNKNOWN, "grant", "unknown_fact"),
    case("scheme/missing-but-inactive",  # dec 10, §2 A
         site(accounts=[account("u3", active=False)], projects=[project("ENG", scheme="S9")],
              gaps=[gap(FactKind.PERMISSION_SCHEME, "S9")]),
         ask("u3", BROWSE, "ENG"), DENIED, "account_inactive"),
]


# ------------------------------------------------------------------ helpers for the tests

def _walk(checks: tuple[Check, ...]):
    for check in checks:
        yield check
        yield from _walk(check.children)


def _render(exp) -> str:
    lines = [f"headline: {exp.headline}", f"verdict: {exp.verdict.value}, decisive: {sorted(exp.decisive_kinds)}"]

    def emit(checks, depth):
        for c in checks:
            flag = " [decisive]" if c.decisive else ""
            lines.append(f"{'  ' * depth}{c.symbol} {c.kind.value}{flag}: {c.summary}")
            emit(c.children, depth + 1)

    emit(exp.checks, 1)
    return "\n".join(lines)


@pytest.fixture(scope="module")
def evaluate():
    module = pytest.importorskip("explorer.core.replay.evaluator")
    return module.evaluate


def _ask(evaluate, c: Case):
    return evaluate(c.snapshot, c.account, c.permission, project=c.project, issue=c.issue)


# ------------------------------------------------------------------ the tests

def test_there_are_enough_scenarios():
    assert len(CASES) >= 70
    assert len({c.id for c in CASES}) == len(CASES), "scenario ids must be unique"


@pytest.mark.parametrize("c", [pytest.param(c, id=c.id) for c in CASES])
def test_scenario_is_coherent(c: Case):
    """The question names things the fragment holds (catches typos in the scenarios themselves)."""
    snap = c.snapshot
    if c.account != "anonymous":
        assert c.account in {a.account_id for a in snap.accounts}
    if c.project is not None:
        assert c.project in {p.key for p in snap.projects}
    if c.issue is not None:
        assert c.issue in {i.key for i in snap.issues}


@pytest.mark.parametrize("c", [pytest.param(c, id=c.id) for c in CASES])
def test_scenario(evaluate, c: Case):
    exp = _ask(evaluate, c)
    assert (exp.verdict, exp.decisive_kinds) == (c.verdict, c.kinds), _render(exp)


@pytest.mark.parametrize("c", [pytest.param(c, id=c.id) for c in CASES])
def test_explanation_is_worded(evaluate, c: Case):
    exp = _ask(evaluate, c)
    assert exp.headline.strip(), "empty headline"
    assert exp.checks, "no checks"
    for check in _walk(exp.checks):
        assert check.summary.strip(), f"check {check.kind.value} has no summary"


def test_could_match_in_project_context_and_match_on_the_issue(evaluate):
    """Decision 4: a reporter grant "could match" without an issue and is decided on the issue."""
    snap = people_site("reporter")
    in_project = evaluate(snap, "u2", EDIT, project="ENG")
    on_issue = evaluate(snap, "u1", EDIT, project="ENG", issue="ENG-1")
    assert any(c.kind.value == "grant" and c.match is Match.COULD_MATCH for c in _walk(in_project.checks))
    assert any(c.kind.value == "grant" and c.match is Match.MATCHED for c in _walk(on_issue.checks))


@pytest.mark.parametrize("c", [pytest.param(c, id=c.id) for c in CASES if c.verdict is UNKNOWN])
def test_cannot_determine_names_the_missing_fact(evaluate, c: Case):
    """Decision 10: "cannot determine" names the fact the snapshot lacks."""
    exp = _ask(evaluate, c)
    assert exp.missing_facts, _render(exp)


# ------------------------------------------------------------------ the builder's defaults

def test_builder_defaults_are_decidable():
    snap = site(issues=[issue("ENG-1")])
    ids = {a.account_id: a for a in snap.accounts}
    assert {"u1", "u2"} <= set(ids)
    assert all(a.active and a.account_type is AccountType.ATLASSIAN for a in ids.values())
    (software,) = snap.application_roles
    assert software.key == "jira-software" and software.groups == ("jira-software-users",)
    members = next(g for g in snap.groups if g.name == "jira-software-users").members
    assert {"u1", "u2"} <= set(members)
    assert all(f.status is Status.COMPLETE for f in snap.facts)
    (eng,) = snap.projects
    assert eng.permission_scheme_id == "S" and eng.workflow_scheme_id == "WS"
    assert [s.grants for s in snap.permission_schemes] == [()]
    (wf,) = snap.workflows
    assert all(not s.properties for s in wf.statuses)
    assert wf.status(snap.issues[0].status_id) is not None


def test_builder_mentions_make_accounts_and_gaps_replace_facts():
    snap = site(
        accounts=[account("c1", type="customer"), account("u9", active=False)],
        groups={"dev": ["u3"]},
        unlicensed=["u2"],
        projects=[project("ENG", roles={DEVELOPERS: users("u4") + groups("dev")}, lead="u5")],
        gaps=[gap(FactKind.PROJECT_ROLES, "ENG")],
    )
    ids = {a.account_id: a for a in snap.accounts}
    assert {"u1", "u2", "u3", "u4", "u5", "c1", "u9"} <= set(ids)
    assert ids["c1"].account_type is AccountType.CUSTOMER and not ids["u9"].active
    licensed = set(next(g for g in snap.groups if g.name == "jira-software-users").members)
    assert "u2" not in licensed and "c1" not in licensed and "u3" in licensed
    assert snap.fact_status(FactKind.PROJECT_ROLES, "ENG").status is Status.FORBIDDEN
    actors = snap.projects[0].role_actors[DEVELOPERS]
    assert actors.users == ("u4",) and actors.groups == ("dev",)
    assert [g.holder.value for g in site(schemes={"S": [grant(EDIT, "group", "dev")]}).permission_schemes[0].grants] \
        == [group_id("dev")]
