"""Global permissions inferred from a few accounts' answers equal the answers for every account (issue 12).

Jira is simulated by a function of an account's groups and type, as Cloud grants global permissions; the
inference must give every account exactly that answer while asking about far fewer accounts than there are
distinct group sets, and fall back to asking every set when an answer contradicts group grants.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.core.model import AccountType
from explorer.jira.global_check import GlobalCheck, Inference
from tests.hypothesis_profiles import examples

KEYS = ["ADMINISTER", "BULK_CHANGE", "CREATE_SHARED_OBJECTS", "USER_PICKER"]
Account = tuple[str, frozenset[str], AccountType]


class FakeJira:
    """Answers POST permissions/check from ``held(account id)``; counts the calls."""

    concurrency = 8

    def __init__(self, held: Callable[[str], frozenset[str]]) -> None:
        self.held = held
        self.asked: list[str] = []

    async def post(self, path: str, body: dict) -> dict:
        self.asked.append(body["accountId"])
        return {"globalPermissions": sorted(self.held(body["accountId"]) & set(body["globalPermissions"]))}

    def shape_error(self, endpoint: str, expected: str) -> Exception:
        return ValueError(expected)


def site(seed: int, accounts: int, groups: int) -> list[Account]:
    rng = random.Random(seed)
    names = [f"g{i}" for i in range(groups)]
    out = []
    for i in range(accounts):
        kind = AccountType.CUSTOMER if rng.random() < 0.05 else AccountType.ATLASSIAN
        picked = frozenset(rng.sample(names, rng.randint(0, min(5, groups)))) if kind is AccountType.ATLASSIAN \
            else frozenset()
        if rng.random() < 0.7:
            picked |= {"jira-users"}
        out.append((f"acc-{i}", picked, kind))
    return out


def union_of_grants(accounts: list[Account], grants: dict[str, set[str]], base: dict[AccountType, set[str]]):
    by_id = {a: (g, t) for a, g, t in accounts}

    def held(account_id: str) -> frozenset[str]:
        groups, kind = by_id[account_id]
        return frozenset(set(base.get(kind, ())).union(*(grants.get(g, set()) for g in groups)))

    return held


def run(accounts: list[Account], held, *, infer: bool = True):
    jira = FakeJira(held)
    me = accounts[0][0]
    outcome = asyncio.run(GlobalCheck(jira, KEYS, infer=infer).for_accounts(accounts, me, held(me)))  # type: ignore[arg-type]
    return outcome, jira


def test_inferred_answers_equal_jiras_for_every_account_with_far_fewer_checks():
    accounts = site(1, 3000, 120)
    grants = {"jira-users": {"USER_PICKER", "CREATE_SHARED_OBJECTS"}, "g3": {"ADMINISTER"}, "g7": {"BULK_CHANGE"},
              "g8": {"BULK_CHANGE", "ADMINISTER"}}
    held = union_of_grants(accounts, grants, {})
    outcome, jira = run(accounts, held)
    assert outcome.held == {a: held(a) for a, _, _ in accounts}
    sets = len({(g, t) for _, g, t in accounts})
    assert outcome.asked == len(jira.asked) < sets / 2
    assert f"for {sets} distinct sets" in outcome.detail and "confirmed on" in outcome.detail
    plain, plain_jira = run(accounts, held, infer=False)
    assert plain.held == outcome.held and len(plain_jira.asked) == sets - 1  # the caller's set needs no check


def test_answers_no_union_of_group_grants_explains_fall_back_to_asking_every_set():
    accounts = site(2, 800, 40)
    by_groups = union_of_grants(accounts, {"jira-users": {"USER_PICKER"}, "g1": {"ADMINISTER"}}, {})
    groups = {a: g for a, g, _ in accounts}

    def held(account_id: str) -> frozenset[str]:  # BULK_CHANGE needs two groups at once: not how Jira grants
        both = {"jira-users", "g1"} <= groups[account_id]
        return by_groups(account_id) | ({"BULK_CHANGE"} if both else set())

    outcome, jira = run(accounts, held)
    assert outcome.held == {a: held(a) for a, _, _ in accounts}
    assert "one per distinct set" in outcome.detail  # it noticed, and asked every set
    assert len(jira.asked) == len({(g, t) for _, g, t in accounts}) - 1


def test_the_inference_learns_one_granting_group_among_many():
    inference = Inference(["ADMINISTER"])
    inference.learn([(frozenset({"a", "b", "type:atlassian"}), frozenset()),
                     (frozenset({"b", "c", "type:atlassian"}), frozenset({"ADMINISTER"}))])
    assert inference.yes["ADMINISTER"] == {"c"} and {"a", "b", "type:atlassian"} <= inference.no["ADMINISTER"]
    assert inference.predict(frozenset({"c", "z"})) == frozenset({"ADMINISTER"})
    assert inference.predict(frozenset({"a", "z"})) is None  # z is unknown
    assert inference.predict(frozenset({"a", "b"})) == frozenset()
    inference.learn([(frozenset({"c"}), frozenset())])  # c was known to grant it: a contradiction
    assert inference.broken


@settings(max_examples=examples(60), deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 300), st.integers(1, 30),
       st.dictionaries(st.sampled_from([f"g{i}" for i in range(30)] + ["jira-users"]),
                       st.sets(st.sampled_from(KEYS), min_size=1), max_size=6),
       st.sets(st.sampled_from(KEYS), max_size=2))
def test_inference_equals_asking_everyone_on_any_site_of_group_grants(seed, n, groups, grants, anyone):
    accounts = site(seed, n, groups)
    held = union_of_grants(accounts, grants, {AccountType.ATLASSIAN: set(anyone)})
    outcome, jira = run(accounts, held)
    assert outcome.held == {a: held(a) for a, _, _ in accounts}
    assert len(jira.asked) <= len({(g, t) for _, g, t in accounts})
