"""Integration-readiness audits and profile rankings as text, Markdown and JSON (pure)."""

from __future__ import annotations

import json
import textwrap

from explorer.core.escape import text_lines
from explorer.core.readiness.audit import AuditReport, Cell, FitReport, Readiness
from explorer.core.readiness.fit import RANKING
from explorer.core.readiness.profiles import PROJECT_TYPE_NAMES, Feature, Profile, Requirement
from explorer.core.render.citations import cited, rules_footer, rules_json
from explorer.core.render.explain import account_json, explanation_json, fact_json, fix_json, md
from explorer.core.replay.explanation import Verdict

NOT_APPLICABLE = "–"
VERDICT_WORDS = {Verdict.ALLOWED: "met", Verdict.DENIED: "missing", Verdict.UNKNOWN: "cannot determine"}
LEGEND = "✓ met   ✗ missing   ? cannot determine   – does not apply"
BANNER = {Readiness.READY: "✓ READY", Readiness.NOT_READY: "✗ NOT READY", Readiness.UNKNOWN: "? CANNOT DETERMINE"}


def _when(iso: str) -> str:
    return iso.replace("T", " ").replace("Z", " UTC") if iso else "at an unknown time"


def cell_symbol(cell: Cell | None) -> str:
    return NOT_APPLICABLE if cell is None else cell.verdict.symbol


def _req_words(req: Requirement) -> str:
    extra = []
    if req.guide_item and req.label.lower() not in req.guide_item.lower() \
            and req.guide_item.lower() not in req.label.lower():
        extra.append(f"guide: {req.guide_item}")
    if req.conditions:
        extra.append(req.conditions)
    if req.inferred:
        extra.append("inferred from the guide")
    return req.label + (f" ({'; '.join(extra)})" if extra else "")


def _scope_line(report: AuditReport) -> str:
    keys = ", ".join(r.project.key for r in report.rows) or "none"
    line = f"Projects: {keys}" + ("" if report.projects_requested else " (every project of the site)")
    if report.skipped_projects:
        line += "; not audited: " + "; ".join(f"{k} ({why})" for k, why in report.skipped_projects)
    return line


def _features_line(report: AuditReport) -> str:
    line = "Features audited: " + ", ".join(f"{f.id}" for f in report.features)
    if report.skipped_features:
        line += "; not audited: " + ", ".join(
            f"{f.id}{' (optional)' if f.optional else ''}" for f in report.skipped_features)
        line += " (add them with --feature ID, or --feature all)"
    return line


def totals_line(report: AuditReport) -> str:
    t = report.totals
    parts = [f"{t['projectsReady']} of {t['projects']} project{'s' if t['projects'] != 1 else ''} ready"]
    if t["projectsNotReady"]:
        parts.append(f"{t['projectsNotReady']} not ready")
    if t["projectsUndetermined"]:
        parts.append(f"{t['projectsUndetermined']} cannot be determined")
    reqs = f"requirements: {t['met']} met, {t['missing']} missing, {t['undetermined']} cannot be determined"
    if t["notApplicable"]:
        reqs += f", {t['notApplicable']} do not apply"
    findings = f"least-privilege findings: {t['findings']}"
    return "Totals: " + ", ".join(parts) + "; " + reqs + "; " + findings + "."


# ---------------------------------------------------------------- text


def audit_text(report: AuditReport) -> str:
    p = report.profile
    acc = report.account
    out = [f"{BANNER[report.readiness]}  {acc.display_name} for {p.display}", ""]
    out.append(f"Site {report.site}, snapshot taken {_when(report.taken_at)}.")
    out.append(f"Profile {p.id}: {p.purpose}")
    out.append(f"Source: {p.source}.")
    out.append(_features_line(report))
    out.append(_scope_line(report))
    out.append("")
    out += _grid_text(report)
    site = [c for c in report.site_cells if c is not None]
    if site:
        out.append("")
        out.append("Site-wide requirements")
        for cell in site:
            out += _compact_cell(cell, "  ")
    out.append("")
    out.append("Per project")
    for row in report.rows:
        out += _row_text(row, "  ")
    if not report.rows:
        out.append("  (no project audited)")
    why = _why_lines(report)
    if why:
        out.append("")
        out.append("Why the requirements not met are needed (from the guide)")
        out += [f"  {line}" for line in why]
    out.append("")
    out.append(f"Least privilege: what {acc.display_name} holds beyond the profile")
    if not report.findings:
        out.append("  Nothing found: no Administrators role, no unneeded Jira admin, no admin-like permissions "
                   "beyond the profile" + (", no browse on other projects." if report.projects_requested else "."))
    for finding in report.findings:
        where = f" [{finding.project_key}]" if finding.project_key else ""
        out.append(f"  ! {finding.severity.upper()}{where} {finding.summary}.")
        if finding.via:
            out.append(f"      via: {'; '.join(finding.via)}")
        out.append(f"      To remove: {finding.remedy}.")
    out.append("")
    out.append(totals_line(report))
    out += rules_footer(out)
    return text_lines(out)


