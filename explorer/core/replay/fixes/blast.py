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

import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from itertools import repeat

from explorer.core.model import ANONYMOUS_ID, Issue, Project, Snapshot
from explorer.core.replay import bulk, catalogue
from explorer.core.replay.evaluator import evaluate_in
from explorer.core.replay.explanation import Change, Explanation, Fix, Verdict
from explorer.core.replay.fixes.candidates import Candidate, merge
from explorer.core.replay.fixes.rows import ADMIN, BIT, PERMISSIONS, AccountRows, Row, bits_to_keys, group_reach
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


@dataclass(frozen=True, slots=True)
class Measured:
    """A proven fix's blast radius, counted: enough to rank it; :meth:`Blast.fix` spells it out."""

    combo: tuple[Candidate, ...]
    listing: list[str]  # the projects a blast radius lists, in order
    gained: dict[str, int]  # project key -> bits of the other permissions the fix grants there
    gained_count: int
    others: int
    issue_only: bool
    exact: bool = True  # False: ``others`` is a lower bound (who newly sees the issue not yet counted)

    @property
    def size(self) -> int:
        """Cells granted to the account besides the target, plus other accounts reached (a lower bound
        until exact)."""
        return self.gained_count + self.others


class Blast:
    """Blast radii of the fixes for one denial, sharing the account's rows before any change."""

    def __init__(self, ix: SiteIndex, exp: Explanation, project: Project, issue: Issue | None):
        self.ix = ix
        self.exp = exp
        self.project = project
        self.issue = issue
        self._before: AccountRows | None = None
        self._after_one: dict[Candidate, AccountRows] = {}
        self._reached: dict[tuple, _Reach] = {}
        self._reached_count: dict[tuple, int] = {}
        self._not_browsing: frozenset[str] | None = None  # active accounts that cannot browse the issue
        self._unlocked: frozenset[str] | None = None  # ... and could without its level and status properties
        self._cells: dict[tuple[str, int], tuple[tuple[str, str], ...]] = {}
        self._site_keys = _site_keys(ix)

    @property
    def before(self) -> AccountRows:
        if self._before is None:
            self._before = AccountRows(self.ix, self.exp.account)
        return self._before

    def measure(self, combo: tuple[Candidate, ...]) -> Measured:
        """What else the fix grants the account (as bits per project), and how many others it reaches."""
        patched = self.ix.with_patch(merge(combo))
        scopes = {c.scope for c in combo}
        issue_only = scopes <= {"issue", "workflow"}
        listing = [self.project.key] if issue_only else self._projects(combo, scopes)
        gained = self._gained_on_issue(patched) if issue_only else self._gained_in_projects(combo, patched, listing)
        count = sum(bits.bit_count() for bits in gained.values())
        if self._issue_level(combo):  # counting who newly sees the issue waits until the rank needs it
            others = self._count_others(_Reach.of(p for c in self._grants(combo) for p in self._holders_reached(c).parts))
            return Measured(combo, listing, gained, count, others, issue_only, exact=False)
        return Measured(combo, listing, gained, count, self._other_accounts(patched, combo), issue_only)

    def settle(self, m: Measured) -> Measured:
        """The measure with its exact number of other accounts."""
        if m.exact:
            return m
        return replace(m, others=self._other_accounts(self.ix.with_patch(merge(m.combo)), m.combo), exact=True)

    def fix(self, m: Measured) -> Fix:
        """The fix in words, with every cell of its blast radius."""
        listed = [key for key in m.listing if key in m.gained]
        gained: list[tuple[str, str]] = []
        for key in listed:
            cells = self._cells.get((key, m.gained[key]))
            if cells is None:  # fixes that share a change list the same cells: build them once
                cells = self._cells[(key, m.gained[key])] = tuple(zip(repeat(key), bits_to_keys(m.gained[key])))
            gained.extend(cells)
        per_project = {key: m.gained[key].bit_count() for key in listed}
        admin = [key for key in listed if m.gained[key] & ADMIN]
        changes = tuple(c.change for c in m.combo)
        note = "Changing a status property affects every issue in that status, for everyone." \
            if any(c.scope == "workflow" for c in m.combo) else ""
        return Fix(fix_summary(changes), changes, tuple(gained), m.others,
                   blast_words(per_project, admin, m.others, m.combo, m.issue_only, self.exp), note)

    # -- what else the account gains ---------------------------------------------------------
    def _projects(self, combo: tuple[Candidate, ...], scopes: set[str]) -> list[str]:
        """The projects whose other permissions the blast radius lists, in the order it lists them."""
        if "site" in scopes:
            return self._site_keys
        if "scheme" in scopes:
            keys: set[str] = {self.project.key}
            for cand in combo:
                if cand.change.scheme_id:
                    keys.update(self.ix.projects_using(cand.change.scheme_id))
            return sorted(keys)
        return [self.project.key]

    def _gain(self, rows: Callable[[Project], Row], key: str) -> int:
        """Bits newly allowed in one project (the target cell excluded)."""
        project = self.ix.project(key)
        if project is None:
            return 0
        bits = rows(project)[0] & ~self.before.row(project)[0]
        return bits & ~BIT.get(self.exp.permission, 0) if key == self.exp.project_key else bits

    def _gains(self, rows: Callable[[Project], Row], keys: Iterable[str], into: dict[str, int] | None = None
               ) -> dict[str, int]:
        """Bits newly allowed per project, where there are any (``into`` updated in place)."""
        gains = {} if into is None else into
        for key in keys:
            bits = self._gain(rows, key)
            if bits:
                gains[key] = bits
            else:
                gains.pop(key, None)
        return gains

    def _single(self, cand: Candidate) -> tuple[AccountRows, dict[str, int] | None]:
        """A change's rows alone, and (for a change that reaches every project) its gains everywhere."""
        found = self._after_one.get(cand)
        if found is None:
            rows = AccountRows(self.ix.with_patch(cand.patch), self.exp.account, base=self.before)
            reach = touched_projects(self.ix, rows.ix, self.exp.account.account_id, cand.patch)
            found = self._after_one[cand] = (rows, self._gains(rows.row, self._site_keys) if reach is None else None)
        return found

    def _gained_in_projects(self, combo: tuple[Candidate, ...], patched: SiteIndex,
                            projects: list[str]) -> dict[str, int]:
        """Bits newly allowed per listed project.

        Only the projects the combination reaches are asked.  When one of its changes reaches
        every project (a product's access, say), that change's gains are worked out once for
        every combination sharing it, and only the projects the other changes reach are asked.
        """
        aid = self.exp.account.account_id
        listed = None if projects is self._site_keys else set(projects)
        reach = touched_projects(self.ix, patched, aid, merge(combo))
        if reach is not None:
            keys = reach if listed is None else reach & listed
            rows = self._single(combo[0])[0] if len(combo) == 1 else AccountRows(patched, self.exp.account,
                                                                                  base=self.before)
            return self._gains(rows.row, keys)
        widest = next((c for c in combo
                       if touched_projects(self.ix, self.ix.with_patch(c.patch), aid, c.patch) is None), None)
        if widest is None:  # only together do the changes reach everywhere
            return self._gains(AccountRows(patched, self.exp.account, base=self.before).row, projects)
        parent, everywhere = self._single(widest)
        assert everywhere is not None
        if len(combo) == 1:
            return everywhere if listed is None else {k: v for k, v in everywhere.items() if k in listed}
        rest = merge(tuple(c for c in combo if c is not widest))
        own = touched_projects(parent.ix, patched, aid, rest)
        child = AccountRows(patched, self.exp.account, base=parent)
        if own is None or listed is not None:
            return self._gains(child.row, projects)
        return self._gains(child.row, own, dict(everywhere))

    def _gained_on_issue(self, patched: SiteIndex) -> dict[str, int]:
        """Bits newly allowed on the issue (set evaluation of the account alone, before and after)."""
        exp = self.exp
        before = self._allowed_on_issue(self.ix)
        bits = self._allowed_on_issue(patched) & ~before & ~BIT.get(exp.permission, 0)
        return {self.project.key: bits} if bits else {}

    def _allowed_on_issue(self, ix: SiteIndex) -> int:
        exp = self.exp
        assert exp.issue_key is not None
        aid = exp.account.account_id
        try:
            sets = bulk.many_verdicts(ix, PERMISSIONS, self.project, ix.issue(exp.issue_key), frozenset({aid}))
            return sum(BIT[key] for key, found in sets.items() if aid in found.true)
        except bulk.Unsupported:  # Data Center's optional holder types: the evaluator, permission by permission
            return sum(BIT[key] for key in PERMISSIONS
                       if evaluate_in(ix, exp.account, key, None, exp.issue_key).verdict is Verdict.ALLOWED)

    # -- other accounts ----------------------------------------------------------------------
    def _other_accounts(self, patched: SiteIndex, combo: tuple[Candidate, ...]) -> int:
        """How many other active accounts a change affects.

        Grant changes reach everyone the new holder names; issue-level changes (security
        level, status properties) reach everyone who can newly browse the issue.
        """
        grants = self._grants(combo)
        issue_level = self._issue_level(combo)
        if not issue_level and len(grants) == 1:
            key = _holder_key(grants[0])
            if key not in self._reached_count:
                self._reached_count[key] = self._count_others(self._holders_reached(grants[0]))
            return self._reached_count[key]
        reach = _Reach.of([part for g in grants for part in self._holders_reached(g).parts])
        if issue_level:
            reach = _Reach.of([*reach.parts, self._newly_browsing(patched, combo, reach)])
        return self._count_others(reach)

    def _issue_level(self, combo: tuple[Candidate, ...]) -> bool:
        """Whether a change reaches other accounts through the issue (who can newly browse it)."""
        return bool(self.exp.issue_key) and any(c.scope in ("issue", "workflow") for c in combo)

    @staticmethod
    def _grants(combo: tuple[Candidate, ...]) -> tuple[Change, ...]:
        return tuple(c.change for c in combo if c.change.action == "add_grant")

    def _count_others(self, reach: _Reach) -> int:
        """Active accounts a change reaches (the anonymous visitor counts as active, ids that are no
        account do not), the fix's own account left out: by subtracting the few that are not active."""
        inactive, strangers = _not_active(self.ix)
        count = len(reach) - reach.count_in(inactive) - reach.count_in(strangers)
        aid = self.exp.account.account_id
        return count - 1 if aid in reach and aid not in inactive and aid not in strangers else count

    def _holders_reached(self, change: Change) -> _Reach:
        """The accounts a new grant's holder names, in every project using the scheme (memoised)."""
        key = _holder_key(change)
        found = self._reached.get(key)
        if found is None:
            ix, t = self.ix, self.ix.t
            parts: list[frozenset[str]] = []
            if change.holder_type == "projectRole":
                for project_key in ix.projects_using(change.scheme_id or "") or (self.exp.project_key,):
                    role_key = (project_key, change.holder_parameter or "")
                    if ix.project(project_key) is not None:
                        parts.append(t.role_users.get(role_key, frozenset()))
                        parts.extend(t.groups.get(g, frozenset()) for g in t.role_groups.get(role_key, ()))
            elif change.holder_type == "group":
                parts.append(t.groups.get(change.holder_parameter or "", frozenset()))
            found = self._reached[key] = _Reach.of(parts)
        return found

    def _newly_browsing(self, patched: SiteIndex, combo: tuple[Candidate, ...], skip: _Reach) -> frozenset[str]:
        """Active accounts (not in ``skip``) who cannot browse the issue now and could after the change."""
        key = self.exp.issue_key
        assert key is not None
        try:
            universe = self._could_newly_browse(combo).difference(*skip.parts)
            if not universe:
                return frozenset()
            return bulk.verdicts(patched, catalogue.BROWSE, self.project, patched.issue(key), universe).true
        except bulk.Unsupported:  # Data Center's optional holder types: one account at a time
            found: set[str] = set()
            for account in self.ix.snapshot.accounts:
                if not account.active or account.account_id in skip:
                    continue
                if evaluate_in(self.ix, account, catalogue.BROWSE, None, key).verdict is Verdict.ALLOWED:
                    continue
                if evaluate_in(patched, account, catalogue.BROWSE, None, key).verdict is Verdict.ALLOWED:
                    found.add(account.account_id)
            return frozenset(found)

    def _could_newly_browse(self, combo: tuple[Candidate, ...]) -> frozenset[str]:
        """Active accounts that cannot browse the issue now, and (when the change adds no grant) that could
        with the issue's security level and its status properties gone.

        A change that adds no grant reaches other accounts only through the issue: its security
        level, status properties, assignee or archive state (changes to the fix's own account leave
        the others' answers alone), and none of those can let in anyone the level and properties
        are not keeping out.
        """
        issue = self.ix.issue(self.exp.issue_key or "")
        assert issue is not None
        if self._not_browsing is None:
            active = bulk.active_universe(self.ix) - {ANONYMOUS_ID}
            self._not_browsing = active - bulk.verdicts(self.ix, catalogue.BROWSE, self.project, issue, active).true
        if any(c.change.action == "add_grant" for c in combo):
            return self._not_browsing
        if self._unlocked is None:
            opened = self.ix.with_patch(self._unlocking(issue))
            self._unlocked = bulk.verdicts(opened, catalogue.BROWSE, self.project, opened.issue(issue.key),
                                           self._not_browsing).true
        return self._unlocked

    def _unlocking(self, issue: Issue) -> Patch:
        """The issue without a security level, and its status (and its parent's) without properties."""
        removed: set[tuple[str, str, str]] = set()
        parent = self.ix.issue(issue.parent_key) if issue.parent_key else None
        for one in (issue, parent):
            if one is None:
                continue
            status, workflow, _ = self.ix.status_of(self.project, one)
            if status is not None:
                removed.update((workflow, status.id, k) for k in status.properties)
        return Patch(security_levels=((issue.key, None),), removed_properties=frozenset(removed))


