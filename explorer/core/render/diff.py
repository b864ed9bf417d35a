"""A snapshot diff as text, Markdown and JSON (pure: strings and JSON-ready dicts)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from explorer.core.escape import text_lines
from explorer.core.render.explain import account_json
from explorer.core.replay import catalogue
from explorer.core.review.diff import ConfigChange, Effect, SnapshotDiff

MARK = {"added": "+", "removed": "-", "changed": "~"}
EFFECT_WORDS = {"gained": "gained", "lost": "lost", "unknown": "now cannot determine", "known": "now determined"}
EFFECT_MARK = {"gained": "+", "lost": "-", "unknown": "?", "known": "="}


def _when(iso: str) -> str:
    return iso.replace("T", " ").replace("Z", " UTC") if iso else "an unknown time"


def _md(text: str) -> str:
    for ch in ("\\", "*", "_", "`", "|", "<", ">", "[", "]"):
        text = text.replace(ch, "\\" + ch)
    return text


def effect_lines(effects: tuple[Effect, ...]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Per account: (name, accountId, [(kind, "Permission in A, B")]) with projects folded per permission."""
    by_account: dict[tuple[str, str], dict[tuple[str, str], list[str]]] = defaultdict(lambda: defaultdict(list))
    for e in effects:
        by_account[(e.account_name, e.account_id)][(e.kind, e.permission)].append(e.where)
    out = []
    for (name, aid), perms in by_account.items():
        rows = []
        for (kind, perm), places in sorted(perms.items(), key=lambda kv: (list(EFFECT_WORDS).index(kv[0][0]),
                                                                            catalogue.display_name(kv[0][1]))):
            where = ", ".join(p for p in places if p != "the site")
            label = catalogue.display_name(perm) + (f" in {where}" if where else " (global)")
            rows.append((kind, label))
        out.append((name, aid, rows))
    return out


def _effect_summary(diff: SnapshotDiff) -> str:
    if not diff.effects:
        return "No account gained or lost any permission."
    gained = {e.account_id for e in diff.effects if e.kind == "gained"}
    lost = {e.account_id for e in diff.effects if e.kind == "lost"}
    other = {e.account_id for e in diff.effects if e.kind in ("unknown", "known")}
    parts = []
    if gained:
        n = sum(1 for e in diff.effects if e.kind == "gained")
        parts.append(f"{len(gained)} account{'s' if len(gained) != 1 else ''} gained {n} permission"
                     f"{'s' if n != 1 else ''}")
    if lost:
        n = sum(1 for e in diff.effects if e.kind == "lost")
        parts.append(f"{len(lost)} lost {n}")
    if other:
        parts.append(f"{len(other)} with answers that became (un)determinable")
    projects = sorted({e.project_key for e in diff.effects if e.project_key})
    where = f" (projects: {', '.join(projects)})" if projects else ""
    return "; ".join(parts) + where + "."


def _grouped_changes(changes: tuple[ConfigChange, ...]) -> list[tuple[str, list[ConfigChange]]]:
    titles = {
        "grant": "Permission scheme grants", "scheme": "Permission schemes", "project": "Projects",
        "scheme_assignment": "Scheme assignments", "role_actor": "Role actors", "group": "Groups",
        "group_member": "Group members", "account": "Accounts", "product": "Product access",
        "global_grant": "Global permissions", "account_global": "Global permissions reported per account",
        "security_level": "Issue security", "workflow_property": "Workflow properties",
        "workflow_scheme": "Workflow schemes", "issue": "Issues", "team_role": "Team-managed roles",
        "completeness": "Completeness (what the sync could read)",
    }
    groups: dict[str, list[ConfigChange]] = defaultdict(list)
    for change in changes:
        groups[change.area].append(change)
    return [(titles.get(area, area), groups[area]) for area in titles if area in groups]


