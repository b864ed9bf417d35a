"""``jira-perms sync`` and ``jira-perms verify`` as users run them, against the fake Jira server.

Commands run in the test's process (tests/cli_run.py); the terminal progress and Ctrl-C run as real processes.
"""

from __future__ import annotations

import base64
import gzip
import itertools
import logging
import os
import signal
import socket
import subprocess
import sys
import threading

import pytest

from explorer.cli.main import main
from explorer.store.snapshot_file import read_snapshot
from tests.cli_run import assert_one_line_error, run_cli
from tests.fake_jira import (
    ADMIN_EMAIL,
    ADMIN_ID,
    ADMIN_TOKEN,
    DEV_EMAIL,
    DEV_TOKEN,
    USERS,
    FakeJira,
    Faults,
    generate_site,
)

SITE = generate_site(seed=5, projects=5, accounts=30, groups=4)
SECRETS = (ADMIN_TOKEN, base64.b64encode(f"{ADMIN_EMAIL}:{ADMIN_TOKEN}".encode()).decode(), ADMIN_TOKEN[10:30])


@pytest.fixture
def homes(tmp_path, monkeypatch):
    env = {"JIRA_PERMS_CONFIG_DIR": str(tmp_path / "config"), "JIRA_PERMS_DATA_DIR": str(tmp_path / "data"),
           "JIRA_API_TOKEN": ADMIN_TOKEN, "HOME": str(tmp_path)}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env


def run(*args: str, env: dict, token: str | None = None) -> subprocess.CompletedProcess:
    return run_cli(*args, env={**env, "JIRA_API_TOKEN": token} if token is not None else env)


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


# ---------------------------------------------------------------------------- success


def test_sync_writes_a_private_snapshot_and_prints_a_summary(homes, tmp_path):
    out = tmp_path / "site.jpsnap"
    with FakeJira(SITE, users=USERS) as fake:
        result = run("sync", "--site", fake.url, "--email", ADMIN_EMAIL, "-o", str(out), "--issue", "PBA-1",
                     env=homes)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # not a terminal: no progress display, only the summary
    assert f"Wrote {out}" in result.stdout and "30 accounts" in result.stdout and "5 projects" in result.stdout
    assert "requests" in result.stdout and "Complete: every fact was read." in result.stdout
    assert "lower bound" in result.stdout and "latency / 8 in flight)" in result.stdout
    assert out.stat().st_mode & 0o777 == 0o600
    snap = read_snapshot(out)
    assert snap.provenance.taken_by == ADMIN_ID and [i.key for i in snap.issues] == ["PBA-1"]
    assert_no_secret(result.stdout, result.stderr, gzip.decompress(out.read_bytes()).decode())
    shown = run("explain", "--snapshot", str(out), "--account", ADMIN_ID, "--permission", "ADMINISTER", env=homes)
    assert shown.returncode == 0, shown.stdout + shown.stderr


def test_sync_without_output_goes_to_the_sites_data_folder(homes, tmp_path):
    with FakeJira(SITE, users=USERS) as fake:
        result = run("sync", "--site", fake.url, "--email", ADMIN_EMAIL, "--project", "PBA", env=homes)
        port = fake.url.rsplit(":", 1)[1]
    assert result.returncode == 0, result.stderr
    files = list((tmp_path / "data").rglob("*.jpsnap"))
    assert len(files) == 1 and port in str(files[0].parent) and files[0].name.startswith("snapshot-")
    assert "Missing facts" in result.stdout and "only the projects asked for: PBA" in result.stdout


def test_a_non_admin_sync_says_what_is_missing_and_what_would_give_it(homes, tmp_path):
    out = tmp_path / "dev.jpsnap"
    with FakeJira(SITE, users=USERS) as fake:
        result = run("sync", "--site", fake.url, "--email", DEV_EMAIL, "-o", str(out), env=homes, token=DEV_TOKEN)
    assert result.returncode == 0, result.stderr
    assert "Missing facts" in result.stdout and "needs Administer Jira" in result.stdout
    assert out.exists()


def test_progress_goes_to_a_terminal(homes, tmp_path):
    """Under a pseudo-terminal, stderr shows what is being fetched, counts, requests and retries."""
    import pty

    out = tmp_path / "tty.jpsnap"
    with FakeJira(SITE, users=USERS, faults=Faults(latency=0.02)) as fake:
        pid, fd = pty.fork()
        if pid == 0:  # the child: stdout and stderr are the terminal
            os.execvpe(sys.executable, [sys.executable, "-m", "explorer", "sync", "--site", fake.url, "--email",
                                        ADMIN_EMAIL, "-o", str(out)], {**os.environ, **homes})
        chunks = []
        while True:
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        _, status = os.waitpid(pid, 0)
    text = b"".join(chunks).decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert "requests" in text and "retries" in text and "\r" in text
    assert "Wrote" in text
    assert_no_secret(text)


