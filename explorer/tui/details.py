"""The detail pane's content for each kind of tree node, as Rich renderables.

Everything is computed from the shown snapshot (redacted or not), so what the
pane says is redacted exactly when the tree is.  The account summary needs a
replay per project and is computed by :func:`account_summary` (the pane calls
it from a worker on big sites).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from explorer.core.model import Account, Fact, FactKind, Project, Snapshot
from explorer.core.model import Group as JGroup
from explorer.core.render.summary import snapshot_summary_text
from explorer.core.replay import catalogue
from explorer.core.replay.explanation import Verdict
from explorer.core.replay.holders import canonical_type, holder_label
from explorer.core.replay.rules import EDITABLE_KEYS
from explorer.tui.catalog import Catalog, Item, account_label
from explorer.tui.text import assemble, plain

HINT = "e explain · w who can · m matrix · c copy"


def _title(text: str, sub: str = "") -> Text:
    out = plain(text, "bold", newlines=False)
    if sub:
        out.append_text(plain(f"  {sub}", "italic", newlines=False))
    return out


def _add(table: Table, *cells: str | RenderableType) -> None:
    """A row whose text cells are shown exactly (a ``str`` cell would be read as Rich markup)."""
    table.add_row(*[plain(c) if isinstance(c, str) else c for c in cells])


def _kv(rows: list[tuple[str, str]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for k, v in rows:
        _add(table, k, v)
    return table


def _table(*headers: str) -> Table:
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold underline", expand=False)
    for h in headers:
        table.add_column(h)
    return table


SHOWN_ROWS = 20
"""A list in the pane shows at most this many rows, then "… and N more" (the matrix and who-can have them all)."""


def render(item: Item, cat: Catalog, facts: AccountFacts | None = None) -> RenderableType:
    """The detail pane for ``item``; ``facts`` are an account's roles and summary once worked out."""
    fn = _RENDERERS.get(item.kind)
    if fn is None:
        return Group(_title(item.label), plain(item.badge))
    if item.kind in ("account", "actor") and isinstance(item.ref, Account):
        return account_detail(item.ref, cat, facts)
    return fn(item, cat)


def _more(shown: int, total: int, what: str) -> list[RenderableType]:
    """The "… and N more" line of a list cut to ``shown`` rows (none when it was not cut)."""
    return [plain(f"… and {total - shown} more {what}", "italic")] if total > shown else []


# ---------------------------------------------------------------- accounts

@dataclass(frozen=True, slots=True)
class AccountFacts:
    """What takes a replay or a walk over every project: worked out in a worker (:func:`account_facts`)."""

    roles: tuple[tuple[str, str], ...]  # (project key, "Developers, QA via group x")
    summary: str


def account_detail(account: Account, cat: Catalog, facts: AccountFacts | None) -> RenderableType:
    ix = cat.ix
    snap = cat.snapshot
    kind = {"atlassian": "person or service account", "app": "app (bot) account",
            "customer": "portal customer", "anonymous": "logged-out visitor"}[account.account_type.value]
    ids = [("Username", account.username), ("User key", account.account_id)] if account.username else \
        [("Account id", account.account_id)]
    rows = [("Account", account_label(account)), ("Email", account.email or "(hidden or none)"), *ids,
            ("Kind", kind + ("" if account.active else ", DEACTIVATED"))]
    groups = sorted(ix.groups_of(account.account_id))
    rows.append(("Groups", ", ".join(groups) if groups else "none"))
    products = []
    for role in snap.application_roles:
        ok, via, _ = ix.product_access(account.account_id, role.key)
        if ok:
            products.append(f"{role.name} (via {via})")
        elif ok is None:
            products.append(f"{role.name}? (membership not fully known)")
    rows.append(("Products", "; ".join(products) if products else "no Jira product access"))
    parts: list[RenderableType] = [_title(account.display_name, "account"), _kv(rows), plain("")]
    if facts is None:
        parts.append(plain("Project roles: working them out…", "italic"))
    elif facts.roles:
        roles = _table("Project", "Roles (direct or via a group)")
        for key, names in facts.roles[:SHOWN_ROWS]:
            _add(roles, key, names)
        parts += [roles, *_more(SHOWN_ROWS, len(facts.roles), "projects (m: the account's matrix)")]
    else:
        parts.append(plain("No project roles."))
    parts.append(plain(""))
    parts.append(assemble(("Summary: ", "bold"), facts.summary if facts else "working it out…"))
    parts.append(plain(""))
    parts.append(plain(HINT + " · i audit for an integration", style="italic"))
    return Group(*parts)