def cell_reason(cell: Cell) -> str:
    """Why a requirement is not met, in one sentence (the engine's headline without its subject)."""
    text = cell.headline.rstrip(".")
    if cell.explanation is not None:
        where = f" in project {cell.project_key}: " if cell.project_key else ": "
        if where in text:
            text = text.split(where, 1)[1]
    labels = [line.split(": ", 1)[1].split(" does not match", 1)[0] for line in cell.failing
              if line.startswith("Scheme grants: ") and " does not match" in line]
    if labels and cell.verdict is Verdict.DENIED:
        text += f" (grants checked: {', '.join(labels)})"
    return text


def _fix_words(fix) -> str:
    blast = f"; blast radius: {fix.blast_summary}" if fix.blast_summary else ""
    return f"{fix.summary.rstrip('.')}{blast}"


def _all_missing(count: int) -> str:
    return "both missing requirements" if count == 2 else f"all {count} missing requirements"


def _compact_cell(cell: Cell, indent: str) -> list[str]:
    req = cell.requirement
    head = f"{indent}{cell.verdict.symbol} {cell.column.number}. {req.label}"
    if cell.verdict is Verdict.ALLOWED:
        return [f"{head}: {cell.headline}"]
    lines = [f"{head}: {cell_reason(cell)}."]
    if cell.verdict is Verdict.DENIED:
        fix = cell.best_fix
        lines.append(f"{indent}    Fix: {_fix_words(fix)}." if fix else
                     f"{indent}    Fix: no single change found (see jira-perms explain for the full proof).")
    else:
        lines += [f"{indent}    {line}" for line in cell.failing]
    return lines


def _row_text(row, indent: str) -> list[str]:
    project = row.project
    applicable = row.applicable()
    out = [f"{indent}{row.readiness.symbol} {project.key} ({project.name}): {row.readiness.words}, "
           f"{row.count(Verdict.ALLOWED)} of {len(applicable)} requirements met"]
    sub = indent + "    "
    if row.covering_fix is not None:
        out.append(f"{sub}One change fixes {_all_missing(row.count(Verdict.DENIED))}: "
                   f"{_fix_words(row.covering_fix)}.")
    for cell in applicable:
        if cell.verdict is Verdict.DENIED and cell.project_key:
            lines = _compact_cell(cell, sub)
            out += lines[:1] if row.covering_fix is not None else lines
    unknown: dict[tuple[str, ...], list[int]] = {}
    for cell in applicable:
        if cell.verdict is Verdict.UNKNOWN and cell.project_key:
            unknown.setdefault(cell.failing or (cell_reason(cell),), []).append(cell.column.number)
    for failing, numbers in unknown.items():
        label = "requirement" if len(numbers) == 1 else "requirements"
        out.append(f"{sub}? {label} {', '.join(map(str, numbers))} cannot be determined:")
        out += [f"{sub}    {line}" for line in failing]
    return out


def _why_lines(report: AuditReport) -> list[str]:
    lines = []
    for i, col in enumerate(report.columns):
        cells = [report.site_cells[i]] + [row.cells[i] for row in report.rows]
        if not any(c is not None and c.verdict is not Verdict.ALLOWED for c in cells):
            continue
        req = col.requirement
        lines.append(f"{col.number}. {_req_words(req)} [{col.feature.id}]: {req.why}")
        if req.note:
            lines.append(f"   Note: {req.note}")
    return lines


def _grid_text(report: AuditReport) -> list[str]:
    if not report.columns:
        return []
    numbers = [str(c.number) for c in report.columns]
    width = max(3, max(len(n) for n in numbers))
    key_width = max([len(r.project.key) for r in report.rows] + [4])
    out = [" " * (key_width + 4) + " ".join(f"{n:>{width}}" for n in numbers)]
    for row in report.rows:
        cells = " ".join(f"{cell_symbol(c):>{width}}" for c in row.cells)
        out.append(f"{row.readiness.symbol} {row.project.key:<{key_width}}  {cells}")
    out.append("")
    for col in report.columns:
        out.append(f"{col.number:>{width + 1}}. {_req_words(col.requirement)} [{col.feature.id}]")
    out.append("")
    out.append(LEGEND)
    return out


