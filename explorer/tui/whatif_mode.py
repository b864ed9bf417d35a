"""The TUI's what-if mode: stage changes from the tree (``+`` / ``-``), see every answer under them, ``W`` for
their effect.  The app keeps one :class:`~explorer.tui.staging.Staging` per snapshot and shows the staged copy
everywhere (``app.view``); this module holds the mode's actions and its status-bar segment, so the app needs only
a few hooks.
"""

from __future__ import annotations

from rich.text import Text

from explorer.core.errors import UserError
from explorer.core.whatif.language import parse_change
from explorer.tui.staging import NOT_HERE, Pick, Staging, addition, removal
from explorer.tui.widgets.status_bar import Piece


def staging(app, ref=None, *, create: bool = False) -> Staging | None:
    """The staged changes of a snapshot (the current one by default)."""
    ref = ref or app.current_ref
    if ref is None or ref.snapshot is None:
        return None
    found = app.staged.get(id(ref))
    if found is None or found.base is not ref.snapshot:
        if not create:
            return None
        found = app.staged[id(ref)] = Staging(ref.snapshot)
    return found


def staged_count(app, ref=None) -> int:
    found = staging(app, ref)
    return len(found.changes) if found is not None else 0


def segment(app) -> Piece | None:
    """The status bar says, on every screen, that answers are given under staged changes."""
    n = staged_count(app)
    if not n:
        return None
    words = f"{n} change{'s' if n != 1 else ''}"
    return Piece((Text(f"◈ what-if: {words} staged", style="bold reverse"),
                  Text(f"◈ what-if: {n} staged", style="bold reverse"),
                  Text(f"◈ what-if: {n}", style="bold reverse")), shrink=9)  # then the site name is cut, not this


def _item(app):
    getter = getattr(app.screen, "cursor_item", None)
    return getter() if getter is not None else None


def _can_stage(app) -> bool:
    if app.current_ref is None or app.current_ref.snapshot is None:
        app.notify("Open a snapshot first: select a site in the tree (d: the demo).", severity="warning")
        return False
    if app.redacted or app.shown_is_redacted_copy():
        app.notify("What-if changes name real groups, roles and accounts: turn redaction off (r) to stage them.",
                   severity="warning")
        return False
    if _item(app) is None:
        app.notify(NOT_HERE, severity="warning")
        return False
    return True


def stage_remove(app) -> None:
    if not _can_stage(app):
        return
    found = removal(_item(app), app.view())
    if isinstance(found, str):
        app.notify(found, severity="warning")
        return
    stage(app, *found)


def stage_add(app) -> Pick | None:
    """What ``+`` asks for first (the app shows the picker and calls :func:`stage` with the pick)."""
    if not _can_stage(app):
        return None
    found = addition(_item(app), app.view())
    if isinstance(found, str):
        app.notify(found, severity="warning")
        return None
    return found


def stage(app, kind, text: str) -> None:
    """Stage the change (kind, text in the change language) against the current snapshot as read."""
    ref = app.current_ref
    found = staging(app, ref, create=True)
    try:
        change = parse_change(ref.snapshot, kind, text)
    except UserError as e:
        app.notify(str(e), severity="error")
        return
    message = found.stage(change)
    applied = found.applied
    outcome = next((o for o in applied.outcomes if o.change == change), None)
    if outcome is not None and not outcome.applied:
        message += f" ({outcome.note})"
    app.notify(f"{message}. W shows the effect; every screen now answers under the staged changes.", title="What-if")
    changed(app)


def changed(app) -> None:
    """Staged changes differ: screens recompute from the staged copy."""
    app.bump_status()
    for screen in app.screen_stack:
        hook = getattr(screen, "whatif_changed", None) or getattr(screen, "redaction_changed", None)
        if hook is not None:
            hook()


def can_open(app) -> bool:
    """Whether the what-if screen may open now (a snapshot is open)."""
    ref = app.current_ref
    if ref is None or ref.snapshot is None:
        app.notify("Open a snapshot first: select a site in the tree (d: the demo).", severity="warning")
        return False
    return True


def mark(app, text: str, suffix: str) -> str:
    """A copy or export of an answer given under staged changes says so at its top (JSON: a ``whatIf`` key), so it
    can never pass for the site as it is.  With redaction on it says how many, not which."""
    found = staging(app)
    if found is None or not found.changes or getattr(app.screen, "SAYS_WHAT_IF", False):
        return text
    outcomes = found.applied.outcomes
    if app.redacted or app.shown_is_redacted_copy():
        n = len(outcomes)
        line = f"What if: answered under {n} proposed change{'s' if n != 1 else ''}, not made in Jira (names hidden)"
        if suffix == ".json":
            return _json_marked(text, [{"hidden": line}])
        return (f"> **{line}**\n\n" if suffix == ".md" else f"{line}\n\n") + text
    from explorer.core.render.whatif import outcomes_json, proposed_preamble

    if suffix == ".json":
        return _json_marked(text, outcomes_json(outcomes))
    if suffix == ".csv":
        return text  # a spreadsheet has no place for a note; the file name says it (what-if- in front)
    return proposed_preamble(outcomes, "markdown" if suffix == ".md" else "text") + text


def _json_marked(text: str, marker: list) -> str:
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return text
    data = {"whatIf": marker, **data} if isinstance(data, dict) else {"whatIf": marker, "answer": data}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
