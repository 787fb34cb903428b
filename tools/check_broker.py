"""Exit 0 if RabbitMQ answers at $AMQP_URI; otherwise say how to start it and exit 1."""
import sys

from kombu import Connection

from shared.config import amqp_uri


def main():
    uri = amqp_uri()
    try:
        with Connection(uri, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as exc:
        print(f"No RabbitMQ broker answers at {uri.split('@')[-1]} ({exc}).\n"
              "Start one, e.g.:\n"
              "  rabbitmq-server -detached            (a local install)\n"
              "  docker-compose up -d rabbitmq        (with Docker)\n"
              "or point AMQP_URI at a running broker, then run `make run` again.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
