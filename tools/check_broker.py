"""Exit 0 if RabbitMQ answers at $AMQP_URI; otherwise say how to start it and exit 1.

Only the port is tried: before the first deploy no user of the suite exists yet, and signing in as
`guest` is what the suite no longer does."""
import socket
import sys

from kombu.utils.url import parse_url

from shared.config import amqp_uri
from shared.messaging.brokers import broker_uris


def main():
    failures = []
    for uri in broker_uris(amqp_uri()):   # any node of a cluster will do
        address = parse_url(uri)
        host, port = address["hostname"] or "localhost", address["port"] or 5672
        try:
            socket.create_connection((host, port), timeout=3).close()
            return 0
        except OSError as exc:
            failures.append(f"{host}:{port} ({exc})")
    print(f"No RabbitMQ broker answers at {', '.join(failures)}.\n"
          "Start one, e.g.:\n"
          "  rabbitmq-server -detached            (a local install)\n"
          "  docker-compose up -d rabbitmq        (with Docker)\n"
          "or point AMQP_URI at a running broker, then run `make run` again.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
