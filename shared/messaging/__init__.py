"""Reliable messaging on RabbitMQ: topology, confirmed publishing, the outbox relay,
the consumer entrypoint with retries and dead letters."""
