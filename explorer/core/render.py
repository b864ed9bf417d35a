"""Explanations, who-can lists, matrices and snapshot summaries as text, Markdown, JSON and CSV.

Pure functions from core objects to strings (or JSON-ready dicts); the front
ends decide where they go.
"""

from __future__ import annotations

import csv
import io
from collections import Counter

from explorer.core import catalogue
from explorer.core.decisions import DECISIONS
from explorer.core.explanation import Check, Explanation, Fix, Kind, Verdict
from explorer.core.model import Fact, ProjectType, Snapshot
from explorer.core.queries import Matrix, WhoCan

KIND_LABELS: dict[Kind, str] = {
    Kind.ACCOUNT_INACTIVE: "Account",
    Kind.PRODUCT_ACCESS: "Product access",
    Kind.PROJECT_KIND: "Project",
    Kind.TEAM_MANAGED: "Team-managed project",
    Kind.ARCHIVED: "Archive state",
    Kind.GRANT: "Scheme grants",
    Kind.GLOBAL_PERMISSION: "Global permission",
    Kind.BROWSE_REQUIRED: "Browse prerequisite",
    Kind.ISSUE_SECURITY: "Issue security",
    Kind.WORKFLOW_PROPERTY: "Workflow properties",
    Kind.ISSUE_NOT_EDITABLE: "Editable status",
    Kind.UNKNOWN_FACT: "Missing fact",
}

BANNER = {
    Verdict.ALLOWED: "✓ ALLOWED",
    Verdict.DENIED: "✗ DENIED",
    Verdict.UNKNOWN: "? CANNOT DETERMINE",
}


def _where(exp: Explanation) -> str:
    if exp.issue_key:
        return f"issue {exp.issue_key}"
    if exp.project_key:
        return f"project {exp.project_key}"
    return "the site"


def proof_blocks(exp: Explanation) -> list[tuple[Kind, list[Check]]]:
    """Group the grant lines (team roles and the Jira-admin rule included) under one heading."""
    blocks: list[tuple[Kind, list[Check]]] = []
    for check in exp.checks:
        grant_like = (
            check.kind is Kind.GRANT
            or (check.kind is Kind.TEAM_MANAGED and check.holder_type is not None)
            or (check.kind is Kind.GLOBAL_PERMISSION and exp.project_key is not None)
        )
        if not grant_like:
            blocks.append((check.kind, [check]))
        elif blocks and blocks[-1][0] is Kind.GRANT:
            blocks[-1][1].append(check)
        else:
            blocks.append((Kind.GRANT, [check]))
    return blocks


def grant_block_label(lines: list[Check]) -> str:
    if any(c.kind is Kind.TEAM_MANAGED for c in lines):
        return "Team-managed roles"
    return KIND_LABELS[Kind.GRANT]


def grant_block_heading(exp: Explanation, lines: list[Check]) -> tuple[str, str]:
    perm = catalogue.display_name(exp.permission)
    matched = [c for c in lines if c.passed is True]
    unknown = [c for c in lines if c.passed is None]
    scheme = f" in scheme '{exp.scheme_name}'" if exp.scheme_name else ""
    real = [c for c in lines if c.grant_id or c.holder_type]
    noun = "ways" if any(c.kind is not Kind.GRANT for c in lines) else "grants"
    if matched:
        verb = "matches" if len(matched) == 1 else "match"
        return "✓", f"{len(matched)} of the {len(lines)} {noun} to get {perm}{scheme} {verb}"
    if unknown:
        return "?", (f"none of the {len(lines)} {noun} to get {perm}{scheme} surely matches; "
                     f"{len(unknown)} cannot be decided")
    if not real:
        return "✗", lines[0].summary if lines else f"no grant of {perm}{scheme}"
    if len(lines) == 1:
        return "✗", f"the only grant of {perm}{scheme} does not match"
    return "✗", f"none of the {len(lines)} {noun} to get {perm}{scheme} matches"


