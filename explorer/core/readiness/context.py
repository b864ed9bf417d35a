"""The state one audit shares between its requirement cells and its findings: the account, cached verdicts, fixes.

Several profiles audited for one account (``rank_profiles``) share one context,
so a verdict is replayed once whatever asks for it.
"""

from __future__ import annotations

from dataclasses import replace

from explorer.core.errors import LookupFailed
from explorer.core.model import Account, Grant, Holder, Project, Snapshot
from explorer.core.replay import catalogue
from explorer.core.replay.cache import index_for
from explorer.core.replay.evaluator import evaluate_in
from explorer.core.replay.explanation import Change, Explanation, Fix, Verdict
from explorer.core.replay.fixes import suggest_fixes
from explorer.core.replay.index import Patch, SiteIndex
from explorer.core.replay.resolve import resolve_account

FIX_LIMIT = 3
ADMIN_ROLE_NAMES = ("administrators", "administrator")


class AuditContext:
    """One account on one snapshot: cached explanations and proposed changes with their blast radius."""

    def __init__(self, snapshot: Snapshot, account: Account | str, *, with_fixes: bool = True):
        self.snapshot = snapshot
        self.ix: SiteIndex = index_for(snapshot)
        self.account = account if isinstance(account, Account) else resolve_account(snapshot, account)
        self.with_fixes = with_fixes
        self._evaluated: dict[tuple[str, str | None], Explanation] = {}
        self._explained: dict[tuple[str, str | None], Explanation] = {}
        self._blasts: dict[Patch, tuple[tuple[str, str], ...]] = {}

    @property
    def name(self) -> str:
        return self.account.display_name

    # -- verdicts ------------------------------------------------------------------------
    def evaluated(self, permission: str, project: str | None) -> Explanation:
        """The engine's explanation without the (costly) search for fixes, cached."""
        key = (permission, project)
        found = self._evaluated.get(key)
        if found is None:
            found = evaluate_in(self.ix, self.account, permission, project)
            self._evaluated[key] = found
        return found

    def explained(self, permission: str, project: str | None) -> Explanation:
        """The engine's explanation (with fixes when denied), cached per permission and project."""
        key = (permission, project)
        found = self._explained.get(key)
        if found is None:
            found = self.evaluated(permission, project)
            if self.with_fixes and found.verdict is Verdict.DENIED and project is not None:
                fixes = sorted(suggest_fixes(self.ix, found, limit=FIX_LIMIT + 2),
                               key=lambda f: awkward(self.ix, project, f))  # stable: the engine's order otherwise
                found = replace(found, fixes=tuple(fixes[:FIX_LIMIT]))
            self._explained[key] = found
        return found

    # -- scope and roles ---------------------------------------------------------------------
    def projects(self, keys: list[str] | tuple[str, ...] | None) -> tuple[list[Project], list[tuple[str, str]]]:
        """The projects to audit (every unarchived one by default) and those left out, with why."""
        if not keys:
            audited = [p for p in self.snapshot.projects if not p.archived]
            skipped = [(p.key, "archived (read-only); name it with --project to audit it anyway")
                       for p in self.snapshot.projects if p.archived]
            return audited, skipped
        chosen: list[Project] = []
        for key in keys:
            project = self.ix.project(key) or self.ix.project(key.upper())
            if project is None:
                known = ", ".join(p.key for p in self.snapshot.projects) or "no projects"
                raise LookupFailed(f"unknown project {key!r}; the snapshot has: {known}")
            if project not in chosen:
                chosen.append(project)
        return chosen, []

    def role_ids(self, project: Project, names: tuple[str, ...]) -> list[tuple[str, str]]:
        """The project's roles with one of these names: (id, name)."""
        wanted = {n.lower() for n in names}
        if project.team_managed and project.permission_scheme_id is None:
            return [(r.id, r.name) for r in project.team_roles if r.name.lower() in wanted]
        return [(r.id, r.name) for r in self.snapshot.roles if r.name.lower() in wanted]

    def admin_roles(self, project: Project) -> list[tuple[str, str]]:
        return self.role_ids(project, ADMIN_ROLE_NAMES)

    # -- proposed changes ---------------------------------------------------------------------
    def reactivate(self) -> Fix:
        acc = self.account
        return self.fix((Change("reactivate", f"Reactivate {acc.display_name}", account_id=acc.account_id),),
                        Patch(reactivated=frozenset({acc.account_id})))

    def join_group(self, group: str, why: str, targets: frozenset[tuple[str, str]] = frozenset(),
                   action: str = "add_to_group") -> Fix:
        acc = self.account
        return self.fix((Change(action, why, account_id=acc.account_id, group=group),),
                        Patch(groups=frozenset({(acc.account_id, group)})), targets)

    def fix(self, changes: tuple[Change, ...], patch: Patch, targets: frozenset[tuple[str, str]] = frozenset()) -> Fix:
        """A proposed change with its blast radius: what else it gives (``targets`` are what it is for)."""
        summary = " and ".join(c.summary[0].lower() + c.summary[1:] if i else c.summary
                               for i, c in enumerate(changes))
        if not self.with_fixes:
            return Fix(summary, changes)
        gained = tuple(g for g in self.blast(patch) if g not in targets)
        return Fix(summary, changes, gained, 0, blast_words(self.name, gained))

    def blast(self, patch: Patch) -> tuple[tuple[str, str], ...]:
        """Every (project, permission) and ("site", global permission) a change would newly give the account."""
        cached = self._blasts.get(patch)
        if cached is not None:
            return cached
        patched = self.ix.with_patch(patch)
        gained: list[tuple[str, str]] = []
        for glob in catalogue.GLOBAL_PERMISSIONS:
            before = evaluate_in(self.ix, self.account, glob.key).verdict
            if before is not Verdict.ALLOWED and evaluate_in(patched, self.account, glob.key).verdict is Verdict.ALLOWED:
                gained.append(("site", glob.key))
        for project in self.snapshot.projects:
            for perm in catalogue.PROJECT_PERMISSIONS:
                if self.evaluated(perm.key, project.key).verdict is Verdict.ALLOWED:
                    continue
                if evaluate_in(patched, self.account, perm.key, project.key).verdict is Verdict.ALLOWED:
                    gained.append((project.key, perm.key))
        result = tuple(gained)
        self._blasts[patch] = result
        return result


