"""The status bar's segments: redaction state, site, snapshot age, reachability, gaps, work in progress.

Each is a function of the app returning a :class:`~explorer.tui.widgets.status_bar.Piece`
with a full and shorter forms, so all of them fit at 80 columns.  The app lists
them in ``app.status_segments``; another mode appends its own.
"""

from __future__ import annotations

import time

from rich.text import Text

from explorer.tui.text import one_line
from explorer.tui.widgets.status_bar import Piece, Segment
from explorer.tui.workspace import age_words


def _forms(*forms: str, style: str = "") -> tuple[Text, ...]:
    return tuple(Text(f, style=style) for f in forms)


def redaction(app) -> Piece:
    """Always shown: whether real names are on screen (for screen shares)."""
    if app.redacted:
        return Piece(_forms("◆ REDACTED", "◆ RED", style="bold reverse"), shrink=8)
    if app.shown_is_redacted_copy():
        return Piece(_forms("◆ REDACTED COPY", "◆ RED COPY", style="bold reverse"), shrink=8)
    return Piece(_forms("◇ names shown", "◇ names"), shrink=1)


def site(app) -> Piece:
    site = app.current_site
    if site is None:
        return Piece(_forms("no site open: a adds one, d opens the demo", "no site: a add, d demo", "no site"),
                     shrink=9)
    ref = app.current_ref
    view = app.view(ref) if ref is not None else None
    if view is not None:
        name = view.site.url.split("://", 1)[-1]
    elif app.redacted:
        name = "(redacted)"
    else:
        name = site.name
    return Piece((Text(one_line(name), style="bold"),), elastic=True, min_width=12)


def age(app) -> Piece | None:
    ref = app.current_ref
    if ref is None:
        return None
    if ref.snapshot is None:
        text = "unreadable" if ref.error else "loading…"
        return Piece(_forms(text), shrink=6)
    words, old = age_words(ref.snapshot.provenance.taken_at, app.clock())
    short = words.replace(" days old", "d").replace(" h old", "h").replace(" min old", "m").replace("just taken", "new")
    if old:
        return Piece(_forms(f"⚠ {words}", f"⚠ {short}", style="bold reverse"), shrink=4)
    return Piece(_forms(words, short), shrink=4)


def reachability(app) -> Piece | None:
    site = app.current_site
    if site is None:
        return None
    if site.kind == "demo":
        return Piece(_forms("○ offline (demo)", "○ offline"), shrink=2)
    if site.kind == "file":
        return Piece(_forms("○ offline (file)", "○ offline"), shrink=2)
    reach = app.reach.get(id(site))
    if reach is not None:
        ago = _ago(app, reach.when)
        if reach.ok:
            return Piece(_forms(f"● reached {ago}", "● online"), shrink=2)
        return Piece(_forms(f"✗ unreachable {ago}: {one_line(reach.detail)}", "✗ unreachable", "✗ down",
                            style="bold"), shrink=2)
    token = app.tokens.get(id(site))
    if token is None:
        return Piece(_forms("○ checking the token…", "○ checking"), shrink=2)
    if token == "ready":
        return Piece(_forms("○ not contacted yet (token found)", "○ not contacted", "○ idle"), shrink=2)
    return Piece(_forms(f"○ {one_line(token)}", "○ no token"), shrink=2)


def _ago(app, when) -> str:
    seconds = max(0, int((app.clock() - when).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h ago"


def gaps(app) -> Piece | None:
    ref = app.current_ref
    if ref is None or ref.snapshot is None:
        return None
    n = len(ref.snapshot.gaps)
    return Piece(_forms(f"{n} gap{'s' if n != 1 else ''}" if n else "no gaps"), shrink=7)


def work(app) -> Piece | None:
    """What runs in the background (explain with fixes, who-can, a matrix, a sync), with its time so far."""
    if not app.jobs:
        return None
    label, started = next(reversed(app.jobs.values()))
    seconds = time.monotonic() - started
    more = f" +{len(app.jobs) - 1}" if len(app.jobs) > 1 else ""
    return Piece(_forms(f"⟳ {label} {seconds:.1f} s{more}", f"⟳ {label}", "⟳"), shrink=6)


DEFAULT_SEGMENTS: tuple[Segment, ...] = (redaction, site, age, reachability, gaps, work)
