"""Start a real service (real broker vhost, real fresh database) in a test and talk to it."""
from dataclasses import dataclass
from functools import cached_property

from nameko.testing.utils import find_free_port

from shared import config as suite_config
from shared.db.dependency import standalone
from shared.testing.keys import session_keys
from shared.web.auth import mint_token


def service_test_config(service, amqp_uri, **overrides):
    """A service's config for tests: fast retries, a fast relay, a free port, the session's key pair."""
    values = dict(
        AMQP_URI=amqp_uri,
        WEB_SERVER_ADDRESS=f"127.0.0.1:{find_free_port()}",
        RETRY_DELAYS_MS=[50, 100], OUTBOX_POLL_SECONDS=0.1, AUTH_PUBLIC_KEY_FILE=session_keys().public_file,
    )
    if service == "identity":
        values["AUTH_PRIVATE_KEY_FILE"] = session_keys().private_file
    values.update(overrides)
    return suite_config.service_config(service, **values)


@dataclass
class RunningService:
    name: str
    container: object
    config: dict
    base: object   # the service's declarative Base

    @property
    def base_url(self):
        return "http://" + self.config["WEB_SERVER_ADDRESS"]

    def url(self, path):
        return self.base_url + path

    def token(self, role, staff_id="S-test", **claims):
        """A token as identity would issue it, signed with the test session's private key."""
        return mint_token(session_keys().private_key, staff_id, role, **claims)

    def headers(self, role, staff_id="S-test", **extra):
        return {"Authorization": f"Bearer {self.token(role, staff_id)}", **extra}

    @cached_property
    def db(self):
        """The service's database, for assertions (no relay, no pool)."""
        return standalone(self.base, self.config["DATABASE_URL"], self.name)