# ---------------------------------------------------------------------------- failures: one line, exit 2, no file


@pytest.fixture(scope="module")
def html_site():
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = b"<html><body>Welcome to our intranet</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("case", "needles"), [
    ("wrong-token", ("authentication failed", "revoked")),
    ("forbidden", ("permission denied",)),
    ("not-found", ("wrong site",)),
    ("not-jira", ("wrong site",)),
    ("network-down", ("network down",)),
    ("unavailable", ("kept failing",)),
])
def test_failures_are_one_line_exit_2_and_no_file(homes, tmp_path, case, needles, html_site):
    out = tmp_path / "out" / "site.jpsnap"
    out.parent.mkdir()
    faults = Faults()
    token = ADMIN_TOKEN
    if case == "wrong-token":
        token = ADMIN_TOKEN[:-4] + "XXXX"
    elif case == "forbidden":
        faults.deny["GET /rest/api/3/myself"] = 403
    elif case == "not-found":
        faults.deny["GET /rest/api/3/serverInfo"] = 404
    elif case == "unavailable":
        faults.deny["GET /rest/api/3/myself"] = 503
    with FakeJira(SITE, users=USERS, faults=faults) as fake:
        url = fake.url
        if case == "network-down":
            url = f"http://127.0.0.1:{closed_port()}"
        elif case == "not-jira":
            url = html_site.url  # a web server that is not Jira: HTML for every path
        result = run("sync", "--site", url, "--email", ADMIN_EMAIL, "-o", str(out), "--max-retries", "1",
                     env=homes, token=token)
        debug = run("sync", "--site", url, "--email", ADMIN_EMAIL, "-o", str(out), "--max-retries", "1",
                    "--debug", env=homes, token=token)
    assert_one_line_error(result, *needles)
    assert list(out.parent.iterdir()) == []  # no snapshot, no temporary file
    assert_no_secret(result.stdout, result.stderr, debug.stdout, debug.stderr)
    assert debug.returncode == 2 and "Traceback" not in debug.stderr
    assert debug.stderr.strip().splitlines()[-1] == result.stderr.strip()
    if case not in ("network-down",):
        assert "jira-perms debug: GET" in debug.stderr and "'Authorization': '[redacted]'" in debug.stderr


def test_failures_in_process_never_log_the_token(homes, tmp_path, capsys, caplog):
    out = tmp_path / "x.jpsnap"
    with FakeJira(SITE, users=USERS, faults=Faults(deny={"GET /rest/api/3/users/search": 500})) as fake, \
            caplog.at_level(logging.DEBUG):
        codes = [
            main(["sync", "--site", fake.url, "--email", ADMIN_EMAIL, "-o", str(out), "--max-retries", "0"]),
            main(["sync", "--site", f"http://127.0.0.1:{closed_port()}", "--email", ADMIN_EMAIL, "-o", str(out),
                  "--max-retries", "0"]),
        ]
        os.environ["JIRA_API_TOKEN"] = ADMIN_TOKEN + "-wrong"
        codes.append(main(["sync", "--site", fake.url, "--email", ADMIN_EMAIL, "-o", str(out)]))
    captured = capsys.readouterr()
    assert codes == [2, 2, 2] and not out.exists()
    assert caplog.records  # the debug log really was on
    assert_no_secret(captured.out, captured.err, caplog.text)
    assert_no_secret(*(repr(r.args) for r in caplog.records))


