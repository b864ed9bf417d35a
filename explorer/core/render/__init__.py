"""Answers as text, Markdown, JSON, CSV and HTML: pure functions from core objects to strings; front ends decide where
they go."""