FULL_COUNT_LIMIT = 50
"""Up to this many projects the summary also counts every project permission allowed."""


class Cancelled(Exception):
    """The summary is no longer wanted (the cursor moved on)."""


def account_facts(snapshot: Snapshot, account: Account, stop=lambda: False) -> AccountFacts:
    """The account's roles in every project and its one-line summary (``stop()`` true raises Cancelled)."""
    from explorer.core.replay.cache import index_for

    ix = index_for(snapshot)
    roles: list[tuple[str, str]] = []
    for n, project in enumerate(snapshot.projects):
        if n % 50 == 0 and stop():
            raise Cancelled
        names = []
        for role_id in project.role_actors:
            actor, via, _ = ix.role_actor(project, role_id, account.account_id)
            if actor:
                how = f" via {via[0]}" if via and via[0].startswith("group ") else ""
                names.append(f"{ix.role_name(role_id)}{how}")
        if names:
            roles.append((project.key, ", ".join(sorted(names))))
    return AccountFacts(tuple(roles), account_summary(snapshot, account, stop))


def account_summary(snapshot: Snapshot, account: Account, stop=lambda: False) -> str:
    """One line on what an account can do across the site; ``stop()`` true abandons it (raises Cancelled).

    Uses the core's set evaluation with a one-account universe, so a site with
    thousands of projects takes a fraction of a second (and yields the interpreter
    often to the UI thread).
    """
    from explorer.core.replay import bulk
    from explorer.core.replay.cache import index_for
    from explorer.core.replay.evaluator import evaluate_in

    ix = index_for(snapshot)
    browse: list[str] = []
    admin: list[str] = []
    unknown: list[str] = []
    allowed = 0
    full = len(snapshot.projects) <= FULL_COUNT_LIMIT
    keys = [p.key for p in catalogue.PROJECT_PERMISSIONS] if full else [catalogue.BROWSE,
                                                                        catalogue.ADMINISTER_PROJECTS]
    universe = frozenset({account.account_id})

    def verdicts(project) -> dict[str, Verdict]:
        try:
            sets = bulk.many_verdicts(ix, keys, project, None, universe)
        except bulk.Unsupported:
            return {k: evaluate_in(ix, account, k, project.key).verdict for k in keys}
        return {k: r.verdict(account.account_id) for k, r in sets.items()}

    for n, project in enumerate(snapshot.projects):
        if n % 20 == 0 and stop():
            raise Cancelled
        cells = verdicts(project)
        if cells[catalogue.BROWSE] is Verdict.ALLOWED:
            browse.append(project.key)
        elif cells[catalogue.BROWSE] is Verdict.UNKNOWN:
            unknown.append(project.key)
        if cells[catalogue.ADMINISTER_PROJECTS] is Verdict.ALLOWED:
            admin.append(project.key)
        if full:
            allowed += sum(1 for v in cells.values() if v is Verdict.ALLOWED)
    globals_ = [g.name for g in catalogue.GLOBAL_PERMISSIONS
                if evaluate_in(ix, account, g.key, None).verdict is Verdict.ALLOWED]
    total = len(snapshot.projects)
    text = f"browses {len(browse)} of {total} projects"
    if browse:
        text += f" ({_few(browse)})"
    text += f"; administers {_few(admin) if admin else 'none'}"
    if full:
        text += f"; {allowed} project permissions in all"
    if unknown:
        text += f"; cannot tell for {_few(unknown)}"
    text += f"; global: {_few(globals_) if globals_ else 'none'}."
    if not account.active:
        text = "deactivated, so nothing; " + text
    return text[0].upper() + text[1:]


