"""The pseudonym of every original a snapshot names, one name space per kind, and the way back.

:class:`Names` answers "what does X become?" for every kind of value the
sections of :mod:`.sections` meet: accountIds, people, emails, groups and their
ids, project keys and names, issue keys, site-defined names (roles, statuses,
workflows, issue types, schemes, levels, products), summaries and the site.
It also builds the table of originals (:class:`.originals.Originals`) that
scrubs free text and that the final leak check searches for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from urllib.parse import urlsplit

from explorer.core.model import ANONYMOUS_ID, Account, Holder, Snapshot
from explorer.core.replay.catalogue import BY_SHORT_NAME
from explorer.core.replay.holders import canonical_type
from explorer.core.review.pseudonyms import Pseudonymizer
from explorer.core.review.redact import vocabulary
from explorer.core.review.redact.leaks import STRUCTURAL_HOLDERS as _STRUCTURAL_HOLDERS
from explorer.core.review.redact.originals import Originals

# The kinds of pseudonym, as they appear in the mapping file and in leak messages.
PERSON, EMAIL, USERNAME, ACCOUNT, GROUP, GROUP_ID, SUMMARY, PROJECT, PROJECT_KEY, SITE, SITE_HOST, SITE_TITLE = (
    "person", "email", "username", "accountId", "group", "groupId", "summary", "project", "projectKey", "site",
    "siteHost", "siteTitle")
ROLE, STATUS, WORKFLOW, WORKFLOW_SCHEME, ISSUE_TYPE, SCHEME, SECURITY_SCHEME, LEVEL, PRODUCT = (
    "role", "status", "workflow", "workflowScheme", "issueType", "permissionScheme", "securityScheme", "level",
    "product")

# kind -> (the words of its pseudonym, the vocabulary Jira fixes for it)
LABELS: dict[str, tuple[str, frozenset[str]]] = {
    ROLE: ("Role", vocabulary.ROLES),
    STATUS: ("Status", vocabulary.STATUSES),
    WORKFLOW: ("Workflow", vocabulary.WORKFLOWS),
    WORKFLOW_SCHEME: ("Workflow scheme", vocabulary.WORKFLOW_SCHEMES),
    ISSUE_TYPE: ("Issue type", vocabulary.ISSUE_TYPES),
    SCHEME: ("Permission scheme", vocabulary.PERMISSION_SCHEMES),
    SECURITY_SCHEME: ("Security scheme", frozenset()),
    LEVEL: ("Security level", frozenset()),
    PRODUCT: ("Product", vocabulary.PRODUCTS),
}

CLOUD_DOMAINS = frozenset({"atlassian.net", "jira.com", "jira-dev.com"})
"""Hosts whose first label is the customer's own site name."""

PERMISSION_PROPERTY_PREFIX = "jira.permission."
EDITABLE_PROPERTIES = frozenset({"jira.issue.editable", "issueEditable"})


class Namer:
    """Original -> pseudonym per kind, remembering the way back and keeping (very rare) collisions apart."""

    def __init__(self) -> None:
        self.forward: dict[str, dict[str, str]] = {}
        self.back: dict[str, dict[str, str]] = {}

    def name(self, kind: str, original: str, make: Callable[[str], str], shown: str | None = None) -> str:
        """The pseudonym of ``original``; the mapping back records ``shown`` (default: the original)."""
        forward = self.forward.setdefault(kind, {})
        found = forward.get(original)
        if found is not None:
            return found
        back = self.back.setdefault(kind, {})
        pseudonym = make(original)
        if pseudonym in back:  # two originals, one pseudonym: keep them apart (structure depends on it)
            n = 2
            while f"{pseudonym}~{n}" in back:
                n += 1
            pseudonym = f"{pseudonym}~{n}"
        forward[original] = pseudonym
        back[pseudonym] = original if shown is None else shown
        return pseudonym

    def pseudonyms(self) -> set[str]:
        return {p for back in self.back.values() for p in back}


