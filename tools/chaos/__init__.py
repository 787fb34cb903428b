"""Fault injection for the reliability suite (issue #10): a private RabbitMQ node to kill."""
