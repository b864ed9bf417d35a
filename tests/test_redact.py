"""Redaction (``jira-perms redact``): nothing personal left in the file's bytes, every verdict unchanged.

* the property test replays every (account, permission, project or issue) question,
  and every global permission, on generated sites and on their redacted copies;
* the byte tests decompress the written file and search it for every original
  display name, email and accountId (and group name, issue summary, project name);
* pseudonyms agree with the TUI's redaction toggle (same key, same Pseudonymizer).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.core.errors import UserError
from explorer.core.model import ANONYMOUS, Snapshot
from explorer.core.replay.cache import index_for
from explorer.core.replay.catalogue import GLOBAL_PERMISSIONS, PROJECT_PERMISSIONS
from explorer.core.replay.evaluator import evaluate
from explorer.core.review.pseudonyms import Pseudonymizer
from explorer.core.review.redact import mapping_document, mapping_from_document, redact, reveal
from explorer.core.snapshot.codec import snapshot_from_dict, snapshot_to_dict
from explorer.store.snapshot_file import encode_snapshot, load_demo
from tests.hypothesis_profiles import examples
from tests.strategies import snapshots

KEY = b"test-redaction-key-0123456789abcdef"
SETTINGS = settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _shape(exp) -> tuple:
    """The verdict and the pass/fail pattern of the proof (no names in it)."""
    return exp.verdict, tuple((c.kind, c.passed, c.decisive) for c in exp.checks)


def assert_same_verdicts(original: Snapshot, key: bytes = KEY, **options) -> None:
    result = redact(original, key, **options)
    copy = result.snapshot
    # the copy survives the file format unchanged, so what is checked is what a vendor reads
    copy = snapshot_from_dict(json.loads(json.dumps(snapshot_to_dict(copy))))
    ix = index_for(original)
    for account in (ANONYMOUS, *original.accounts):
        other = result.account_id(account.account_id)
        assert ix.account(account.account_id) is not None
        for perm in GLOBAL_PERMISSIONS:
            assert _shape(evaluate(original, account.account_id, perm.key)) == \
                _shape(evaluate(copy, other, perm.key)), (account.account_id, perm.key)
        for project in original.projects:
            key = result.project_key(project.key)
            for perm in PROJECT_PERMISSIONS:
                assert _shape(evaluate(original, account.account_id, perm.key, project.key)) == \
                    _shape(evaluate(copy, other, perm.key, key)), (account.account_id, perm.key, project.key)
        for issue in original.issues:
            key = result.issue_key(issue.key)
            for perm in PROJECT_PERMISSIONS:
                assert _shape(evaluate(original, account.account_id, perm.key, None, issue.key)) == \
                    _shape(evaluate(copy, other, perm.key, None, key)), (account.account_id, perm.key, issue.key)


@SETTINGS
@given(snapshots(), st.booleans())
def test_every_verdict_on_the_redacted_copy_equals_the_original(snapshot, keep_groups):
    assert_same_verdicts(snapshot, keep_group_names=keep_groups)


@pytest.mark.slow  # every account x permission x project and issue of the demo, with proofs (~6 s of CPU)
def test_demo_verdicts_are_unchanged():
    assert_same_verdicts(load_demo())


# ---------------------------------------------------------------- nothing personal left


def _forms(text: str) -> set[str]:
    """How a string can appear in the file: raw UTF-8 and as JSON escapes it."""
    return {text, json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1]}


def leaks(original: Snapshot, file_bytes: bytes, *, groups: bool = True, summaries: bool = True) -> list[str]:
    text = gzip.decompress(file_bytes).decode("utf-8")
    sensitive: set[str] = set()
    for account in original.accounts:
        sensitive |= {account.display_name, account.account_id, account.email or ""}
    if summaries:  # generated summaries are a character or two: they would be "found" in any file
        sensitive |= {issue.summary for issue in original.issues}
    if groups:
        for group in original.groups:
            sensitive |= {group.name, group.group_id}
    sensitive.add(original.site.url)
    found = []
    for value in sorted(s for s in sensitive if s):
        if any(form in text for form in _forms(value)):
            found.append(value)
    return found


def test_no_original_name_email_or_account_id_in_the_redacted_demo_file():
    demo = load_demo()
    assert leaks(demo, encode_snapshot(demo))  # the check can fail: the original is full of them
    data = encode_snapshot(redact(demo, KEY).snapshot)
    assert leaks(demo, data) == []
    text = gzip.decompress(data).decode()
    for project in demo.projects:
        assert project.name not in text.replace("Operations Workflow", "")  # workflow names are structure
    assert "acme" not in text.lower()  # the site, its title and its emails' domain


@st.composite
def distinctive_sites(draw):
    """Generated sites whose display names are unmistakable, so a leak is a real leak."""
    snapshot = draw(snapshots())
    names = draw(st.lists(st.text(min_size=1, max_size=6), min_size=len(snapshot.accounts),
                          max_size=len(snapshot.accounts)))
    accounts = tuple(replace(a, display_name=f"Person·{i}·{name}·Zq") for i, (a, name) in
                     enumerate(zip(snapshot.accounts, names)))
    return replace_accounts(snapshot, accounts)


def replace_accounts(snapshot: Snapshot, accounts) -> Snapshot:
    data = snapshot_to_dict(snapshot)
    for doc, account in zip(data["accounts"], accounts):
        doc["displayName"] = account.display_name
    return snapshot_from_dict(data)


@SETTINGS
@given(distinctive_sites(), st.booleans())
def test_no_original_name_email_or_account_id_in_redacted_generated_sites(snapshot, keep_groups):
    data = encode_snapshot(redact(snapshot, KEY, keep_group_names=keep_groups).snapshot)
    assert leaks(snapshot, data, groups=not keep_groups, summaries=False) == []


def test_keep_group_names_keeps_them_and_nothing_else():
    demo = load_demo()
    copy = redact(demo, KEY, keep_group_names=True).snapshot
    assert [g.name for g in copy.groups] == [g.name for g in demo.groups]
    assert leaks(demo, encode_snapshot(copy), groups=False) == []
    assert all(g.group_id.startswith("g-") for g in copy.groups)


# ---------------------------------------------------------------- pseudonyms and the mapping


def test_pseudonyms_are_stable_and_keyed():
    demo = load_demo()
    a, b = redact(demo, KEY).snapshot, redact(demo, KEY).snapshot
    assert encode_snapshot(a) == encode_snapshot(b)
    other = redact(demo, b"another-key-that-is-long-enough").snapshot
    assert {x.display_name for x in a.accounts}.isdisjoint({x.display_name for x in other.accounts})


def test_the_same_person_gets_the_same_pseudonym_everywhere():
    demo = load_demo()
    result = redact(demo, KEY)
    copy = result.snapshot
    lead = next(p for p in demo.projects if p.key == "ENG").lead
    assert next(p for p in copy.projects if p.key == result.project_key("ENG")).lead == result.account_id(lead)
    assert result.account_id(lead) in {a.account_id for a in copy.accounts}
    assert copy.provenance.taken_by == result.account_id(demo.provenance.taken_by)
    members = {m for g in copy.groups for m in g.members}
    assert members <= {a.account_id for a in copy.accounts}


def test_redact_pseudonyms_equal_the_pseudonymizer_with_the_redaction_key(tmp_path, monkeypatch):
    """`redact` and the TUI's redaction toggle use the same key and the same Pseudonymizer."""
    from explorer.store.paths import redaction_key

    monkeypatch.setenv("JIRA_PERMS_CONFIG_DIR", str(tmp_path))
    key = redaction_key()
    demo = load_demo()
    copy = redact(demo, key).snapshot
    pseudo = Pseudonymizer(key)
    for original, redacted in zip(demo.accounts, copy.accounts):
        assert redacted.display_name == pseudo.person(original.account_id)
        assert redacted.account_id == pseudo.account_id(original.account_id)
        assert redacted.email == (pseudo.email(original.email) if original.email else original.email)
    for original, redacted in zip(demo.groups, copy.groups):
        assert redacted.name == pseudo.group(original.name)
    for original, redacted in zip(demo.issues, copy.issues):
        assert redacted.summary == pseudo.text("summary", original.summary)


