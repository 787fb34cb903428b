"""Issue #10 item 1, the moment that killed a process in test_whole_suite: the broker connection is
lost while a worker is handling a message. The worker's unit of work commits; its ack can't reach
the broker. The service must live on (the broker redelivers the unacked message; the inbox skips it).

Through a proxy the client usually notices the closed socket before the ack (nameko then skips
the ack): that path works. When the ack is written first into a reset socket (a broker killed
with kill -9), the error used to escape and kill the container (fixed in shared/messaging/consumer.py
after this suite found it): pinned by the unit test below."""
import eventlet
from eventlet.event import Event

import pytest

from shared.messaging.consumer import RawQueueConsumer
from services.after_sales import orders as after_sales_orders
from services.after_sales.models import SalesOrder
from shared.testing.polling import wait_for
from shared.testing.proxy import TcpProxy
from tests.reliability.harness import say



def known(service, order_no):
    with service.db.read() as session:
        return session.get(SalesOrder, order_no) is not None


def test_broker_lost_while_a_worker_holds_a_message_the_service_lives_on(
        start_service, make_config, publish_order, rabbit_config, monkeypatch, record_property):
    proxy = TcpProxy("127.0.0.1", 5672).start()
    config = make_config("after_sales", AMQP_URI=proxy.uri_for(rabbit_config["AMQP_URI"]))
    entered, release = Event(), Event()
    original = after_sales_orders.record_order

    def held(uow, order):        # the worker has the message and takes its time
        if not entered.ready():
            entered.send()
            release.wait()
        return original(uow, order)
    monkeypatch.setattr(after_sales_orders, "record_order", held)
    service = start_service("after_sales", config=config)
    try:
        first = publish_order()["order"]["order_no"]
        entered.wait()
        proxy.stop()                          # the broker is gone, the worker still holds the message
        release.send()
        wait_for(lambda: known(service, first), timeout=15)     # its transaction commits; the ack fails
        eventlet.sleep(0.5)                   # the failed ack's consequences play out
        proxy.start()
        second = publish_order()["order"]["order_no"]
        alive = not service.container._died.ready()
        processed = wait_for(lambda: known(service, second), timeout=20, message="the service stopped consuming") \
            if alive else False
        say(record_property, f"broker lost mid-message: container alive {alive}, first order stored "
                             f"{known(service, first)}, next order processed {bool(processed)}")
        assert alive and processed
    finally:
        proxy.stop()


class MessageOnADeadSocket:
    """A delivery whose connection the client still believes open, while the broker is gone."""
    headers = {}

    class channel:
        connection = object()

    def ack(self):
        raise ConnectionResetError(104, "Connection reset by peer")

    def requeue(self):
        raise BrokenPipeError(32, "Broken pipe")


def test_an_ack_or_requeue_into_a_reset_connection_does_not_kill_the_worker():
    consumer = RawQueueConsumer()
    consumer.ack_message(MessageOnADeadSocket())
    consumer.requeue_message(MessageOnADeadSocket())