def _few(items: list[str], n: int = 4) -> str:
    return ", ".join(items[:n]) + (f" and {len(items) - n} more" if len(items) > n else "")


# ---------------------------------------------------------------- others

def _site(item: Item, cat: Catalog) -> RenderableType:
    return Group(_title(item.label, "site"), plain(item.badge))


def _snapshot(item: Item, cat: Catalog) -> RenderableType:
    return Group(_title("Snapshot"), plain(snapshot_summary_text(cat.snapshot)))


_SECTION_TEXT = {
    "projects": "Each project with its permission scheme (grants by permission), roles and their actors, "
                "issue security levels, workflow statuses with jira.permission properties, and issues.",
    "groups": "Groups with their members. Select one to see where it is used.",
    "accounts": "Every account in the snapshot. Select one for its groups, products, roles and a summary.",
    "pschemes": "Permission schemes and the projects using each.",
    "sschemes": "Issue security schemes, their levels and who belongs to each.",
    "globals": "Global permissions and the groups holding them.",
    "gaps": "Facts the sync could not read, and why. Answers that depend on them say 'cannot determine'.",
}


def _section(item: Item, cat: Catalog) -> RenderableType:
    return Group(_title(item.label, item.badge), plain(""), plain(_SECTION_TEXT.get(item.key[-1], "")),
                 plain(""), plain("Enter or → opens it; / narrows the list as you type.", style="italic"))


def _project(item: Item, cat: Catalog) -> RenderableType:
    p: Project = item.ref  # type: ignore[assignment]
    ix = cat.ix
    scheme, _ = ix.scheme(p) if p.permission_scheme_id else (None, None)
    sec, _ = ix.security_scheme(p)
    kind = "team-managed" if p.team_managed else "company-managed"
    rows = [("Project", f"{p.key} — {p.name}"), ("Type", f"{p.project_type.value.replace('_', ' ')}, {kind}"),
            ("State", "ARCHIVED" if p.archived else "active"), ("Lead", ix.name(p.lead) if p.lead else "none"),
            ("Permission scheme", scheme.name if scheme else ("none (team-managed)" if p.team_managed else "unknown")),
            ("Issue security", sec.name if sec else "none")]
    if p.team_managed and p.access_level:
        rows.append(("Access", p.access_level))
    roles = _table("Role", "Users", "Groups")
    for role_id, actors in sorted(p.role_actors.items(), key=lambda kv: ix.role_name(kv[0]).lower()):
        _add(roles, ix.role_name(role_id), _few([ix.name(u) for u in actors.users], 3) or "-",
                      _few(list(actors.groups), 3) or "-")
    return Group(_title(p.key, p.name), _kv(rows), plain(""), roles, plain(""), plain(HINT, style="italic"))


def _grants_table(scheme, cat: Catalog, project: Project | None, only: str | None = None) -> Table:
    table = _table("Permission", "Granted to")
    by_perm: dict[str, list[str]] = {}
    for g in scheme.grants:
        if only is None or g.permission == only:
            by_perm.setdefault(g.permission, []).append(holder_label(cat.ix, g.holder, project))
    order = [p.key for p in catalogue.PROJECT_PERMISSIONS]
    for key in [k for k in order if k in by_perm] + sorted(k for k in by_perm if k not in order):
        _add(table, catalogue.display_name(key), "; ".join(by_perm[key]))
    return table


