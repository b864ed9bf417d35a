"""The replay of Jira's permission logic: one account (or every account), one permission, one project or issue.

sync -> snapshot -> :mod:`index <explorer.core.replay.index>` -> :mod:`evaluator <explorer.core.replay.evaluator>`
(per account, with a proof) or :mod:`bulk <explorer.core.replay.bulk>` (many accounts as sets) ->
:mod:`fixes <explorer.core.replay.fixes>` and :mod:`queries <explorer.core.replay.queries>`.

Both evaluators walk one ordered list of checks, :mod:`explorer.core.replay.checks` (one module per step of
Jira's check, each with its per-account and its set half), and match holders through
:mod:`explorer.core.replay.holders` (one module per holder type, both halves, one table).  Adding a check or
a holder type touches its module and its place in that package's table.  The set side's values and shared
sets live in :mod:`~explorer.core.replay.triset`, :mod:`~explorer.core.replay.site_sets` and
:mod:`~explorer.core.replay.scope`; hypothetical changes in :mod:`~explorer.core.replay.patch`.
"""
