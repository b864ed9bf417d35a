"""The pure core: data model, permission catalogue, evaluator and explanations.

Nothing in this package does I/O or imports Textual or httpx (an import-linter
contract in CI keeps it so).
"""
