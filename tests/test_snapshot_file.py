"""The snapshot file format v1: lossless round trips, deterministic atomic 0600 writes, one-line errors."""

from __future__ import annotations

import dataclasses
import enum
import gzip
import json
import os
import re
import stat
import subprocess
import sys
import zlib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.core.errors import UserError
from explorer.core.model import (
    Account,
    AccountType,
    Deployment,
    Fact,
    FactKind,
    Group,
    Holder,
    ProjectType,
    Provenance,
    Site,
    Snapshot,
    Status,
)
from explorer.core.snapshot.codec import (
    FORMAT_NAME,
    FORMAT_VERSION,
    SnapshotFormatError,
    snapshot_from_dict,
    snapshot_from_json,
    snapshot_to_dict,
)
from explorer.store import snapshot_file
from explorer.store.snapshot_file import (
    DEMO_RESOURCE,
    SnapshotError,
    encode_snapshot,
    load_demo,
    read_snapshot,
    write_snapshot,
)
from tests.hypothesis_profiles import examples
from tests.strategies import snapshots

FILE_SETTINGS = settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_same(a: object, b: object, where: str = "snapshot") -> None:
    """Deep equality that also checks types (an enum must not come back as a str, a tuple as a list)."""
    if isinstance(a, Mapping):
        assert isinstance(b, MappingProxyType), f"{where}: {type(b).__name__} is not read-only"
        assert set(a) == set(b), where
        for key in a:
            assert_same(a[key], b[key], f"{where}[{key!r}]")
        return
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            assert_same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, tuple):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, enum.Enum):
        assert a is b, where
    else:
        assert a == b, where


def minimal(**changes) -> Snapshot:
    return Snapshot(Site("https://example.atlassian.net"), Provenance("2025-01-31T12:00:00Z"), **changes)


def doc(**changes) -> dict:
    d = snapshot_to_dict(minimal(accounts=(Account("a1", "Ann"),)))
    d.update(changes)
    return d


def gz_json(path: Path, value: object) -> Path:
    path.write_bytes(gzip.compress(json.dumps(value).encode()))
    return path


def read_error(path: Path) -> str:
    with pytest.raises(SnapshotError) as info:
        read_snapshot(path)
    message = str(info.value)
    assert "\n" not in message and "\r" not in message
    assert str(path) in message
    return message


# --------------------------------------------------------------------------- round trips


@settings(max_examples=examples(100), deadline=None)
@given(snapshots())
def test_dict_round_trip_is_lossless(snap: Snapshot) -> None:
    d = snapshot_to_dict(snap)
    back = snapshot_from_dict(json.loads(json.dumps(d)))
    assert_same(snap, back)
    assert snapshot_to_dict(back) == d


@FILE_SETTINGS
@given(snap=snapshots())
def test_file_round_trip_is_lossless_and_deterministic(tmp_path: Path, snap: Snapshot) -> None:
    first = write_snapshot(snap, tmp_path / "site.jpsnap")
    back = read_snapshot(first)
    assert_same(snap, back)
    second = write_snapshot(back, tmp_path / "again.jpsnap")
    assert first.read_bytes() == second.read_bytes()


def test_defaults_are_left_out_and_none_differs_from_empty() -> None:
    snap = minimal(accounts=(Account("a1", "Ann"), Account("a2", "Bob", "", False, AccountType.APP)),
                   groups=(Group("g", members=("a1",)),))
    d = snapshot_to_dict(snap)
    assert d["accounts"][0] == {"accountId": "a1", "displayName": "Ann"}
    assert d["accounts"][1] == {"accountId": "a2", "displayName": "Bob", "email": "", "active": False,
                                "accountType": "app"}
    assert d["groups"] == [{"name": "g", "members": ["a1"]}]
    back = snapshot_from_dict(d)
    assert back.accounts[0].email is None and back.accounts[1].email == ""


