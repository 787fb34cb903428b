"""The once-per-deploy step: migrate every database, then declare every queue."""
import sys

from tools import declare_topology, migrate


def main():
    return migrate.main([]) or declare_topology.main([])


if __name__ == "__main__":
    sys.exit(main())
