"""jira-perms: the Jira permission explorer."""

__version__ = "0.1.0"
