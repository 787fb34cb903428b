"""Couriers' remittance statements for the tests, made as the courier's office would: real XLSX workbooks
written with openpyxl, CSV files with Chinese headers in UTF-8 (with Excel's BOM) or GBK; and the running
shipping service with COD parcels delivered through it."""
import io
import uuid
import zipfile
from datetime import timedelta

import requests
from openpyxl import Workbook

from services.shipping_labels import s10
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from shared.timeutil import to_iso, utcnow
from tests.shipping_labels.factories import approved, hand_over_at, packed

HEADER = ("运单号", "代收金额", "回款日期")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(rows, header=HEADER, title="EMS 代收货款回款明细", formulas=None):
    """A workbook with a title row, a blank row, the header and `rows`; `formulas` {cell: "=..."}."""
    book = Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.append([])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    for cell, formula in (formulas or {}).items():
        sheet[cell] = formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig"):
    lines = [",".join(header)] + [",".join(str(cell) for cell in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def with_macros(workbook):
    """The workbook with a VBA project inside, as a .xlsm has."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really a VBA project")
    return out.getvalue()


class Courier:
    """The running shipping service, with parcels sent through the bus and the courier's scans posted."""

    def __init__(self, service, amqp_uri):
        self.service, self.amqp_uri = service, amqp_uri
        assert self.call("POST", "/waybill-ranges", "warehouse", json={
            "carrier": "EMS", "first_number": s10.compose("EE", 81000000),
            "last_number": s10.compose("EE", 81000099)}).status_code == 201

    def call(self, method, path, role="supervisor", staff="S-1", headers=None, **kwargs):
        headers = self.service.headers(role, staff, **{"Idempotency-Key": str(uuid.uuid4())}, **(headers or {}))
        return requests.request(method, self.service.url(path), headers=headers, timeout=30, **kwargs)

    def delivered(self, cod, days_ago):
        """-> the tracking number of a COD parcel handed over a day before its delivery `days_ago`."""
        order = approved(cod=cod)
        publish_event(self.amqp_uri, "order_review", "order_approved", order)
        publish_event(self.amqp_uri, "picking_packing", "parcel_packed", packed(order["order_no"]))
        tracking_no = wait_for(lambda: self.call("GET", f"/shipments/{order['order_no']}", "agent").json().get(
            "tracking_no"), message="no label")
        delivered_at = utcnow() - timedelta(days=days_ago)
        assert hand_over_at(self.service.db, tracking_no, at=delivered_at - timedelta(days=1))[0] == 200
        wait_for(lambda: self.call("GET", f"/shipments/{order['order_no']}", "agent").json()["status"] == "shipped",
                 message="not shipped")
        scan = self.call("POST", "/tracking-events", "carrier", "EMS", json={
            "event_id": str(uuid.uuid4()), "tracking_no": tracking_no, "status": "delivered",
            "occurred_at": to_iso(delivered_at), "location": "杭州"})
        assert scan.status_code == 201, scan.text
        return tracking_no, delivered_at

    def upload(self, data, filename="回款.xlsx", role="supervisor"):
        return self.call("POST", "/remittances", role, params={"carrier": "EMS"},
                         files={"file": (filename, data, XLSX_TYPE)})
