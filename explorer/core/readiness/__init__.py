"""Integration service accounts: vendor permission profiles and the per-project readiness audit."""
