"""The suite's users on the bus, one per part, each with the least it needs (`permissions`):

| part | may |
|---|---|
| each service | its own exchanges and queues; read the events exchanges it consumes from |
| `storefront` | publish to `storefront.events`, read its own `storefront.feed` (stock levels, tracking), nothing else |
| `web_console` | read the services' dead-letter queues, publish to their retry exchanges (replays), nothing else |
| `deploy` | everything in the vhost: declares the topology, retires queues, replays dead letters |

None is an administrator of the broker: creating them takes the administrator (`broker_admin`)."""
from shared import config
from shared.bus_credentials import CONSOLE, DEPLOY, ensure_password
from shared.messaging.broker_admin import definitions
from shared.messaging.deploy import consumer_queues
from shared.messaging.feeds import feed_queue_name
from shared.messaging.permissions import (
    FULL, dead_letter_reader_permissions, publisher_permissions, service_permissions,
)
from shared.messaging.topology import dead_letter_queue_name, retry_exchange
from shared.service_registry import service_class


def suite_permissions():
    """{part: Permissions} for every part of the suite that connects to the bus."""
    parts = {service: service_permissions(service, consumer_queues(service, service_class(service)))
             for service in config.SERVICES}
    feeds = {party: [feed_queue_name(party)] for party in config.OUTSIDE_CONSUMERS}
    parts.update({publisher: publisher_permissions(publisher, feeds.get(publisher, ()))
                  for publisher in config.OUTSIDE_PUBLISHERS})
    parts[CONSOLE] = dead_letter_reader_permissions([dead_letter_queue_name(s) for s in config.SERVICES],
                                                    [retry_exchange(s).name for s in config.SERVICES])
    parts[DEPLOY] = FULL
    return parts


def set_up_users(admin, vhost, prefix="", directory=None):
    """Create or update every part's user `<prefix><part>` with its permissions on `vhost`, with the
    password stored for it (generated the first time). {part: user name}."""
    parts = suite_permissions()
    users = {part: prefix + part for part in parts}
    accounts = {users[part]: (ensure_password(users[part], directory), permissions)
                for part, permissions in parts.items()}
    admin.ensure_vhost(vhost)
    admin.import_definitions(definitions(vhost, accounts))
    return users
