"""The pure core: no I/O, no Textual, no httpx (import-linter holds it so in CI).

- :mod:`explorer.core.model`: the typed model of one site's permission configuration.
- :mod:`explorer.core.snapshot`: the snapshot format (model <-> JSON document).
- :mod:`explorer.core.replay`: the replay of Jira's permission logic (index, holders,
  evaluator, set evaluation, fixes, who-can and matrices).
- :mod:`explorer.core.review`: offline review (redaction, pseudonyms, snapshot diff).
- :mod:`explorer.core.readiness`: integration service accounts (profiles, audit).
- :mod:`explorer.core.render`: answers as text, Markdown, JSON, CSV and HTML.

Lower layers never import higher ones: model < snapshot, replay < review, readiness < render.
"""
