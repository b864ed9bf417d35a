"""Does a holder (of a grant, a security level or a workflow property) match an account, or which accounts?

Rules section 3.2 (holder types), 3.3 (project vs issue context) and decisions
3, 4, 7, 8.  One module per holder type (or small family), each holding the
per-account rule and its set version side by side (:mod:`.base` says how); this
table registers them.  Adding a holder type: write its module, add it here.
"""

from __future__ import annotations

from explorer.core.replay.holders.application_role import APPLICATION_ROLE
from explorer.core.replay.holders.base import (
    CANONICAL_TYPES,
    Context,
    HolderMatch,
    HolderType,
    accounts_matching,
    canonical_type,
    grants_match,
    holder_label,
    holder_type,
    match_holder,
    register,
    via_label,
)
from explorer.core.replay.holders.custom_field import GROUP_FIELD, USER_FIELD
from explorer.core.replay.holders.dc_optional import ASSIGNEE_ASSIGNABLE, REPORTER_CREATE
from explorer.core.replay.holders.group import GROUP
from explorer.core.replay.holders.issue_person import ASSIGNEE, REPORTER
from explorer.core.replay.holders.portal_customer import PORTAL_CUSTOMER
from explorer.core.replay.holders.project_lead import PROJECT_LEAD
from explorer.core.replay.holders.project_role import PROJECT_ROLE
from explorer.core.replay.holders.public import PUBLIC
from explorer.core.replay.holders.user import USER

HOLDER_TYPES: tuple[HolderType, ...] = (
    PUBLIC, APPLICATION_ROLE, GROUP, PROJECT_ROLE, USER, PROJECT_LEAD, REPORTER, ASSIGNEE, USER_FIELD, GROUP_FIELD,
    PORTAL_CUSTOMER, REPORTER_CREATE, ASSIGNEE_ASSIGNABLE,
)
register(*HOLDER_TYPES)

__all__ = [
    "CANONICAL_TYPES", "HOLDER_TYPES", "Context", "HolderMatch", "HolderType", "accounts_matching",
    "canonical_type", "grants_match", "holder_label", "holder_type", "match_holder", "via_label",
]
