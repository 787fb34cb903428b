"""Mint a bearer token for development and scripts.

    python -m tools.mint_token --staff-id S1001 --role reviewer [--hours 12]

Uses $AUTH_SECRET (the services' secret; a development default otherwise).
Production puts a real identity provider in front and keeps only verification here.
"""
import argparse
import os
import sys
from datetime import timedelta

from shared.config import DEV_AUTH_SECRET
from shared.web.auth import Role, mint_token


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--staff-id", required=True)
    parser.add_argument("--role", required=True, choices=[r.value for r in Role])
    parser.add_argument("--hours", type=float, default=12)
    args = parser.parse_args(argv)
    print(mint_token(os.environ.get("AUTH_SECRET", DEV_AUTH_SECRET), args.staff_id, args.role,
                     ttl=timedelta(hours=args.hours)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
