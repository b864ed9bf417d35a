"""Does a holder (of a grant, a security level or a workflow property) match an account?

Rules section 3.2 (holder types), 3.3 (project vs issue context) and decisions
3, 4, 7, 8.  Answers are :class:`Match` values with the chain that matched and,
when the snapshot lacks something, the missing fact.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.core.model import Account, AccountType, Fact, Holder, Issue, Project
from explorer.core.replay.explanation import Match
from explorer.core.replay.index import SiteIndex, Tri

# Jira spells holder types differently in schemes, security levels and workflow properties.
CANONICAL_TYPES: dict[str, str] = {
    "anyone": "anyone",
    "applicationrole": "applicationRole",
    "group": "group",
    "projectrole": "projectRole",
    "user": "user",
    "projectlead": "projectLead",
    "lead": "projectLead",
    "reporter": "reporter",
    "assignee": "assignee",
    "usercustomfield": "userCustomField",
    "usercf": "userCustomField",
    "groupcustomfield": "groupCustomField",
    "groupcf": "groupCustomField",
    "sd.customer.portal.only": "sd.customer.portal.only",
    "reportercreate": "reportercreate",
    "reporterwithcreatepermission": "reportercreate",
    "assigneeassignable": "assigneeassignable",
    "assigneewithassignablepermission": "assigneeassignable",
}

KNOWN_TYPES = frozenset(CANONICAL_TYPES.values())


def canonical_type(holder_type: str) -> str | None:
    return CANONICAL_TYPES.get(holder_type.lower())


@dataclass(frozen=True, slots=True)
class HolderMatch:
    match: Match
    label: str  # who the holder is, in words ("role Developers", "Any logged in user")
    reason: str  # why it matched or not
    via: tuple[str, ...] = ()
    missing: tuple[Fact, ...] = ()
    decision: int | None = None


@dataclass(frozen=True, slots=True)
class Context:
    account: Account
    project: Project
    issue: Issue | None
    permission: str


def holder_label(ix: SiteIndex, holder: Holder, project: Project | None = None) -> str:
    """A holder in the words of Jira's admin UI."""
    kind = canonical_type(holder.type)
    p = holder.parameter
    if kind == "anyone":
        return "Public (anyone, logged in or not)"
    if kind == "applicationRole":
        return f"Application access ({ix.product_name(p)})" if p else "Any logged in user"
    if kind == "group":
        return f"group {ix.group_name(holder)}"
    if kind == "projectRole":
        return f"role {ix.role_name(p)}"
    if kind == "user":
        return f"single user {ix.name(p)}"
    if kind == "projectLead":
        return "project lead"
    if kind == "reporter":
        return "Reporter"
    if kind == "assignee":
        return "Current assignee"
    if kind == "userCustomField":
        return f"user custom field {p}"
    if kind == "groupCustomField":
        return f"group custom field {p}"
    if kind == "sd.customer.portal.only":
        return "Service Project Customer - Portal Access"
    if kind == "reportercreate":
        return "Reporter (show only projects with create permission)"
    if kind == "assigneeassignable":
        return "Current assignee (show only projects with assignable permission)"
    return f"unknown holder type {holder.type!r}" + (f" ({p})" if p else "")


def match_holder(ix: SiteIndex, holder: Holder, ctx: Context, _depth: int = 0) -> HolderMatch:
    """Match one holder against the account in a project or issue context."""
    kind = canonical_type(holder.type)
    label = holder_label(ix, holder, ctx.project)
    account = ctx.account
    name = account.display_name
    if kind is None:
        return HolderMatch(
            Match.UNKNOWN, label,
            f"jira-perms does not know the holder type {holder.type!r}, so it cannot tell whether it matches",
            missing=(_unknown_type_fact(holder),), decision=10)
    if kind == "anyone":
        return HolderMatch(Match.MATCHED, label, "everyone matches, logged in or not", via=("Public",))
    if account.is_anonymous:
        return HolderMatch(Match.NOT_MATCHED, label, "a logged-out visitor matches only Public grants")
    if kind == "applicationRole":
        return _application_role(ix, holder, account, label)
    if kind == "group":
        group = ix.group_name(holder) or ""
        member, missing = ix.in_group(account.account_id, group)
        if member:
            return HolderMatch(Match.MATCHED, label, f"{name} is a member of group {group}", via=(f"group {group}",))
        if member is None:
            return HolderMatch(Match.UNKNOWN, label, f"the members of group {group} are not fully known",
                               missing=_facts(missing))
        if not ix.group_exists(group):
            return HolderMatch(Match.NOT_MATCHED, label, f"group {group} does not exist on the site")
        return HolderMatch(Match.NOT_MATCHED, label, f"{name} is not a member of group {group} (groups are flat: decision 8)",
                           decision=8)
    if kind == "projectRole":
        return _project_role(ix, holder.parameter or holder.value or "", ctx, label)
    if kind == "user":
        target = holder.parameter or holder.value
        if target == account.account_id:
            return HolderMatch(Match.MATCHED, label, f"the grant names {name} directly", via=("named directly",))
        return HolderMatch(Match.NOT_MATCHED, label, f"the grant names {ix.name(target)}, not {name}")
    if kind == "projectLead":
        lead = ctx.project.lead
        if lead == account.account_id:
            return HolderMatch(Match.MATCHED, label, f"{name} leads {ctx.project.key}", via=(f"lead of {ctx.project.key}",))
        return HolderMatch(Match.NOT_MATCHED, label, f"{ctx.project.key} is led by {ix.name(lead)}")
    if kind in ("reporter", "assignee"):
        return _issue_person(ix, kind, ctx, label)
    if kind == "userCustomField":
        return _user_field(ix, holder.parameter or "", ctx, label)
    if kind == "groupCustomField":
        return _group_field(ix, holder.parameter or "", ctx, label)
    if kind == "sd.customer.portal.only":
        return _portal_customer(ix, ctx, label)
    if kind in ("reportercreate", "assigneeassignable"):
        return _dc_optional(ix, kind, ctx, label, _depth)
    raise AssertionError(kind)  # pragma: no cover - every canonical type is handled above


