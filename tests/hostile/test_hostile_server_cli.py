"""Whole CLI processes against a hostile Jira server (issue 13, "How to prove it").

The server is the fake Jira Cloud server (tests/fake_jira) with one misbehaviour switched on: a slowloris
answer, endless or lying pages, a gzip bomb, a corrupt encoding, echoed credentials, wrong-typed JSON, a chain
of sub-task parents.  Each test runs ``jira-perms`` in a subprocess and checks: the documented exit code; one
line on stderr when it fails; that it ended (the subprocess has a hard timeout, and the CLI is given short
deadlines); the child's peak RSS; that an existing output file is neither replaced nor half-written when the
command fails; and that the marker token appears nowhere - not in stdout, stderr, the snapshot or any file.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from explorer.store.snapshot_file import read_snapshot
from tests.fake_jira import ADMIN_ID, USERS, FakeJira, Faults, generate_site
from tests.hostile.bomb import gzip_bomb

ROOT = Path(__file__).resolve().parents[2]
MARKER_EMAIL = "marker@example.test"
MARKER = "ATATT3xFfGF0-HOSTILE-MARKER-0c1d2e3f4a5b6c7d8e9f"
BASIC = base64.b64encode(f"{MARKER_EMAIL}:{MARKER}".encode()).decode()
FORMS = (MARKER, BASIC, MARKER[12:36], BASIC[10:40])
MAX_RSS_MB = 400  # a sync of this small site needs ~60-90 MB; the bounds keep every misbehaviour well under this
SITE = generate_site(seed=21, projects=3, accounts=24, groups=3)
PREVIOUS = b"the previous snapshot, which a failed command must leave alone"
QUICK = ("--timeout", "3", "--phase-timeout", "20", "--max-retries", "1")


@dataclass
class Ran:
    code: int
    out: str
    err: str
    rss_mb: float


# Runs jira-perms as ``python -m explorer`` would, and at exit writes the process's own peak RSS (VmHWM: the
# high-water mark since exec, unlike wait4's ru_maxrss, which also counts the forking test process) to the
# pipe named by PEAK_FD.
_MEASURED = """
import atexit, os, runpy, sys
def _peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            os.write(int(os.environ["PEAK_FD"]), line.split()[1].encode())
atexit.register(_peak)
sys.argv = ["jira-perms", *sys.argv[1:]]
runpy.run_module("explorer", run_name="__main__")
"""


def jira_perms(*args: str, env: dict[str, str], stdin: str = "", timeout: float = 120) -> Ran:
    """Run the CLI in a child process and measure its peak RSS.  A hang past ``timeout`` fails the test."""
    peak_read, peak_write = os.pipe()
    with open(os.devnull, "rb") if not stdin else _pipe(stdin) as given:
        proc = subprocess.Popen([sys.executable, "-c", _MEASURED, *args], stdin=given, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=ROOT, pass_fds=(peak_write,),
                                env={**os.environ, **env, "PYTHONPATH": str(ROOT), "PEAK_FD": str(peak_write)})
        os.close(peak_write)
        out: list[bytes] = []
        err: list[bytes] = []
        readers = [threading.Thread(target=lambda s, b: b.append(s.read()), args=(proc.stdout, out)),
                   threading.Thread(target=lambda s, b: b.append(s.read()), args=(proc.stderr, err))]
        for r in readers:
            r.start()
        killed = threading.Event()
        timer = threading.Timer(timeout, lambda: (killed.set(), proc.kill()))
        timer.start()
        proc.wait()
        timer.cancel()
        for r in readers:
            r.join()
    with os.fdopen(peak_read, "rb") as peak:
        kilobytes = int(peak.read() or 0)
    assert not killed.is_set(), f"jira-perms {' '.join(args)} did not end within {timeout} s"
    assert kilobytes, "the child did not report its peak RSS"
    return Ran(proc.returncode, out[0].decode(), err[0].decode(), kilobytes / 1024)


def _pipe(text: str):
    read, write = os.pipe()
    os.write(write, text.encode())
    os.close(write)
    return os.fdopen(read, "rb")


@pytest.fixture
def home(tmp_path):
    env = {"JIRA_PERMS_CONFIG_DIR": str(tmp_path / "config"), "JIRA_PERMS_DATA_DIR": str(tmp_path / "data"),
           "JIRA_API_TOKEN": MARKER, "HOME": str(tmp_path), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    return tmp_path, env


def serve(**faults) -> FakeJira:
    return FakeJira(SITE, users={**USERS, MARKER_EMAIL: (MARKER, ADMIN_ID)}, faults=Faults(**faults))


def sync(home, fake: FakeJira, *extra: str) -> tuple[Ran, Path]:
    folder, env = home
    target = folder / "out" / "site.jpsnap"
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(PREVIOUS)
    ran = jira_perms("sync", "--site", fake.url, "--email", MARKER_EMAIL, "-o", str(target), *extra, env=env)
    return ran, target


def assert_failed(ran: Ran, target: Path | None, *words: str) -> None:
    """Exit 2, one line on stderr naming the cause, and an existing output left as it was (no temp file)."""
    assert ran.code == 2, (ran.code, ran.out, ran.err)
    lines = ran.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in ran.err, ran.err
    for word in words:
        assert word in lines[0], lines[0]
    if target is not None:
        assert target.read_bytes() == PREVIOUS
        assert [p.name for p in target.parent.iterdir()] == [target.name]


def assert_synced(ran: Ran, target: Path, *gap_words: str):
    """Exit 0, the snapshot written and readable, its summary naming the gap."""
    assert ran.code == 0, (ran.code, ran.out, ran.err)
    assert ran.err == ""
    snapshot = read_snapshot(target)
    for word in gap_words:
        assert word in ran.out, ran.out
    return snapshot


def assert_bounded_and_clean(ran: Ran, folder: Path) -> None:
    print(f"peak RSS {ran.rss_mb:.0f} MB")  # shown with -s: the figures docs/security.md quotes
    assert ran.rss_mb < MAX_RSS_MB, f"peak RSS {ran.rss_mb:.0f} MB"
    texts = [ran.out, ran.err]
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            texts.append((gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data).decode("utf-8", "replace"))
    for text in texts:
        for form in FORMS:
            assert form not in text
        assert "\x1b" not in text


def _slow(path: str, answer: bytes, every: float):
    """A raw hook answering ``path`` one byte every ``every`` seconds."""

    def raw(request: str, h) -> bool:
        if not request.endswith(path):
            return False
        h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(answer))
        try:
            for i in range(len(answer)):
                h.wfile.write(answer[i:i + 1])
                h.wfile.flush()
                time.sleep(every)
        except OSError:
            pass
        return True

    return raw


def _bytes(path: str, body: bytes, headers: dict[str, str] | None = None, status: int = 200):
    """A raw hook answering ``path`` with these exact bytes."""

    def raw(request: str, h) -> bool:
        if not request.endswith(path):
            return False
        h.send_response(status)
        for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
            h.send_header(name, value)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
        return True

    return raw


# ---------------------------------------------------------------------------- time


def test_slowloris_on_the_first_request_ends_sync_at_the_request_deadline(home):
    with serve(raw=_slow("/serverInfo", b'{"baseUrl": "x"}' + b" " * 400, 0.2)) as fake:
        ran, target = sync(home, fake, *QUICK)
    assert_failed(ran, target, "GET /rest/api/2/serverInfo", "did not finish within 3 s", "--timeout")
    assert_bounded_and_clean(ran, home[0])


def test_a_slow_phase_ends_sync_at_the_phase_deadline(home):
    def slow_members(request: str, h) -> bool:
        if request.endswith("/group/member"):
            time.sleep(1.0)  # each answer inside the request deadline; the phase as a whole is not
        return False

    with serve(raw=slow_members) as fake:
        ran, target = sync(home, fake, "--timeout", "5", "--phase-timeout", "2", "--concurrency", "1")
    assert_failed(ran, target, "reading groups and their members", "took longer than 2 s", "--phase-timeout")
    assert_bounded_and_clean(ran, home[0])


def test_slowloris_cannot_hang_login(home):
    folder, env = home
    with serve(raw=_slow("/myself", b'{"accountId": "x"}' + b" " * 400, 0.2)) as fake:
        ran = jira_perms("login", "--site", fake.url, "--email", MARKER_EMAIL, "--timeout", "2", "--no-store",
                         env=env, stdin=MARKER + "\n")
    assert_failed(ran, None, "did not answer within 2 s")
    assert not (folder / "config").exists()
    assert_bounded_and_clean(ran, folder)


def test_retry_after_is_capped_in_total_and_says_so(home):
    def limited(request: str, h) -> bool:
        if not request.endswith("/myself"):
            return False
        h.send_response(429)
        h.send_header("Retry-After", "1")
        h.send_header("Content-Length", "0")
        h.end_headers()
        return True

    with serve(raw=limited) as fake:
        ran, target = sync(home, fake, "--max-wait", "3")
    assert_failed(ran, target, "rate limited", "waiting in all", "3 s jira-perms waits in total")
    assert_bounded_and_clean(ran, home[0])


# ---------------------------------------------------------------------------- memory


def test_endless_users_are_cut_at_the_bound_and_recorded(home):
    def endless(template, query, payload):
        if not template.endswith("/users/search"):
            return payload
        start = int(query["startAt"][0])
        return [{"accountId": f"u-{start + i}", "displayName": "x"} for i in range(1000)]

    with serve(rewrite=endless) as fake:
        ran, target = sync(home, fake)
    snapshot = assert_synced(ran, target, "accounts: truncated", "grew past 250,000 items")
    assert len(snapshot.accounts) >= 250_000
    assert_bounded_and_clean(ran, home[0])


def test_a_lying_total_and_is_last_false_forever_stop_at_what_the_site_can_hold(home):
    def lying(template, query, payload):
        if not template.endswith("/group/member"):
            return payload
        start = int(query["startAt"][0])
        return {**payload, "total": 1_000_000_000, "isLast": False, "startAt": start,
                "values": [{"accountId": f"m-{start + i}", "displayName": "m"} for i in range(50)]}

    with serve(rewrite=lying) as fake:
        ran, target = sync(home, fake)
        member_requests = fake.requests["GET /rest/api/3/group/member"]
    snapshot = assert_synced(ran, target, "group members", "more than the site can hold")
    assert all(len(g.members) <= len(SITE.accounts) + 1000 for g in snapshot.groups)
    assert member_requests <= len(SITE.groups) * ((len(SITE.accounts) + 1000) // 50 + 10)
    assert_bounded_and_clean(ran, home[0])


def test_a_server_ignoring_start_at_is_caught_by_the_repeat(home):
    first: list = []

    def same(template, query, payload):  # every page is the first one, and never the last
        if template.endswith("/project/search"):
            first[:] = first or [payload]
            return {**first[0], "isLast": False}
        return payload

    with serve(rewrite=same) as fake:
        ran, target = sync(home, fake)
    assert_synced(ran, target, "projects: truncated", "repeated the first one")
    assert_bounded_and_clean(ran, home[0])


def test_a_gzip_bomb_is_refused_without_inflating_and_the_sync_goes_on(home):
    bomb = gzip_bomb(b'{"permissionSchemes": [{"id": 1, "name": "', b"A", 1000, b'"}]}')  # 1 GB
    assert len(bomb) < 1_500_000
    with serve(raw=_bytes("/permissionscheme", bomb, {"Content-Encoding": "gzip"})) as fake:
        ran, target = sync(home, fake)
    snapshot = assert_synced(ran, target, "permission scheme", "after decompression")
    assert snapshot.permission_schemes == ()
    assert_bounded_and_clean(ran, home[0])


@pytest.mark.parametrize(("path", "body", "headers", "words"), [
    ("/users/search", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage", {"Content-Encoding": "gzip"},
     ("accounts: truncated", "gzip encoding is corrupt")),
    ("/group/bulk", b'{"isLast": true, "total": ' + b"7" * 5000 + b', "values": []}', {},
     ("groups: truncated", "a number too long")),
    ("/applicationrole", b"[" * 200_000, {}, ("application roles: truncated", "nested too deeply")),
], ids=["corrupt-gzip", "5000-digit-integer", "deep-nesting"])
def test_answers_that_cannot_be_read_become_gaps_with_the_reason(home, path, body, headers, words):
    with serve(raw=_bytes(path, body, headers)) as fake:
        ran, target = sync(home, fake)
    assert_synced(ran, target, *words)
    assert_bounded_and_clean(ran, home[0])


# ---------------------------------------------------------------------------- wrong types


def _retype(template, query, payload):
    """Wrong types in four answers: a holder as text, values: 5, properties as a list, null actors."""
    if template == "/rest/api/3/permissionscheme":
        schemes = json.loads(json.dumps(payload))
        schemes["permissionSchemes"][0]["permissions"][0]["holder"] = "anyone at all"
        return schemes
    if template.endswith("/group/bulk"):
        return {**payload, "values": 5}
    if template.endswith("/workflows"):
        flows = json.loads(json.dumps(payload))
        for wf in flows["workflows"]:
            wf["statuses"][0]["properties"] = ["jira.permission.edit.denied"]
        return flows
    if template.endswith("/role/{id}"):
        return {**payload, "actors": [None, {"actorUser": "nobody"}]}
    return payload


def test_wrong_typed_json_becomes_gaps_with_reasons_not_exit_70(home):
    with serve(rewrite=_retype) as fake:
        ran, target = sync(home, fake)
    snapshot = assert_synced(ran, target, "permission scheme", "is text, not an object", "groups: truncated",
                             "values are a list", "workflow", "is a list, not an object", "project roles",
                             "is null, not an object")
    first = SITE.permission_schemes[0].id
    assert first not in {s.id for s in snapshot.permission_schemes}  # left out whole, not missing one grant
    assert_bounded_and_clean(ran, home[0])


@pytest.mark.parametrize("shape", ["endless", "cycle"])
def test_a_chain_of_sub_task_parents_stops(home, shape):
    def issues(request: str, h) -> bool:  # every PBA-N exists, is a sub-task, and has a parent
        if "/issue/PBA-" not in request:
            return False
        number = int(request.rsplit("-", 1)[1])
        parent = number + 1 if shape == "endless" else 3 - number  # PBA-1 <-> PBA-2
        body = json.dumps({"id": str(number), "key": f"PBA-{number}", "fields": {
            "issuetype": {"id": "10003", "name": "Sub-task", "subtask": True}, "project": {"key": "PBA"},
            "status": {"id": "1", "name": "To Do"}, "parent": {"id": str(parent), "key": f"PBA-{parent}"}}}).encode()
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
        return True

    with serve(raw=issues) as fake:
        ran, target = sync(home, fake, "--issue", "PBA-1")
        issue_requests = sum(n for k, n in fake.requests.items() if "/issue/" in k)
    words = ("chain of sub-task parents is longer than 3",) if shape == "endless" else ()
    snapshot = assert_synced(ran, target, *words)
    assert issue_requests <= 3 and 2 <= len(snapshot.issues) <= 3
    assert_bounded_and_clean(ran, home[0])


# ---------------------------------------------------------------------------- echoed credentials


def _echo(request: str, h) -> bool:
    """Echo the Authorization header: in an error body and reason phrase, in headers, and in data."""
    auth = h.headers.get("Authorization", "")
    if request.endswith("/applicationrole"):
        body = json.dumps({"errorMessages": [f"bad {auth} \x1b]52;c;{MARKER}\x07"]}).encode()
        h.send_response(400, f"Echo {auth}")
        h.send_header("X-Echo", auth)
        h.send_header("Set-Cookie", f"session={MARKER}")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
        return True
    return False


def _echo_in_data(template, query, payload):
    if template.endswith("/users/search"):
        return [{**u, "displayName": f"{u['displayName']} Basic {BASIC}", "emailAddress": f"{MARKER}@x.test"}
                for u in payload]
    return payload


def test_echoed_credentials_never_reach_the_terminal_the_debug_log_or_the_snapshot(home):
    with serve(raw=_echo, rewrite=_echo_in_data) as fake:
        ran, target = sync(home, fake, "--debug")
    assert ran.code == 2, (ran.code, ran.err)  # a 400 on applicationrole is a failure
    assert "refused GET /rest/api/3/applicationrole (HTTP 400)" in ran.err.splitlines()[-1]
    assert "jira-perms debug:" in ran.err and "[redacted]" in ran.err
    assert target.read_bytes() == PREVIOUS
    assert_bounded_and_clean(ran, home[0])
    with serve(rewrite=_echo_in_data) as fake:
        ran, target = sync(home, fake)
    snapshot = assert_synced(ran, target)
    assert any("[redacted]" in a.display_name for a in snapshot.accounts)
    assert_bounded_and_clean(ran, home[0])


def test_project_keys_from_the_server_are_quoted_in_paths(home):
    def odd_key(template, query, payload):
        if template.endswith("/project/search"):
            page = json.loads(json.dumps(payload))
            page["values"][0]["key"] = "../../x?y=1#z"
            return page
        return payload

    with serve(rewrite=odd_key) as fake:
        ran, target = sync(home, fake)
        paths = list(fake.requests)
    assert_synced(ran, target)
    assert "GET /rest/api/3/project/..%2F..%2FX%3FY%3D1%23Z/permissionscheme" in paths
    assert not any(p.startswith("GET /rest/api/3/x") or "/../" in p for p in paths)
    assert_bounded_and_clean(ran, home[0])


# ---------------------------------------------------------------------------- where credentials go


def test_verify_never_sends_the_token_to_the_host_a_snapshot_names(home):
    folder, env = home
    with serve() as fake:
        ran, target = sync(home, fake)
        assert ran.code == 0, ran.err
    with serve() as elsewhere:  # the snapshot is edited to name another server
        doc = json.loads(gzip.decompress(target.read_bytes()))
        doc["site"]["url"] = elsewhere.url
        forged = folder / "forged.jpsnap"
        forged.write_bytes(gzip.compress(json.dumps(doc).encode()))
        ran = jira_perms("verify", "--snapshot", str(forged), "--email", MARKER_EMAIL, "--account", "Ada Admin",
                         "--permission", "ADMINISTER", env=env)
        assert elsewhere.total_requests == 0
    assert_failed(ran, None, "not configured", "--site")
    assert_bounded_and_clean(ran, folder)


def test_doctor_applies_the_env_token_to_one_site_only(home, monkeypatch):
    from explorer.store.config import Config, SiteConfig, save_config

    folder, env = home
    monkeypatch.setenv("JIRA_PERMS_CONFIG_DIR", env["JIRA_PERMS_CONFIG_DIR"])
    with serve() as first, serve() as second:
        url = second.url
        config = Config()
        config.add(SiteConfig(first.url, MARKER_EMAIL))
        config.add(SiteConfig(second.url, MARKER_EMAIL))
        save_config(config)
        several = jira_perms("doctor", env=env)
        assert first.total_requests == second.total_requests == 0  # several sites: the env token goes nowhere
        named = jira_perms("doctor", "--site", second.url, env=env)
        assert first.total_requests == 0 and second.total_requests == 1
    assert "set, but not used: several sites are configured" in several.out
    assert named.code == 0 and f"set, used for {url}" in named.out and "verdict: OK" in named.out
    for ran in (several, named):
        assert_bounded_and_clean(ran, folder)