def test_unknown_holder_types_and_unknown_keys_survive() -> None:
    d = doc()
    d["permissionSchemes"] = [{"id": "1", "name": "S", "grants": [
        {"id": "9", "permission": "FUTURE_PERMISSION", "holder": {"type": "somethingNew", "parameter": "", "value": "v"}},
    ]}]
    d["somethingAddedLater"] = {"x": 1}
    d["accounts"][0]["addedLater"] = True
    snap = snapshot_from_dict(d)
    assert snap.permission_schemes[0].grants[0].holder == Holder("somethingNew", "", "v")
    assert snap.permission_schemes[0].grants[0].permission == "FUTURE_PERMISSION"


def test_format_and_version_are_written() -> None:
    d = snapshot_to_dict(minimal())
    assert (d["format"], d["version"]) == (FORMAT_NAME, FORMAT_VERSION) == ("jira-perms-snapshot", 1)
    assert d["provenance"] == {"site": "https://example.atlassian.net", "takenAt": "2025-01-31T12:00:00Z"}


def test_extension_does_not_matter(tmp_path: Path) -> None:
    snap = minimal(facts=(Fact(FactKind.ACCOUNTS, None, Status.TRUNCATED, "/rest/api/3/users/search"),))
    back = read_snapshot(write_snapshot(snap, tmp_path / "site.bin"))
    assert_same(snap, back)


# --------------------------------------------------------------------------- writing


def test_written_file_is_gzip_json_with_mode_0600(tmp_path: Path) -> None:
    target = tmp_path / "site.jpsnap"
    target.write_bytes(b"old")
    target.chmod(0o644)
    old_umask = os.umask(0)
    try:
        path = write_snapshot(minimal(), target)
    finally:
        os.umask(old_umask)
    assert path == target
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    raw = target.read_bytes()
    assert raw[:2] == b"\x1f\x8b"
    assert json.loads(gzip.decompress(raw))["format"] == FORMAT_NAME
    assert raw == encode_snapshot(minimal())  # same snapshot, same bytes (mtime 0)
    assert os.listdir(tmp_path) == ["site.jpsnap"]


@pytest.mark.parametrize("victim", ["replace", "fsync", "encode"])
def test_failed_write_leaves_old_file_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  victim: str) -> None:
    target = tmp_path / "site.jpsnap"
    write_snapshot(minimal(), target)
    before = target.read_bytes()

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device") if victim != "encode" else ValueError("cannot encode")

    if victim == "encode":
        monkeypatch.setattr(snapshot_file.json, "dumps", boom)
    else:
        monkeypatch.setattr(snapshot_file.os, victim, boom)
    bigger = minimal(accounts=(Account("a1", "Ann"),))
    with pytest.raises((SnapshotError, ValueError)) as info:
        write_snapshot(bigger, target)
    if isinstance(info.value, SnapshotError):
        assert "\n" not in str(info.value) and str(target) in str(info.value)
    assert target.read_bytes() == before
    assert os.listdir(tmp_path) == ["site.jpsnap"]


def test_write_into_missing_folder_is_a_user_error(tmp_path: Path) -> None:
    target = tmp_path / "nope" / "site.jpsnap"
    with pytest.raises(SnapshotError) as info:
        write_snapshot(minimal(), target)
    assert str(target) in str(info.value) and "\n" not in str(info.value)


# --------------------------------------------------------------------------- reading errors


def test_missing_file(tmp_path: Path) -> None:
    assert "does not exist" in read_error(tmp_path / "absent.jpsnap")


def test_directory(tmp_path: Path) -> None:
    assert "directory" in read_error(tmp_path)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_snapshot(minimal(), tmp_path / "site.jpsnap")

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    assert "permission denied" in read_error(path)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_for_real(tmp_path: Path) -> None:
    path = write_snapshot(minimal(), tmp_path / "site.jpsnap")
    path.chmod(0)
    assert "permission denied" in read_error(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "site.jpsnap"
    path.write_bytes(b"")
    assert "empty" in read_error(path)


def test_plain_json_is_not_a_snapshot_file(tmp_path: Path) -> None:
    path = tmp_path / "site.json"
    path.write_text(json.dumps(snapshot_to_dict(minimal())))
    assert "is not a jira-perms snapshot (expected a gzip-compressed JSON file" in read_error(path)


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.binary(max_size=200))
def test_random_bytes(tmp_path: Path, junk: bytes) -> None:
    path = tmp_path / "junk.jpsnap"
    path.write_bytes(junk)
    read_error(path)


