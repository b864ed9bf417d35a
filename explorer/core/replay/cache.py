"""One prepared index per snapshot: built on first use, with the set evaluator's shared sets, and kept while the
snapshot lives."""

from __future__ import annotations

import gc
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
        paused = gc.isenabled()
        gc.disable()  # the tables are a few hundred thousand new containers on a large site: no collections
        try:
            index = SiteIndex(snapshot) if copy_of is None else derive(index_for(copy_of), snapshot)
            prepare(index)
        finally:
            if paused:
                gc.enable()
        if copy_of is None:
            gc.freeze()  # built once, kept while the snapshot lives: out of the collector's sight
        _CACHE[snapshot] = index
    return index


def is_indexed(snapshot: Snapshot) -> bool:
    """Whether the index of ``snapshot`` is built (a question about it then takes well under a millisecond)."""
    return snapshot in _CACHE
