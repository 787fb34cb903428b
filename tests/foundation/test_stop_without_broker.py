"""Stopping or killing a service while its broker is unreachable ends at once instead of
waiting for the broker (kombu reconnects for ever), and loses nothing: what it had not
acked is delivered again once the broker is back (shared/messaging/consumer.py)."""
import eventlet
import pytest
import sqlalchemy as sa
from nameko.testing.utils import find_free_port, get_extension

from shared.messaging.consumer import RawQueueConsumer
from shared.testing.polling import wait_for
from shared.testing.proxy import TcpProxy
from tests.foundation.sample_service import ReceivedOrder


def received(service, order_no):
    with service.db.read() as session:
        return session.scalars(sa.select(ReceivedOrder).where(ReceivedOrder.order_no == order_no)).all()


@pytest.mark.parametrize("how", ["stop", "kill"])
def test_a_service_stops_while_the_broker_is_unreachable_and_its_queue_keeps_the_work(
        start_sample, sample_config, rabbit_config, publish_order, how):
    proxy = TcpProxy("127.0.0.1", 5672).start()
    config = sample_config(AMQP_URI=proxy.uri_for(rabbit_config["AMQP_URI"]))
    service = start_sample(config=config)
    consumer = get_extension(service.container, RawQueueConsumer)
    proxy.stop()
    wait_for(lambda: consumer._reconnecting, message="the consumer never noticed the broker was gone")
    waiting = publish_order()   # reaches the queue directly; this service can't take it now

    with eventlet.Timeout(10):
        getattr(service.container, how)()
    assert service.container._died.ready()

    proxy.start()
    # The same queue and database, the broker reachable (a port of its own: a killed server's
    # socket is closed only when it is collected).
    again = start_sample(config={**config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{find_free_port()}"})
    wait_for(lambda: received(again, waiting["order"]["order_no"]))
    assert len(received(again, waiting["order"]["order_no"])) == 1
