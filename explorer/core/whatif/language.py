"""The change language: ``"SCHEME: PERMISSION -> HOLDER"``, ``"PROJECT: ROLE += user NAME"``, ``"GROUP -= ACCOUNT"``...

Every name is resolved as ``explain`` resolves it (accounts by accountId, email or display name;
permissions by key or name) and everything else the same way: exact name, then id, then a unique
partial match, else a one-line :class:`~explorer.core.errors.LookupFailed` with "did you mean".
A change file (``--changes FILE``) is TOML: ``[[changes]]`` tables of one ``kind = "text"`` pair each.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from explorer.core.errors import LookupFailed, UserError
from explorer.core.model import Account, Holder, PermissionScheme, Project, Snapshot
from explorer.core.readiness.profiles import ANY_JIRA, PRODUCTS
from explorer.core.replay import catalogue
from explorer.core.replay.cache import index_for
from explorer.core.replay.holders import canonical_type, holder_label
from explorer.core.replay.resolve import resolve_account
from explorer.core.whatif.changes import Change
from explorer.core.whatif.kinds import HOLDER_WORDS, Kind

T = TypeVar("T")

MAX_CHANGES = 500
MAX_FILE_BYTES = 1024 * 1024
FILE_SCHEMA = 1


class ChangeError(UserError):
    """A change that cannot be understood; ``str()`` is one line naming the flag and what to write."""


# ---------------------------------------------------------------- resolution


def _pick(what: str, text: str, items: Iterable[T], names: Callable[[T], tuple[str, ...]], hint: str = "") -> T:
    """The one item ``text`` names: exactly (case-insensitive), else by a unique partial match, else did-you-mean."""
    wanted = text.strip()
    low = wanted.lower()
    pool = list(items)
    width = max((len(names(i)) for i in pool), default=0)
    for position in range(width):  # the first name (a key, a name) before the others (an id)
        exact = [i for i in pool if len(names(i)) > position and (names(i)[position] or "").lower() == low]
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1:
            shown = ", ".join(repr(names(i)[0]) for i in exact[:6])
            raise LookupFailed(f"{text!r} names {len(exact)} {what}s ({shown}); give the id instead")
    partial = [i for i in pool if low and any(low in n.lower() for n in names(i) if n)]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        shown = ", ".join(repr(names(i)[0]) for i in partial[:6])
        more = f" and {len(partial) - 6} more" if len(partial) > 6 else ""
        raise LookupFailed(f"{text!r} matches {len(partial)} {what}s: {shown}{more}; give the full name")
    close = _close(low, [names(i)[0] for i in pool])
    suggestion = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    extra = f" ({hint})" if hint else ""
    raise LookupFailed(f"unknown {what} {text!r}.{suggestion}{extra}")


def _close(low: str, names: list[str]) -> list[str]:
    """Up to three names close to ``low``, whole or by their beginning ('sofware' -> 'Software scheme')."""
    scored = []
    for name in dict.fromkeys(names):
        whole = difflib.SequenceMatcher(None, low, name.lower()).ratio()
        start = difflib.SequenceMatcher(None, low, name.lower()[:len(low)]).ratio() if len(low) >= 4 else 0.0
        score = max(whole, start - 0.1)
        if score >= 0.6:
            scored.append((-score, name))
    return [name for _, name in sorted(scored)[:3]]


def resolve_scheme(snapshot: Snapshot, text: str) -> PermissionScheme:
    return _pick("permission scheme", text, snapshot.permission_schemes, lambda s: (s.name, s.id),
                 f"the snapshot has {len(snapshot.permission_schemes)} permission schemes")


def resolve_project(snapshot: Snapshot, text: str) -> Project:
    known = ", ".join(sorted(p.key for p in snapshot.projects)[:12]) or "no projects"
    return _pick("project", text, snapshot.projects, lambda p: (p.key, p.name, p.id), f"the snapshot has: {known}")


def resolve_group(snapshot: Snapshot, text: str) -> str:
    group = _pick("group", text, snapshot.groups, lambda g: (g.name, g.group_id),
                  f"the snapshot has {len(snapshot.groups)} groups")
    return group.name


def resolve_product(snapshot: Snapshot, text: str) -> str:
    """A product key; Jira's own product keys are known even when the snapshot lacks the product list."""
    roles = [(r.key, r.name) for r in snapshot.application_roles]
    roles += [(key, words) for key, words in PRODUCTS.items() if key != ANY_JIRA and key not in dict(roles)]
    known = ", ".join(f"{name} ({key})" for key, name in roles)
    return _pick("product", text, roles, lambda r: (r[1], r[0]), f"the products are: {known}")[0]