@dataclass(frozen=True, slots=True)
class _Reach:
    """A union of sets of accounts, kept as its largest part and the rest (the largest is not copied)."""

    big: frozenset[str]
    rest: frozenset[str]

    @staticmethod
    def of(parts: Iterable[frozenset[str]]) -> _Reach:
        distinct = list({id(p): p for p in parts}.values())
        if not distinct:
            return _Reach(frozenset(), frozenset())
        big = max(distinct, key=len)
        return _Reach(big, frozenset().union(*(p for p in distinct if p is not big)) - big)

    @property
    def parts(self) -> tuple[frozenset[str], frozenset[str]]:
        return self.big, self.rest

    def __contains__(self, account_id: str) -> bool:
        return account_id in self.big or account_id in self.rest

    def __len__(self) -> int:
        return len(self.big) + len(self.rest)

    def count_in(self, accounts: frozenset[str]) -> int:
        """How many of ``accounts`` are in the union."""
        return len(accounts & self.big) + len(accounts & self.rest)


def _holder_key(change: Change) -> tuple:
    """What a new grant's reach depends on: its scheme and holder (not its permission)."""
    return change.scheme_id, change.holder_type, change.holder_parameter


_SITE_KEYS: weakref.WeakKeyDictionary[Snapshot, list[str]] = weakref.WeakKeyDictionary()


