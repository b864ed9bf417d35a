"""Write SVG screenshots of every TUI screen, from the bundled demo site, into screenshots/.

    .venv/bin/python scripts/screenshots.py [--out screenshots]

Every screen at 80x24 (``<screen>-80x24.svg``: what an admin over SSH gets; the README shows these first),
and the main ones again at 120x40.  Deterministic: a fixed clock (the demo is 3 days old), a fixed redaction
key (the pseudonyms are the same on every run), no cursor blink, workers awaited before each picture.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = dt.datetime(2026, 11, 5, 12, 0, tzinfo=dt.UTC)
KEY = b"jira-perms-screenshots-key-32byt"
BACKBONE = "712020:c8ba27fb-b422-4dbf-a78d-a7173894dee3"
FACTORY = "712020:80409efe-9b29-4ecc-9959-13357f626516"
SMALL, LARGE = (80, 24), (120, 40)

Steps = Callable[[object], Awaitable[None]]


async def _settle(pilot) -> None:
    for _ in range(5):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    pilot.app.clear_notifications()
    await pilot.pause()


async def _until(pilot, condition) -> None:
    for _ in range(400):
        if condition():
            return
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    raise SystemExit("the app never reached the expected state")


def _demo_workspace(tmp: Path, second: bool = False):
    from explorer.core.model import Grant, Holder
    from explorer.store.snapshot_file import load_demo, write_snapshot
    from explorer.tui.workspace import Workspace

    ws = Workspace()
    if not second:
        ws.add_demo().snapshots[0].load()
        return ws
    demo = load_demo()  # a later snapshot of the same site, where someone opened Browse Projects to anyone
    scheme = demo.permission_schemes[0]
    opened = replace(scheme, grants=(*scheme.grants, Grant("999", "BROWSE_PROJECTS", Holder("anyone"))))
    newer = replace(demo, permission_schemes=(opened, *demo.permission_schemes[1:]),
                    provenance=replace(demo.provenance, taken_at="2026-11-04T09:30:00Z"))
    ws.add_file(write_snapshot(newer, tmp / "acme-2026-11-04.jpsnap"))
    ws.add_file(write_snapshot(demo, tmp / "acme-2026-11-02.jpsnap"))
    for site in ws.sites:
        site.snapshots[0].load()
    return ws


async def shoot(name: str, out: Path, size: tuple[int, int], steps: Steps, *, theme: str | None = None,
                workspace: str = "demo") -> Path:
    from explorer.tui.app import JiraPermsApp
    from explorer.tui.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace() if workspace == "none" else _demo_workspace(Path(tmp), second=workspace == "two")
        app = JiraPermsApp(ws, clock=lambda: NOW, redaction_key=KEY, blink=False, theme=theme)
        async with app.run_test(size=size) as pilot:
            await _settle(pilot)
            await steps(pilot)
            await _settle(pilot)
            path = out / f"{name}-{size[0]}x{size[1]}.svg"
            path.write_text(app.export_screenshot(title=f"jira-perms — {name} ({size[0]}x{size[1]})"),
                            encoding="utf-8")
    return path


def _scenes() -> list[tuple[str, Steps, dict]]:
    from explorer.tui.catalog import Context
    from explorer.tui.screens.audit import AuditScreen
    from explorer.tui.screens.explain import ExplainScreen
    from explorer.tui.screens.matrix import MatrixScreen
    from explorer.tui.screens.picker import PickerScreen
    from explorer.tui.screens.who_can import WhoCanScreen

    denial = Context(account=BACKBONE, project="ENG", permission="DELETE_OWN_ATTACHMENTS")

    async def nothing(pilot):
        pass

    async def browse(pilot):
        await pilot.press("down", "down", "right", "down", "down", "right")  # Projects, then ENG

    async def account(pilot):
        await pilot.press("slash", *"backbone", "enter")
        await _until(pilot, lambda: "Browses" in str(pilot.app.screen.detail.renderable.renderables))

    async def explain(pilot):
        pilot.app.push_screen(ExplainScreen(pilot.app.current_ref, denial))
        await _until(pilot, lambda: getattr(pilot.app.screen, "result", None) is not None
                     and not pilot.app.screen.fixes_pending)

    async def zoom(pilot):
        await explain(pilot)
        await pilot.press("plus", "space")

    async def find(pilot):
        await explain(pilot)
        await pilot.press("slash", *"blast radius", "enter")

    async def redacted(pilot):
        await pilot.press("r")
        await _until(pilot, lambda: pilot.app.redacted)
        await explain(pilot)

    async def picker(pilot):
        pilot.app.push_screen(ExplainScreen(pilot.app.current_ref, Context(project="ENG")))
        await _until(pilot, lambda: isinstance(pilot.app.screen, PickerScreen))
        await pilot.press(*"sync")

    async def who(pilot):
        pilot.app.push_screen(WhoCanScreen(pilot.app.current_ref, Context(project="ENG", permission="EDIT_ISSUES")))
        await _until(pilot, lambda: getattr(pilot.app.screen, "result", None) is not None)

    async def matrix_account(pilot):
        pilot.app.push_screen(MatrixScreen(pilot.app.current_ref, Context(account=BACKBONE)))
        await _until(pilot, lambda: getattr(pilot.app.screen, "matrix", None) is not None)

    async def matrix_project(pilot):
        pilot.app.push_screen(MatrixScreen(pilot.app.current_ref, Context(project="HELP"), "project"))
        await _until(pilot, lambda: getattr(pilot.app.screen, "matrix", None) is not None)
        pilot.app.screen.table.move_cursor(row=0, column=15)  # scrolled right: the names stay

    async def audit(pilot):
        pilot.app.push_screen(AuditScreen(pilot.app.current_ref, Context(account=FACTORY), "factory"))
        await _until(pilot, lambda: getattr(pilot.app.screen, "report", None) is not None)

    async def helps(pilot):
        await explain(pilot)
        await pilot.press("question_mark")

    async def add_site(pilot):
        await pilot.press("a")
        await _until(pilot, lambda: getattr(pilot.app.screen, "keyring_ok", None) is not None)

    async def diff(pilot):
        from explorer.tui.screens.diff import DiffScreen

        refs = [site.snapshots[0] for site in pilot.app.workspace.sites]
        pilot.app.push_screen(DiffScreen(refs[0], refs[1]))
        await _until(pilot, lambda: getattr(pilot.app.screen, "result", None) is not None)

    async def messages(pilot):
        await pilot.press("s")  # on the demo: says why not
        await pilot.press("r")
        await _until(pilot, lambda: pilot.app.redacted)
        await pilot.press("r")
        await _until(pilot, lambda: not pilot.app.redacted)
        await pilot.press("M")

    return [
        ("welcome", nothing, {"workspace": "none"}),
        ("browse", browse, {}),
        ("browse-account", account, {}),
        ("explain", explain, {}),
        ("explain-zoom", zoom, {}),
        ("explain-find", find, {}),
        ("explain-redacted", redacted, {}),
        ("explain-light", explain, {"theme": "textual-light"}),
        ("picker", picker, {}),
        ("who-can", who, {}),
        ("matrix-account", matrix_account, {}),
        ("matrix-project", matrix_project, {}),
        ("audit", audit, {}),
        ("help", helps, {}),
        ("add-site", add_site, {}),
        ("diff", diff, {"workspace": "two"}),
        ("messages", messages, {}),
    ]


LARGE_TOO = {"browse-account", "explain", "who-can", "matrix-project"}


async def main(out: Path) -> list[Path]:
    written = []
    for name, steps, options in _scenes():
        written.append(await shoot(name, out, SMALL, steps, **options))
    for name, steps, options in _scenes():
        if name in LARGE_TOO:
            written.append(await shoot(name, out, LARGE, steps, **options))
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    args = parser.parse_args()
    target = Path(args.out)
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home:  # never touch the user's own config or data
        os.environ["JIRA_PERMS_CONFIG_DIR"] = os.path.join(home, "config")
        os.environ["JIRA_PERMS_DATA_DIR"] = os.path.join(home, "data")
        os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
        for old in target.glob("*.svg"):
            old.unlink()  # the set of screens is this script's: no stale pictures
        for path in asyncio.run(main(target)):
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