def test_random_bytes_after_a_gzip_header(tmp_path: Path) -> None:
    path = tmp_path / "junk.jpsnap"
    path.write_bytes(b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4)
    read_error(path)


def test_truncated_gzip(tmp_path: Path) -> None:
    snap = minimal(accounts=tuple(Account(f"a{i}", f"Person {i}") for i in range(500)))
    path = write_snapshot(snap, tmp_path / "site.jpsnap")
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    message = read_error(path)
    assert "is truncated" in message and "re-run the sync or ask for the file again" in message


def test_truncated_json_inside_good_gzip(tmp_path: Path) -> None:
    text = json.dumps(snapshot_to_dict(minimal(accounts=(Account("a1", "Ann"),))))
    for cut in (len(text) // 2, len(text) - 1, text.index('"Ann"') + 2):
        path = tmp_path / "site.jpsnap"
        path.write_bytes(gzip.compress(text[:cut].encode()))
        assert "is truncated" in read_error(path)


def test_gzip_of_text_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpsnap"
    path.write_bytes(gzip.compress(b"hello, this is not JSON"))
    assert "is not a jira-perms snapshot" in read_error(path)


def test_gzip_of_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "bin.jpsnap"
    path.write_bytes(gzip.compress(b"\xff\xfe\xfa{"))
    assert "is not a jira-perms snapshot" in read_error(path)


@pytest.mark.parametrize("value", [[1, 2], "jira-perms-snapshot", 3, None])
def test_json_that_is_not_an_object(tmp_path: Path, value: object) -> None:
    assert "is not a jira-perms snapshot" in read_error(gz_json(tmp_path / "x.jpsnap", value))


@pytest.mark.parametrize("fmt", ["other-tool", None, 1])
def test_wrong_or_missing_format_name(tmp_path: Path, fmt: object) -> None:
    d = doc()
    if fmt is None:
        del d["format"]
    else:
        d["format"] = fmt
    assert "is not a jira-perms snapshot" in read_error(gz_json(tmp_path / "x.jpsnap", d))


def test_newer_version(tmp_path: Path) -> None:
    message = read_error(gz_json(tmp_path / "x.jpsnap", doc(version=FORMAT_VERSION + 1)))
    assert message == (f"{tmp_path / 'x.jpsnap'} was written by a newer jira-perms (snapshot format 2, "
                       "this version reads 1): upgrade jira-perms")


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d.pop("version"), "missing 'version'"),
        (lambda d: d.update(version="1"), "bad 'version'"),
        (lambda d: d.update(version=0), "bad 'version'"),
        (lambda d: d.pop("site"), "missing 'site'"),
        (lambda d: d.pop("provenance"), "missing 'provenance'"),
        (lambda d: d["site"].update(deployment="moon"), "site.deployment: unknown value 'moon'"),
        (lambda d: d.update(accounts={}), "accounts: expected a list, got an object"),
        (lambda d: d["accounts"][0].pop("accountId"), "accounts[0]: missing 'accountId'"),
        (lambda d: d["accounts"][0].update(active="yes"), "accounts[0].active: expected true or false"),
        (lambda d: d["accounts"].append(5), "accounts[1]: expected an object, got a number"),
        (lambda d: d.update(groups=[{"name": "g", "members": ["a1", 7]}]), "groups[0].members[1]: expected a string"),
        (lambda d: d.update(completeness=[{"kind": "weather", "subject": None, "status": "complete"}]),
         "completeness[0].kind: unknown value 'weather'"),
        (lambda d: d.update(projects=[{"id": "1", "key": "A", "name": "A", "roleActors": {"10002": {"users": 1}}}]),
         "projects[0].roleActors['10002'].users: expected a list of strings"),
        (lambda d: d.update(permissionSchemes=[{"id": "1", "name": "S", "grants": [{"id": "1", "permission": "X"}]}]),
         "permissionSchemes[0].grants[0]: missing 'holder'"),
        (lambda d: d.update(accountGlobalPermissions={"a1": "ADMINISTER"}),
         "accountGlobalPermissions['a1']: expected a list of strings"),
        (lambda d: d.update(issues=[{"key": "A-1", "id": "1", "projectKey": "A", "statusId": "1",
                                     "issueType": {"id": "1"}}]), "issues[0].issueType: missing 'name'"),
    ],
)
def test_damaged_documents(tmp_path: Path, mutate, where: str) -> None:
    d = doc()
    mutate(d)
    message = read_error(gz_json(tmp_path / "x.jpsnap", d))
    assert f"{tmp_path / 'x.jpsnap'} is damaged: " in message and where in message, message
    with pytest.raises(SnapshotFormatError) as info:
        snapshot_from_dict(d)
    assert str(info.value).startswith("the snapshot is damaged: ") and where in str(info.value)


