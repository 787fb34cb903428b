"""Queues of consumers that a release removed, emptied into dead letters at deploy.

A removed consumer leaves its queue on the broker, still bound, still holding whatever was
waiting at the upgrade; nothing would ever read those messages again. Deploy (after declaring
the current queues) unbinds each retired queue, moves what it holds to the service's dead
letters with the reason, so they can be read (`tools.dead_letters list`) and acted on, and
deletes it. A retry still in a delay queue for it is routed to the dead letters as well.
"""
from dataclasses import dataclass

from amqp.exceptions import NotFound
from kombu import Queue

from shared.messaging.dead_letters import dead_letter
from shared.messaging.publisher import ConfirmedPublisher
from shared.messaging.queue_moves import delete_if_empty
from shared.messaging.topology import consumer_queue_name, dead_letter_queue, declare, events_exchange, retry_exchange
from shared.messaging.transport import connect


@dataclass(frozen=True)
class RetiredConsumer:
    source: str
    event_type: str
    service: str
    method: str
    why: str

    @property
    def queue_name(self):
        return consumer_queue_name(self.source, self.event_type, self.service, self.method)


RETIRED = (
    RetiredConsumer("picking_packing", "line_picked", "staff_performance", "on_line_picked",
                    "line_picked is no longer published: order_picked lists every line with who picked it"),
    # Issue 18 item 3: the hand-over is scanned at shipping labels (POST /handovers), where a void is decided.
    RetiredConsumer("picking_packing", "parcel_handed_over", "shipping_labels", "on_parcel_handed_over",
                    "hand-overs are scanned here now (POST /handovers); this parcel was handed over on the floor "
                    "before the upgrade: post its tracking_no to POST /handovers to ship it"),
    RetiredConsumer("picking_packing", "parcel_handed_over", "staff_performance", "on_parcel_handed_over",
                    "parcel_handed_over is no longer published: the shipper's hand-over is counted from "
                    "shipping_labels' order_shipped"),
    RetiredConsumer("shipping_labels", "waybill_issued", "picking_packing", "on_waybill_issued",
                    "the floor keeps no copy of the labels: hand-overs are checked at shipping labels"),
    RetiredConsumer("shipping_labels", "waybill_voided", "picking_packing", "on_waybill_voided",
                    "the floor keeps no copy of the labels: hand-overs are checked at shipping labels"),
)


def retire_queues(amqp_uri, service, retired=RETIRED):
    """{queue name: messages moved to dead letters} for each retired queue of `service` still on the
    broker; None for one that a running old release still consumes (left alone: deploy again later)."""
    moved = {}
    with connect(amqp_uri) as connection:
        for consumer in (r for r in retired if r.service == service):
            channel = connection.channel()
            try:
                found = channel.queue_declare(queue=consumer.queue_name, passive=True)
            except NotFound:   # never declared here, or retired by an earlier deploy (the broker closed the channel)
                continue
            if found.consumer_count:
                moved[consumer.queue_name] = None
            else:
                moved[consumer.queue_name] = _retire(connection, channel, consumer, ConfirmedPublisher(amqp_uri))
            channel.close()
    return moved


def _retire(connection, channel, consumer, publisher):
    name, dead_letters, retry = consumer.queue_name, dead_letter_queue(consumer.service), retry_exchange(consumer.service)
    declare(connection, [dead_letters], exchanges=[events_exchange(consumer.source), retry])
    channel.queue_unbind(queue=name, exchange=events_exchange(consumer.source).name, routing_key=consumer.event_type)
    channel.queue_bind(queue=dead_letters.name, exchange=retry.name, routing_key=name)
    channel.queue_unbind(queue=name, exchange=retry.name, routing_key=name)
    queue, count = Queue(name, no_declare=True)(channel), 0
    while (message := queue.get(no_ack=False)) is not None:
        # Acked only once the dead letter is confirmed: a deploy cut short loses nothing.
        dead_letter(publisher, consumer.service, message, name, f"retired consumer: {consumer.why}", attempts=0)
        message.ack()
        count += 1
    delete_if_empty(connection, name)
    return count
