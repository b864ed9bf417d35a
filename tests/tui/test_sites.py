"""Adding a site (no keyring here: the screen says so and offers JIRA_API_TOKEN), and syncing one."""

from __future__ import annotations

import pytest

from explorer.store.config import load_config, site_snapshot_dir
from explorer.tui.app import JiraPermsApp
from explorer.tui.screens.add_site import AddSiteScreen
from explorer.tui.screens.sync import SyncScreen
from explorer.tui.workspace import configured_workspace
from tests.fake_jira.server import FakeJira, Faults
from tests.fake_jira.sitegen import ADMIN_ID, generate_site
from tests.tui.conftest import FIXED_NOW, TEST_KEY, screen_text, until

pytestmark = pytest.mark.anyio


async def test_add_site_without_a_keyring_offers_the_environment_route():
    app = JiraPermsApp(configured_workspace(), clock=lambda: FIXED_NOW, redaction_key=TEST_KEY, blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "No Jira site is configured" in screen_text(app)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AddSiteScreen) and app.screen.keyring_ok is not None)
        screen = app.screen
        assert screen.keyring_ok is False
        text = screen_text(app)
        assert "No usable OS keyring" in text and "JIRA_API_TOKEN" in text
        assert not screen.query_one("#add-token").display  # nothing to type a token into
        await pilot.press(*"acme-test.atlassian.net", "enter", *"me@acme.test", "enter")
        await until(pilot, lambda: not isinstance(app.screen, AddSiteScreen))
        config = load_config()
        assert [(s.url, s.email) for s in config.sites] == [("https://acme-test.atlassian.net", "me@acme.test")]
        from explorer.store.config import config_path

        assert "token =" not in config_path().read_text().lower()
        assert app.current_site is not None and app.current_site.url == "https://acme-test.atlassian.net"


async def test_add_site_rejects_a_bad_url_in_one_line():
    app = JiraPermsApp(configured_workspace(), clock=lambda: FIXED_NOW, redaction_key=TEST_KEY, blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AddSiteScreen) and app.screen.keyring_ok is not None)
        await pilot.press(*"http://jira.example.com", "enter", *"me@acme.test", "enter")
        await until(pilot, lambda: "refusing plain http" in screen_text(app))
        assert isinstance(app.screen, AddSiteScreen)
        assert load_config().sites == []


def _configure(url: str, monkeypatch) -> None:
    from explorer.store.config import Config, SiteConfig, save_config

    config = Config()
    config.add(SiteConfig(url, "ada@example.test"))
    save_config(config)
    monkeypatch.setenv("JIRA_API_TOKEN", "fake-token-1")


async def test_sync_from_the_fake_jira_with_progress(monkeypatch):
    site = generate_site(accounts=30)
    with FakeJira(site, users={"ada@example.test": ("fake-token-1", ADMIN_ID)}, faults=Faults(latency=0.1)) as jira:
        _configure(jira.url, monkeypatch)
        app = JiraPermsApp(configured_workspace(), clock=lambda: FIXED_NOW, redaction_key=TEST_KEY, blink=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await until(pilot, lambda: app.tokens)
            assert "not contacted" in screen_text(app)  # a token is not a connection
            await pilot.press("s")
            await until(pilot, lambda: isinstance(app.screen, SyncScreen) and bool(app.screen.progress.counts),
                        workers=False)
            await until(pilot, lambda: "syncing" in screen_text(app), workers=False)  # the status bar shows it
            await until(pilot, lambda: not isinstance(app.screen, SyncScreen))
            assert any(n.message.startswith("Synced") for n in app._notifications)
            assert "● reached" in screen_text(app) or "● online" in screen_text(app)  # from the real request
            files = list(site_snapshot_dir(jira.url).glob("*.jpsnap"))
            assert len(files) == 1
            assert app.current_ref is not None and app.current_ref.snapshot is not None
            assert len(app.current_ref.snapshot.accounts) == 30
            await pilot.pause()
            assert "Snapshot" in screen_text(app)


async def test_sync_can_be_cancelled_and_writes_nothing(monkeypatch):
    site = generate_site(accounts=30)
    with FakeJira(site, users={"ada@example.test": ("fake-token-1", ADMIN_ID)}, faults=Faults(latency=0.3)) as jira:
        _configure(jira.url, monkeypatch)
        app = JiraPermsApp(configured_workspace(), clock=lambda: FIXED_NOW, redaction_key=TEST_KEY, blink=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("s")
            await until(pilot, lambda: isinstance(app.screen, SyncScreen) and bool(app.screen.progress.counts),
                        workers=False)
            await pilot.press("down")  # input is still handled while the sync runs
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, SyncScreen))
            assert any("cancelled" in n.message for n in app._notifications)
            assert not list(site_snapshot_dir(jira.url).glob("*.jpsnap"))
            assert not list(site_snapshot_dir(jira.url).parent.glob("**/*.tmp"))


