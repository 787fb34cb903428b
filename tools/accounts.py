"""People's accounts from the command line, on identity's database (the console's admin pages and
identity's API do the same as an administrator).

    python -m tools.accounts list
    python -m tools.accounts create S1001 --name 王芳 --roles agent,supervisor
    python -m tools.accounts reset-password admin     # prints a new one-time password
    python -m tools.accounts disable S1001            # its sessions end at once
"""
import argparse
import sys

from marshmallow import ValidationError

from services.identity import accounts
from services.identity.schemas import StaffId
from shared.errors import DomainError
from shared.timeutil import utcnow
from shared.web.auth import PERSON_ROLES
from tools.identity_db import identity_db

BY = "tools.accounts"


def _roles(text):
    roles = [role.strip() for role in text.split(",") if role.strip()]
    unknown = [role for role in roles if role not in PERSON_ROLES]
    if not roles or unknown:
        raise argparse.ArgumentTypeError(f"roles among {', '.join(PERSON_ROLES)}")
    return roles


def _staff_id(text):
    try:
        return StaffId(text)   # the API's rule: the register's ids, no spaces or control characters
    except ValidationError as error:
        raise argparse.ArgumentTypeError(" ".join(error.messages)) from None


def _one_time(account, password):
    print(f"{account.staff_id}: one-time password (shown once; it must be changed at the first sign-in):\n"
          f"    {password}")


def run(args):
    db, now = identity_db(), utcnow()
    if args.command == "list":
        with db.read() as session:
            for account in accounts.listing(session):
                state = "disabled" if account["disabled"] else ("locked" if account["locked_until"] else "enabled")
                print(f"{account['staff_id']}\t{account['name']}\t{','.join(account['roles'])}\t{state}")
        return
    with db.unit_of_work() as uow:
        if args.command == "create":
            _one_time(*accounts.create(uow.session, args.staff_id, args.name or args.staff_id, args.roles, BY, now))
        elif args.command == "reset-password":
            _one_time(*accounts.reset_password(uow.session, args.staff_id, BY, now))
        elif args.command == "disable":
            accounts.disable(uow.session, args.staff_id, BY, now)
            print(f"{args.staff_id}: disabled; its sessions have ended")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list")
    create = commands.add_parser("create")
    create.add_argument("staff_id", type=_staff_id)
    create.add_argument("--name")
    create.add_argument("--roles", type=_roles, required=True, help=", ".join(PERSON_ROLES))
    for name in ("reset-password", "disable"):
        commands.add_parser(name).add_argument("staff_id")
    args = parser.parse_args(argv)
    try:
        run(args)
    except DomainError as refused:
        print(f"refused: {refused.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
