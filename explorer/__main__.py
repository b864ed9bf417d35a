"""``python -m explorer`` runs the jira-perms command line."""

from explorer.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
