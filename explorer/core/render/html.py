"""Self-contained HTML reports (``jira-perms report``): one file, inline CSS, no scripts, no external assets.

Readable in any browser and printable (print CSS: no backgrounds needed, tables
that do not split rows, landscape pages for wide matrices).  Every string that
comes from a site (names, groups, summaries, scheme names) is HTML-escaped.

* :func:`account_report`: what one account can do: its groups, products, global
  permissions, roles, the permission matrix across every project, and
  optionally the full explanation of one question;
* :func:`project_report`: every account's permissions in one project, with the
  scheme's grants and the role actors;
* :func:`explanation_report`: one explanation on its own;
* :func:`audit_report`: an integration-readiness audit (``explorer.core.readiness.audit``).

Pure: returns strings; the caller writes the file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from html import escape

from explorer import __version__
from explorer.core.model import Account, Project, Snapshot
from explorer.core.render.explain import BANNER, rules_cited
from explorer.core.replay import catalogue
from explorer.core.replay.cache import index_for
from explorer.core.replay.decisions import RULES_DOC
from explorer.core.replay.evaluator import evaluate_in, resolve_scope
from explorer.core.replay.explanation import KIND_LABELS, Check, Explanation, Verdict
from explorer.core.replay.holders import holder_label
from explorer.core.replay.queries import Matrix, account_matrix, project_matrix

CSS = """
:root { --ok: #1a7f37; --no: #b42318; --unk: #9a6700; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0;
        --okbg: #dafbe1; --nobg: #ffebe9; --unkbg: #fff8c5; --head: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif;
       color: var(--ink); margin: 0 auto; max-width: 1180px; padding: 24px 28px 48px; }
