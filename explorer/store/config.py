"""The user's configuration file: configured Jira sites, the default site and key bindings.

The file is ``config.toml`` in :func:`explorer.store.paths.config_dir`::

    # jira-perms configuration. No secrets here: API tokens live in the OS keyring.
    default_site = "https://acme.atlassian.net"

    [[sites]]
    url = "https://acme.atlassian.net"
    email = "me@acme.com"

    [[sites]]                       # Jira Data Center: a username (basic auth), or "" for a personal access token
    url = "https://jira.example.com"
    email = ""
    deployment = "dc"

    [keymap]
    "app.quit" = "ctrl+q"

It is read with :mod:`tomllib` and written by the small writer below (atomic,
mode 0600).  Keys this version does not know are kept as they were.  A secret
is never written here: :func:`save_config` refuses any key that looks like one.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from explorer.core.errors import UserError
from explorer.store.paths import config_dir, data_dir, write_private

CONFIG_FILE = "config.toml"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_SECRET_KEYS = re.compile(r"token|secret|password|passwd|api[_-]?key|credential", re.IGNORECASE)
_HEADER = "# jira-perms configuration. No secrets here: API tokens live in the OS keyring.\n"


# --------------------------------------------------------------------------- site URLs

def normalise_site_url(text: str) -> str:
    """The canonical form of a Jira site URL: ``scheme://host[:port]``, nothing after it.

    Adds ``https://`` when there is no scheme, lower-cases the host, drops the
    default port, any path, query, fragment and trailing slash.  ``http`` is
    accepted only for loopback hosts (127.0.0.1, localhost, ::1).  Raises a
    one-line :class:`UserError` for anything else.
    """
    raw = (text or "").strip()
    if not raw:
        raise UserError("the site URL is empty; give it like https://your-site.atlassian.net")
    if any(ch.isspace() or ord(ch) < 32 or ch == "\x7f" for ch in raw):
        raise UserError("the site URL contains spaces or control characters; give it like "
                        "https://your-site.atlassian.net")
    match = _SCHEME.match(raw)
    if match is None:
        if "://" in raw or raw.startswith("//"):
            raise UserError("the site URL is malformed; give it like https://your-site.atlassian.net")
        raw = "https://" + raw
    scheme = _SCHEME.match(raw).group(1).lower()  # type: ignore[union-attr]
    try:
        parts = urlsplit(raw)
        port = parts.port
        host = parts.hostname
    except ValueError:
        raise UserError("the site URL has an invalid host or port; give it like "
                        "https://your-site.atlassian.net") from None
    if "@" in parts.netloc:
        # Never echo this URL: the part before "@" may be a password or token.
        raise UserError("the site URL must not contain a user name or password; give the site as "
                        "https://your-site.atlassian.net and the email with --email (the token is asked for)")
    if scheme not in ("https", "http"):
        raise UserError(f"the site URL must start with https:// (not {_clip(scheme)}://)")
    host = _normal_host(host or "")
    if scheme == "http" and host not in LOOPBACK_HOSTS:
        raise UserError(f"refusing plain http for {_clip(host)}: use https:// (http is only accepted for "
                        "127.0.0.1, localhost and ::1)")
    if port == 0:
        raise UserError("the site URL has port 0; give a port from 1 to 65535 or none")
    shown_host = f"[{host}]" if ":" in host else host
    default_port = 443 if scheme == "https" else 80
    suffix = f":{port}" if port is not None and port != default_port else ""
    return f"{scheme}://{shown_host}{suffix}"


def _normal_host(host: str) -> str:
    host = host.lower().rstrip(".")
    if not host:
        raise UserError("the site URL has no host name; give it like https://your-site.atlassian.net")
    if ":" in host:  # IPv6 (urlsplit removed the brackets)
        try:
            return ipaddress.IPv6Address(host).compressed
        except ValueError:
            raise UserError("the site URL has an invalid IPv6 address") from None
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise UserError(f"the site URL has an invalid host name: {_clip(host)}") from None
    if len(ascii_host) > 253 or not all(_LABEL.match(label) for label in ascii_host.split(".")):
        raise UserError(f"the site URL has an invalid host name: {_clip(host)}")
    return ascii_host


def site_host(site_url: str) -> str:
    """``host[:port]`` of a site, as used in keyring user names and folder names."""
    return normalise_site_url(site_url).split("://", 1)[1]


def is_loopback(site_url: str) -> bool:
    return urlsplit(normalise_site_url(site_url)).hostname in LOOPBACK_HOSTS


def _clip(text: str, limit: int = 60) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def normalise_email(text: str) -> str:
    """An account email, trimmed; a one-line :class:`UserError` if it is not one."""
    email = (text or "").strip()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+", email) or any(not ch.isprintable() for ch in email):
        raise UserError("the email is not valid; give the Atlassian account email, like me@example.com")
    return email


def normalise_username(text: str) -> str:
    """A Jira Data Center username (``""`` for none: a personal access token), trimmed; one line if unusable."""
    user = (text or "").strip()
    if any(ch.isspace() or not ch.isprintable() for ch in user) or len(user) > 255:
        raise UserError("the username is not valid: give the Jira Data Center username (no spaces), or leave "
                        "--email out to use a personal access token")
    return user


def normalise_user(text: str, deployment: str = "") -> str:
    """The account part of a site entry: an email on Cloud, a username (or ``""``) on Data Center."""
    return normalise_username(text) if deployment == DC else normalise_email(text)


DC = "dc"
"""``SiteConfig.deployment`` of a Jira Data Center (or Server) site; ``""`` is Cloud."""


# --------------------------------------------------------------------------- the model

@dataclass(frozen=True)
class SiteConfig:
    """One configured site and the account used on it (never a token).

    ``email`` is the Atlassian account email on Cloud; on Data Center
    (``deployment == "dc"``) it is the username for basic auth, or ``""`` when
    the site is used with a personal access token.
    """

    url: str
    email: str
    deployment: str = ""

    @property
    def uses_pat(self) -> bool:
        return self.deployment == DC and not self.email


@dataclass
class Config:
    sites: list[SiteConfig] = field(default_factory=list)
    default_site: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    """Top-level keys this version does not know, written back unchanged."""

    def find(self, site_url: str, email: str | None = None) -> list[SiteConfig]:
        """The configured entries for a site (any form of its URL), optionally for one email."""
        url = normalise_site_url(site_url)
        return [s for s in self.sites
                if s.url == url and (email is None or s.email.lower() == email.strip().lower())]

    def add(self, site: SiteConfig, *, make_default: bool = False) -> None:
        """Add or replace the entry for ``site.url`` + ``site.email``; the first site becomes the default."""
        site = SiteConfig(normalise_site_url(site.url), normalise_user(site.email, site.deployment), site.deployment)
        self.sites = [s for s in self.sites if not (s.url == site.url and s.email.lower() == site.email.lower())]
        self.sites.append(site)
        if make_default or self.default_site is None or not self.find(self.default_site):
            self.default_site = site.url

    def remove(self, site_url: str, email: str) -> bool:
        """Remove one entry; the default moves to the first remaining site, if any."""
        doomed = self.find(site_url, email)
        if not doomed:
            return False
        self.sites = [s for s in self.sites if s not in doomed]
        if self.default_site and not self.find(self.default_site):
            self.default_site = self.sites[0].url if self.sites else None
        return True

    def select(self, site: str | None = None, email: str | None = None, *, allow_no_user: bool = False
               ) -> SiteConfig:
        """The site+email a command should use: the given ones, else the default site.

        With only ``--site`` the configured email for it is used (it must be unique).
        With ``--site`` and ``--email`` a site that is not configured is fine.  With
        ``allow_no_user`` a site neither configured nor given an email is returned
        without one (a Data Center personal access token; the caller learns the
        deployment and refuses Cloud).  ``--email`` may hold a DC username.
        """
        if email is not None:
            email = normalise_username(email) if allow_no_user else normalise_email(email)
        if site is None:
            if not self.default_site:
                raise UserError("no Jira site is configured: run `jira-perms login --site URL --email EMAIL` "
                                "or pass --site and --email")
            site = self.default_site
        url = normalise_site_url(site)
        if email is not None:
            known = self.find(url, email)
            return known[0] if known else SiteConfig(url, email)
        known = self.find(url)
        if len(known) == 1:
            return known[0]
        if not known and allow_no_user:
            return SiteConfig(url, "")
        if not known:
            raise UserError(f"{url} is not configured: pass --email, or run `jira-perms login --site {url} "
                            "--email EMAIL`")
        emails = ", ".join(s.email for s in known)
        raise UserError(f"{url} is configured for several accounts ({emails}); pass --email")


# --------------------------------------------------------------------------- files

def config_path() -> Path:
    return config_dir() / CONFIG_FILE


def load_config() -> Config:
    """Read the configuration; a missing file is an empty configuration."""
    path = config_path()
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return Config()
    except UnicodeDecodeError:
        raise UserError(f"the config file {path} is not UTF-8 text; fix it or delete it") from None
    except OSError as e:
        raise UserError(f"cannot read the config file {path}: {e.strerror or e}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise UserError(f"the config file {path} is not valid TOML ({e}); fix it or delete it") from None
    return _config_from_dict(data, path)


def _config_from_dict(data: dict[str, Any], path: Path) -> Config:
    def bad(what: str) -> UserError:
        return UserError(f"the config file {path} is invalid: {what}; fix it or delete it")

    data = dict(data)
    raw_sites = data.pop("sites", [])
    if not isinstance(raw_sites, list):
        raise bad("'sites' must be a list of [[sites]] tables")
    config = Config()
    for n, entry in enumerate(raw_sites, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str) \
                or not isinstance(entry.get("email"), str):
            raise bad(f"site {n} needs text 'url' and 'email'")
        deployment = entry.get("deployment", "")
        if deployment not in ("", "cloud", DC):
            raise bad(f"site {n}: deployment must be \"cloud\" or \"dc\"")
        deployment = DC if deployment == DC else ""
        try:
            site = SiteConfig(normalise_site_url(entry["url"]), normalise_user(entry["email"], deployment), deployment)
        except UserError as e:
            raise bad(f"site {n}: {e}") from None
        if site not in config.sites:
            config.sites.append(site)
    default = data.pop("default_site", None)
    if default is not None:
        if not isinstance(default, str):
            raise bad("'default_site' must be text")
        try:
            config.default_site = normalise_site_url(default)
        except UserError as e:
            raise bad(f"default_site: {e}") from None
    keymap = data.pop("keymap", {})
    if not isinstance(keymap, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                               for k, v in keymap.items()):
        raise bad("[keymap] must map binding ids to key names (text = text)")
    config.keymap = dict(keymap)
    config.extra = data
    return config


def save_config(config: Config) -> Path:
    """Write the configuration atomically with mode 0600; returns the path."""
    _refuse_secrets(config.extra, "")
    _refuse_secrets(config.keymap, "keymap.")
    data: dict[str, Any] = {}
    if config.default_site:
        data["default_site"] = normalise_site_url(config.default_site)
    data.update(config.extra)
    data["sites"] = [{"url": s.url, "email": s.email, **({"deployment": s.deployment} if s.deployment else {})}
                     for s in config.sites]
    if config.keymap:
        data["keymap"] = dict(config.keymap)
    return write_private(config_path(), (_HEADER + dumps_toml(data)).encode("utf-8"))


def _refuse_secrets(table: dict[str, Any], prefix: str) -> None:
    for key, value in table.items():
        if _SECRET_KEYS.search(key):
            raise UserError(f"refusing to write '{prefix}{key}' to the config file: secrets belong in the OS "
                            "keyring (jira-perms login) or JIRA_API_TOKEN")
        if isinstance(value, dict):
            _refuse_secrets(value, f"{prefix}{key}.")


# --------------------------------------------------------------------------- per-site data

def site_snapshot_dir(site_url: str) -> Path:
    """The folder for a site's snapshots: ``<data dir>/sites/<host[_port]>`` (not created here)."""
    slug = re.sub(r"[^a-z0-9.-]", "_", site_host(site_url).lower())
    return data_dir() / "sites" / slug


