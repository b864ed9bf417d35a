"""A snapshot's summary: site, date, counts and gaps."""

from __future__ import annotations

from collections import Counter

from explorer.core.escape import text_lines
from explorer.core.model import Deployment, ProjectType, Snapshot
from explorer.core.render.explain import fact_json, when


def snapshot_summary(snapshot: Snapshot) -> dict:
    accounts = snapshot.accounts
    taken_by = next((f"{a.display_name} ({a.account_id})" for a in accounts
                     if a.account_id == snapshot.provenance.taken_by), snapshot.provenance.taken_by)
    types = Counter(a.account_type.value for a in accounts)
    projects = snapshot.projects
    return {
        "site": snapshot.site.url,
        "title": snapshot.site.title,
        "deployment": snapshot.site.deployment.value,
        "serverVersion": snapshot.site.server_version,
        "takenAt": snapshot.provenance.taken_at,
        "takenBy": taken_by,
        "toolVersion": snapshot.provenance.tool_version,
        "counts": {
            "accounts": len(accounts),
            "activeAccounts": sum(1 for a in accounts if a.active),
            "accountTypes": dict(sorted(types.items())),
            "groups": len(snapshot.groups),
            "applicationRoles": len(snapshot.application_roles),
            "projects": len(projects),
            "projectTypes": dict(sorted(Counter(p.project_type.value for p in projects).items())),
            "archivedProjects": sum(1 for p in projects if p.archived),
            "teamManagedProjects": sum(1 for p in projects if p.team_managed),
            "permissionSchemes": len(snapshot.permission_schemes),
            "grants": sum(len(s.grants) for s in snapshot.permission_schemes),
            "projectRoles": len(snapshot.roles),
            "issueSecuritySchemes": len(snapshot.issue_security_schemes),
            "workflows": len(snapshot.workflows),
            "issues": len(snapshot.issues),
        },
        "gaps": [{**fact_json(f), "remedy": f.remedy()} for f in snapshot.gaps],
        "suppliedByHand": [fact_json(f) for f in snapshot.facts if f.supplied_by_hand],
    }


def snapshot_summary_text(snapshot: Snapshot) -> str:
    s = snapshot_summary(snapshot)
    c = s["counts"]
    title = f" ({s['title']})" if s["title"] else ""
    product = PRODUCTS.get(s["deployment"], s["deployment"])
    out = [f"{s['site']}{title}", f"  {product}{' ' + s['serverVersion'] if s['serverVersion'] else ''}, "
           f"snapshot taken {when(s['takenAt'])}" + (f" by {s['takenBy']}" if s["takenBy"] else "")]
    out.append("")
    kinds = ", ".join(f"{n} {k}" for k, n in c["accountTypes"].items())
    out.append(f"  Accounts            {c['accounts']} ({c['activeAccounts']} active; {kinds})")
    out.append(f"  Groups              {c['groups']}")
    out.append(f"  Products            {c['applicationRoles']}")
    types = ", ".join(f"{n} {_ptype(k)}" for k, n in c["projectTypes"].items())
    out.append(f"  Projects            {c['projects']} ({types}; {c['archivedProjects']} archived, "
               f"{c['teamManagedProjects']} team-managed)")
    out.append(f"  Permission schemes  {c['permissionSchemes']} ({c['grants']} grants)")
    out.append(f"  Project roles       {c['projectRoles']}")
    out.append(f"  Security schemes    {c['issueSecuritySchemes']}")
    out.append(f"  Workflows           {c['workflows']}")
    out.append(f"  Issues              {c['issues']}")
    out.append("")
    if s["gaps"]:
        out.append(f"Gaps ({len(s['gaps'])}): facts the sync could not read; answers that depend on them say "
                   "'cannot determine'")
        for gap in s["gaps"]:
            out.append(f"  ? {gap['description']}; {gap['remedy']}")
    else:
        out.append("No gaps: every fact was read completely." if not s["suppliedByHand"] else
                   f"No gaps: every fact was read, {len(s['suppliedByHand'])} supplied by hand.")
    if s["suppliedByHand"] and s["gaps"]:
        out.append(f"Supplied by hand: {len(s['suppliedByHand'])} facts (jira-perms supply).")
    return text_lines(out)


PRODUCTS = {Deployment.CLOUD.value: "Jira Cloud", Deployment.DATA_CENTER.value: "Jira Data Center"}


def _ptype(value: str) -> str:
    return {ProjectType.SERVICE_DESK.value: "service management"}.get(value, value)