header { border-bottom: 3px solid var(--ink); margin-bottom: 18px; padding-bottom: 10px; }
header .kicker { color: var(--muted); font-size: 12px; letter-spacing: .06em; text-transform: uppercase; }
h1 { font-size: 26px; margin: 4px 0 6px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
p, li { max-width: 95ch; }
.meta { color: var(--muted); font-size: 13px; }
.meta b { color: var(--ink); font-weight: 600; }
.banner { display: inline-block; font-weight: 700; padding: 4px 12px; border-radius: 6px; font-size: 15px; }
.allowed, .banner.allowed { color: var(--ok); } .banner.allowed { background: var(--okbg); }
.denied, .banner.denied { color: var(--no); } .banner.denied { background: var(--nobg); }
.unknown, .banner.unknown { color: var(--unk); } .banner.unknown { background: var(--unkbg); }
.headline { font-size: 16px; margin: 10px 0 4px; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--head); font-weight: 600; }
tr { break-inside: avoid; page-break-inside: avoid; }
table.matrix td.c { text-align: center; width: 24px; padding: 2px 0; font-weight: 700; }
table.matrix td.c.allowed { background: var(--okbg); } table.matrix td.c.denied { color: #8c959f; }
table.matrix td.c.unknown { background: var(--unkbg); } table.matrix td.c.na { color: #8c959f; }
table.matrix td.c.miss { background: var(--nobg); color: var(--no); }
table.matrix th.v { height: 190px; white-space: nowrap; vertical-align: bottom; padding: 4px 0; width: 24px; }
table.matrix th.v div { writing-mode: vertical-rl; transform: rotate(180deg); font-weight: 500; font-size: 12px;
                        margin: 0 auto; }
table.matrix th.cat { background: #eef1f4; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
table.matrix td.name { white-space: nowrap; }
.checks { list-style: none; padding-left: 0; }
.checks li { margin: 3px 0; }
.checks ul { list-style: none; padding-left: 22px; margin: 2px 0; }
.sym { display: inline-block; width: 1.3em; font-weight: 700; }
.decisive { font-weight: 600; }
.fix { margin: 6px 0; }
.fix .blast { color: var(--muted); }
.legend { color: var(--muted); font-size: 12px; }
.tag { display: inline-block; border: 1px solid var(--line); border-radius: 10px; padding: 0 8px; margin: 1px 2px;
       font-size: 12px; background: var(--head); }
.warn { border-left: 4px solid var(--unk); background: var(--unkbg); padding: 6px 10px; }
footer { margin-top: 36px; border-top: 1px solid var(--line); padding-top: 8px; color: var(--muted); font-size: 12px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  @page { margin: 14mm; }
  @page wide { size: A4 landscape; }
  section.wide { page: wide; }
  h2 { break-after: avoid; page-break-after: avoid; }
  table.matrix td.c, .banner, .warn {
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
"""

CLASS = {Verdict.ALLOWED: "allowed", Verdict.DENIED: "denied", Verdict.UNKNOWN: "unknown"}
CELL = {Verdict.ALLOWED: "✓", Verdict.DENIED: "·", Verdict.UNKNOWN: "?"}
LEGEND = ('<p class="legend"><span class="allowed">✓</span> allowed &nbsp; · denied &nbsp; '
          '<span class="unknown">?</span> cannot determine (the snapshot lacks a fact)</p>')


def e(value: object) -> str:
    """Escape anything for HTML text and attribute values."""
    return escape("" if value is None else str(value), quote=True)


def _when(iso: str) -> str:
    return iso.replace("T", " ").replace("Z", " UTC") if iso else "an unknown time"


def page(title: str, kicker: str, snapshot: Snapshot, body: str, *, subtitle: str = "") -> str:
    """A whole HTML document around ``body`` (already escaped HTML)."""
    site = snapshot.site
    meta = (f'<p class="meta"><b>Site</b> {e(site.url)}{" (" + e(site.title) + ")" if site.title else ""} · '
            f'<b>Snapshot taken</b> {e(_when(snapshot.provenance.taken_at))} · '
            f'<b>Deployment</b> {e(site.deployment.value)}</p>')
    sub = f'<p class="meta">{subtitle}</p>' if subtitle else ""
    gaps = snapshot.gaps
    gap_note = ""
    if gaps:
        items = "".join(f"<li>{e(f.describe())}; {e(f.remedy())}</li>" for f in gaps[:12])
        more = f"<li>and {len(gaps) - 12} more</li>" if len(gaps) > 12 else ""
        gap_note = (f'<div class="warn"><b>{len(gaps)} fact{"s" if len(gaps) != 1 else ""} the sync could not read '
                    f'completely.</b> Answers that depend on them say "cannot determine".<ul>{items}{more}</ul></div>')
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, '
        f'initial-scale=1"><meta name="generator" content="jira-perms {e(__version__)}">'
        f"<title>{e(title)}</title><style>{CSS}</style></head><body>"
        f'<header><div class="kicker">{e(kicker)}</div><h1>{e(title)}</h1>{sub}{meta}</header>'
        f"{gap_note}{body}"
        f"<footer>Replayed offline by jira-perms {e(__version__)} from a snapshot of the site's permission "
        "configuration; Jira itself was not asked. Where Jira's documentation is silent or conflicting, jira-perms "
        f"follows the decisions of its rules document (<code>{e(RULES_DOC)}</code>; in a terminal: "
        "<code>jira-perms rules</code>).</footer></body></html>\n"
    )


# ---------------------------------------------------------------- explanations


def _check_html(check: Check, depth: int = 0) -> str:
    cls = {True: "allowed", False: "denied", None: "unknown"}[check.passed]
    label = "" if depth else f"<b>{e(KIND_LABELS.get(check.kind, check.kind.value))}:</b> "
    decisive = " decisive" if check.decisive else ""
    children = ""
    if check.children:
        children = "<ul>" + "".join(_check_html(c, depth + 1) for c in check.children) + "</ul>"
    mark = " <span class=\"tag\">decided the answer</span>" if check.decisive and not depth else ""
    return (f'<li class="{decisive.strip()}"><span class="sym {cls}">{e(check.symbol)}</span>{label}'
            f"{e(check.summary)}{mark}{children}</li>")


def explanation_section(exp: Explanation, *, heading_level: int = 2) -> str:
    h = f"h{heading_level}"
    where = f"issue {exp.issue_key}" if exp.issue_key else (f"project {exp.project_key}" if exp.project_key
                                                             else "the site")
    out = [f"<section><{h}>{e(exp.account.display_name)} · {e(catalogue.display_name(exp.permission))} · "
           f"{e(where)}</{h}>",
           f'<p><span class="banner {CLASS[exp.verdict]}">{e(BANNER[exp.verdict])}</span></p>',
           f'<p class="headline">{e(exp.headline)}</p>']
    if exp.scheme_name:
        out.append(f'<p class="meta"><b>Permission scheme</b> {e(exp.scheme_name)}</p>')
    out.append("<h3>What Jira checks, in order</h3>")
    out.append('<ul class="checks">' + "".join(_check_html(c) for c in exp.checks) + "</ul>")
    if exp.verdict is Verdict.DENIED:
        out.append("<h3>How to fix it</h3>")
        if exp.fixes:
            out.append("<p>Smallest change first; each was proved by replaying the check with the change applied.</p>"
                       "<ol>")
            for fix in exp.fixes:
                note = f"<br><i>{e(fix.note)}</i>" if fix.note else ""
                out.append(f'<li class="fix">{e(fix.summary)}.<br><span class="blast">Blast radius: '
                           f"{e(fix.blast_summary)}.</span>{note}</li>")
            out.append("</ol>")
        else:
            out.append("<p>No single change found that would allow it (see the failed checks above).</p>")
    if exp.verdict is Verdict.UNKNOWN and exp.missing_facts:
        out.append("<h3>To get a definite answer</h3><ul>")
        out += [f"<li>{e(f.describe())}; {e(f.remedy())}</li>" for f in exp.missing_facts]
        out.append("</ul>")
    conflicts = list(dict.fromkeys(c.conflict for c in exp.checks if c.conflict))
    for note in conflicts:
        out.append(f'<p class="meta"><b>Note:</b> {e(note)}</p>')
    rules = rules_cited(exp)
    if rules:
        out.append(f'<p class="meta"><b>Rules cited</b> (in <code>{e(RULES_DOC)}</code>, or '
                   f"<code>jira-perms rules {e(rules[0].topic)}</code>):</p><ul class=\"meta\">")
        out += [f"<li>{e(r.label.capitalize())} (<code>{e(r.link)}</code>): {e(r.text)}</li>" for r in rules]
        out.append("</ul>")
    out.append("</section>")
    return "".join(out)


def explanation_report(snapshot: Snapshot, exp: Explanation) -> str:
    title = f"{exp.account.display_name}: {catalogue.display_name(exp.permission)}"
    return page(title, "jira-perms · permission explanation", snapshot, explanation_section(exp))


# ---------------------------------------------------------------- matrices


def _categories(permissions: Iterable[str]) -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for key in permissions:
        meta = catalogue.PROJECT_BY_KEY.get(key)
        groups[meta.category if meta else "Apps"].append(key)
    return list(groups.items())


def account_matrix_html(matrix: Matrix, projects: dict[str, Project]) -> str:
    """Rows: permissions (by category); columns: projects."""
    heads = "".join(
        f'<th class="v" title="{e(projects[r.ref].name if r.ref in projects else r.ref)}"><div>{e(r.label)}'
        f"{' (archived)' if r.ref in projects and projects[r.ref].archived else ''}</div></th>"
        for r in matrix.rows)
    out = [f'<table class="matrix"><thead><tr><th>Permission</th>{heads}</tr></thead><tbody>']
    for category, perms in _categories(matrix.permissions):
        out.append(f'<tr><th class="cat" colspan="{len(matrix.rows) + 1}">{e(category)}</th></tr>')
        for perm in perms:
            cells = "".join(f'<td class="c {CLASS[row.cells[perm]]}">{CELL[row.cells[perm]]}</td>'
                            for row in matrix.rows)
            out.append(f'<tr><td class="name">{e(catalogue.display_name(perm))}</td>{cells}</tr>')
    out.append("</tbody></table>")
    return "".join(out) + LEGEND


def project_matrix_html(matrix: Matrix, accounts: dict[str, Account]) -> str:
    """Rows: accounts; columns: permissions (vertical headers, by category)."""
    order = [p for _, perms in _categories(matrix.permissions) for p in perms]
    heads = "".join(f'<th class="v"><div>{e(catalogue.display_name(p))}</div></th>' for p in order)
    out = [f'<table class="matrix"><thead><tr><th>Account</th>{heads}</tr></thead><tbody>']
    for row in matrix.rows:
        acc = accounts.get(row.ref)
        kind = f" <span class=\"tag\">{e(acc.account_type.value)}</span>" if acc and acc.account_type.value not in (
            "atlassian",) else ""
        cells = "".join(f'<td class="c {CLASS[row.cells[p]]}" title="{e(catalogue.display_name(p))}">'
                        f"{CELL[row.cells[p]]}</td>" for p in order)
        out.append(f'<tr><td class="name">{e(row.label)}{kind}</td>{cells}</tr>')
    out.append("</tbody></table>")
    return "".join(out) + LEGEND


# ---------------------------------------------------------------- account report


def account_report(snapshot: Snapshot, account: Account, *, explanation: Explanation | None = None) -> str:
    """Everything one account can do on the site, with an optional explanation first."""
    ix = index_for(snapshot)
    body: list[str] = []
    if explanation is not None:
        body.append(explanation_section(explanation))
    state = "active" if account.active else "deactivated"
    facts = [f"<b>accountId</b> <code>{e(account.account_id)}</code>", f"<b>type</b> {e(account.account_type.value)}",
             f"<b>state</b> {e(state)}"]
    if account.email:
        facts.insert(1, f"<b>email</b> {e(account.email)}")
    body.append("<section><h2>Account</h2><p class=\"meta\">" + " · ".join(facts) + "</p>")
    groups = sorted(ix.groups_of(account.account_id))
    body.append("<h3>Groups</h3><p>" + ("".join(f'<span class="tag">{e(g)}</span>' for g in groups)
                                         or "Member of no group.") + "</p>")
    products = []
    for role in snapshot.application_roles:
        has, via, _ = ix.product_access(account.account_id, role.key)
        word = "yes, via group " + via if has else ("cannot determine" if has is None else "no")
        products.append(f"<tr><td>{e(role.name)}</td><td>{e(word)}</td></tr>")
    if products:
        body.append("<h3>Product access</h3><table><tr><th>Product</th><th>Access</th></tr>"
                    + "".join(products) + "</table>")
    rows = []
    for perm in catalogue.GLOBAL_PERMISSIONS:
        exp = evaluate_in(ix, account, perm.key)
        how = next((c.summary for c in exp.checks if c.decisive), exp.headline)
        rows.append(f'<tr><td class="{CLASS[exp.verdict]}"><b>{CELL[exp.verdict]}</b></td><td>{e(perm.name)}</td>'
                    f"<td>{e(how)}</td></tr>")
    body.append("<h3>Global permissions</h3><table><tr><th></th><th>Permission</th><th>Why</th></tr>"
                + "".join(rows) + "</table>")
    roles = []
    for project in snapshot.projects:
        held = []
        for role_id in sorted(project.role_actors):
            actor, via, _ = ix.role_actor(project, role_id, account.account_id)
            if actor:
                held.append(f"{ix.role_name(role_id)}" + (f" (via {via[0]})" if len(via) > 1 else ""))
        if project.lead == account.account_id:
            held.append("project lead")
        if held:
            roles.append(f"<tr><td>{e(project.key)}</td><td>{e(project.name)}</td><td>{e(', '.join(held))}</td></tr>")
    body.append("<h3>Project roles</h3>" + ("<table><tr><th>Project</th><th>Name</th><th>Roles</th></tr>"
                                             + "".join(roles) + "</table>" if roles else "<p>No project role.</p>"))
    body.append("</section>")
    matrix = account_matrix(snapshot, account)
    body.append(f'<section class="wide"><h2>Permissions in every project</h2>'
                f"{account_matrix_html(matrix, {p.key: p for p in snapshot.projects})}</section>")
    title = f"{account.display_name}: permissions"
    return page(title, "jira-perms · account report", snapshot, "".join(body))


# ---------------------------------------------------------------- project report


def project_report(snapshot: Snapshot, project_key: str, *, include_inactive: bool = False) -> str:
    """Every account's permissions in one project, the scheme's grants and the role actors."""
    ix = index_for(snapshot)
    project, _ = resolve_scope(ix, project_key, None)
    matrix = project_matrix(snapshot, project.key, include_inactive=include_inactive)
    body: list[str] = []
    scheme, _ = ix.scheme(project) if project.permission_scheme_id else (None, None)
    facts = [f"<b>type</b> {e(project.project_type.value)}",
             "<b>team-managed</b>" if project.team_managed else "<b>company-managed</b>"]
    if project.archived:
        facts.append("<b>archived</b>")
    if project.lead:
        facts.append(f"<b>lead</b> {e(ix.name(project.lead))}")
    if scheme is not None:
        facts.append(f"<b>permission scheme</b> {e(scheme.name)}")
    body.append(f"<section><h2>Project</h2><p class=\"meta\">{' · '.join(facts)}</p></section>")
    counts = {v: sum(1 for r in matrix.rows for c in r.cells.values() if c is v) for v in Verdict}
    body.append(f'<section class="wide"><h2>Who can do what</h2><p>{len(matrix.rows)} accounts (the anonymous '
                f"visitor included{', deactivated ones too' if include_inactive else '; deactivated ones left out'})"
                f" × {len(matrix.permissions)} permissions: {counts[Verdict.ALLOWED]} allowed, "
                f"{counts[Verdict.UNKNOWN]} cannot be determined.</p>"
                f"{project_matrix_html(matrix, {a.account_id: a for a in snapshot.accounts})}</section>")
    if scheme is not None:
        rows = []
        for perm in catalogue.PROJECT_PERMISSIONS:
            grants = ix.grants(scheme, perm.key)
            who = ", ".join(holder_label(ix, g.holder, project) for g in grants) or "—"
            rows.append(f"<tr><td>{e(perm.name)}</td><td>{e(who)}</td></tr>")
        body.append(f"<section><h2>Permission scheme '{e(scheme.name)}'</h2><table><tr><th>Permission</th>"
                    f"<th>Granted to</th></tr>{''.join(rows)}</table></section>")
    elif project.team_managed:
        rows = [f"<tr><td>{e(r.name)}</td><td>{e(', '.join(catalogue.display_name(p) for p in sorted(r.permissions)))}"
                "</td></tr>" for r in project.team_roles]
        body.append("<section><h2>Team-managed roles</h2>" + (
            f"<table><tr><th>Role</th><th>Permissions</th></tr>{''.join(rows)}</table>" if rows
            else "<p>The snapshot does not hold this project's role permissions.</p>") + "</section>")
    actors = []
    for role_id, who in sorted(project.role_actors.items(), key=lambda kv: ix.role_name(kv[0])):
        people = [ix.name(u) for u in who.users] + [f"group {g}" for g in who.groups]
        actors.append(f"<tr><td>{e(ix.role_name(role_id))}</td><td>{e(', '.join(people) or '—')}</td></tr>")
    if actors:
        body.append(f"<section><h2>Role actors</h2><table><tr><th>Role</th><th>Actors</th></tr>{''.join(actors)}"
                    "</table></section>")
    title = f"{project.key} ({project.name}): who can do what"
    return page(title, "jira-perms · project report", snapshot, "".join(body))


# ---------------------------------------------------------------- audit report


def audit_report(snapshot: Snapshot, report) -> str:
    """An integration-readiness audit (:class:`explorer.core.readiness.audit.AuditReport`) as a page."""
    from explorer.core.render.audit import BANNER as AUDIT_BANNER
    from explorer.core.render.audit import cell_reason, cell_symbol, totals_line

    profile, account = report.profile, report.account
    state = {"ready": "allowed", "not_ready": "denied", "cannot_determine": "unknown"}[report.readiness.value]
    body = [f'<section><p><span class="banner {state}">{e(AUDIT_BANNER[report.readiness])}</span></p>',
            f'<p class="headline">{e(account.display_name)} for {e(profile.display)}</p>',
            f"<p>{e(profile.purpose)}</p><p class=\"meta\"><b>Source</b> {e(profile.source)}</p>",
            f"<p>{e(totals_line(report))}</p></section>"]
    if report.columns:
        heads = "".join(f'<th class="v"><div>{c.number}. {e(c.requirement.short)}</div></th>' for c in report.columns)
        rows = []
        site = report.site_cells
        if any(c is not None for c in site):
            cells = "".join(_audit_cell(c, cell_symbol) for c in site)
            rows.append(f'<tr><td class="name"><i>site-wide</i></td>{cells}</tr>')
        for row in report.rows:
            cells = "".join(_audit_cell(c, cell_symbol) for c in row.cells)
            rows.append(f'<tr><td class="name">{e(row.readiness.symbol)} {e(row.project.key)}</td>{cells}</tr>')
        body.append(f'<section class="wide"><h2>Requirements by project</h2><table class="matrix"><thead><tr>'
                    f"<th>Project</th>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
                    '<p class="legend">✓ met · ✗ missing · ? cannot determine · – does not apply</p>')
        body.append("<ol>" + "".join(f"<li>{e(c.requirement.label)} <span class=\"tag\">{e(c.feature.id)}</span>"
                                     f"<br><span class=\"meta\">{e(c.requirement.why)}</span></li>"
                                     for c in report.columns) + "</ol></section>")
    missing = [c for c in report.cells() if c.verdict is not Verdict.ALLOWED]
    if missing:
        items = []
        for cell in missing:
            where = cell.project_key or "site-wide"
            fix = cell.best_fix
            fix_html = (f"<br>Fix: {e(fix.summary)}. <span class=\"blast\">Blast radius: {e(fix.blast_summary)}."
                        "</span>") if fix else ""
            items.append(f'<li class="fix"><span class="sym {CLASS[cell.verdict]}">{e(cell.verdict.symbol)}</span>'
                         f"<b>{e(where)}</b> · {e(cell.requirement.label)}: {e(cell_reason(cell))}.{fix_html}</li>")
        body.append(f"<section><h2>What is missing, and the smallest fixes</h2><ul class=\"checks\">{''.join(items)}"
                    "</ul></section>")
    findings = "".join(
        f"<li><b>{e(f.severity.upper())}</b>{' [' + e(f.project_key) + ']' if f.project_key else ''} {e(f.summary)}."
        f"{'<br><span class=meta>via ' + e('; '.join(f.via)) + '</span>' if f.via else ''}"
        f"<br>To remove: {e(f.remedy)}.</li>" for f in report.findings)
    body.append(f"<section><h2>Least privilege: held beyond the profile</h2>"
                f"{'<ul>' + findings + '</ul>' if findings else '<p>Nothing found.</p>'}</section>")
    title = f"{account.display_name} · {profile.name} readiness"
    return page(title, "jira-perms · integration audit", snapshot, "".join(body))


def _audit_cell(cell, symbol) -> str:
    if cell is None:
        return '<td class="c na">–</td>'
    css = "miss" if cell.verdict is Verdict.DENIED else CLASS[cell.verdict]
    return f'<td class="c {css}" title="{e(cell.headline)}">{e(symbol(cell))}</td>'
