"""Autogenerate a migration for one service: `python -m tools.new_migration order_review "add holds"`.

Compares the service's models with a scratch SQLite database at head.
"""
import sys
import tempfile

from alembic import command

from shared.migrations import alembic_config, upgrade


def main(argv=None):
    service, message = (argv or sys.argv[1:])[:2]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/scratch.db"
        upgrade(service, url)
        command.revision(alembic_config(service, url), message=message, autogenerate=True)


if __name__ == "__main__":
    main()
