"""One log format for every service: time (UTC), level, logger, message."""
import logging
import os
import time


def configure_logging(level=None):
    logging.Formatter.converter = time.gmtime
    logging.basicConfig(
        level=level or os.environ.get("LOG_LEVEL", "INFO"),
        format="%(asctime)sZ %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("amqp").setLevel(logging.WARNING)
