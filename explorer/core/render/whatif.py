"""A what-if answer as text, Markdown (a change request for the ticket), JSON and HTML.

Text is for a terminal at 80 columns: counts first, dangers, then who gains and who loses what where
(accounts whose changes are identical share one entry), then what changes per project, then how to
see the proof of any line.  Every name from the snapshot is made safe to show
(:mod:`explorer.core.escape`).
"""

from __future__ import annotations

import shlex
import textwrap
from typing import Any

from explorer.core.escape import md, text_lines, visible
from explorer.core.model import ANONYMOUS_ID, Snapshot
from explorer.core.render.explain import when
from explorer.core.replay import catalogue
from explorer.core.whatif.engine import WhatIf
from explorer.core.whatif.language import account_text, changes_toml
from explorer.core.whatif.report import KINDS, AccountGroup, Line, PlaceSummary, Report, build_report

WIDTH = 80
GROUPS_SHOWN = 40
NAMES_SHOWN = 8
VERBS = {"lost": "loses", "gained": "gains", "unknown": "now cannot be determined:",
         "known": "now determined (was cannot determine):"}
MARKS = {"lost": "-", "gained": "+", "unknown": "?", "known": "="}
_NOUNS = {"lost": "lose", "gained": "gain", "unknown": "become undeterminable", "known": "become determined"}
_SUMMARY = {"lost": ("lose permissions", "loses permissions"), "gained": ("gain permissions", "gains permissions"),
            "unknown": ("get answers that can no longer be determined", "gets answers that can no longer be determined"),
            "known": ("get determined answers instead of 'cannot determine'",
                      "gets determined answers instead of 'cannot determine'")}


def report_of(result: WhatIf) -> Report:
    order = {p.key: i for i, p in enumerate(result.applied.before.projects)}
    return build_report(result.effects, order)


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def effect_summary(result: WhatIf, report: Report) -> str:
    """One sentence: how many accounts gain and lose how many answers, and where."""
    if not result.applied.changed:
        return "Nothing changes: every change is already so."
    if not result.effects:
        return "No account gains or loses anything: every answer stays the same."
    parts = []
    for kind in KINDS:
        accounts, cells = report.accounts[kind], report.cells[kind]
        if accounts:
            parts.append(f"{_plural(accounts, 'account')} {_SUMMARY[kind][accounts == 1]} ({_plural(cells, 'answer')})")
    places = [p.project_key for p in report.places if p.project_key is not None]
    where = ""
    if places:
        shown = ", ".join(places[:12]) + (f" and {len(places) - 12} more" if len(places) > 12 else "")
        where = f" in {_plural(len(places), 'project')} ({shown})"
    if any(p.project_key is None for p in report.places):
        where += " and site-wide" if where else " site-wide"
    return "; ".join(parts) + where + "."


def _who(result: WhatIf, aid: str, *, detail: bool) -> str:
    ix_name = result.effects.names.get(aid, aid)
    if aid == ANONYMOUS_ID or not detail:
        return ix_name
    account = next((a for a in result.applied.before.accounts if a.account_id == aid), None)
    extra = (account.email if account and account.email else aid)
    return f"{ix_name} ({extra})"


def _group_title(result: WhatIf, group: AccountGroup) -> str:
    ids = group.account_ids
    if len(ids) == 1:
        return _who(result, ids[0], detail=True)
    names = ", ".join(_who(result, a, detail=False) for a in ids[:NAMES_SHOWN])
    more = f" and {len(ids) - NAMES_SHOWN:,} more" if len(ids) > NAMES_SHOWN else ""
    return f"{names}{more} ({len(ids):,} accounts)"


def line_words(line: Line) -> tuple[str, str]:
    """(what, where) of a line: 'loses Browse Projects, Add Comments (2)', 'in ENG, OPS'."""
    perms = [catalogue.display_name(p) for p in line.permissions]
    count = f" ({len(perms)})" if len(perms) > 3 else ""
    places = [p for p in line.places if p != "the site"]
    where = f"in {', '.join(places)}" if places else ""
    if "the site" in line.places:
        where = (where + " and " if where else "") + "site-wide"
    return f"{VERBS[line.kind]} {', '.join(perms)}{count}", where


