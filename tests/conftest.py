"""Suite-wide settings.

Hypothesis runs the ``fast`` profile unless ``JIRA_PERMS_HYPOTHESIS=thorough`` (tests/hypothesis_profiles.py).

In CI (``JIRA_PERMS_CI=1``, set by ``.ci/run``) a test may not quietly skip because a
system part is missing (gnome-keyring and D-Bus, Chromium, the vendor guides): CI
installs them, so such a skip is turned into a failure.
"""

from __future__ import annotations

import os

import pytest

import tests.hypothesis_profiles  # noqa: F401  (registers and loads the profile before any test module)

ALLOWED_SKIPS = ("root reads any file",)  # CI runs as root; that test is meaningless then


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not os.environ.get("JIRA_PERMS_CI") or not report.skipped:
        return
    reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
    if any(allowed in reason for allowed in ALLOWED_SKIPS):
        return
    report.outcome = "failed"
    report.longrepr = f"skipped in CI, where every system part is installed: {reason}"


def pytest_xdist_auto_num_workers(config):
    """``-n auto``: two workers per CPU.  Much of the suite waits (Textual's Pilot, real HTTP, a real keyring,
    Chromium) rather than computes, so one worker per CPU leaves the CPUs half idle."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(2, 2 * cpus)
