"""What a check of the replay is: one step of Jira's permission check, per account and as account sets.

Each :class:`JiraCheck` holds both halves of its rule side by side, so they cannot
drift: :meth:`~JiraCheck.explain` answers for one account with the words of the
proof (an :class:`Outcome`), :meth:`~JiraCheck.accounts` answers for every account
of a :class:`~explorer.core.replay.scope.Scope` at once (a
:class:`~explorer.core.replay.triset.TriSet`).  The evaluator and the set
evaluator walk the same ordered list of checks (:mod:`explorer.core.replay.checks`)
and AND the results with Kleene logic.
"""

from __future__ import annotations

from collections.abc import Hashable

from explorer.core.model import Account, Holder, Issue, Project
from explorer.core.replay import catalogue
from explorer.core.replay.catalogue import ProjectPermission
from explorer.core.replay.explanation import Check, Kind, Match
from explorer.core.replay.holders import Context, HolderMatch
from explorer.core.replay.index import SiteIndex, Tri
from explorer.core.replay.rules import permission_meta, team_path
from explorer.core.replay.scope import Scope
from explorer.core.replay.triset import TriSet


class Question:
    """One account asked about one permission in a project or on an issue (the per-account side)."""

    __slots__ = ("ix", "account", "permission", "meta", "project", "issue", "team", "ctx", "name", "perm_name",
                 "where")

    def __init__(self, ix: SiteIndex, account: Account, permission: str, project: Project | None,
                 issue: Issue | None):
        self.ix = ix
        self.account = account
        self.permission = permission
        self.meta = permission_meta(permission)
        self.project = project
        self.issue = issue
        self.team = project is not None and team_path(project)
        self.ctx = Context(account, project, issue, permission) if project is not None else None
        self.name = account.display_name
        self.perm_name = catalogue.display_name(permission)
        self.where = f"issue {issue.key}" if issue else f"project {project.key}" if project else ""


class SetQuestion:
    """Every account of a scope asked about one permission (the set side)."""

    __slots__ = ("scope", "ix", "permission", "meta", "project", "issue", "team")

    def __init__(self, scope: Scope, permission: str, meta: ProjectPermission):
        self.scope = scope
        self.ix = scope.ix
        self.permission = permission
        self.meta = meta
        self.project = scope.project
        self.issue = scope.issue
        self.team = team_path(scope.project)


class Outcome:
    """What a check found for one account: its lines of the proof and their three-valued result.

    ``alternatives`` marks checks whose lines are ORed (the grants of a scheme): each
    line is then marked as deciding on its own; otherwise the check decides as a whole.
    """

    __slots__ = ("checks", "result", "alternatives")

    def __init__(self, checks: tuple[Check, ...], result: Tri, alternatives: bool = False):
        self.checks = checks
        self.result = result
        self.alternatives = alternatives


def step(check: Check) -> Outcome:
    """A check that decides as a whole, with its own outcome."""
    return Outcome((check,), check.passed)


class JiraCheck:
    """One step of Jira's permission check (rules section 2)."""

    def applies(self, q: Question | SetQuestion) -> bool:
        """Does Jira take this step for this permission, project and issue?  (Never depends on the account.)"""
        return True

    def explain(self, q: Question) -> Outcome:
        """The step for one account, with its proof."""
        raise NotImplementedError

    def accounts(self, q: SetQuestion) -> TriSet:
        """The step for every account of the scope's universe: where it passes, where it is unknown."""
        raise NotImplementedError

    def shared(self, q: SetQuestion) -> Hashable | None:
        """A key when the set is the same for every permission of the scope (then computed once), else None."""
        return None


def holder_line(kind: Kind, m: HolderMatch, holder: Holder, grant_id: str | None = None, prefix: str = "") -> Check:
    """One line of a proof for a holder (a grant, a security-level member, a status property)."""
    state = _STATE[m.match]
    return Check(
        kind=kind,
        passed=m.match.as_bool,
        summary=f"{prefix}{m.label} {state}: {m.reason}",
        match=m.match,
        grant_id=grant_id,
        holder_type=holder.type,
        holder_parameter=holder.parameter,
        via=m.via,
        decision=m.decision,
        missing=m.missing,
    )


_STATE = {Match.MATCHED: "matches", Match.COULD_MATCH: "could match", Match.NOT_MATCHED: "does not match",
          Match.UNKNOWN: "may or may not match"}