def project_roles(snapshot: Snapshot, project: Project | None) -> list[tuple[str, str]]:
    """(role id, name) of the roles a project can use: its team roles when team-managed, else the site's."""
    if project is not None and project.team_managed and project.permission_scheme_id is None:
        return [(r.id, r.name) for r in project.team_roles]
    return [(r.id, r.name) for r in snapshot.roles]


def resolve_role(snapshot: Snapshot, project: Project | None, text: str) -> tuple[str, str]:
    where = f"project {project.key}" if project is not None else "the site"
    roles = project_roles(snapshot, project)
    known = ", ".join(n for _, n in roles) or "none"
    return _pick("project role", text, roles, lambda r: (r[1], r[0]), f"the roles of {where} are: {known}")


def resolve_change_account(snapshot: Snapshot, text: str, *, anonymous_ok: bool = False) -> Account:
    account = resolve_account(snapshot, text)
    if account.is_anonymous and not anonymous_ok:
        raise LookupFailed("the anonymous visitor is not an account: it cannot join groups or roles, be "
                           "deactivated or lose product access")
    return account


def resolve_grant_permission(snapshot: Snapshot, text: str) -> str:
    wanted = text.strip()
    if any(g.permission == wanted for s in snapshot.permission_schemes for g in s.grants):
        return wanted  # an app-defined permission the site's schemes use
    key = catalogue.resolve_permission(wanted)
    if catalogue.is_global_permission(key) and not catalogue.is_project_permission(key):
        raise LookupFailed(f"{catalogue.display_name(key)} is a global permission; permission schemes hold project "
                           "permissions (global permissions are granted to groups in Settings > Global permissions)")
    return key


_OPERATORS = (":", "+=", "-=", "->", "=")


def _writable(text: str | None) -> bool:
    """Whether a name can stand in a change as it is (no operator in it, no stray spaces or control characters)."""
    return bool(text) and text == " ".join(text.split()) and text.isprintable() \
        and not any(op in text for op in _OPERATORS)  # type: ignore[operator]


def account_text(snapshot: Snapshot, account: Account) -> str:
    """How to name an account so that it resolves to the same account again: name, else email, else id."""
    for candidate in (account.display_name, account.email):
        if not _writable(candidate):
            continue
        try:
            if resolve_account(snapshot, candidate).account_id == account.account_id:
                return candidate
        except LookupFailed:
            continue
    return account.account_id


def _scheme_text(snapshot: Snapshot, scheme: PermissionScheme) -> str:
    same = [s for s in snapshot.permission_schemes if s.name.lower() == scheme.name.lower()]
    return scheme.name if len(same) == 1 and _writable(scheme.name) else scheme.id


def _role_text(snapshot: Snapshot, project: Project | None, role_id: str, name: str) -> str:
    same = [r for r in project_roles(snapshot, project) if r[1].lower() == name.lower()]
    return name if len(same) == 1 and _writable(name) else role_id


def _product_text(snapshot: Snapshot, key: str) -> str:
    role = next((r for r in snapshot.application_roles if r.key == key), None)
    if role is None or not _writable(role.name):
        return key
    same = [r for r in snapshot.application_roles if role.name.lower() in (r.name.lower(), r.key.lower())]
    return role.name if len(same) == 1 else key


def _group_text(snapshot: Snapshot, name: str) -> str:
    group = next((g for g in snapshot.groups if g.name == name), None)
    if _writable(name) or group is None or not _writable(group.group_id):
        return name
    return group.group_id


# ---------------------------------------------------------------- holders


