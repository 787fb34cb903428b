"""The once-per-deploy step: migrate every database, create or update each part's broker user, then
declare every queue (as deploy's own user)."""
import sys

from tools import bus_users, declare_topology, migrate


def main():
    return migrate.main([]) or bus_users.main([]) or declare_topology.main([])


if __name__ == "__main__":
    sys.exit(main())