def test_from_dict_errors_are_user_errors() -> None:
    with pytest.raises(UserError, match=r"^the snapshot is not a jira-perms snapshot$"):
        snapshot_from_dict([])
    with pytest.raises(SnapshotFormatError, match=r"^mine\.json was written by a newer jira-perms"):
        snapshot_from_dict(doc(version=7), source="mine.json")


def _paths(value: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


@settings(max_examples=examples(100), deadline=None)
@given(snap=snapshots(), data=st.data())
def test_any_mutation_gives_a_format_error_or_a_snapshot(snap: Snapshot, data: st.DataObject) -> None:
    """Never a KeyError / TypeError traceback: every damaged document is one SnapshotFormatError line."""
    d = json.loads(json.dumps(snapshot_to_dict(snap)))
    path = data.draw(st.sampled_from(_paths(d)[1:]))
    parent = d
    for part in path[:-1]:
        parent = parent[part]
    replacement = data.draw(st.sampled_from((None, 0, 1.5, True, "x", [], {}, [1], {"k": "v"}, "DELETE")))
    if replacement == "DELETE":
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    fast = snapshot_from_json(json.dumps(d).encode())
    try:
        slow = snapshot_from_dict(d)
    except SnapshotFormatError as e:
        assert "\n" not in str(e)
        assert fast is None, "the typed decoder accepted a document the checked reader refuses"
    else:
        assert fast is not None, "the typed decoder refused a document the checked reader accepts"
        assert_same(slow, fast)


@settings(max_examples=examples(100), deadline=None)
@given(snap=snapshots())
def test_the_typed_decoder_builds_exactly_what_the_checked_reader_builds(snap: Snapshot) -> None:
    text = json.dumps(snapshot_to_dict(snap), separators=(",", ":"), sort_keys=True)
    fast = snapshot_from_json(text.encode())
    assert fast is not None
    assert_same(snapshot_from_dict(json.loads(text)), fast)
    assert_same(snap, fast)


@pytest.mark.parametrize("text", [
    b"", b"[]", b"null", b"{}", b'{"format":"jira-perms-snapshot","version":2}', b'{"format":"other","version":1}',
    b'{"format":"jira-perms-snapshot","version":1.0,"site":{"url":"u"},"provenance":{"takenAt":"t"}}',
    b'{"format":"jira-perms-snapshot","version":true,"site":{"url":"u"},"provenance":{"takenAt":"t"}}',
    b'{"format":"jira-perms-snapshot","version":1,"site":{"url":"u"},"provenance":{"takenAt":"t"},"x":NaN}',
    b'{"format":"jira-perms-snapshot","version":1,"site":{"url":"u"},"provenance":{"takenAt":"t"},"x":' +
    b"[" * 100_000 + b"]" * 100_000 + b"}",
    b'{"format":"jira-perms-snapshot","version":1,"site":{"url":"u"},"provenance":{"takenAt":"t"},'
    b'"accounts":[{"accountId":"a","displayName":"\\ud800"}]}',
    b"\xff\xfe{}",
])
def test_the_typed_decoder_agrees_on_odd_documents(text: bytes) -> None:
    """Whatever the typed decoder makes of a document, the checked reader makes the same or refuses it."""
    fast = snapshot_from_json(text)
    try:
        slow = snapshot_from_dict(json.loads(text))
    except (ValueError, RecursionError, SnapshotFormatError):
        assert fast is None
    else:
        if fast is not None:
            assert_same(slow, fast)


@pytest.mark.parametrize("key", ["accounts", "groups", "applicationRoles", "projects", "globalGrants",
                                 "accountGlobalPermissions"])
def test_an_absent_list_is_not_fetched_on_both_paths(key: str) -> None:
    """Issue 13 item 9: a missing list is not an empty one, whichever reader reads it."""
    kind = FactKind.GLOBAL_PERMISSIONS if key in ("globalGrants", "accountGlobalPermissions") else \
        FactKind(re.sub(r"(?<!^)([A-Z])", r"_\1", key).lower())
    d = snapshot_to_dict(minimal(accounts=(Account("a1", "Ann"),),
                                 facts=(Fact(kind, None, Status.COMPLETE),)))
    del d[key]
    fast = snapshot_from_json(json.dumps(d).encode())
    assert fast is not None
    assert_same(snapshot_from_dict(d), fast)
    assert fast.fact_status(kind).status is Status.NOT_FETCHED and key in fast.fact_status(kind).detail


def test_a_deeply_nested_unknown_key_is_one_line(tmp_path: Path) -> None:
    head = b'{"format":"jira-perms-snapshot","version":1,"site":{"url":"u"},"provenance":{"takenAt":"t"},"x":'
    path = tmp_path / "deep.jpsnap"
    path.write_bytes(gzip.compress(head + b"[" * 200_000 + b"]" * 200_000 + b"}"))
    assert "is not a jira-perms snapshot" in read_error(path)


# --------------------------------------------------------------------------- demo and scale


def test_load_demo_reads_the_bundled_snapshot_or_says_it_is_missing() -> None:
    assert DEMO_RESOURCE == "demo-site.jpsnap"
    try:
        demo = load_demo()
    except SnapshotError as e:
        assert "missing" in str(e) and DEMO_RESOURCE in str(e) and "\n" not in str(e)
    else:
        assert isinstance(demo, Snapshot) and demo.accounts


@pytest.mark.slow
def test_a_large_site_round_trips_and_stays_small(tmp_path: Path) -> None:
    """50,000 accounts in well under 50 MB (how fast it loads is measured in benchmarks/load_bench.py)."""
    n = 50_000
    accts = tuple(Account(f"5b10ac8d82e05b22cc7d{i:06x}", f"Person Number {i}", f"person{i}@example.com")
                  for i in range(n))
    ids = tuple(a.account_id for a in accts)
    groups = tuple(Group(f"group-{g}", f"{g:08x}-0000-0000-0000-000000000000", ids[g * 100: g * 100 + 5000])
                   for g in range(200))
    snap = minimal(accounts=accts, groups=groups)
    path = write_snapshot(snap, tmp_path / "big.jpsnap")
    assert path.stat().st_size < 50 * 1024 * 1024
    back = read_snapshot(path)
    assert len(back.accounts) == n and back.groups[-1].members == groups[-1].members


def test_the_documented_example_is_a_canonical_v1_document() -> None:
    text = (Path(__file__).parent.parent / "docs" / "snapshot-format.md").read_text(encoding="utf-8")
    example = json.loads(text.split("```json", 1)[1].split("```", 1)[0])
    snap = snapshot_from_dict(example)
    assert snapshot_to_dict(snap) == example  # nothing missing, no default written out
    assert snap.fact_status(FactKind.GROUP_MEMBERS, "jira-administrators").status is Status.FORBIDDEN


def test_the_docs_list_every_closed_value() -> None:
    text = (Path(__file__).parent.parent / "docs" / "snapshot-format.md").read_text(encoding="utf-8")
    for value in [*Status, *FactKind]:
        assert f"| `{value.value}` |" in text, value
    for value in [*AccountType, *ProjectType, *Deployment]:
        assert f'"{value.value}"' in text, value


# --------------------------------------------------------------------------- hostile files and targets

_MB = 1 << 20


def _bomb(path: Path, megabytes: int, *, members: bool = True) -> Path:
    """A document that looks like a snapshot and inflates to ``megabytes`` MB of one unknown key's value.

    ``members``: one gzip member per MB (cheap to build: the 600 MB bomb is ~630 KB); else one member.
    """
    head = b'{"format":"jira-perms-snapshot","version":1,"junk":"'
    block = b"A" * _MB
    if members:
        one = gzip.compress(block, compresslevel=9, mtime=0)
        path.write_bytes(gzip.compress(head, mtime=0) + one * megabytes + gzip.compress(b'"}', mtime=0))
        return path
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(head), *(packer.compress(block) for _ in range(megabytes)), packer.compress(b'"}')]
    path.write_bytes(b"".join(parts) + packer.flush())
    return path