_SIMPLE_HOLDERS: dict[str, Holder] = {
    "anyone": Holder("anyone"),
    "public": Holder("anyone"),
    "group (anyone)": Holder("group"),  # Data Center: a group grant without a group, anonymous included
    "logged-in": Holder("applicationRole"),
    "logged in": Holder("applicationRole"),
    "any logged in user": Holder("applicationRole"),
    "any logged-in user": Holder("applicationRole"),
    "reporter": Holder("reporter"),
    "assignee": Holder("assignee"),
    "current assignee": Holder("assignee"),
    "project lead": Holder("projectLead"),
    "lead": Holder("projectLead"),
    "portal access": Holder("sd.customer.portal.only"),
    "service project customer - portal access": Holder("sd.customer.portal.only"),
    "portal customers": Holder("sd.customer.portal.only"),
    "reporter with create permission": Holder("reportercreate"),
    "assignee with assignable permission": Holder("assigneeassignable"),
}
_PREFIXED = (
    ("application access ", "product"), ("product access ", "product"),
    ("user custom field value ", "userCustomField"), ("user custom field ", "userCustomField"),
    ("group custom field value ", "groupCustomField"), ("group custom field ", "groupCustomField"),
    ("single user ", "user"), ("user ", "user"), ("group ", "group"), ("project role ", "role"), ("role ", "role"),
)
_FIELD = re.compile(r"^customfield_\d{1,12}$")


def parse_holder(snapshot: Snapshot, text: str) -> Holder:
    """A holder in the words of the rules doc: ``group NAME``, ``role NAME``, ``anyone``, ``logged-in``..."""
    spoken = " ".join(text.split())
    low = spoken.lower()
    if low in _SIMPLE_HOLDERS:
        return _SIMPLE_HOLDERS[low]
    for prefix, kind in _PREFIXED:
        if not low.startswith(prefix):
            continue
        rest = spoken[len(prefix):].strip()
        if not rest:
            break
        if kind == "product":
            return Holder("applicationRole", resolve_product(snapshot, rest))
        if kind == "group":
            name = resolve_group(snapshot, rest)
            group = next(g for g in snapshot.groups if g.name == name)
            return Holder("group", name, group.group_id or None)
        if kind == "role":
            role_id, _ = resolve_role(snapshot, None, rest)
            return Holder("projectRole", role_id, role_id)
        if kind == "user":
            return Holder("user", resolve_change_account(snapshot, rest).account_id)
        if not _FIELD.match(rest.lower()):
            raise ChangeError(f"{rest!r} is not a custom field id; write it like customfield_10050")
        return Holder(kind, rest.lower())
    raise ChangeError(f"unknown holder {spoken!r}; write one of: {', '.join(HOLDER_WORDS)}")


def holder_text(snapshot: Snapshot, holder: Holder) -> str:
    """A holder in the change language (it parses back to an equivalent holder)."""
    kind = canonical_type(holder.type)
    p = holder.parameter or holder.value
    ix = index_for(snapshot)
    if kind == "anyone":
        return "anyone"
    if kind == "applicationRole":
        return f"application access {_product_text(snapshot, holder.parameter)}" if holder.parameter else "logged-in"
    if kind == "group":
        name = ix.group_name(holder)
        return f"group {_group_text(snapshot, name)}" if name else "group (anyone)"
    if kind == "projectRole":
        return f"role {_role_text(snapshot, None, p or '', ix.role_name(p))}"
    if kind == "user":
        account = ix.account(p or "")
        return f"user {account_text(snapshot, account) if account else p}"
    if kind == "projectLead":
        return "project lead"
    if kind in ("reporter", "assignee"):
        return kind
    if kind == "userCustomField":
        return f"user custom field {holder.parameter}"
    if kind == "groupCustomField":
        return f"group custom field {holder.parameter}"
    if kind == "sd.customer.portal.only":
        return "portal access"
    if kind == "reportercreate":
        return "reporter with create permission"
    if kind == "assigneeassignable":
        return "assignee with assignable permission"
    return holder.type + (f" {p}" if p else "")


