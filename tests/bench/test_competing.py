"""Reading the broker's consumers for the competing-consumers evidence (tools/bench/competing.py)."""
from tools.bench.competing import evidence, sharing_evidence


class ManagementApi:
    """The management API's answers only; `evidence` is what is under test."""

    def __init__(self, consumers, delivered):
        self._consumers, self._delivered = consumers, delivered

    def consumers(self):
        return self._consumers

    def channel(self, name):
        return {"message_stats": {"deliver_get": self._delivered[name]}}


def consumer(queue, channel):
    return {"queue": {"name": queue}, "channel_details": {"name": channel} if channel else []}


def test_a_channel_without_details_yet_is_left_out_not_a_crash():
    queue = "evt-storefront-order_placed--order_review.on_order_placed"
    api = ManagementApi([consumer(queue, "ch-1"), consumer(queue, None)], {"ch-1": 7})
    found = evidence(api, instances=2)["order_review"]
    assert found == {"queues": 1, "queues_with_every_instance_consuming": 1, "delivered_per_instance": [7]}


class CountersThatArrive(ManagementApi):
    """The broker lists staff_performance's consumers only from the third look on."""

    def __init__(self, *args):
        super().__init__(*args)
        self.looks = 0

    def consumers(self):
        self.looks += 1
        return [c for c in self._consumers if self.looks >= 3 or "staff_performance" not in c["queue"]["name"]]


def test_the_evidence_waits_for_every_service_to_be_listed():
    review = "evt-storefront-order_placed--order_review.on_order_placed"
    staff = "evt-picking_packing-order_packed--staff_performance.on_order_packed"
    api = CountersThatArrive([consumer(review, "ch-1"), consumer(review, "ch-2"),
                              consumer(staff, "ch-3"), consumer(staff, "ch-4")],
                             {"ch-1": 5, "ch-2": 5, "ch-3": 4, "ch-4": 6})
    found = sharing_evidence(api, instances=2, orders=10, services=["order_review", "staff_performance"])
    assert api.looks == 3
    assert found["staff_performance"]["delivered_per_instance"] == [4, 6]