def _site_keys(ix: SiteIndex) -> list[str]:
    """Every project key, in the snapshot's order (how a site-wide blast radius lists them)."""
    found = _SITE_KEYS.get(ix.snapshot)
    if found is None:
        found = _SITE_KEYS[ix.snapshot] = [p.key for p in ix.snapshot.projects]
    return found


_NOT_ACTIVE: weakref.WeakKeyDictionary[Snapshot, tuple[frozenset[str], frozenset[str]]] = weakref.WeakKeyDictionary()


def _not_active(ix: SiteIndex) -> tuple[frozenset[str], frozenset[str]]:
    """Ids of the snapshot's deactivated accounts, and ids that groups and roles name but no account has
    (the anonymous visitor is neither: ``ix.account`` calls it active)."""
    found = _NOT_ACTIVE.get(ix.snapshot)
    if found is None:
        t = ix.t
        inactive = frozenset(a for a, acc in t.accounts.items() if not acc.active)
        named = frozenset().union(*t.groups.values(), *t.role_users.values())
        found = _NOT_ACTIVE[ix.snapshot] = (inactive, named - t.accounts.keys() - {ANONYMOUS_ID})
    return found


def fix_summary(changes: tuple[Change, ...]) -> str:
    """A fix's changes in one sentence."""
    return " and ".join(c.summary[0].lower() + c.summary[1:] if i else c.summary for i, c in enumerate(changes))