def diff_text(diff: SnapshotDiff, *, markdown: bool = False) -> str:
    esc = _md if markdown else (lambda s: s)
    out: list[str] = []
    site = diff.new_site if diff.new_site == diff.old_site else f"{diff.old_site} → {diff.new_site}"
    head = f"Changes in {site}"
    if diff.account is not None:
        head += f" for {diff.account.display_name}"
    out.append(f"## {esc(head)}" if markdown else head)
    out.append("")
    out.append(f"Old snapshot taken {_when(diff.old_taken_at)}; new snapshot taken {_when(diff.new_taken_at)}.")
    out.append("")
    for caution in diff.cautions:
        out.append(f"> ⚠ {esc(caution)}" if markdown else f"⚠ {caution}")
    if diff.cautions:
        out.append("")
    widening_changes, widening_effects = diff.widening_changes, diff.widening_effects
    if widening_changes or widening_effects:
        folded = [(name, kind, label) for name, _, rows in effect_lines(widening_effects) for kind, label in rows]
        title = f"⚠ Widening ({len(widening_changes) + len(folded)})"
        out.append(f"### {title}" if markdown else title)
        if markdown:
            out.append("")
        for change in widening_changes:
            out.append(f"- ⚠ {esc(change.summary)}" if markdown else f"  ⚠ {change.summary}")
        for name, kind, label in folded:
            line = f"{name} {EFFECT_WORDS[kind]} {label}"
            out.append(f"- ⚠ {esc(line)}" if markdown else f"  ⚠ {line}")
        out.append("")
    title = "Effect"
    out.append(f"### {title}" if markdown else f"{title}: {_effect_summary(diff)}")
    if markdown:
        out.append("")
        out.append(esc(_effect_summary(diff)))
    lines = effect_lines(diff.effects)
    width = max((len(EFFECT_WORDS[kind]) for _, _, rows in lines for kind, _ in rows), default=6)
    for name, aid, rows in lines:
        shown = name if aid == "anonymous" else f"{name} ({aid})"
        if markdown:
            out.append(f"- **{esc(shown)}**")
        else:
            out.append(f"  {shown}")
        for kind, label in rows:
            word = EFFECT_WORDS[kind]
            if markdown:
                out.append(f"  - {EFFECT_MARK[kind]} {word}: {esc(label)}")
            else:
                out.append(f"      {EFFECT_MARK[kind]} {word:<{width}}  {label}")
    out.append("")
    title = f"What changed ({len(diff.changes)})"
    out.append(f"### {title}" if markdown else title)
    if markdown:
        out.append("")
    if not diff.changes:
        out.append("- nothing" if markdown else "  nothing")
    for heading, changes in _grouped_changes(diff.changes):
        out.append(f"- **{heading}**" if markdown else f"  {heading}")
        for change in changes:
            flag = "⚠ " if change.widening else ""
            mark = MARK.get(change.action, "~")
            out.append(f"  - {mark} {flag}{esc(change.summary)}" if markdown else f"    {mark} {flag}{change.summary}")
    out.append("")
    verdict = ("Nothing changed in effect." if not diff.changed_in_effect
               else "Access changed in effect (exit code 1).")
    out.append(f"*{verdict}*" if markdown else verdict)
    return text_lines(out)


def diff_json(diff: SnapshotDiff) -> dict[str, Any]:
    return {
        "old": {"site": diff.old_site, "takenAt": diff.old_taken_at},
        "new": {"site": diff.new_site, "takenAt": diff.new_taken_at},
        "account": None if diff.account is None else account_json(diff.account),
        "changedInEffect": diff.changed_in_effect,
        "cautions": list(diff.cautions),
        "widening": {
            "changes": [c.summary for c in diff.widening_changes],
            "effects": [_effect_json(e) for e in diff.widening_effects],
        },
        "effects": [_effect_json(e) for e in diff.effects],
        "changes": [
            {"area": c.area, "action": c.action, "subject": c.subject, "summary": c.summary,
             "projects": list(c.projects), "accountId": c.account_id, "widening": c.widening, **(
                 {"detail": c.detail} if c.detail else {})}
            for c in diff.changes
        ],
        "evaluations": diff.evaluations,
    }


def _effect_json(e: Effect) -> dict[str, Any]:
    return {
        "accountId": e.account_id, "displayName": e.account_name, "permission": e.permission,
        "permissionName": catalogue.display_name(e.permission), "project": e.project_key, "issue": e.issue_key,
        "before": e.before.value if e.before else None, "after": e.after.value if e.after else None,
        "change": e.kind, "widening": e.widening,
    }
