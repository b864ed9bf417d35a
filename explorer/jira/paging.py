"""Every paging style of Jira's REST API, bounded: a mixin of :class:`~explorer.jira.client.JiraClient`.

* PageBean (``startAt``/``maxResults``, ``isLast``/``total``): ends on
  ``isLast`` (or an empty page), never on a short page.  Once ``total`` is
  known the remaining pages are fetched concurrently, but ``total`` is never
  trusted beyond the item bound; a low ``total`` is paged past.
* Bare arrays (``users/search``): until an empty page, in windows of 1, 2,
  4, ... pages at once.
* Jira Service Management (``start``/``limit``/``isLastPage``).
* Cursors (Data Center ``user/list``: ``nextCursor``/``isLast``).

A list stops with :class:`~explorer.jira.errors.PagingStopped` (holding what
was read) when a page repeats the first one (the server ignores the offset)
or the page before it (no progress: a trickle of the same junk), when it
outgrows ``max_items``, or when the client's whole item budget is spent: a
hostile server cannot make a paging loop run forever or fill memory.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from explorer.jira.errors import PagingStopped
from explorer.jira.tasks import all_of

if TYPE_CHECKING:
    from explorer.jira.limits import Limits
    from explorer.jira.scrub import Scrubber

Params = Iterable[tuple[str, str | int | bool]]


@dataclass(frozen=True, slots=True)
class _Page:
    items: list
    last: bool
    total: int | None = None


@dataclass(frozen=True, slots=True)
class _Chunk:
    items: list
    ended: bool
    repeated: str = ""  # why the list cannot go on: a page came back again


Fetch = Callable[[int, int], Awaitable[_Page]]
_REPEATED = {True: "a page repeated the first one (the server ignores 'startAt')",
             False: "a page repeated the one before it (the list makes no progress)"}


class Paging:
    """Paging on top of ``get`` (provided by the client)."""

    host: str
    concurrency: int
    limits: Limits
    scrub: Scrubber
    _items_used: int = 0

    if TYPE_CHECKING:  # provided by the client
        async def get(self, path: str, params: Params | None = None) -> Any: ...

        def shape_error(self, endpoint: str, expected: str) -> Exception: ...

    async def page_bean(self, path: str, params: Params = (), *, page_size: int = 50,
                        max_items: int | None = None) -> list:
        """Every ``values`` item of a PageBean endpoint, in order."""
        params = list(params)

        async def fetch(start: int, size: int) -> _Page:
            data = await self.get(path, [*params, ("startAt", start), ("maxResults", size)])
            if not isinstance(data, dict):
                raise self.shape_error(f"GET {path}", "a page object")
            values = data.get("values")
            if values is None:
                values = []
            elif not isinstance(values, list):
                raise self.shape_error(f"GET {path}", "a page whose values are a list")
            total = data.get("total")
            total = total if isinstance(total, int) and not isinstance(total, bool) and total >= 0 else None
            last = data.get("isLast")
            if not isinstance(last, bool):  # no isLast: a next page link, or the total, tells
                last = not data.get("nextPage") and total is not None and start + len(values) >= total
            return _Page(values, last, total)

        return await self._offset_list(fetch, page_size, bean=True, endpoint=f"GET {path}", max_items=max_items)

    async def offset_array(self, path: str, params: Params = (), *, page_size: int = 100,
                           max_items: int | None = None) -> list:
        """Every item of a bare-array endpoint (``users/search``): pages until an empty one."""
        params = list(params)

        async def fetch(start: int, size: int) -> _Page:
            data = await self.get(path, [*params, ("startAt", start), ("maxResults", size)])
            if not isinstance(data, list):
                raise self.shape_error(f"GET {path}", "a JSON array")
            return _Page(data, False)

        return await self._offset_list(fetch, page_size, bean=False, endpoint=f"GET {path}", max_items=max_items)

    async def jsm_pages(self, path: str, params: Params = (), *, limit: int = 50,
                        max_items: int | None = None) -> list:
        """Every ``values`` item of a Jira Service Management endpoint (``start``/``limit``/``isLastPage``)."""
        endpoint = f"GET {path}"
        cap = self._cap(max_items)
        items: list = []
        first: list | None = None
        previous: list | None = None
        start = 0
        while True:
            data = await self.get(path, [*params, ("start", start), ("limit", limit)])
            if not isinstance(data, dict) or not isinstance(data.get("values") or [], list):
                raise self.shape_error(endpoint, "a page object with a list of values")
            values = data.get("values") or []
            if values and values in (first, previous):
                raise self._stopped(endpoint, items, _REPEATED[values == first].replace("startAt", "start"))
            first = first if first is not None else values
            previous = values
            items.extend(values)
            self._spend(endpoint, items, len(values), cap)
            if data.get("isLastPage") is True or not values:
                return items
            start += len(values)

    async def cursor_pages(self, path: str, params: Params = (), *, page_size: int = 2000,
                           max_items: int | None = None) -> list:
        """Every ``values`` item of a cursor-paged endpoint (Data Center ``user/list``: ``cursor`` in,
        ``nextCursor`` and ``isLast`` out), in order; a cursor that comes back twice stops the list."""
        endpoint = f"GET {path}"
        cap = self._cap(max_items)
        items: list = []
        seen: set[str] = set()
        cursor: str | None = None
        while True:
            query = [*params, ("maxResults", page_size), *((("cursor", cursor),) if cursor is not None else ())]
            data = await self.get(path, query)
            if not isinstance(data, dict) or not isinstance(data.get("values") or [], list):
                raise self.shape_error(endpoint, "a page object with a list of values")
            values = data.get("values") or []
            items.extend(values)
            self._spend(endpoint, items, len(values), cap)
            following = data.get("nextCursor")
            if data.get("isLast") is True or not values or following in (None, ""):
                return items
            cursor = str(following)[:100]
            if cursor in seen:
                raise self._stopped(endpoint, items, "a cursor came back twice (the list would never end)")
            seen.add(cursor)

    # ---- offset paging ---------------------------------------------------------------------

    async def _offset_list(self, fetch: Fetch, page_size: int, *, bean: bool, endpoint: str,
                           max_items: int | None) -> list:
        cap = self._cap(max_items)
        first = await fetch(0, page_size)
        items = list(first.items)
        self._spend(endpoint, items, len(items), cap)
        if first.last or not first.items:
            return items
        step = len(first.items)  # the page size the server really uses

        async def fill(start: int, end: int | None) -> _Chunk:
            return await self._fill(fetch, start, end, step, bean, first.items)

        position = len(items)
        if bean and first.total is not None and first.total > position:
            end = min(first.total, cap + 1)  # trust no total beyond what the list may hold
            chunks = await all_of([fill(s, min(s + step, end)) for s in range(position, end, step)])
            if self._gather(endpoint, items, chunks, cap):
                return items
            position = end  # the total was low: keep going below
        width = 1
        while True:  # no total: fetch a window of pages at once (1, 2, 4, ... pages wide), stop at the end
            window = [(position + i * step, position + (i + 1) * step) for i in range(width)]
            chunks = await all_of([fill(s, e) for s, e in window])
            if self._gather(endpoint, items, chunks, cap):
                return items
            position = window[-1][1]
            width = min(width * 2, self.concurrency)

    def _gather(self, endpoint: str, items: list, chunks: list[_Chunk], cap: int) -> bool:
        """Add the chunks in order; True at the end of the list.  Raises when the list is out of bounds."""
        for chunk in chunks:
            items.extend(chunk.items)
            self._spend(endpoint, items, len(chunk.items), cap)
            if chunk.repeated:
                raise self._stopped(endpoint, items, chunk.repeated)
            if chunk.ended:
                return True
        return False

    @staticmethod
    async def _fill(fetch: Fetch, start: int, end: int | None, step: int, bean: bool, first: list) -> _Chunk:
        """Items ``start..end`` (to the end when ``end`` is None), however short the pages come back."""
        items: list = []
        previous: list | None = None
        position = start
        while end is None or position < end:
            size = step if end is None else min(step, end - position)
            page = await fetch(position, size)
            if page.items and page.items in (first[:len(page.items)], previous):
                return _Chunk(items, False, repeated=_REPEATED[page.items == first[:len(page.items)]])
            previous = page.items
            items.extend(page.items)
            position += len(page.items)
            if not page.items or (bean and page.last):
                return _Chunk(items, True)
        return _Chunk(items, False)

    # ---- bounds ----------------------------------------------------------------------------

    def _cap(self, max_items: int | None) -> int:
        return min(max_items, self.limits.max_items) if max_items is not None else self.limits.max_items

    def _spend(self, endpoint: str, items: list, added: int, cap: int) -> None:
        self._items_used += added
        if len(items) > cap:
            del items[cap:]
            raise self._stopped(endpoint, items, f"the list grew past {cap:,} items, more than the site can hold")
        if self._items_used > self.limits.max_total_items:
            raise self._stopped(endpoint, items, f"this run has read more than {self.limits.max_total_items:,} "
                                                 "list items in all")

    def _stopped(self, endpoint: str, items: list, why: str) -> PagingStopped:
        return PagingStopped(f"{endpoint} on {self.host}: stopped after {len(items):,} items: {why}", items,
                             endpoint=endpoint)
