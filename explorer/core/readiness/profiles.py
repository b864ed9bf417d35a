"""Integration profiles: what a vendor's Jira account needs, feature by feature, as data.

A profile is a small TOML document (the shipped ones live in
``explorer/data/profiles``; users add theirs in ``<config dir>/profiles``).
Parsing and validation are pure: :func:`parse_profile` takes the text and
returns a :class:`Profile` or raises :class:`ProfileError` whose message is one
line naming the key and what was expected.  Reading files is the store's job.

Format (``schema = 1``)::

    schema = 1
    name = "Backbone Issue Sync"          # required
    vendor = "K15t"                       # required
    purpose = "The synchronization user"  # required: what the account is for
    source = "Backbone guide, section 2"  # required: where the requirements come from
    source_url = "https://..."            # optional
    notes = ["..."]                       # optional

    [[features]]
    id = "comments"                       # required: lowercase letters, digits and '-'
    title = "Synchronize comments"        # required
    optional = false                      # true: audited only when asked for (--feature)
    description = "..."                   # optional

      [[features.requirements]]
      permission = "ADD_COMMENTS"         # exactly one of: permission (project permission, key or name),
                                          #   global (global permission), product (product access),
                                          #   role (project role name)
      why = "..."                         # required: the guide's reason, quoted or closely paraphrased
      guide_item = "Add Comments"         # optional: what the guide calls it (default: the permission's name)
      project_types = ["service_management"]  # optional: only in these kinds of project
      inferred = false                    # true: the guide implies it without naming it
      note = "..."                        # optional: how the guide's wording maps to what Jira checks
      role_aliases = ["Agent"]            # role only: other names of the same role (team-managed projects)
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from enum import Enum

from explorer.core.errors import UserError
from explorer.core.model import ProjectType
from explorer.core.replay import catalogue
from explorer.core.replay.catalogue import UnknownPermission

SCHEMA = 1


class ProfileError(UserError):
    """A profile that cannot be used; ``str()`` is one line: where, which key, what was expected."""


class RequirementKind(str, Enum):
    PROJECT_PERMISSION = "project_permission"
    GLOBAL_PERMISSION = "global_permission"
    PRODUCT_ACCESS = "product_access"
    PROJECT_ROLE = "project_role"

    @property
    def site_wide(self) -> bool:
        """Global permissions and product access do not depend on the project."""
        return self in (RequirementKind.GLOBAL_PERMISSION, RequirementKind.PRODUCT_ACCESS)


ANY_JIRA = "jira"
"""``product = "jira"``: access to any Jira product (what "can log in to Jira" means)."""

PRODUCTS: dict[str, str] = {
    ANY_JIRA: "access to a Jira product",
    "jira-software": "Jira Software access",
    "jira-servicedesk": "Jira Service Management access (agent licence)",
    "jira-core": "Jira Work Management access",
    "jira-product-discovery": "Jira Product Discovery access",
}

PROJECT_TYPE_NAMES: dict[str, ProjectType] = {
    "software": ProjectType.SOFTWARE,
    "service_management": ProjectType.SERVICE_DESK,
    "business": ProjectType.BUSINESS,
    "product_discovery": ProjectType.PRODUCT_DISCOVERY,
}
_TYPE_WORDS = {
    ProjectType.SOFTWARE: "software",
    ProjectType.SERVICE_DESK: "service management",
    ProjectType.BUSINESS: "business",
    ProjectType.PRODUCT_DISCOVERY: "product discovery",
}

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass(frozen=True, slots=True)
class Requirement:
    """One thing the account must have, and why the guide says so."""

    kind: RequirementKind
    key: str  # permission key, product key, or role name
    why: str
    guide_item: str = ""
    project_types: frozenset[ProjectType] = frozenset()  # empty: every kind of project
    inferred: bool = False
    note: str = ""
    role_aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The requirement in a few words (a grid column, a list item)."""
        if self.kind is RequirementKind.PROJECT_PERMISSION:
            return catalogue.display_name(self.key)
        if self.kind is RequirementKind.GLOBAL_PERMISSION:
            return f"{catalogue.display_name(self.key)} (global)"
        if self.kind is RequirementKind.PRODUCT_ACCESS:
            return PRODUCTS.get(self.key, self.key)[0].upper() + PRODUCTS.get(self.key, self.key)[1:]
        return f"Role {self.key}"

    @property
    def short(self) -> str:
        """A very short label (for narrow grids)."""
        if self.kind is RequirementKind.PRODUCT_ACCESS:
            return {"jira-servicedesk": "JSM licence", ANY_JIRA: "Jira access"}.get(self.key, self.key)
        if self.kind is RequirementKind.GLOBAL_PERMISSION:
            return catalogue.display_name(self.key)
        if self.kind is RequirementKind.PROJECT_ROLE:
            return f"Role {self.key}"
        return catalogue.display_name(self.key)

    @property
    def conditions(self) -> str:
        """The condition in words ("" when the requirement always applies)."""
        if not self.project_types:
            return ""
        words = " or ".join(sorted(_TYPE_WORDS[t] for t in self.project_types))
        return f"only in {words} projects"

    def applies_to(self, project_type: ProjectType) -> bool:
        return not self.project_types or project_type in self.project_types

    @property
    def role_names(self) -> tuple[str, ...]:
        return (self.key, *self.role_aliases)