def blast_summary(gained: list[tuple[str, str]], others: int, combo: tuple[Candidate, ...], issue_only: bool,
                  exp: Explanation) -> str:
    """The blast radius in words, from its cells (project key, permission key) in listing order."""
    per_project: dict[str, int] = {}
    for key, _ in gained:
        per_project[key] = per_project.get(key, 0) + 1
    admin = [k for k, p in gained if p == catalogue.ADMINISTER_PROJECTS]
    return blast_words(per_project, admin, others, combo, issue_only, exp)


_LISTED = 8  # projects named in a blast radius; the rest are counted (a site-wide fix would list 2,000)


def blast_words(per_project: dict[str, int], admin: list[str], others: int, combo: tuple[Candidate, ...],
                issue_only: bool, exp: Explanation) -> str:
    """The blast radius in words, from how many other permissions it grants per project and where it
    grants Administer Projects."""
    who = exp.account.display_name
    where = f" on {exp.issue_key}" if issue_only else ""
    total = sum(per_project.values())
    if not total:
        text = f"grants {who} nothing else{where}"
    else:
        noun = "permission" if total == 1 else "permissions"
        if issue_only:
            text = f"also gives {who} {total} other {noun} on {exp.issue_key}"
        else:
            ranked = sorted(per_project.items(), key=lambda kv: (-kv[1], kv[0]))
            parts = ", ".join(f"{n} in {key}" for key, n in ranked[:_LISTED])
            if len(ranked) > _LISTED:
                rest = ranked[_LISTED:]
                parts += f" and {sum(n for _, n in rest)} in {len(rest)} more projects"
            text = f"also grants {who} {total} other {noun} ({parts})"
            if admin:
                listed = ", ".join(admin[:_LISTED])
                more = f" and {len(admin) - _LISTED} more projects" if len(admin) > _LISTED else ""
                text += f", including Administer Projects in {listed}{more}"
    if others:
        reach = f"makes {exp.issue_key} visible to" if issue_only and not any(
            c.change.action == "add_grant" for c in combo) else "affects"
        text += f"; {reach} {others} other account{'s' if others != 1 else ''} too"
    return text
