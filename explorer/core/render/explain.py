"""An explanation (verdict, proof, fixes) as text, Markdown and JSON."""

from __future__ import annotations

import textwrap

from explorer.core.escape import md, text_lines, visible
from explorer.core.model import Account, Fact, Snapshot
from explorer.core.render.citations import WIDTH, Rule, cited, footer_markdown, footer_text, rules_json
from explorer.core.replay import catalogue
from explorer.core.replay.decisions import DECISIONS
from explorer.core.replay.explanation import KIND_LABELS, Check, Explanation, Fix, Kind, Verdict

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


def rules_cited(exp: Explanation) -> list[Rule]:
    """Every rule the explanation relies on or mentions (decisions of its checks, citations in its wording)."""
    texts: list[str] = [exp.headline, *_conflicts(exp)]

    def walk(check: Check) -> None:
        texts.append(check.summary)
        texts.extend(f.describe() for f in check.missing)
        for child in check.children:
            walk(child)

    for check in exp.checks:
        walk(check)
    texts += [part for fix in exp.fixes for part in (fix.summary, fix.blast_summary, fix.note or "")]
    return cited("\n".join(texts), decisions_used(exp))


# ---------------------------------------------------------------- text


def explanation_text(exp: Explanation, snapshot: Snapshot | None = None) -> str:
    """The answer as plain text, every line wrapped at 80 columns under its own start (symbols keep their column)."""
    out: list[str] = []
    out.append(f"{BANNER[exp.verdict]}  {exp.account.display_name} · {catalogue.display_name(exp.permission)} · "
               f"{_where(exp)}")
    out.append("")
    _wrap(out, exp.headline)
    out.append("")
    if snapshot is not None:
        _wrap(out, f"Site {snapshot.site.url}, snapshot taken {when(snapshot.provenance.taken_at)}.")
    if exp.scheme_name:
        _wrap(out, f"Permission scheme: {exp.scheme_name}.")
    if snapshot is not None or exp.scheme_name:
        out.append("")
    out.append("What Jira checks, in order:")
    for kind, lines in proof_blocks(exp):
        if kind is Kind.GRANT:
            symbol, heading = grant_block_heading(exp, lines)
            _wrap(out, f"{grant_block_label(lines)}: {heading}", f"  {symbol} ", 4)
            for line in lines:
                _wrap(out, line.summary, f"      {line.symbol} ", 8)
                _children_text(out, line, 10)
            continue
        check = lines[0]
        _wrap(out, f"{KIND_LABELS[check.kind]}: {check.summary}", f"  {check.symbol} ", 4)
        _children_text(out, check, 6)
    _fixes_text(out, exp)
    conflicts = _conflicts(exp)
    if conflicts:
        out.append("")
        _wrap(out, "Note: " + " ".join(conflicts))
    out += footer_text(rules_cited(exp))
    return text_lines(out)


def _wrap(out: list[str], text: str, first: str = "", rest: int = 0) -> None:
    """``text`` after ``first`` (an indent and a symbol), wrapped at 80 columns with later lines at ``rest``; a
    nesting path (``developers > contractors``) stays on one line."""
    kept = visible(text, one_line=True).replace(" > ", "\xa0>\xa0")
    lines = textwrap.wrap(kept, WIDTH, initial_indent=first, subsequent_indent=" " * rest, break_on_hyphens=False,
                          break_long_words=False)
    out += [line.replace("\xa0>\xa0", " > ") for line in lines] or [first.rstrip()]


def _children_text(out: list[str], check: Check, indent: int) -> None:
    for child in check.children:
        _wrap(out, child.summary, " " * indent + f"{child.symbol} ", indent + 2)
        _children_text(out, child, indent + 4)


def _fixes_text(out: list[str], exp: Explanation) -> None:
    if exp.verdict is Verdict.UNKNOWN:
        facts = exp.missing_facts
        if facts:
            out.append("")
            out.append("To get a definite answer, give the snapshot what it lacks:")
            for fact in facts:
                _wrap(out, f"{fact.describe()}; {fact.remedy()}", "  - ", 4)
    if exp.verdict is not Verdict.DENIED:
        return
    out.append("")
    if not exp.fixes:
        out.append("No single change found that would allow it (see the failed checks above).")
        return
    _wrap(out, "How to fix it (smallest change first, each proved by replaying the check with it applied):")
    for number, fix in enumerate(exp.fixes, 1):
        _wrap(out, f"{fix.summary}.", f"  {number}. ", 5)
        _wrap(out, f"Blast radius: {fix.blast_summary}.", "     ", 5)
        if fix.note:
            _wrap(out, fix.note, "     ", 5)


