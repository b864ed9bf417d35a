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
