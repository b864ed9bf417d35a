"""Global permissions of every active account, with as few ``POST permissions/check`` calls as the site allows.

Cloud has no endpoint listing who holds a global permission: Jira can only be
asked per account.  Global permissions are granted to groups, so two accounts
with the same groups and account type hold the same ones; the plain way asks
one account per distinct (group set, account type) - 41,664 calls on a
50,000-account site.  This module asks far fewer:

1. **Infer.**  An answer for an account with features F (its groups, plus
   its account type) says: every feature in F grants nothing outside the
   answer; and for each permission in the answer, some feature in F grants it
   - the one feature not yet ruled out, when only one is left.  Accounts are
   chosen greedily to rule out the most (group, permission) pairs still open;
   a set whose answer these facts settle is not asked.
2. **Verify.**  A sample of the settled sets is asked anyway.  Any mismatch,
   or any contradiction while inferring, means the site does not behave like
   "a union of group grants" (an app or a rule jira-perms does not know): then
   every remaining set is asked, the plain way.
3. **Fall back** per set when inference is ambiguous: a set no facts settle
   is simply asked.

The result is the same map the plain way gives (the tests compare both on
generated sites); the fact's detail says how many accounts were asked.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from explorer.core.model import AccountType
from explorer.jira import shape
from explorer.jira.tasks import all_of

if TYPE_CHECKING:
    from explorer.jira.client import JiraClient

CHECK = "/rest/api/3/permissions/check"
VERIFY_SHARE = 0.02  # of the inferred sets, asked anyway
VERIFY_MIN, VERIFY_MAX = 8, 200

Features = frozenset[str]


@dataclass(frozen=True)
class Outcome:
    held: dict[str, frozenset[str]]  # accountId -> global permission keys
    detail: str  # for the completeness record
    asked: int  # permissions/check calls made for other accounts


class Inference:
    """What each feature (a group, or ``type:<account type>``) is known to grant or not, per permission."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys = tuple(keys)
        self.yes: dict[str, set[str]] = {k: set() for k in self.keys}
        self.no: dict[str, set[str]] = {k: set() for k in self.keys}
        self._pending: dict[str, list[Features]] = {k: [] for k in self.keys}
        self.broken = False  # an answer contradicted "a union of feature grants"
        self.touched: set[str] = set()  # features whose grants became known since the caller last looked

    def learn(self, answers: Iterable[tuple[Features, frozenset[str]]]) -> None:
        """Take in answers (features of an account, the permissions Jira said it holds)."""
        for features, answer in answers:
            for key in self.keys:
                if key in answer:
                    self._pending[key].append(features)
                else:
                    if not features.isdisjoint(self.yes[key]):
                        self.broken = True
                    if not features <= self.no[key]:
                        self.touched |= features - self.no[key]
                        self.no[key] |= features
        for key in self.keys:
            yes, no = self.yes[key], self.no[key]
            left = []
            for features in self._pending[key]:
                if not features.isdisjoint(yes):
                    continue
                open_ = features - no
                if not open_:
                    self.broken = True
                elif len(open_) == 1:
                    yes |= open_
                    self.touched |= open_
                else:
                    left.append(features)
            self._pending[key] = [f for f in left if f.isdisjoint(yes)]

    def predict(self, features: Features) -> frozenset[str] | None:
        """The permissions of an account with these features, or None while any is undecided."""
        held = []
        for key in self.keys:
            if not features.isdisjoint(self.yes[key]):
                held.append(key)
            elif not features <= self.no[key]:
                return None
        return frozenset(held)

    def open_keys(self, features: Features) -> list[str]:
        """The permissions not yet decided for an account with these features (empty: decided)."""
        return [key for key in self.keys if features.isdisjoint(self.yes[key]) and not features <= self.no[key]]

    def gain(self, features: Features, keys: list[str], covered: dict[str, set[str]] | None = None) -> int:
        """How many undecided (feature, permission) pairs asking this set could rule out."""
        no = self.no
        if covered is None:
            return sum(len(features - no[key]) for key in keys)
        return sum(len(features - no[key] - covered[key]) for key in keys)