def holder_key(snapshot: Snapshot, holder: Holder) -> tuple[str, str | None]:
    """What makes two holders the same holder (groups by name, whether named by name or by id)."""
    kind = canonical_type(holder.type) or holder.type
    if kind == "group":
        return kind, index_for(snapshot).group_name(holder)
    value = holder.parameter if holder.parameter is not None else holder.value
    return kind, value or None


# ---------------------------------------------------------------- the parser


@dataclass(frozen=True, slots=True)
class _Split:
    left: str
    right: str


def _split(kind: Kind, text: str, sep: str, *, rsplit: bool = False) -> _Split:
    parts = text.rsplit(sep, 1) if rsplit else text.split(sep, 1)
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        raise ChangeError(f"expected \"{kind.syntax}\"")
    return _Split(parts[0].strip(), parts[1].strip())


def _operator(kind: Kind, text: str, wanted: str) -> _Split:
    other = "-=" if wanted == "+=" else "+="
    if wanted not in text and other in text:
        flag = {Kind.ADD_TO_ROLE: Kind.REMOVE_FROM_ROLE, Kind.REMOVE_FROM_ROLE: Kind.ADD_TO_ROLE,
                Kind.ADD_TO_GROUP: Kind.REMOVE_FROM_GROUP, Kind.REMOVE_FROM_GROUP: Kind.ADD_TO_GROUP}[kind].flag
        raise ChangeError(f"expected \"{kind.syntax}\" (with {wanted}); {other} is for {flag}")
    return _split(kind, text, wanted)


def parse_change(snapshot: Snapshot, kind: Kind | str, text: str) -> Change:
    """One change from its flag (kind) and text, every name resolved; a one-line error names the flag."""
    kind = Kind(kind)
    try:
        return _PARSERS[kind](snapshot, kind, " ".join(text.split()))
    except UserError as error:
        raise ChangeError(f"{kind.flag} {text!r}: {error}") from None


def _grant(snapshot: Snapshot, kind: Kind, text: str) -> Change:
    arrow = _split(kind, text, "->")
    head = _split(kind, arrow.left, ":", rsplit=True)
    scheme = resolve_scheme(snapshot, head.left)
    permission = resolve_grant_permission(snapshot, head.right)
    holder = parse_holder(snapshot, arrow.right)
    canonical = f"{_scheme_text(snapshot, scheme)}: {permission} -> {holder_text(snapshot, holder)}"
    ix = index_for(snapshot)
    label = holder_label(ix, holder)
    perm = catalogue.display_name(permission)
    users = len(ix.projects_using(scheme.id))
    used = f"used by {users} project{'s' if users != 1 else ''}"
    if kind is Kind.ADD_GRANT:
        summary = f"Grant {perm} to {label} in permission scheme '{scheme.name}' ({used})"
    else:
        summary = f"Remove the grant of {perm} to {label} from permission scheme '{scheme.name}' ({used})"
    return Change(kind, canonical, summary, scheme_id=scheme.id, permission=permission, holder=holder)


def _role(snapshot: Snapshot, kind: Kind, text: str) -> Change:
    wanted = "+=" if kind is Kind.ADD_TO_ROLE else "-="
    op = _operator(kind, text, wanted)
    head = _split(kind, op.left, ":")
    project = resolve_project(snapshot, head.left)
    role_id, role_name = resolve_role(snapshot, project, head.right)
    actor = op.right
    low = actor.lower()
    group: str | None = None
    account: Account | None = None
    if low.startswith("group "):
        group = resolve_group(snapshot, actor[6:])
    elif low.startswith("user "):
        account = resolve_change_account(snapshot, actor[5:])
    else:
        raise ChangeError(f"expected \"{kind.syntax}\": say 'user NAME' or 'group NAME' after {wanted}")
    who_text = f"group {_group_text(snapshot, group)}" if group else \
        f"user {account_text(snapshot, account)}"  # type: ignore[arg-type]
    who = f"group {group}" if group else account.display_name  # type: ignore[union-attr]
    canonical = f"{project.key}: {_role_text(snapshot, project, role_id, role_name)} {wanted} {who_text}"
    if kind is Kind.ADD_TO_ROLE:
        summary = f"Add {who} to role {role_name} in {project.key}"
    else:
        summary = f"Remove {who} from role {role_name} in {project.key}"
    return Change(kind, canonical, summary, project_key=project.key, role_id=role_id, group=group,
                  account_id=account.account_id if account else None)


