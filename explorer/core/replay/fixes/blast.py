"""The blast radius of a proven fix: what else it grants the account, and how many other accounts it reaches.

A change reaches a known set of cells.  For the account itself, only projects
whose answer can differ are evaluated (:func:`touched_projects`): joining a
group reaches the schemes that grant to it and the projects where it is a
role actor (every project when it gives product access or Jira admin), joining
a role reaches one project, a new grant the projects using its scheme;
reactivating an account reaches everything.  Those projects' rows before and
after come from :mod:`.rows`, a bit per permission.  Other accounts are counted
by set algebra on the holders a new grant names, and, for issue-level
changes, by set evaluation of who can newly browse the issue.

The answer is the one the per-cell way gives (kept in ``benchmarks/naive_fixes.py``
as the benchmark's baseline); a hypothesis test holds them equal.
"""

from __future__ import annotations

from explorer.core.model import ANONYMOUS_ID, Issue, Project
from explorer.core.replay import bulk, catalogue
from explorer.core.replay.evaluator import evaluate_in
from explorer.core.replay.explanation import Explanation, Fix, Verdict
from explorer.core.replay.fixes.candidates import Candidate, merge
from explorer.core.replay.fixes.rows import BIT, AccountRows, bits_to_keys, group_reach
from explorer.core.replay.index import Patch, SiteIndex

EVERY_PROJECT = None  # what touched_projects returns when a change can reach every project


def touched_projects(ix: SiteIndex, patched: SiteIndex, account_id: str, patch: Patch) -> set[str] | None:
    """Projects where the account's project-level answers can differ between ``ix`` and ``patched``.

    ``patched`` is ``ix`` with ``patch`` applied; ``None`` means every project.  Issue-level
    parts of a patch (security levels, assignees, status properties, archived issues) never
    change a project-level answer.
    """
    reach: set[str] = set()
    account = ix.account(account_id)
    if account_id in patch.reactivated and account is not None and not ix.is_active(account):
        return EVERY_PROJECT
    for member, group in patch.groups:
        if member != account_id or ix.in_group(account_id, group)[0] is True:
            continue
        projects = group_reach(patched, group)
        if projects is EVERY_PROJECT:
            return EVERY_PROJECT
        reach |= projects
    for member, project_key, role_id in patch.roles:
        project = ix.project(project_key)
        if member == account_id and project is not None and ix.role_actor(project, role_id, account_id)[0] is not True:
            reach.add(project_key)
    for scheme_id, _ in patch.grants:
        reach.update(ix.projects_using(scheme_id))
    reach |= patch.restored_projects
    return reach