_PROBE = """
import sys
from explorer.cli.main import main
code = main(sys.argv[1:])
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(code, peak_kb // 1024)
"""  # VmHWM, not ru_maxrss: a child's ru_maxrss starts at its parent's (the pytest worker's) peak


def _run_show(path: Path, env: dict[str, str] | None = None) -> tuple[int, int, str]:
    """``jira-perms show -s path`` in a fresh process: (exit code, its peak RSS in MB, stderr)."""
    result = subprocess.run([sys.executable, "-c", _PROBE, "show", "-s", str(path)], capture_output=True, text=True,
                            timeout=120, env={**os.environ, **(env or {})})
    code, rss = result.stdout.split()[-2:]
    return int(code), int(rss), result.stderr


def test_a_600_mb_bomb_is_refused_in_one_line_without_inflating_it(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "bomb.jpsnap", 600)
    assert path.stat().st_size < 700 * 1024
    code, rss, err = _run_show(path)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "decompression bomb" in err and str(path) in err and "JIRA_PERMS_MAX_SNAPSHOT_MB" in err
    assert rss < 250, f"peak RSS {rss} MB while refusing a 600 MB bomb ({err})"  # was 1.9 GB


def test_a_single_member_bomb_is_refused_too(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "bomb.jpsnap", 40, members=False)
    with pytest.raises(SnapshotError, match="decompression bomb"):
        read_snapshot(path)


