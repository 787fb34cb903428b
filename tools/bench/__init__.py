"""The benchmark (issue #9): the suite doing its real job on this machine, against the bare bus.

    python -m tools.bench [--orders N] [--rate R | --max] [--stations K] [--postgres] [--instances M] [--smoke]

Each run gets its own RabbitMQ vhost and fresh databases, starts the six services as
separate processes (`python -m shared.run <service>`, as in production), loads stock and
waybill ranges, publishes N storefront orders while K scanner stations work the floor over
HTTP, then reads every stage's time from the services' own outboxes. See `run.py`.
"""
