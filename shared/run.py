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
from shared.web.keys import KeyFileMissing, check_key_files  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("service", choices=SERVICES)
    args = parser.parse_args(argv)
    configure_logging()
    import psycogreen.eventlet
    psycogreen.eventlet.patch_psycopg()
    config = service_config(args.service)
    try:
        check_key_files(config)
    except KeyFileMissing as exc:   # one line an operator can act on, not a traceback from deep in nameko
        print(f"{args.service} refuses to start: {exc}", file=sys.stderr)
        return 2
    logging.getLogger(__name__).info("starting %s on %s", args.service, config["WEB_SERVER_ADDRESS"])
    serve(service_class(args.service), config)


def serve(service_cls, config):
    """Run until SIGTERM or SIGINT, then stop gracefully: workers finish what they hold, their
    messages are acked, the relay stops. Unlike `nameko run`, a second signal while stopping is
    ignored instead of crashing the shutdown."""
    import errno
    import signal

    from nameko.runners import ServiceRunner

    runner = ServiceRunner(config)
    runner.add_service(service_cls)
    stopping = []

    def shutdown(signum, frame):
        # Signal handlers run on the main loop and cannot block: stop in a green thread, once.
        if not stopping:
            stopping.append(signum)
            eventlet.spawn_n(runner.stop)

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    runner.start()
    waiting = eventlet.spawn(runner.wait)
    while True:
        try:
            return waiting.wait()
        except OSError as exc:  # a signal interrupting the hub's wait
            if exc.errno != errno.EINTR:
                raise


if __name__ == "__main__":
    sys.exit(main())
