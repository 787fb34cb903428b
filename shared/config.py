"""Configuration from the environment, one nameko config dict per service.

Each service runs in its own container with its own config, so keys inside the
dict are plain (`DATABASE_URL`); the environment names them per service
(`ORDER_REVIEW_DATABASE_URL`) so one shell can configure the whole suite.
"""
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", ROOT / "var"))

SERVICES = (
    "order_review",
    "picking_packing",
    "shipping_labels",
    "after_sales",
    "staff_performance",
    "customer_retention",
    "identity",
)

# Publishers outside the suite whose events exchange the suite declares (and consumes from).
OUTSIDE_PUBLISHERS = ("storefront",)
# Parties outside the suite that consume its events: each reads its own queue `<party>.feed`, bound by deploy
# to the events the contracts mark `outside=<party>` (contracts/storefront_feed.py).
OUTSIDE_CONSUMERS = ("storefront",)

DEFAULT_PORTS = {
    "order_review": 8001,
    "picking_packing": 8002,
    "shipping_labels": 8003,
    "after_sales": 8004,
    "staff_performance": 8005,
    "customer_retention": 8006,
    "identity": 8007,
}

# The broker's address and vhost only: each part adds its own user (`shared.bus_credentials`).
DEFAULT_AMQP_URI = "amqp://localhost:5672/"


def amqp_uri():
    return os.environ.get("AMQP_URI", DEFAULT_AMQP_URI)


def public_key_file(environ=None):
    """Identity's token-signing public key, which every service verifies tokens with."""
    environ = os.environ if environ is None else environ
    return environ.get("AUTH_PUBLIC_KEY_FILE") or str(VAR_DIR / "keys" / "token-signing.pub.pem")


def private_key_file(environ=None):
    """The token-signing private key: only identity (and tools run beside it) reads it."""
    environ = os.environ if environ is None else environ
    return environ.get("AUTH_PRIVATE_KEY_FILE") or str(VAR_DIR / "keys" / "token-signing.pem")


def console_api_key_file(environ=None):
    """The web console's own API key (role console), made by the first deploy."""
    environ = os.environ if environ is None else environ
    return environ.get("CONSOLE_API_KEY_FILE") or str(VAR_DIR / "secrets" / "console-api-key")


def console_csrf_key_file(environ=None):
    """The key the web console binds its forms' CSRF tokens with, made by the first deploy."""
    environ = os.environ if environ is None else environ
    return environ.get("CONSOLE_CSRF_KEY_FILE") or str(VAR_DIR / "secrets" / "console-csrf-key")


def database_url(service):
    env = f"{service.upper()}_DATABASE_URL"
    return os.environ.get(env) or f"sqlite:///{VAR_DIR / (service + '.db')}"


def http_port(service):
    return int(os.environ.get(f"{service.upper()}_PORT", DEFAULT_PORTS.get(service, 8000)))


# What a client may hold of an HTTP server (a service's or the console's): see shared/web/connections.py.
HTTP_LIMITS = {
    "HTTP_HEADER_TIMEOUT_SECONDS": 10.0,   # to send a request's line and headers, idle time included
    "HTTP_BODY_TIMEOUT_SECONDS": 30.0,     # to send its body once the headers are in; also each write of the answer
    "HTTP_MAX_CONNECTIONS": 1000,          # open at once; the next is answered 503
}


def http_limits(environ=None):
    """The HTTP limits from the environment, with their defaults."""
    environ = os.environ if environ is None else environ
    return {key: type(default)(environ.get(key, default)) for key, default in HTTP_LIMITS.items()}


QUEUE_TYPES = ("quorum", "classic")
DEFAULT_DELIVERY_LIMIT = 20


def queue_type(environ=None):
    """`AMQP_QUEUE_TYPE`: `quorum` (the default: replicated on a cluster, survives a node's loss) or
    `classic` (one node's; only for a broker older than 3.10, which lacks TTL and at-least-once
    dead-lettering on quorum queues). Every part of one deployment must use the same."""
    value = (os.environ if environ is None else environ).get("AMQP_QUEUE_TYPE", "quorum").strip().lower()
    if value not in QUEUE_TYPES:
        raise ValueError(f"AMQP_QUEUE_TYPE must be one of {', '.join(QUEUE_TYPES)}, not {value!r}")
    return value


