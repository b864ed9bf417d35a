"""Read server JSON defensively: every accessor checks the type and says what was wrong.

A server may send a holder as a string, ``values: 5``, properties as a list,
nulls anywhere.  Converters read through these accessors; a wrong type raises
:class:`Shape` with a short reason, and the sync records the fact it was
reading as a gap with that reason instead of crashing or guessing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")

MAX_ID = 10**18  # ids and numbers beyond this are not Jira's


class Shape(Exception):
    """Server JSON of the wrong shape; ``str()`` is the reason, in jira-perms' words."""


def each(items: Iterable[Any], convert: Callable[[Any], T]) -> tuple[list[T], str]:
    """Every item ``convert`` can read, and the reason the first unreadable one was left out ("" if none)."""
    done: list[T] = []
    problem = ""
    for item in items:
        try:
            done.append(convert(item))
        except Shape as e:
            problem = problem or str(e)
    return done, problem


def kind(value: Any) -> str:
    """A short description of a JSON value's type, for a reason."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def obj(value: Any, what: str) -> dict:
    """``value`` as an object (a dict), or :class:`Shape`."""
    if not isinstance(value, dict):
        raise Shape(f"{what} is {kind(value)}, not an object")
    return value


def opt_obj(value: Any, what: str) -> dict | None:
    return None if value is None else obj(value, what)


def items(value: Any, what: str) -> list:
    """``value`` as a list; null is an empty list."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise Shape(f"{what} is {kind(value)}, not a list")
    return value


def text(value: Any, what: str) -> str:
    """A required text value (a number is accepted and written as text, as Jira's ids come both ways)."""
    found = opt_text(value, what)
    if found is None or found == "":
        raise Shape(f"{what} is missing")
    return found


def opt_text(value: Any, what: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        if abs(value) >= MAX_ID:
            raise Shape(f"{what} is a number too large to be Jira's")
        return str(value)
    raise Shape(f"{what} is {kind(value)}, not text")


def flag(value: Any, what: str, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise Shape(f"{what} is {kind(value)}, not true or false")
    return value
