"""The checks of the replay, one module each, in Jira's order (rules section 2).

The per-account evaluator (:mod:`~explorer.core.replay.evaluator`) and the set
evaluator (:mod:`~explorer.core.replay.bulk`) walk these lists; each check says
whether it applies to the question (:meth:`~.base.JiraCheck.applies`).  Adding a
check: write its module (both halves, see :mod:`.base`), put it in its place here.
"""

from __future__ import annotations

from explorer.core.replay.checks.account import ACCOUNT_ACTIVE, GLOBAL_ACCOUNT_ACTIVE
from explorer.core.replay.checks.archived import ARCHIVED
from explorer.core.replay.checks.base import JiraCheck, Outcome, Question, SetQuestion
from explorer.core.replay.checks.browse import BROWSE_REQUIRED
from explorer.core.replay.checks.deployment import DATA_CENTER_ONLY
from explorer.core.replay.checks.editable import EDITABLE
from explorer.core.replay.checks.global_permission import GLOBAL_GRANT
from explorer.core.replay.checks.issue_security import ISSUE_SECURITY
from explorer.core.replay.checks.product_access import PRODUCT_ACCESS
from explorer.core.replay.checks.project_kind import PROJECT_KIND
from explorer.core.replay.checks.scheme_grants import SCHEME_GRANTS
from explorer.core.replay.checks.team_managed import TEAM_KIND, TEAM_ROLES
from explorer.core.replay.checks.workflow import WORKFLOW_PROPERTIES

PROJECT_CHECKS: tuple[JiraCheck, ...] = (
    ACCOUNT_ACTIVE,  # A
    PRODUCT_ACCESS,  # B
    PROJECT_KIND,  # C (company-managed, or team-managed with a scheme)
    TEAM_KIND,  # C' (team-managed: its roles decide)
    ARCHIVED,  # H
    SCHEME_GRANTS,  # D, with the Jira-admin rule
    TEAM_ROLES,  # D for C'
    BROWSE_REQUIRED,  # E
    ISSUE_SECURITY,  # F
    WORKFLOW_PROPERTIES,  # G
    EDITABLE,  # G: jira.issue.editable
)

GLOBAL_CHECKS: tuple[JiraCheck, ...] = (GLOBAL_ACCOUNT_ACTIVE, DATA_CENTER_ONLY, GLOBAL_GRANT)

__all__ = ["GLOBAL_CHECKS", "PROJECT_CHECKS", "JiraCheck", "Outcome", "Question", "SetQuestion"]
