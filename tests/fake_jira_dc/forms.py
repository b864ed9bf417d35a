"""The hand-supplied facts form that describes a DC site's truth (what an admin would type from the admin pages)."""

from __future__ import annotations

from explorer.core.model import Holder, Snapshot

_WORDS = {"projectRole": "role", "applicationRole": "application", "userCustomField": "user-field",
          "groupCustomField": "group-field", "projectLead": "lead"}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _member(site: Snapshot, holder: Holder) -> str:
    if holder.type == "group" and not holder.parameter:
        return "anyone"
    if holder.type == "anyone":
        return "anyone"
    if holder.type == "applicationRole" and not holder.parameter:
        return "logged-in"
    if holder.type == "user":
        account = next(a for a in site.accounts if a.account_id == holder.parameter)
        return f"user:{account.username}"
    if holder.type == "projectRole":
        return f"role:{next(r.name for r in site.roles if r.id == holder.parameter)}"
    word = _WORDS.get(holder.type, holder.type)
    return f"{word}:{holder.parameter}" if holder.parameter else word


def form_for(site: Snapshot, *, url: str | None = None) -> str:
    """TOML supplying the truth's global permissions, group nesting, security level members and status properties."""
    lines = [f"site = {_quote(url or site.site.url)}", "", "[global_permissions]"]
    held: dict[str, list[str]] = {}
    for grant in site.global_grants:
        held.setdefault(grant.permission, []).append("Anyone" if grant.group is None else grant.group)
    for key in ("ADMINISTER", "SYSTEM_ADMIN", "USER_PICKER", "CREATE_SHARED_OBJECTS",
                "MANAGE_GROUP_FILTER_SUBSCRIPTIONS", "BULK_CHANGE", "BROWSE_ARCHIVE"):
        lines.append(f"{key} = [{', '.join(_quote(g) for g in held.get(key, []))}]")
    lines += ["", "[group_nesting]"]
    for group in site.groups:
        if group.subgroups:
            lines.append(f"{_quote(group.name)} = [{', '.join(_quote(g) for g in group.subgroups)}]")
    for scheme in site.issue_security_schemes:
        lines += ["", f"[issue_security.{_quote(scheme.name)}]"]
        for level in scheme.levels:
            lines.append(f"{_quote(level.name)} = [{', '.join(_quote(_member(site, m)) for m in level.members)}]")
    for workflow in site.workflows:
        lines += ["", f"[workflows.{_quote(workflow.name)}]"]
        for status in workflow.statuses:
            if status.properties:
                props = ", ".join(f"{_quote(k)} = {_quote(v)}" for k, v in status.properties.items())
                lines.append(f"{_quote(status.name)} = {{ {props} }}")
    return "\n".join(lines) + "\n"