# ---------------------------------------------------------------- markdown


def audit_markdown(report: AuditReport) -> str:
    p = report.profile
    acc = report.account
    word = {Readiness.READY: "Ready", Readiness.NOT_READY: "Not ready", Readiness.UNKNOWN: "Cannot determine"}
    out = [f"## {report.readiness.symbol} {word[report.readiness]}: {md(acc.display_name)} for "
           f"{md(p.display)}", ""]
    out.append(f"**Site:** {report.site} · **Snapshot:** {_when(report.taken_at)} · **Profile:** `{p.id}`")
    out.append("")
    out.append(f"> {md(p.purpose)}")
    out.append("")
    out.append(f"*Source:* {md(p.source)}. {md(_features_line(report))}. {md(_scope_line(report))}.")
    out.append("")
    if report.columns and report.rows:
        out.append("| Project | Ready | " + " | ".join(str(c.number) for c in report.columns) + " |")
        out.append("|---|---|" + "---|" * len(report.columns))
        for row in report.rows:
            cells = " | ".join(cell_symbol(c) for c in row.cells)
            out.append(f"| {row.project.key} | {row.readiness.symbol} {row.readiness.words} | {cells} |")
        out.append("")
        for col in report.columns:
            out.append(f"{col.number}. {md(_req_words(col.requirement))} — *{md(col.feature.title)}*")
        out.append("")
        out.append(f"*{LEGEND}*")
        out.append("")
    site = [c for c in report.site_cells if c is not None]
    if site:
        out.append("### Site-wide requirements")
        out.append("")
        for cell in site:
            out += [_md_line(line) for line in _compact_cell(cell, "    ")]
        out.append("")
    problems = [row for row in report.rows if row.readiness is not Readiness.READY]
    out.append("### Missing and undetermined, per project")
    out.append("")
    if not problems:
        out.append("Nothing: every requirement is met in every audited project.")
    for row in problems:
        out.append(f"**{row.readiness.symbol} {row.project.key}** ({md(row.project.name)}): {row.readiness.words}, "
                   f"{row.count(Verdict.ALLOWED)} of {len(row.applicable())} requirements met")
        out.append("")
        if row.covering_fix is not None:
            out.append(f"- **One change fixes {_all_missing(row.count(Verdict.DENIED))}:** "
                       f"{md(_fix_words(row.covering_fix))}.")
        out += [_md_line(line) for line in _row_text(row, "")[1:] if not line.lstrip().startswith("One change")]
        out.append("")
    why = _why_lines(report)
    if why:
        out.append("### Why the requirements not met are needed")
        out.append("")
        out += [f"- {md(line.strip())}" if not line.startswith("   Note") else f"  - *{md(line.strip())}*"
                for line in why]
        out.append("")
    out.append("### Least privilege")
    out.append("")
    if not report.findings:
        out.append(f"Nothing found beyond the profile for {md(acc.display_name)}.")
    for finding in report.findings:
        where = f" \\[{finding.project_key}\\]" if finding.project_key else ""
        via = f" *Via:* {md('; '.join(finding.via))}." if finding.via else ""
        out.append(f"- **{finding.severity}**{where} {md(finding.summary)}.{via} *To remove:* {md(finding.remedy)}.")
    out.append("")
    out.append(f"**{md(totals_line(report))}**")
    out += rules_footer(out, markdown=True)
    out.append("")
    out.append("*Replayed offline by jira-perms from a snapshot of the site's permission configuration.*")
    return text_lines(out)


def _md_line(line: str) -> str:
    """A line of the compact text layout as a Markdown list item (indentation kept as nesting)."""
    depth = (len(line) - len(line.lstrip())) // 4
    return "  " * max(depth - 1, 0) + "- " + md(line.strip())


def _cell_md(out: list[str], cell: Cell) -> None:
    req = cell.requirement
    out.append(f"- {cell.verdict.symbol} **{md(_req_words(req))}** ({md(cell.column.feature.title)}): "
               f"{md(cell.headline)}")
    out.append(f"  - *Why:* {md(req.why)}")
    if req.note:
        out.append(f"  - *Note:* {md(req.note)}")
    for line in cell.failing[:4]:
        out.append(f"  - {md(line)}")
    if cell.verdict is Verdict.DENIED and cell.best_fix is not None:
        fix = cell.best_fix
        blast = f" *Blast radius:* {md(fix.blast_summary)}." if fix.blast_summary else ""
        out.append(f"  - *Fix:* {md(fix.summary)}.{blast}")


