"""Commands for sites and credentials: login, logout, sites, doctor.

The API token is never accepted on the command line: ``login`` asks for it with
no echo (or reads one line from stdin when stdin is a pipe) before anything
else happens.
"""

from __future__ import annotations

import argparse
import json
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from explorer.core.errors import UserError
from explorer.core.escape import visible

if TYPE_CHECKING:
    from explorer.store.config import Config, SiteConfig

ENV_TOKEN = "JIRA_API_TOKEN"  # explorer.store.credentials.ENV_TOKEN, spelled here so --help loads no store module

EXIT_OK = 0
EXIT_PROBLEM = 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("login", help="check a token (or DC password) for a Jira site and store it in the OS keyring",
                       description="Ask for the secret (no echo; one line from stdin when it is a pipe): for Jira "
                                   "Cloud the API token of --email; for Jira Data Center a personal access token "
                                   "(no --email) or the password of --email USERNAME. Check it with GET myself, store "
                                   "it in the OS keyring and add the site to the config file. The first site becomes "
                                   "the default. The secret is never accepted as an argument.")
    p.add_argument("--site", required=True, help="site URL, like https://your-site.atlassian.net")
    p.add_argument("--email", "--user", dest="email",
                   help="Cloud: the Atlassian account email the token belongs to; Data Center: the username for "
                        "basic auth (leave it out to use a personal access token)")
    p.add_argument("--deployment", choices=("cloud", "dc"),
                   help="the site's dialect (default: an email means Cloud, a username or none Data Center)")
    p.add_argument("--default", action="store_true", help="make this the default site")
    p.add_argument("--no-store", action="store_true",
                   help=f"check the token and remember the site, but do not store the token (use {ENV_TOKEN})")
    p.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for Jira (default 15)")
    p.add_argument("--token", "--api-token", "--password", nargs="?", action=_RefuseToken, help=argparse.SUPPRESS)
    p.add_argument("stray", nargs="*", help=argparse.SUPPRESS)  # refused in cmd_login without echoing it
    p.set_defaults(handler=cmd_login)

    p = sub.add_parser("logout", help="remove a stored API token from the OS keyring",
                       description="Remove the keyring entry of a site+email (the default site when none is "
                                   "given). --forget also removes the site from the config file.")
    p.add_argument("--site", help="site URL (default: the default site)")
    p.add_argument("--email", "--user", dest="email",
                   help="account email or DC username (needed when the site has several)")
    p.add_argument("--forget", action="store_true", help="also remove the site from the config file")
    p.set_defaults(handler=cmd_logout)

    p = sub.add_parser("sites", help="list configured sites, the default and whether a token is stored",
                       description="List the configured sites; * marks the default. Shows whether a token is "
                                   "available, never the token.")
    p.add_argument("--format", "-f", choices=("text", "json"), default="text")
    p.set_defaults(handler=cmd_sites)

    p = sub.add_parser("doctor", help="check keyring, paths, sites, tokens and connectivity",
                       description="Report the keyring backend in use and why the others are not viable, the "
                                   "config and data paths, the configured sites, whether each has a token, and "
                                   "(unless --offline) a sign-in check per site. Exit 0 when every site is ready, "
                                   "2 when any is not.")
    p.add_argument("--site", help=f"check only this configured site (and apply {ENV_TOKEN} to it)")
    p.add_argument("--offline", action="store_true", help="skip the network checks")
    p.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for each site (default 15)")
    p.set_defaults(handler=cmd_doctor)


# --------------------------------------------------------------------------- login / logout

