"""The order fixes are offered in: sensible advice first, fewest changes, smallest blast radius."""

from __future__ import annotations

from explorer.core.model import Project
from explorer.core.replay.explanation import Change, Explanation
from explorer.core.replay.fixes.candidates import ACTION_RANK
from explorer.core.replay.index import SiteIndex

APP_ROLE_NAME = "atlassian-addons-project-access"


def odd(ix: SiteIndex, exp: Explanation, project: Project, changes: tuple[Change, ...]) -> bool:
    """A fix that puts an account in a role meant for another kind of account (apps, portal customers).

    Jira adds app users to atlassian-addons-project-access, and the customer role holds
    portal customers: suggesting either for a person or a service account is poor advice,
    so such fixes come last (they stay listed: they do work).
    """
    account_type = exp.account.account_type.value
    for change in changes:
        if change.action != "add_to_role":
            continue
        if ix.role_name(change.role_id) == APP_ROLE_NAME and account_type != "app":
            return True
        if change.role_id == project.customer_role_id and account_type != "customer":
            return True
    return False


def rank_key(ix: SiteIndex, exp: Explanation, project: Project, changes: tuple[Change, ...], blast_size: int,
             summary: str) -> tuple:
    """Sort key: odd advice last, then fewer changes, smaller blast radius (cells granted to the account
    besides the target, plus other accounts reached), cheaper kind of change, wording."""
    return (odd(ix, exp, project, changes), len(changes), blast_size,
            min(ACTION_RANK.get(c.action, 99) for c in changes), summary)
