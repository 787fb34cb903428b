"""A throw-away RabbitMQ vhost per run, through the management API (as nameko's test fixtures do)."""
import uuid
from urllib.parse import quote, urlsplit

import requests
from nameko.testing.rabbit import Client

DEFAULT_MANAGEMENT_URI = "http://guest:guest@127.0.0.1:15672"
DEFAULT_AMQP_BASE = "amqp://guest:guest@127.0.0.1:5672"


class ManagementOff(Exception):
    """The management API (a plugin, off by default) does not answer: say what to run, not a stack trace."""


def check_management(uri=DEFAULT_MANAGEMENT_URI):
    parts = urlsplit(uri)
    where = f"{parts.scheme}://{parts.hostname}:{parts.port}"
    try:
        requests.get(f"{where}/api/overview", timeout=5)
    except requests.ConnectionError:
        raise ManagementOff(f"RabbitMQ's management API does not answer at {where}: run "
                            "`rabbitmq-plugins enable rabbitmq_management` and try again") from None


class Vhost:
    def __init__(self, management_uri=DEFAULT_MANAGEMENT_URI, amqp_base=DEFAULT_AMQP_BASE):
        check_management(management_uri)
        self.client = Client(management_uri)
        self.name = f"bench_{uuid.uuid4().hex[:10]}"
        self.amqp_uri = f"{amqp_base.rstrip('/')}/{quote(self.name, safe='')}"
        self._user = urlsplit(amqp_base).username or "guest"

    def __enter__(self):
        self.client.create_vhost(self.name)
        self.client.set_vhost_permissions(self.name, self._user, ".*", ".*", ".*")
        return self

    def __exit__(self, *exc):
        self.client.delete_vhost(self.name)
        return False

    def queues(self):
        return self.client.get_queues(self.name)

    def consumers(self):
        """Every consumer of the vhost, with its queue and channel (management API)."""
        return self.client._get("consumers", self.name)

    def channel(self, name):
        return self.client._get("channels", name)