def new_snapshot_path(site_url: str, when: _dt.datetime | None = None) -> Path:
    """A timestamped snapshot file name in the site's folder, e.g. ``snapshot-20250101T120000Z.jpsnap``."""
    when = (when or _dt.datetime.now(_dt.UTC)).astimezone(_dt.UTC)
    return site_snapshot_dir(site_url) / f"snapshot-{when:%Y%m%dT%H%M%SZ}.jpsnap"


# --------------------------------------------------------------------------- a small TOML writer

def dumps_toml(data: dict[str, Any]) -> str:
    """Serialise a dict of the types :mod:`tomllib` returns back to TOML text.

    Scalars and inline arrays first, then tables, then arrays of tables, so the
    output is valid whatever the key order.  (A dozen lines instead of a
    dependency: tomli-w would be the only reason to add one.)
    """
    lines: list[str] = []
    _write_table(lines, [], data)
    return "\n".join(lines).lstrip("\n") + "\n"


def _write_table(lines: list[str], path: list[str], table: dict[str, Any]) -> None:
    scalars = {k: v for k, v in table.items() if not _is_table(v) and not _is_table_array(v)}
    tables = {k: v for k, v in table.items() if _is_table(v)}
    arrays = {k: v for k, v in table.items() if _is_table_array(v)}
    for key, value in scalars.items():
        lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in tables.items():
        sub = [*path, key]
        lines.append("")
        lines.append(f"[{'.'.join(_key(k) for k in sub)}]")
        _write_table(lines, sub, value)
    for key, items in arrays.items():
        sub = [*path, key]
        for item in items:
            lines.append("")
            lines.append(f"[[{'.'.join(_key(k) for k in sub)}]]")
            _write_table(lines, sub, item)


def _is_table(value: Any) -> bool:
    return isinstance(value, dict)


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _string(key)


def _string(text: str) -> str:
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 32 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, _dt.datetime | _dt.date | _dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")