def _wrap(text: str, indent: int, hang: int, width: int = WIDTH) -> list[str]:
    return textwrap.wrap(text, width, initial_indent=" " * indent, subsequent_indent=" " * hang,
                         break_on_hyphens=False) or [" " * indent]


def whatif_text(result: WhatIf, *, source: str = "--demo") -> str:
    """The answer for a terminal (``source``: the snapshot flags, used in the command that proves a line)."""
    report = report_of(result)
    snap = result.applied.before
    out: list[str] = [f"What if... on {snap.site.url}", f"(snapshot taken {when(snap.provenance.taken_at)})", ""]
    out.append(f"Changes ({len(result.changes)})")
    for n, outcome in enumerate(result.applied.outcomes, 1):
        out += _wrap(f"{n}. {outcome.change.summary}", 2, 5)
        out.append(f"     {outcome.change.command_line}")
        if outcome.note:
            out += _wrap(("= " if not outcome.applied else "note: ") + outcome.note, 5, 7)
    out += ["", *effect_lines(result, report)]
    if result.effects:
        out += [""]
        out += _wrap("The proof of any line under the changes, here of the first one (change --account, "
                     "--permission and --project for another):", 0, 0)
        out.append(f"  {prove_command(result, source, report)}")
    out += ["", "Access changes in effect (exit code 1)." if result.changed_in_effect
            else "Nothing changes in effect (exit code 0)."]
    return text_lines(out)


def effect_text(result: WhatIf, *, width: int = WIDTH) -> str:
    """The effect alone (counts, dangers, who gains and loses, per project), wrapped to ``width``."""
    return text_lines(effect_lines(result, report_of(result), width))


def effect_lines(result: WhatIf, report: Report, width: int = WIDTH) -> list[str]:
    out = _wrap(f"Effect: {effect_summary(result, report)}", 0, 2, width)
    if result.dangers:
        out += ["", f"⚠ Dangerous outcomes ({len(result.dangers)})"]
        for danger in result.dangers:
            out += _wrap(f"⚠ {danger.summary}", 2, 4, width)
            for detail in danger.details:
                out += _wrap(f"- {detail}", 4, 6, width)
    if report.groups:
        grouped = len(report.groups) < report.changed_accounts
        same = f", {_plural(len(report.groups), 'group')} of the same changes" if grouped else ""
        out += ["", f"Who gains and who loses ({_plural(report.changed_accounts, 'account')}{same})"]
        for group in report.groups[:GROUPS_SHOWN]:
            out += _wrap(_group_title(result, group), 2, 4, width)
            for line in group.lines:
                what, where = line_words(line)
                out += _wrap(f"{MARKS[line.kind]} {what} {where}".rstrip(), 4, 6, width)
        hidden = report.groups[GROUPS_SHOWN:]
        if hidden:
            accounts = sum(len(g.account_ids) for g in hidden)
            out += _wrap(f"... and {len(hidden):,} more groups ({_plural(accounts, 'account')}); the JSON output "
                         "lists every account", 2, 4, width)
    if report.places:
        out += ["", "Per project"]
        key_width = max(len(p.project_key or "site-wide") for p in report.places)
        for place in report.places:
            out += _wrap(f"{(place.project_key or 'site-wide'):<{key_width}}  {place_words(place)}", 2,
                         4 + key_width, width)
    return out


def place_words(place: PlaceSummary) -> str:
    parts = []
    for kind in KINDS:
        n = place.accounts.get(kind)
        if not n:
            continue
        perms = [catalogue.display_name(p) for p in place.permissions[kind]]
        shown = ", ".join(perms[:4]) + (f" and {len(perms) - 4} more" if len(perms) > 4 else "")
        if kind in ("lost", "gained"):
            parts.append(f"{_plural(n, 'account')} {_NOUNS[kind]}{'s' if n == 1 else ''} {shown}")
        else:
            parts.append(f"{_plural(place.cells[kind], 'answer')} {_NOUNS[kind]} ({shown})")
    return "; ".join(parts)


