"""Dangerous outcomes of a change, to show before anything else.

* the anonymous visitor (anyone on the internet) gains Browse Projects, or anything else;
* someone gains Administer Projects, or a global admin permission;
* an integration's service account loses something its readiness profile needs.  Service accounts are the
  ones the caller names (accountId -> profile id) and those whose display name or email begins with a
  profile's id (``backbone-sync@...`` is Backbone's); their needs are checked with the readiness audit
  (:mod:`explorer.core.readiness.audit`) before and after the change, in the projects the change touches.
"""

from __future__ import annotations

import re
import weakref
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import accumulate

from explorer.core.model import ANONYMOUS_ID, Account, AccountType, Snapshot
from explorer.core.readiness.profiles import Profile
from explorer.core.replay import catalogue
from explorer.core.replay.explanation import Verdict
from explorer.core.replay.index import SiteIndex
from explorer.core.review.diff import ADMIN_GLOBALS
from explorer.core.whatif.effects import Effects, Move

NAMES_SHOWN = 5


@dataclass(frozen=True, slots=True)
class Danger:
    """One dangerous outcome, in one line, with who and where."""

    kind: str  # public | admin | service_account
    summary: str
    account_ids: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    permission: str | None = None
    profile_id: str | None = None
    details: tuple[str, ...] = ()  # one line per lost requirement (service accounts)


def _names(ix: SiteIndex, account_ids: list[str]) -> str:
    shown = sorted((ix.name(a) for a in account_ids), key=str.lower)
    head = ", ".join(shown[:NAMES_SHOWN])
    return head + (f" and {len(shown) - NAMES_SHOWN} more" if len(shown) > NAMES_SHOWN else "")


def _places(moves: list[Move]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.where for m in moves))


def find_dangers(before: SiteIndex, after: SiteIndex, effects: Effects, profiles: tuple[Profile, ...],
                 service_accounts: Mapping[str, str]) -> tuple[Danger, ...]:
    out = _public(effects) + _admin(after, effects)
    if profiles:
        out += _service_accounts(before, after, effects, profiles, service_accounts)
    return tuple(out)


def _public(effects: Effects) -> list[Danger]:
    by_perm: dict[str, list[Move]] = defaultdict(list)
    for m in effects.moves:
        if m.kind == "gained" and ANONYMOUS_ID in m.accounts:
            by_perm[m.permission].append(m)
    out = []
    for perm in sorted(by_perm, key=lambda p: (p != catalogue.BROWSE, catalogue.display_name(p))):
        places = _places(by_perm[perm])
        where = ", ".join(places)
        if perm == catalogue.BROWSE:
            summary = f"Anyone on the internet, without logging in, could browse {where}"
        else:
            summary = f"Anonymous visitors (not logged in) gain {catalogue.display_name(perm)} in {where}"
        out.append(Danger("public", summary, (ANONYMOUS_ID,), places, perm))
    return out


def _admin(ix: SiteIndex, effects: Effects) -> list[Danger]:
    out = []
    for perm in (catalogue.ADMINISTER_PROJECTS, *sorted(ADMIN_GLOBALS)):
        moves = [m for m in effects.moves if m.kind == "gained" and m.permission == perm and m.issue_key is None]
        if not moves:
            continue
        accounts = sorted({a for m in moves for a in m.accounts})
        places = _places(moves)
        who = _names(ix, accounts)
        count = f"{len(accounts)} account{'s' if len(accounts) != 1 else ''}"
        if perm == catalogue.ADMINISTER_PROJECTS:
            summary = f"{count} gain{'s' if len(accounts) == 1 else ''} Administer Projects in {', '.join(places)}: {who}"
        else:
            summary = f"{count} gain{'s' if len(accounts) == 1 else ''} the global permission " \
                      f"{catalogue.display_name(perm)}: {who}"
        out.append(Danger("admin", summary, tuple(accounts), places, perm))
    return out


# ---------------------------------------------------------------- service accounts


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def profile_of(account: Account, profiles: tuple[Profile, ...]) -> Profile | None:
    """The profile an account's name or email says it serves (``backbone-sync@`` -> backbone), if any."""
    if account.account_type in (AccountType.CUSTOMER, AccountType.ANONYMOUS):
        return None
    words = [_norm(account.display_name)]
    if account.email:
        words.append(_norm(account.email.split("@", 1)[0]))
    for profile in profiles:
        keys = {profile.id, _norm(profile.name)}
        if any(w == k or w.startswith(k + "-") for w in words for k in keys if k):
            return profile
    return None


_NAMED: weakref.WeakKeyDictionary[Snapshot, dict[tuple[str, ...], dict[str, str]]] = weakref.WeakKeyDictionary()


