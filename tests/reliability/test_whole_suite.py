"""Issue #10 items 1–3: the broker killed, each service killed, each service stopped, all
while orders flow through the whole suite (six processes, real broker, real databases).
Sizes: RELIABILITY_ORDERS orders per test (CI default below; the issue's figure is 500)."""
import signal

import eventlet

from shared.config import SERVICES
from tests.reliability.harness import orders_per_test, say, stock_drift

CI_ORDERS = 50
OUTAGE_SECONDS = 3          # how long the broker stays dead: the fault itself, not a wait for a result
PROMPT_EXIT_SECONDS = 15    # a SIGTERMed service must be gone within this


def _order_nos(orders):
    return [event["order"]["order_no"] for event in orders]


def _settle(chaos, order_nos):
    chaos.wait_all_shipped(order_nos, timeout=60 + 3 * len(order_nos))
    chaos.wait_outbox_drained()
    return chaos.count(order_nos)


def _wait_progress(chaos, order_nos, at_least):
    chaos.wait_all_shipped(order_nos[:at_least], timeout=30 + 3 * at_least)


def test_broker_killed_while_orders_flow_then_every_order_ships_once(chaos, private_broker, record_property):
    orders = chaos.orders(orders_per_test(CI_ORDERS), "bk")
    nos, before, crashed = _order_nos(orders), chaos.stock(), len(chaos.crashes)
    chaos.publish(orders)
    chaos.wait_stage(nos, "approved", len(nos) // 3)        # the flow is well under way
    in_flight = len(nos) - chaos.shipped_count(nos)
    private_broker.kill()
    eventlet.sleep(OUTAGE_SECONDS)
    private_broker.start()
    reached, repeats = _settle(chaos, nos)
    drift = stock_drift(before, chaos.stock(), orders)
    say(record_property, f"broker kill -9 with {in_flight} orders in flight: {len(nos)} sent, "
                         f"{reached['shipped']} shipped, {sum(repeats.values())} duplicates {repeats}, "
                         f"outbox {chaos.outbox_pending()}, stock drift {drift}, {chaos.floor.figures()}, "
                         f"services that died and were restarted {chaos.crashes[crashed:]} "
                         f"(RELIABILITY_ORDERS={len(nos)})")
    assert reached["shipped"] == len(nos)
    assert repeats == {} and drift == {} and chaos.outbox_pending() == 0


def _each_service_under_load(chaos, tag, signum):
    """Orders flow at 10/s while each service in turn gets `signum` and is started again.
    Returns (orders, figures): the settled counts, exit seconds, redeliveries, stock drift, deaths."""
    orders = chaos.orders(orders_per_test(CI_ORDERS), tag)
    nos, before, seen_before, crashed = _order_nos(orders), chaos.stock(), chaos.duplicates_ignored(), \
        len(chaos.crashes)
    publisher = eventlet.spawn(chaos.publish, orders, 10)
    exits = {}
    for n, service in enumerate(SERVICES):
        _wait_progress(chaos, nos, min(len(nos), 1 + n * len(nos) // (2 * len(SERVICES))))
        exits[service] = round(chaos.signal(service, signum, wait=60), 1)
        chaos.restart(service)
    publisher.wait()
    reached, repeats = _settle(chaos, nos)
    return nos, {"reached": reached, "repeats": repeats, "exits": exits,
                 "redelivered": chaos.duplicates_ignored() - seen_before,
                 "drift": stock_drift(before, chaos.stock(), orders), "deaths": chaos.crashes[crashed:]}


def test_each_service_killed_with_sigkill_loses_nothing_and_applies_nothing_twice(chaos, record_property):
    nos, got = _each_service_under_load(chaos, "kill", signal.SIGKILL)
    say(record_property, f"SIGKILL of each of {len(SERVICES)} services: {len(nos)} sent, "
                         f"{got['reached']['shipped']} shipped, {sum(got['repeats'].values())} duplicate effects "
                         f"{got['repeats']}, {got['redelivered']} redeliveries ignored by the inbox, "
                         f"outbox {chaos.outbox_pending()}, stock drift {got['drift']}, {chaos.floor.figures()}, "
                         f"other deaths {got['deaths']}")
    assert got["reached"]["shipped"] == len(nos)
    assert got["repeats"] == {} and got["drift"] == {} and chaos.outbox_pending() == 0
    assert got["deaths"] == []


def test_each_service_stopped_with_sigterm_finishes_its_work_and_exits_promptly(chaos, record_property):
    nos, got = _each_service_under_load(chaos, "term", signal.SIGTERM)
    say(record_property, f"SIGTERM of each service: {len(nos)} sent, {got['reached']['shipped']} shipped, "
                         f"{sum(got['repeats'].values())} duplicates, {got['redelivered']} redelivered, "
                         f"exit seconds {got['exits']}, outbox {chaos.outbox_pending()}, stock drift {got['drift']}, "
                         f"other deaths {got['deaths']}")
    assert got["reached"]["shipped"] == len(nos)
    assert got["repeats"] == {} and got["drift"] == {} and got["redelivered"] == 0 and chaos.outbox_pending() == 0
    assert max(got["exits"].values()) < PROMPT_EXIT_SECONDS, got["exits"]
    assert got["deaths"] == []
