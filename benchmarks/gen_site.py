"""Generate a large Jira Cloud site as a snapshot, skewed like real sites and deterministic (seeded).

Default size (issue 12's site): 50,000 accounts (6% portal customers, 0.6% app accounts, 3% deactivated),
5,000 groups with ~249,000 memberships (one jira-users style group of ~37,000, the Service Management
agents, 16 departments of hundreds to thousands, a long tail of small teams), 2,000 projects on 283
permission schemes, 20 project roles (Viewers holds the big group in half the projects, Developers a
department in 40%, every project gives the apps' group the add-ons role), 40 issue security schemes,
workflows with status properties and 10,000 issues.  ``python benchmarks/gen_site.py -o big.jpsnap``
writes it; ``generate(scale=0.01)`` gives a small site of the same shape for tests.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from explorer.core.model import (
    Account,
    AccountType,
    ApplicationRole,
    Fact,
    FactKind,
    GlobalGrant,
    Grant,
    Group,
    Holder,
    Issue,
    IssueSecurityScheme,
    IssueType,
    PermissionScheme,
    Project,
    ProjectType,
    Provenance,
    Role,
    RoleActors,
    SecurityLevel,
    Site,
    Snapshot,
    Status,
    TeamRole,
    Workflow,
    WorkflowScheme,
    WorkflowStatus,
    frozen_map,
)
from explorer.core.replay.catalogue import PROJECT_PERMISSIONS

FIRST = ("Ada", "Ben", "Chen", "Dana", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jade", "Kofi", "Lena", "Mateo", "Nia",
         "Omar", "Pia", "Quentin", "Rosa", "Sami", "Tara", "Uma", "Viktor", "Wen", "Xavi", "Yara", "Zoe")
LAST = ("Abara", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito", "Jensen", "Khan",
        "Lopez", "Murphy", "Nakamura", "Okafor", "Petrov", "Quinn", "Rossi", "Singh", "Tanaka", "Usman", "Varga",
        "Weber", "Xu", "Yilmaz", "Zhang")
PERMS = [p.key for p in PROJECT_PERMISSIONS]
ISSUE_TYPES = (IssueType("10001", "Task"), IssueType("10002", "Story"), IssueType("10003", "Bug"),
               IssueType("10004", "Sub-task", subtask=True))


def _aid(rng: random.Random) -> str:
    return f"712020:{rng.getrandbits(128):032x}"


def _tail_size(rng: random.Random, cap: int) -> int:
    """A long-tailed group size: most groups hold a handful of accounts, a few hold hundreds."""
    return max(1, min(cap, int(rng.paretovariate(0.93) * 4)))


def generate(seed: int = 42, scale: float = 1.0) -> Snapshot:
    """A site of the documented shape; ``scale`` shrinks every count (tests use a small one)."""
    rng = random.Random(seed)

    def n(count: int, minimum: int = 1) -> int:
        return max(minimum, int(count * scale))

    # accounts: 6% portal customers, 0.6% apps, the rest people; 3% of all deactivated
    accounts: list[Account] = []
    for i in range(n(50_000, 20)):
        kind = AccountType.ATLASSIAN
        roll = rng.random()
        if roll < 0.06:
            kind = AccountType.CUSTOMER
        elif roll < 0.066:
            kind = AccountType.APP
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}"
        email = None if kind is AccountType.APP or rng.random() < 0.1 else f"user{i}@example-corp.test"
        accounts.append(Account(_aid(rng), name, email, rng.random() > 0.03, kind))
    people = [a.account_id for a in accounts if a.account_type is AccountType.ATLASSIAN]
    customers = [a.account_id for a in accounts if a.account_type is AccountType.CUSTOMER]
    apps = [a.account_id for a in accounts if a.account_type is AccountType.APP]

    # groups: one jira-users style group with ~79% of the people (~37,000 of 50,000 accounts), the
    # Service Management agents, the apps' group, a few departments of hundreds to thousands, and a long
    # tail of small teams (median 8 members)
    shuffled = rng.sample(people, len(people))
    software = tuple(shuffled[: int(len(people) * 0.79)])
    groups: list[Group] = [
        Group("jira-software-users", "g-0", software),
        Group("jira-servicemanagement-users", "g-1", tuple(rng.sample(people, len(people) // 12))),
        Group("jira-admins", "g-2", tuple(rng.sample(people, min(25, len(people))))),
        Group("site-admins", "g-3", tuple(rng.sample(people, min(10, len(people))))),
        Group("atlassian-addons", "g-4", tuple(apps)),
    ]
    departments = ("engineering", "product", "sales", "support", "finance", "marketing", "design", "data",
                   "security", "operations", "legal", "hr", "it", "research", "partners", "contractors")[:n(16)]
    for i, dept in enumerate(departments):
        size = min(len(people), max(1, int(len(people) * rng.uniform(0.01, 0.2) / (1 + i / 4))))
        groups.append(Group(dept, f"g-{len(groups)}", tuple(rng.sample(people, size))))
    big_groups = [g.name for g in groups[:2]] + list(departments)
    for i in range(len(groups), max(n(5_000), len(groups) + 5)):
        size = _tail_size(rng, max(1, len(people) // 20))
        groups.append(Group(f"team-{i:04d}", f"g-{i}", tuple(rng.sample(people, size))))
    group_names = [g.name for g in groups]
    group_ids = {g.name: g.group_id for g in groups}
    small_groups = group_names[5 + len(departments):]

    roles = tuple(Role(str(10000 + i), name) for i, name in enumerate(
        ["Administrators", "Developers", "QA", "Viewers", "Service Desk Team", "Service Desk Customers",
         "atlassian-addons-project-access"] + [f"Custom role {i}" for i in range(13)]))
    role_ids = [r.id for r in roles]

    # permission schemes
    holder_kinds = ["projectRole"] * 12 + ["group"] * 4 + ["applicationRole", "reporter", "assignee", "projectLead",
                                                           "userCustomField", "groupCustomField", "anyone"]

    def grant_group() -> str:
        return rng.choice(big_groups) if rng.random() < 0.1 else rng.choice(small_groups)

    schemes: list[PermissionScheme] = []
    for s in range(n(283, 3)):
        grants: list[Grant] = []
        for perm in PERMS:
            for _ in range(rng.randint(1, 5)):
                kind = rng.choice(holder_kinds)
                if kind == "anyone" and perm != "BROWSE_PROJECTS":
                    kind = "projectRole"
                param = {"projectRole": lambda: rng.choice(role_ids[:8]), "group": grant_group,
                         "applicationRole": lambda: rng.choice(["", "jira-software"]),
                         "userCustomField": lambda: "customfield_10050",
                         "groupCustomField": lambda: "customfield_10060"}.get(kind, lambda: None)()
                holder = Holder(kind, param or None, group_ids[param] if kind == "group" else None)
                grants.append(Grant(str(len(grants) + s * 1000), perm, holder))
            if perm in ("BROWSE_PROJECTS", "SERVICEDESK_AGENT", "CREATE_ISSUES") and s % 3 == 0:
                grants.append(Grant(f"{s}-{perm}-portal", perm, Holder("sd.customer.portal.only")))
        schemes.append(PermissionScheme(str(20000 + s), f"Scheme {s}", tuple(grants)))

    # issue security schemes
    security: list[IssueSecurityScheme] = []
    for s in range(n(40, 2)):
        levels = tuple(
            SecurityLevel(f"{s}-{lv}", f"Level {lv}", tuple(
                rng.choice([Holder("projectrole", rng.choice(role_ids[:4])), Holder("group", rng.choice(small_groups)),
                            Holder("reporter"), Holder("assignee"), Holder("applicationRole")])
                for _ in range(rng.randint(1, 4))))
            for lv in range(rng.randint(2, 4)))
        security.append(IssueSecurityScheme(str(30000 + s), f"Security {s}", levels))

    # workflows and their schemes
    workflows: list[Workflow] = []
    for w in range(n(60, 3)):
        statuses = []
        for st in range(rng.randint(4, 6)):
            props: dict[str, str] = {}
            roll = rng.random()
            if roll < 0.15:
                props["jira.issue.editable"] = "false"
            elif roll < 0.30:
                props[f"jira.permission.edit.projectrole.{st}"] = rng.choice(role_ids[:4])
            elif roll < 0.38:
                props["jira.permission.attachdeleteown.denied"] = ""
            elif roll < 0.45:
                props["jira.permission.subtasks.edit.group"] = rng.choice(small_groups)
            statuses.append(WorkflowStatus(str(st + 1), f"Status {st + 1}", frozen_map(props)))
        workflows.append(Workflow(f"Workflow {w}", tuple(statuses)))
    wf_schemes = tuple(
        WorkflowScheme(str(40000 + i), f"Workflow scheme {i}", rng.choice(workflows).name,
                       frozen_map({t.id: rng.choice(workflows).name for t in ISSUE_TYPES if rng.random() < 0.5}))
        for i in range(n(120, 2)))

    # projects: roles hold users, small teams and big groups (everyone as Viewers, a department as Developers)
    projects: list[Project] = []
    for p in range(n(2_000, 4)):
        kind = rng.choices([ProjectType.SOFTWARE, ProjectType.SERVICE_DESK, ProjectType.BUSINESS], [6, 2, 2])[0]
        actors = {}
        for role_id in role_ids:
            if rng.random() < 0.6:
                actors[role_id] = RoleActors(tuple(rng.sample(people, rng.randint(0, 6))),
                                             tuple(rng.sample(small_groups, rng.randint(0, 3))))
        if rng.random() < 0.5:
            actors[role_ids[3]] = RoleActors(actors.get(role_ids[3], RoleActors()).users, ("jira-software-users",))
        if rng.random() < 0.4:
            actors[role_ids[1]] = RoleActors(actors.get(role_ids[1], RoleActors()).users,
                                             (rng.choice(departments), *rng.sample(small_groups, rng.randint(0, 2))))
        actors[role_ids[6]] = RoleActors((), ("atlassian-addons",))
        if kind is ProjectType.SERVICE_DESK:
            if rng.random() < 0.5:
                actors[role_ids[4]] = RoleActors(actors.get(role_ids[4], RoleActors()).users,
                                                 ("jira-servicemanagement-users",))
            if customers:
                actors[role_ids[5]] = RoleActors(tuple(rng.sample(customers, min(len(customers), rng.randint(1, 40)))))
        team = rng.random() < 0.03
        projects.append(Project(
            id=str(50000 + p), key=f"P{p:04d}", name=f"Project {p}", project_type=kind, team_managed=team,
            archived=rng.random() < 0.05, lead=rng.choice(people),
            permission_scheme_id=None if team else rng.choice(schemes).id,
            issue_security_scheme_id=rng.choice(security).id if rng.random() < 0.3 and not team else None,
            workflow_scheme_id=rng.choice(wf_schemes).id,
            role_actors=frozen_map(actors),
            customer_role_id=role_ids[5] if kind is ProjectType.SERVICE_DESK else None,
            access_level=rng.choice(["open", "limited", "private"]) if team else None,
            team_roles=(TeamRole(f"t{p}-admin", "Administrator", frozenset(PERMS)),
                        TeamRole(f"t{p}-member", "Member", frozenset(PERMS[3:30])),
                        TeamRole(f"t{p}-viewer", "Viewer", frozenset({"BROWSE_PROJECTS", "ADD_COMMENTS"})))
            if team else (),
        ))

    # issues
    issues: list[Issue] = []
    by_scheme = {s.id: s for s in security}
    wf_by_name = {w.name: w for w in workflows}
    wfs_by_id = {w.id: w for w in wf_schemes}
    for i in range(n(10_000, 20)):
        project = rng.choice(projects)
        parent = None
        itype = rng.choice(ISSUE_TYPES[:3])
        siblings = [x for x in issues[-50:] if x.project_key == project.key and not x.issue_type.subtask]
        if siblings and rng.random() < 0.2:
            parent = rng.choice(siblings).key
            itype = ISSUE_TYPES[3]
        workflow = wf_by_name[wfs_by_id[project.workflow_scheme_id].workflow_for(itype.id)]
        status = rng.choice(workflow.statuses)
        level = None
        if project.issue_security_scheme_id and rng.random() < 0.4:
            level = rng.choice(by_scheme[project.issue_security_scheme_id].levels).id
        issues.append(Issue(
            key=f"{project.key}-{i + 1}", id=str(100000 + i), project_key=project.key, issue_type=itype,
            status_id=status.id, status_name=status.name, parent_key=parent, security_level_id=level,
            reporter=rng.choice(people), assignee=rng.choice(people) if rng.random() < 0.7 else None,
            user_fields=frozen_map({"customfield_10050": tuple(rng.sample(people, rng.randint(0, 2)))}),
            group_fields=frozen_map({"customfield_10060": tuple(rng.sample(small_groups, rng.randint(0, 1)))}),
            summary=f"Issue {i}",
        ))

    facts = [Fact(FactKind.GLOBAL_PERMISSIONS, None, Status.COMPLETE, "POST /rest/api/3/permissions/check"),
             Fact(FactKind.GROUPS, None, Status.COMPLETE, "GET /rest/api/3/group/bulk")]
    for g in rng.sample(small_groups, max(1, len(small_groups) // 200)):
        facts.append(Fact(FactKind.GROUP_MEMBERS, g, Status.TRUNCATED, "GET /rest/api/3/group/member", "cut short"))
    for p in projects:
        if p.team_managed:
            facts.append(Fact(FactKind.TEAM_ROLES, p.key, Status.COMPLETE, "(demo generator)"))
    return Snapshot(
        site=Site("https://big-corp.atlassian.net", title="Generated large site"),
        provenance=Provenance("2026-11-01T00:00:00Z", people[0], "bench", f"seed={seed} scale={scale}"),
        accounts=tuple(accounts),
        groups=tuple(groups),
        application_roles=(ApplicationRole("jira-software", "Jira Software", ("jira-software-users",)),
                           ApplicationRole("jira-servicedesk", "Jira Service Management",
                                           ("jira-servicemanagement-users",))),
        projects=tuple(projects),
        permission_schemes=tuple(schemes),
        roles=roles,
        issue_security_schemes=tuple(security),
        workflows=tuple(workflows),
        workflow_schemes=wf_schemes,
        global_grants=(GlobalGrant("ADMINISTER", "jira-admins"), GlobalGrant("USER_PICKER", "jira-software-users"),
                       GlobalGrant("BULK_CHANGE", "jira-software-users")),
        issues=tuple(issues),
        facts=tuple(facts),
    )


def main(argv: list[str] | None = None) -> int:
    from explorer.store.snapshot_file import write_snapshot

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", default="big-site.jpsnap")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    snapshot = generate(args.seed, args.scale)
    path = write_snapshot(snapshot, args.output)
    size = Path(path).stat().st_size
    print(f"wrote {path}: {len(snapshot.accounts)} accounts, {len(snapshot.groups)} groups, "
          f"{len(snapshot.projects)} projects, {len(snapshot.issues)} issues, {size / 1e6:.1f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
