"""Some global permissions exist on Data Center only (System Administrators): a Cloud site cannot grant them."""

from __future__ import annotations

from explorer.core.model import Deployment
from explorer.core.replay import catalogue
from explorer.core.replay.checks.base import JiraCheck, Outcome, Question, SetQuestion, step
from explorer.core.replay.explanation import Check, Kind
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.triset import TriSet


def exists_here(ix: SiteIndex, permission: str) -> bool:
    """Does the site's deployment have this global permission at all?"""
    meta = catalogue.GLOBAL_BY_KEY.get(permission)
    return meta is None or meta.cloud or ix.snapshot.site.deployment is not Deployment.CLOUD


class DataCenterOnly(JiraCheck):
    """Stands in for the grants of a permission the site's deployment does not have."""

    def applies(self, q: Question | SetQuestion) -> bool:
        return not exists_here(q.ix, q.permission)

    def explain(self, q: Question) -> Outcome:
        return step(Check(Kind.GLOBAL_PERMISSION, False,
                          f"{q.perm_name} ({q.permission}) is a Data Center permission: Jira Cloud has no such "
                          "permission, so no account of this Cloud site holds it (on Cloud, Administer Jira is the "
                          "nearest)"))

    def accounts(self, q: SetQuestion) -> TriSet:
        return q.scope.none


DATA_CENTER_ONLY = DataCenterOnly()
