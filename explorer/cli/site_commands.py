"""Commands that talk to a live Jira site (Cloud or Data Center): sync (site -> snapshot file) and verify."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from explorer.cli.output import json_out
from explorer.core.errors import UserError

if TYPE_CHECKING:
    from explorer.core.model import Snapshot
    from explorer.jira.client import JiraClient
    from explorer.jira.sync import SyncProgress

EXIT_AGREE, EXIT_DISAGREE, EXIT_UNDETERMINED = 0, 1, 3


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sync", help="read a Jira site's permission configuration (Cloud or Data Center) into a snapshot file",
        description="Read accounts, groups, products, projects, schemes, roles, issue security, workflows and global "
                    "permissions from a Jira Cloud or Data Center site (chosen from serverInfo; --deployment "
                    "overrides) into a snapshot file. Facts the account may not read, and on Data Center facts its "
                    "REST API does not publish, are recorded as gaps (--supply FORM fills the latter, see jira-perms "
                    "supply). The token comes from JIRA_API_TOKEN, the OS keyring (jira-perms login) or a one-time "
                    "prompt; nothing is written unless the sync succeeds.")
    _site_args(p)
    p.add_argument("-o", "--output", metavar="FILE",
                   help="snapshot file to write (default: a timestamped file in the site's data folder)")
    p.add_argument("--project", action="append", default=[], metavar="KEY",
                   help="sync only this project (repeatable; default: every project the account can see)")
    p.add_argument("--issue", action="append", default=[], metavar="KEY",
                   help="add this issue's permission-relevant fields (repeatable)")
    p.add_argument("--supply", metavar="FORM",
                   help="Data Center: merge this hand-filled form of the facts DC does not publish (jira-perms supply)")
    p.set_defaults(handler=cmd_sync)

    p = sub.add_parser(
        "verify", help="ask Jira itself and compare with the local replay of a snapshot",
        description="Ask Jira whether an account has a permission and show the local replay next to it, or check N "
                    "random (account, permission, project) triples and report the agreement rate and every "
                    "disagreement. Cloud: POST /rest/api/3/permissions/check (Administer Jira to ask about other "
                    "accounts). Data Center: mypermissions for your own account, user/permission/search for others "
                    "(Administer Projects), user/viewissue/search for Browse on an issue; each answer says which. "
                    "Exit 0 agree, 1 a disagreement, 3 the replay could not determine, 2 error.")
    p.add_argument("--snapshot", "-s", metavar="FILE", required=True, help="the snapshot to replay")
    _site_args(p, site_help="the Jira site to ask (default: the snapshot's site)")
    p.add_argument("--account", "-a", help="accountId (DC: key or username), email or display name")
    p.add_argument("--permission", "-p", help="permission key or name")
    scope = p.add_mutually_exclusive_group()
    scope.add_argument("--project", help="project key")
    scope.add_argument("--issue", help="issue key (must be in the snapshot)")
    p.add_argument("--sample", type=int, metavar="N", help="check N random (account, permission, project) triples")
    p.add_argument("--seed", type=int, help="random seed for --sample (printed, to repeat a run)")
    p.add_argument("--format", "-f", choices=("text", "json"), default="text")
    p.set_defaults(handler=cmd_verify)


def _site_args(p: argparse.ArgumentParser, site_help: str = "Jira site URL (default: the configured default "
                                                               "site)") -> None:
    p.add_argument("--site", metavar="URL", help=site_help)
    p.add_argument("--email", "--user", dest="email", metavar="EMAIL",
                   help="Cloud: the Atlassian account email; Data Center: the username for basic auth (leave it out "
                        "to sign in with a personal access token); default: the one configured for the site")
    p.add_argument("--deployment", choices=("cloud", "dc"),
                   help="the site's dialect, when serverInfo does not say it right (default: from serverInfo)")
    p.add_argument("--concurrency", type=int, default=8, metavar="N", help="requests in flight at once (default 8)")
    p.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS",
                   help="deadline for one whole request, headers and body (default 120)")
    p.add_argument("--phase-timeout", type=float, default=3600.0, metavar="SECONDS",
                   help="deadline for each phase: signing in, reading accounts, groups, projects, ... (default 3600)")
    p.add_argument("--max-retries", type=int, default=5, metavar="N",
                   help="retries after a 5xx or a connection error, per request (default 5)")
    p.add_argument("--max-wait", type=float, default=600.0, metavar="SECONDS",
                   help="longest total wait when Jira rate-limits (Retry-After), all requests together (default 600)")
    p.add_argument("--max-response-mb", type=int, default=64, metavar="MB",
                   help="largest answer accepted, after decompression (default 64)")
    p.add_argument("--max-items", type=int, default=250_000, metavar="N",
                   help="most items read from one paged list before it is recorded as cut short (default 250000)")
    p.add_argument("--debug", action="store_true",
                   help="log every request to stderr (the Authorization header is redacted)")


# ---------------------------------------------------------------------------- shared plumbing


def _account_for(site: str | None, email: str | None) -> tuple[str, str | None, str]:
    """(site URL, email or DC username or None for a personal access token, token) from the options, the
    configuration and the token sources."""
    from explorer.store.config import load_config
    from explorer.store.credentials import resolve_token

    chosen = load_config().select(site, email, allow_no_user=True)
    token = resolve_token(chosen.url, chosen.email, interactive=True)
    return chosen.url, chosen.email or None, token


def _deployment(args: argparse.Namespace):
    from explorer.jira.dialects import deployment_named

    return deployment_named(args.deployment) if getattr(args, "deployment", None) else None


def _configured(url: str) -> str:
    """A snapshot's own site, only when it is a configured site: a snapshot is not trusted to pick the host
    that receives the credentials."""
    from explorer.jira.scrub import clip, one_line
    from explorer.store.config import load_config, normalise_site_url

    shown = clip(one_line(url), 80)
    try:
        site = normalise_site_url(url)
    except UserError:
        site = None
    if site is None or not load_config().find(site):
        raise UserError(f"the snapshot names the site {shown}, which is not configured: credentials only go to a "
                        "site you configured (jira-perms login) or name with --site; pass --site URL to ask a site "
                        "you trust")
    return site


def _client(args: argparse.Namespace, site: str, email: str | None, token: str) -> JiraClient:
    from explorer.jira.client import JiraClient
    from explorer.jira.limits import MB, Limits, RetryPolicy

    if args.concurrency < 1 or args.concurrency > 64:
        raise UserError("--concurrency must be between 1 and 64")
    if args.max_retries < 0:
        raise UserError("--max-retries cannot be negative")
    for flag, value in (("--timeout", args.timeout), ("--phase-timeout", args.phase_timeout),
                        ("--max-wait", args.max_wait)):
        if not 0 < value < 10**7:
            raise UserError(f"{flag} must be a positive number of seconds")
    if not 1 <= args.max_response_mb <= 4096:
        raise UserError("--max-response-mb must be between 1 and 4096")
    if not 1 <= args.max_items <= 10**8:
        raise UserError("--max-items must be between 1 and 100000000")
    limits = Limits(read_timeout=min(30.0, args.timeout), request_deadline=args.timeout,
                    phase_deadline=args.phase_timeout, max_response_bytes=args.max_response_mb * MB,
                    max_items=args.max_items, max_total_items=max(args.max_items, Limits.max_total_items))
    return JiraClient(site, email, token, concurrency=args.concurrency, limits=limits,
                      retry=RetryPolicy(max_retries=args.max_retries, max_wait=min(300.0, args.max_wait),
                                        max_total_wait=args.max_wait))


def _debug_logging(enabled: bool) -> None:
    if not enabled:
        return
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("jira-perms debug: %(message)s"))
    logger = logging.getLogger("explorer.jira")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


def _is_tty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# ---------------------------------------------------------------------------- sync


def cmd_sync(args: argparse.Namespace) -> int:
    from explorer.jira.sync import SyncProgress
    from explorer.jira.tasks import run
    from explorer.store.config import new_snapshot_path
    from explorer.store.paths import check_replaceable, make_private_dirs
    from explorer.store.snapshot_file import write_snapshot

    _debug_logging(args.debug)
    form = None
    if args.supply:
        from explorer.store.supplied import read_form

        form = read_form(args.supply)  # a broken form stops us before the sync, not after it
    site, email, token = _account_for(args.site, args.email)
    output = Path(args.output) if args.output else new_snapshot_path(site)
    if output.is_dir():
        raise UserError(f"{output} is a directory: give a file name for the snapshot with -o")
    check_replaceable(output)  # -o /dev/full or a FIFO: refused before the sync, not after it
    if args.output is None:
        make_private_dirs(output.parent)
    elif not output.parent.is_dir():
        raise UserError(f"cannot write {output}: the folder {output.parent} does not exist")
    progress = SyncProgress()
    started = time.monotonic()
    client = _client(args, site, email, token)
    del token
    snapshot = run(_run_sync(client, args, progress, has_user=email is not None))
    elapsed = time.monotonic() - started
    supplied = None
    if form is not None:
        from explorer.store.supplied import supply

        supplied = supply(snapshot, form, source=Path(args.supply).name)
        snapshot = supplied.snapshot
    write_snapshot(snapshot, output)  # only now, and atomically: a failed or interrupted sync writes nothing
    sys.stdout.write(_summary(snapshot, output, client, elapsed, supplied))
    return 0


async def _run_sync(client: JiraClient, args: argparse.Namespace, progress: SyncProgress, *,
                    has_user: bool) -> Snapshot:
    import asyncio

    from explorer.jira.dialects import sync_site

    display = asyncio.ensure_future(_show_progress(client, progress)) if _is_tty(sys.stderr) else None
    try:
        async with client:
            return await sync_site(client, deployment=_deployment(args), projects=args.project, issues=args.issue,
                                   progress=progress, has_user=has_user)
    finally:
        if display is not None:
            display.cancel()
            await asyncio.gather(display, return_exceptions=True)
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


async def _show_progress(client: JiraClient, progress: SyncProgress) -> None:
    import asyncio

    while True:
        counts = " · ".join(f"{label} {done}/{total}" if total else f"{label} {done}"
                            for label, (done, total) in progress.counts.items())
        stats = client.stats
        line = f"{progress.phase} · {counts + ' · ' if counts else ''}requests {stats.requests} · retries " \
               f"{stats.retries}" + (f" (rate limited {stats.rate_limited})" if stats.rate_limited else "")
        sys.stderr.write("\r\x1b[K" + line[:200])
        sys.stderr.flush()
        await asyncio.sleep(0.2)


def _count(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


def _summary(snapshot: Snapshot, output: Path, client: JiraClient, elapsed: float, supplied=None) -> str:
    from explorer.core.model import Deployment, Status
    from explorer.jira.scrub import clip, one_line
    from explorer.jira.sync import gap_summary

    s = snapshot
    stats = client.stats
    product = "Jira Cloud"
    if s.site.deployment is Deployment.DATA_CENTER:
        product = f"Jira Data Center {clip(one_line(s.site.server_version), 20)}".rstrip()
    title = clip(one_line(s.site.title), 60)  # server text: shown, never obeyed
    title = f"{title}, {product}" if title else product
    lines = [
        f"Wrote {output}",
        f"  site {s.site.url} ({title}), taken {s.provenance.taken_at} by {clip(one_line(s.provenance.taken_by), 80)}",
        "  " + ", ".join(_count(n, what) for n, what in (
            (len(s.accounts), "account"), (len(s.groups), "group"), (len(s.application_roles), "product"),
            (len(s.projects), "project"), (len(s.permission_schemes), "permission scheme"),
            (len(s.issue_security_schemes), "issue security scheme"), (len(s.workflows), "workflow"),
            (len(s.issues), "issue"))),
        f"  {stats.requests:,} requests, {stats.retries} retries, {elapsed:.1f}s",
    ]
    bound = stats.lower_bound(client.concurrency)
    latency = stats.latency()
    if bound and latency:
        lines.append(f"  lower bound {bound:.1f}s ({stats.requests:,} requests x {latency * 1000:.0f} ms latency / "
                     f"{client.concurrency} in flight): {elapsed / bound:.2f}x")
    if stats.rate_limited:
        lines.append(f"  rate limited {stats.rate_limited} times: waited {stats.waited:.0f}s in all")
    if supplied is not None:
        lines.append(f"Supplied by hand ({len(supplied.completed)}): " + "; ".join(supplied.completed))
        lines += [f"  warning: {w}" for w in supplied.warnings]
    gaps = gap_summary(s)
    if gaps:
        lines.append(f"Missing facts ({len(s.gaps)}): answers that depend on them say 'cannot determine'")
        lines += [f"  - {g}" for g in gaps]
        if any(f.status is Status.NOT_PUBLISHED for f in s.gaps):
            lines.append(f"  Data Center does not publish these; fill them in from its admin pages: jira-perms supply "
                         f"--snapshot {output} --template FORM, then jira-perms supply --snapshot {output} FORM -o OUT "
                         "(or sync again with --supply FORM)")
    else:
        hand = sum(1 for f in s.facts if f.supplied_by_hand)
        lines.append("Complete: every fact was read" + (f" ({hand} supplied by hand)." if hand else "."))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- verify


def cmd_verify(args: argparse.Namespace) -> int:
    from explorer.jira.dialects import verify_one, verify_sample
    from explorer.jira.tasks import run
    from explorer.jira.verify import comparison_json, comparison_text, report_json, report_text
    from explorer.store.snapshot_file import read_snapshot

    if args.sample is None and not (args.account and args.permission):
        raise UserError("jira-perms verify: give --account and --permission (with --project or --issue), "
                        "or --sample N")
    if args.sample is not None and (args.account or args.permission or args.project or args.issue):
        raise UserError("jira-perms verify: --sample N checks random triples; leave out --account, --permission, "
                        "--project and --issue")
    _debug_logging(args.debug)
    snapshot = read_snapshot(args.snapshot)
    site, email, token = _account_for(args.site or _configured(snapshot.site.url), args.email)
    client = _client(args, site, email, token)
    del token

    async def ask():
        async with client:
            if args.sample is not None:
                return await verify_sample(client, snapshot, args.sample, seed=args.seed)
            return await verify_one(client, snapshot, args.account, args.permission, args.project, args.issue)

    result = run(ask())
    if args.sample is not None:
        if args.format == "json":
            json_out(report_json(result))
        else:
            sys.stdout.write(report_text(result))
        if result.disagreements:
            return EXIT_DISAGREE
        return EXIT_UNDETERMINED if result.undetermined else EXIT_AGREE
    if args.format == "json":
        json_out(comparison_json(result))
    else:
        sys.stdout.write(comparison_text(result))
    return {True: EXIT_AGREE, False: EXIT_DISAGREE, None: EXIT_UNDETERMINED}[result.agrees]
