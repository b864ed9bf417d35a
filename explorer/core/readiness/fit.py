"""Which integration profile fits an account best (``audit --all-profiles``).

An integration's service account is usually named after the integration
("Backbone Sync", "Workato Connector", "Factory Droid"), and that is the best
evidence of what it was made for: profiles whose name, id or vendor share a
distinctive word with the account's display name, email or username come first.
Then, as the audit measures it: the largest share of applicable requirements
met, the fewest missing, the fewest least-privilege findings, the profile id.
"""

from __future__ import annotations

import re
from dataclasses import replace

from explorer.core.model import Account, Snapshot
from explorer.core.readiness.audit import Auditor
from explorer.core.readiness.profiles import Profile
from explorer.core.readiness.report import FitReport, ProfileFit

RANKING = ("profiles named like the account first (the integration it was made for), then the share of applicable "
           "requirements met, then the fewest missing, then the fewest least-privilege findings")

_GENERIC = frozenset({
    "jira", "atlassian", "cloud", "sync", "synchronization", "synchronisation", "integration", "integrations",
    "connector", "connection", "bot", "service", "account", "user", "app", "apps", "api", "admin", "the", "for",
    "and", "issue", "issues", "plus", "support", "team", "com", "net", "org", "io", "ai",
})
_WORD = re.compile(r"[^\W_]+")


def _words(*texts: str | None) -> set[str]:
    return {w for text in texts if text for w in _WORD.findall(text.lower()) if len(w) >= 3 and w not in _GENERIC}


def named_after(account: Account, profile: Profile) -> tuple[str, ...]:
    """The distinctive words the account's names share with the profile's name, id and vendor."""
    local = account.email.split("@", 1)[0] if account.email else None
    mine = _words(account.display_name, local, account.username)
    theirs = _words(profile.name, profile.id, profile.vendor)
    return tuple(sorted(mine & theirs))


def rank_profiles(snapshot: Snapshot, profiles: list[Profile] | tuple[Profile, ...], account: Account | str, *,
                  projects: list[str] | tuple[str, ...] | None = None) -> FitReport:
    """Run every profile (default features) and order them by fit (see :data:`RANKING`)."""
    auditor = Auditor(snapshot, account, with_fixes=False)
    fits = []
    for profile in profiles:
        report = auditor.audit(profile, projects=projects)
        t = report.totals
        fits.append(ProfileFit(profile, report, t["met"], t["missing"], t["undetermined"], t["findings"],
                               named=named_after(auditor.account, profile)))
    fits.sort(key=lambda f: (not f.named, -f.share, f.missing, f.findings, f.profile.id))
    ranked = tuple(replace(f, rank=i) for i, f in enumerate(fits, 1))
    return FitReport(auditor.account, snapshot.site.url, snapshot.provenance.taken_at, ranked)
