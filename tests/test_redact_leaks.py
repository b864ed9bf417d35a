"""Redaction leaks no site-defined name, and its last check refuses to write when anything survives.

Issue 13 item 5: a project called "Quokkafield Merger" survived in its workflow's name,
a person's name in a status name.  Every free-text string of a redacted snapshot
is now a pseudonym, a name from Jira's fixed vocabulary, or removed; and the
final check compares every original string against the output.  These tests
search the written bytes independently of the redactor's own check.
"""

from __future__ import annotations

import dataclasses
import gzip
import re
import subprocess
import sys
from dataclasses import replace

import pytest

from explorer.core.model import Snapshot, Workflow, WorkflowStatus, frozen_map
from explorer.core.review.redact import RedactionLeak, mapping_document, mapping_from_document, redact, reveal, sections
from explorer.core.review.redact.vocabulary import ROLES, STATUSES
from explorer.store.snapshot_file import encode_snapshot, load_demo, write_snapshot

KEY = b"test-redaction-key-0123456789abcdef"


def hostile_demo() -> Snapshot:
    """The demo with a merger's code name and a person's name in every site-defined name."""
    demo = load_demo()
    alice = demo.accounts[0].display_name
    roles = tuple(replace(r, name="Quokkafield Merger Team", description=f"People of the Quokkafield Merger ({alice})")
                  if r.name == "QA" else r for r in demo.roles)
    workflows = tuple(
        replace(w, name=f"Quokkafield Merger Workflow {i}", statuses=tuple(
            replace(st, name=f"Waiting for {alice}",
                    properties=frozen_map({**st.properties, "quokkafield.merger.secret": f"ask {alice}"}))
            if st.name == "In Review" else st for st in w.statuses))
        for i, w in enumerate(demo.workflows))
    renamed = {w.name: nw.name for w, nw in zip(demo.workflows, workflows)}
    schemes = tuple(replace(ws, name=f"{ws.name} (Quokkafield Merger)", default_workflow=renamed[ws.default_workflow],
                            issue_type_workflows=frozen_map({t: renamed[n] for t, n in ws.issue_type_workflows.items()}))
                    for ws in demo.workflow_schemes)
    issues = tuple(replace(i, issue_type=replace(i.issue_type, name="Quokkafield Deliverable"),
                           status_name=f"Waiting for {alice}" if i.status_name == "In Review" else i.status_name)
                   if i.issue_type.name == "Story" else i for i in demo.issues)
    perm = tuple(replace(s, name=f"Quokkafield Merger {s.name}") for s in demo.permission_schemes)
    return replace(demo, roles=roles, workflows=workflows, workflow_schemes=schemes, issues=issues,
                   permission_schemes=perm)


def _text(snapshot: Snapshot) -> str:
    return gzip.decompress(encode_snapshot(snapshot)).decode("utf-8")