def cell_markdown(cell: Cell) -> str:
    """One cell's explanation and fixes (the TUI's detail pane, copied as Markdown)."""
    out: list[str] = []
    _cell_md(out, cell)
    for fix in cell.fixes[1:]:
        out.append(f"  - *Other fix:* {md(fix.summary)}. *Blast radius:* {md(fix.blast_summary)}.")
    return text_lines(out)


def cell_text(cell: Cell) -> str:
    """One cell in full: the verdict, its failing checks and every fix found, then the requirement and why."""
    req = cell.requirement
    where = f"project {cell.project_key}" if cell.project_key else "the site"
    out = [f"{cell.verdict.symbol} {cell.column.number}. {_req_words(req)} in {where}: {VERDICT_WORDS[cell.verdict]}",
           cell.headline]
    for line in cell.failing:
        out.append(f"  - {line}")
    if cell.verdict is Verdict.DENIED:
        if not cell.fixes:
            out.append("No single change found that would meet it.")
        for number, fix in enumerate(cell.fixes, 1):
            out.append(f"Fix {number}: {fix.summary.rstrip('.')}.")
            if fix.blast_summary:
                out.append(f"  Blast radius: {fix.blast_summary}.")
    out.append("")
    out.append(f"Feature: {cell.column.feature.title} [{cell.column.feature.id}] · guide: {req.guide_item}")
    out.append(f"Why: {req.why}")
    if req.note:
        out.append(f"Note: {req.note}")
    return text_lines(out)


# ---------------------------------------------------------------- JSON


def _requirement_json(req: Requirement) -> dict:
    data: dict = {"kind": req.kind.value, "key": req.key, "label": req.label, "guideItem": req.guide_item,
                  "why": req.why}
    if req.project_types:
        names = {t: name for name, t in PROJECT_TYPE_NAMES.items()}
        data["projectTypes"] = sorted(names[t] for t in req.project_types)
        data["conditions"] = req.conditions
    if req.inferred:
        data["inferred"] = True
    if req.note:
        data["note"] = req.note
    if req.role_aliases:
        data["roleAliases"] = list(req.role_aliases)
    return data


def _cell_json(cell: Cell) -> dict:
    data: dict = {
        "requirement": cell.column.number,
        "verdict": cell.verdict.value,
        "met": cell.verdict.as_bool,
        "headline": cell.headline,
        "failing": list(cell.failing),
        "fixes": [fix_json(f) for f in cell.fixes],
        "missingFacts": [fact_json(f) for f in cell.missing],
    }
    if cell.explanation is not None and cell.verdict is not Verdict.ALLOWED:
        data["explanation"] = explanation_json(cell.explanation)
    return data


def audit_json(report: AuditReport) -> dict:
    data = _audit_data(report)
    data["rulesCited"] = rules_json(cited(json.dumps(data, ensure_ascii=False)))
    return data


def _audit_data(report: AuditReport) -> dict:
    p = report.profile
    return {
        "ready": report.readiness is Readiness.READY if report.readiness is not Readiness.UNKNOWN else None,
        "readiness": report.readiness.value,
        "account": account_json(report.account),
        "profile": {"id": p.id, "name": p.name, "vendor": p.vendor, "purpose": p.purpose, "source": p.source,
                    "origin": p.origin},
        "snapshot": {"site": report.site, "takenAt": report.taken_at},
        "features": [f.id for f in report.features],
        "skippedFeatures": [f.id for f in report.skipped_features],
        "requirements": [{"number": c.number, "feature": c.feature.id, **_requirement_json(c.requirement)}
                         for c in report.columns],
        "site": [_cell_json(c) for c in report.site_cells if c is not None],
        "projects": [{
            "key": row.project.key,
            "name": row.project.name,
            "type": row.project.project_type.value,
            "readiness": row.readiness.value,
            "cells": [None if c is None else _cell_json(c) for c in row.cells],
            "coveringFix": fix_json(row.covering_fix) if row.covering_fix else None,
        } for row in report.rows],
        "skippedProjects": [{"key": k, "reason": why} for k, why in report.skipped_projects],
        "leastPrivilege": [{
            "kind": f.kind, "severity": f.severity, "project": f.project_key, "summary": f.summary,
            "via": list(f.via), "remedy": f.remedy, "permissions": list(f.permissions),
        } for f in report.findings],
        "totals": report.totals,
    }


# ---------------------------------------------------------------- rankings (--all-profiles)



