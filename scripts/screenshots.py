"""Write SVG screenshots of the main TUI screens, from the bundled demo site, into screenshots/.

    .venv/bin/python scripts/screenshots.py [--out screenshots] [--size 120x36]

Deterministic: a fixed clock (the demo is 3 days old), a fixed redaction key (the pseudonyms are
the same on every run), no cursor blink, workers awaited before each picture.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = dt.datetime(2026, 11, 5, 12, 0, tzinfo=dt.UTC)
KEY = b"jira-perms-screenshots-key-32byt"
BACKBONE = "712020:c8ba27fb-b422-4dbf-a78d-a7173894dee3"


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


def _app(theme: str | None = None):
    from explorer.tui.app import JiraPermsApp
    from explorer.tui.workspace import Workspace

    ws = Workspace()
    ws.add_demo().snapshots[0].load()
    return JiraPermsApp(ws, clock=lambda: NOW, redaction_key=KEY, blink=False, theme=theme)


async def shoot(name: str, out: Path, size: tuple[int, int], steps, theme: str | None = None) -> Path:
    app = _app(theme)
    async with app.run_test(size=size) as pilot:
        await _settle(pilot)
        await steps(pilot)
        await _settle(pilot)
        path = out / f"{name}.svg"
        path.write_text(app.export_screenshot(title=f"jira-perms — {name}"), encoding="utf-8")
    return path


async def main(out: Path, size: tuple[int, int]) -> list[Path]:
    from explorer.tui.catalog import Context
    from explorer.tui.screens.explain import ExplainScreen
    from explorer.tui.screens.matrix import MatrixScreen
    from explorer.tui.screens.who_can import WhoCanScreen

    denial = Context(account=BACKBONE, project="ENG", permission="DELETE_OWN_ATTACHMENTS")

    async def browse(pilot):
        await pilot.press("slash", *"backbone", "enter")
        await _until(pilot, lambda: "Browses" in str(pilot.app.screen.detail.renderable.renderables))

    async def explain(pilot):
        pilot.app.push_screen(ExplainScreen(pilot.app.current_ref, denial))
        await _until(pilot, lambda: getattr(pilot.app.screen, "result", None) is not None)

    async def redacted(pilot):
        await pilot.press("r")
        await _until(pilot, lambda: pilot.app.redacted)
        await explain(pilot)

    async def who(pilot):
        pilot.app.push_screen(WhoCanScreen(pilot.app.current_ref, Context(project="ENG", permission="EDIT_ISSUES")))
        await _until(pilot, lambda: getattr(pilot.app.screen, "result", None) is not None)

    async def matrix(pilot):
        pilot.app.push_screen(MatrixScreen(pilot.app.current_ref, Context(account=BACKBONE)))
        await _until(pilot, lambda: getattr(pilot.app.screen, "matrix", None) is not None)

    async def helps(pilot):
        await pilot.press("question_mark")

    written = [
        await shoot("browse", out, size, browse),
        await shoot("explain", out, size, explain),
        await shoot("explain-80x24", out, (80, 24), explain),
        await shoot("explain-redacted", out, size, redacted),
        await shoot("explain-light", out, size, explain, theme="textual-light"),
        await shoot("who-can", out, size, who),
        await shoot("matrix", out, size, matrix),
        await shoot("help", out, size, helps),
    ]
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    parser.add_argument("--size", default="120x36", help="COLSxROWS (default 120x36)")
    args = parser.parse_args()
    cols, rows = (int(x) for x in args.size.lower().split("x"))
    target = Path(args.out)
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home:  # never touch the user's own config or data
        os.environ["JIRA_PERMS_CONFIG_DIR"] = os.path.join(home, "config")
        os.environ["JIRA_PERMS_DATA_DIR"] = os.path.join(home, "data")
        os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
        for path in asyncio.run(main(target, (cols, rows))):
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
