"""Reverse and bulk questions: who can do X here, and permission matrices.

Each answer is built from :func:`~explorer.core.evaluator.evaluate_in`, so it
agrees exactly with ``explain`` for every account.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.core import catalogue
from explorer.core.evaluator import evaluate_in, resolve_account_id, resolve_permission_key, resolve_scope
from explorer.core.explanation import Check, Explanation, Verdict
from explorer.core.index import index_for
from explorer.core.model import ANONYMOUS, Account, Snapshot


@dataclass(frozen=True, slots=True)
class WhoCanEntry:
    account: Account
    via: tuple[str, ...]
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class WhoCan:
    permission: str
    project_key: str
    issue_key: str | None
    allowed: tuple[WhoCanEntry, ...]
    undetermined: tuple[WhoCanEntry, ...]
    checked: int


def _via(exp: Explanation) -> tuple[str, ...]:
    """How an allowed answer was reached: one phrase per deciding check."""
    out: list[str] = []
    for check in exp.checks:
        if check.decisive:
            out.append(_phrase(check))
    return tuple(dict.fromkeys(out))


def _phrase(check: Check) -> str:
    if check.via:
        return ", ".join(check.via)
    return check.summary


def who_can(snapshot: Snapshot, permission: str, project: str | None = None, issue: str | None = None,
            *, include_inactive: bool = False) -> WhoCan:
    """Every account (and the anonymous visitor) that has the permission in the project or on the issue."""
    ix = index_for(snapshot)
    key = resolve_permission_key(ix, permission)
    if not catalogue.is_project_permission(key) and catalogue.is_global_permission(key):
        proj_key, issue_key = None, None
    else:
        proj, iss = resolve_scope(ix, project, issue)
        proj_key, issue_key = proj.key, iss.key if iss else None
    allowed: list[WhoCanEntry] = []
    unknown: list[WhoCanEntry] = []
    accounts = [ANONYMOUS, *snapshot.accounts]
    for account in accounts:
        if not include_inactive and not account.active:
            continue
        exp = evaluate_in(ix, account, key, proj_key, issue_key)
        if exp.verdict is Verdict.ALLOWED:
            allowed.append(WhoCanEntry(account, _via(exp), exp))
        elif exp.verdict is Verdict.UNKNOWN:
            unknown.append(WhoCanEntry(account, (), exp))
    return WhoCan(key, proj_key or "", issue_key, tuple(allowed), tuple(unknown), len(accounts))


@dataclass(frozen=True, slots=True)
class MatrixRow:
    label: str  # project key (account matrix) or account display name (project matrix)
    ref: str  # project key or accountId
    cells: dict[str, Verdict]  # permission key -> verdict


@dataclass(frozen=True, slots=True)
class Matrix:
    title: str
    permissions: tuple[str, ...]
    rows: tuple[MatrixRow, ...]
    kind: str  # "account" | "project"


def _permission_keys(permissions: list[str] | None) -> tuple[str, ...]:
    if permissions:
        return tuple(permissions)
    return tuple(p.key for p in catalogue.PROJECT_PERMISSIONS)


def account_matrix(snapshot: Snapshot, account: Account | str, permissions: list[str] | None = None) -> Matrix:
    """One account's permissions across every project."""
    ix = index_for(snapshot)
    acc = resolve_account_id(ix, account)
    keys = _permission_keys(permissions)
    rows = []
    for project in snapshot.projects:
        cells = {k: evaluate_in(ix, acc, k, project.key).verdict for k in keys}
        rows.append(MatrixRow(project.key, project.key, cells))
    return Matrix(f"{acc.display_name}: permissions in every project", keys, tuple(rows), "account")


def project_matrix(snapshot: Snapshot, project: str, permissions: list[str] | None = None,
                   *, include_inactive: bool = False) -> Matrix:
    """Every account's permissions in one project."""
    ix = index_for(snapshot)
    proj, _ = resolve_scope(ix, project, None)
    keys = _permission_keys(permissions)
    rows = []
    for account in [ANONYMOUS, *snapshot.accounts]:
        if not include_inactive and not account.active:
            continue
        cells = {k: evaluate_in(ix, account, k, proj.key).verdict for k in keys}
        rows.append(MatrixRow(account.display_name, account.account_id, cells))
    return Matrix(f"{proj.key} ({proj.name}): every account's permissions", keys, tuple(rows), "project")