@dataclass(frozen=True, slots=True)
class Feature:
    """What the integration does that needs the requirements (a sync function, a trigger...)."""

    id: str
    title: str
    requirements: tuple[Requirement, ...]
    optional: bool = False  # audited only when asked for: the guide says "if applicable" / "if used"
    description: str = ""


@dataclass(frozen=True, slots=True)
class Profile:
    """An integration's needs: name, vendor, purpose, source, and features with their requirements."""

    id: str
    name: str
    vendor: str
    purpose: str
    source: str
    features: tuple[Feature, ...]
    source_url: str = ""
    notes: tuple[str, ...] = ()
    origin: str = ""  # "shipped" or the user file's path
    overrides_shipped: bool = False

    @property
    def display(self) -> str:
        """The name with its vendor when the name does not already say it: "Backbone Issue Sync (K15t)", "Workato"."""
        if self.vendor.strip().lower() in self.name.lower():
            return self.name
        return f"{self.name} ({self.vendor})"

    def feature(self, feature_id: str) -> Feature | None:
        for feature in self.features:
            if feature.id == feature_id:
                return feature
        return None

    @property
    def default_features(self) -> tuple[Feature, ...]:
        return tuple(f for f in self.features if not f.optional)

    def select_features(self, names: list[str] | tuple[str, ...] | None) -> tuple[Feature, ...]:
        """The features named (by id or title, case-insensitive; "all" for every one), or the default ones."""
        if not names:
            return self.default_features
        wanted: list[Feature] = []
        for name in names:
            low = name.strip().lower()
            if low == "all":
                return self.features
            found = next((f for f in self.features if low in (f.id, f.title.lower())), None)
            if found is None:
                known = ", ".join(f.id for f in self.features)
                raise ProfileError(f"profile {self.id} has no feature {name!r}; its features are: {known} "
                                   "(or 'all')")
            if found not in wanted:
                wanted.append(found)
        return tuple(f for f in self.features if f in wanted)

    def requirements(self, features: tuple[Feature, ...] | None = None) -> tuple[tuple[Feature, Requirement], ...]:
        return tuple((f, r) for f in (features if features is not None else self.features) for r in f.requirements)


# ---------------------------------------------------------------- parsing


