"""The proof tree: every check Jira makes, in order, then the fixes with their blast radius."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from explorer.core.render.explain import grant_block_heading, grant_block_label, proof_blocks, rules_cited
from explorer.core.replay.decisions import RULES_DOC
from explorer.core.replay.explanation import KIND_LABELS, Check, Explanation, Kind, Verdict

STYLE = {True: "", False: "bold", None: "italic"}


def _symbol_text(symbol: str, label: str, body: str, passed: bool | None) -> Text:
    text = Text()
    text.append(f"{symbol} ", style="bold")
    if label:
        text.append(f"{label}: ", style="bold")
    text.append(body, style=STYLE[passed])
    return text


class ProofTree(Tree[str]):
    """Expandable proof; each node's data is its full sentence (shown below the tree, wrapped)."""

    def __init__(self, **kwargs) -> None:
        super().__init__("proof", **kwargs)
        self.show_root = False
        self.guide_depth = 2

    def show(self, exp: Explanation) -> None:
        self.clear()
        checks = self.root.add(Text("What Jira checks, in order", style="bold underline"),
                               data="What Jira checks, in order", expand=True)
        for kind, lines in proof_blocks(exp):
            if kind is Kind.GRANT:
                symbol, heading = grant_block_heading(exp, lines)
                passed = {"✓": True, "✗": False, "?": None}[symbol]
                label = grant_block_label(lines)
                node = checks.add(_symbol_text(symbol, label, heading, passed), data=f"{symbol} {label}: {heading}",
                                  allow_expand=True)
                for line in lines:
                    self._check(node, line, "")
                if passed is not True or len(lines) <= 3:
                    node.expand()
                continue
            check = lines[0]
            node = self._check(checks, check, KIND_LABELS[check.kind])
            if check.decisive and check.passed is not True:
                node.expand()
        if exp.verdict is Verdict.DENIED:
            if exp.fixes:
                fixes = self.root.add(Text("How to fix it (smallest change first, each proved)", style="bold underline"),
                                      data="How to fix it: smallest change first, each proved by replaying the "
                                           "check with it applied", expand=True)
                for n, fix in enumerate(exp.fixes, 1):
                    node = fixes.add(Text(f"{n}. {fix.summary}"), data=f"{n}. {fix.summary}.", expand=n == 1)
                    node.add_leaf(Text(f"Blast radius: {fix.blast_summary}", style="italic"),
                                  data=f"Blast radius: {fix.blast_summary}.")
                    if len(fix.changes) > 1:
                        for change in fix.changes:
                            node.add_leaf(Text(f"• {change.summary}"), data=change.summary)
                    if fix.note:
                        node.add_leaf(Text(fix.note), data=fix.note)
            else:
                self.root.add_leaf(Text("No single change found that would allow it.", style="italic"),
                                   data="No single change found that would allow it (see the failed checks).")
        if exp.verdict is Verdict.UNKNOWN and exp.missing_facts:
            missing = self.root.add(Text("Missing from the snapshot", style="bold underline"),
                                    data="Missing from the snapshot", expand=True)
            for fact in exp.missing_facts:
                line = f"? {fact.describe()}; {fact.remedy()}"
                missing.add_leaf(Text(line), data=line)
        rules = rules_cited(exp)
        if rules:
            heading = f"Rules cited ({RULES_DOC}; jira-perms rules {rules[0].topic})"
            node = self.root.add(Text(heading, style="underline"), data=heading)
            for r in rules:
                line = f"{r.label.capitalize()} (#{r.anchor}): {r.text}"
                node.add_leaf(Text(line), data=f"{r.label.capitalize()} ({r.link}): {r.text}")
        self.move_cursor_to_line(0)

    def _check(self, parent: TreeNode[str], check: Check, label: str) -> TreeNode[str]:
        full = f"{check.symbol} {label + ': ' if label else ''}{check.summary}"
        if check.decision:
            full += f" (decision {check.decision})"
        if check.conflict:
            full += f" Note: {check.conflict}"
        text = _symbol_text(check.symbol, label, check.summary, check.passed)
        if not check.children:
            return parent.add_leaf(text, data=full)
        node = parent.add(text, data=full)
        for child in check.children:
            self._check(node, child, "")
        return node
