"""Jira Data Center sites for the fake DC server: a generated Cloud site turned into what DC would hold.

The truth a DC site holds differs from Cloud's: users have a ``username`` and a
``key`` (``accountId`` holds the key: ``JIRAUSER10042`` for users created since
Jira 8, the lower-cased username for older ones); groups have no ids and may be
nested (``members`` here are the *direct* members, ``subgroups`` the groups
nested directly in a group); "Anyone" is a ``group`` grant without a group;
the optional holder types ``reporterWithCreatePermission`` and
``assigneeWithAssignablePermission`` exist; ``SYSTEM_ADMIN`` and
``BROWSE_ARCHIVE`` are global permissions; issues can be archived; there are
no team-managed projects, no portal-only or app account types.
"""

from __future__ import annotations

from dataclasses import replace

from explorer.core.model import (
    Account,
    AccountType,
    Deployment,
    GlobalGrant,
    Grant,
    Holder,
    PermissionScheme,
    Site,
    Snapshot,
    frozen_map,
)
from tests.fake_jira.sitegen import ADMIN_ID, ADMINS, DEV_ID, generate_site

ADMIN_USERNAME, ADMIN_KEY = "ada", "ada"  # a legacy user: key = lower-cased username
DEV_USERNAME, DEV_KEY = "dev.lead", "JIRAUSER10001"
SYSADMINS = "jira-system-administrators"


def keys_for(site: Snapshot) -> dict[str, tuple[str, str]]:
    """Cloud accountId -> (DC key, DC username), deterministic."""
    out = {ADMIN_ID: (ADMIN_KEY, ADMIN_USERNAME), DEV_ID: (DEV_KEY, DEV_USERNAME)}
    n = 0
    for account in site.accounts:
        if account.account_id in out:
            continue
        n += 1
        username = f"user{n:05d}"
        key = username if n % 3 == 0 else f"JIRAUSER{10100 + n}"
        out[account.account_id] = (key, username)
    return out


def as_data_center(site: Snapshot, *, nest: bool = True, url: str | None = None) -> Snapshot:
    """The same people and configuration, as a Data Center site holds them."""
    ids = keys_for(site)

    def key(account_id: str | None) -> str | None:
        return ids[account_id][0] if account_id in ids else account_id

    def holder(h: Holder) -> Holder:
        if h.type == "anyone":
            return Holder("group")  # DC's "Group (Anyone)": a group grant without a group
        if h.type == "group":
            return Holder("group", h.parameter)
        if h.type == "user":
            return Holder("user", key(h.parameter))
        return Holder(h.type, h.parameter)  # DC holders have no "value" (Cloud's group and field ids)

    accounts = tuple(Account(ids[a.account_id][0], a.display_name, a.email, a.active, AccountType.ATLASSIAN,
                             ids[a.account_id][1]) for a in site.accounts)
    groups = [replace(g, group_id="", members=tuple(key(m) or m for m in g.members)) for g in site.groups]
    if nest:
        groups = _nested(groups)
    admins = next((g.group for g in site.global_grants if g.permission == "ADMINISTER" and g.group), None)
    first_admin = next((g.members[:1] for g in groups if g.name == admins), ())
    groups.append(replace(groups[0], name=SYSADMINS, members=(ADMIN_KEY,) if ADMIN_KEY in
                          {a.account_id for a in accounts} else first_admin, subgroups=()))
    numbers = iter(range(900_000, 10**9))  # DC grant ids are numbers
    schemes = tuple(replace(s, grants=tuple(replace(g, id=g.id if g.id.isdigit() else str(next(numbers)),
                                                    holder=holder(g.holder)) for g in s.grants))
                    for s in site.permission_schemes)
    schemes = _with_dc_holders(schemes)
    security = tuple(replace(s, levels=tuple(replace(lv, members=tuple(holder(m) for m in lv.members))
                                             for lv in s.levels)) for s in site.issue_security_schemes)
    default_scheme = schemes[0].id if schemes else None
    role_ids = {r.id for r in site.roles}  # team-managed projects' own roles do not exist on DC
    projects = tuple(replace(
        p, team_managed=False, access_level=None, team_roles=(), lead=key(p.lead),
        permission_scheme_id=p.permission_scheme_id or default_scheme,
        role_actors=frozen_map({r: replace(a, users=tuple(key(u) or u for u in a.users))
                                for r, a in p.role_actors.items() if r in role_ids}))
        for p in site.projects)
    issues = tuple(replace(
        i, reporter=key(i.reporter), assignee=key(i.assignee), archived=n == 1,
        user_fields=frozen_map({f: tuple(key(v) or v for v in vs) for f, vs in i.user_fields.items()}))
        for n, i in enumerate(site.issues))
    grants = [g for g in site.global_grants if g.permission != "CREATE_PROJECT"]
    grants += [GlobalGrant("SYSTEM_ADMIN", SYSADMINS), GlobalGrant("BROWSE_ARCHIVE", admins or ADMINS)]
    return replace(
        site,
        site=Site(url or site.site.url.replace("atlassian.net", "example.test"), Deployment.DATA_CENTER, "10.3.24",
                  "Fake Jira Data Center"),
        provenance=replace(site.provenance, taken_by=ADMIN_KEY),
        accounts=accounts, groups=tuple(groups), permission_schemes=schemes, issue_security_schemes=security,
        projects=projects, issues=issues, global_grants=tuple(grants),
    )


def _nested(groups: list) -> list:
    """Nest the team groups: team-000 > team-001 > team-002, and every fourth team in the one before it."""
    names = [g.name for g in groups if g.name.startswith("team-")]
    children: dict[str, list[str]] = {}
    if len(names) >= 3:
        children.setdefault(names[0], []).append(names[1])
        children.setdefault(names[1], []).append(names[2])
    for i in range(4, len(names), 4):
        children.setdefault(names[i - 1], []).append(names[i])
    return [replace(g, subgroups=tuple(children.get(g.name, ()))) for g in groups]


def _with_dc_holders(schemes: tuple[PermissionScheme, ...]) -> tuple[PermissionScheme, ...]:
    """Data Center's optional holder types, in the second scheme (as Jira names them in REST)."""
    if len(schemes) < 2:
        return schemes
    s = schemes[1]
    extra = (Grant("19001", "BROWSE_PROJECTS", Holder("reporterWithCreatePermission")),
             Grant("19002", "ASSIGN_ISSUES", Holder("assigneeWithAssignablePermission")))
    return (schemes[0], replace(s, grants=s.grants + extra), *schemes[2:])


def generate_dc_site(seed: int = 7, **kw) -> Snapshot:
    """:func:`tests.fake_jira.sitegen.generate_site` as a Data Center site."""
    return as_data_center(generate_site(seed, **kw))
