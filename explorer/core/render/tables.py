"""Who-can lists and permission matrices as text, Markdown, JSON and CSV."""

from __future__ import annotations

import csv
import io

from explorer.core.model import Fact
from explorer.core.render.explain import fact_json, md
from explorer.core.replay import catalogue
from explorer.core.replay.explanation import Verdict
from explorer.core.replay.queries import Matrix, WhoCan

# ---------------------------------------------------------------- who-can


UNDETERMINED_DETAIL = 50  # explain at most this many undetermined accounts in full


def _sample_missing(result: WhoCan) -> list[Fact]:
    seen: dict = {}
    for entry in result.undetermined[:UNDETERMINED_DETAIL]:
        for fact in entry.explanation.missing_facts:
            seen.setdefault(fact.key, fact)
    return list(seen.values())


def who_can_json(result: WhoCan) -> dict:
    def entry(e) -> dict:
        return {"accountId": None if e.account.is_anonymous else e.account.account_id,
                "displayName": e.account.display_name, "via": list(e.via)}

    undetermined = []
    for number, e in enumerate(result.undetermined):
        item = {k: v for k, v in entry(e).items() if k != "via"}
        if number < UNDETERMINED_DETAIL:
            item["missing"] = [fact_json(f) for f in e.explanation.missing_facts]
        undetermined.append(item)
    return {
        "permission": result.permission,
        "project": result.project_key or None,
        "issue": result.issue_key,
        "accounts": [entry(e) for e in result.allowed],
        "undetermined": undetermined,
        "missingFacts": [fact_json(f) for f in _sample_missing(result)],
    }


def who_can_text(result: WhoCan, markdown: bool = False) -> str:
    perm = catalogue.display_name(result.permission)
    where = f"issue {result.issue_key}" if result.issue_key else (
        f"project {result.project_key}" if result.project_key else "the site")
    out: list[str] = []
    count = len(result.allowed)
    head = f"Who has '{perm}' in {where}: {count} account{'s' if count != 1 else ''}"
    out.append(f"### {head}" if markdown else head)
    out.append("")
    width = max((len(e.account.display_name) for e in result.allowed), default=0)
    for e in result.allowed:
        via = "; ".join(e.via)
        if markdown:
            out.append(f"- ✓ **{md(e.account.display_name)}** — {md(via)}")
        else:
            out.append(f"  ✓ {e.account.display_name:<{width}}  via {via}")
    if not result.allowed:
        out.append("  (nobody)" if not markdown else "- nobody")
    if result.undetermined:
        out.append("")
        out.append(f"Cannot determine for {len(result.undetermined)} account(s):")
        for e in result.undetermined[:20]:
            facts = "; ".join(f.describe() for f in e.explanation.missing_facts) or "a fact is missing"
            line = f"{e.account.display_name}: {facts}"
            out.append(f"- ? {md(line)}" if markdown else f"  ? {line}")
        if len(result.undetermined) > 20:
            rest = len(result.undetermined) - 20
            facts = "; ".join(f.describe() for f in _sample_missing(result))
            line = f"... and {rest} more; the snapshot lacks: {facts}"
            out.append(f"- {md(line)}" if markdown else f"  {line}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- matrices

CELL = {Verdict.ALLOWED: "✓", Verdict.DENIED: "·", Verdict.UNKNOWN: "?"}


def matrix_text(matrix: Matrix) -> str:
    out = [matrix.title, ""]
    if matrix.kind == "account":
        refs = [r.ref for r in matrix.rows]
        width = max(len(catalogue.display_name(p)) for p in matrix.permissions)
        out.append(" " * (width + 2) + " ".join(f"{r:<6}" for r in refs))
        for perm in matrix.permissions:
            cells = " ".join(f"{CELL[row.cells[perm]]:<6}" for row in matrix.rows)
            out.append(f"{catalogue.display_name(perm):<{width}}  {cells}")
    else:
        width = max((len(r.label) for r in matrix.rows), default=10)
        numbers = [f"{i:>2}" for i in range(1, len(matrix.permissions) + 1)]
        out.append(" " * (width + 2) + "".join(n[0] for n in numbers))
        out.append(" " * (width + 2) + "".join(n[1] for n in numbers))
        for row in matrix.rows:
            out.append(f"{row.label:<{width}}  " + "".join(CELL[row.cells[p]] for p in matrix.permissions))
        out.append("")
        for i, perm in enumerate(matrix.permissions, 1):
            out.append(f"{i:>3} {catalogue.display_name(perm)}")
    out.append("")
    out.append("✓ allowed   · denied   ? cannot determine")
    return "\n".join(out) + "\n"


def matrix_json(matrix: Matrix) -> dict:
    return {
        "kind": matrix.kind,
        "title": matrix.title,
        "permissions": list(matrix.permissions),
        "rows": [{"label": r.label, "ref": r.ref, "cells": {k: v.value for k, v in r.cells.items()}}
                 for r in matrix.rows],
    }


def matrix_csv(matrix: Matrix) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    first = "project" if matrix.kind == "account" else "account"
    writer.writerow([first, "id", *matrix.permissions])
    for row in matrix.rows:
        writer.writerow([row.label, row.ref, *(row.cells[p].value for p in matrix.permissions)])
    return buf.getvalue()


# ---------------------------------------------------------------- snapshot summary


