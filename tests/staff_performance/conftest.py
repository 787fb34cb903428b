import pytest

from services.staff_performance import register
from services.staff_performance.models import Base
from shared.db.dependency import standalone


@pytest.fixture
def db(fresh_database_url):
    """The service's database without a container: use cases run in plain units of work."""
    return standalone(Base, fresh_database_url("staff_performance"), "staff_performance")


@pytest.fixture
def hire(db):
    def hire(staff_id, rank="regular", team="sales-1", role="sales"):
        with db.unit_of_work() as uow:
            register.save_staff(uow, staff_id, {"name": staff_id.title(), "role": role, "rank": rank,
                                                "team": team, "active": True})
        return staff_id
    return hire


@pytest.fixture
def flagged(amqp_connection):
    """flagged() -> a function returning the `staff_flagged` events published on the broker since
    (a queue bound to staff_performance's events before anything happens)."""
    import json
    import uuid

    from kombu import Queue

    from shared.messaging.topology import events_exchange

    queue = Queue(f"test-flagged-{uuid.uuid4().hex[:8]}", exchange=events_exchange("staff_performance"),
                  routing_key="staff_flagged", exclusive=True, auto_delete=True)(amqp_connection.default_channel)
    queue.declare()
    received = []

    def drain():
        while (message := queue.get(no_ack=True)) is not None:
            received.append(json.loads(message.body))
        return received
    return drain
