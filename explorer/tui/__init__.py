"""The Textual front end of jira-perms (``jira-perms``, ``jira-perms tui``, ``jira-perms demo``)."""