def decisions_used(exp: Explanation) -> list[int]:
    found: set[int] = set()

    def walk(check: Check) -> None:
        if check.decision:
            found.add(check.decision)
        for child in check.children:
            walk(child)

    for check in exp.checks:
        walk(check)
    return sorted(found)


def _conflicts(exp: Explanation) -> list[str]:
    return list(dict.fromkeys(c.conflict for c in exp.checks if c.conflict))


# ---------------------------------------------------------------- text


def explanation_text(exp: Explanation, snapshot: Snapshot | None = None) -> str:
    out: list[str] = []
    out.append(f"{BANNER[exp.verdict]}  {exp.account.display_name} · {catalogue.display_name(exp.permission)} · "
               f"{_where(exp)}")
    out.append("")
    out.append(exp.headline)
    out.append("")
    if snapshot is not None:
        out.append(f"Site {snapshot.site.url}, snapshot taken {_when(snapshot.provenance.taken_at)}.")
    if exp.scheme_name:
        out.append(f"Permission scheme: {exp.scheme_name}.")
    if snapshot is not None or exp.scheme_name:
        out.append("")
    out.append("What Jira checks, in order:")
    for kind, lines in proof_blocks(exp):
        if kind is Kind.GRANT:
            symbol, heading = grant_block_heading(exp, lines)
            out.append(f"  {symbol} {grant_block_label(lines)}: {heading}")
            for line in lines:
                out.append(f"      {line.symbol} {line.summary}")
                _children_text(out, line, 10)
            continue
        check = lines[0]
        out.append(f"  {check.symbol} {KIND_LABELS[check.kind]}: {check.summary}")
        _children_text(out, check, 6)
    _fixes_text(out, exp)
    conflicts = _conflicts(exp)
    if conflicts:
        out.append("")
        out.append("Note: " + " ".join(conflicts))
    used = decisions_used(exp)
    if used:
        out.append("")
        out.append("Where Jira's documentation is silent or conflicting, jira-perms follows these decisions:")
        for number in used:
            out.append(f"  {number}. {DECISIONS[number]}")
    return "\n".join(out) + "\n"


def _children_text(out: list[str], check: Check, indent: int) -> None:
    for child in check.children:
        out.append(" " * indent + f"{child.symbol} {child.summary}")
        _children_text(out, child, indent + 4)


def _fixes_text(out: list[str], exp: Explanation) -> None:
    if exp.verdict is Verdict.UNKNOWN:
        facts = exp.missing_facts
        if facts:
            out.append("")
            out.append("To get a definite answer, give the snapshot what it lacks:")
            for fact in facts:
                out.append(f"  - {fact.describe()}; {fact_remedy(fact)}")
    if exp.verdict is not Verdict.DENIED:
        return
    out.append("")
    if not exp.fixes:
        out.append("No single change found that would allow it (see the failed checks above).")
        return
    out.append("How to fix it (smallest change first, each proved by replaying the check with it applied):")
    for number, fix in enumerate(exp.fixes, 1):
        out.append(f"  {number}. {fix.summary}.")
        out.append(f"     Blast radius: {fix.blast_summary}.")
        if fix.note:
            out.append(f"     {fix.note}")


def _when(iso: str) -> str:
    return iso.replace("T", " ").replace("Z", " UTC") if iso else "at an unknown time"


def fact_remedy(fact: Fact) -> str:
    """What to do so the next sync reads a missing fact."""
    from explorer.core.model import FactKind, Status

    if fact.status is Status.FORBIDDEN or fact.kind in (
        FactKind.GLOBAL_PERMISSIONS, FactKind.PROJECT_WORKFLOWS, FactKind.WORKFLOW, FactKind.PERMISSION_SCHEME,
        FactKind.ISSUE_SECURITY_SCHEME, FactKind.PROJECT_ISSUE_SECURITY,
    ):
        return "re-sync with an account that has Administer Jira"
    if fact.kind is FactKind.ISSUE and fact.subject:
        return f"re-sync with --issue {fact.subject}"
    if fact.kind is FactKind.GROUP_MEMBERS:
        return "re-sync with an account that has Browse users and groups (the member list was cut short)"
    if fact.kind is FactKind.TEAM_ROLES:
        return "check the project's People and Access settings in Jira by hand"
    if fact.status is Status.TRUNCATED:
        return "re-sync; the read was cut short"
    return "re-sync with an account that has Administer Jira"