@dataclass
class _Reader:
    """Typed access to a TOML table with error messages that name the key."""

    data: dict
    where: str  # "" at the top level, else "features[1]" ...
    used: set[str] = field(default_factory=set)

    def _name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def string(self, key: str, *, required: bool = True, default: str = "") -> str:
        self.used.add(key)
        if key not in self.data:
            if required:
                raise ProfileError(f"{self._name(key)}: missing; expected a string")
            return default
        value = self.data[key]
        if not isinstance(value, str):
            raise ProfileError(f"{self._name(key)}: expected a string, got {_type(value)}")
        value = " ".join(value.split())
        if required and not value:
            raise ProfileError(f"{self._name(key)}: expected a non-empty string")
        return value

    def boolean(self, key: str, default: bool = False) -> bool:
        self.used.add(key)
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise ProfileError(f"{self._name(key)}: expected true or false, got {_type(value)}")
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        self.used.add(key)
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ProfileError(f"{self._name(key)}: expected a list of strings, got {_type(value)}")
        return tuple(" ".join(v.split()) for v in value)

    def tables(self, key: str) -> list[dict]:
        self.used.add(key)
        value = self.data.get(key)
        if value is None:
            raise ProfileError(f"{self._name(key)}: missing; expected at least one [[{self._name(key)}]] table")
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise ProfileError(f"{self._name(key)}: expected a list of tables ([[{self._name(key)}]]), "
                               f"got {_type(value)}")
        if not value:
            raise ProfileError(f"{self._name(key)}: expected at least one [[{self._name(key)}]] table")
        return value

    def no_unknown_keys(self, allowed: tuple[str, ...]) -> None:
        for key in self.data:
            if key not in allowed:
                raise ProfileError(f"{self._name(key)}: unknown key; expected one of: {', '.join(allowed)}")