def test_the_limit_is_configurable_and_an_explicit_one_replaces_the_ratio_guard(tmp_path: Path,
                                                                                 monkeypatch) -> None:
    bomb = _bomb(tmp_path / "bomb.jpsnap", 40)
    monkeypatch.setenv("JIRA_PERMS_MAX_SNAPSHOT_MB", "8")
    assert "inflates to more than 8 MB, the limit" in read_error(bomb)
    monkeypatch.setenv("JIRA_PERMS_MAX_SNAPSHOT_MB", "64")  # trusted: read whole, then judged as a document
    assert "is damaged: missing 'site'" in read_error(bomb)
    for bad in ("lots", "-1", "0", "nan"):
        monkeypatch.setenv("JIRA_PERMS_MAX_SNAPSHOT_MB", bad)
        with pytest.raises(SnapshotError, match=f"^JIRA_PERMS_MAX_SNAPSHOT_MB={bad} is not a positive number"):
            read_snapshot(bomb)
    monkeypatch.delenv("JIRA_PERMS_MAX_SNAPSHOT_MB")
    small = write_snapshot(minimal(accounts=(Account("a1", "Ann"),)), tmp_path / "small.jpsnap")
    with pytest.raises(SnapshotError, match="inflates to more than 0 MB"):
        read_snapshot(small, limit=100)
    assert read_snapshot(small, limit=10 * _MB).accounts[0].display_name == "Ann"


def test_several_gzip_members_and_zero_padding_read_as_gzip_does(tmp_path: Path) -> None:
    text = json.dumps(snapshot_to_dict(minimal(accounts=(Account("a1", "Ann"),)))).encode()
    path = tmp_path / "parts.jpsnap"
    path.write_bytes(gzip.compress(text[:30]) + gzip.compress(text[30:]) + b"\0" * 10)
    assert read_snapshot(path).accounts[0].account_id == "a1"
    path.write_bytes(gzip.compress(text) + b"trailing junk")
    assert "is damaged (bad gzip data" in read_error(path)