def test_redact_agrees_with_the_tui_redaction_toggle():
    tui = pytest.importorskip("explorer.tui.redaction", reason="the TUI's redaction module is not there yet")
    demo = load_demo()
    ours = redact(demo, KEY).snapshot
    theirs = tui.redact_snapshot(demo, KEY).snapshot
    assert [(a.account_id, a.display_name, a.email) for a in ours.accounts] == \
        [(a.account_id, a.display_name, a.email) for a in theirs.accounts]
    assert [g.name for g in ours.groups] == [g.name for g in theirs.groups]
    assert [i.summary for i in ours.issues] == [i.summary for i in theirs.issues]


def test_the_mapping_reverses_every_pseudonym():
    demo = load_demo()
    result = redact(demo, KEY)
    doc = json.loads(json.dumps(mapping_document(result, source="demo")))
    back = mapping_from_document(doc)
    alice = demo.accounts[0]
    shown = result.snapshot.accounts[0]
    eng = result.project_key("ENG")
    line = f"{shown.display_name} <{shown.email}> ({shown.account_id}) lacks Browse in Project {eng} ({eng}-2)"
    assert reveal(line, back) == (f"{alice.display_name} <{alice.email}> ({alice.account_id}) lacks Browse in "
                                  "Engineering Platform (ENG-2)")
    assert back[result.snapshot.site.url] == demo.site.url
    assert doc["keyFingerprint"] == result.key_fingerprint and len(result.key_fingerprint) == 16


@pytest.mark.parametrize("doc", [None, [], {"format": "x"}, {"format": "jira-perms-redaction-mapping", "version": 9},
                                 {"format": "jira-perms-redaction-mapping", "version": 1, "entries": {"a": 1}}])
def test_a_bad_mapping_is_one_line(doc):
    with pytest.raises(UserError) as caught:
        mapping_from_document(doc)
    assert "\n" not in str(caught.value)


def test_names_collide_apart():
    """Two groups whose pseudonyms collide still get distinct names (structure depends on it)."""
    from explorer.core.review.redact import Namer

    namer = Namer()
    first = namer.name("group", "a", lambda _: "group-same")
    second = namer.name("group", "b", lambda _: "group-same")
    assert first == "group-same" and second == "group-same~2"
    assert namer.name("group", "a", lambda _: "x") == first