def when(iso: str) -> str:
    return iso.replace("T", " ").replace("Z", " UTC") if iso else "at an unknown time"


# ---------------------------------------------------------------- markdown


def explanation_markdown(exp: Explanation, snapshot: Snapshot | None = None) -> str:
    verdict_word = {Verdict.ALLOWED: "Allowed", Verdict.DENIED: "Denied",
                    Verdict.UNKNOWN: "Cannot determine"}[exp.verdict]
    perm = catalogue.display_name(exp.permission)
    out = [f"### {exp.verdict.symbol} {verdict_word}: {md(exp.account.display_name)} — {md(perm)} in "
           f"{md(_where(exp))}", ""]
    out.append(f"> {md(exp.headline)}")
    out.append("")
    facts = []
    if snapshot is not None:
        facts.append(f"**Site:** {md(snapshot.site.url)}")
        facts.append(f"**Snapshot:** {when(snapshot.provenance.taken_at)}")
    if exp.scheme_name:
        facts.append(f"**Permission scheme:** {md(exp.scheme_name)}")
    if facts:
        out.append(" · ".join(facts))
        out.append("")
    out.append("**What Jira checks, in order**")
    out.append("")
    for kind, lines in proof_blocks(exp):
        if kind is Kind.GRANT:
            symbol, heading = grant_block_heading(exp, lines)
            out.append(f"- {symbol} **{grant_block_label(lines)}**: {md(heading)}")
            for line in lines:
                out.append(f"  - {line.symbol} {md(line.summary)}")
                _childrenmd(out, line, 4)
            continue
        check = lines[0]
        out.append(f"- {check.symbol} **{KIND_LABELS[check.kind]}**: {md(check.summary)}")
        _childrenmd(out, check, 2)
    if exp.verdict is Verdict.DENIED:
        out.append("")
        if exp.fixes:
            out.append("**How to fix it** (smallest change first)")
            out.append("")
            for number, fix in enumerate(exp.fixes, 1):
                out.append(f"{number}. {md(fix.summary)}. *Blast radius:* {md(fix.blast_summary)}.")
        else:
            out.append("No single change found that would allow it.")
    if exp.verdict is Verdict.UNKNOWN and exp.missing_facts:
        out.append("")
        out.append("**Missing from the snapshot**")
        out.append("")
        for fact in exp.missing_facts:
            out.append(f"- {md(fact.describe())}; {md(fact.remedy())}")
    notes = _conflicts(exp)
    if notes:
        out.append("")
    for note in notes:
        out.append(f"*Note:* {md(note)}")
    out += footer_markdown(rules_cited(exp))
    out.append("")
    out.append("*Replayed offline by jira-perms from a snapshot of the site's permission configuration.*")
    return text_lines(out)


def _childrenmd(out: list[str], check: Check, indent: int) -> None:
    for child in check.children:
        out.append(" " * indent + f"- {child.symbol} {md(child.summary)}")
        _childrenmd(out, child, indent + 2)


# ---------------------------------------------------------------- JSON


def account_json(account: Account) -> dict:
    """An account in JSON: ``accountId`` (on Data Center the user key) and ``displayName``; ``username`` on DC."""
    data = {"accountId": None if account.is_anonymous else account.account_id, "displayName": account.display_name}
    if account.username:
        data["username"] = account.username
    return data


def fact_json(fact: Fact) -> dict:
    return {"kind": fact.kind.value, "subject": fact.subject, "status": fact.status.value,
            "endpoint": fact.endpoint, "detail": fact.detail, "description": fact.describe()}


def check_json(check: Check) -> dict:
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
        data["missing"] = [fact_json(f) for f in check.missing]
    if check.children:
        data["children"] = [check_json(c) for c in check.children]
    return data


def fix_json(fix: Fix) -> dict:
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
        "account": {**account_json(exp.account), "accountId": exp.account.account_id},
        "permission": exp.permission,
        "permissionName": catalogue.display_name(exp.permission),
        "project": exp.project_key,
        "issue": exp.issue_key,
        "headline": exp.headline,
        "scheme": exp.scheme_name,
        "reasons": [check_json(c) for c in exp.checks],
        "fixes": [fix_json(f) for f in exp.fixes],
        "missingFacts": [fact_json(f) for f in exp.missing_facts],
        "decisions": {str(n): DECISIONS[n] for n in decisions_used(exp)},
        "rulesCited": rules_json(rules_cited(exp)),
    }
    if snapshot is not None:
        data["snapshot"] = {"site": snapshot.site.url, "takenAt": snapshot.provenance.taken_at}
    return data