def _perm_scheme(item: Item, cat: Catalog) -> RenderableType:
    scheme = item.ref
    if scheme is None:
        return Group(_title(item.label), plain("This scheme is not in the snapshot (see Gaps)."))
    project = cat.ix.project(item.ctx.project) if item.ctx.project else None
    used = cat.ix.projects_using(scheme.id)
    return Group(_title(scheme.name, f"permission scheme {scheme.id}"),
                 plain(f"Used by {', '.join(used) if used else 'no project'}; {len(scheme.grants)} grants."),
                 plain(""), _grants_table(scheme, cat, project))


def _pscheme_child(item: Item, cat: Catalog) -> RenderableType:
    return _perm_scheme(Item("x", item.key, item.label, ref=item.ref), cat)


def _perm_grants(item: Item, cat: Catalog) -> RenderableType:
    key = item.ctx.permission or ""
    meta = catalogue.PROJECT_BY_KEY.get(key)
    project = cat.ix.project(item.ctx.project) if item.ctx.project else None
    table = _table("Granted to", "Grant id")
    for g in item.ref:  # type: ignore[union-attr]
        _add(table, holder_label(cat.ix, g.holder, project), g.id)
    parts: list[RenderableType] = [_title(catalogue.display_name(key), key)]
    if meta is not None:
        parts.append(plain(meta.meaning))
        extra = []
        if meta.browse_required:
            extra.append("needs Browse Projects too")
        extra.append({"site": "no product access needed", "jira": "needs Jira product access",
                      "jsm": "needs Jira Service Management"}[meta.access.value])
        if meta.short_name:
            extra.append(f"workflow properties: jira.permission.{meta.short_name}.*")
        parts.append(plain("; ".join(extra) + ".", style="italic"))
    where = f" in {item.ctx.project}" if item.ctx.project else ""
    parts += [plain(""), plain(f"Grants{where}:", style="bold"), table, plain(""), plain(HINT, style="italic")]
    return Group(*parts)


def _grant(item: Item, cat: Catalog) -> RenderableType:
    g = item.ref
    project = cat.ix.project(item.ctx.project) if item.ctx.project else None
    rows = [("Permission", catalogue.display_name(g.permission)), ("Granted to", holder_label(cat.ix, g.holder, project)),
            ("Holder type", g.holder.type), ("Parameter", g.holder.parameter or "-"), ("Grant id", g.id)]
    return Group(_title("Grant"), _kv(rows), plain(""), plain(HINT, style="italic"))


def _roles_of(item: Item, cat: Catalog) -> RenderableType:
    return _project(Item("project", item.key, "", ref=item.ref), cat)


def _role(item: Item, cat: Catalog) -> RenderableType:
    p, role_id = item.ref  # type: ignore[misc]
    ix = cat.ix
    actors = p.role_actors[role_id]
    table = _table("Actor", "Kind")
    for u in actors.users:
        _add(table, ix.name(u), "user")
    for g in actors.groups:
        _add(table, g, f"group ({len(ix.t.groups.get(g, ()))} members)")
    scheme, _ = ix.scheme(p) if p.permission_scheme_id else (None, None)
    perms = sorted({catalogue.display_name(g.permission) for g in (scheme.grants if scheme else ())
                    if canonical_type(g.holder.type) == "projectRole" and g.holder.parameter == role_id})
    return Group(_title(ix.role_name(role_id), f"role in {p.key}"), table, plain(""),
                 plain(f"The scheme grants this role {len(perms)} permissions: " + (_few(perms, 8) or "none") + "."))