async def test_sync_on_the_demo_explains_why_not():
    from tests.tui.conftest import demo_app

    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "s sync" not in screen_text(app)  # not offered on the demo
        await pilot.press("s")
        await pilot.pause()
        assert not isinstance(app.screen, SyncScreen)
        assert any("demo" in n.message and "add a site" in n.message for n in app._notifications)


async def test_10_the_colour_note_says_what_the_terminal_really_gets(monkeypatch):
    """Defect 10: with TERM=xterm the app drew 16 colours but said "256 colours (COLORTERM is not set ...)"."""
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("COLORTERM", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TEXTUAL_COLOR_SYSTEM", raising=False)
    from tests.tui.conftest import demo_app

    app = demo_app(colour_hint=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.console.color_system == "standard"
        notes = [m.text for m in app.messages]
        assert any("16 colours (TERM=xterm)" in n and "xterm-256color" in n for n in notes)
        assert not any("256 colours (COLORTERM" in n for n in notes)


async def test_12_adding_a_site_with_no_token_anywhere_says_so():
    """Defect 12: without a keyring or JIRA_API_TOKEN, "Added ... (token from JIRA_API_TOKEN)"; then s failed."""
    app = JiraPermsApp(configured_workspace(), clock=lambda: FIXED_NOW, redaction_key=TEST_KEY, blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AddSiteScreen) and app.screen.keyring_ok is not None)
        assert "JIRA_API_TOKEN is not set here" in screen_text(app)
        await pilot.press(*"acme-test.atlassian.net", "enter", *"me@acme.test", "enter")
        await until(pilot, lambda: not isinstance(app.screen, AddSiteScreen))
        added = app.messages[-1].text
        assert "without a token" in added and "s cannot sync" in added and "token from" not in added
        await until(pilot, lambda: app.tokens)
        assert "○ no keyring; set JIRA_API_TOKEN" in screen_text(app)


async def test_13_reachability_comes_from_the_last_real_request(monkeypatch):
    """Defect 13: "● online" only meant a token existed, and stayed after a failed DNS lookup."""
    import socket

    from explorer.store.config import Config, SiteConfig, save_config

    with socket.socket() as s:  # a port nothing listens on: the connection is refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = Config()
    config.add(SiteConfig(f"http://127.0.0.1:{port}", "ada@example.test"))
    save_config(config)
    monkeypatch.setenv("JIRA_API_TOKEN", "fake-token-1")
    # The refused connection is retried as always, only with short pauses (the backoff has its own tests in
    # tests/test_jira_client.py; its real pauses, 0.5 s doubling, would keep this test waiting ~15 s).
    from explorer.jira import client, limits
    monkeypatch.setattr(client, "RetryPolicy", lambda: limits.RetryPolicy(base_delay=0.01))
    app = JiraPermsApp(configured_workspace(), clock=lambda: FIXED_NOW, redaction_key=TEST_KEY, blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await until(pilot, lambda: app.tokens)
        text = screen_text(app)
        assert "not contacted" in text and "● online" not in text
        await pilot.press("s")
        await until(pilot, lambda: not isinstance(app.screen, SyncScreen), workers=False)
        await pilot.pause()
        assert "✗ unreachable" in screen_text(app)
        assert "network down" in app.reach[id(app.current_site)].detail


async def test_sync_of_a_data_center_site_speaks_its_dialect(monkeypatch):
    """A DC site added with a personal access token (no username): the TUI's sync sends the token as a bearer
    token and reads the site with the Data Center dialect, as ``jira-perms sync`` does."""
    from explorer.core.model import Deployment
    from explorer.store.config import DC, Config, SiteConfig, save_config
    from tests.fake_jira_dc import ADMIN_PAT, generate_dc_site, serve

    with serve(generate_dc_site(seed=3, projects=3, accounts=12, groups=3)) as fake:
        config = Config()
        config.add(SiteConfig(fake.url, "", DC))
        save_config(config)
        monkeypatch.setenv("JIRA_API_TOKEN", ADMIN_PAT)
        app = JiraPermsApp(configured_workspace(), clock=lambda: FIXED_NOW, redaction_key=TEST_KEY, blink=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await until(pilot, lambda: app.tokens)
            await pilot.press("s")
            await until(pilot, lambda: any(n.message.startswith(("Synced", "Sync failed")) for n in
                                           app._notifications) and not isinstance(app.screen, SyncScreen))
            assert any(n.message.startswith("Synced") for n in app._notifications), \
                [n.message for n in app._notifications]
            snapshot = app.current_ref.snapshot
            assert snapshot.site.deployment is Deployment.DATA_CENTER
            assert len(snapshot.accounts) >= 12 and all(a.username for a in snapshot.accounts)
        assert not fake.crashes