def _mentioning(accounts: tuple[Account, ...], words: set[str]) -> list[Account]:
    """The accounts whose name or email contains one of ``words`` (lowercase letters and digits): one regular
    expression over all of them at once, which on a large site is far cheaper than a test per account."""
    if not words:
        return []
    lines = [f"{a.display_name}\t{a.email or ''}".lower() for a in accounts]  # lowered one by one: exact offsets
    starts = list(accumulate((len(line) + 1 for line in lines), initial=0))
    found = re.compile("|".join(map(re.escape, sorted(words)))).finditer("\n".join(lines))
    return [accounts[i] for i in sorted({bisect_right(starts, m.start()) - 1 for m in found})]


def named_service_accounts(snapshot: Snapshot, profiles: tuple[Profile, ...]) -> dict[str, str]:
    """accountId -> profile id of every account whose name or email says which profile it serves (cached per
    snapshot: a what-if on a large site asks once, not once per account that moves)."""
    per_snapshot = _NAMED.setdefault(snapshot, {})
    key = tuple(p.id for p in profiles)
    found = per_snapshot.get(key)
    if found is None:
        found = per_snapshot[key] = _named(snapshot.accounts, profiles)
    return found


def _named(accounts: tuple[Account, ...], profiles: tuple[Profile, ...]) -> dict[str, str]:
    """accountId -> profile id of those of ``accounts`` whose name or email says which profile they serve."""
    heads = {re.split(r"[^a-z0-9]+", key)[0] for p in profiles for key in (p.id, _norm(p.name)) if key}
    heads.discard("")
    found = {}
    for account in _mentioning(accounts, heads):
        profile = profile_of(account, profiles)
        if profile is not None:
            found[account.account_id] = profile.id
    return found


def _service_accounts(before: SiteIndex, after: SiteIndex, effects: Effects, profiles: tuple[Profile, ...],
                      explicit: Mapping[str, str]) -> list[Danger]:
    by_id = {p.id: p for p in profiles}
    snapshot = before.snapshot
    moved = effects.accounts()
    if snapshot in _NAMED or len(moved) * 8 > len(snapshot.accounts):
        named = named_service_accounts(snapshot, profiles)
    else:  # few accounts move: look only at them (the whole site is read once it is worth it, then kept)
        named = _named(tuple(a for a in map(before.account, sorted(moved)) if a is not None), profiles)
    serving = {**named, **explicit}
    touched: dict[str, set[str]] = {}  # service account -> projects where its answers moved
    for m in effects.moves:
        for aid in m.accounts & serving.keys():
            places = touched.setdefault(aid, set())
            if m.project_key is not None:
                places.add(m.project_key)
    out = []
    for aid in sorted(touched, key=lambda a: before.name(a).lower()):
        account = before.account(aid)
        profile = by_id.get(serving[aid])
        if account is None or aid == ANONYMOUS_ID or profile is None:
            continue
        out += _losses(before, after, account, profile, sorted(touched[aid]))
    return out


def _losses(before: SiteIndex, after: SiteIndex, account: Account, profile: Profile,
            projects: list[str]) -> list[Danger]:
    from explorer.core.readiness.audit import Auditor  # only when a service account's answers move

    old = Auditor(before.snapshot, account, with_fixes=False).audit(profile, projects=projects or None)
    new = Auditor(after.snapshot, account, with_fixes=False).audit(profile, projects=projects or None)
    was = {(c.project_key, c.column.number): c for c in old.cells()}
    lost: dict[str, list[str]] = defaultdict(list)  # requirement label -> places
    needed_for: dict[str, list[str]] = {}
    for cell in new.cells():
        prior = was.get((cell.project_key, cell.column.number))
        if prior is None or prior.verdict is not Verdict.ALLOWED or cell.verdict is Verdict.ALLOWED:
            continue
        label = cell.requirement.label
        lost[label].append(cell.project_key or "the site")
        needed_for.setdefault(label, [])
        if cell.column.feature.title not in needed_for[label]:
            needed_for[label].append(cell.column.feature.title)
    if not lost:
        return []
    details = []
    places: list[str] = []
    for label, where in lost.items():
        spots = [w for w in dict.fromkeys(where) if w != "the site"]
        place = f" in {', '.join(spots)}" if spots else ""
        details.append(f"{label}{place}, needed for {' and '.join(repr(t) for t in needed_for[label])}")
        places += where
    n = len(details)
    summary = (f"{account.display_name}, the {profile.name} service account, loses {n} thing{'s' if n != 1 else ''} "
               "its profile needs")
    return [Danger("service_account", summary, (account.account_id,), tuple(dict.fromkeys(places)),
                   profile_id=profile.id, details=tuple(details))]
