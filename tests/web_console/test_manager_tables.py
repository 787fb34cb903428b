"""The managers' downloads and the dead-letter replay record, as plain functions (issue 19)."""
import csv
import io
from io import BytesIO

import pytest
from openpyxl import load_workbook

from services.web_console import replays, tables, texts
from services.web_console.api import ApiError


class Ctx:
    def __init__(self, lang="zh"):
        self.lang = lang

    def t(self, key, **values):
        return texts.translate(self.lang, key, **values)


COLUMNS = [("agent", "weekly.col.agent"), ("refunded_amount", "weekly.col.refunded_amount")]
ROWS = [{"agent": "=HYPERLINK(\"http://x\")", "refunded_amount": "83.30"}, {"agent": "-5", "refunded_amount": "-1.50"},
        {"agent": "@A1", "refunded_amount": None}]


def test_a_csv_download_has_the_readers_headers_and_no_cell_a_spreadsheet_would_run():
    answer = tables.download(Ctx(), "csv", "after-sales-2026-W49", COLUMNS, ROWS, money=("refunded_amount",))
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="after-sales-2026-W49.csv"')
    text = answer.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == [
        ["客服", "退款金额"], ["'=HYPERLINK(\"http://x\")", "83.30"], ["-5", "-1.50"], ["'@A1", ""]]
    english = tables.download(Ctx("en"), "csv", "x", COLUMNS, []).get_data().decode("utf-8")
    assert english == "\ufeffAgent,Refunded\r\n"


def test_an_xlsx_download_keeps_text_as_text_and_amounts_as_numbers():
    answer = tables.download(Ctx(), "xlsx", "after-sales-2026-W49", COLUMNS, ROWS, money=("refunded_amount",))
    sheet = load_workbook(BytesIO(answer.get_data())).worksheets[0]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["客服", "退款金额"], ["'=HYPERLINK(\"http://x\")", 83.3], ["-5", -1.5], ["'@A1", None]]   # read back as numbers
    assert sheet["A2"].data_type == "s" and sheet["B2"].number_format == "0.00"


def test_a_download_of_another_kind_is_not_found():
    with pytest.raises(ApiError) as refused:
        tables.download(Ctx(), "pdf", "x", COLUMNS, ROWS)
    assert refused.value.status == 404


def test_replays_are_read_back_newest_first_and_a_torn_line_is_left_out(tmp_path):
    log = tmp_path / "console" / "replays.jsonl"
    assert replays.recent(log) == []
    for n in range(3):
        replays._append(log, {"at": f"2026-12-03T0{n}:00:00Z", "by": "M-1", "letter_id": str(n)})
    with open(log, "a", encoding="utf-8") as torn:
        torn.write('{"at": "2026-12-03T09')
    assert [r["letter_id"] for r in replays.recent(log)] == ["2", "1", "0"]
    assert [r["letter_id"] for r in replays.recent(log, limit=2)] == ["2", "1"]
