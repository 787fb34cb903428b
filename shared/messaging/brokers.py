"""Several brokers in `AMQP_URI`: the nodes of one RabbitMQ cluster, any of which will do.

`AMQP_URI=amqp://h1:5672/;amqp://h2:5672/;amqp://h3:5672/` (a comma works as well as kombu's `;`).
Each connection (consumers, publishers, the outbox relay, the tools) is a kombu connection with the
others as failover alternates: when its node dies it connects to the next one that answers. Each
process starts at a different node (`spread`), so a service's instances spread over the cluster."""
import os
import re

SEPARATORS = re.compile(r"[;,]")


def broker_uris(value):
    """The URIs listed in `value` (`;` or `,` between them), in order; at least one."""
    uris = [part.strip() for part in SEPARATORS.split(value or "") if part.strip()]
    if not uris:
        raise ValueError("no AMQP URI to connect with")
    return uris


def failover_uri(uris):
    """What kombu takes: the URIs joined by `;` (the first is tried first)."""
    return ";".join(uris)


def spread(uris, seed=None):
    """The same URIs, starting from one chosen by `seed` (the process id by default)."""
    start = (os.getpid() if seed is None else seed) % len(uris)
    return uris[start:] + uris[:start]


def first_uri(value):
    """The first URI of the list: where the vhost and the administrator's host are read from (every
    node of a cluster has the same vhosts)."""
    return broker_uris(value)[0]


def sanitized(value):
    """The list with every password masked (nameko's `sanitize_url` masks only the first URI's)."""
    from nameko.utils import sanitize_url

    return ";".join(sanitize_url(uri) for uri in broker_uris(value))


def connect_any(connection):
    """Connect a kombu connection to the first broker of its list that answers (one round over them,
    without waiting between them); kombu's OperationalError if none does."""
    connection.ensure_connection(max_retries=max(len(connection.alt or ()), 1), interval_start=0,
                                 interval_step=0.5, interval_max=1)
    return connection
