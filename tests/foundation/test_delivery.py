"""Delivery guarantees on the real broker and database (issue #2, "Delivery guarantees")."""
import json
import uuid

import sqlalchemy as sa

from shared.messaging.dead_letters import list_dead_letters, replay_dead_letters
from shared.messaging.deploy import declare_service
from shared.testing.polling import wait_for
from tests.foundation.sample_service import FAILING_ORDERS, ReceivedOrder, SampleService
from tools import storefront


def effects(service, order_no):
    with service.db.read() as session:
        return session.scalars(sa.select(ReceivedOrder).where(ReceivedOrder.order_no == order_no)).all()


def outbox_rows(service):
    outbox = service.base.metadata.tables["outbox"]
    with service.db.read() as session:
        return session.execute(sa.select(outbox).order_by(outbox.c.id)).all()


def test_a_message_delivered_twice_has_one_effect(start_sample, publish_order, listen):
    service = start_sample()
    seen = listen("sample", "order_seen")
    event = publish_order()
    publish_order(event=event)                     # the same event_id again (a broker redelivery)
    other = publish_order()                        # a later message, to know both copies were consumed
    wait_for(lambda: effects(service, other["order"]["order_no"]))
    wait_for(lambda: not any(r.published_at is None for r in outbox_rows(service)))

    assert len(effects(service, event["order"]["order_no"])) == 1
    assert len(outbox_rows(service)) == 2          # one order_seen per distinct event
    messages = [seen.get(no_ack=True) for _ in range(3)]
    assert sorted(json.loads(m.body)["order_no"] for m in messages if m) == sorted(
        [event["order"]["order_no"], other["order"]["order_no"]])


def test_a_failing_handler_is_retried_then_dead_lettered_and_replays_when_fixed(
        start_sample, publish_order, rabbit_config):
    service = start_sample(RETRY_DELAYS_MS=[50, 100])
    event = storefront.make_order()
    order_no = event["order"]["order_no"]
    FAILING_ORDERS.add(order_no)
    try:
        publish_order(event=event)
        letters = wait_for(lambda: list_dead_letters(rabbit_config["AMQP_URI"], "sample"))
        assert len(letters) == 1
        letter = letters[0]
        assert letter.attempts == 3                          # first try + 2 retries with backoff
        assert "simulated bug on " + order_no in letter.reason
        assert letter.event_id == event["event_id"] and letter.first_failed_at
        assert letter.queue == "evt-storefront-order_placed--sample.on_order_placed"
        assert effects(service, order_no) == []
    finally:
        FAILING_ORDERS.discard(order_no)                    # the bug is fixed

    replayed = replay_dead_letters(rabbit_config["AMQP_URI"], "sample", ids={letter.id})
    assert [r.id for r in replayed] == [letter.id]
    wait_for(lambda: effects(service, order_no))
    assert list_dead_letters(rabbit_config["AMQP_URI"], "sample") == []


def test_dead_letter_command_lists_and_replays(start_sample, publish_order, rabbit_config, capsys):
    from tools import dead_letters

    start_sample()
    event = storefront.make_order()
    FAILING_ORDERS.add(event["order"]["order_no"])
    try:
        publish_order(event=event)
        wait_for(lambda: list_dead_letters(rabbit_config["AMQP_URI"], "sample"))
    finally:
        FAILING_ORDERS.discard(event["order"]["order_no"])
    assert dead_letters.main(["--amqp-uri", rabbit_config["AMQP_URI"], "list", "sample"]) == 0
    listing = capsys.readouterr().out
    assert "attempts=3" in listing and event["event_id"] in listing and "1 dead letter(s)" in listing
    assert dead_letters.main(["--amqp-uri", rabbit_config["AMQP_URI"], "replay", "sample", event["event_id"]]) == 0
    assert "1 replayed" in capsys.readouterr().out


def test_malformed_messages_are_dead_lettered_at_once_and_good_ones_still_flow(
        start_sample, publish_order, rabbit_config):
    service = start_sample()
    publish_order(raw_body=b'{"event_id": "not json')
    bad = storefront.make_order()
    del bad["order"]["payment"]
    bad["order"]["colour"] = "red"
    publish_order(event=bad)
    good = publish_order()

    wait_for(lambda: effects(service, good["order"]["order_no"]))
    letters = wait_for(lambda: (lambda ls: ls if len(ls) == 2 else None)(
        list_dead_letters(rabbit_config["AMQP_URI"], "sample")))
    [not_json, invalid] = sorted(letter.reason for letter in letters)
    assert invalid.startswith("schema validation failed") and "payment" in invalid and "colour" in invalid
    assert not_json.startswith("not JSON")
    assert all(letter.attempts == 1 for letter in letters)      # no retries for a message that can never pass


def test_an_event_published_before_its_consumer_first_starts_is_processed(
        sample_config, container_factory, publish_order, rabbit_config):
    config = sample_config()
    declare_service(rabbit_config["AMQP_URI"], "sample", SampleService, config["RETRY_DELAYS_MS"])  # the deploy step
    event = publish_order()                                     # nobody is consuming yet

    container = container_factory(SampleService, config)
    container.start()
    from shared.testing.services import RunningService
    from tests.foundation import sample_service
    service = RunningService("sample", container, config, sample_service.Base)
    wait_for(lambda: effects(service, event["order"]["order_no"]))


def test_with_the_broker_down_state_changes_commit_and_their_events_go_out_when_it_returns(
        start_sample, sample_config, rabbit_config, listen):
    import requests
    from shared.testing.proxy import TcpProxy

    proxy = TcpProxy("127.0.0.1", 5672).start()
    received = listen("sample", "note_added")
    service = start_sample(config=sample_config(AMQP_URI=proxy.uri_for(rabbit_config["AMQP_URI"])))
    proxy.stop()                                                # the broker is gone for this service
    try:
        topic = uuid.uuid4().hex
        for n in range(3):
            response = requests.post(service.url("/notes"), json={"topic": topic, "text": f"note {n}"},
                                     headers=service.headers("agent"), timeout=10)
            assert response.status_code == 201, response.text
        assert [r.published_at for r in outbox_rows(service)] == [None, None, None]   # committed, waiting
    finally:
        proxy.start()
    wait_for(lambda: all(r.published_at for r in outbox_rows(service)), timeout=30)
    bodies = [json.loads(wait_for(lambda: received.get(no_ack=True)).body) for _ in range(3)]
    assert [b["text"] for b in bodies] == ["note 0", "note 1", "note 2"]         # in order, once each


def test_events_of_one_aggregate_leave_in_the_order_they_were_written(start_sample, listen):
    import requests

    received = listen("sample", "note_added")
    service = start_sample()
    topic = uuid.uuid4().hex
    for n in range(20):
        requests.post(service.url("/notes"), json={"topic": topic, "text": str(n)},
                      headers=service.headers("agent"), timeout=10).raise_for_status()
    texts = [json.loads(wait_for(lambda: received.get(no_ack=True)).body)["text"] for _ in range(20)]
    assert texts == [str(n) for n in range(20)]
