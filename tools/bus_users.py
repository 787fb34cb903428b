"""The suite's users on the broker: one per service, the storefront, the console and deploy, each with
the least it needs (README, "Who may do what on the bus").

    python -m tools.bus_users                 create or update them all (tools.deploy runs this)
    python -m tools.bus_users show            each part's user and permissions
    python -m tools.bus_users rotate PART     a new password for PART, set on the broker at once;
                                              restart PART so that it connects with it
    python -m tools.bus_users broker-admin    (docker-compose) the broker's administrator: its password,
                                              generated once, and the rabbitmq.conf lines that create it

Users are `$BUS_USER_PREFIX<part>` in the vhost of `$AMQP_URI`; passwords are generated once and kept
in var/secrets/rabbitmq/<user>/password. Managing users takes the broker's administrator: rabbitmqctl
on the broker's host (as root), or `RABBITMQ_ADMIN_URI` (see shared/messaging/broker_admin.py).
"""
import argparse
import os
import sys

from kombu.utils.url import parse_url

from shared import config
from shared.bus_credentials import (
    ensure_password, password_file, replace_password, secrets_dir, user_name, user_prefix,
)
from shared.messaging.broker_admin import AdminUnavailable, broker_admin
from shared.messaging.brokers import first_uri
from shared.messaging.bus_users import set_up_users, suite_permissions

BROKER_ADMIN = "admin"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("show", help="each part's user and permissions")
    rotate = sub.add_parser("rotate", help="a new password for one part")
    rotate.add_argument("part", choices=sorted(suite_permissions()))
    sub.add_parser("broker-admin", help="docker-compose: the broker's administrator, as rabbitmq.conf lines")
    args = parser.parse_args(argv)
    if args.command == "show":
        return show()
    if args.command == "broker-admin":
        return write_broker_admin()
    if args.command == "rotate":
        replace_password(user_name(args.part))
    try:
        set_up()
    except AdminUnavailable as exc:
        print(exc, file=sys.stderr)
        if args.command == "rotate":
            print("the new password is stored; the broker gets it with the next deploy", file=sys.stderr)
        return 1
    if args.command == "rotate":
        print(f"{user_name(args.part)} has a new password (in {password_file(user_name(args.part))}): restart "
              f"{args.part} so that it connects with it; connections open with the old one stay open until then")
    return 0


def set_up():
    uri = config.amqp_uri()
    vhost = parse_url(first_uri(uri))["virtual_host"] or "/"   # kombu's default, as the services connect
    users = set_up_users(broker_admin(uri), vhost, prefix=user_prefix())
    print(f"broker users in vhost {vhost!r}: {', '.join(users.values())} (passwords in {secrets_dir()})")


def show():
    for part, permissions in suite_permissions().items():
        print(f"{user_name(part)}\n  configure {permissions.configure}\n  write     {permissions.write}\n"
              f"  read      {permissions.read}")
    return 0


def write_broker_admin():
    """The broker's administrator for docker-compose, whose broker creates it on its first start from
    these lines (it then has no `guest`). Deploy signs in with it to create the suite's users."""
    password = ensure_password(BROKER_ADMIN)
    conf = password_file(BROKER_ADMIN).with_name("rabbitmq.conf")
    fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(f"default_user = {BROKER_ADMIN}\ndefault_pass = {password}\n"
                  "default_user_tags.administrator = true\n"
                  "default_permissions.configure = .*\ndefault_permissions.write = .*\ndefault_permissions.read = .*\n")
    print(f"the broker's administrator {BROKER_ADMIN!r}: password in {password_file(BROKER_ADMIN)}, "
          f"configuration in {conf}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