def _facts(*facts: Fact | None) -> tuple[Fact, ...]:
    return tuple(f for f in facts if f is not None)


def _unknown_type_fact(holder: Holder) -> Fact:
    from explorer.core.model import FactKind, Status

    detail = f"holder type {holder.type!r}" + (f" with parameter {holder.parameter!r}" if holder.parameter else "")
    return Fact(FactKind.PERMISSION_SCHEME, None, Status.UNSUPPORTED, "", f"unknown {detail}")


def _application_role(ix: SiteIndex, holder: Holder, account: Account, label: str) -> HolderMatch:
    name = account.display_name
    product = holder.parameter or None
    if product is None:
        if account.account_type is AccountType.CUSTOMER:
            return HolderMatch(Match.NOT_MATCHED, label,
                               f"{name} is a portal-only customer, not a logged-in Jira user (decision 3)", decision=3)
        return HolderMatch(Match.MATCHED, label, f"{name} is a logged-in site account (decision 3)",
                           via=("any logged in user",), decision=3)
    has, group, missing = ix.product_access(account.account_id, product)
    product_name = ix.product_name(product)
    if has:
        return HolderMatch(Match.MATCHED, label, f"{name} has {product_name} access via group {group}",
                           via=(f"group {group}", f"{product_name} access"))
    if has is None:
        return HolderMatch(Match.UNKNOWN, label, f"whether {name} has {product_name} access is not known",
                           missing=_facts(missing))
    return HolderMatch(Match.NOT_MATCHED, label, f"{name} has no {product_name} access")


def _project_role(ix: SiteIndex, role_id: str, ctx: Context, label: str) -> HolderMatch:
    actor, via, missing = ix.role_actor(ctx.project, role_id, ctx.account.account_id)
    role = ix.role_name(role_id)
    name = ctx.account.display_name
    if actor:
        how = "via " + ", ".join(via) if len(via) > 1 else via[0] if via else ""
        return HolderMatch(Match.MATCHED, label, f"{name} is {how}" if len(via) == 1 else f"{name} matches {how}",
                           via=via)
    if actor is None:
        return HolderMatch(Match.UNKNOWN, label, f"the actors of role {role} in {ctx.project.key} are not fully known",
                           missing=_facts(missing))
    return HolderMatch(Match.NOT_MATCHED, label,
                       f"{name} is not an actor of role {role} in {ctx.project.key}, neither directly nor through a group")


def _issue_person(ix: SiteIndex, kind: str, ctx: Context, label: str) -> HolderMatch:
    name = ctx.account.display_name
    word = "reporter" if kind == "reporter" else "assignee"
    if ctx.issue is None:
        return HolderMatch(Match.COULD_MATCH, label,
                           f"in a project (no issue) any logged-in account could be the {word} of some issue (decision 4)",
                           via=(f"could be the {word}",), decision=4)
    person = ctx.issue.reporter if kind == "reporter" else ctx.issue.assignee
    if person is None:
        return HolderMatch(Match.NOT_MATCHED, label, f"{ctx.issue.key} has no {word}")
    if person == ctx.account.account_id:
        return HolderMatch(Match.MATCHED, label, f"{name} is the {word} of {ctx.issue.key}",
                           via=(f"{word} of {ctx.issue.key}",))
    return HolderMatch(Match.NOT_MATCHED, label, f"the {word} of {ctx.issue.key} is {ix.name(person)}")


def _field_context_free(label: str, field: str) -> HolderMatch:
    return HolderMatch(Match.COULD_MATCH, label,
                       f"in a project (no issue) any logged-in account could be in {field} of some issue (decision 4)",
                       via=(f"could be in {field}",), decision=4)


def _missing_issue_field(ctx: Context, field: str) -> Fact:
    from explorer.core.model import FactKind, Status

    assert ctx.issue is not None
    return Fact(FactKind.ISSUE, ctx.issue.key, Status.NOT_FETCHED, f"GET /rest/api/3/issue/{ctx.issue.key}",
                f"custom field {field} was not captured")