# ---------------------------------------------------------------- markdown


def _md(text: str) -> str:
    """Escape what Markdown would otherwise read as formatting."""
    for ch in ("\\", "*", "_", "`", "|", "<", ">", "[", "]"):
        text = text.replace(ch, "\\" + ch)
    return text


def explanation_markdown(exp: Explanation, snapshot: Snapshot | None = None) -> str:
    verdict_word = {Verdict.ALLOWED: "Allowed", Verdict.DENIED: "Denied",
                    Verdict.UNKNOWN: "Cannot determine"}[exp.verdict]
    perm = catalogue.display_name(exp.permission)
    out = [f"### {exp.verdict.symbol} {verdict_word}: {_md(exp.account.display_name)} — {perm} in {_where(exp)}", ""]
    out.append(f"> {_md(exp.headline)}")
    out.append("")
    facts = []
    if snapshot is not None:
        facts.append(f"**Site:** {snapshot.site.url}")
        facts.append(f"**Snapshot:** {_when(snapshot.provenance.taken_at)}")
    if exp.scheme_name:
        facts.append(f"**Permission scheme:** {_md(exp.scheme_name)}")
    if facts:
        out.append(" · ".join(facts))
        out.append("")
    out.append("**What Jira checks, in order**")
    out.append("")
    for kind, lines in proof_blocks(exp):
        if kind is Kind.GRANT:
            symbol, heading = grant_block_heading(exp, lines)
            out.append(f"- {symbol} **{grant_block_label(lines)}**: {_md(heading)}")
            for line in lines:
                out.append(f"  - {line.symbol} {_md(line.summary)}")
                _children_md(out, line, 4)
            continue
        check = lines[0]
        out.append(f"- {check.symbol} **{KIND_LABELS[check.kind]}**: {_md(check.summary)}")
        _children_md(out, check, 2)
    if exp.verdict is Verdict.DENIED:
        out.append("")
        if exp.fixes:
            out.append("**How to fix it** (smallest change first)")
            out.append("")
            for number, fix in enumerate(exp.fixes, 1):
                out.append(f"{number}. {_md(fix.summary)}. *Blast radius:* {_md(fix.blast_summary)}.")
        else:
            out.append("No single change found that would allow it.")
    if exp.verdict is Verdict.UNKNOWN and exp.missing_facts:
        out.append("")
        out.append("**Missing from the snapshot**")
        out.append("")
        for fact in exp.missing_facts:
            out.append(f"- {_md(fact.describe())}; {fact_remedy(fact)}")
    notes = _conflicts(exp)
    used = decisions_used(exp)
    if notes or used:
        out.append("")
    for note in notes:
        out.append(f"*Note:* {_md(note)}")
    if used:
        out.append("*Decisions applied where Jira's documentation is silent or conflicting:* "
                   + "; ".join(f"({n}) {_md(DECISIONS[n])}" for n in used))
    out.append("")
    out.append("*Replayed offline by jira-perms from a snapshot of the site's permission configuration.*")
    return "\n".join(out) + "\n"


def _children_md(out: list[str], check: Check, indent: int) -> None:
    for child in check.children:
        out.append(" " * indent + f"- {child.symbol} {_md(child.summary)}")
        _children_md(out, child, indent + 2)


# ---------------------------------------------------------------- JSON


def _fact_json(fact: Fact) -> dict:
    return {"kind": fact.kind.value, "subject": fact.subject, "status": fact.status.value,
            "endpoint": fact.endpoint, "detail": fact.detail, "description": fact.describe()}


