"""Reverse and bulk questions: who can do X here, and permission matrices.

Each answer is built from :func:`~explorer.core.replay.evaluator.evaluate_in`, so it
agrees exactly with ``explain`` for every account.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.core.model import ANONYMOUS, Account, Snapshot
from explorer.core.replay import bulk, catalogue
from explorer.core.replay.cache import index_for
from explorer.core.replay.evaluator import evaluate_in, resolve_account_id, resolve_permission_key, resolve_scope
from explorer.core.replay.explanation import Check, Explanation, Match, Verdict


class WhoCanEntry:
    """One account in a who-can answer; its full explanation is computed when asked for."""

    __slots__ = ("account", "_via", "_explanation", "_question", "_finder")

    def __init__(self, account: Account, via: tuple[str, ...] | None, explanation: Explanation | None = None,
                 question: tuple | None = None, finder: bulk.ViaFinder | None = None):
        self.account = account
        self._via = via
        self._explanation = explanation
        self._question = question
        self._finder = finder

    @property
    def via(self) -> tuple[str, ...]:
        """How the account gets the permission (empty for undetermined accounts)."""
        if self._via is None:
            self._via = self._finder.via(self.account.account_id) if self._finder else ()
        return self._via

    @property
    def on_every_issue(self) -> bool:
        """False when the account has the permission only as a holder that depends on the issue (the reporter,
        the assignee, a user or group field): then it can on some issues of the project, not on all."""
        if self._finder is not None:
            return self._finder.everywhere(self.account.account_id)
        exp = self._explanation
        if exp is None:
            return True
        matched = [c for c in exp.checks if c.match is not None and c.passed]
        return not matched or any(c.match is not Match.COULD_MATCH for c in matched)

    @property
    def explanation(self) -> Explanation:
        if self._explanation is None:
            ix, permission, project, issue = self._question
            self._explanation = evaluate_in(ix, self.account, permission, project, issue)
        return self._explanation


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
    accounts = [ANONYMOUS, *snapshot.accounts]
    question = (ix, key, proj_key, issue_key)
    try:
        project_obj = ix.project(proj_key) if proj_key else None
        issue_obj = ix.issue(issue_key) if issue_key else None
        universe = bulk.universe_of(ix) if include_inactive else bulk.active_universe(ix)
        sets = bulk.verdicts(ix, key, project_obj, issue_obj, universe)
        finder = bulk.ViaFinder(ix, key, project_obj, issue_obj, sets.true) if project_obj else None
        true, maybe = sets.true, sets.unknown
        allowed = [WhoCanEntry(a, None if finder else ("holds the global permission",), question=question,
                               finder=finder) for a in accounts if a.account_id in true]
        unknown = [WhoCanEntry(a, (), question=question) for a in accounts if a.account_id in maybe]
    except bulk.Unsupported:
        allowed, unknown = [], []
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
        try:
            sets = bulk.many_verdicts(ix, keys, project, None, frozenset({acc.account_id}))
            cells = {k: sets[k].verdict(acc.account_id) for k in keys}
        except bulk.Unsupported:
            cells = {k: evaluate_in(ix, acc, k, project.key).verdict for k in keys}
        rows.append(MatrixRow(project.key, project.key, cells))
    return Matrix(f"{acc.display_name}: permissions in every project", keys, tuple(rows), "account")


def project_matrix(snapshot: Snapshot, project: str, permissions: list[str] | None = None,
                   *, include_inactive: bool = False) -> Matrix:
    """Every account's permissions in one project."""
    ix = index_for(snapshot)
    proj, _ = resolve_scope(ix, project, None)
    keys = _permission_keys(permissions)
    considered = [a for a in [ANONYMOUS, *snapshot.accounts] if include_inactive or a.active]
    try:
        sets = bulk.many_verdicts(ix, keys, proj, None, frozenset(a.account_id for a in considered))
        rows = [MatrixRow(a.display_name, a.account_id, {k: sets[k].verdict(a.account_id) for k in keys})
                for a in considered]
    except bulk.Unsupported:
        rows = [MatrixRow(a.display_name, a.account_id, {k: evaluate_in(ix, a, k, proj.key).verdict for k in keys})
                for a in considered]
    return Matrix(f"{proj.key} ({proj.name}): every account's permissions", keys, tuple(rows), "project")
