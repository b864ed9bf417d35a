"""Run awaitables concurrently, the first failure cancelling the rest (no exception groups, no orphans)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")


async def all_of(calls: Iterable[Awaitable[Any]]) -> list[Any]:
    """The results of ``calls`` in order; the first failure cancels the others and is raised as it is.

    Unlike ``asyncio.gather``, nothing keeps running after a failure, and unlike a
    ``TaskGroup`` the error is not wrapped in an exception group, so a one-line
    :class:`~explorer.core.errors.UserError` stays one line.
    """
    tasks = [asyncio.ensure_future(c) for c in calls]
    if not tasks:
        return []
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in tasks:
            if task.done() and not task.cancelled() and task.exception() is not None:
                error = task.exception()
                assert error is not None
                raise error
        return [t.result() for t in tasks]
    finally:
        pending = [t for t in tasks if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        for task in tasks:  # mark every failure as seen: only the first is raised
            if not task.cancelled():
                task.exception()


def run(coro: Awaitable[T]) -> T:
    """``asyncio.run(coro)``, without ``repr()`` of the result.

    When Python 3.11's ``asyncio.run`` restores the SIGINT handler it builds an
    error message holding ``repr()`` of its handler, which holds the main task,
    whose repr holds the task's result: for a 50,000-account snapshot that is two
    reprs of several seconds and hundreds of MB.  The result is handed back
    through a box instead, and the main task returns None.
    """
    box: list[T] = []

    async def boxed() -> None:
        box.append(await coro)

    asyncio.run(boxed())
    return box[0]