def _check_json(check: Check) -> dict:
    data: dict = {"kind": check.kind.value, "passed": check.passed, "summary": check.summary,
                  "decisive": check.decisive}
    if check.match is not None:
        data["match"] = check.match.value
    if check.grant_id is not None:
        data["grantId"] = check.grant_id
    if check.holder_type is not None:
        data["holder"] = {"type": check.holder_type, "parameter": check.holder_parameter}
    if check.via:
        data["via"] = list(check.via)
    if check.decision is not None:
        data["decision"] = check.decision
    if check.conflict:
        data["conflict"] = check.conflict
    if check.missing:
        data["missing"] = [_fact_json(f) for f in check.missing]
    if check.children:
        data["children"] = [_check_json(c) for c in check.children]
    return data


def _fix_json(fix: Fix) -> dict:
    return {
        "summary": fix.summary,
        "changes": [{k: v for k, v in {
            "action": c.action, "summary": c.summary, "accountId": c.account_id, "project": c.project_key,
            "roleId": c.role_id, "group": c.group, "schemeId": c.scheme_id, "permission": c.permission,
            "holderType": c.holder_type, "holderParameter": c.holder_parameter, "issue": c.issue_key,
            "levelId": c.level_id, "workflow": c.workflow, "statusId": c.status_id, "property": c.property_key,
        }.items() if v is not None} for c in fix.changes],
        "alsoGrants": [{"project": p, "permission": k} for p, k in fix.also_grants],
        "otherAccounts": fix.other_accounts,
        "blastRadius": fix.blast_summary,
        **({"note": fix.note} if fix.note else {}),
    }


def explanation_json(exp: Explanation, snapshot: Snapshot | None = None) -> dict:
    data = {
        "allowed": exp.allowed,
        "verdict": exp.verdict.value,
        "account": {"accountId": exp.account.account_id, "displayName": exp.account.display_name},
        "permission": exp.permission,
        "permissionName": catalogue.display_name(exp.permission),
        "project": exp.project_key,
        "issue": exp.issue_key,
        "headline": exp.headline,
        "scheme": exp.scheme_name,
        "reasons": [_check_json(c) for c in exp.checks],
        "fixes": [_fix_json(f) for f in exp.fixes],
        "missingFacts": [_fact_json(f) for f in exp.missing_facts],
        "decisions": {str(n): DECISIONS[n] for n in decisions_used(exp)},
    }
    if snapshot is not None:
        data["snapshot"] = {"site": snapshot.site.url, "takenAt": snapshot.provenance.taken_at}
    return data


# ---------------------------------------------------------------- who-can


UNDETERMINED_DETAIL = 50  # explain at most this many undetermined accounts in full


def _sample_missing(result: WhoCan) -> list[Fact]:
    seen: dict = {}
    for entry in result.undetermined[:UNDETERMINED_DETAIL]:
        for fact in entry.explanation.missing_facts:
            seen.setdefault(fact.key, fact)
    return list(seen.values())


def who_can_json(result: WhoCan) -> dict:
    def entry(e) -> dict:
        return {"accountId": None if e.account.is_anonymous else e.account.account_id,
                "displayName": e.account.display_name, "via": list(e.via)}

    undetermined = []
    for number, e in enumerate(result.undetermined):
        item = {k: v for k, v in entry(e).items() if k != "via"}
        if number < UNDETERMINED_DETAIL:
            item["missing"] = [_fact_json(f) for f in e.explanation.missing_facts]
        undetermined.append(item)
    return {
        "permission": result.permission,
        "project": result.project_key or None,
        "issue": result.issue_key,
        "accounts": [entry(e) for e in result.allowed],
        "undetermined": undetermined,
        "missingFacts": [_fact_json(f) for f in _sample_missing(result)],
    }


