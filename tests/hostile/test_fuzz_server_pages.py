"""Hypothesis fuzzing of server pages: drop, retype or duplicate any node of any answer the sync reads.

Whatever the server sends, the sync ends with a snapshot (the damaged facts recorded as gaps) or one
:class:`~explorer.core.errors.UserError` line - never another exception - its work is bounded (requests and
list items), and the snapshot it returns survives the file format's round trip.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.core.errors import UserError
from explorer.jira.client import JiraClient
from explorer.jira.limits import Limits, RetryPolicy
from explorer.jira.sync import sync_site
from explorer.store.snapshot_file import decode_snapshot, encode_snapshot
from tests.fake_jira import ADMIN_EMAIL, ADMIN_TOKEN, USERS, FakeJira, Faults, generate_site
from tests.hypothesis_profiles import examples

SITE = generate_site(seed=33, projects=3, accounts=16, groups=2)
API = "/rest/api/3"
TEMPLATES = [f"{API}{t}" for t in (
    "/serverInfo", "/myself", "/users/search", "/group/bulk", "/group/member", "/applicationrole",
    "/permissionscheme", "/project/search", "/project/{projectKeyOrId}/permissionscheme",
    "/project/{projectIdOrKey}/role", "/project/{projectIdOrKey}/role/{id}",
    "/project/{projectKeyOrId}/issuesecuritylevelscheme", "/issuesecurityschemes/{id}",
    "/issuesecurityschemes/level/member", "/workflowscheme/project", "/workflows", "/permissions",
    "/permissions/check", "/issue/{issueIdOrKey}")]
ODD_VALUES = [None, 5, -1, 10**30, 1.5, True, "", "x", "\x1b[2J", [], {}, [None], {"": None}]
LIMITS = Limits(request_deadline=10, phase_deadline=60, max_items=3000, max_total_items=20_000)
FAST = RetryPolicy(max_retries=1, max_rate_limit_retries=2, base_delay=0.01, max_delay=0.02, max_total_wait=1)
MAX_REQUESTS = 2000


def _positions(node: Any, limit: int = 400) -> list[tuple[Any, Any]]:
    """(container, key or index) of every node under ``node``, breadth first, at most ``limit``."""
    found: list[tuple[Any, Any]] = []
    queue = [node]
    while queue and len(found) < limit:
        current = queue.pop(0)
        if isinstance(current, dict):
            for key in list(current):
                found.append((current, key))
                queue.append(current[key])
        elif isinstance(current, list):
            for i, value in enumerate(current):
                found.append((current, i))
                queue.append(value)
    return found


def mutate(payload: Any, where: int, how: str, odd: Any) -> Any:
    doc = copy.deepcopy(payload)
    spots = _positions(doc)
    if not spots:
        return odd if how == "retype" else doc
    container, key = spots[where % len(spots)]
    if how == "drop":
        del container[key]
    elif how == "retype":
        container[key] = copy.deepcopy(odd)
    elif isinstance(container, list):  # duplicate
        container.insert(key, copy.deepcopy(container[key]))
    else:
        container[key] = [container[key], copy.deepcopy(container[key])]
    return doc


mutations = st.lists(st.tuples(st.sampled_from(TEMPLATES), st.integers(0, 10**6),
                               st.sampled_from(["drop", "retype", "duplicate"]), st.sampled_from(ODD_VALUES)),
                     min_size=1, max_size=3)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations, st.booleans())
def test_any_damaged_answer_ends_in_a_snapshot_or_one_line(changes, with_issue):
    by_template: dict[str, list[tuple[int, str, Any]]] = {}
    for template, where, how, odd in changes:
        by_template.setdefault(template, []).append((where, how, odd))

    def rewrite(template: str, query: dict, payload: Any) -> Any:
        for where, how, odd in by_template.get(template, ()):
            payload = mutate(payload, where, how, odd)
        return payload

    async def go(url: str):
        async with JiraClient(url, ADMIN_EMAIL, ADMIN_TOKEN, concurrency=4, limits=LIMITS, retry=FAST) as client:
            try:
                return await sync_site(client, issues=("PBA-1",) if with_issue else ())
            except UserError as error:
                return error

    with FakeJira(SITE, users=USERS, faults=Faults(rewrite=rewrite)) as fake:
        result = asyncio.run(go(fake.url))
        assert not fake.crashes
        assert fake.total_requests <= MAX_REQUESTS
    if isinstance(result, UserError):
        text = str(result)
        assert text and "\n" not in text and "\x1b" not in text and len(text) < 1500
        return
    assert len(result.accounts) <= LIMITS.max_items + len(SITE.accounts)
    again = decode_snapshot(encode_snapshot(result), "fuzzed")
    differ = [f.name for f in dataclasses.fields(result) if getattr(again, f.name) != getattr(result, f.name)]
    assert not differ, {name: (getattr(result, name), getattr(again, name)) for name in differ}