def awkward(ix: SiteIndex, project_key: str, fix: Fix) -> int:
    """1 for fixes no admin would apply to an integration account: joining the apps' role or the portal customers."""
    project = ix.project(project_key)
    customers = project.customer_role_id if project is not None else None
    for_apps = any(c.role_id and ix.role_name(c.role_id).startswith("atlassian-addons") for c in fix.changes)
    return 1 if for_apps or any(c.role_id and c.role_id == customers for c in fix.changes) else 0


def patch_of(changes: tuple[Change, ...]) -> Patch | None:
    """The hypothetical patch of a fix's changes (None when one of them is issue-specific)."""
    patch = Patch()
    for c in changes:
        if c.action == "add_to_role" and c.account_id and c.project_key and c.role_id:
            patch = patch.merge(Patch(roles=frozenset({(c.account_id, c.project_key, c.role_id)})))
        elif c.action in ("add_to_group", "grant_product") and c.account_id and c.group:
            patch = patch.merge(Patch(groups=frozenset({(c.account_id, c.group)})))
        elif c.action == "add_grant" and c.scheme_id and c.permission and c.holder_type:
            grant = Grant(f"proposed-{c.permission}-{c.holder_type}-{c.holder_parameter}", c.permission,
                          Holder(c.holder_type, c.holder_parameter))
            patch = patch.merge(Patch(grants=((c.scheme_id, grant),)))
        elif c.action == "reactivate" and c.account_id:
            patch = patch.merge(Patch(reactivated=frozenset({c.account_id})))
        elif c.action == "restore_project" and c.project_key:
            patch = patch.merge(Patch(restored_projects=frozenset({c.project_key})))
        else:
            return None
    return patch if patch else None


def blast_words(who: str, gained: tuple[tuple[str, str], ...]) -> str:
    if not gained:
        return f"grants {who} nothing else"
    site = [k for where, k in gained if where == "site"]
    per_project: dict[str, int] = {}
    for where, _ in gained:
        if where != "site":
            per_project[where] = per_project.get(where, 0) + 1
    parts = [f"{n} in {key}" for key, n in sorted(per_project.items(), key=lambda kv: (-kv[1], kv[0]))]
    parts += [f"the global permission {catalogue.display_name(k)}" for k in site]
    total = len(gained)
    text = f"also grants {who} {total} other permission{'s' if total != 1 else ''} ({', '.join(parts)})"
    admin = [where for where, k in gained if k == catalogue.ADMINISTER_PROJECTS]
    if admin:
        text += f", including Administer Projects in {', '.join(admin)}"
    return text
