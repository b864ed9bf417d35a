"""Who-can lists and permission matrices as text, Markdown, JSON and CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from explorer.core.escape import csv_cell, md, text_lines
from explorer.core.model import ANONYMOUS, Account, Fact, Snapshot
from explorer.core.render.citations import cited, rules_footer, rules_json
from explorer.core.render.explain import account_json, fact_json
from explorer.core.replay import catalogue
from explorer.core.replay.cache import index_for
from explorer.core.replay.evaluator import evaluate_in
from explorer.core.replay.explanation import Verdict
from explorer.core.replay.queries import Matrix, MatrixRow, WhoCan

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
        return {**account_json(e.account), "via": list(e.via)}

    undetermined = []
    for number, e in enumerate(result.undetermined):
        item = {k: v for k, v in entry(e).items() if k != "via"}
        if number < UNDETERMINED_DETAIL:
            item["missing"] = [fact_json(f) for f in e.explanation.missing_facts]
        undetermined.append(item)
    accounts = [entry(e) for e in result.allowed]
    return {
        "permission": result.permission,
        "project": result.project_key or None,
        "issue": result.issue_key,
        "accounts": accounts,
        "undetermined": undetermined,
        "missingFacts": [fact_json(f) for f in _sample_missing(result)],
        "rulesCited": rules_json(cited("\n".join(v for a in accounts for v in a["via"]))),
    }


def who_can_text(result: WhoCan, markdown: bool = False) -> str:
    perm = catalogue.display_name(result.permission)
    where = f"issue {result.issue_key}" if result.issue_key else (
        f"project {result.project_key}" if result.project_key else "the site")
    out: list[str] = []
    count = len(result.allowed)
    head = f"Who has '{perm}' in {where}: {count} account{'s' if count != 1 else ''}"
    if result.undetermined:
        head += f" for sure, {len(result.undetermined)} more cannot be determined"
    out.append(f"### {md(head)}" if markdown else head)
    out.append("")
    width = max((len(e.account.display_name) for e in result.allowed), default=0)
    for e in result.allowed:
        via = "; ".join(e.via)
        if markdown:
            out.append(f"- ✓ **{md(e.account.display_name)}** — {md(via)}")
        else:
            out.append(f"  ✓ {e.account.display_name:<{width}}  via {via}")
    if not result.allowed:
        nobody = "nobody for sure" if result.undetermined else "nobody"
        out.append(f"  ({nobody})" if not markdown else f"- {nobody}")
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
    out += rules_footer(out, markdown=markdown)
    return text_lines(out)


# ---------------------------------------------------------------- matrices

CELL = {Verdict.ALLOWED: "✓", Verdict.DENIED: "·", Verdict.UNKNOWN: "?"}
LEGEND = "✓ allowed   · denied   ? cannot determine"


@dataclass(frozen=True, slots=True)
class UnknownCell:
    """A ``?`` cell of a matrix and the facts the snapshot lacks for it."""

    row: MatrixRow
    permission: str
    facts: tuple[Fact, ...]


def unknown_cells(snapshot: Snapshot, matrix: Matrix, subject: Account | str,
                  limit: int | None = None) -> list[UnknownCell]:
    """Why ``?`` cells cannot be determined (the first ``limit`` of them, row by row).

    ``subject`` is what the matrix is about: the account of an account matrix,
    the project key of a project matrix.
    """
    ix = index_for(snapshot)
    found: list[UnknownCell] = []
    for row in matrix.rows:
        if Verdict.UNKNOWN not in row.cells.values():
            continue
        for perm in matrix.permissions:
            if row.cells[perm] is not Verdict.UNKNOWN:
                continue
            if limit is not None and len(found) >= limit:
                return found
            if matrix.kind == "account":
                exp = evaluate_in(ix, subject, perm, row.ref)
            else:
                account = ANONYMOUS if row.ref == ANONYMOUS.account_id else row.ref
                exp = evaluate_in(ix, account, perm, str(subject))
            found.append(UnknownCell(row, perm, exp.missing_facts))
    return found


def _unknown_count(matrix: Matrix) -> int:
    return sum(list(row.cells.values()).count(Verdict.UNKNOWN) for row in matrix.rows)


def _facts_phrase(facts: Iterable[Fact]) -> str:
    return "; ".join(dict.fromkeys(f.describe() for f in facts)) or "a fact the answer depends on"


def _names(perms: list[str], total: int) -> str:
    if len(perms) == total:
        return f"all {total} permissions"
    names = [catalogue.display_name(p) for p in perms]
    if len(names) <= 3:
        return ", ".join(names)
    return f"{', '.join(names[:2])} and {len(names) - 2} more"


def _why_lines(matrix: Matrix, cells: list[UnknownCell]) -> list[str]:
    """One line per row and set of missing facts: which permissions, and what the snapshot lacks."""
    groups: dict[tuple[str, str], list[str]] = {}
    for cell in cells:
        groups.setdefault((cell.row.label, _facts_phrase(cell.facts)), []).append(cell.permission)
    return [f"  {label}: {_names(perms, len(matrix.permissions))}: {facts}"
            for (label, facts), perms in groups.items()]


def matrix_text(matrix: Matrix, unknown: list[UnknownCell] | None = None, *, why: bool = False) -> str:
    """The matrix as text; ``unknown`` (from :func:`unknown_cells`) gives the reason for ``?`` cells.

    With ``why`` every ``?`` cell's reason is listed (``unknown`` must then hold all of them);
    otherwise the legend names the facts of a sample.
    """
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
    out.append(LEGEND)
    count = _unknown_count(matrix)
    if count:
        cells = unknown or []
        out.append(f"? {count} cell{'s' if count != 1 else ''} cannot be determined: the snapshot lacks "
                   f"{_facts_phrase(f for c in cells for f in c.facts)}.")
        if why:
            out.append("")
            out.append("Why, row by row:")
            out += _why_lines(matrix, cells)
        else:
            out.append("Add --why to see the reason for each ? cell.")
    return text_lines(out)


def matrix_json(matrix: Matrix, unknown: list[UnknownCell] | None = None, *, why: bool = False) -> dict:
    data = {
        "kind": matrix.kind,
        "title": matrix.title,
        "permissions": list(matrix.permissions),
        "rows": [{"label": r.label, "ref": r.ref, "cells": {k: v.value for k, v in r.cells.items()}}
                 for r in matrix.rows],
    }
    if _unknown_count(matrix):
        facts: dict = {}
        for cell in unknown or []:
            for fact in cell.facts:
                facts.setdefault(fact.key, fact)
        data["missingFacts"] = [fact_json(f) for f in facts.values()]
        if why:
            data["why"] = [{"ref": c.row.ref, "label": c.row.label, "permission": c.permission,
                            "missing": [fact_json(f) for f in c.facts]} for c in unknown or []]
    return data


def matrix_csv(matrix: Matrix) -> str:
    """The matrix as CSV, every cell safe to open in a spreadsheet (:func:`~explorer.core.escape.csv_cell`)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    first = "project" if matrix.kind == "account" else "account"
    writer.writerow([csv_cell(v) for v in (first, "id", *matrix.permissions)])
    for row in matrix.rows:
        writer.writerow([csv_cell(v) for v in (row.label, row.ref, *(row.cells[p].value for p in matrix.permissions))])
    return buf.getvalue()

