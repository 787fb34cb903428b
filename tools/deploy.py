"""The once-per-deploy step (what `make run` and the `migrate` container run first): create what a
first run needs and nothing that exists, migrate every database, then declare every queue.

First run: the token-signing key pair under var/keys/ (the private key 0600, read only by identity).
"""
import sys

from shared import config
from shared.web.keys import generate_key_pair
from tools import declare_topology, migrate


def first_run():
    private, public = config.private_key_file(), config.public_key_file()
    if generate_key_pair(private, public):
        print(f"created the token-signing key pair: {private} (private, 0600: identity only) and {public}")


def main():
    first_run()
    return migrate.main([]) or declare_topology.main([])


if __name__ == "__main__":
    sys.exit(main())
