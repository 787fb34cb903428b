"""COD money (回款, 000 art. 6; issue 18 item 5): a courier's statement matched one to one against the
COD parcels it delivered; what is owed ages green, yellow, red; the monthly statistics (回款及退回统计报表)."""
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from services.shipping_labels import remittance, s10
from services.shipping_labels.http import cod_money as cod_report
from services.shipping_labels.models import RemittanceLine, RemittanceStatement
from services.shipping_labels.reconciliation import Ageing
from services.shipping_labels.remittance import Upload
from shared.errors import RuleViolation
from tests.shipping_labels.factories import T0, Parcels
from tests.shipping_labels.statements import csv_bytes, xlsx

DELIVERED = T0 + timedelta(days=1)
NOW = T0 + timedelta(days=3)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def parcels(db, desk, run):
    return Parcels(db, desk, run)


@pytest.fixture
def post(desk, run):
    """post(rows, as_csv=False, now=NOW) -> (statement, created): the statement imported by supervisor S-1."""
    def import_(rows, as_csv=False, now=NOW):
        upload = Upload(csv_bytes(rows), "text/csv", "回款.csv") if as_csv else Upload(xlsx(rows), XLSX_TYPE, "回款.xlsx")
        return run(remittance.import_statement, desk, "EMS", upload, "S-1", now)
    return import_


def reconciled(db, desk, now=NOW):
    with db.read() as session:
        return remittance.reconcile(session, desk, "EMS", now)


def day(moment):
    return moment.date()


def test_each_delivered_cod_parcel_meets_at_most_one_line(db, desk, parcels, post):
    matched, short, missing, over = (parcels.delivered(cod) for cod in ("88.00", "120.00", "60.00", "50.00"))
    travelling = parcels.ship("30.00")
    prepaid = parcels.delivered("0.00")
    unknown = s10.compose("EE", 12121212)
    post([(matched[1], 88, day(NOW)), (short[1], "100.00", day(NOW)), (over[1], 70, day(NOW)),
          (travelling[1], 30, day(NOW)), (prepaid[1], 10, day(NOW)), (unknown, 5, day(NOW)),
          (matched[1], 88, day(NOW))])
    result = reconciled(db, desk)
    assert [(line["row"], line["order_no"], line["outcome"], line["reason"]) for line in result.lines] == [
        (4, matched[0], "matched", None), (5, short[0], "short", None), (6, over[0], "over", None),
        (7, travelling[0], "unexpected", "not_delivered"), (8, prepaid[0], "unexpected", "prepaid"),
        (9, None, "unexpected", "unknown_parcel"), (10, matched[0], "duplicate", "already_remitted")]
    assert result.lines[3]["parcel_status"] == "shipped"
    assert (result.lines[6]["first_statement_id"], result.lines[6]["first_row"]) == (1, 4)
    assert result.lines[1]["difference"] == Decimal("-20.00") and result.lines[2]["difference"] == Decimal("20.00")
    assert {o["order_no"]: (o["outcome"], o["owed"]) for o in result.outstanding} == {
        short[0]: ("short", Decimal("20.00")), missing[0]: ("missing", Decimal("60.00"))}
    assert result.credited == {matched[0]: Decimal("88.00"), short[0]: Decimal("100.00"), over[0]: Decimal("70.00")}

    parcels.scan(travelling[1], "delivered", NOW)   # delivered after the statement came: its line now counts
    assert reconciled(db, desk, NOW + timedelta(hours=1)).lines[3]["outcome"] == "matched"


def test_the_same_statement_twice_changes_nothing_in_either_format(db, desk, parcels, post):
    first, second = parcels.delivered(), parcels.delivered()
    rows = [(first[1], 88, day(NOW)), (second[1], 88, day(NOW))]
    statement, created = post(rows)
    again, created_again = post(rows)
    as_csv, created_as_csv = post(list(reversed(rows)), as_csv=True)   # the CSV export of the same statement
    assert (created, created_again, created_as_csv) == (True, False, False)
    assert statement.id == again.id == as_csv.id
    with db.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(RemittanceLine)) == 2
    _, created = post(rows + [(first[1], 88, day(NOW - timedelta(days=1)))])   # one line more: another statement
    assert created and [line["outcome"] for line in reconciled(db, desk).lines][-1] == "duplicate"