def _group(snapshot: Snapshot, kind: Kind, text: str) -> Change:
    wanted = "+=" if kind is Kind.ADD_TO_GROUP else "-="
    op = _operator(kind, text, wanted)
    group = resolve_group(snapshot, op.left)
    account = resolve_change_account(snapshot, op.right)
    canonical = f"{_group_text(snapshot, group)} {wanted} {account_text(snapshot, account)}"
    if kind is Kind.ADD_TO_GROUP:
        summary = f"Add {account.display_name} to group {group}"
    else:
        summary = f"Remove {account.display_name} from group {group}"
    return Change(kind, canonical, summary, group=group, account_id=account.account_id)


def _set_scheme(snapshot: Snapshot, kind: Kind, text: str) -> Change:
    op = _split(kind, text, "=")
    project = resolve_project(snapshot, op.left)
    if project.team_managed and project.permission_scheme_id is None:
        raise ChangeError(f"{project.key} is a team-managed project; it has no permission scheme (its roles and "
                          "access level decide)")
    scheme = resolve_scheme(snapshot, op.right)
    current = next((s.name for s in snapshot.permission_schemes if s.id == project.permission_scheme_id),
                   project.permission_scheme_id or "none")
    summary = f"Make {project.key} use permission scheme '{scheme.name}' (now '{current}')"
    return Change(kind, f"{project.key} = {_scheme_text(snapshot, scheme)}", summary, project_key=project.key,
                  scheme_id=scheme.id)


def _deactivate(snapshot: Snapshot, kind: Kind, text: str) -> Change:
    account = resolve_change_account(snapshot, text)
    return Change(kind, account_text(snapshot, account), f"Deactivate {account.display_name}",
                  account_id=account.account_id)


def _product(snapshot: Snapshot, kind: Kind, text: str) -> Change:
    if "-=" in text:
        op = _split(kind, text, "-=")
        product = resolve_product(snapshot, op.left)
        name = index_for(snapshot).product_name(product)
        if not op.right.lower().startswith("group "):
            raise ChangeError("expected \"PRODUCT -= group GROUP\" to stop a group giving a product")
        group = resolve_group(snapshot, op.right[6:])
        return Change(kind, f"{_product_text(snapshot, product)} -= group {_group_text(snapshot, group)}",
                      f"Stop group {group} giving {name} access",
                      product=product, group=group)
    product: str | None = None
    who = text
    if ":" in text:
        head, rest = (part.strip() for part in text.split(":", 1))
        try:
            product = resolve_product(snapshot, head)
            who = rest
        except LookupFailed:
            product = None  # an accountId such as 712020:...
    account = resolve_change_account(snapshot, who)
    name = index_for(snapshot).product_name(product) if product else None
    whom = account_text(snapshot, account)
    canonical = f"{_product_text(snapshot, product)}: {whom}" if product else whom
    what = f"{name} access" if name else "Jira product access"
    return Change(kind, canonical, f"Take {what} away from {account.display_name}", product=product,
                  account_id=account.account_id)


def _archive(snapshot: Snapshot, kind: Kind, text: str) -> Change:
    project = resolve_project(snapshot, text)
    return Change(kind, project.key, f"Archive project {project.key} ({project.name})", project_key=project.key)


_PARSERS: dict[Kind, Callable[[Snapshot, Kind, str], Change]] = {
    Kind.ADD_GRANT: _grant,
    Kind.REMOVE_GRANT: _grant,
    Kind.ADD_TO_ROLE: _role,
    Kind.REMOVE_FROM_ROLE: _role,
    Kind.ADD_TO_GROUP: _group,
    Kind.REMOVE_FROM_GROUP: _group,
    Kind.SET_SCHEME: _set_scheme,
    Kind.DEACTIVATE: _deactivate,
    Kind.REMOVE_PRODUCT_ACCESS: _product,
    Kind.ARCHIVE: _archive,
}


