"""What the fuzzy pickers offer (accounts, permissions, projects and issues) and how a query ranks them."""

from __future__ import annotations

from dataclasses import dataclass

from textual.fuzzy import Matcher

from explorer.core.model import ANONYMOUS, Snapshot
from explorer.core.replay import catalogue
from explorer.tui.catalog import account_label

SHOWN = 100  # a picker lists at most this many matches
_KEEP = 4  # snapshots whose choice lists are kept (a 50,000-account list takes a moment to build)
_CACHE: dict[tuple[str, int], tuple[Snapshot, list[Choice]]] = {}


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str
    search: str  # lowercase haystack: name, email, id, key, ...


def rank(choices: list[Choice], query: str, limit: int = SHOWN) -> list[Choice]:
    """Substring matches first (label prefix best), then fuzzy ones; at most ``limit``."""
    q = query.strip().lower()
    if not q:
        return choices[:limit]
    terms = q.split()
    exact = [c for c in choices if all(t in c.search for t in terms)]
    exact.sort(key=lambda c: (not c.label.lower().startswith(q), not any(w.startswith(terms[0])
                                                                          for w in c.search.split()), c.label.lower()))
    if len(exact) >= limit:
        return exact[:limit]
    seen = {c.value for c in exact}
    matcher = Matcher(q)
    fuzzy: list[tuple[float, Choice]] = []
    for c in choices:
        if c.value in seen:
            continue
        score = matcher.match(c.label)
        if score > 0:
            fuzzy.append((score, c))
        if len(fuzzy) > 4 * limit:
            break
    fuzzy.sort(key=lambda t: -t[0])
    return exact + [c for _, c in fuzzy][: limit - len(exact)]




def _cached(kind: str, snapshot: Snapshot, build) -> list[Choice]:
    """The choices of ``kind`` for ``snapshot``, built once (the snapshot itself is the key's proof)."""
    found = _CACHE.get((kind, id(snapshot)))
    if found is not None and found[0] is snapshot:
        return found[1]
    choices = build(snapshot)
    while len(_CACHE) >= 2 * _KEEP:
        del _CACHE[next(iter(_CACHE))]
    _CACHE[(kind, id(snapshot))] = (snapshot, choices)
    return choices


def account_choices(snapshot: Snapshot) -> list[Choice]:
    """Every account (and the anonymous visitor) by name, with email or id; built once per snapshot."""
    return _cached("accounts", snapshot, _account_choices)


def _account_choices(snapshot: Snapshot) -> list[Choice]:
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
    """Every project (key, name, kind, state) and every issue of the snapshot; built once per snapshot."""
    return _cached("where", snapshot, _where_choices)


def _where_choices(snapshot: Snapshot) -> list[Choice]:
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
