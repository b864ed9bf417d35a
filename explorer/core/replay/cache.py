"""One prepared index per snapshot: built on first use, with the set evaluator's shared sets, and kept while the
snapshot lives."""

from __future__ import annotations

import weakref

from explorer.core.model import Snapshot
from explorer.core.replay.index import SiteIndex
from explorer.core.replay.site_sets import prepare

_CACHE: weakref.WeakKeyDictionary[Snapshot, SiteIndex] = weakref.WeakKeyDictionary()


def index_for(snapshot: Snapshot) -> SiteIndex:
    """The (cached) index of a snapshot."""
    index = _CACHE.get(snapshot)
    if index is None:
        index = SiteIndex(snapshot)
        prepare(index)
        _CACHE[snapshot] = index
    return index


