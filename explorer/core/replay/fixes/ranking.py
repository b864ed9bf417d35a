"""The order fixes are offered in: sensible advice first, fewest changes, smallest blast radius."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

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


T = TypeVar("T")


def smallest(items: list[T], key: Callable[[T], tuple], settle: Callable[[T], T], limit: int) -> list[T]:
    """The ``limit`` items with the smallest keys, in order (ties in list order), as a full sort would give.

    ``key`` of an unsettled item may be lower than its settled key, never higher; ``settle`` makes it
    exact.  Items are settled in order of their lower keys, and no more once the next lower key is
    beyond the ``limit``-th settled one: those could not be among the first.
    """
    order = sorted(range(len(items)), key=lambda i: key(items[i]))
    settled: list[tuple[tuple, int, T]] = []
    for i in order:
        if len(settled) >= limit:
            settled.sort(key=lambda e: (e[0], e[1]))
            if key(items[i]) > settled[limit - 1][0]:
                break
        item = settle(items[i])
        settled.append((key(item), i, item))
    settled.sort(key=lambda e: (e[0], e[1]))
    return [item for _, _, item in settled[:limit]]