class _RefuseToken(argparse.Action):
    """``--token X``: refused without repeating X (argv is visible in ps and shell history)."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:  # type: ignore[override]
        raise UserError(f"the API token is never accepted on the command line ({option_string} is visible in ps "
                        "and shell history); run login and paste it at the prompt, or pipe it on stdin")


def cmd_login(args: argparse.Namespace) -> int:
    if args.stray:
        raise UserError(f"login takes no positional arguments ({len(args.stray)} given, not shown in case one is "
                        "a token); the token is asked for at the prompt or read from stdin")
    from explorer.core.model import Deployment
    from explorer.jira.site_check import check_site
    from explorer.store import credentials
    from explorer.store.config import (
        DC,
        SiteConfig,
        load_config,
        normalise_email,
        normalise_site_url,
        normalise_username,
        save_config,
    )
    from explorer.store.credentials import KeyringUnavailable

    site = normalise_site_url(args.site)
    dc = args.deployment == "dc" or (args.deployment is None and not (args.email and "@" in args.email))
    email = normalise_username(args.email or "") if dc or args.email is None else normalise_email(args.email)
    config = load_config()  # a broken config file should stop us before the prompt
    what = credentials.secret_name(email)
    whose = f"for {email} at {site}" if email else f"for {site}"
    token = credentials.read_token(f"{what[0].upper() + what[1:]} {whose} (input hidden): ")
    deployment = {"cloud": Deployment.CLOUD, "dc": Deployment.DATA_CENTER}.get(args.deployment or "")
    me = check_site(site, email or None, token, token_source="prompt", timeout=_timeout(args.timeout),
                    deployment=deployment)
    on_dc = me.deployment is Deployment.DATA_CENTER
    if not on_dc and email and not dc:
        email = normalise_email(email)
    stored_in = None
    if not args.no_store:
        try:
            stored_in = credentials.store_token(site, email, token)
        except KeyringUnavailable as error:
            noun = "password" if what == "password" else "token"
            raise UserError(f"{email or f'the {what}'} signed in to {site}, but the {noun} was not stored and "
                            f"nothing was changed: {error}; or run login again with --no-store to only remember the "
                            "site") from None
    config.add(SiteConfig(site, email, DC if on_dc else ""), make_default=args.default)
    save_config(config)
    default = " (default site)" if config.default_site == site else ""
    where = f"{what} stored in the OS keyring ({stored_in})" if stored_in else \
        f"{what} not stored: set {ENV_TOKEN} when you use this site"
    who = f"{me.display_name} ({me.username})" if on_dc and me.username else \
        f"{me.display_name} <{me.email or email}>"
    name = visible(who, one_line=True)  # server text: one visible line
    product = " (Jira Data Center)" if on_dc else ""
    print(f"signed in to {site}{default}{product} as {name}; {where}")
    return EXIT_OK


def cmd_logout(args: argparse.Namespace) -> int:
    from explorer.store import credentials
    from explorer.store.config import load_config, save_config
    from explorer.store.credentials import KeyringUnavailable

    config = load_config()
    chosen = config.select(args.site, args.email, allow_no_user=True)
    unreachable: KeyringUnavailable | None = None
    try:
        removed = credentials.delete_token(chosen.url, chosen.email)
    except KeyringUnavailable as error:
        removed, unreachable = False, error
    if unreachable is not None:
        message = (f"nothing was removed: the OS keyring is not usable here ({unreachable.reason}), so jira-perms "
                   f"cannot tell whether an API token is stored for {chosen.email} at {chosen.url}; run logout "
                   "where the keyring works")
    elif removed:
        message = f"removed the API token for {chosen.email} at {chosen.url} from the OS keyring"
    else:
        message = f"no API token was stored for {chosen.email} at {chosen.url}"
    if args.forget:
        if config.remove(chosen.url, chosen.email):
            save_config(config)
            message += "; removed the site from the config file"
        else:
            message += "; the site was not in the config file"
    elif unreachable is not None:
        raise UserError(message)
    print(message)
    if os.environ.get(ENV_TOKEN, "").strip():
        print(f"note: {ENV_TOKEN} is still set in this environment and is used before the keyring")
    return EXIT_OK


def _timeout(value: float) -> float:
    if not value > 0:
        raise UserError("--timeout must be a positive number of seconds")
    return value


# --------------------------------------------------------------------------- sites

def _token_state(site: SiteConfig) -> tuple[str, str | None]:
    """(``keyring`` | ``none`` | ``unknown``, the keyring problem if any)."""
    from explorer.store import credentials
    from explorer.store.credentials import KeyringUnavailable

    try:
        return ("keyring" if credentials.get_stored_token(site.url, site.email) else "none"), None
    except KeyringUnavailable as error:
        return "unknown", error.reason


def cmd_sites(args: argparse.Namespace) -> int:
    from explorer.store.config import config_path, load_config, site_snapshot_dir

    config = load_config()
    env_set = bool(os.environ.get(ENV_TOKEN, "").strip())
    rows = []
    problem = None
    for site in config.sites:
        state, why = _token_state(site)
        problem = problem or why
        rows.append({"url": site.url, "email": site.email, "default": site.url == config.default_site,
                     "deployment": "dc" if site.deployment else "cloud",
                     "keyring_token": state, "snapshots": str(site_snapshot_dir(site.url))})
    if args.format == "json":
        print(json.dumps({"config_file": str(config_path()), "default_site": config.default_site,
                          "env_token_set": env_set, "keyring_problem": problem, "sites": rows}, indent=2))
        return EXIT_OK
    if not rows:
        print("no sites configured: run `jira-perms login --site URL --email EMAIL`")
        return EXIT_OK
    width_url = max(len(r["url"]) for r in rows)
    shown = [r["email"] or "(personal access token)" for r in rows]
    width_email = max(len(who) for who in shown)
    for r, who in zip(rows, shown):
        mark = "*" if r["default"] else " "
        token = {"keyring": "token in keyring", "none": "no token stored",
                 "unknown": "token unknown (keyring not usable)"}[r["keyring_token"]]
        dc = "  Data Center" if r["deployment"] == "dc" else ""
        print(f"{mark} {r['url']:<{width_url}}  {who:<{width_email}}  {token}{dc}")
    if env_set:
        print(f"{ENV_TOKEN} is set: it is used for every site before the keyring")
    if problem:
        print(f"keyring: {problem}")
    return EXIT_OK


# --------------------------------------------------------------------------- doctor

def cmd_doctor(args: argparse.Namespace) -> int:
    from explorer.store import credentials
    from explorer.store.config import Config, config_path, load_config, normalise_site_url
    from explorer.store.paths import data_dir

    timeout = _timeout(args.timeout)
    out: list[str] = []
    say = out.append
    report = credentials.diagnose_keyring()
    say("keyring")
    say(f"  backend in use: {report.active or 'none'}" + (" - usable" if report.usable else ""))
    if not report.usable:
        say(f"  problem: {report.reason}")
        say(f"  what to do: {credentials.HEADLESS_HINT}")
    for cand in report.candidates:
        if cand.name == report.active:
            continue
        prio = "" if cand.priority is None else f" (priority {cand.priority:g})"
        say(f"  {'viable' if cand.usable else 'not viable'}: {cand.name}{prio}: {cand.reason}")
    say(f"  PYTHON_KEYRING_BACKEND: {report.env_backend or '(not set)'}")
    if report.config_file:
        say(f"  keyring config file: {report.config_file}")
    say(f"  timeout per keyring call: {credentials.keyring_timeout():g} s ({credentials.ENV_TIMEOUT})")

    config_error = None
    try:
        config = load_config()
    except UserError as error:
        config, config_error = Config(), str(error)
    say("paths")
    say(f"  config file: {_describe_file(config_path())}")
    say(f"  data folder: {_describe_dir(data_dir())}")
    sites = config.sites
    if args.site is not None and not config_error:
        url = normalise_site_url(args.site)
        sites = [s for s in config.sites if s.url == url]
        if not sites:
            raise UserError(f"{url} is not configured: run `jira-perms login --site {url} --email EMAIL` first "
                            "(on Data Center, without --email for a personal access token)")
    env_token = os.environ.get(ENV_TOKEN, "").strip()
    env_site = _env_token_site(args.site, config) if env_token and not config_error else None
    if not env_token:
        say(f"  {ENV_TOKEN}: not set")
    elif env_site is None:
        say(f"  {ENV_TOKEN}: set, but not used: several sites are configured; name the one it belongs to with "
            "--site")
    else:
        say(f"  {ENV_TOKEN}: set, used for {env_site} (before the keyring)")

    say("sites")
    failures = 0
    if config_error:
        say(f"  config problem: {config_error}")
        failures += 1
    elif not config.sites:
        say("  none configured: run `jira-perms login --site URL --email EMAIL`")
    for site in sites:
        mark = " (default)" if site.url == config.default_site else ""
        dc = "  (Jira Data Center)" if site.deployment else ""
        say(f"  {site.url}{mark}  {site.email or '(personal access token)'}{dc}")
        ok = _doctor_site(site, env_token if site.url == env_site else "", report.usable, args.offline, timeout,
                          say)
        failures += 0 if ok else 1
    total = len(sites)
    if config_error:
        verdict = "config file unreadable"
    elif not total:
        verdict = "no sites configured"
    else:
        verdict = f"{total - failures} of {total} site{'s' if total != 1 else ''} ready" + \
            (" (offline: sign-in not checked)" if args.offline else "")
    say(f"verdict: {verdict}")
    print("\n".join(out))
    return EXIT_PROBLEM if failures else EXIT_OK


def _env_token_site(named: str | None, config: Config) -> str | None:
    """The one site JIRA_API_TOKEN is for: the one named with --site, or the only configured one."""
    from explorer.store.config import normalise_site_url

    if named is not None:
        return normalise_site_url(named)
    urls = {s.url for s in config.sites}
    return urls.pop() if len(urls) == 1 else None


def _doctor_site(site: SiteConfig, env_token: str, keyring_usable: bool, offline: bool, timeout: float,
                 say) -> bool:
    from explorer.store import credentials

    token, source = None, None
    state, why = ("unknown", "keyring not usable") if not keyring_usable else _token_state(site)
    say(f"    keyring token: {'present' if state == 'keyring' else 'absent' if state == 'none' else 'unknown'}"
        + (f" ({why})" if why and keyring_usable else ""))
    if env_token:
        token, source = env_token, "env"
    elif state == "keyring":
        try:
            token, source = credentials.resolve_token(site.url, site.email, interactive=False), "keyring"
        except UserError as error:
            say(f"    verdict: NOT READY - {error}")
            return False
    if token is None:
        if state == "unknown":
            say(f"    verdict: NOT READY - no token: the keyring is not usable (see above); set {ENV_TOKEN}")
        else:
            login = f"jira-perms login --site {site.url}" + (f" --email {site.email}" if site.email else "")
            say(f"    verdict: NOT READY - no token: run `{login}` or set {ENV_TOKEN}")
        return False
    say(f"    token used: from {'JIRA_API_TOKEN' if source == 'env' else 'the OS keyring'}")
    if offline:
        say("    verdict: token available (offline: sign-in not checked)")
        return True
    from explorer.core.model import Deployment
    from explorer.jira.site_check import SiteCheckFailed, check_site

    try:
        me = check_site(site.url, site.email or None, token, token_source=source or "prompt", timeout=timeout,
                        deployment=Deployment.DATA_CENTER if site.deployment else None)
    except SiteCheckFailed as error:
        say(f"    verdict: FAILED - {error}")
        return False
    ids = f"{me.username}, key {me.account_id}" if me.username else me.account_id
    say(f"    verdict: OK - signed in as {visible(f'{me.display_name} ({ids})', one_line=True)} in "
        f"{me.elapsed_ms} ms")
    return True


def _describe_file(path: Path) -> str:
    try:
        st = path.stat()
    except FileNotFoundError:
        return f"{path} (not created yet)"
    except OSError as error:
        return f"{path} (unreadable: {error.strerror})"
    mode = stat.S_IMODE(st.st_mode)
    warn = "" if mode & 0o077 == 0 else f" - WARNING: readable by others, run chmod 600 {path}"
    return f"{path} (mode {mode:04o}){warn}"


def _describe_dir(path: Path) -> str:
    if not path.exists():
        return f"{path} (not created yet)"
    snapshots = sum(1 for _ in path.glob("sites/*/*.jpsnap"))
    return f"{path} ({snapshots} snapshot{'s' if snapshots != 1 else ''} in site folders)"
