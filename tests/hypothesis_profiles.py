"""Hypothesis profiles: ``fast`` by default, ``thorough`` in CI (``JIRA_PERMS_HYPOTHESIS=thorough``, set by .ci/run).

A test states the number of examples it wants when run thoroughly, ``settings(max_examples=examples(120))``;
the fast profile runs a quarter of them (at least 10), so a plain ``pytest -q`` stays quick while CI searches
as hard as each test asks.  Tests without ``max_examples`` get the profile's default (25 fast, 100 thorough).
Neither profile has a deadline: timings live in ``benchmarks/``, and a busy machine must not fail a test.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

ENV = "JIRA_PERMS_HYPOTHESIS"
PROFILES = ("fast", "thorough")
PROFILE = os.environ.get(ENV, "").strip() or "fast"
if PROFILE not in PROFILES:
    raise RuntimeError(f"{ENV}={PROFILE!r}: use one of {', '.join(PROFILES)}")


def examples(thorough: int) -> int:
    """How many examples to run: ``thorough`` in the thorough profile, a quarter of it (at least 10) in the fast."""
    return thorough if PROFILE == "thorough" else min(thorough, max(10, thorough // 4))


_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("fast", max_examples=examples(100), **_COMMON)
settings.register_profile("thorough", max_examples=100, print_blob=True, **_COMMON)
settings.load_profile(PROFILE)