def test_a_bad_row_refuses_the_file_and_stores_nothing(db, parcels, post):
    good = parcels.delivered()
    with pytest.raises(RuleViolation) as caught:
        post([(good[1], 88, day(NOW)), (good[1], "八十八", day(NOW))], as_csv=True)
    assert caught.value.code == "invalid_statement"
    assert caught.value.details["problems"] == [
        {"row": 3, "column": "amount", "header": "代收金额", "reason": "not an amount: '八十八' (yuan, e.g. 128.50)",
         "code": "not_amount", "params": {"text": "八十八"}}]   # the reason as a code with its values, for screens
    assert caught.value.details["fields"] == {"row 3: 代收金额": ["not an amount: '八十八' (yuan, e.g. 128.50)"]}
    with db.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(RemittanceStatement)) == 0


def test_an_unknown_carrier_is_refused(desk, run):
    with pytest.raises(RuleViolation) as caught:
        run(remittance.import_statement, desk, "SF", Upload(b"x", "text/csv", "a.csv"), "S-1", NOW)
    assert caught.value.code == "unknown_carrier"


@pytest.mark.parametrize("age, colour", [
    (timedelta(days=7), "green"), (timedelta(days=7, seconds=1), "yellow"),
    (timedelta(days=14), "yellow"), (timedelta(days=14, seconds=1), "red")])
def test_what_is_owed_ages_from_the_delivery_at_both_sides_of_each_threshold(db, desk, parcels, age, colour):
    parcels.delivered(at=DELIVERED)
    owed, = reconciled(db, desk, DELIVERED + age).outstanding
    assert (owed["outcome"], owed["colour"], owed["age_days"]) == ("missing", colour, age.days)


def test_the_thresholds_are_settings():
    ageing = Ageing(timedelta(days=2), timedelta(days=5))
    assert [ageing.colour(timedelta(days=d)) for d in (2, 3, 5, 6)] == ["green", "yellow", "yellow", "red"]


def test_the_monthly_statistics_count_by_the_month_in_shanghai(db, desk, parcels, post):
    """16:00 UTC on 30 November is midnight, 1 December, in Shanghai: from then on it counts in December."""
    end_of_november = T0 + timedelta(days=7, hours=13, minutes=59)    # 2026-11-30 15:59Z: 23:59 in Shanghai
    early_december = end_of_november + timedelta(minutes=1)
    paid = parcels.delivered("100.00", at=end_of_november)
    short = parcels.delivered("50.00", at=end_of_november)
    parcels.delivered("70.00", at=early_december)
    back = parcels.ship("40.00", at=T0)
    parcels.scan(back[1], "returned_to_sender", end_of_november)
    parcels.delivered("0.00", at=end_of_november)   # prepaid: not COD, not counted
    december = early_december + timedelta(days=2)
    post([(paid[1], 100, day(december)), (short[1], 45, day(december))], now=december)
    with db.read() as session:
        report = cod_report.build(session, desk, "2026-11", ["EMS"], december)
    ems, total = report["rows"]
    assert ems == {"carrier": "EMS", "month": "2026-11", "cod_shipped": 4, "cod_delivered": 2, "cod_returned": 1,
                   "return_rate_pct": 33.3, "collected": "150.00", "remitted": "145.00", "outstanding": "5.00",
                   "remitted_in_month": "0.00"}
    assert total["carrier"] == "TOTAL" and total["collected"] == "150.00"
    with db.read() as session:
        december_row = cod_report.build(session, desk, "2026-12", ["EMS"], december)["rows"][0]
    assert (december_row["cod_delivered"], december_row["collected"], december_row["outstanding"],
            december_row["remitted_in_month"], december_row["cod_shipped"]) == (1, "70.00", "70.00", "145.00", 0)


def test_text_cells_of_the_xlsx_report_are_never_formulas():
    """openpyxl stores any string starting with '=' as a formula: the report's text goes through safe_cell."""
    from io import BytesIO

    from openpyxl import load_workbook

    report = {"month": "2026-11", "rows": [
        {"carrier": "=HYPERLINK(\"http://x\")", "month": "+1", "cod_shipped": 1, "cod_delivered": 1, "cod_returned": 0,
         "return_rate_pct": 0.0, "collected": "10.00", "remitted": "-5.00", "outstanding": "15.00",
         "remitted_in_month": "0.00"}]}
    sheet = load_workbook(BytesIO(cod_report.as_xlsx(report))).worksheets[0]
    carrier, month, remitted = sheet["A2"], sheet["B2"], sheet["H2"]
    assert (carrier.data_type, carrier.value) == ("s", "'=HYPERLINK(\"http://x\")")
    assert month.value == "'+1" and (remitted.data_type, remitted.value, remitted.number_format) == ("n", -5, "0.00")
