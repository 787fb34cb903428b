"""Who each part of the suite is on the bus: its own RabbitMQ user (`<BUS_USER_PREFIX><part>`), whose
password `tools.deploy` generates once and keeps in `var/secrets/rabbitmq/<user>/password` (mode 0600,
never committed: `var/` is ignored), one directory per user so that a container can be given its own
and no other.

`AMQP_URI` names the broker (host, port, vhost); each part connects as its own user with its stored
password. Credentials written into `AMQP_URI` itself are used as they are (the tests and the benchmark
run in their own vhosts that way); none are assumed, so nothing falls back to `guest`."""
import os
import secrets
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from shared import config
from shared.messaging.brokers import broker_uris, failover_uri, spread

DEPLOY = "deploy"          # deploy's own: declares the topology; the dead-letter tools use it too
CONSOLE = "web_console"    # reads every service's dead letters for the managers' page
STOREFRONT = "storefront"  # the outside publisher of orders


class MissingCredentials(Exception):
    """No password is stored for this part: deploy has not created its user yet."""


def user_prefix(environ=None):
    """Set it to keep several suites (or tests) apart on one broker: users belong to the whole broker."""
    return (os.environ if environ is None else environ).get("BUS_USER_PREFIX", "")


def user_name(part, environ=None):
    return user_prefix(environ) + part


def secrets_dir():
    return Path(config.VAR_DIR) / "secrets" / "rabbitmq"


def password_file(user, directory=None):
    return Path(directory or secrets_dir()) / user / "password"


def stored_password(user, directory=None):
    path = password_file(user, directory)
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        raise MissingCredentials(f"no password for the broker user {user!r} in {path.parent}: "
                                 "run `python -m tools.deploy` first (it creates each part's user)") from None


def ensure_password(user, directory=None):
    """The user's stored password, generated (and stored, readable by its owner only) the first time."""
    path = password_file(user, directory)
    _private_dirs(path.parent)
    try:
        # O_EXCL: two deploys at once keep the same password, whichever wrote it first.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return stored_password(user, directory)
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_urlsafe(32) + "\n")
    return stored_password(user, directory)


def replace_password(user, directory=None):
    """A new password for `user`, stored in place of the old one (which the broker keeps until the
    next deploy sets the new one)."""
    path = password_file(user, directory)
    _private_dirs(path.parent)
    fresh = path.with_name(path.name + ".new")
    fresh.unlink(missing_ok=True)
    with os.fdopen(os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
        out.write(secrets.token_urlsafe(32) + "\n")
    os.replace(fresh, path)
    return stored_password(user, directory)


def _private_dirs(directory):
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for created in reversed(missing):
        created.mkdir(mode=0o700, exist_ok=True)


def bus_uri(part, environ=None, directory=None, seed=None):
    """The AMQP URI `part` connects with: `AMQP_URI` with its own user and stored password, unless
    `AMQP_URI` carries credentials of its own. `AMQP_URI` may list several brokers (the nodes of a
    cluster, `;` or `,` between them): each gets the credentials, and the list starts at a node chosen
    by the process id (`shared.messaging.brokers`), so that processes spread over the nodes."""
    environ = os.environ if environ is None else environ
    uris = broker_uris(environ.get("AMQP_URI", config.DEFAULT_AMQP_URI))
    with_credentials = [_with_credentials(uri, part, environ, directory) for uri in uris]
    return failover_uri(spread(with_credentials, seed) if len(uris) > 1 else with_credentials)


def _with_credentials(uri, part, environ, directory):
    parts = urlsplit(uri)
    if parts.username is not None:
        return uri
    user = user_name(part, environ)
    credentials = f"{quote(user, safe='')}:{quote(stored_password(user, directory), safe='')}"
    return urlunsplit(parts._replace(netloc=f"{credentials}@{parts.netloc}"))
