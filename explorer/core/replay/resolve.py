"""Finding the account a person means: accountId (Data Center: the user key), username, email or display name."""

from __future__ import annotations

import difflib

from explorer.core.errors import LookupFailed
from explorer.core.model import ANONYMOUS, ANONYMOUS_ID, Account, Deployment, Snapshot


def _describe(account: Account) -> str:
    """An account as a candidate in a message: its name, username or email, and its id (what tells it apart)."""
    handle = account.username or account.email
    shown = f"{handle}, " if handle else ""
    id_word = "key" if account.username else "accountId"
    state = ", deactivated" if not account.active else ""
    return f"{account.display_name} <{shown}{id_word} {account.account_id}{state}>"


def resolve_account(snapshot: Snapshot, text: str) -> Account:
    """The one account ``text`` names: an accountId (on Data Center the user key), a username (Data Center),
    an email or a display name (case-insensitive).

    ``anonymous`` is the logged-out visitor.  Raises :class:`LookupFailed` when no
    account or several match, listing the candidates.
    """
    wanted = text.strip()
    if not wanted:
        raise LookupFailed("the account name is empty: give an accountId, an email or a display name")
    if wanted.lower() in (ANONYMOUS_ID, "anonymous user", "logged-out", "(anonymous)"):
        return ANONYMOUS
    for account in snapshot.accounts:
        if account.account_id == wanted:
            return account
    low = wanted.lower()
    by_username = [a for a in snapshot.accounts if a.username and a.username.lower() == low]
    if len(by_username) == 1:
        return by_username[0]
    by_email = [a for a in snapshot.accounts if a.email and a.email.lower() == low]
    if len(by_email) == 1:
        return by_email[0]
    by_name = [a for a in snapshot.accounts if a.display_name.lower() == low]
    if len(by_name) == 1:
        return by_name[0]
    matches = by_email or by_name
    if not matches:
        partial = [a for a in snapshot.accounts
                   if low in a.display_name.lower() or (a.email and low in a.email.lower())
                   or (a.username and low in a.username.lower())]
        if len(partial) == 1:
            return partial[0]
        matches = partial
    if matches:
        listed = "; ".join(_describe(a) for a in matches[:8])
        more = f" and {len(matches) - 8} more" if len(matches) > 8 else ""
        ids = "username, key" if any(a.username for a in matches) else "accountId"
        # Emails that differ only in case cannot tell the candidates apart: only the ids can.
        emails = [a.email.lower() for a in matches if a.email]
        instead = ids.replace(", ", " or ") if len(set(emails)) < len(emails) else f"{ids} or email"
        raise LookupFailed(
            f"{text!r} matches {len(matches)} accounts: {listed}{more}; give the {instead} instead",
            tuple(a.account_id for a in matches),
        )
    names = {a.display_name: a for a in snapshot.accounts}
    close = difflib.get_close_matches(wanted, list(names), n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    what = "key, username" if snapshot.site.deployment is Deployment.DATA_CENTER else "accountId"
    raise LookupFailed(f"unknown account {text!r}: no {what}, email or display name matches.{hint}",
                       tuple(names[c].account_id for c in close))
