"""Migrate every service's database to head (once per deploy).

    python -m tools.migrate [service ...]
"""
import sys

from shared import config
from shared.migrations import upgrade


def main(argv=None):
    services = (argv if argv is not None else sys.argv[1:]) or config.SERVICES
    for name in services:
        if name not in config.SERVICES:
            print(f"unknown service {name!r}; one of {', '.join(config.SERVICES)}", file=sys.stderr)
            return 2
        upgrade(name)
        print(f"{name}: migrated ({config.database_url(name).split('@')[-1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
