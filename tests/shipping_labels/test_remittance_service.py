"""COD money over HTTP against the running service, real broker and database (issue 18 item 5): a real
XLSX statement (openpyxl) uploaded as a browser does, the CSV export of the same statement with Chinese
headers sent raw, the mismatches with their ages in colour, the monthly report as JSON, CSV and XLSX."""
import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from services.shipping_labels import s10
from shared.timeutil import business_day, utcnow
from tests.shipping_labels.statements import XLSX_TYPE, Courier, csv_bytes, xlsx


@pytest.fixture
def courier(start_service, rabbit_config):
    return Courier(start_service("shipping_labels"), rabbit_config["AMQP_URI"])


def test_a_statement_in_xlsx_then_in_csv_and_what_is_still_owed(courier):
    today = business_day(utcnow())
    paid, _ = courier.delivered("88.00", days_ago=1)
    short, _ = courier.delivered("120.00", days_ago=10)
    missing, _ = courier.delivered("60.00", days_ago=20)
    unknown = s10.compose("EE", 12121212)
    rows = [(paid, 88, today), (short, 100, today), (unknown, 5, today), (paid, 88, today)]

    first = courier.upload(xlsx(rows))
    assert first.status_code == 201, first.text
    assert first.json()["outcomes"] == {"matched": 1, "short": 1, "unexpected": 1, "duplicate": 1}
    assert first.json()["statement"]["total"] == "281.00"
    again = courier.upload(xlsx(rows))
    as_csv = courier.call("POST", "/remittances", "manager", params={"carrier": "EMS", "filename": "回款.csv"},
                          data=csv_bytes([(r[0], f"{r[1]:.2f}", r[2].isoformat()) for r in rows]),
                          headers={"Content-Type": "text/csv; charset=utf-8"})
    assert (again.status_code, as_csv.status_code) == (200, 200), as_csv.text
    assert again.json()["already_imported"] and as_csv.json()["statement"]["id"] == first.json()["statement"]["id"]

    answer = courier.call("GET", "/remittances/reconciliation", params={"carrier": "EMS"})
    assert answer.status_code == 200, answer.text
    view = answer.json()
    assert {(o["tracking_no"], o["outcome"], o["owed"], o["colour"]) for o in view["outstanding"]} == {
        (short, "short", "20.00", "yellow"), (missing, "missing", "60.00", "red")}
    assert [(line["tracking_no"], line["outcome"]) for line in view["lines"]] == [
        (short, "short"), (unknown, "unexpected"), (paid, "duplicate")]
    assert view["totals"]["owed"] == "80.00" and len(view["statements"]) == 1


def test_only_those_who_handle_cod_money_import_and_read_it(courier):
    data = xlsx([(s10.compose("EE", 12121212), 5, business_day(utcnow()))])
    assert courier.upload(data, role="shipper").status_code == 403
    assert courier.call("GET", "/remittances/reconciliation", "warehouse", params={"carrier": "EMS"}).status_code == 403
    assert courier.upload(data, role="manager").status_code == 201


def test_a_bad_statement_is_refused_with_its_rows_and_nothing_is_stored(courier):
    today = business_day(utcnow())
    bad = courier.upload(xlsx([(s10.compose("EE", 12121212), 5, today), ("EE1", 5.555, today)]))
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_statement"
    assert {(p["row"], p["column"]) for p in bad.json()["problems"]} == {(5, "tracking_no"), (5, "amount")}
    assert courier.call("GET", "/remittances/reconciliation", params={"carrier": "EMS"}).json()["statements"] == []
    huge = courier.upload(b"PK\x03\x04" + b"0" * (1024 * 1024))
    assert huge.status_code == 413 and huge.json()["error"] in ("file_too_large", "body_too_large")
    no_file = courier.call("POST", "/remittances", params={"carrier": "EMS"}, files={"other": ("a.csv", b"x")})
    assert no_file.status_code == 400 and no_file.json()["fields"] == {"file": ["required"]}
    for content_type in ("multipart/form-data", "multipart/form-data; boundary=xyz"):   # no or broken parts
        broken = courier.call("POST", "/remittances", params={"carrier": "EMS"}, data=b"--xyz\r\n\x00garbage",
                              headers={"Content-Type": content_type})
        assert broken.status_code == 400, broken.text
    unknown = courier.call("POST", "/remittances", params={"carrier": "SF"}, data=b"a",
                           headers={"Content-Type": "text/csv"})
    assert unknown.status_code == 422 and unknown.json()["error"] == "unknown_carrier"


def test_the_monthly_report_as_json_csv_and_xlsx(courier):
    tracking_no, delivered_at = courier.delivered("66.60", days_ago=0.01)
    assert courier.upload(xlsx([(tracking_no, 60, business_day(utcnow()))])).status_code == 201
    month = business_day(delivered_at).strftime("%Y-%m")
    report = courier.call("GET", "/reports/cod-monthly", params={"month": month})
    assert report.status_code == 200, report.text
    ems, total = report.json()["rows"]
    assert (ems["carrier"], ems["cod_delivered"], ems["collected"], ems["remitted"], ems["outstanding"]) == (
        "EMS", 1, "66.60", "60.00", "6.60")
    assert total["carrier"] == "TOTAL" and total["outstanding"] == "6.60"

    as_csv = courier.call("GET", "/reports/cod-monthly", params={"month": month, "format": "csv"})
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    assert list(csv.DictReader(io.StringIO(as_csv.text)))[0]["outstanding"] == "6.60"
    as_xlsx = courier.call("GET", "/reports/cod-monthly", params={"month": month, "format": "xlsx"})
    assert as_xlsx.headers["Content-Type"] == XLSX_TYPE
    sheet = load_workbook(io.BytesIO(as_xlsx.content), read_only=True).worksheets[0]
    header, first, *_ = list(sheet.iter_rows(values_only=True))
    assert dict(zip(header, first))["outstanding"] == pytest.approx(6.6)
    assert Decimal(str(dict(zip(header, first))["collected"])) == Decimal("66.6")
    bad_month = courier.call("GET", "/reports/cod-monthly", params={"month": "2026-13"})
    assert bad_month.status_code == 400 and "month" in bad_month.json()["fields"]
