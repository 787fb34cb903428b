"""The console's configuration, from the environment (no database: it only talks to the services)."""
import logging
import os
from dataclasses import dataclass, field

from shared import config as suite_config
from shared.bus_credentials import CONSOLE, MissingCredentials, bus_uri
from shared.web.connections import HttpLimits

DEFAULT_PORT = 8000


def _service_urls(environ):
    """Each service's base URL: `<SERVICE>_URL`, else on this host at `<SERVICE>_PORT` or its default port."""
    return {service: environ.get(f"{service.upper()}_URL")
            or f"http://127.0.0.1:{environ.get(f'{service.upper()}_PORT', suite_config.DEFAULT_PORTS[service])}"
            for service in suite_config.SERVICES}


@dataclass(frozen=True)
class ConsoleSettings:
    service_urls: dict
    api_key_file: str = None           # the console's own API key at identity (made by the first deploy)
    csrf_key_file: str = None          # the key of its forms' CSRF tokens (made by the first deploy)
    amqp_uri: str = None               # None: no broker (the dead-letters page says so)
    port: int = DEFAULT_PORT
    host: str = "0.0.0.0"
    refresh_seconds: int = 10          # how often live lists (the case queue) refresh themselves
    api_timeout_seconds: float = 10.0
    carriers: tuple = ("EMS", "ZTO", "DBL")
    trust_proxy: bool = False          # behind a proxy: X-Forwarded-Proto and -For say how the person came
    replay_log: str = str(suite_config.VAR_DIR / "console" / "dead-letter-replays.jsonl")   # who replayed what, when
    http_limits: HttpLimits = field(default_factory=HttpLimits)   # timeouts and the connection cap

    @classmethod
    def from_env(cls, environ=None):
        environ = os.environ if environ is None else environ
        return cls(
            service_urls=_service_urls(environ),
            api_key_file=suite_config.console_api_key_file(environ),
            csrf_key_file=suite_config.console_csrf_key_file(environ),
            amqp_uri=_bus_uri(environ),
            port=int(environ.get("CONSOLE_PORT", DEFAULT_PORT)),
            host=environ.get("HTTP_HOST", "0.0.0.0"),
            refresh_seconds=int(environ.get("CONSOLE_REFRESH_SECONDS", 10)),
            carriers=tuple(c.strip() for c in environ.get("CONSOLE_CARRIERS", "EMS,ZTO,DBL").split(",") if c.strip()),
            trust_proxy=environ.get("CONSOLE_TRUST_PROXY", "") == "1",
            replay_log=environ.get("CONSOLE_REPLAY_LOG") or ConsoleSettings.replay_log,
            http_limits=HttpLimits.from_config(suite_config.http_limits(environ)),
        )


def _bus_uri(environ):
    """The console's own broker user, which may only read the dead letters. Without one (deploy has
    not run) the console still serves every other page; the dead-letters page says what is missing."""
    try:
        return bus_uri(CONSOLE, environ)
    except MissingCredentials as exc:
        logging.getLogger("web_console").warning("%s; the dead-letters page is unavailable", exc)
        return None