def id_text(change: Change) -> str:
    """A change in the change language written with ids (scheme ids, role ids, accountIds): it resolves to the
    same change on any snapshot holding those ids, names aside (a redacted copy, for instance)."""
    kind = change.kind
    if kind in (Kind.ADD_GRANT, Kind.REMOVE_GRANT):
        raise ValueError("a grant's holder needs the snapshot: use holder_text")
    op = "+=" if kind in (Kind.ADD_TO_ROLE, Kind.ADD_TO_GROUP) else "-="
    if kind in (Kind.ADD_TO_ROLE, Kind.REMOVE_FROM_ROLE):
        actor = f"group {change.group}" if change.group is not None else f"user {change.account_id}"
        return f"{change.project_key}: {change.role_id} {op} {actor}"
    if kind in (Kind.ADD_TO_GROUP, Kind.REMOVE_FROM_GROUP):
        return f"{change.group} {op} {change.account_id}"
    if kind is Kind.SET_SCHEME:
        return f"{change.project_key} = {change.scheme_id}"
    if kind is Kind.REMOVE_PRODUCT_ACCESS:
        if change.group is not None:
            return f"{change.product} -= group {change.group}"
        return f"{change.product}: {change.account_id}" if change.product else change.account_id or ""
    if kind is Kind.ARCHIVE:
        return change.project_key or ""
    return change.account_id or ""


# ---------------------------------------------------------------- change files


def read_changes_file(text: str, where: str = "the changes file") -> list[tuple[Kind, str]]:
    """The (kind, text) pairs of a TOML change file, in order; a one-line :class:`ChangeError` otherwise.

    Format::

        schema = 1
        [[changes]]
        remove-grant = "Software Permission Scheme: BROWSE_PROJECTS -> group contractors"
        [[changes]]
        add-to-group = "jira-software-users += Alice Admin"
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ChangeError(f"{where}: not valid TOML: {error}") from None
    unknown = [k for k in data if k not in ("schema", "title", "site", "changes")]
    if unknown:
        raise ChangeError(f"{where}: unknown key {unknown[0]!r}; expected schema, title, site and [[changes]]")
    schema = data.get("schema", FILE_SCHEMA)
    if schema != FILE_SCHEMA or isinstance(schema, bool):
        raise ChangeError(f"{where}: schema {schema!r} is not one this jira-perms reads (expected {FILE_SCHEMA})")
    items = data.get("changes")
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise ChangeError(f"{where}: expected at least one [[changes]] table with one change, like "
                          "remove-grant = \"SCHEME: PERMISSION -> HOLDER\"")
    if len(items) > MAX_CHANGES:
        raise ChangeError(f"{where}: {len(items)} changes; at most {MAX_CHANGES} are read")
    found: list[tuple[Kind, str]] = []
    kinds = ", ".join(k.value for k in Kind)
    for n, item in enumerate(items, 1):
        keys = [k for k in item if k != "note"]
        if len(keys) != 1:
            raise ChangeError(f"{where}: changes[{n}] needs exactly one of {kinds}; got {', '.join(keys) or 'none'}")
        key = keys[0]
        try:
            kind = Kind(key)
        except ValueError:
            raise ChangeError(f"{where}: changes[{n}]: unknown change {key!r}; expected one of {kinds}") from None
        value = item[key]
        if not isinstance(value, str) or not value.strip():
            raise ChangeError(f"{where}: changes[{n}].{key}: expected a string like \"{kind.syntax}\"")
        found.append((kind, value))
    return found


def _toml_string(text: str) -> str:
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in out) + '"'


def changes_toml(changes: Iterable[Change], *, site: str = "", title: str = "") -> str:
    """A change file (see :func:`read_changes_file`) holding these changes, each with its summary as a note."""
    out = ["# Proposed permission changes for jira-perms:", "#   jira-perms whatif --snapshot SNAPSHOT --changes FILE",
           f"schema = {FILE_SCHEMA}"]
    if title:
        out.append(f"title = {_toml_string(title)}")
    if site:
        out.append(f"site = {_toml_string(site)}")
    for change in changes:
        out += ["", "[[changes]]", f"{change.kind.value} = {_toml_string(change.text)}",
                f"note = {_toml_string(change.summary)}"]
    return "\n".join(out) + "\n"
