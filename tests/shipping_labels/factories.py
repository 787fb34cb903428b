"""Events and helpers for the shipping labels tests (unique random order numbers)."""
import json
import uuid
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from services.shipping_labels import labelling, s10, tracking
from services.shipping_labels.http import shipments as handover
from services.shipping_labels.models import Base, Shipment

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)   # 10:00 in Nanjing


def order_no():
    return f"SO-T-{uuid.uuid4().hex[:10].upper()}"


def approved(number=None, cod="0.00", province="浙江省", lines=None):
    return {
        "order_no": number or order_no(), "customer_id": "C1001", "placed_at": T0, "approved_at": T0,
        "reviewer": "auto", "seconds_to_decision": 1.0, "replacement_of": None,
        "lines": lines or [{"sku": "SKU-001", "name": "保温杯", "qty": 2, "unit_price": "59.00", "unit_weight_g": 420}],
        "shipping_address": {"recipient": "王芳", "phone": "13812345678", "province": province, "city": "杭州市",
                             "district": "西湖区", "line1": "文化路 8 号", "postcode": "310012"},
        "payment_method": "cod" if cod != "0.00" else "prepaid", "cod_amount": cod, "total": "118.00",
    }


def packed(number, weight_g=1200, at=T0, packer="P-7"):
    return {"order_no": number, "weight_g": weight_g, "expected_weight_g": weight_g, "packer": packer,
            "station_id": "PACK-1", "packed_at": at, "override_by": None, "override_reason": None}


HANDED_OVER_AT = T0 + timedelta(hours=3)


def handover_scan(tracking_no, station_id="DOCK-1"):
    """The body of a hand-over scan (POST /handovers)."""
    return {"scan_id": str(uuid.uuid4()), "tracking_no": tracking_no, "station_id": station_id}


def hand_over_at(db, tracking_no, at=HANDED_OVER_AT, shipper="SH-3"):
    """The hand-over scan's use case at a chosen moment (over HTTP it is now): -> (status, answer). With a
    running service's `db`, its relay publishes what the scan published."""
    with db.unit_of_work() as uow:
        return handover.hand_over(uow, handover_scan(tracking_no), shipper, at)


def events(db, event_type):
    """Payloads this service put in its outbox, oldest first."""
    outbox = Base.metadata.tables["outbox"]
    with db.read() as session:
        rows = session.execute(sa.select(outbox.c.payload).where(outbox.c.event_type == event_type)
                               .order_by(outbox.c.id)).all()
    return [json.loads(row.payload) for row in rows]


class Parcels:
    """Parcels driven through the use cases at chosen times, on EMS (COD parcels go to EMS by the tariff; a
    prepaid one too when it goes to a remote province)."""

    def __init__(self, db, desk, run, first_serial=60000000):
        self.db, self.desk, self.run = db, desk, run
        run(labelling.load_range, desk, {"carrier": "EMS", "first_number": s10.compose("EE", first_serial),
                                          "last_number": s10.compose("EE", first_serial + 99)}, "W-1", T0)

    def ship(self, cod="88.00", at=T0):
        """-> (order_no, tracking_no) of a parcel handed over at `at`."""
        order = approved(cod=cod, province="浙江省" if cod != "0.00" else "新疆维吾尔自治区")
        self.run(labelling.expect_shipment, order, at - timedelta(hours=3))
        self.run(labelling.parcel_packed, self.desk, packed(order["order_no"], at=at - timedelta(hours=2)))
        with self.db.read() as session:
            tracking_no = session.get(Shipment, order["order_no"]).tracking_no
        assert hand_over_at(self.db, tracking_no, at)[0] == 200
        return order["order_no"], tracking_no

    def scan(self, tracking_no, status, at, received_at=None):
        """The carrier's scan at `at`, reaching us then (or at `received_at`)."""
        return self.run(tracking.record, self.desk, {
            "event_id": str(uuid.uuid4()), "tracking_no": tracking_no, "status": status, "occurred_at": at,
            "location": "杭州", "reason": None}, received_at or at)

    def delivered(self, cod="88.00", at=T0 + timedelta(days=1)):
        order_no, tracking_no = self.ship(cod, at - timedelta(days=1))
        self.scan(tracking_no, "delivered", at)
        return order_no, tracking_no