def fits_text(result: FitReport, markdown: bool = False) -> str:
    acc = result.account.display_name
    out: list[str] = []
    head = f"Which integration profile fits {acc}? Every profile audited with its default features"
    out.append(f"## {md(head)}" if markdown else textwrap.fill(head, 80))
    out.append("")
    out.append(f"Site {result.site}, snapshot taken {_when(result.taken_at)}.")
    out.append(f"Ranked by: {RANKING}." if markdown else textwrap.fill(f"Ranked by: {RANKING}.", 80))
    out.append("")
    if markdown:
        out.append("| # | Profile | Named like the account | Readiness | Met | Missing | Unknown | Findings |")
        out.append("|---|---|---|---|---|---|---|---|")
    for fit in result.fits:
        r = fit.report
        pct = f"{round(100 * fit.share)}%"
        if markdown:
            out.append(f"| {fit.rank} | {md(fit.profile.display)} (`{fit.profile.id}`) | "
                       f"{md(', '.join(fit.named)) or '–'} | {r.readiness.symbol} {r.readiness.words} | "
                       f"{fit.met}/{fit.applicable} ({pct}) | {fit.missing} | {fit.undetermined} | {fit.findings} |")
        else:
            out.append(f"  {fit.rank}. {r.readiness.symbol} {fit.profile.id:<15} {fit.met:>3}/{fit.applicable:<3} met "
                       f"({pct:>4}) · {fit.missing} missing · {fit.undetermined} unknown · {fit.findings} finding"
                       f"{'s' if fit.findings != 1 else ''}")
            if fit.named:
                out.append(f"{'':7}named like the account: {', '.join(fit.named)}")
    best = result.best
    out.append("")
    if best is not None:
        line = (f"Best fit: {best.profile.display} ({best.profile.id}), {best.report.readiness.words}. "
                f"Details: jira-perms audit --profile {best.profile.id} --account '{result.account.display_name}'")
        out.append(f"**{md(line)}**" if markdown else textwrap.fill(line, 80, break_on_hyphens=False))
    else:
        out.append("No profiles to compare.")
    return text_lines(out)


def fits_json(result: FitReport) -> dict:
    return {
        "account": account_json(result.account),
        "snapshot": {"site": result.site, "takenAt": result.taken_at},
        "ranking": RANKING,
        "best": result.best.profile.id if result.best else None,
        "profiles": [{
            "rank": f.rank, "id": f.profile.id, "name": f.profile.name, "readiness": f.report.readiness.value,
            "met": f.met, "missing": f.missing, "undetermined": f.undetermined, "applicable": f.applicable,
            "share": round(f.share, 4), "findings": f.findings, "namedLikeTheAccount": list(f.named),
        } for f in result.fits],
    }


# ---------------------------------------------------------------- profiles


def profile_summary_json(profile: Profile) -> dict:
    return {
        "id": profile.id, "name": profile.name, "vendor": profile.vendor, "purpose": profile.purpose,
        "source": profile.source, "sourceUrl": profile.source_url or None, "origin": profile.origin,
        "overridesShipped": profile.overrides_shipped, "notes": list(profile.notes),
        "features": [_feature_json(f) for f in profile.features],
    }


def _feature_json(feature: Feature) -> dict:
    return {"id": feature.id, "title": feature.title, "optional": feature.optional,
            "description": feature.description,
            "requirements": [_requirement_json(r) for r in feature.requirements]}


def profile_detail_text(profile: Profile) -> str:
    out = [f"{profile.display} ({profile.id})", ""]
    out.append(f"Purpose: {profile.purpose}")
    out.append(f"Source: {profile.source}" + (f" <{profile.source_url}>" if profile.source_url else ""))
    out.append(f"From: {profile.origin}" + (" (replaces the shipped profile)" if profile.overrides_shipped else ""))
    for feature in profile.features:
        out.append("")
        tag = " (optional: audited only with --feature)" if feature.optional else ""
        out.append(f"[{feature.id}] {feature.title}{tag}")
        if feature.description:
            out.append(f"    {feature.description}")
        for req in feature.requirements:
            out.append(f"  - {_req_words(req)}  (guide: {req.guide_item})")
            out.append(f"      why: {req.why}")
            if req.note:
                out.append(f"      note: {req.note}")
    if profile.notes:
        out.append("")
        out.append("Notes:")
        for note in profile.notes:
            out.append(f"  - {note}")
    return text_lines(out)


__all__ = ["audit_text", "audit_markdown", "audit_json", "fits_text", "fits_json", "cell_text", "cell_markdown",
           "profile_detail_text", "profile_summary_json"]
