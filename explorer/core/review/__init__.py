"""Offline review of snapshots someone else made: redaction with keyed pseudonyms, and the diff of two snapshots."""