def _group_detail(group: JGroup, cat: Catalog) -> RenderableType:
    ix = cat.ix
    snap = cat.snapshot
    members = [ix.name(a) for a in group.members]
    gap = ix.gap(FactKind.GROUP_MEMBERS, group.name)
    used: list[str] = []
    for role in snap.application_roles:
        if group.name in role.groups:
            used.append(f"gives product access: {role.name}")
    for g in snap.global_grants:
        if g.group == group.name:
            used.append(f"global permission {catalogue.display_name(g.permission)}")
    for scheme in snap.permission_schemes:
        perms = {g.permission for g in scheme.grants
                 if canonical_type(g.holder.type) == "group" and ix.group_name(g.holder) == group.name}
        if perms:
            used.append(f"scheme '{scheme.name}': {len(perms)} permissions")
    for project in snap.projects:
        for role_id, actors in project.role_actors.items():
            if group.name in actors.groups:
                used.append(f"actor of role {ix.role_name(role_id)} in {project.key}")
    for scheme in snap.issue_security_schemes:
        for level in scheme.levels:
            if any(canonical_type(h.type) == "group" and ix.group_name(h) == group.name for h in level.members):
                used.append(f"security level {level.name} ({scheme.name})")
    parts: list[RenderableType] = [_title(group.name, "group")]
    head = f"{len(members)} members" + (" (the list is incomplete: " + gap.describe() + ")" if gap else "")
    parts.append(plain(head))
    parts.append(plain(_few(sorted(members), 12) or "no members"))
    parts.append(plain(""))
    parts.append(plain("Where it is used:", style="bold"))
    parts.extend(plain(f"  • {u}") for u in used[:SHOWN_ROWS])
    parts.extend(_more(SHOWN_ROWS, len(used), "places"))
    if not used:
        parts.append(plain("  nowhere in the snapshot"))
    return Group(*parts)


def _group(item: Item, cat: Catalog) -> RenderableType:
    return _group_detail(item.ref, cat)  # type: ignore[arg-type]


def _actor(item: Item, cat: Catalog) -> RenderableType:
    name = item.ref
    for g in cat.snapshot.groups:
        if g.name == name:
            return _group_detail(g, cat)
    return Group(_title(str(name)), plain("This group is not in the snapshot."))


def _levels(item: Item, cat: Catalog) -> RenderableType:
    scheme = item.ref
    if scheme is None:
        return Group(_title(item.label), plain("This scheme is not in the snapshot (see Gaps)."))
    project = cat.ix.project(item.ctx.project) if item.ctx.project else None
    table = _table("Level", "Members")
    for level in scheme.levels:
        default = " (default)" if scheme.default_level_id == level.id else ""
        _add(table, level.name + default, "; ".join(holder_label(cat.ix, h, project) for h in level.members) or "-")
    used = [p.key for p in cat.snapshot.projects if p.issue_security_scheme_id == scheme.id]
    return Group(_title(scheme.name, "issue security scheme"),
                 plain(f"Used by {', '.join(used) if used else 'no project'}."), plain(""), table)


def _level(item: Item, cat: Catalog) -> RenderableType:
    level = item.ref
    project = cat.ix.project(item.ctx.project) if item.ctx.project else None
    issues = [i.key for i in cat.snapshot.issues if i.security_level_id == level.id]
    return Group(_title(level.name, "security level"), plain(level.description or ""),
                 plain("Members: " + ("; ".join(holder_label(cat.ix, h, project) for h in level.members) or "none")),
                 plain(f"Issues in the snapshot at this level: {', '.join(issues) if issues else 'none'}."))


def _workflow(item: Item, cat: Catalog) -> RenderableType:
    wf = item.ref
    if wf is None:
        return Group(_title(item.label), plain("This workflow is not in the snapshot."))
    table = _table("Status", "Permission properties")
    for st in wf.statuses:
        props = {k: v for k, v in st.properties.items() if k.startswith("jira.")}
        _add(table, st.name, "; ".join(f"{k}={v}" if v else k for k, v in sorted(props.items())) or "-")
    return Group(_title(wf.name, "workflow"), table)


def _status(item: Item, cat: Catalog) -> RenderableType:
    wf, st = item.ref  # type: ignore[misc]
    table = _table("Property", "Value", "Means")
    for k, v in sorted(st.properties.items()):
        _add(table, k, v or "(empty)", _property_meaning(k, v))
    return Group(_title(st.name, f"status in {wf.name}"), table)


