"""Candidates for the fuzzy pickers: accounts, permissions, projects and issues."""

from __future__ import annotations

from explorer.core import catalogue
from explorer.core.model import ANONYMOUS, Snapshot
from explorer.tui.catalog import account_label
from explorer.tui.screens.picker import Choice


def account_choices(snapshot: Snapshot) -> list[Choice]:
    out = []
    for a in sorted(snapshot.accounts, key=lambda a: a.display_name.lower()):
        extra = a.email or a.account_id
        out.append(Choice(a.account_id, f"{account_label(a)}  <{extra}>",
                          f"{a.display_name} {a.email or ''} {a.account_id}".lower()))
    out.append(Choice(ANONYMOUS.account_id, ANONYMOUS.display_name, "anonymous logged-out visitor"))
    return out


def permission_choices() -> list[Choice]:
    out = []
    for p in catalogue.PROJECT_PERMISSIONS:
        out.append(Choice(p.key, f"{p.name}  ({p.key})",
                          f"{p.name} {p.key} {p.key.replace('_', ' ')} {p.category}".lower()))
    for g in catalogue.GLOBAL_PERMISSIONS:
        out.append(Choice(g.key, f"{g.name}  ({g.key}, global)", f"{g.name} {g.key} {g.key.replace('_', ' ')} global"
                          .lower()))
    return out


def where_choices(snapshot: Snapshot) -> list[Choice]:
    out = []
    for p in sorted(snapshot.projects, key=lambda p: p.key):
        state = ", archived" if p.archived else ""
        kind = {"service_desk": "service management"}.get(p.project_type.value, p.project_type.value.replace("_", " "))
        managed = ", team-managed" if p.team_managed else ""
        out.append(Choice(f"project:{p.key}", f"{p.key} — {p.name} ({kind} project{managed}{state})",
                          f"{p.key} {p.name} {kind} project".lower()))
    for i in snapshot.issues:
        out.append(Choice(f"issue:{i.key}", f"{i.key} — {i.summary or i.issue_type.name} (issue, {i.status_name})",
                          f"{i.key} {i.summary}".lower()))
    return out
