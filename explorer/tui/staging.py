"""What-if in the TUI: changes staged against one snapshot, and what ``+`` / ``-`` stage from a node of the tree.

No Textual here.  A :class:`Staging` keeps the changes in the order they were staged and the copy of the
snapshot they make (:func:`explorer.core.whatif.apply.apply_changes`, computed once per set of changes); every
screen then answers from that copy (the app's ``view``).  Staging the opposite of a staged change takes the
staged one back instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from explorer.core.model import Account, Grant, Group, Holder, Project, Snapshot
from explorer.core.replay import catalogue
from explorer.core.replay.cache import index_for
from explorer.core.replay.holders import canonical_type, holder_label
from explorer.core.whatif.apply import Applied, apply_changes
from explorer.core.whatif.changes import Change
from explorer.core.whatif.kinds import Kind
from explorer.core.whatif.language import holder_key, holder_text, id_text, parse_change, project_roles
from explorer.tui.catalog import Item, account_label
from explorer.tui.choices import Choice

_OPPOSITE = {Kind.ADD_GRANT: Kind.REMOVE_GRANT, Kind.REMOVE_GRANT: Kind.ADD_GRANT,
             Kind.ADD_TO_ROLE: Kind.REMOVE_FROM_ROLE, Kind.REMOVE_FROM_ROLE: Kind.ADD_TO_ROLE,
             Kind.ADD_TO_GROUP: Kind.REMOVE_FROM_GROUP, Kind.REMOVE_FROM_GROUP: Kind.ADD_TO_GROUP}


def _target(snapshot: Snapshot, change: Change) -> tuple:
    """What a change is about, whichever way it goes."""
    holder = holder_key(snapshot, change.holder) if change.holder is not None else None
    return (change.scheme_id, change.permission, holder, change.project_key, change.role_id, change.account_id,
            change.group, change.product)


@dataclass
class Staging:
    """Changes staged against ``base`` (the snapshot as read), in order."""

    base: Snapshot
    changes: list[Change] = field(default_factory=list)
    _applied: Applied | None = None

    def stage(self, change: Change) -> str:
        """Stage a change (or take back its opposite); returns what happened, in words."""
        target = _target(self.base, change)
        for n, staged in enumerate(self.changes):
            if _target(self.base, staged) != target:
                continue
            if staged.kind is change.kind:
                return f"Already staged: {change.summary}"
            if _OPPOSITE.get(staged.kind) is change.kind:
                del self.changes[n]
                self._applied = None
                return f"Taken back: {staged.summary}"
        self.changes.append(change)
        self._applied = None
        return f"Staged: {change.summary}"

    def unstage(self, index: int) -> Change | None:
        if 0 <= index < len(self.changes):
            self._applied = None
            return self.changes.pop(index)
        return None

    def clear(self) -> None:
        self.changes.clear()
        self._applied = None

    @property
    def applied(self) -> Applied:
        if self._applied is None:
            self._applied = apply_changes(self.base, tuple(self.changes))
            if self._applied.changed:  # the copy's index, derived from the original's in proportion to the change
                index_for(self._applied.after, copy_of=self.base)
        return self._applied

    @property
    def after(self) -> Snapshot:
        return self.applied.after if self.changes else self.base


# ---------------------------------------------------------------- what + and - mean on a node


@dataclass(frozen=True)
class Pick:
    """``+`` asks for something first: a picker of these choices, then the change the picked value makes."""

    title: str
    choices: list[Choice]
    make: Callable[[str], tuple[Kind, str]]


NOT_HERE = ("Stage a what-if change from the tree: - on a scheme grant, a role actor or a group member removes "
            "it; + on a permission of a scheme, a role or a group adds to it.")


def removal(item: Item, view: Snapshot) -> tuple[Kind, str] | str:
    """The change ``-`` stages on a node (kind, text in the change language), or why there is none."""
    if item.kind == "grant" and isinstance(item.ref, Grant):
        scheme = next((s for s in view.permission_schemes if any(g is item.ref for g in s.grants)), None)
        if scheme is None:
            return "This grant's scheme is not in the snapshot."
        return Kind.REMOVE_GRANT, f"{scheme.id}: {item.ref.permission} -> {holder_text(view, item.ref.holder)}"
    if item.kind == "actor" and len(item.key) >= 3 and item.ctx.project:
        role_id, kind, who = item.key[-3], item.key[-2], item.key[-1]
        actor = f"user {who}" if kind == "u" else f"group {who}"
        return Kind.REMOVE_FROM_ROLE, f"{item.ctx.project}: {role_id} -= {actor}"
    if item.kind == "account" and isinstance(item.ref, Account) and len(item.key) >= 3 and item.key[-3] == "groups":
        group = view.groups[item.key[-2]] if isinstance(item.key[-2], int) and item.key[-2] < len(view.groups) else None
        if group is not None:
            return Kind.REMOVE_FROM_GROUP, f"{group.name} -= {item.ref.account_id}"
    return NOT_HERE


def addition(item: Item, view: Snapshot) -> Pick | str:
    """What ``+`` asks for on a node, or why it stages nothing there."""
    if item.kind == "group" and isinstance(item.ref, Group):
        group = item.ref
        members = set(group.members)
        choices = [c for c in _accounts(view) if c.value not in members]
        return Pick(f"Add to group {group.name} (what-if): which account?", choices,
                    lambda aid: (Kind.ADD_TO_GROUP, f"{group.name} += {aid}"))
    if item.kind == "role" and isinstance(item.ref, tuple) and isinstance(item.ref[0], Project):
        project, role_id = item.ref
        name = next((n for rid, n in project_roles(view, project) if rid == role_id), role_id)
        choices = [Choice(f"group {g.name}", f"group {g.name}  ({len(g.members)} members)", f"group {g.name}".lower())
                   for g in sorted(view.groups, key=lambda g: g.name.lower())]
        choices += [Choice(f"user {c.value}", c.label, c.search) for c in _accounts(view)]
        return Pick(f"Add to role {name} in {project.key} (what-if): which user or group?", choices,
                    lambda actor: (Kind.ADD_TO_ROLE, f"{project.key}: {role_id} += {actor}"))
    if item.kind == "perm-grants" and item.ctx.permission:
        scheme_id = _scheme_of(item, view)
        if scheme_id is None:
            return "This permission's scheme is not in the snapshot."
        permission = item.ctx.permission
        scheme = next(s for s in view.permission_schemes if s.id == scheme_id)
        return Pick(f"Grant {catalogue.display_name(permission)} in '{scheme.name}' (what-if): to whom?",
                    holder_choices(view), lambda holder: (Kind.ADD_GRANT, f"{scheme_id}: {permission} -> {holder}"))
    return NOT_HERE


def _scheme_of(item: Item, view: Snapshot) -> str | None:
    key = item.key
    if "pschemes" in key:
        return key[key.index("pschemes") + 1]
    project = next((p for p in view.projects if p.key == item.ctx.project), None)
    return project.permission_scheme_id if project is not None else None


def _accounts(view: Snapshot) -> list[Choice]:
    return [Choice(a.account_id, f"{account_label(a)}  <{a.email or a.account_id}>",
                   f"{a.display_name} {a.email or ''} {a.account_id}".lower())
            for a in sorted(view.accounts, key=lambda a: a.display_name.lower())]


def holder_choices(view: Snapshot) -> list[Choice]:
    """Every holder a grant can name on this site, in the change language (value) and in Jira's words (label)."""
    ix = index_for(view)
    simple = [Holder("anyone"), Holder("applicationRole"), Holder("reporter"), Holder("assignee"),
              Holder("projectLead"), Holder("sd.customer.portal.only")]
    simple += [Holder("applicationRole", r.key) for r in view.application_roles]
    fields = sorted({(g.holder.type, g.holder.parameter) for s in view.permission_schemes for g in s.grants
                     if g.holder.type in ("userCustomField", "groupCustomField") and g.holder.parameter})
    simple += [Holder(kind, parameter) for kind, parameter in fields]
    out = [Choice(holder_text(view, h), holder_label(ix, h), f"{holder_label(ix, h)} {holder_text(view, h)}".lower())
           for h in simple]
    out += [Choice(f"group {g.name}", f"group {g.name}  ({len(g.members)} members)", f"group {g.name}".lower())
            for g in sorted(view.groups, key=lambda g: g.name.lower())]
    out += [Choice(f"role {rid}", f"role {name}", f"role {name}".lower()) for rid, name in project_roles(view, None)]
    out += [Choice(f"user {a.account_id}", f"single user {account_label(a)}  <{a.email or a.account_id}>",
                   f"user {a.display_name} {a.email or ''} {a.account_id}".lower())
            for a in sorted(view.accounts, key=lambda a: a.display_name.lower())]
    return out


def redacted_changes(changes: list[Change], original: Snapshot, redacted: Snapshot,
                     to_view: Callable[[str], str]) -> list[Change]:
    """The staged changes as they read on the redacted twin of ``original`` (groups and accounts as pseudonyms):
    the twin keeps every object in its place, so a group is its namesake by position, an account by
    ``to_view``; scheme, role and project ids and product keys stay."""
    groups = {g.name: r for g, r in zip(original.groups, redacted.groups, strict=True)}

    def group(name: str | None) -> str | None:
        return groups[name].name if name in groups else name

    out = []
    for change in changes:
        moved = replace(change, group=group(change.group),
                        account_id=to_view(change.account_id) if change.account_id else None)
        if change.holder is not None:
            holder = change.holder
            if canonical_type(holder.type) == "group":
                twin = groups.get(index_for(original).group_name(holder) or "")
                holder = Holder(holder.type, twin.name, twin.group_id or None) if twin else holder
            elif canonical_type(holder.type) == "user":
                holder = Holder(holder.type, to_view(holder.parameter or holder.value or ""))
            text = f"{change.scheme_id}: {change.permission} -> {holder_text(redacted, holder)}"
        else:
            text = id_text(moved)
        out.append(parse_change(redacted, change.kind, text))
    return out