class GlobalCheck:
    """``POST permissions/check`` for global permissions, one account at a time or for a whole site."""

    def __init__(self, client: JiraClient, keys: Sequence[str], *, infer: bool = True) -> None:
        """``infer=False`` asks Jira about one account per set, the plain way (kept for comparison)."""
        self.c = client
        self.keys = list(keys)
        self.infer = infer

    async def ask(self, account_id: str | None) -> frozenset[str]:
        """The global permissions Jira grants ``account_id`` (the caller when None)."""
        body: dict[str, Any] = {"globalPermissions": self.keys, "projectPermissions": []}
        if account_id is not None:
            body["accountId"] = account_id
        data = await self.c.post(CHECK, body)
        try:
            granted = shape.items(shape.obj(data, "the answer").get("globalPermissions"), "globalPermissions")
            return frozenset(k for k in (shape.text(g, "a global permission key") for g in granted)
                             if k in self.keys)
        except shape.Shape as e:
            raise self.c.shape_error(f"POST {CHECK}", f"a list of granted permissions ({e})") from None

    async def for_accounts(self, accounts: Sequence[tuple[str, frozenset[str], AccountType]], me: str,
                           mine: frozenset[str], progress: Any = None) -> Outcome:
        """Every account's global permissions (``accounts``: id, groups, type; active accounts only)."""
        classes: dict[Features, list[str]] = {}
        for account_id, groups, kind in accounts:
            classes.setdefault(groups | {f"type:{kind.value}"}, []).append(account_id)
        answers: dict[Features, frozenset[str]] = {}
        for features, members in classes.items():
            if me in members:
                answers[features] = mine
        inference = Inference(self.keys)
        inference.learn(answers.items())
        inference.broken = not self.infer
        if progress is not None:
            progress.expect("global permission checks", len(classes) - len(answers))
        batch = max(64, self.c.concurrency * 8)
        rank = {f: n for n, f in enumerate(sorted(classes, key=sorted))}  # a stable tie-break

        async def ask_sets(sets: list[Features]) -> None:
            found = await all_of([self.ask(min(classes[f])) for f in sets])
            answers.update(zip(sets, found))
            inference.learn(zip(sets, found))
            if progress is not None:
                progress.done("global permission checks", len(sets))

        # 1. infer, asking the most informative sets; a set's score changes only when one of its features does
        undecided: dict[Features, tuple[list[str], int]] = {}
        for features in classes:
            if features not in answers and (keys := inference.open_keys(features)):
                undecided[features] = (keys, inference.gain(features, keys))
        inference.touched.clear()
        while undecided and not inference.broken:
            chosen = _most_informative(inference, undecided, max(batch, len(undecided) // 16), rank)
            await ask_sets(chosen)
            for features in chosen:
                del undecided[features]
            touched, inference.touched = inference.touched, set()
            for features in [f for f in undecided if not f.isdisjoint(touched)]:
                keys = inference.open_keys(features)
                if keys:
                    undecided[features] = (keys, inference.gain(features, keys))
                else:
                    del undecided[features]
        inferred = [f for f in classes if f not in answers]
        checked = 0
        # 2. verify a sample of what was inferred
        if inferred and not inference.broken:
            rng = random.Random(len(classes) * 7919 + len(inferred))
            share = max(VERIFY_MIN, min(VERIFY_MAX, int(len(inferred) * VERIFY_SHARE)))
            sample = sorted(rng.sample(sorted(inferred, key=rank.__getitem__), min(share, len(inferred))),
                            key=rank.__getitem__)
            predicted = {f: inference.predict(f) for f in sample}
            await ask_sets(sample)
            checked = len(sample)
            if any(answers[f] != predicted[f] for f in sample):
                inference.broken = True
        # 3. the plain way for whatever is left when the site does not follow the model
        if inference.broken:
            rest = [f for f in classes if f not in answers]
            for i in range(0, len(rest), batch * 8):
                await ask_sets(rest[i:i + batch * 8])
        held: dict[str, frozenset[str]] = {}
        for features, members in classes.items():
            answer = answers.get(features)
            if answer is None:
                answer = inference.predict(features)
                assert answer is not None
            for account_id in members:
                held[account_id] = answer
        asked = sum(1 for f in answers if me not in classes[f])
        return Outcome(held, _detail(len(classes), asked, checked, inference.broken), asked)


def _most_informative(inference: Inference, undecided: dict[Features, tuple[list[str], int]], n: int,
                      rank: dict[Features, int]) -> list[Features]:
    """Up to ``n`` sets ruling out the most undecided (feature, permission) pairs between them: by score, few
    features first on a tie (a small set isolates the feature that grants), skipping a set when the sets
    already chosen cover more than half of what it would rule out (one pass: no re-scoring heap)."""
    chosen: list[Features] = []
    covered: dict[str, set[str]] = {key: set() for key in inference.keys}
    for features, (keys, gain) in sorted(undecided.items(), key=lambda kv: (-kv[1][1], len(kv[0]), rank[kv[0]])):
        if len(chosen) >= n or gain == 0:
            break
        if 2 * inference.gain(features, keys, covered) < gain:
            continue
        chosen.append(features)
        for key in keys:
            covered[key] |= features
    return chosen or list(undecided)[:n]


def _detail(sets: int, asked: int, checked: int, broken: bool) -> str:
    if broken:
        return (f"asked Jira about {asked} accounts, one per distinct set of groups and account type ({sets} sets); "
                "the others in each set share its answer")
    return (f"asked Jira about {asked} accounts for {sets} distinct sets of groups and account type: the other sets' "
            f"answers follow from which groups grant each global permission, inferred from those answers and "
            f"confirmed on {checked} sets asked anyway; the others in each set share its answer")
