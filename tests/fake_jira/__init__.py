"""A fake Jira Cloud server on 127.0.0.1 with generated sites, for the sync, verify and client tests."""

from tests.fake_jira.expected import expected_snapshot
from tests.fake_jira.server import FakeJira, Faults
from tests.fake_jira.sitegen import ADMIN_ID, DEV_ID, generate_site

ADMIN_EMAIL = "ada@example.test"
ADMIN_TOKEN = "ATATT3xFfGF0-admin-token-4f1c9a2e7d1b4d8c"
DEV_EMAIL = "dev@example.test"
DEV_TOKEN = "ATATT3xFfGF0-dev-token-9a551c2b3d4e5f60"
USERS = {ADMIN_EMAIL: (ADMIN_TOKEN, ADMIN_ID), DEV_EMAIL: (DEV_TOKEN, DEV_ID)}

__all__ = ["ADMIN_EMAIL", "ADMIN_ID", "ADMIN_TOKEN", "DEV_EMAIL", "DEV_ID", "DEV_TOKEN", "USERS", "FakeJira",
           "Faults", "expected_snapshot", "generate_site"]
