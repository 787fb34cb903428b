"""What every cluster test checks once its orders have flowed through a fault (issue 21): every order
shipped, none twice at any stage, the stock exact, no scan failed, every outbox drained, and nothing
in a dead-letter queue or the storefront's unrouted queue."""
import sqlalchemy as sa

from shared.config import SERVICES
from shared.messaging.dead_letters import list_dead_letters, list_unrouted
from shared.testing.polling import wait_for
from tools.bench import timeline, warehouse


def unsent(engine):
    """Events not yet published, or None while a busy PostgreSQL refuses one more client."""
    try:
        with engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(timeline.OUTBOX)
                                .where(timeline.OUTBOX.c.published_at.is_(None))).scalar()
    except sa.exc.OperationalError:
        return None


def shipped(engine):
    """Orders shipped so far; 0 while the database refuses a look (a PostgreSQL shared with other work
    may be at its connection limit for a moment)."""
    try:
        return timeline.count_events(engine, "order_shipped")
    except sa.exc.OperationalError:
        return 0


def check_every_order_shipped_once(flow, amqp_uri):
    """The counts every cluster test ends on; `flow` is a tests.cluster.flow.Flow that has run."""
    engines = flow.engines
    timeline.settle(engines)
    stages, repeats = timeline.read(engines, flow.placed)
    missing = {order_no: sorted(reached) for order_no, reached in stages.items() if "shipped" not in reached}
    assert len(stages) == len(flow.orders) and not missing, f"not shipped (stages reached): {missing}"
    assert repeats == {stage: 0 for stage in repeats}, repeats          # no stage twice for any order
    stock_problems = warehouse.stock_problems(flow.suite, flow.orders, stages)
    assert stock_problems == [], stock_problems
    assert not flow.floor.stats.failures, flow.floor.stats.failures[:5]
    for service, engine in engines.items():                             # the outboxes drain
        wait_for(lambda: unsent(engine) == 0, timeout=60, message=f"{service}'s outbox did not drain")
    for service in SERVICES:
        assert list_dead_letters(amqp_uri, service) == [], service
    assert list_unrouted(amqp_uri, "storefront") == []