class Names:
    """Every original of one snapshot and its pseudonym."""

    def __init__(self, snapshot: Snapshot, pseudo: Pseudonymizer, *, keep_group_names: bool, keep_keys: bool):
        self.s = snapshot
        self.p = pseudo
        self.keep_groups = keep_group_names
        self.keep_keys = keep_keys
        self.n = Namer()
        self.account_ids = {a.account_id for a in snapshot.accounts}
        self.group_names = {g.name for g in snapshot.groups}
        self.group_ids = {g.group_id for g in snapshot.groups if g.group_id}
        self.originals = Originals()
        self._collect()

    # ---- people and groups ---------------------------------------------------------
    def aid(self, account_id: str | None) -> str | None:
        if not account_id or account_id == ANONYMOUS_ID:
            return account_id
        return self.n.name(ACCOUNT, account_id, self.p.account_id)

    def aids(self, ids: Iterable[str]) -> tuple[str, ...]:
        return tuple(self.aid(a) or a for a in ids)

    def person(self, account: Account) -> str:
        return self.n.name(PERSON, account.account_id, self.p.person, account.display_name)

    def email(self, email: str | None) -> str | None:
        if not email:
            return email
        return self.n.name(EMAIL, email.lower(), self.p.email)

    def username(self, username: str | None) -> str | None:
        """A Data Center login name."""
        if not username:
            return username
        return self.n.name(USERNAME, username.lower(), self.p.username, username)

    def group(self, name: str | None) -> str | None:
        if not name or self.keep_groups:
            return name
        return self.n.name(GROUP, name, self.p.group)

    def groups(self, names: Iterable[str]) -> tuple[str, ...]:
        return tuple(self.group(n) or n for n in names)

    def group_id(self, gid: str | None) -> str | None:
        if not gid:
            return gid
        return self.n.name(GROUP_ID, gid, lambda o: self.p.opaque("group", o))

    # ---- projects and issues ---------------------------------------------------------
    def project_key(self, key: str | None) -> str | None:
        if not key or self.keep_keys:
            return key
        return self.n.name(PROJECT_KEY, key, self.p.project_key)

    def issue_key(self, key: str | None) -> str | None:
        """``ENG-12`` -> ``QZKRT-12``: the project part becomes the project key's pseudonym."""
        if not key or self.keep_keys:
            return key
        prefix, dash, number = key.rpartition("-")
        if not dash or not prefix:
            return self.scrub(key)
        return f"{self.project_key(prefix)}-{number}"

    def project_name(self, key: str, name: str) -> str:
        if not name:
            return name
        shown = self.project_key(key) or key
        return self.n.name(PROJECT, key, lambda _: f"Project {shown}", name)

    def summary(self, text: str) -> str:
        if not text:
            return text
        return self.n.name(SUMMARY, text, lambda o: self.p.text("summary", o))

    # ---- site-defined names ------------------------------------------------------------
    def label(self, kind: str, name: str) -> str:
        """A role, status, workflow, issue type, scheme, level or product name: kept when Jira fixes it."""
        words, fixed = LABELS[kind]
        if not name or vocabulary.kept(fixed, name):
            return name
        return self.n.name(kind, name, lambda o: self.p.label(words, o))

    @property
    def site_url(self) -> str:
        url = self.s.site.url
        return self.n.name(SITE, url, self.p.site) if url else url

    @property
    def site_title(self) -> str:
        title = self.s.site.title
        return self.n.name(SITE_TITLE, title, lambda o: self.p.text("site title", o)) if title else title

    # ---- values whose meaning depends on a holder type --------------------------------------
    def reference(self, value: str | None) -> str | None:
        """A value of unknown meaning: mapped when it is a known account, group or group id, else scrubbed."""
        if not value:
            return value
        if value in self.account_ids:
            return self.aid(value)
        if value in self.group_names:
            return self.group(value)
        if value in self.group_ids:
            return self.group_id(value)
        return self.scrub(value)

    def holder(self, holder: Holder) -> Holder:
        kind = canonical_type(holder.type)
        if kind == "group":
            value = holder.value
            if value and value in self.group_ids:
                value = self.group_id(value)
            elif value:
                # Not a known id: Jira's index falls back to reading it as a group name.
                value = self.group(value) if value in self.group_names or not holder.parameter else \
                    self.group_id(value)
            return Holder(holder.type, self.group(holder.parameter), value)
        if kind == "user":
            return Holder(holder.type, self.aid(holder.parameter), self.aid(holder.value))
        if kind is None:  # a type jira-perms does not know: hide what it names, keep its shape
            return Holder(holder.type, self.reference(holder.parameter), self.reference(holder.value))
        if kind in _STRUCTURAL_HOLDERS:  # a role id, a product key, a custom-field id
            return holder
        return Holder(holder.type, self.scrub(holder.parameter or "") or holder.parameter,
                      self.scrub(holder.value or "") or holder.value)  # the type names nobody by its parameter

    def status_properties(self, props: Mapping[str, str]) -> dict[str, str]:
        """A status's workflow properties as redacted: only those about permissions, keys rebuilt from structure.

        ``jira.permission.[subtasks.]<permission>.<holder type>[.<anything>]`` keeps its permission and holder
        type (an unknown type becomes ``unknown``: it matches nobody knowably either way) and numbers what
        followed; a key about no known permission, or no permission at all, is dropped.
        """
        out: dict[str, str] = {}
        for key, value in props.items():
            if key in EDITABLE_PROPERTIES:  # only "false" means anything
                out[key] = "false" if value.strip().lower() == "false" else "true"
                continue
            if not key.startswith(PERMISSION_PROPERTY_PREFIX):
                continue
            rest = key[len(PERMISSION_PROPERTY_PREFIX):]
            prefix = PERMISSION_PROPERTY_PREFIX
            if rest.startswith("subtasks."):
                rest, prefix = rest[len("subtasks."):], prefix + "subtasks."
            short, _, tail = rest.partition(".")
            if short not in BY_SHORT_NAME:
                continue  # applies to no permission jira-perms knows, so to no verdict
            if not tail:  # no holder type: the value names a single user
                out[prefix + short] = self.aid(value) or value
                continue
            ptype, _, _suffix = tail.partition(".")
            if tail.startswith("sd.customer.portal.only"):
                ptype = "sd.customer.portal.only"
            kind = canonical_type(ptype)
            if kind is None and ptype != "denied":
                ptype = "unknown"
            base = f"{prefix}{short}.{ptype}"
            new_key, n = base, 1
            while new_key in out:
                n += 1
                new_key = f"{base}.{n}"
            out[new_key] = self._property_value(ptype, kind, value)
        return out

    def _property_value(self, ptype: str, kind: str | None, value: str) -> str:
        if ptype == "denied":  # matches nobody, whatever the value says
            return value if value.strip().lower() in ("", "true", "yes") else "true"
        if kind == "group":
            return self.group(value) or value
        if kind == "user":
            return self.aid(value) or value
        if kind in _STRUCTURAL_HOLDERS:
            return value  # a role id, a product key or a custom-field id: structure
        if kind is None:
            return self.reference(value) or value
        return self.scrub(value)  # reporter, assignee, lead, anyone, portal: the value names nothing

    # ---- free text -------------------------------------------------------------------
    def scrub(self, text: str) -> str:
        """Free text with every original in it replaced by its pseudonym."""
        return self.originals.replace(text) if text else text

    def _collect(self) -> None:
        """Every original the snapshot holds, with its pseudonym (longest originals win when they overlap)."""
        add = self.originals.add
        s = self.s
        if s.site.url:
            add(s.site.url.rstrip("/"), self.site_url, SITE)
            host = urlsplit(s.site.url).hostname
            fake_host = urlsplit(self.site_url).hostname
            if host and fake_host:
                self.n.name(SITE_HOST, host, lambda _: fake_host)
                add(host, fake_host, SITE_HOST)
                site_name, _, domain = host.partition(".")
                if domain in CLOUD_DOMAINS:  # the site's own name, "acme-demo" of acme-demo.atlassian.net
                    add(site_name, fake_host.split(".")[0], SITE_HOST)
        add(s.site.title, self.site_title, SITE_TITLE)
        for account in s.accounts:
            if account.account_id == ANONYMOUS_ID:
                continue
            add(account.account_id, self.aid(account.account_id), ACCOUNT)
            add(account.display_name, self.person(account), PERSON)
            add(account.email, self.email(account.email), EMAIL)
            add(account.username, self.username(account.username), USERNAME)
        for group in s.groups:
            if not self.keep_groups:
                add(group.name, self.group(group.name), GROUP)
            add(group.group_id, self.group_id(group.group_id), GROUP_ID)
        for project in s.projects:
            add(project.name, self.project_name(project.key, project.name), PROJECT)
            if not self.keep_keys:
                add(project.key, self.project_key(project.key), PROJECT_KEY)
        for issue in s.issues:
            add(issue.summary, self.summary(issue.summary), SUMMARY)
            if not self.keep_keys:
                prefix = issue.key.rpartition("-")[0]
                add(prefix, self.project_key(prefix), PROJECT_KEY)
        for kind, name in self._labels():
            if not vocabulary.kept(LABELS[kind][1], name):
                add(name, self.label(kind, name), kind)

    def _labels(self) -> Iterable[tuple[str, str]]:
        s = self.s
        for role in s.roles:
            yield ROLE, role.name
        for project in s.projects:
            for team_role in project.team_roles:
                yield ROLE, team_role.name
        for workflow in s.workflows:
            yield WORKFLOW, workflow.name
            for status in workflow.statuses:
                yield STATUS, status.name
        for scheme in s.workflow_schemes:
            yield WORKFLOW_SCHEME, scheme.name
            yield WORKFLOW, scheme.default_workflow
            for name in scheme.issue_type_workflows.values():
                yield WORKFLOW, name
        for issue in s.issues:
            yield ISSUE_TYPE, issue.issue_type.name
            yield STATUS, issue.status_name
        for scheme in s.permission_schemes:
            yield SCHEME, scheme.name
        for scheme in s.issue_security_schemes:
            yield SECURITY_SCHEME, scheme.name
            for level in scheme.levels:
                yield LEVEL, level.name
        for product in s.application_roles:
            yield PRODUCT, product.name
