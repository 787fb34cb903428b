"""Sign a bearer token with identity's private key, for development and operations scripts.

    python -m tools.mint_token --staff-id S1001 --role reviewer [--minutes 15] [--carrier EMS]

Reads the private key at $AUTH_PRIVATE_KEY_FILE (default var/keys/token-signing.pem): whoever can
run this can act as anyone, which is why the file is 0600 and only identity's host has it. People
sign in through identity and devices exchange their API key at identity's `POST /tokens`; this is
for the operator on that host.
"""
import argparse
import sys
from datetime import timedelta

from shared.config import private_key_file
from shared.web.auth import Role, mint_token
from shared.web.keys import KeyFileMissing, load_private_key


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--staff-id", required=True)
    parser.add_argument("--role", required=True, choices=[r.value for r in Role])
    parser.add_argument("--carrier", help="a carrier's code (role carrier)")
    parser.add_argument("--minutes", type=float, default=15)
    args = parser.parse_args(argv)
    path = private_key_file()
    try:
        key = load_private_key(path)
    except KeyFileMissing as exc:
        print(f"cannot sign: {exc}", file=sys.stderr)
        return 2
    print(f"signed with the private key {path}", file=sys.stderr)
    print(mint_token(key, args.staff_id, args.role, ttl=timedelta(minutes=args.minutes), carrier=args.carrier))
    return 0


if __name__ == "__main__":
    sys.exit(main())
