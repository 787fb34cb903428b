"""Managing the broker's users, which needs the broker's administrator, by one of two ways:

- `rabbitmqctl` on the broker's own host, run as root or as the `rabbitmq` user (what `make run`
  does on a machine with a local RabbitMQ): no password at all;
- the management HTTP API, for a broker elsewhere (docker-compose, a shared cluster):
  `RABBITMQ_ADMIN_URI=http://<user>@<host>:15672/`, the password in the URI or, better, in the file
  named by `RABBITMQ_ADMIN_PASSWORD_FILE`.

Both take the same definitions document: users with their password hashes (RabbitMQ's salted SHA-256,
so a password never appears on a command line or in a request) and their permissions in one vhost.
Importing it creates or updates those users and leaves every other definition alone.
"""
import base64
import hashlib
import json
import os
import shutil
import subprocess
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from shared.messaging.brokers import first_uri

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
HOW = ("deploy creates the suite's broker users, which needs the broker's administrator: run it on the "
       "broker's host as root (it uses rabbitmqctl), or set RABBITMQ_ADMIN_URI=http://<admin>@<host>:15672/ "
       "and RABBITMQ_ADMIN_PASSWORD_FILE (see README, 'Who may do what on the bus')")


class AdminUnavailable(Exception):
    """No way to administer the broker from here."""


def password_hash(password, salt=None):
    """RabbitMQ's `rabbit_password_hashing_sha256`: base64(salt + sha256(salt + password)), 4-byte salt."""
    salt = os.urandom(4) if salt is None else salt
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode("utf-8")).digest()).decode("ascii")


def definitions(vhost, accounts):
    """`accounts`: {user: (password, Permissions)} → a definitions document for RabbitMQ."""
    return {
        "users": [{"name": user, "password_hash": password_hash(password), "tags": [],
                   "hashing_algorithm": "rabbit_password_hashing_sha256"}
                  for user, (password, _) in sorted(accounts.items())],
        "permissions": [{"user": user, "vhost": vhost, **permissions.as_dict()}
                        for user, (_, permissions) in sorted(accounts.items())],
    }


def broker_admin(amqp_uri, environ=None):
    """The way to administer the broker at `amqp_uri` from here (see the module's doc)."""
    environ = os.environ if environ is None else environ
    if environ.get("RABBITMQ_ADMIN_URI"):
        return ManagementApi(environ["RABBITMQ_ADMIN_URI"], environ.get("RABBITMQ_ADMIN_PASSWORD_FILE"))
    host = urlsplit(first_uri(amqp_uri)).hostname or "localhost"
    if host not in LOCAL_HOSTS:   # rabbitmqctl would change the local broker, not that one
        raise AdminUnavailable(f"the broker is on {host}, not here: {HOW}")
    return Rabbitmqctl()


class Rabbitmqctl:
    def _run(self, *args, stdin=None):
        executable = shutil.which("rabbitmqctl")
        if executable is None:
            raise AdminUnavailable(f"rabbitmqctl is not installed here: {HOW}")
        done = subprocess.run([executable, "--quiet", *args], input=stdin, capture_output=True, text=True,
                              timeout=120)
        if done.returncode != 0:
            raise AdminUnavailable(f"rabbitmqctl {args[0]} failed ({(done.stderr or done.stdout).strip()}): {HOW}")
        return done.stdout

    def ensure_vhost(self, vhost):
        if vhost not in self._run("list_vhosts", "--no-table-headers", "name").splitlines():
            self._run("add_vhost", vhost)

    def import_definitions(self, document):
        self._run("import_definitions", stdin=json.dumps(document))   # from standard input


class ManagementApi:
    def __init__(self, uri, password_file=None, timeout=10):
        parts = urlsplit(uri)
        password = unquote(parts.password or "")
        if not password and password_file:
            try:
                with open(password_file) as stored:
                    password = stored.read().strip()
            except OSError as exc:
                raise AdminUnavailable(f"the administrator's password can't be read ({exc}): {HOW}") from None
        self.base = urlunsplit(parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else ""),
                                              path=parts.path.rstrip("/") + "/api"))
        self.session = requests.Session()
        self.session.auth = (unquote(parts.username or ""), password)
        # The broker may still be starting its management listener (compose starts deploy as soon as
        # the broker's port answers).
        retries = Retry(total=8, backoff_factor=0.5, status_forcelist=(502, 503), allowed_methods=None)
        self.session.mount("http://", HTTPAdapter(max_retries=retries))
        self.session.mount("https://", HTTPAdapter(max_retries=retries))
        self.timeout = timeout

    def _call(self, method, *path, **kwargs):
        url = "/".join([self.base] + [quote(part, safe="") for part in path])
        try:
            answer = self.session.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise AdminUnavailable(f"the management API at {self.base} does not answer ({exc}): {HOW}") from None
        if answer.status_code in (401, 403):
            raise AdminUnavailable(f"the management API at {self.base} refused {self.session.auth[0]!r} "
                                   f"({answer.status_code}): {HOW}")
        return answer

    def _checked(self, method, *path, **kwargs):
        answer = self._call(method, *path, **kwargs)
        answer.raise_for_status()
        return answer.json() if answer.content else None

    def ensure_vhost(self, vhost):
        if self._call("GET", "vhosts", vhost).status_code == 404:
            self._checked("PUT", "vhosts", vhost)

    def import_definitions(self, document):
        self._checked("POST", "definitions", json=document)

    def permissions(self, vhost, user):
        return self._checked("GET", "permissions", vhost, user)

    def delete_user(self, user):
        answer = self._call("DELETE", "users", user)
        if answer.status_code != 404:
            answer.raise_for_status()
