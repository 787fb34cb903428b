"""`python -m services.web_console`: the console on CONSOLE_PORT (8000), config from the environment."""
import eventlet

eventlet.monkey_patch()  # noqa: E402 - must precede every other import

import logging  # noqa: E402
import sys  # noqa: E402

from services.web_console.app import Console  # noqa: E402
from services.web_console.csrf import CsrfKeyMissing  # noqa: E402
from services.web_console.settings import ConsoleSettings  # noqa: E402
from shared.logs import configure_logging  # noqa: E402
from shared.web.connections import serve  # noqa: E402


def main():
    configure_logging()
    settings = ConsoleSettings.from_env()
    try:
        console = Console(settings)
    except CsrfKeyMissing as exc:   # one line an operator can act on
        print(f"web_console refuses to start: {exc}", file=sys.stderr)
        return 2
    logging.getLogger("web_console").info("on port %s; services %s", settings.port, settings.service_urls)
    serve(eventlet.listen((settings.host, settings.port)), console, settings.http_limits, log_output=False)


if __name__ == "__main__":
    sys.exit(main())