def prove_command(result: WhatIf, source: str, report: Report | None = None) -> str:
    """The explain command that shows the proof of a line under the changes: of the first line, when there is one."""
    flags = " ".join(c.command_line for c in result.changes)
    question = "--account ACCOUNT --permission PERMISSION --project KEY"
    report = report or report_of(result)
    if report.groups:
        group = report.groups[0]
        line = group.lines[0]
        snap = result.applied.before
        aid = group.account_ids[0]
        account = next((a for a in snap.accounts if a.account_id == aid), None)
        who = "anonymous" if aid == ANONYMOUS_ID else account_text(snap, account) if account else aid
        place = line.places[0]
        scope = "" if place == "the site" else (
            f" --project {place}" if any(p.key == place for p in snap.projects) else f" --issue {place}")
        question = f"--account {shlex.quote(who)} --permission {line.permissions[0]}{scope}"
    return f"jira-perms explain {source} {flags} {question}"


# ---------------------------------------------------------------- markdown: a change request


def whatif_markdown(result: WhatIf, *, source: str = "--demo", title: str = "") -> str:
    """A change request for the ticket: what to change, in Jira's words, and what it does to whom."""
    report = report_of(result)
    snap = result.applied.before
    out = [f"## {md(title or 'Permission change request')}", "",
           f"**Site:** {md(snap.site.url)} · **Snapshot:** {when(snap.provenance.taken_at)} · "
           f"**Checked with:** jira-perms whatif", "", "### Proposed changes", ""]
    for outcome in result.applied.outcomes:
        state = "" if outcome.applied else " *(already so: nothing to do)*"
        out.append(f"- [ ] {md(outcome.change.summary)}{state}")
        if outcome.note:
            out.append(f"  - {md(outcome.note)}")
    out += ["", "### Effect", "", md(effect_summary(result, report))]
    if result.dangers:
        out += ["", "### ⚠ Dangerous outcomes", ""]
        for danger in result.dangers:
            out.append(f"- ⚠ **{md(danger.summary)}**")
            out += [f"  - {md(detail)}" for detail in danger.details]
    if report.groups:
        out += ["", "### Who gains and who loses", ""]
        for group in report.groups[:GROUPS_SHOWN]:
            out.append(f"- **{md(_group_title(result, group))}**")
            for line in group.lines:
                what, where = line_words(line)
                out.append(f"  - {md(what)} {md(where)}".rstrip())
        hidden = report.groups[GROUPS_SHOWN:]
        if hidden:
            out.append(f"- … and {len(hidden):,} more groups of accounts (the JSON output lists every account)")
    if report.places:
        out += ["", "### Per project", "", "| Project | What changes |", "|---|---|"]
        for place in report.places:
            out.append(f"| {md(place.project_key or 'site-wide')} | {md(place_words(place))} |")
    out += ["", "### Check it", "", "Re-run the check, or see the proof of any line under the changes:", "",
            "```", _fence(f"jira-perms whatif {source} " + " ".join(c.command_line for c in result.changes)),
            _fence(prove_command(result, source, report)), "```", "",
            "*Replayed offline by jira-perms from a snapshot of the site's permission configuration; Jira was not "
            "changed.*"]
    return "\n".join(out) + "\n"


def _fence(text: str) -> str:
    """A line inside a code block: nothing to escape but controls and a closing fence."""
    return visible(text, one_line=True).replace("`" * 3, "'" * 3)


# ---------------------------------------------------------------- JSON


def whatif_json(result: WhatIf) -> dict[str, Any]:
    report = report_of(result)
    names = result.effects.names
    return {
        "site": result.applied.before.site.url,
        "takenAt": result.applied.before.provenance.taken_at,
        "changes": outcomes_json(result.applied.outcomes),
        "changedInEffect": result.changed_in_effect,
        "summary": effect_summary(result, report),
        "counts": {"accounts": report.accounts, "answers": report.cells, "changedAccounts": report.changed_accounts},
        "dangers": [{"kind": d.kind, "summary": d.summary, "details": list(d.details), "accounts": list(d.account_ids),
                     "places": list(d.places), "permission": d.permission, "profile": d.profile_id}
                    for d in result.dangers],
        "groups": [
            {"accounts": [{"accountId": a, "displayName": names.get(a, a)} for a in g.account_ids],
             "changes": [{"change": line.kind, "permissions": list(line.permissions), "places": list(line.places)}
                         for line in g.lines]}
            for g in report.groups
        ],
        "projects": [{"project": p.project_key, "accounts": p.accounts, "answers": p.cells,
                      "permissions": {k: list(v) for k, v in p.permissions.items()}} for p in report.places],
        "effects": [
            {"accountId": x.account_id, "displayName": x.account_name, "permission": x.permission,
             "project": x.project_key, "issue": x.issue_key, "before": x.before.value if x.before else None,
             "after": x.after.value if x.after else None, "change": x.kind}
            for x in result.effects.effects()
        ],
        "changesFile": changes_toml(result.changes, site=result.applied.before.site.url),
    }


