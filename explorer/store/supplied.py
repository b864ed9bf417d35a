"""Facts supplied by hand: the TOML file an admin fills from Jira's admin pages (``jira-perms supply``).

Jira Data Center's REST API does not publish four facts a permission answer can
depend on: who holds the global permissions, the members of issue security
levels, the properties of workflow statuses and which groups are nested in
which.  The sync records them as ``not_published`` gaps; this module writes a
form listing exactly what is missing (:func:`template`) and merges the filled
form into a snapshot (:func:`supply`), marking each fact it completes with
``source = "hand"`` so every proof can say "supplied by hand".  The format is
documented in ``docs/data-center.md``.

A form is checked as a whole before anything is merged: an unknown group,
role, user, status or permission, a level or global permission left out, a
nesting cycle or a form for another site is one :class:`SupplyError` line, and
nothing is changed.  A section the admin left commented out supplies nothing.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from explorer.core.errors import UserError
from explorer.core.model import (
    SUPPLIED_BY_HAND,
    Deployment,
    Fact,
    FactKind,
    GlobalGrant,
    Group,
    Holder,
    IssueSecurityScheme,
    Snapshot,
    Status,
    Workflow,
    WorkflowStatus,
    frozen_map,
)
from explorer.core.replay import catalogue
from explorer.store.config import normalise_site_url

MAX_BYTES = 4 * 1024 * 1024  # a form is a few kilobytes; refuse anything absurd before parsing it
ANYONE = "anyone"
_SECTIONS = ("site", "global_permissions", "group_nesting", "issue_security", "workflows")
_HOLDER_WORDS = {  # form spelling -> (holder type, takes a parameter)
    "group": ("group", True), "role": ("projectRole", True), "user": ("user", True),
    "application": ("applicationRole", True), "user-field": ("userCustomField", True),
    "group-field": ("groupCustomField", True), "reporter": ("reporter", False), "assignee": ("assignee", False),
    "lead": ("projectLead", False), "anyone": ("anyone", False), "logged-in": ("applicationRole", False),
}


class SupplyError(UserError):
    """A form that cannot be merged; ``str()`` is one line naming the file and what to fix."""


@dataclass(frozen=True)
class Supplied:
    """The merged snapshot and what the form completed (one line each, for the command's summary)."""

    snapshot: Snapshot
    completed: tuple[str, ...]
    warnings: tuple[str, ...] = ()


# --------------------------------------------------------------------------- reading the form


def read_form(path: str | Path) -> dict[str, Any]:
    """The parsed form; :class:`SupplyError` (one line) when it is missing, too big or not TOML."""
    p = Path(path)
    try:
        with p.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise SupplyError(f"the facts file {p} does not exist; write a form with jira-perms supply --template "
                          "FILE") from None
    except IsADirectoryError:
        raise SupplyError(f"{p} is a directory: give the facts file (TOML)") from None
    except OSError as error:
        raise SupplyError(f"cannot read the facts file {p}: {error.strerror or error}") from None
    if len(raw) > MAX_BYTES:
        raise SupplyError(f"the facts file {p} is over {MAX_BYTES // (1024 * 1024)} MB; it should hold a few "
                          "lines per group, scheme and workflow")
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SupplyError(f"the facts file {p} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise SupplyError(f"the facts file {p} is not valid TOML ({_clean(str(error))}); fix that line") from None


def supply_file(snapshot: Snapshot, path: str | Path) -> Supplied:
    """:func:`supply` with the form read from ``path``."""
    return supply(snapshot, read_form(path), source=Path(path).name)


# --------------------------------------------------------------------------- merging


def supply(snapshot: Snapshot, form: Mapping[str, Any], *, source: str = "the facts file") -> Supplied:
    """Merge a parsed form into ``snapshot`` (see the module docstring); raises :class:`SupplyError`."""
    return _Merge(snapshot, form, source).run()


class _Merge:
    def __init__(self, snapshot: Snapshot, form: Mapping[str, Any], source: str):
        self.s = snapshot
        self.form = form
        self.source = source
        self.facts: dict[tuple[FactKind, str | None], Fact] = {f.key: f for f in snapshot.facts}
        self.completed: list[str] = []
        self.warnings: list[str] = []
        self.groups = {g.name for g in snapshot.groups}
        self.groups_folded = {g.lower(): g for g in self.groups}

    def fail(self, where: str, what: str) -> SupplyError:
        return SupplyError(f"{self.source}: {where}: {_clean(what)}; nothing was changed")

    def mark(self, kind: FactKind, subject: str | None, what: str) -> None:
        self.facts[(kind, subject)] = Fact(kind, subject, Status.COMPLETE, "",
                                           f"supplied by hand from {self.source}", SUPPLIED_BY_HAND)
        self.completed.append(what)

    # ---- the whole form ------------------------------------------------------------------
    def run(self) -> Supplied:
        form = self.form
        unknown = sorted(set(form) - set(_SECTIONS))
        if unknown:
            raise self.fail(unknown[0], f"unknown section (the form has: {', '.join(_SECTIONS)})")
        self._check_site()
        snap = self.s
        if "global_permissions" in form:
            snap = replace(snap, global_grants=self._global_permissions(_table(self, form, "global_permissions")))
        if "group_nesting" in form:
            snap = replace(snap, groups=self._nesting(_table(self, form, "group_nesting")))
        if "issue_security" in form:
            snap = replace(snap, issue_security_schemes=self._security(_table(self, form, "issue_security")))
        if "workflows" in form:
            snap = replace(snap, workflows=self._workflows(_table(self, form, "workflows")))
        if not self.completed:
            raise SupplyError(f"{self.source} supplies nothing: uncomment and fill in at least one section "
                              "(the form's comments say where each fact is in Jira's admin pages)")
        order = {kind: i for i, kind in enumerate(FactKind)}
        facts = tuple(sorted(self.facts.values(), key=lambda f: (order[f.kind], f.subject or "")))
        return Supplied(replace(snap, facts=facts), tuple(self.completed), tuple(self.warnings))

    def _check_site(self) -> None:
        site = self.form.get("site")
        if site is None:
            raise self.fail("site", "missing: the form must name the site it describes (site = \"URL\")")
        if not isinstance(site, str):
            raise self.fail("site", "must be text")
        try:
            same = normalise_site_url(site) == normalise_site_url(self.s.site.url)
        except UserError:
            same = site.strip().rstrip("/") == self.s.site.url.rstrip("/")
        if not same:
            raise self.fail("site", f"the form is for {_clip(site)}, but the snapshot is of {self.s.site.url}")

    # ---- global permissions ----------------------------------------------------------------
    def _global_permissions(self, table: Mapping[str, Any]) -> tuple[GlobalGrant, ...]:
        wanted = [g.key for g in catalogue.GLOBAL_PERMISSIONS if _applies(g, self.s.site.deployment)]
        grants: list[GlobalGrant] = []
        for key, value in table.items():
            where = f"global_permissions.{key}"
            perm = key.strip().upper()
            if perm not in catalogue.GLOBAL_BY_KEY:
                raise self.fail(where, f"unknown global permission (known: {', '.join(wanted)})")
            for name in _strings(self, where, value):
                if name.strip().lower() == ANYONE:
                    if perm in ("ADMINISTER", "SYSTEM_ADMIN"):
                        raise self.fail(where, "Jira does not let Anyone hold an administration permission")
                    grants.append(GlobalGrant(perm, None))
                else:
                    grants.append(GlobalGrant(perm, self.group(where, name)))
        missing = [k for k in wanted if k not in {key.strip().upper() for key in table}]
        if missing:
            raise self.fail("global_permissions", f"list every global permission, an empty list meaning nobody "
                            f"(missing: {', '.join(missing)})")
        self._compare_with_jira(grants)
        self.mark(FactKind.GLOBAL_PERMISSIONS, None, f"global permissions ({len(grants)} grants)")
        return tuple(grants)

    def _compare_with_jira(self, grants: list[GlobalGrant]) -> None:
        """Warn where Jira's own answer for the syncing account (mypermissions) disagrees with the form."""
        members = {g.name: set(g.members) for g in self.s.groups}
        for account_id, held in self.s.account_global_permissions.items():
            for perm in sorted(held):
                holders = [g.group for g in grants if g.permission == perm]
                if holders and not any(h is None or account_id in members.get(h, ()) for h in holders):
                    self.warnings.append(f"Jira said {account_id} holds {perm}, but none of the groups the form "
                                         f"gives it to ({', '.join(str(h) for h in holders)}) lists that account")

    def group(self, where: str, name: str) -> str:
        if name in self.groups:
            return name
        folded = self.groups_folded.get(name.strip().lower())  # Jira group names are case-insensitive
        if folded is not None:
            return folded
        if not self._complete(FactKind.GROUPS):
            self.warnings.append(f"{where}: group {name!r} is not in the snapshot (its group list is incomplete)")
            return name
        raise self.fail(where, f"group {name!r} is not on the site")

    def _complete(self, kind: FactKind, subject: str | None = None) -> bool:
        fact = self.facts.get((kind, subject))
        return fact is not None and fact.status is Status.COMPLETE

    # ---- group nesting ---------------------------------------------------------------------
    def _nesting(self, table: Mapping[str, Any]) -> tuple[Group, ...]:
        children: dict[str, tuple[str, ...]] = {}
        for parent, value in table.items():
            where = f"group_nesting.{parent}"
            name = self.group(where, parent)
            kids = tuple(dict.fromkeys(self.group(where, child) for child in _strings(self, where, value)))
            if name in kids:
                raise self.fail(where, "a group cannot contain itself")
            children[name] = kids
        cycle = _find_cycle(children)
        if cycle:
            raise self.fail("group_nesting", "nesting goes round in a circle: " + " > ".join(cycle)
                            + " (Jira's directories do not allow that; check the form)")
        groups = [replace(g, subgroups=children.get(g.name, ())) for g in self.s.groups]
        known = {g.name for g in groups}
        groups += [Group(name, subgroups=kids) for name, kids in children.items() if name not in known]
        nested = sum(len(k) for k in children.values())
        self.mark(FactKind.GROUP_NESTING, None, f"group nesting ({nested} nested groups in {len(children)} groups)")
        return tuple(groups)

    # ---- issue security levels --------------------------------------------------------------
    def _security(self, table: Mapping[str, Any]) -> tuple[IssueSecurityScheme, ...]:
        by_key = {s.id: s for s in self.s.issue_security_schemes}
        by_key.update({s.name: s for s in self.s.issue_security_schemes if s.name not in by_key})
        changed: dict[str, IssueSecurityScheme] = {}
        for name, levels in table.items():
            where = f"issue_security.{name}"
            scheme = by_key.get(name)
            if scheme is None:
                known = ", ".join(f"{s.name} ({s.id})" for s in self.s.issue_security_schemes) or "none"
                raise self.fail(where, f"no issue security scheme of that name or id in the snapshot (it has: "
                                f"{known})")
            if not isinstance(levels, dict):
                raise self.fail(where, "must be a table of level = [members]")
            given = {}
            for level_name, members in levels.items():
                level = next((lv for lv in scheme.levels if level_name in (lv.id, lv.name)), None)
                if level is None:
                    raise self.fail(f"{where}.{level_name}", "no such level in the scheme (it has: "
                                    + ", ".join(lv.name for lv in scheme.levels) + ")")
                given[level.id] = tuple(self.holder(f"{where}.{level_name}", m)
                                        for m in _strings(self, f"{where}.{level_name}", members))
            left_out = [lv.name for lv in scheme.levels if lv.id not in given]
            if left_out:
                raise self.fail(where, "list every level, an empty list meaning nobody (missing: "
                                + ", ".join(left_out) + ")")
            changed[scheme.id] = replace(scheme, levels=tuple(replace(lv, members=given[lv.id])
                                                              for lv in scheme.levels))
            self.mark(FactKind.ISSUE_SECURITY_SCHEME, scheme.id,
                      f"issue security scheme {scheme.name} ({len(scheme.levels)} levels)")
        return tuple(changed.get(s.id, s) for s in self.s.issue_security_schemes)

    def holder(self, where: str, text: str) -> Holder:
        word, _, parameter = text.strip().partition(":")
        word = word.strip().lower()
        parameter = parameter.strip()
        found = _HOLDER_WORDS.get(word)
        if found is None:
            raise self.fail(where, f"unknown member {text!r} (use one of: {', '.join(_HOLDER_WORDS)}, with "
                            "NAME after a colon where the word needs one, e.g. group:jira-developers)")
        kind, needs = found
        if needs and not parameter:
            raise self.fail(where, f"{word} needs a name after a colon, e.g. {word}:NAME")
        if not needs and parameter:
            raise self.fail(where, f"{word} takes no name")
        if kind == "group":
            return Holder("group", self.group(where, parameter))
        if kind == "projectRole":
            role = next((r for r in self.s.roles if parameter in (r.id, r.name)), None)
            if role is None:
                raise self.fail(where, f"no project role {parameter!r} (roles: "
                                + ", ".join(r.name for r in self.s.roles) + ")")
            return Holder("projectRole", role.id)
        if kind == "user":
            return Holder("user", self.user(where, parameter))
        return Holder(kind, parameter or None)

    def user(self, where: str, text: str) -> str:
        low = text.lower()
        for account in self.s.accounts:
            if account.account_id == text or (account.username or "").lower() == low:
                return account.account_id
        raise self.fail(where, f"no user with username or key {text!r} in the snapshot")

    # ---- workflow status properties -----------------------------------------------------------
    def _workflows(self, table: Mapping[str, Any]) -> tuple[Workflow, ...]:
        current = {w.name: w for w in self.s.workflows}
        referenced = {name for s in self.s.workflow_schemes
                      for name in (s.default_workflow, *s.issue_type_workflows.values())}
        status_names = {st.name.lower(): st for w in self.s.workflows for st in w.statuses}
        status_names.update({i.status_name.lower(): WorkflowStatus(i.status_id, i.status_name)
                             for i in self.s.issues if i.status_name and i.status_name.lower() not in status_names})
        for name, statuses in table.items():
            where = f"workflows.{name}"
            if name not in current and name not in referenced:
                known = ", ".join(sorted(set(current) | referenced)) or "none"
                raise self.fail(where, f"no workflow of that name in the snapshot (it has: {known})")
            if not isinstance(statuses, dict):
                raise self.fail(where, "must be a table of status = { property = value }")
            workflow = current.get(name, Workflow(name))
            props: dict[str, dict[str, str]] = {}
            for status_text, values in statuses.items():
                spot = f"{where}.{status_text}"
                status = next((st for st in workflow.statuses if status_text in (st.id, st.name)), None)
                if status is None and not workflow.statuses:
                    status = status_names.get(status_text.lower())
                if status is None:
                    known = ", ".join(st.name for st in workflow.statuses) or "unknown: give status ids"
                    raise self.fail(spot, f"no such status in workflow {name} (its statuses: {known})")
                props[status.id] = self.properties(spot, values)
                if not any(st.id == status.id for st in workflow.statuses):
                    workflow = replace(workflow, statuses=(*workflow.statuses, status))
            current[name] = replace(workflow, statuses=tuple(
                replace(st, properties=frozen_map(props.get(st.id, {}))) for st in workflow.statuses))
            self.mark(FactKind.WORKFLOW, name, f"workflow {name} ({len(props)} statuses with properties)")
        return tuple(current[n] for n in sorted(current))

    def properties(self, where: str, values: Any) -> dict[str, str]:
        if not isinstance(values, dict):
            raise self.fail(where, "must be a table of property = \"value\"")
        out = {}
        for key, value in values.items():  # any property may be copied; jira-perms reads jira.permission.*
            if not isinstance(value, str):
                raise self.fail(f"{where}.{key}", "the value must be text (use \"\" for a .denied property)")
            out[key] = value
        return out


# --------------------------------------------------------------------------- the form to fill


def template(snapshot: Snapshot) -> str:
    """A form listing what the snapshot lacks, every line commented out so an unedited form supplies nothing."""
    s = snapshot
    gaps = {f.key: f for f in s.gaps}
    out = [
        "# Facts Jira Data Center's REST API does not publish, filled in by hand from Jira's admin pages.",
        f"# Written by jira-perms for the snapshot of {s.site.url} taken {s.provenance.taken_at}.",
        "# Uncomment a section and fill it in; a section left commented out supplies nothing.",
        "# Then: jira-perms supply --snapshot SNAPSHOT THIS_FILE -o OUTPUT (or jira-perms sync --supply THIS_FILE).",
        "# Every fact merged from here is marked 'supplied by hand' in proofs.",
        "",
        f'site = "{s.site.url}"',
        "",
    ]
    if (FactKind.GLOBAL_PERMISSIONS, None) in gaps:
        out += [
            "# Administration > System > Security > Global permissions: every permission = the groups holding it",
            "# ([] = nobody; \"Anyone\" = every visitor, logged in or not).",
            "# [global_permissions]",
        ]
        for g in catalogue.GLOBAL_PERMISSIONS:
            if _applies(g, s.site.deployment):
                out.append(f"# {g.key} = []  # {g.name}")
        out.append("")
    if (FactKind.GROUP_NESTING, None) in gaps:
        names = [g.name for g in s.groups]
        out += [
            "# User management > Groups > a group > Nested groups: every group that contains groups = the",
            "# groups nested directly in it. A group not listed contains none.",
            "# [group_nesting]",
            *(f"# {_key(n)} = []" for n in names[:8]),
            *(["# ... (" + f"{len(names) - 8} more groups in the snapshot)"] if len(names) > 8 else []),
            "",
        ]
    for scheme in s.issue_security_schemes:
        if (FactKind.ISSUE_SECURITY_SCHEME, scheme.id) not in gaps:
            continue
        out += [
            "# Issues > Issue security schemes > Security levels: every level = its members, written as",
            "# group:NAME, role:NAME, user:USERNAME, application:KEY, user-field:customfield_N,",
            "# group-field:customfield_N, reporter, assignee, lead, logged-in or anyone ([] = nobody).",
            f"# [issue_security.{_key(scheme.name)}]  # scheme {scheme.id}",
            *(f"# {_key(lv.name)} = []  # level {lv.id}" for lv in scheme.levels),
            "",
        ]
    workflows = {w.name: w for w in s.workflows}
    for fact in s.gaps:
        if fact.kind is not FactKind.WORKFLOW or fact.subject is None:
            continue
        statuses = workflows[fact.subject].statuses if fact.subject in workflows else ()
        out += [
            "# Issues > Workflows > View (Text) > a step's Properties: the jira.permission.* and",
            "# jira.issue.editable properties of each status that has some. A status not listed has none.",
            f"# [workflows.{_key(fact.subject)}]",
            *(f"# {_key(st.name)} = {{}}  # status {st.id}" for st in statuses),
            "",
        ]
    return "\n".join(out).rstrip("\n") + "\n"


# --------------------------------------------------------------------------- helpers


def _applies(permission: catalogue.GlobalPermission, deployment: Deployment) -> bool:
    return permission.data_center if deployment is Deployment.DATA_CENTER else permission.cloud


def _table(merge: _Merge, form: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = form[name]
    if not isinstance(value, dict):
        raise merge.fail(name, "must be a [table]")
    return value


def _strings(merge: _Merge, where: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise merge.fail(where, "must be a list of text, like [\"a\", \"b\"]")
    return [v for v in value if v.strip()]


def _find_cycle(children: Mapping[str, Iterable[str]]) -> list[str]:
    """A nesting cycle as a path (its first group repeated at the end), or [] (iterative: no recursion limit)."""
    done: set[str] = set()
    for start in sorted(children):
        if start in done:
            continue
        path = [start]
        on_path = {start}
        stack = [iter(children.get(start, ()))]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
                continue
            if child in on_path:
                return [*path[path.index(child):], child]
            if child not in done:
                path.append(child)
                on_path.add(child)
                stack.append(iter(children.get(child, ())))
    return []


def _key(name: str) -> str:
    """A TOML key: bare when it can be, quoted otherwise."""
    if name and all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in name):
        return name
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in escaped) + '"'


def _clean(text: str) -> str:
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def _clip(text: str, limit: int = 80) -> str:
    text = _clean(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
