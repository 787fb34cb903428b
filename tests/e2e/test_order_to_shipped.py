"""The walking skeleton, whole: one storefront order through all six services on the real
broker, each with its own database (issue #2 "Done when"; business-rules §1, the ERP sequence
审单 → 打单 → 配货 → 称重 → 发货)."""
import uuid

import requests
import sqlalchemy as sa

from services.after_sales.models import SalesOrder
from services.customer_retention.models import CustomerOrder
from services.order_review.models import ReviewOrder
from services.picking_packing.models import PickList
from services.shipping_labels import s10
from services.shipping_labels.models import Shipment
from services.staff_performance.models import Fact
from shared.config import SERVICES
from shared.testing.polling import wait_for
from tools.storefront import CATALOGUE

PICKER, PACKER, SHIPPER = "P-101", "K-202", "H-303"


class Desk:
    """HTTP calls to one running service as one person."""

    def __init__(self, service, role, staff_id):
        self.service, self.role, self.staff_id = service, role, staff_id

    def call(self, method, path, **kwargs):
        headers = {**self.service.headers(self.role, self.staff_id), **kwargs.pop("headers", {})}
        return requests.request(method, self.service.url(path), headers=headers, timeout=10, **kwargs)

    def json_when(self, path, ready, timeout=30):
        def poll():
            answer = self.call("GET", path)
            return answer.json() if answer.status_code == 200 and ready(answer.json()) else None
        return wait_for(poll, timeout=timeout, message=f"GET {path} never became ready")


def scan(desk, path="/scans", **fields):
    answer = desk.call("POST", path, json={"scan_id": str(uuid.uuid4()), "station_id": "ST-1", **fields})
    assert answer.status_code == 200, answer.text
    return answer.json()


def recorded(service, model, **criteria):
    with service.db.read() as session:
        return session.scalars(sa.select(model).filter_by(**criteria)).all()


def stock_the_warehouse_and_load_waybill_numbers(warehouse, shipping):
    receive(warehouse, {sku: 50 for sku, *_ in CATALOGUE})
    load_waybill_numbers(shipping)


def receive(warehouse, qty_by_sku):
    receipt = warehouse.call("POST", "/stock/receipts", json={"lines": [{"sku": sku, "qty": qty}
                                                                        for sku, qty in qty_by_sku.items()]})
    assert receipt.status_code in (200, 201), receipt.text


def load_waybill_numbers(shipping):
    for carrier, first, last in (("ZTO", "735000000001", "735000000100"),
                                 ("EMS", s10.compose("EE", 1), s10.compose("EE", 100))):
        loaded = shipping.call("POST", "/waybill-ranges", json={"carrier": carrier, "first_number": first,
                                                               "last_number": last})
        assert loaded.status_code in (200, 201), loaded.text


def test_one_storefront_order_goes_through_every_service_to_shipped(start_service, publish_order):
    services = {name: start_service(name) for name in SERVICES}
    warehouse = Desk(services["picking_packing"], "warehouse", "W-1")
    stock_the_warehouse_and_load_waybill_numbers(warehouse, Desk(services["shipping_labels"], "warehouse", "W-1"))

    event = publish_order(remark_share=0, bad_phone_share=0, incomplete_share=0, cod_share=0)
    order = event["order"]
    order_no = order["order_no"]

    # 审单: an order with nothing doubtful is approved with no person involved.
    picker = Desk(services["picking_packing"], "picker", PICKER)
    pick_list = picker.json_when(f"/pick-lists/{order_no}", lambda p: p["status"] == "ready")
    assert {(line["sku"], line["qty"]) for line in pick_list["lines"]} == {
        (line["sku"], line["qty"]) for line in order["lines"]}

    # 配货: every line scanned against the pick list.
    for line in order["lines"]:
        scan(picker, type="pick", order_no=order_no, barcode=line["sku"], qty=line["qty"])

    # 称重 + 打包: the parcel weighs what its goods should.
    packer = Desk(services["picking_packing"], "packer", PACKER)
    packed = scan(packer, type="pack", order_no=order_no, weight_g=pick_list["expected_weight_g"])
    assert packed["status"] == "packed"

    # 打单: the label is issued on its own once the parcel is weighed.
    shipper_desk = Desk(services["shipping_labels"], "shipper", SHIPPER)
    shipment = shipper_desk.json_when(f"/shipments/{order_no}", lambda s: s.get("tracking_no"))
    remote = order["shipping_address"]["province"] in ("新疆维吾尔自治区", "西藏自治区")
    assert shipment["carrier"] == ("EMS" if remote else "ZTO")        # §4: remote provinces go by EMS
    assert shipment["weight_g"] == pick_list["expected_weight_g"]

    # 发货: the courier hand-over is scanned at shipping labels, where the label was issued (and would be voided).
    scan(shipper_desk, tracking_no=shipment["tracking_no"], path="/handovers")
    shipped = shipper_desk.json_when(f"/shipments/{order_no}", lambda s: s["status"] == "shipped")
    assert shipped["shipper"] == SHIPPER

    # Every service recorded the order in its own database; the floor heard of the hand-over (order_shipped).
    assert recorded(services["order_review"], ReviewOrder, order_no=order_no)
    wait_for(lambda: recorded(services["picking_packing"], PickList, order_no=order_no, status="handed_over"))
    assert recorded(services["shipping_labels"], Shipment, order_no=order_no)[0].status == "shipped"
    wait_for(lambda: recorded(services["after_sales"], SalesOrder, order_no=order_no, status="shipped"))
    wait_for(lambda: recorded(services["customer_retention"], CustomerOrder, order_no=order_no))

    def people_credited():
        facts = recorded(services["staff_performance"], Fact, subject=order_no)
        return {(fact.staff_id, fact.kind) for fact in facts}
    credited = wait_for(lambda: (lambda f: f if {PICKER, PACKER, SHIPPER} <= {s for s, _ in f} else None)(
        people_credited()))
    assert {staff for staff, _ in credited} >= {PICKER, PACKER, SHIPPER}
