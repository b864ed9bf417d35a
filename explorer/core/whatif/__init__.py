"""What-if: who gains and who loses what if a scheme, a role, a group or an account changed.

A proposed change is written in a small language (``changes``, ``language``), applied to a copy of the
snapshot (``apply``), and its effect is the effective diff between the snapshot and that copy, computed
only where the change can reach (``reach``, ``effects``).  Dangerous outcomes are flagged (``dangers``).
:func:`explorer.core.whatif.engine.what_if` ties them together.  Pure: no I/O.
"""
