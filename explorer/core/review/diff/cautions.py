"""What a reader must know before trusting a diff: the two snapshots are of different sites, or in reverse order."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from explorer.core.model import Snapshot


def _site(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}{parts.path.rstrip('/')}"


def _when(iso: str) -> datetime | None:
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None


def cautions(old: Snapshot, new: Snapshot) -> tuple[str, ...]:
    """One sentence per reason to read the diff with care (empty when there is none)."""
    found: list[str] = []
    if _site(old.site.url) != _site(new.site.url):
        found.append(f"The snapshots are of different sites ({old.site.url} and {new.site.url}): the diff compares "
                     "two unrelated configurations, not a change of one site.")
    before, after = _when(old.provenance.taken_at), _when(new.provenance.taken_at)
    if before is not None and after is not None and before.tzinfo is not None and after.tzinfo is not None \
            and before > after:
        found.append(f"OLD was taken after NEW ({old.provenance.taken_at} > {new.provenance.taken_at}): gains read "
                     "as losses; swap the two files to see what changed since the older one.")
    return tuple(found)
