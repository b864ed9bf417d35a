"""The Jira Cloud adapter: an HTTP client (``client``), the sync to a snapshot (``sync``) and verify (``verify``).

Depends on the core and httpx; never on the front ends (enforced by import-linter).
"""