class Blast:
    """Blast radii of the fixes for one denial, sharing the account's rows before any change."""

    def __init__(self, ix: SiteIndex, exp: Explanation, project: Project, issue: Issue | None):
        self.ix = ix
        self.exp = exp
        self.project = project
        self.issue = issue
        self._before: AccountRows | None = None

    @property
    def before(self) -> AccountRows:
        if self._before is None:
            self._before = AccountRows(self.ix, self.exp.account)
        return self._before

    def describe(self, combo: tuple[Candidate, ...]) -> Fix:
        exp = self.exp
        patch = merge(combo)
        patched = self.ix.with_patch(patch)
        scopes = {c.scope for c in combo}
        issue_only = scopes <= {"issue", "workflow"}
        if issue_only:
            gained = self._gained_on_issue(patched)
        else:
            gained = self._gained_in_projects(patched, patch, self._projects(combo, scopes))
        others = self._other_accounts(patched, combo)
        changes = tuple(c.change for c in combo)
        summary = " and ".join(c.summary[0].lower() + c.summary[1:] if i else c.summary
                               for i, c in enumerate(changes))
        blast = blast_summary(gained, others, combo, issue_only, exp)
        note = "Changing a status property affects every issue in that status, for everyone." \
            if "workflow" in scopes else ""
        return Fix(summary, changes, tuple(gained), others, blast, note)

    # -- what else the account gains ---------------------------------------------------------
    def _projects(self, combo: tuple[Candidate, ...], scopes: set[str]) -> list[str]:
        """The projects whose other permissions the blast radius lists, in the order it lists them."""
        if "site" in scopes:
            return [p.key for p in self.ix.snapshot.projects]
        if "scheme" in scopes:
            keys: set[str] = {self.project.key}
            for cand in combo:
                if cand.change.scheme_id:
                    keys.update(self.ix.projects_using(cand.change.scheme_id))
            return sorted(keys)
        return [self.project.key]

    def _gained_in_projects(self, patched: SiteIndex, patch: Patch, projects: list[str]) -> list[tuple[str, str]]:
        aid = self.exp.account.account_id
        reach = touched_projects(self.ix, patched, aid, patch)
        if reach is not None:
            projects = [key for key in projects if key in reach]
        if not projects:
            return []
        after = AccountRows(patched, self.exp.account)
        gained: list[tuple[str, str]] = []
        target = BIT.get(self.exp.permission, 0)
        for key in projects:
            project = patched.project(key)
            if project is None:
                continue
            bits = after.row(project)[0] & ~self.before.row(project)[0]
            if key == self.exp.project_key:
                bits &= ~target
            gained.extend((key, perm) for perm in bits_to_keys(bits))
        return gained

    def _gained_on_issue(self, patched: SiteIndex) -> list[tuple[str, str]]:
        exp = self.exp
        gained: list[tuple[str, str]] = []
        for perm in catalogue.PROJECT_PERMISSIONS:
            if perm.key == exp.permission:
                continue
            if evaluate_in(self.ix, exp.account, perm.key, exp.project_key, exp.issue_key).verdict is Verdict.ALLOWED:
                continue
            if evaluate_in(patched, exp.account, perm.key, exp.project_key, exp.issue_key).verdict is Verdict.ALLOWED:
                gained.append((self.project.key, perm.key))
        return gained

    # -- other accounts ----------------------------------------------------------------------
    def _other_accounts(self, patched: SiteIndex, combo: tuple[Candidate, ...]) -> int:
        """How many other active accounts a change affects.

        Grant changes reach everyone the new holder names; issue-level changes (security
        level, status properties) reach everyone who can newly browse the issue.
        """
        ix, exp = self.ix, self.exp
        parts: list[frozenset[str] | set[str]] = []
        for cand in combo:
            change = cand.change
            if change.action != "add_grant":
                continue
            projects = ix.projects_using(change.scheme_id or "") or (exp.project_key,)
            if change.holder_type == "projectRole":
                for key in projects:
                    role_key = (key, change.holder_parameter or "")
                    if ix.project(key) is not None:
                        parts.append(ix.t.role_users.get(role_key, frozenset()))
                        parts.extend(ix.t.groups.get(g, frozenset()) for g in dict.fromkeys(ix.t.role_groups.get(role_key, ())))
            elif change.holder_type == "group":
                parts.append(ix.t.groups.get(change.holder_parameter or "", frozenset()))
        affected: set[str] = set().union(*parts) if parts else set()
        if exp.issue_key and any(c.scope in ("issue", "workflow") for c in combo):
            affected |= self._newly_browsing(patched, affected)
        affected.discard(exp.account.account_id)
        return len(affected & _active_or_anonymous(ix))

    def _newly_browsing(self, patched: SiteIndex, skip: set[str]) -> set[str]:
        """Active accounts (not in ``skip``) who cannot browse the issue now and could after the change."""
        ix, key = self.ix, self.exp.issue_key
        assert key is not None
        active = [a for a in ix.snapshot.accounts if a.active and a.account_id not in skip]
        found: set[str] = set()
        for account in active:
            if evaluate_in(ix, account, catalogue.BROWSE, None, key).verdict is Verdict.ALLOWED:
                continue
            if evaluate_in(patched, account, catalogue.BROWSE, None, key).verdict is Verdict.ALLOWED:
                found.add(account.account_id)
        return found


def _active_or_anonymous(ix: SiteIndex) -> frozenset[str]:
    """Accounts whose snapshot record is active, and the anonymous visitor (whom ``ix.account`` calls active)."""
    try:
        return bulk.active_universe(ix)
    except bulk.Unsupported:  # a patched index: the set evaluator's shared sets are for the snapshot itself
        return frozenset(a for a, acc in ix.t.accounts.items() if acc.active) | {ANONYMOUS_ID}


def blast_summary(gained: list[tuple[str, str]], others: int, combo: tuple[Candidate, ...], issue_only: bool,
                  exp: Explanation) -> str:
    """The blast radius in words."""
    who = exp.account.display_name
    where = f" on {exp.issue_key}" if issue_only else ""
    if not gained:
        text = f"grants {who} nothing else{where}"
    else:
        total = len(gained)
        noun = "permission" if total == 1 else "permissions"
        if issue_only:
            text = f"also gives {who} {total} other {noun} on {exp.issue_key}"
        else:
            per_project: dict[str, int] = {}
            for key, _ in gained:
                per_project[key] = per_project.get(key, 0) + 1
            parts = ", ".join(f"{n} in {key}"
                              for key, n in sorted(per_project.items(), key=lambda kv: (-kv[1], kv[0])))
            text = f"also grants {who} {total} other {noun} ({parts})"
            admin = [k for k, p in gained if p == catalogue.ADMINISTER_PROJECTS]
            if admin:
                text += f", including Administer Projects in {', '.join(admin)}"
    if others:
        reach = f"makes {exp.issue_key} visible to" if issue_only and not any(
            c.change.action == "add_grant" for c in combo) else "affects"
        text += f"; {reach} {others} other account{'s' if others != 1 else ''} too"
    return text
