"""The docs reach users: every guide in docs/ is linked from the README, and every link there resolves."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _local_links(text: str) -> set[str]:
    return {target.split("#")[0] for target in re.findall(r"\]\(([^)\s]+)\)", text)
            if not target.startswith(("http://", "https://", "#"))}


def test_every_doc_is_linked_from_the_readme():
    linked = _local_links(README)
    for doc in sorted((ROOT / "docs").glob("*.md")):
        assert f"docs/{doc.name}" in linked, f"README.md does not link docs/{doc.name}"


def test_every_local_link_in_the_readme_resolves():
    for target in _local_links(README):
        assert (ROOT / target).exists(), f"README.md links {target}, which does not exist"


ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def test_every_path_the_architecture_names_exists():
    named = set(re.findall(r"`((?:explorer|tests|docs|benchmarks)/[\w/.]*)`", ARCHITECTURE))
    assert len(named) > 30
    for path in sorted(named):
        assert (ROOT / path).exists(), f"docs/architecture.md names {path}, which does not exist"


def test_every_registry_the_architecture_names_is_in_the_file_it_names():
    for row in ARCHITECTURE.splitlines():
        if not row.startswith("| ") or "`" not in row:
            continue
        files = [ROOT / p for p in re.findall(r"`(explorer/[\w/.]+\.py)`", row)]
        for name in re.findall(r"`([A-Z][A-Z_]{3,})`", row):
            assert any(name in f.read_text(encoding="utf-8") for f in files), (
                f"docs/architecture.md says {name} is in {[str(f.relative_to(ROOT)) for f in files]}")
