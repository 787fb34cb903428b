"""Run one service: `python -m shared.run order_review`.

Migrations are not run here (they run once per deploy: `make migrate`), so
several instances of a service can start at once without racing.
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402 - must precede every other import

import argparse  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402

from shared.config import SERVICES, service_config  # noqa: E402
from shared.logs import configure_logging  # noqa: E402
from shared.service_registry import service_class  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("service", choices=SERVICES)
    args = parser.parse_args(argv)
    configure_logging()
    import psycogreen.eventlet
    psycogreen.eventlet.patch_psycopg()
    from nameko.cli.run import run

    config = service_config(args.service)
    logging.getLogger(__name__).info("starting %s on %s", args.service, config["WEB_SERVER_ADDRESS"])
    run([service_class(args.service)], config)


if __name__ == "__main__":
    sys.exit(main())