def _present(word: str, text: str) -> bool:
    """``word`` as a whole word (case-insensitive), as a reader would find it."""
    return re.search(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", text, re.IGNORECASE) is not None


def test_site_defined_names_become_pseudonyms_and_descriptions_go():
    original = hostile_demo()
    text = _text(redact(original, KEY).snapshot)
    assert _present("Quokkafield Merger", _text(original))  # the test can fail
    assert not _present("Quokkafield", text)
    assert not _present("Merger", text)
    assert not _present(original.accounts[0].display_name, text)
    assert "quokkafield.merger.secret" not in text  # a property that says nothing about permissions is removed
    for project in original.projects:
        assert not _present(project.key, text), project.key
        assert not _present(project.name, text), project.name
    for scheme in original.permission_schemes:
        assert scheme.description and scheme.description not in text


def test_jira_fixed_names_stay_readable():
    copy = redact(load_demo(), KEY).snapshot
    roles = {r.name for r in copy.roles}
    assert {"Administrators", "Developers", "Service Desk Team"} <= roles
    assert {r.lower() for r in roles if not r.startswith("Role ")} <= ROLES
    statuses = {st.name for w in copy.workflows for st in w.statuses}
    assert {"To Do", "Done", "In Progress"} <= statuses and {s.lower() for s in statuses} <= STATUSES
    assert {i.issue_type.name for i in copy.issues} >= {"Bug", "Task"}
    assert {p.name for p in copy.application_roles} == {"Jira Software", "Jira Service Management"}


def test_issue_keys_follow_their_project_key():
    demo = load_demo()
    result = redact(demo, KEY)
    for before, after in zip(demo.issues, result.snapshot.issues):
        assert after.key == result.issue_key(before.key)
        assert after.project_key == result.project_key(before.project_key)
        assert after.key.startswith(after.project_key + "-")
        assert re.fullmatch(r"[A-Z][A-Z0-9]+-\d+", after.key)


def test_the_final_check_refuses_when_a_section_forgets_a_name(monkeypatch):
    """A section that leaves a name as it was (a bug) makes redaction refuse, saying which kind."""
    def lazy_roles(s, n):
        return {"roles": s.roles}  # forgets to redact role names

    monkeypatch.setattr(sections, "SECTIONS", tuple(lazy_roles if f is sections.roles else f
                                                    for f in sections.SECTIONS))
    import explorer.core.review.redact as package

    monkeypatch.setattr(package, "SECTIONS", sections.SECTIONS)
    with pytest.raises(RedactionLeak) as caught:
        redact(hostile_demo(), KEY)
    message = str(caught.value)
    assert "roles[" in message and "nothing was written" in message
    assert "Quokkafield" not in message  # the message names the kind and the place, never the original


def test_the_cli_writes_nothing_when_the_check_refuses(tmp_path):
    original = tmp_path / "site.jpsnap"
    write_snapshot(hostile_demo(), original)
    out = tmp_path / "copy.jpsnap"
    script = (
        "import sys\n"
        "from explorer.core.review.redact import sections\n"
        "import explorer.core.review.redact as package\n"
        "package.SECTIONS = tuple((lambda s, n: {'roles': s.roles}) if f is sections.roles else f "
        "for f in sections.SECTIONS)\n"
        "from explorer.cli.main import main\n"
        f"sys.exit(main(['redact', {str(original)!r}, '-o', {str(out)!r}, '--key-file', sys.argv[1]]))\n"
    )
    keyfile = tmp_path / "key"
    keyfile.write_bytes(KEY)
    run = subprocess.run([sys.executable, "-c", script, str(keyfile)], capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "survives at roles[" in run.stderr
    assert not out.exists()


def test_redacting_a_redacted_copy_is_refused(tmp_path):
    copy = tmp_path / "copy.jpsnap"
    write_snapshot(redact(load_demo(), KEY).snapshot, copy)
    keyfile = tmp_path / "key"
    keyfile.write_bytes(KEY)
    run = subprocess.run([sys.executable, "-m", "explorer", "redact", str(copy), "-o", str(tmp_path / "again"),
                          "--key-file", str(keyfile)], capture_output=True, text=True)
    assert run.returncode == 2 and "already a redacted copy" in run.stderr
    assert not (tmp_path / "again").exists()


def test_every_field_of_the_model_is_redacted_by_some_section():
    fields = {f.name for f in dataclasses.fields(Snapshot)}
    covered: set[str] = set()
    demo = load_demo()
    from explorer.core.review.pseudonyms import Pseudonymizer
    from explorer.core.review.redact.names import Names

    names = Names(demo, Pseudonymizer(KEY), keep_group_names=False, keep_keys=False)
    for section in sections.SECTIONS:
        covered |= set(section(demo, names))
    assert covered == fields


def test_reveal_maps_the_bare_host_and_the_project_keys_back():
    demo = load_demo()
    result = redact(demo, KEY)
    back = mapping_from_document(mapping_document(result))
    fake_host = result.snapshot.site.url.split("//")[1]
    eng = result.project_key("ENG")
    assert reveal(f"see {fake_host}, {eng}-4", back) == "see acme-demo.atlassian.net, ENG-4"


def test_keep_keys_keeps_project_and_issue_keys_for_the_screen():
    demo = load_demo()
    copy = redact(demo, KEY, keep_keys=True).snapshot
    assert [p.key for p in copy.projects] == [p.key for p in demo.projects]
    assert [i.key for i in copy.issues] == [i.key for i in demo.issues]
    assert all(p.name == f"Project {p.key}" for p in copy.projects)


def test_a_status_named_after_a_person_on_a_workflow_the_scheme_uses():
    """The status and workflow names stay consistent between workflows, schemes and issues."""
    original = hostile_demo()
    copy = redact(original, KEY).snapshot
    names = {w.name for w in copy.workflows}
    for scheme in copy.workflow_schemes:
        assert scheme.default_workflow in names
        assert set(scheme.issue_type_workflows.values()) <= names
    status_names = {st.name for w in copy.workflows for st in w.statuses}
    assert {i.status_name for i in copy.issues} <= status_names
    assert isinstance(copy.workflows[0], Workflow) and isinstance(copy.workflows[0].statuses[0], WorkflowStatus)


def test_status_property_keys_are_rebuilt_from_structure():
    """A key's free part (after the holder type) could name anyone; "denied" in a key is not a site called DENIED."""
    demo = load_demo()
    workflow = demo.workflows[0]
    status = workflow.statuses[0]
    props = {"jira.permission.edit.group.alice-admin": "developers", "jira.permission.edit.group.2": "qa-team",
             "jira.permission.comment.denied": "anything", "jira.permission.falconmerger.group": "x",
             "jira.permission.edit.quokkatype": "y", "jira.issue.editable": "FALSE", "my.note": "ask Alice"}
    site = replace(demo.site, title="DENIED")
    changed = replace(demo, site=site, workflows=(
        replace(workflow, statuses=(replace(status, properties=frozen_map(props)), *workflow.statuses[1:])),
        *demo.workflows[1:]))
    result = redact(changed, KEY)
    kept = dict(result.snapshot.workflows[0].statuses[0].properties)
    assert set(kept) == {"jira.permission.edit.group", "jira.permission.edit.group.2", "jira.permission.comment.denied",
                         "jira.permission.edit.unknown", "jira.issue.editable"}
    assert kept["jira.issue.editable"] == "false" and kept["jira.permission.comment.denied"] == "true"
    assert not _present("alice", _text(result.snapshot)) and not _present("quokkatype", _text(result.snapshot))


def test_an_account_named_like_a_permission_key_is_not_a_leak_but_a_made_up_key_is():
    """Global permission keys an account holds are Jira's words, even when someone is called BROWSE; a key
    Jira does not have (a hostile snapshot's) is searched like any other string."""
    from explorer.core.model import Account, AccountType

    demo = load_demo()
    named = replace(demo, accounts=(*demo.accounts, Account("acc-browse", "BROWSE", None, True,
                                                            AccountType.ATLASSIAN)),
                    account_global_permissions=frozen_map({**demo.account_global_permissions,
                                                           "acc-browse": frozenset({"BROWSE", "ADMINISTER"})}))
    redacted = redact(named, KEY).snapshot
    assert redacted.account_global_permissions  # kept, under the pseudonym
    assert any(v == frozenset({"BROWSE", "ADMINISTER"}) for v in redacted.account_global_permissions.values())
    hostile = replace(named, account_global_permissions=frozen_map(
        {**named.account_global_permissions, "acc-browse": frozenset({"Falcon Merger"})}),
        projects=(*named.projects[:-1], replace(named.projects[-1], name="Falcon Merger")))
    with pytest.raises(RedactionLeak, match="accountGlobalPermissions"):
        redact(hostile, KEY)
