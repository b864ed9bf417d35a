"""The project's rules document: shipped with the package, consistent with the code, and every citation resolves.

An explanation cites "decision 2" or "rules section 11"; each such citation must
name a decision or section of ``docs/permission-rules.md``, and every output that
shows one ends with where to read it.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest

from explorer.core.render.citations import CITATION, cited, footer_text, rule
from explorer.core.render.explain import explanation_json, explanation_markdown, explanation_text, rules_cited
from explorer.core.render.html import explanation_report
from explorer.core.render.rules_doc import RulesDocument
from explorer.core.render.tables import who_can_json, who_can_text
from explorer.core.replay.decisions import DECISIONS, RULES_DOC, SECTIONS
from explorer.core.replay.evaluator import evaluate
from explorer.core.replay.fixes import explain
from explorer.core.replay.queries import who_can
from explorer.store.snapshot_file import load_demo

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / RULES_DOC


@pytest.fixture(scope="module")
def doc() -> RulesDocument:
    return RulesDocument(DOC.read_text(encoding="utf-8"))


def _paragraph_after_heading(lines: tuple[str, ...]) -> str:
    body = list(lines[1:])
    while body and not body[0].strip():
        body.pop(0)
    first = []
    for line in body:
        if not line.strip():
            break
        first.append(line.strip())
    return " ".join(first)


# ---------------------------------------------------------------- one source, shipped


def test_the_package_ships_the_same_document():
    shipped = (resources.files("explorer") / "data" / "permission-rules.md").read_text(encoding="utf-8")
    assert shipped == DOC.read_text(encoding="utf-8")


def test_the_shipped_copy_is_a_link_to_docs_not_a_second_copy():
    data = ROOT / "explorer" / "data" / "permission-rules.md"
    assert data.is_symlink() and data.resolve() == DOC.resolve()


def test_the_sdist_includes_the_docs_and_no_missing_file():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    include = re.search(r"\[tool\.hatch\.build\.targets\.sdist\]\s*include = \[([^\]]*)\]", text).group(1)
    entries = re.findall(r'"([^"]+)"', include)
    assert "docs" in entries
    for entry in entries:
        assert (ROOT / entry).exists(), f"sdist lists {entry}, which does not exist"


# ---------------------------------------------------------------- the document and the code agree


def test_every_decision_states_what_the_code_quotes(doc):
    for number, text in DECISIONS.items():
        topic = doc.decision(str(number))
        assert topic is not None, f"decision {number} is not in {RULES_DOC}"
        assert _paragraph_after_heading(topic.lines) == " ".join(text.split())
    assert {t.number for t in doc.topics if t.kind == "decision"} == {str(n) for n in DECISIONS}


def test_every_section_title_matches_its_heading(doc):
    sections = {t.number: t.title for t in doc.topics if t.kind == "section"}
    assert sections == SECTIONS


def test_anchors_are_unique_and_local_links_resolve(doc):
    text = DOC.read_text(encoding="utf-8")
    anchors = re.findall(r'<a id="([^"]+)"></a>', text)
    assert len(anchors) == len(set(anchors))
    for target in re.findall(r"\]\(#([^)]+)\)", text):
        assert target in anchors, f"link to #{target}, which no anchor defines"


def test_every_source_cited_is_listed_with_a_url(doc):
    text = DOC.read_text(encoding="utf-8")
    for source in set(re.findall(r"\[(S\d+)\]", text)):
        assert source in doc.sources, f"{source} is cited but not listed in section 17"
    for key, (title, urls) in doc.sources.items():
        assert urls and all(u.startswith("https://") for u in urls), key
        assert title.startswith(f"{key}. ")


def test_the_document_reads_at_80_columns():
    for number, line in enumerate(DOC.read_text(encoding="utf-8").splitlines(), 1):
        if "https://" not in line:
            assert len(line) <= 80, f"line {number} is {len(line)} columns"


# ---------------------------------------------------------------- citations resolve


def _source_texts() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "explorer").rglob("*.py"))


def test_every_citation_written_in_the_code_exists():
    """Literal wording ("(decision 2)", "rules section 11") and decision numbers given to checks."""
    source = _source_texts()
    rules = cited(source, (int(n) for n in re.findall(r"\bdecision=(\d+)", source)))
    assert rules, "the code cites no rule at all: the pattern is wrong"
    missing = [r.label for r in rules if not r.exists]
    assert not missing, f"cited but not in {RULES_DOC}: {missing}"


def test_the_citation_pattern_reads_what_explanations_write():
    assert [r.label for r in cited("needs Browse (decision 2); see rules section 11 and rules section 3.2")] == [
        "decision 2", "section 3.2", "section 11"]
    assert cited("the decisions apply; Backbone guide, section 2") == []
    assert rule("section", "3.2").link == f"{RULES_DOC}#section-3-2"
    assert not rule("decision", 42).exists


def _demo_questions():
    snap = load_demo()
    accounts = ["Backbone Sync", "Alice Admin", "Frank Finance", "anonymous", "Nadia Ivanova"]
    for account in accounts:
        for permission in ("BROWSE_PROJECTS", "EDIT_ISSUES", "ADMINISTER_PROJECTS", "DELETE_OWN_ATTACHMENTS",
                           "SERVICEDESK_AGENT"):
            for project in sorted({p.key for p in snap.projects}):
                yield snap, account, permission, project


def _scenario_explanations():
    from tests.test_scenarios import CASES

    for case in CASES:
        yield case.snapshot, evaluate(case.snapshot, case.account, case.permission, project=case.project,
                                      issue=case.issue)


def _assert_cites_resolve(output: str) -> None:
    for found in CITATION.finditer(output):
        r = rule("decision" if found.group(1).lower() == "decision" else "section", found.group(2))
        assert r.exists, f"{r.label} is cited but not in {RULES_DOC}:\n{output}"
        assert r.link in output, f"{r.label} is cited without {r.link}:\n{output}"


def test_every_citation_in_explanations_resolves_and_says_where():
    from explorer.core.replay.resolve import resolve_account

    seen: set[str] = set()
    explanations = list(_scenario_explanations())
    for snap, account, permission, project in _demo_questions():
        fixes = account == "Backbone Sync"  # fix search is slow; one account's fixes cover their wording
        explanations.append((snap, explain(snap, resolve_account(snap, account), permission, project,
                                           with_fixes=fixes)))
    for snap, exp in explanations:
        for output in (explanation_text(exp, snap), explanation_markdown(exp, snap), explanation_report(snap, exp)):
            _assert_cites_resolve(output)
        data = explanation_json(exp, snap)
        assert [r["cite"] for r in data["rulesCited"]] == [r.label for r in rules_cited(exp)]
        assert all(r["text"] for r in data["rulesCited"])
        seen.update(r.label for r in rules_cited(exp))
    assert {"decision 1", "decision 2", "decision 4", "decision 10", "section 11"} <= seen, seen


def test_every_citation_in_who_can_resolves():
    snap = load_demo()
    for project in sorted({p.key for p in snap.projects}):
        for permission in ("EDIT_ISSUES", "BROWSE_PROJECTS", "ADMINISTER_PROJECTS"):
            result = who_can(snap, permission, project)
            for markdown in (False, True):
                _assert_cites_resolve(who_can_text(result, markdown=markdown))
            json.dumps(who_can_json(result))


def test_the_rules_footer_fits_80_columns():
    rules = cited("decision 1 decision 3 decision 10 rules section 3.2 rules section 11")
    lines = footer_text(rules)
    assert lines[1].startswith("Rules cited")
    assert all(len(line) <= 80 for line in lines), lines
    assert any("docs/permission-rules.md#decision-3" in line for line in lines)


# ---------------------------------------------------------------- looking topics up


@pytest.mark.parametrize(("query", "anchor"), [
    ("2", "decision-2"), ("decision 2", "decision-2"), ("D2", "decision-2"),
    ("11", "section-11"), ("section 11", "section-11"), ("rules section 11", "section-11"), ("§11", "section-11"),
    ("3.2", "section-3-2"), ("section 10.3", "section-10-3"),
    ("docs/permission-rules.md#decision-7", "decision-7"), ("#section-4", "section-4"),
    ("team-managed", "section-11"), ("Team managed", "section-11"), ("flat groups", "decision-8"),
    ("jira.issue.editable", "section-10-3"),
])
def test_find_a_topic(doc, query, anchor):
    assert [t.anchor for t in doc.find(query)] == [anchor]


def test_words_matching_several_titles_give_a_choice(doc):
    found = doc.find("workflow")
    assert {t.anchor for t in found} == {"decision-5", "section-8", "section-10"}
    text = doc.choices(found, "workflow")
    assert 'jira-perms rules "section 10"' in text and "jira-perms rules 5" in text


def test_words_only_in_a_body_are_found_there(doc):
    assert "section-14" in {t.anchor for t in doc.find("admin.atlassian.com")}


def test_nothing_found_is_one_clear_line(doc):
    from explorer.core.errors import UserError

    assert doc.find("42") == [] and doc.find("no such words anywhere") == []
    with pytest.raises(UserError, match="nothing in the rules matches '42'.*decisions 1-10"):
        doc.lookup("42")


def test_a_printed_topic_is_plain_text_with_its_sources(doc):
    text = doc.render(doc.decision("2"))
    assert text.startswith("Decision 2: Browse Projects is a prerequisite\n=====")
    assert "<a id" not in text and "](#" not in text
    assert "https://support.atlassian.com/jira-cloud-administration/docs/work-item-permissions" in text
    assert text.rstrip().endswith(f"({RULES_DOC}#decision-2)")
    assert all(len(line) <= 80 for line in text.splitlines() if "https://" not in line)


def test_a_section_includes_its_subsections(doc):
    text = doc.render(doc.section("3"))
    assert "3.1 Grants add up" in text and "3.3 A project or an issue" in text
    assert "4. Project permissions" not in text
    assert "3.1 Grants add up" not in doc.render(doc.section("3.2"))


def test_the_listing_names_every_decision_and_section(doc):
    text = doc.listing()
    for number in DECISIONS:
        assert re.search(rf"^\s+{number}  \S", text, re.MULTILINE)
    for number, title in SECTIONS.items():
        assert f"{number}  " in text and title in text
    assert all(len(line) <= 80 for line in text.splitlines())


def test_every_citation_in_audits_resolves():
    from explorer.core.readiness.audit import Auditor
    from explorer.core.render.audit import audit_json, audit_markdown, audit_text
    from explorer.store.profiles import all_profiles

    snap = load_demo()
    profiles = {p.id: p for p in all_profiles()[0]}
    accounts = {a.display_name: a for a in snap.accounts}
    pairs = [("Support Fusion Integration", "support-fusion"), ("Helpdesk+ Bot", "helpdesk-plus"),
             ("Backbone Sync", "backbone"), ("Workato Connector", "workato"), ("Factory Droid", "factory"),
             ("Frank Finance", "backbone"), ("Alice Admin", "factory")]
    seen: set[str] = set()
    for name, profile_id in pairs:
        for with_fixes in (False, True) if name == "Backbone Sync" else (False,):  # fixes take seconds
            report = Auditor(snap, accounts[name], with_fixes=with_fixes).audit(profiles[profile_id])
            for output in (audit_text(report), audit_markdown(report)):
                _assert_cites_resolve(output)
                seen.update(m.group(0) for m in CITATION.finditer(output))
            data = audit_json(report)
            assert {r["cite"] for r in data["rulesCited"]} >= {
                r.label for r in cited(json.dumps({k: v for k, v in data.items() if k != "rulesCited"}))}
    assert seen, "no audit of the demo cites a rule: the test lost its teeth"
