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

# How long a stop may take (docker's own stop waits 10 s before its SIGKILL); a normal one takes a second or two.
STOP_GRACE_SECONDS = 12


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
    ignored instead of crashing the shutdown. A stop still running after STOP_GRACE_SECONDS ends the
    process as a kill would (what it had not acked comes again, the inbox and outbox keep it exact)."""
    import errno
    import signal

    from nameko.runners import ServiceRunner

    runner = ServiceRunner(config)
    runner.add_service(service_cls)
    stopping = []
    grace = int(config.get("STOP_GRACE_SECONDS") or STOP_GRACE_SECONDS)

    def shutdown(signum, frame):
        # Signal handlers run on the main loop and cannot block: stop in a green thread, once.
        if not stopping:
            stopping.append(signum)
            # SIGALRM's default action ends the process even if a worker blocks the whole hub.
            signal.alarm(grace)
            eventlet.spawn_after(max(grace - 2, 1), _still_stopping, runner, grace)
            eventlet.spawn_n(runner.stop)

    signal.signal(signal.SIGALRM, signal.SIG_DFL)
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


def _still_stopping(runner, grace):
    """What keeps the stop from finishing, logged before the deadline ends the process."""
    running = [getattr(worker.entrypoint, "method_name", "?") for container in runner.containers
               for worker in list(getattr(container, "_worker_threads", {}))]
    logging.getLogger(__name__).warning("still stopping; workers running: %s; the process ends at %s s",
                                        running or "none", grace)


if __name__ == "__main__":
    sys.exit(main())