# ---------------------------------------------------------------- HTML


def whatif_html(result: WhatIf, *, source: str = "--demo") -> str:
    from explorer.core.render.html import e, page  # only HTML needs it (its import is not small)

    report = report_of(result)
    snap: Snapshot = result.applied.before
    body = ["<h2>Proposed changes</h2><ol>"]
    for outcome in result.applied.outcomes:
        note = f'<br><span class="meta">{e(outcome.note)}</span>' if outcome.note else ""
        state = "" if outcome.applied else ' <span class="tag">already so</span>'
        body.append(f"<li>{e(outcome.change.summary)}{state}<br><code>{e(outcome.change.command_line)}</code>"
                    f"{note}</li>")
    body.append(f'</ol><h2>Effect</h2><p class="headline">{e(effect_summary(result, report))}</p>')
    if result.dangers:
        items = "".join(f"<li><b>{e(d.summary)}</b>" + (
            "<ul>" + "".join(f"<li>{e(x)}</li>" for x in d.details) + "</ul>" if d.details else "") + "</li>"
            for d in result.dangers)
        body.append(f'<div class="warn"><b>⚠ Dangerous outcomes</b><ul>{items}</ul></div>')
    if report.groups:
        body.append("<h2>Who gains and who loses</h2><table><tr><th>Accounts</th><th>Changes</th></tr>")
        for group in report.groups:
            lines = "".join(f'<li class="{"allowed" if line.kind == "gained" else "denied" if line.kind == "lost" else "unknown"}">'
                            f"{e(MARKS[line.kind])} {e(' '.join(line_words(line)))}</li>" for line in group.lines)
            names = ", ".join(e(result.effects.names.get(a, a)) for a in group.account_ids[:200])
            more = f" and {len(group.account_ids) - 200:,} more" if len(group.account_ids) > 200 else ""
            body.append(f'<tr><td>{names}{more}</td><td><ul class="checks">{lines}</ul></td></tr>')
        body.append("</table>")
    if report.places:
        body.append("<h2>Per project</h2><table><tr><th>Project</th><th>What changes</th></tr>")
        body += [f"<tr><td>{e(p.project_key or 'site-wide')}</td><td>{e(place_words(p))}</td></tr>"
                 for p in report.places]
        body.append("</table>")
    if result.effects:
        body.append(f"<h2>The proof of any line</h2><p>Here of the first one:</p>"
                    f"<p><code>{e(prove_command(result, source, report))}</code></p>")
    verdict = "Access changes in effect." if result.changed_in_effect else "Nothing changes in effect."
    body.append(f"<p><b>{verdict}</b></p>")
    return page("What if", "jira-perms what-if", snap, "".join(body),
                subtitle=e(f"{len(result.changes)} proposed change{'s' if len(result.changes) != 1 else ''}"))


# ---------------------------------------------------------------- an answer given under proposed changes


def proposed_preamble(outcomes, fmt: str) -> str:
    """What goes before any answer (an explanation, a table) given under proposed changes, so that a copy of it
    can never pass for the site as it is; ``fmt``: text or markdown."""
    if not outcomes:
        return ""
    if fmt == "markdown":
        lines = ["> **What if** (proposed, not made in Jira):"]
        lines += [f"> - {md(o.change.summary)}" + ("" if o.applied else f" ({md(o.note)})") for o in outcomes]
        return "\n".join(lines) + "\n\n"
    lines = ["What if (proposed, not made in Jira):"]
    lines += [f"  * {o.change.summary}" + ("" if o.applied else f" ({o.note})") for o in outcomes]
    return text_lines([*lines, ""])


def outcomes_json(outcomes) -> list[dict[str, Any]]:
    """The proposed changes as JSON (``whatIf`` beside an answer given under them)."""
    return [{"kind": o.change.kind.value, "text": o.change.text, "summary": o.change.summary, "applied": o.applied,
             "note": o.note or None} for o in outcomes]