def _type(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


_TOP_KEYS = ("schema", "name", "vendor", "purpose", "source", "source_url", "notes", "features")
_FEATURE_KEYS = ("id", "title", "optional", "description", "requirements")
_REQ_KINDS = ("permission", "global", "product", "role")
_REQ_KEYS = (*_REQ_KINDS, "why", "guide_item", "project_types", "inferred", "note", "role_aliases")


def profile_id_from_filename(stem: str) -> str:
    """The profile id a file name gives (``Backbone Sync.toml`` -> ``backbone-sync``)."""
    return re.sub(r"[^a-z0-9-]+", "-", stem.strip().lower()).strip("-")


def parse_profile(text: str, profile_id: str, origin: str = "shipped") -> Profile:
    """A :class:`Profile` from TOML text, or a one-line :class:`ProfileError`."""
    if not _ID.match(profile_id):
        raise ProfileError(f"profile id {profile_id!r} (from the file name): expected lowercase letters, digits "
                           "and '-', at most 40 characters; rename the file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ProfileError(f"not valid TOML: {e}") from None
    top = _Reader(data, "")
    top.no_unknown_keys(_TOP_KEYS)
    schema = data.get("schema")
    if schema is None:
        raise ProfileError(f"schema: missing; expected schema = {SCHEMA}")
    if isinstance(schema, bool) or not isinstance(schema, int) or schema != SCHEMA:
        raise ProfileError(f"schema: expected {SCHEMA}, got {schema!r}; this jira-perms reads profile schema "
                           f"{SCHEMA}")
    name, vendor, purpose, source = (top.string(k) for k in ("name", "vendor", "purpose", "source"))
    source_url, notes = top.string("source_url", required=False), top.strings("notes")
    features: list[Feature] = []
    seen_ids: set[str] = set()
    for i, table in enumerate(top.tables("features")):
        feature = _feature(table, f"features[{i}]")
        if feature.id in seen_ids:
            raise ProfileError(f"features[{i}].id: {feature.id!r} is used twice; expected unique feature ids")
        seen_ids.add(feature.id)
        features.append(feature)
    return Profile(
        id=profile_id,
        name=name,
        vendor=vendor,
        purpose=purpose,
        source=source,
        source_url=source_url,
        notes=notes,
        features=tuple(features),
        origin=origin,
    )


def _feature(table: dict, where: str) -> Feature:
    r = _Reader(table, where)
    r.no_unknown_keys(_FEATURE_KEYS)
    fid = r.string("id")
    if not _ID.match(fid):
        raise ProfileError(f"{where}.id: expected lowercase letters, digits and '-' (like 'issue-sync'), "
                           f"got {fid!r}")
    requirements = tuple(_requirement(t, f"{where}.requirements[{j}]")
                         for j, t in enumerate(r.tables("requirements")))
    return Feature(fid, r.string("title"), requirements, r.boolean("optional"),
                   r.string("description", required=False))


def _requirement(table: dict, where: str) -> Requirement:
    r = _Reader(table, where)
    r.no_unknown_keys(_REQ_KEYS)
    given = [k for k in _REQ_KINDS if k in table]
    if len(given) != 1:
        found = f"got {', '.join(given)}" if given else "got none"
        raise ProfileError(f"{where}: expected exactly one of permission, global, product, role; {found}")
    which = given[0]
    raw = r.string(which)
    if which == "permission":
        kind, key = RequirementKind.PROJECT_PERMISSION, _permission(raw, f"{where}.permission", project=True)
    elif which == "global":
        kind, key = RequirementKind.GLOBAL_PERMISSION, _permission(raw, f"{where}.global", project=False)
    elif which == "product":
        key = raw.lower()
        if key not in PRODUCTS:
            raise ProfileError(f"{where}.product: unknown product {raw!r}; expected one of: {', '.join(PRODUCTS)}")
        kind = RequirementKind.PRODUCT_ACCESS
    else:
        kind, key = RequirementKind.PROJECT_ROLE, raw
    types: set[ProjectType] = set()
    for name in r.strings("project_types"):
        ptype = PROJECT_TYPE_NAMES.get(name.lower())
        if ptype is None:
            raise ProfileError(f"{where}.project_types: unknown project type {name!r}; expected some of: "
                               f"{', '.join(PROJECT_TYPE_NAMES)}")
        types.add(ptype)
    aliases = r.strings("role_aliases")
    if aliases and kind is not RequirementKind.PROJECT_ROLE:
        raise ProfileError(f"{where}.role_aliases: only a role requirement can have role_aliases")
    why = r.string("why")
    default_item = key if kind is RequirementKind.PROJECT_ROLE else catalogue.display_name(key)
    return Requirement(kind, key, why, r.string("guide_item", required=False) or default_item,
                       frozenset(types), r.boolean("inferred"), r.string("note", required=False), aliases)


def _permission(text: str, where: str, *, project: bool) -> str:
    try:
        key = catalogue.resolve_permission(text)
    except UnknownPermission as e:
        hint = f" Did you mean {' or '.join(repr(s) for s in e.suggestions)}?" if e.suggestions else ""
        raise ProfileError(f"{where}: unknown permission {text!r}.{hint} (jira-perms permissions lists them)") from None
    if project and not catalogue.is_project_permission(key):
        raise ProfileError(f"{where}: {catalogue.display_name(key)} is a global permission; write global = "
                           f"{key!r} instead")
    if not project and not catalogue.is_global_permission(key):
        raise ProfileError(f"{where}: {catalogue.display_name(key)} is a project permission; write permission = "
                           f"{key!r} instead")
    return key


def find_profile(profiles: list[Profile] | tuple[Profile, ...], name: str) -> Profile:
    """The profile ``name`` means: its id or its name, case-insensitive."""
    low = name.strip().lower()
    for profile in profiles:
        if low in (profile.id, profile.name.lower()):
            return profile
    partial = [p for p in profiles if low and (low in p.id or low in p.name.lower())]
    if len(partial) == 1:
        return partial[0]
    known = ", ".join(p.id for p in profiles) or "none"
    raise ProfileError(f"unknown profile {name!r}; the profiles are: {known} (jira-perms profiles lists them)")