def who_can_text(result: WhoCan, markdown: bool = False) -> str:
    perm = catalogue.display_name(result.permission)
    where = f"issue {result.issue_key}" if result.issue_key else (
        f"project {result.project_key}" if result.project_key else "the site")
    out: list[str] = []
    count = len(result.allowed)
    head = f"Who has '{perm}' in {where}: {count} account{'s' if count != 1 else ''}"
    out.append(f"### {head}" if markdown else head)
    out.append("")
    width = max((len(e.account.display_name) for e in result.allowed), default=0)
    for e in result.allowed:
        via = "; ".join(e.via)
        if markdown:
            out.append(f"- ✓ **{_md(e.account.display_name)}** — {_md(via)}")
        else:
            out.append(f"  ✓ {e.account.display_name:<{width}}  via {via}")
    if not result.allowed:
        out.append("  (nobody)" if not markdown else "- nobody")
    if result.undetermined:
        out.append("")
        out.append(f"Cannot determine for {len(result.undetermined)} account(s):")
        for e in result.undetermined[:20]:
            facts = "; ".join(f.describe() for f in e.explanation.missing_facts) or "a fact is missing"
            line = f"{e.account.display_name}: {facts}"
            out.append(f"- ? {_md(line)}" if markdown else f"  ? {line}")
        if len(result.undetermined) > 20:
            rest = len(result.undetermined) - 20
            facts = "; ".join(f.describe() for f in _sample_missing(result))
            line = f"... and {rest} more; the snapshot lacks: {facts}"
            out.append(f"- {_md(line)}" if markdown else f"  {line}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- matrices

CELL = {Verdict.ALLOWED: "✓", Verdict.DENIED: "·", Verdict.UNKNOWN: "?"}


def matrix_text(matrix: Matrix) -> str:
    out = [matrix.title, ""]
    if matrix.kind == "account":
        refs = [r.ref for r in matrix.rows]
        width = max(len(catalogue.display_name(p)) for p in matrix.permissions)
        out.append(" " * (width + 2) + " ".join(f"{r:<6}" for r in refs))
        for perm in matrix.permissions:
            cells = " ".join(f"{CELL[row.cells[perm]]:<6}" for row in matrix.rows)
            out.append(f"{catalogue.display_name(perm):<{width}}  {cells}")
    else:
        width = max((len(r.label) for r in matrix.rows), default=10)
        numbers = [f"{i:>2}" for i in range(1, len(matrix.permissions) + 1)]
        out.append(" " * (width + 2) + "".join(n[0] for n in numbers))
        out.append(" " * (width + 2) + "".join(n[1] for n in numbers))
        for row in matrix.rows:
            out.append(f"{row.label:<{width}}  " + "".join(CELL[row.cells[p]] for p in matrix.permissions))
        out.append("")
        for i, perm in enumerate(matrix.permissions, 1):
            out.append(f"{i:>3} {catalogue.display_name(perm)}")
    out.append("")
    out.append("✓ allowed   · denied   ? cannot determine")
    return "\n".join(out) + "\n"


def matrix_json(matrix: Matrix) -> dict:
    return {
        "kind": matrix.kind,
        "title": matrix.title,
        "permissions": list(matrix.permissions),
        "rows": [{"label": r.label, "ref": r.ref, "cells": {k: v.value for k, v in r.cells.items()}}
                 for r in matrix.rows],
    }


def matrix_csv(matrix: Matrix) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    first = "project" if matrix.kind == "account" else "account"
    writer.writerow([first, "id", *matrix.permissions])
    for row in matrix.rows:
        writer.writerow([row.label, row.ref, *(row.cells[p].value for p in matrix.permissions)])
    return buf.getvalue()


# ---------------------------------------------------------------- snapshot summary


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
        "gaps": [{**_fact_json(f), "remedy": fact_remedy(f)} for f in snapshot.gaps],
    }


def snapshot_summary_text(snapshot: Snapshot) -> str:
    s = snapshot_summary(snapshot)
    c = s["counts"]
    title = f" ({s['title']})" if s["title"] else ""
    out = [f"{s['site']}{title}", f"  {s['deployment']}{' ' + s['serverVersion'] if s['serverVersion'] else ''}, "
           f"snapshot taken {_when(s['takenAt'])}" + (f" by {s['takenBy']}" if s["takenBy"] else "")]
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
        out.append("No gaps: every fact was read completely.")
    return "\n".join(out) + "\n"


def _ptype(value: str) -> str:
    return {ProjectType.SERVICE_DESK.value: "service management"}.get(value, value)
