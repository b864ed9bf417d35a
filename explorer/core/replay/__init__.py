"""The replay of Jira's permission logic: one account (or every account), one permission, one project or issue.

sync -> snapshot -> :mod:`index <explorer.core.replay.index>` -> :mod:`evaluator <explorer.core.replay.evaluator>`
(per account, with a proof) or :mod:`bulk <explorer.core.replay.bulk>` (many accounts as sets) ->
:mod:`fixes <explorer.core.replay.fixes>` and :mod:`queries <explorer.core.replay.queries>`.
"""