def _property_meaning(key: str, value: str) -> str:
    if key in EDITABLE_KEYS:
        return "issues in this status cannot be edited" if value.lower() == "false" else ""
    if not key.startswith("jira.permission."):
        return ""
    rest = key[len("jira.permission."):]
    sub = rest.startswith("subtasks.")
    parts = (rest[len("subtasks."):] if sub else rest).split(".")
    perm = catalogue.BY_SHORT_NAME.get(parts[0])
    name = perm.name if perm else parts[0]
    who = parts[1] if len(parts) > 1 else ""
    target = "sub-tasks" if sub else "issues"
    if who == "denied":
        return f"nobody may {name} on {target} here"
    return f"only {who} {value} may {name} on {target} here".replace("  ", " ")


def _property(item: Item, cat: Catalog) -> RenderableType:
    k, v = item.ref  # type: ignore[misc]
    return Group(_title(k), plain(f"value: {v or '(empty)'}"), plain(_property_meaning(k, v)))


def _issue(item: Item, cat: Catalog) -> RenderableType:
    i = item.ref
    ix = cat.ix
    project = ix.project(i.project_key)
    level = "none"
    if i.security_level_id and project is not None:
        lv, _ = ix.level(project, i.security_level_id)
        level = lv.name if lv else i.security_level_id
    rows = [("Issue", i.key), ("Summary", i.summary or "-"), ("Type", i.issue_type.name + (" (sub-task)" if
                                                                                       i.issue_type.subtask else "")),
            ("Status", i.status_name or i.status_id), ("Security level", level),
            ("Reporter", ix.name(i.reporter) if i.reporter else "none"),
            ("Assignee", ix.name(i.assignee) if i.assignee else "unassigned")]
    if i.parent_key:
        rows.append(("Parent", i.parent_key))
    if i.archived:
        rows.append(("State", "ARCHIVED"))
    return Group(_title(i.key, "issue"), _kv(rows), plain(""), plain(HINT, style="italic"))


def _global(item: Item, cat: Catalog) -> RenderableType:
    perm = item.ref
    groups = [g.group or "anyone" for g in cat.snapshot.global_grants if g.permission == perm.key]
    return Group(_title(perm.name, perm.key), plain(perm.meaning), plain(""),
                 plain("Granted to: " + (", ".join(f"group {g}" if g != "anyone" else g for g in groups) or "nobody")))


def _gap(item: Item, cat: Catalog) -> RenderableType:
    fact: Fact = item.ref  # type: ignore[assignment]
    return Group(_title("Gap", fact.status.value), plain(fact.describe()), plain(""),
                 plain("What to do: " + fact.remedy()))


def _member(item: Item, cat: Catalog) -> RenderableType:
    return Group(_title(item.label))


def _team_role(item: Item, cat: Catalog) -> RenderableType:
    role = item.ref
    return Group(_title(role.name, "team-managed role"),
                 plain(_few(sorted(catalogue.display_name(k) for k in role.permissions), 40) or "no permissions"))


def _pscheme_project(item: Item, cat: Catalog) -> RenderableType:
    if item.ref is None:
        return Group(_title(item.label))
    return _project(Item("project", item.key, "", ref=item.ref), cat)


_RENDERERS = {
    "site": _site, "snapshot": _snapshot, "section": _section, "project": _project,
    "perm-scheme-of": _perm_scheme, "pscheme": _perm_scheme, "pscheme-perms": _pscheme_child,
    "pscheme-projects": _pscheme_child, "perm-grants": _perm_grants, "grant": _grant, "roles-of": _roles_of,
    "role": _role, "actor": _actor, "account": _actor, "group": _group, "security-of": _levels, "sscheme": _levels,
    "level": _level, "workflows-of": _project, "workflow": _workflow, "status": _status, "property": _property,
    "issues-of": _project, "issue": _issue, "global": _global, "gap": _gap, "member": _member,
    "team-roles-of": _project, "team-role": _team_role, "team-perm": _member, "pscheme-project": _pscheme_project,
}