def _ctrl_c_as_at_a_terminal() -> None:
    """The child takes Ctrl-C as a command at a terminal does: a test run started in the background (``cmd &``
    in a script) ignores SIGINT, and a child would inherit that and never see the signal."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_leaves_no_snapshot(homes, tmp_path):
    """Ctrl-C in the middle of a sync: exit 130, one line, nothing written.  The server holds every request
    after the fifth until the test is done, so the sync is surely still running when the signal comes (with
    latency alone, a loaded machine could let the whole sync finish first)."""
    out = tmp_path / "cut.jpsnap"
    gate, held = threading.Event(), threading.Event()
    counter = itertools.count(1)

    def hold_after_five(route, handler) -> bool:
        if next(counter) > 5:
            held.set()
            gate.wait(60)
        return False

    with FakeJira(SITE, users=USERS, faults=Faults(raw=hold_after_five)) as fake:
        try:
            proc = subprocess.Popen([sys.executable, "-m", "explorer", "sync", "--site", fake.url, "--email",
                                     ADMIN_EMAIL, "-o", str(out)], env={**os.environ, **homes},
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    stdin=subprocess.DEVNULL, preexec_fn=_ctrl_c_as_at_a_terminal)
            assert held.wait(60), "the sync never reached its sixth request"
            proc.send_signal(signal.SIGINT)
            stdout, stderr = proc.communicate(timeout=60)
        finally:
            gate.set()
    assert proc.returncode == 130, stderr
    assert stderr.strip().splitlines() == ["jira-perms: interrupted; nothing was written"]
    assert list(tmp_path.glob("*.jpsnap")) == [] and list(tmp_path.glob(".cut*")) == []


# ---------------------------------------------------------------------------- verify


@pytest.fixture
def synced(homes, tmp_path):
    out = tmp_path / "v.jpsnap"
    with FakeJira(SITE, users=USERS) as fake:
        result = run("sync", "--site", fake.url, "--email", ADMIN_EMAIL, "-o", str(out), "--issue", "PBA-1",
                     "--issue", "PBA-2", env=homes)
        assert result.returncode == 0, result.stderr
        yield fake, out


def test_verify_one_question_side_by_side(synced, homes):
    fake, out = synced
    result = run("verify", "--snapshot", str(out), "--site", fake.url, "--email", ADMIN_EMAIL, "--account", "Dev Lead", "--permission",
                 "Administer Projects", "--project", "PBA", env=homes)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("AGREE: Dev Lead") and "local replay: allowed" in result.stdout
    assert "Jira says:    allowed" in result.stdout
    on_issue = run("verify", "--snapshot", str(out), "--site", fake.url, "--email", ADMIN_EMAIL, "--account", "Dev Lead",
                   "--permission", "EDIT_ISSUES", "--issue", "PBA-2", env=homes)
    assert on_issue.returncode == 0 and "issue PBA-2" in on_issue.stdout


def test_verify_sample_reports_agreement(synced, homes):
    fake, out = synced
    result = run("verify", "--snapshot", str(out), "--site", fake.url, "--email", ADMIN_EMAIL, "--sample", "40", "--seed", "3", env=homes)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Checked 40 random" in result.stdout and "= 100.0%" in result.stdout and "seed 3" in result.stdout


def test_verify_sample_shows_every_disagreement(synced, homes):
    fake, out = synced
    import json as _json

    first = _json.loads(run("verify", "--snapshot", str(out), "--site", fake.url, "--email", ADMIN_EMAIL, "--sample", "12", "--seed",
                            "9", "--format", "json", env=homes).stdout)
    picked = first["comparisons"][:2]
    fake.faults.flip.update((c["account"]["accountId"], c["permission"], c["project"]) for c in picked)
    result = run("verify", "--snapshot", str(out), "--site", fake.url, "--email", ADMIN_EMAIL, "--sample", "12", "--seed", "9",
                 env=homes)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Agreement: 10/12" in result.stdout and "Disagreements (2):" in result.stdout
    for c in picked:
        assert f"({c['account']['accountId']}), " in result.stdout
    assert result.stdout.count("DISAGREE:") == 2


def test_verify_errors_are_one_line(synced, homes):
    fake, out = synced
    assert_one_line_error(run("verify", "--snapshot", str(out), "--site", fake.url, "--email", ADMIN_EMAIL, env=homes), "--sample")
    assert_one_line_error(run("verify", "--snapshot", str(out), "--site", fake.url, "--email", ADMIN_EMAIL, "--account", "Dev Lead",
                              "--permission", "EDIT_ISSUES", "--issue", "PBA-99", env=homes),
                          "sync --issue PBA-99")
    refused = run("verify", "--snapshot", str(out), "--site", fake.url, "--email", DEV_EMAIL, "--account", "Ada Admin", "--permission",
                  "BROWSE_PROJECTS", "--project", "PBA", env=homes, token=DEV_TOKEN)
    assert_one_line_error(refused, "permission denied", "Administer Jira")


def test_verify_sends_credentials_only_to_a_configured_or_named_site(synced, homes):
    from explorer.store.config import Config, SiteConfig, save_config

    fake, out = synced
    before = fake.total_requests
    question = ("--account", "Dev Lead", "--permission", "ADMINISTER")
    refused = run("verify", "--snapshot", str(out), "--email", ADMIN_EMAIL, *question, env=homes)
    assert_one_line_error(refused, "not configured", "credentials only go to a site you configured", "--site")
    assert fake.total_requests == before  # nothing was sent to the snapshot's site
    config = Config()
    config.add(SiteConfig(fake.url, ADMIN_EMAIL))
    save_config(config)
    allowed = run("verify", "--snapshot", str(out), *question, env=homes)
    assert allowed.returncode == 0, allowed.stderr
    assert fake.total_requests > before
