"""What the evaluator returns: a verdict and the proof behind it.

The proof is a list of :class:`Check` objects in Jira's order of evaluation
(rules section 2).  A check may have children (the grants of Browse Projects
under the Browse prerequisite, the members of a security level, the workflow
properties of a status).  ``passed`` is three-valued: True, False, or None when
the snapshot lacks a fact the check needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from explorer.core.model import Account, Fact


class Verdict(str, Enum):
    ALLOWED = "allowed"
    DENIED = "denied"
    UNKNOWN = "cannot_determine"

    @property
    def symbol(self) -> str:
        return {"allowed": "✓", "denied": "✗", "cannot_determine": "?"}[self.value]

    @property
    def words(self) -> str:
        return {"allowed": "allowed", "denied": "denied", "cannot_determine": "cannot determine"}[self.value]

    @property
    def as_bool(self) -> bool | None:
        return {"allowed": True, "denied": False, "cannot_determine": None}[self.value]


class Kind(str, Enum):
    """Reason kinds (the stable contract of ``explain --format json``)."""

    ACCOUNT_INACTIVE = "account_inactive"
    PRODUCT_ACCESS = "product_access"
    PROJECT_KIND = "project_kind"
    TEAM_MANAGED = "team_managed"
    ARCHIVED = "archived"
    GRANT = "grant"
    GLOBAL_PERMISSION = "global_permission"
    BROWSE_REQUIRED = "browse_required"
    ISSUE_SECURITY = "issue_security"
    WORKFLOW_PROPERTY = "workflow_property"
    ISSUE_NOT_EDITABLE = "issue_not_editable"
    UNKNOWN_FACT = "unknown_fact"


KIND_LABELS: dict[Kind, str] = {  # the heading of each kind in a proof
    Kind.ACCOUNT_INACTIVE: "Account",
    Kind.PRODUCT_ACCESS: "Product access",
    Kind.PROJECT_KIND: "Project",
    Kind.TEAM_MANAGED: "Team-managed project",
    Kind.ARCHIVED: "Archive state",
    Kind.GRANT: "Scheme grants",
    Kind.GLOBAL_PERMISSION: "Global permission",
    Kind.BROWSE_REQUIRED: "Browse prerequisite",
    Kind.ISSUE_SECURITY: "Issue security",
    Kind.WORKFLOW_PROPERTY: "Workflow properties",
    Kind.ISSUE_NOT_EDITABLE: "Editable status",
    Kind.UNKNOWN_FACT: "Missing fact",
}


class Match(str, Enum):
    """How a grant (or security-level member, or status property) relates to the account."""

    MATCHED = "matched"
    NOT_MATCHED = "not_matched"
    COULD_MATCH = "could_match"  # project context: reporter/assignee/custom-field holders (decision 4)
    UNKNOWN = "unknown"

    @property
    def as_bool(self) -> bool | None:
        if self in (Match.MATCHED, Match.COULD_MATCH):
            return True
        if self is Match.NOT_MATCHED:
            return False
        return None


@dataclass(frozen=True, slots=True)
class Check:
    """One condition Jira checks, with its outcome and the words for it."""

    kind: Kind
    passed: bool | None
    summary: str
    details: tuple[str, ...] = ()
    children: tuple[Check, ...] = ()
    match: Match | None = None  # for grant-like lines
    grant_id: str | None = None
    holder_type: str | None = None
    holder_parameter: str | None = None
    via: tuple[str, ...] = ()  # the chain that matched, e.g. ("group dev-team", "role Developers in ENG")
    decision: int | None = None  # which binding decision of the rules document applied
    conflict: str | None = None  # where sources conflict, what the other side says
    missing: tuple[Fact, ...] = ()  # facts the snapshot lacks that this check needs
    decisive: bool = False  # this check decided (or blocked) the verdict

    def as_decisive(self) -> Check:
        """This check, marked as one that decided the verdict (a plain copy: cheaper than replace())."""
        return Check(self.kind, self.passed, self.summary, self.details, self.children, self.match, self.grant_id,
                     self.holder_type, self.holder_parameter, self.via, self.decision, self.conflict, self.missing,
                     True)

    @property
    def symbol(self) -> str:
        if self.passed is True:
            return "✓"
        if self.passed is False:
            return "✗"
        return "?"


@dataclass(frozen=True, slots=True)
class Change:
    """One edit of the site configuration that a fix proposes."""

    action: str  # add_to_role | add_to_group | add_grant | reactivate | grant_product | set_security_level
    # | assign_issue | set_reporter | restore_project | restore_issue | remove_status_property
    summary: str
    account_id: str | None = None
    project_key: str | None = None
    role_id: str | None = None
    group: str | None = None
    scheme_id: str | None = None
    permission: str | None = None
    holder_type: str | None = None
    holder_parameter: str | None = None
    issue_key: str | None = None
    level_id: str | None = None  # "" means no security level
    workflow: str | None = None
    status_id: str | None = None
    property_key: str | None = None


@dataclass(frozen=True, slots=True)
class Fix:
    """A smallest set of changes that would allow the permission, with its blast radius."""

    summary: str
    changes: tuple[Change, ...]
    also_grants: tuple[tuple[str, str], ...] = ()  # (project key, permission key) newly allowed besides the target
    other_accounts: int = 0  # how many other accounts the change affects (0 when it touches only this one)
    blast_summary: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Explanation:
    """The answer to "may this account do this here?", with its proof."""

    verdict: Verdict
    account: Account
    permission: str
    project_key: str | None
    issue_key: str | None
    headline: str  # one sentence a careful admin would say
    checks: tuple[Check, ...]
    scheme_name: str | None = None
    fixes: tuple[Fix, ...] = field(default=())
    notes: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool | None:
        return self.verdict.as_bool

    @property
    def decisive_kinds(self) -> frozenset[str]:
        """Kinds of the checks that decided the verdict (for tests and summaries)."""
        return frozenset(c.kind.value for c in self.checks if c.decisive)

    @property
    def missing_facts(self) -> tuple[Fact, ...]:
        seen: dict = {}
        for check in self.checks:
            for fact in _walk_missing(check):
                seen.setdefault(fact.key, fact)
        return tuple(seen.values())


def _walk_missing(check: Check):
    yield from check.missing
    for child in check.children:
        yield from _walk_missing(child)
