"""One prepared index per snapshot: built on first use, with the set evaluator's shared sets, and kept while the
snapshot lives."""

from __future__ import annotations

import weakref

from explorer.core.model import Snapshot
from explorer.core.replay.derive import derive
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.site_sets import prepare

_CACHE: weakref.WeakKeyDictionary[Snapshot, SiteIndex] = weakref.WeakKeyDictionary()


def index_for(snapshot: Snapshot, *, copy_of: Snapshot | None = None) -> SiteIndex:
    """The (cached) index of a snapshot; of a changed copy of ``copy_of``, derived from that one's index."""
    index = _CACHE.get(snapshot)
    if index is None:
        index = SiteIndex(snapshot) if copy_of is None else derive(index_for(copy_of), snapshot)
        prepare(index)
        _CACHE[snapshot] = index
    return index