def test_a_corrupt_checksum_is_damage(tmp_path: Path) -> None:
    raw = bytearray(encode_snapshot(minimal()))
    raw[-8] ^= 0xFF  # the CRC32 in the trailer
    path = tmp_path / "crc.jpsnap"
    path.write_bytes(bytes(raw))
    assert "is damaged (bad gzip data" in read_error(path)


def _special_targets(tmp_path: Path) -> list[tuple[str, Path]]:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "to-dev-null"
    link.symlink_to("/dev/null")
    targets = [("a named pipe (FIFO)", fifo), ("a character device", link), ("a folder", tmp_path / "folder")]
    (tmp_path / "folder").mkdir()
    if os.geteuid() == 0:  # a device node of our own (as /dev/null), so a failure cannot harm the machine's /dev
        node = tmp_path / "null-device"
        os.mknod(node, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
        targets.append(("a character device", node))
    return targets


def test_writing_over_a_device_a_fifo_or_a_folder_is_refused_and_leaves_it(tmp_path: Path) -> None:
    for kind, target in _special_targets(tmp_path):
        before = os.lstat(target)
        with pytest.raises(SnapshotError) as info:
            write_snapshot(minimal(), target)
        message = str(info.value)
        assert "\n" not in message and str(target) in message and f"it is {kind}" in message, message
        after = os.lstat(target)
        assert (after.st_mode, after.st_ino, after.st_rdev) == (before.st_mode, before.st_ino, before.st_rdev)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp file left behind


def test_cli_output_to_a_fifo_is_refused_before_any_work(tmp_path: Path) -> None:
    fifo = tmp_path / "out.html"
    os.mkfifo(fifo)
    result = subprocess.run([sys.executable, "-m", "explorer", "report", "--demo", "--project", "ENG", "-o", str(fifo)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "named pipe" in result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_symlink_to_a_regular_file_is_replaced_and_its_target_kept(tmp_path: Path) -> None:
    target = tmp_path / "real.jpsnap"
    target.write_bytes(b"keep me")
    link = tmp_path / "link.jpsnap"
    link.symlink_to(target)
    write_snapshot(minimal(), link)
    assert not link.is_symlink() and read_snapshot(link).site.url == "https://example.atlassian.net"
    assert target.read_bytes() == b"keep me"
    dangling = tmp_path / "dangling.jpsnap"
    dangling.symlink_to(tmp_path / "nowhere")
    write_snapshot(minimal(), dangling)
    assert not dangling.is_symlink() and not (tmp_path / "nowhere").exists()


def test_folders_created_for_private_files_are_0700(tmp_path: Path) -> None:
    from explorer.store.paths import make_private_dirs, write_private

    old_umask = os.umask(0o022)
    try:
        write_private(tmp_path / "a" / "b" / "c" / "key", b"x")
        make_private_dirs(tmp_path / "d" / "e")
    finally:
        os.umask(old_umask)
    for folder in ("a", "a/b", "a/b/c", "d", "d/e"):
        assert stat.S_IMODE((tmp_path / folder).stat().st_mode) == 0o700, folder
    assert stat.S_IMODE((tmp_path / "a/b/c/key").stat().st_mode) == 0o600
    (tmp_path / "open").mkdir(mode=0o755)
    make_private_dirs(tmp_path / "open")  # an existing folder keeps its mode
    assert stat.S_IMODE((tmp_path / "open").stat().st_mode) == 0o755


def test_the_bundled_demo_is_read_beside_the_package_and_a_missing_one_says_how_to_get_it(monkeypatch):
    from explorer.store import snapshot_file

    assert snapshot_file.load_demo().accounts
    monkeypatch.setattr(snapshot_file, "DEMO_RESOURCE", "no-such-demo.jpsnap")
    with pytest.raises(snapshot_file.SnapshotError, match=r"no-such-demo\.jpsnap\) is missing: reinstall"):
        snapshot_file.load_demo()
