"""The once-per-deploy step (what `make run` and the `migrate` container run first): create what a
first run needs and nothing that exists, migrate every database, create or update each part's broker
user, then declare every queue (as deploy's own user).

First run only (a second deploy prints none of it and changes nothing):
- the token-signing key pair under var/keys/ (the private key 0600, read only by identity);
- the web console's API key in var/secrets/console-api-key (0600);
- the key the web console binds its forms' CSRF tokens with, var/secrets/console-csrf-key (0600);
- when no enabled administrator exists, the account `admin` with a one-time password, printed once.
"""
import sys

from services.identity import first_run
from services.web_console import csrf
from shared import config
from shared.secret_files import read_secret, write_secret
from shared.timeutil import utcnow
from shared.web.keys import generate_key_pair
from tools import bus_users, declare_topology, migrate
from tools.identity_db import identity_db

RESET_COMMAND = "python -m tools.accounts reset-password admin"


def signing_keys():
    private, public = config.private_key_file(), config.public_key_file()
    if generate_key_pair(private, public):
        print(f"created the token-signing key pair: {private} (private, 0600: identity only) and {public}")


def console_csrf_key():
    key_file = config.console_csrf_key_file()
    if read_secret(key_file) is None:
        write_secret(key_file, csrf.new_key() + "\n")
        print(f"created the web console's CSRF key: {key_file} (0600)")


def people_and_console():
    key_file = config.console_api_key_file()
    with identity_db().unit_of_work() as uow:
        console_key = first_run.ensure_console_key(uow.session, read_secret(key_file), utcnow())
        one_time = first_run.ensure_admin(uow.session, utcnow())
        if console_key:
            write_secret(key_file, console_key + "\n")   # before the commit: a key nobody holds is never made
    if console_key:
        print(f"created the web console's API key: {key_file} (0600)")
    if one_time:
        print(f"created the administrator account '{first_run.FIRST_ADMIN}'. Its one-time password, "
              f"shown this once (it must be changed at the first sign-in):\n\n    {one_time}\n\n"
              f"Lost it? `{RESET_COMMAND}` prints a new one.")


def main():
    signing_keys()
    console_csrf_key()
    failed = migrate.main([])
    if failed:
        return failed
    people_and_console()
    return bus_users.main([]) or declare_topology.main([])


if __name__ == "__main__":
    sys.exit(main())