def _user_field(ix: SiteIndex, field: str, ctx: Context, label: str) -> HolderMatch:
    if ctx.issue is None:
        return _field_context_free(label, field)
    values = ctx.issue.user_fields.get(field)
    if values is None:
        return HolderMatch(Match.UNKNOWN, label, f"the snapshot does not hold {field} of {ctx.issue.key}",
                           missing=(_missing_issue_field(ctx, field),))
    if ctx.account.account_id in values:
        return HolderMatch(Match.MATCHED, label, f"{ctx.account.display_name} is in {field} of {ctx.issue.key}",
                           via=(f"{field} of {ctx.issue.key}",))
    shown = ", ".join(ix.name(v) for v in values) or "empty"
    return HolderMatch(Match.NOT_MATCHED, label, f"{field} of {ctx.issue.key} holds {shown}")


def _group_field(ix: SiteIndex, field: str, ctx: Context, label: str) -> HolderMatch:
    if ctx.issue is None:
        return _field_context_free(label, field)
    values = ctx.issue.group_fields.get(field)
    if values is None:
        return HolderMatch(Match.UNKNOWN, label, f"the snapshot does not hold {field} of {ctx.issue.key}",
                           missing=(_missing_issue_field(ctx, field),))
    unknown: list[Fact] = []
    for group in values:
        member, missing = ix.in_group(ctx.account.account_id, group)
        if member:
            return HolderMatch(Match.MATCHED, label,
                               f"{ctx.account.display_name} is in group {group}, the value of {field} of {ctx.issue.key}",
                               via=(f"group {group}", f"{field} of {ctx.issue.key}"))
        if member is None and missing is not None:
            unknown.append(missing)
    if unknown:
        return HolderMatch(Match.UNKNOWN, label, f"membership of the groups in {field} is not fully known",
                           missing=tuple(unknown))
    shown = ", ".join(values) or "empty"
    return HolderMatch(Match.NOT_MATCHED, label,
                       f"{ctx.account.display_name} is in none of the groups in {field} of {ctx.issue.key} ({shown})")


def _portal_customer(ix: SiteIndex, ctx: Context, label: str) -> HolderMatch:
    project = ctx.project
    role_id = project.customer_role_id
    if role_id is None:
        return HolderMatch(Match.NOT_MATCHED, label,
                           f"{project.key} has no customer role, so nobody is a portal customer of it (decision 7)",
                           decision=7)
    actor, via, missing = ix.role_actor(project, role_id, ctx.account.account_id)
    role = ix.role_name(role_id)
    if actor:
        return HolderMatch(Match.MATCHED, label,
                           f"{ctx.account.display_name} is a customer of {project.key} (role {role}) (decision 7)",
                           via=(*via[:-1], f"a customer of {project.key} (role {role})"), decision=7)
    if actor is None:
        return HolderMatch(Match.UNKNOWN, label, f"the customers of {project.key} are not fully known",
                           missing=_facts(missing), decision=7)
    return HolderMatch(Match.NOT_MATCHED, label,
                       f"{ctx.account.display_name} is not a customer of {project.key} (not in role {role}) (decision 7)",
                       decision=7)


def _dc_optional(ix: SiteIndex, kind: str, ctx: Context, label: str, depth: int) -> HolderMatch:
    """Data Center's optional types: Reporter/assignee with create/assignable permission (rules 3.2)."""
    needed = "CREATE_ISSUES" if kind == "reportercreate" else "ASSIGNABLE_USER"
    word = "reporter" if kind == "reportercreate" else "assignee"
    if ctx.permission == needed or depth > 1:
        return HolderMatch(Match.UNKNOWN, label, f"{label} is invalid on {needed} (it would loop)",
                           missing=(_unknown_type_fact(Holder(kind)),))
    if ctx.issue is not None:
        return _issue_person(ix, "reporter" if word == "reporter" else "assignee", ctx, label)
    has, missing = grants_match(ix, ctx, needed, depth + 1)
    if has:
        return HolderMatch(Match.MATCHED, label, f"{ctx.account.display_name} has {needed} in {ctx.project.key}",
                           via=(f"{needed} in {ctx.project.key}",))
    if has is None:
        return HolderMatch(Match.UNKNOWN, label, f"whether {ctx.account.display_name} has {needed} is not known",
                           missing=missing)
    return HolderMatch(Match.NOT_MATCHED, label, f"{ctx.account.display_name} lacks {needed} in {ctx.project.key}")


def grants_match(ix: SiteIndex, ctx: Context, permission: str, depth: int = 0) -> tuple[Tri, tuple[Fact, ...]]:
    """Whether any grant of ``permission`` matches (used by Data Center's optional holder types)."""
    scheme, missing = ix.scheme(ctx.project)
    if scheme is None:
        return None, (missing,) if missing else ()
    facts: list[Fact] = []
    result: Tri = False
    for grant in ix.grants(scheme, permission):
        m = match_holder(ix, grant.holder, Context(ctx.account, ctx.project, ctx.issue, permission), depth)
        if m.match.as_bool:
            return True, ()
        if m.match is Match.UNKNOWN:
            result = None
            facts.extend(m.missing)
    return result, tuple(facts)
