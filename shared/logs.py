"""One log format for every service: time (UTC), level, logger, message."""
import logging
import os
import time


class AnswersAreNotErrors(logging.Filter):
    """nameko logs every expected exception (a 404, a refused scan) as a warning with its traceback.
    They are answers to the caller: one line at INFO says enough, and formatting the traceback
    cost a sixth of such a request's CPU."""

    def filter(self, record):
        if isinstance(record.msg, str) and record.msg.startswith("(expected)"):
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def configure_logging(level=None):
    logging.Formatter.converter = time.gmtime
    # The format uses none of these; collecting them for every record (a green thread's name,
    # the caller's frame) cost more than formatting the line. See "Optimization" in the logging docs.
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    logging._srcfile = None
    logging.basicConfig(
        level=level or os.environ.get("LOG_LEVEL", "INFO"),
        format="%(asctime)sZ %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("amqp").setLevel(logging.WARNING)
    logging.getLogger("nameko.containers").addFilter(AnswersAreNotErrors())