DEAD_LETTER_STRATEGIES = ("at-least-once", "at-most-once")


def dead_letter_strategy(environ=None):
    """`AMQP_DEAD_LETTER_STRATEGY` of the quorum queues that dead-letter: `at-least-once` (the default: the
    broker keeps a message until the target queue confirms it) or `at-most-once`. The test suite uses
    at-most-once on the machine's shared broker only: RabbitMQ 3.10.8 loses its dead-letter supervisor for
    good when an at-least-once queue is deleted while its dead-letter worker starts (rabbitmq-server
    #16652, fixed after 3.10.8), and the tests delete fresh vhosts all the time."""
    value = (os.environ if environ is None else environ).get("AMQP_DEAD_LETTER_STRATEGY", "at-least-once")
    value = value.strip().lower()
    if value not in DEAD_LETTER_STRATEGIES:
        raise ValueError(f"AMQP_DEAD_LETTER_STRATEGY must be one of {', '.join(DEAD_LETTER_STRATEGIES)}, not {value!r}")
    return value


def delivery_limit(environ=None):
    """`AMQP_DELIVERY_LIMIT`: how many times a quorum consumer queue hands a message out again (its
    consumer died or gave it back) before dead-lettering it: the backstop against a message that
    crashes its consumer every time."""
    value = int((os.environ if environ is None else environ).get("AMQP_DELIVERY_LIMIT", DEFAULT_DELIVERY_LIMIT))
    if value < 1:
        raise ValueError(f"AMQP_DELIVERY_LIMIT must be at least 1, not {value}")
    return value


def retry_delays_ms():
    raw = os.environ.get("RETRY_DELAYS_MS", "1000,5000,30000")
    return [int(part) for part in raw.split(",") if part.strip()]


def service_settings(service, environ=None):
    """`<SERVICE>_<KEY>` variables become the service's own `<KEY>` (e.g.
    CUSTOMER_RETENTION_PROTECTION_DAYS=45 → PROTECTION_DAYS=45); JSON values are parsed."""
    environ = os.environ if environ is None else environ
    prefix = service.upper() + "_"
    settings = {}
    for name, raw in environ.items():
        if name.startswith(prefix) and name not in (prefix + "DATABASE_URL", prefix + "PORT"):
            try:
                settings[name[len(prefix):]] = json.loads(raw)
            except ValueError:
                settings[name[len(prefix):]] = raw
    return settings


def service_config(service, **overrides):
    """The nameko config dict for one service, from the environment; it connects to the broker as
    its own user."""
    config = {
        "DATABASE_URL": database_url(service),
        "WEB_SERVER_ADDRESS": f"{os.environ.get('HTTP_HOST', '0.0.0.0')}:{http_port(service)}",
        "AUTH_PUBLIC_KEY_FILE": public_key_file(),
        "RETRY_DELAYS_MS": retry_delays_ms(),
        "OUTBOX_POLL_SECONDS": float(os.environ.get("OUTBOX_POLL_SECONDS", "1.0")),
        "OUTBOX_LINGER_MS": float(os.environ.get("OUTBOX_LINGER_MS", "50")),
        "MAX_BODY_BYTES": int(os.environ.get("MAX_BODY_BYTES", str(1024 * 1024))),
        "max_workers": int(os.environ.get("MAX_WORKERS", "10")),
        "STOP_GRACE_SECONDS": int(os.environ.get("STOP_GRACE_SECONDS", "12")),
        **http_limits(),
    }
    if service == "identity":   # the one holder of the private key
        config["AUTH_PRIVATE_KEY_FILE"] = private_key_file()
    config.update(service_settings(service))
    config.update(overrides)
    if "AMQP_URI" not in config:
        from shared.bus_credentials import bus_uri   # it reads VAR_DIR from here
        config["AMQP_URI"] = bus_uri(service)
    return config
