"""Verify: ask Jira itself (POST /rest/api/3/permissions/check) and compare with the local replay.

This is how users learn to trust the replay: for one (account, permission,
project or issue) question, or for N random (account, permission, project)
triples, show what the replay of the snapshot says next to what Jira says, the
agreement rate and every disagreement.  Jira answers about the site as it is
now, so a disagreement can also mean the site changed since the snapshot.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

from explorer.core.errors import UserError
from explorer.core.model import Account, AccountType, Snapshot
from explorer.core.render.explain import account_json
from explorer.core.replay import catalogue
from explorer.core.replay.evaluator import evaluate
from explorer.core.replay.explanation import Verdict
from explorer.core.replay.resolve import resolve_account
from explorer.jira import shape
from explorer.jira.client import API, JiraClient
from explorer.jira.errors import PermissionDenied
from explorer.jira.shape import Shape
from explorer.jira.tasks import all_of

CHECK = f"{API}/permissions/check"


@dataclass(frozen=True)
class Comparison:
    """One question, answered by the local replay and by Jira."""

    account: Account
    permission: str
    project: str | None
    issue: str | None
    local: Verdict
    jira: bool
    headline: str  # the replay's one-line reason
    asked: str = f"POST {CHECK}"  # the endpoint that gave Jira's answer

    @property
    def agrees(self) -> bool | None:
        """True/False when the replay decided; None when it could not determine."""
        local = self.local.as_bool
        return None if local is None else local == self.jira

    @property
    def where(self) -> str:
        return f"issue {self.issue}" if self.issue else f"project {self.project}" if self.project else "global"


@dataclass(frozen=True)
class VerifyReport:
    comparisons: tuple[Comparison, ...]
    seed: int | None = None

    @property
    def decided(self) -> tuple[Comparison, ...]:
        return tuple(c for c in self.comparisons if c.agrees is not None)

    @property
    def disagreements(self) -> tuple[Comparison, ...]:
        return tuple(c for c in self.comparisons if c.agrees is False)

    @property
    def undetermined(self) -> tuple[Comparison, ...]:
        return tuple(c for c in self.comparisons if c.agrees is None)

    @property
    def agreement_rate(self) -> float | None:
        decided = self.decided
        return None if not decided else sum(1 for c in decided if c.agrees) / len(decided)


# ---------------------------------------------------------------------------- one question


async def verify_one(client: JiraClient, snapshot: Snapshot, account: str, permission: str,
                     project: str | None = None, issue: str | None = None) -> Comparison:
    """Compare the replay with Jira for one account, permission and project or issue."""
    acc = resolve_account(snapshot, account)
    key = catalogue.resolve_permission(permission)
    if acc.account_type is AccountType.ANONYMOUS:
        raise UserError("Jira's permissions/check cannot be asked about a logged-out visitor: choose an account")
    if catalogue.is_project_permission(key) and project is None and issue is None:
        raise UserError(f"{catalogue.display_name(key)} is a project permission: give --project KEY or --issue KEY")
    local = evaluate(snapshot, acc, key, project, issue)
    if catalogue.is_global_permission(key):
        granted = await _ask(client, acc.account_id, globals_=[key])
        return Comparison(acc, key, None, None, local.verdict, key in granted[0], local.headline)
    proj_id = issue_id = None
    if local.issue_key:
        found = next(i for i in snapshot.issues if i.key == local.issue_key)
        issue_id = _numeric(found.id, f"issue {found.key}")
    else:
        found_project = next(p for p in snapshot.projects if p.key == local.project_key)
        proj_id = _numeric(found_project.id, f"project {found_project.key}")
    _, by_permission = await _ask(client, acc.account_id, pairs=[(key, proj_id, issue_id)])
    projects, issues = by_permission.get(key, (set(), set()))
    jira = (issue_id in issues) if issue_id is not None else (proj_id in projects)
    return Comparison(acc, key, local.project_key, local.issue_key, local.verdict, jira, local.headline)


# ---------------------------------------------------------------------------- a random sample


async def verify_sample(client: JiraClient, snapshot: Snapshot, n: int, *, seed: int | None = None) -> VerifyReport:
    """Compare the replay with Jira for ``n`` random (active account, project permission, project) triples."""
    if n < 1:
        raise UserError("--sample needs a positive number of checks")
    accounts = [a for a in snapshot.accounts if a.active and a.account_type is not AccountType.ANONYMOUS]
    projects = [p for p in snapshot.projects if p.id.isdigit()]
    if not accounts or not projects:
        raise UserError("the snapshot has no active accounts or no projects to check")
    seed = seed if seed is not None else random.SystemRandom().randrange(1_000_000)
    rng = random.Random(seed)
    permissions = [p.key for p in catalogue.PROJECT_PERMISSIONS]
    triples = sorted({(rng.choice(accounts).account_id, rng.choice(permissions), rng.choice(projects).key)
                      for _ in range(n * 3)})[: n * 3]
    rng.shuffle(triples)
    triples = triples[:n]
    by_id = {a.account_id: a for a in accounts}
    project_ids = {p.key: int(p.id) for p in projects}
    per_account: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for account_id, permission, project in triples:
        per_account[account_id].append((permission, project))

    async def ask(account_id: str) -> list[Comparison]:
        wanted = per_account[account_id]
        _, granted = await _ask(client, account_id, pairs=[(p, project_ids[k], None) for p, k in wanted])
        out = []
        for permission, project in wanted:
            local = evaluate(snapshot, by_id[account_id], permission, project)
            jira = project_ids[project] in granted.get(permission, (set(), set()))[0]
            out.append(Comparison(by_id[account_id], permission, project, None, local.verdict, jira, local.headline))
        return out

    results = await all_of([ask(a) for a in sorted(per_account)])
    comparisons = sorted((c for batch in results for c in batch),
                         key=lambda c: (c.account.display_name.lower(), c.project or "", c.permission))
    return VerifyReport(tuple(comparisons), seed)


# ---------------------------------------------------------------------------- Jira's side


async def _ask(client: JiraClient, account_id: str, *, globals_: list[str] | None = None,
               pairs: list[tuple[str, int | None, int | None]] = ()) -> tuple[set[str], dict[str, tuple[set, set]]]:
    """POST permissions/check for one account: (granted global keys, permission -> (project ids, issue ids))."""
    grouped: dict[str, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    for permission, project_id, issue_id in pairs:
        if project_id is not None:
            grouped[permission][0].add(project_id)
        if issue_id is not None:
            grouped[permission][1].add(issue_id)
    body = {
        "accountId": account_id,
        "globalPermissions": list(globals_ or []),
        "projectPermissions": [{"permissions": [p], "projects": sorted(pr), "issues": sorted(iss)}
                               for p, (pr, iss) in sorted(grouped.items())],
    }
    try:
        data = await client.post(CHECK, body)
    except PermissionDenied as e:
        raise PermissionDenied(f"permission denied by {client.host} (HTTP 403 for POST {CHECK}): asking Jira about "
                               "another account needs the global permission Administer Jira", status=403,
                               endpoint=e.endpoint) from None
    try:
        return _granted(data)
    except Shape as e:
        raise client.shape_error(f"POST {CHECK}", f"a list of granted permissions ({e})") from None


def _granted(data: object) -> tuple[set[str], dict[str, tuple[set, set]]]:
    answer = shape.obj(data, "the answer")
    granted_globals = {shape.text(k, "a global permission") for k in shape.items(answer.get("globalPermissions"),
                                                                              "globalPermissions")}
    granted: dict[str, tuple[set, set]] = {}
    for item in shape.items(answer.get("projectPermissions"), "projectPermissions"):
        entry = shape.obj(item, "a project permission")
        permission = shape.opt_text(entry.get("permission"), "a permission key")
        if permission:
            projects, issues = granted.setdefault(permission, (set(), set()))
            projects.update(_id(x) for x in shape.items(entry.get("projects"), f"the projects of {permission}"))
            issues.update(_id(x) for x in shape.items(entry.get("issues"), f"the issues of {permission}"))
    return granted_globals, granted


def _id(value: object) -> int:
    text = shape.text(value, "an id")
    if not text.isdigit() or len(text) > 18:
        raise Shape(f"the id {text[:20]!r} is not a number")
    return int(text)


def _numeric(value: str, what: str) -> int:
    if not value.isdigit():
        raise UserError(f"{what} has no numeric Jira id in the snapshot ({value!r}), so Jira cannot be asked about it")
    return int(value)


# ---------------------------------------------------------------------------- rendering


def _yes(value: bool) -> str:
    return "allowed" if value else "denied"


def comparison_text(c: Comparison) -> str:
    state = {True: "AGREE", False: "DISAGREE", None: "UNDETERMINED"}[c.agrees]
    local = {Verdict.ALLOWED: "allowed", Verdict.DENIED: "denied", Verdict.UNKNOWN: "cannot determine"}[c.local]
    name = catalogue.display_name(c.permission)
    return "\n".join([
        f"{state}: {c.account.display_name} ({c.account.username or c.account.account_id}), {name}, {c.where}",
        f"  local replay: {local:<17} {c.headline}",
        f"  Jira says:    {_yes(c.jira):<17} (asked: {c.asked})",
    ]) + "\n"


def report_text(report: VerifyReport) -> str:
    rate = report.agreement_rate
    decided = report.decided
    lines = [f"Checked {len(report.comparisons)} random (account, permission, project) triples with Jira "
             f"(seed {report.seed}), asking {', '.join(sorted({c.asked for c in report.comparisons})) or 'nothing'}.",
             f"Agreement: {sum(1 for c in decided if c.agrees)}/{len(decided)}"
             + (f" = {rate:.1%}" if rate is not None else "")
             + (f"; {len(report.undetermined)} the replay could not determine" if report.undetermined else "")]
    if report.disagreements:
        lines += ["", f"Disagreements ({len(report.disagreements)}):"]
        lines += [comparison_text(c).rstrip("\n") for c in report.disagreements]
    if report.undetermined:
        lines += ["", "Not determined by the replay (the snapshot lacks a fact):"]
        lines += [comparison_text(c).rstrip("\n") for c in report.undetermined]
    return "\n".join(lines) + "\n"


def comparison_json(c: Comparison) -> dict:
    return {"account": account_json(c.account), "permission": c.permission, "project": c.project,
            "issue": c.issue, "local": c.local.value, "jira": c.jira, "agrees": c.agrees, "reason": c.headline,
            "asked": c.asked}


def report_json(report: VerifyReport) -> dict:
    return {"seed": report.seed, "checked": len(report.comparisons), "decided": len(report.decided),
            "agreementRate": report.agreement_rate,
            "disagreements": [comparison_json(c) for c in report.disagreements],
            "undetermined": [comparison_json(c) for c in report.undetermined],
            "comparisons": [comparison_json(c) for c in report.comparisons]}
