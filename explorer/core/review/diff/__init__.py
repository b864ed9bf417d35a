"""What changed between two snapshots of a site, and what that changes for people (``jira-perms diff``).

Two parts:

* **structural changes**, in the words of Jira's admin screens: grants added or
  removed per permission scheme, role actors and group members added or
  removed, projects added, removed, archived or restored, scheme assignments
  switched, products, global permissions, security levels, workflow properties,
  issues and completeness;
* **effects**: which accounts gained or lost which permissions in which
  projects (and globally, and on the issues both snapshots hold), computed by
  replaying the evaluator on both snapshots.

Only what can have changed is replayed.  A project whose configuration (its
fields, scheme, security scheme, workflows and facts) and the site-wide context
(groups that exist, products, global grants, site-wide facts) are unchanged can
change an account's verdict only if that account's *signature* changed: its
state, its memberships of the groups the project's configuration names, whether
the configuration names it directly, and its global-permission record.  Accounts
with the same pair of signatures get the same verdicts, so one of them is
evaluated for all (``tests/test_diff.py`` checks the result against a brute-force
replay on generated pairs of sites).

Widening changes (a new Public or "any logged-in user" grant, a new grant of
Administer Projects or of a global admin permission, a team-managed project
opened to everyone, anyone newly gaining admin rights, the anonymous visitor
gaining anything) are flagged so they can be shown first.  Pure: no I/O.
"""

from __future__ import annotations

from explorer.core.model import Account, Snapshot
from explorer.core.review.diff.cautions import cautions
from explorer.core.review.diff.effects import Effects, Relevance, VerdictInputs, drop_issue_echoes
from explorer.core.review.diff.model import (
    ADMIN_GLOBALS,
    GLOBAL_PERMISSION_KEYS,
    PROJECT_PERMISSION_KEYS,
    ConfigChange,
    Effect,
    SnapshotDiff,
)
from explorer.core.review.diff.structure import structural_changes

__all__ = [
    "ADMIN_GLOBALS", "GLOBAL_PERMISSION_KEYS", "PROJECT_PERMISSION_KEYS", "ConfigChange", "Effect", "Relevance",
    "SnapshotDiff", "VerdictInputs", "diff_snapshots", "drop_issue_echoes",
]


def diff_snapshots(old: Snapshot, new: Snapshot, *, account: Account | None = None) -> SnapshotDiff:
    """The structural changes and their effects from ``old`` to ``new`` (optionally for one account)."""
    changes = structural_changes(old, new)
    if account is not None:
        aid = account.account_id
        personal = {"group_member", "role_actor", "account", "account_global"}
        changes = tuple(c for c in changes if c.area not in personal or c.account_id in (None, aid))
    effects_builder = Effects(old, new, account.account_id if account is not None else None)
    effects = drop_issue_echoes(list(effects_builder.run()))
    effects.sort(key=lambda e: (not e.widening, e.account_name.lower(), e.account_id, e.project_key or "",
                                e.issue_key or "", e.permission))
    changes = tuple(sorted(changes, key=lambda c: not c.widening))  # stable: widening first, order kept otherwise
    return SnapshotDiff(
        old.site.url, new.site.url, old.provenance.taken_at, new.provenance.taken_at, changes, tuple(effects),
        account, effects_builder.evaluations, cautions(old, new),
    )
