"""Reading a courier's remittance statement (issue 18 item 5): real XLSX files made with openpyxl and CSV
files with Chinese headers; every bad row refused with its row number, column and reason."""
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest

from services.shipping_labels import statement_cells, statement_files, statement_rows
from services.shipping_labels.statement_files import FileRefused
from services.shipping_labels.statement_rows import StatementRefused
from tests.shipping_labels.statements import csv_bytes, with_macros, xlsx

TODAY = date(2026, 3, 10)


def read(data, content_type=None, filename=None, max_rows=statement_rows.DEFAULT_MAX_ROWS):
    kind = statement_files.file_format(data, content_type, filename)
    return [(line.row_no, line.tracking_no, line.amount, line.remitted_on) for line in
            statement_rows.lines_of(statement_files.rows(data, kind), TODAY, max_rows)]


def refused(data, **kwargs):
    with pytest.raises(StatementRefused) as caught:
        read(data, **kwargs)
    return caught.value


def test_an_xlsx_statement_under_a_title_row_with_extra_columns():
    data = xlsx([(1, "EE123456785CN", 88, datetime(2026, 3, 5)), (2, 735000000001, 120.5, date(2026, 3, 6)),
                 (3, "  ee123456799cn ", "¥1,234.50", "2026/3/7"), (None, None, None, None)],
                header=("序号", "邮件号", "代收金额（元）", "回款日期", "备注"))
    assert read(data) == [
        (4, "EE123456785CN", Decimal("88.00"), date(2026, 3, 5)),
        (5, "735000000001", Decimal("120.50"), date(2026, 3, 6)),   # Excel made the digits a number
        (6, "EE123456799CN", Decimal("1234.50"), date(2026, 3, 7))]


def test_a_csv_with_chinese_headers_in_utf8_with_bom_or_in_gbk():
    rows = [("'735000000001", "59.90", "2026-03-05"), ("EE123456785CN", "88", "2026年3月6日")]
    expected = [(2, "735000000001", Decimal("59.90"), date(2026, 3, 5)),
                (3, "EE123456785CN", Decimal("88.00"), date(2026, 3, 6))]
    header = ("快递单号", "回款金额", "回款日期")
    assert read(csv_bytes(rows, header), "text/csv") == expected
    assert read(csv_bytes(rows, header, encoding="gbk"), "text/csv") == expected


def test_english_headers_match_by_name_whatever_their_order():
    data = csv_bytes([("2026-03-05", "EE123456785CN", "10.00")],
                     ("Date remitted", "Tracking number", "Amount collected"))
    assert read(data) == [(2, "EE123456785CN", Decimal("10.00"), date(2026, 3, 5))]


def test_every_bad_row_is_named_with_its_column_and_reason():
    data = xlsx([("EE123456785CN", 88, date(2026, 3, 5)), ("合同", 12.345, "2026-02-30"),
                 ("EE123456799CN", -5, date(2026, 3, 11)), ("EE123456802CN", None, "soon")])
    problems = {(p.row, p.column): p.reason for p in refused(data).problems}
    assert set(problems) == {(5, "tracking_no"), (5, "amount"), (5, "remitted_on"), (6, "amount"),
                             (6, "remitted_on"), (7, "amount"), (7, "remitted_on")}
    assert "more than two decimal places" in problems[(5, "amount")]
    assert "no such day" in problems[(5, "remitted_on")]
    assert "to today (2026-03-10)" in problems[(6, "remitted_on")]   # a remittance is not dated tomorrow
    assert problems[(7, "amount")] == "empty"


def test_a_formula_is_refused_not_read_as_its_cached_value():
    data = xlsx([("EE123456785CN", 88, date(2026, 3, 5))], formulas={"B4": "=80+8"})
    problem, = refused(data).problems
    assert (problem.row, problem.column, problem.header) == (4, "amount", "代收金额")
    assert "formula (=80+8)" in problem.reason


def test_a_total_row_is_checked_against_the_lines_and_skipped():
    lines = [("EE123456785CN", 88, date(2026, 3, 5)), ("EE123456799CN", 12.5, date(2026, 3, 5))]
    assert len(read(xlsx(lines + [("合计", 100.5, None)]))) == 2
    assert len(read(xlsx(lines + [("合计", None, None)], formulas={"B6": "=SUM(B4:B5)"}))) == 2   # unreadable: skipped
    problem, = refused(xlsx(lines + [("合计", 100.49, None)])).problems
    assert (problem.row, problem.reason) == (6, "the total row says 100.49, the lines add up to 100.50")


@pytest.mark.parametrize("cell, expected", [
    (12.3, Decimal("12.30")), (0.1 + 0.2, None), (1e-05, None), (0.01, Decimal("0.01")), (0, None),
    (1000000, Decimal("1000000.00")), (1000000.01, None), ("12.30", Decimal("12.30")), ("12.301", None),
    ("1,234", Decimal("1234.00")), ("12,34", None), ("١٢", None), (True, None), (float("nan"), None)])
def test_amounts_are_read_exactly_or_refused_never_rounded(cell, expected):
    if expected is None:
        with pytest.raises(statement_cells.CellProblem):
            statement_cells.amount(cell)
    else:
        assert statement_cells.amount(cell) == expected


@pytest.mark.parametrize("cell, expected", [
    (735000000001, "735000000001"), (735000000001.0, "735000000001"), (999999999999999, "999999999999999"),
    (1000000000000000, None), (7350000000.5, None), ("EE 1234 5678 5CN", "EE123456785CN"), ("EE12", None),
    ("=HYPERLINK()", None)])
def test_tracking_numbers_are_text_or_whole_numbers_excel_keeps_exactly(cell, expected):
    if expected is None:
        with pytest.raises(statement_cells.CellProblem):
            statement_cells.tracking_no(cell)
    else:
        assert statement_cells.tracking_no(cell) == expected


def test_the_header_must_name_all_three_columns():
    error = refused(csv_bytes([("EE123456785CN", "88")], ("运单号", "代收金额")))
    assert error.code == "no_header" and "回款日期" in error.message
    assert refused(csv_bytes([("a", "b", "c", "d")], ("运单号", "快递单号", "代收金额", "回款日期"))).code == "ambiguous_header"


def test_the_row_cap_is_counted_on_both_sides():
    rows = [(f"EE1234567{n:02d}CN", "1.00", "2026-03-05") for n in range(11, 14)]
    assert len(read(csv_bytes(rows), max_rows=3)) == 3
    assert refused(csv_bytes(rows), max_rows=2).code == "too_many_rows"


def test_a_header_without_lines_is_an_empty_statement():
    assert refused(csv_bytes([])).code == "empty_statement"


def test_files_that_are_not_statements_are_refused_whole():
    assert refused(with_macros(xlsx([("EE123456785CN", 88, date(2026, 3, 5))]))).code == "macros_refused"
    with pytest.raises(FileRefused, match="Excel 97"):
        statement_files.file_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel")
    with pytest.raises(FileRefused, match="no zip inside"):
        statement_files.file_format(b"hello", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "not a readable XLSX" in refused(b"PK\x03\x04 broken zip").message
    assert refused(b"\xff\xfe\x00a,b\n", content_type="text/csv").code == "unsupported_file"


def test_a_workbook_that_unpacks_too_large_is_refused_before_it_is_parsed():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/sharedStrings.xml", b" " * (2 * 1024 * 1024))
    with pytest.raises(FileRefused) as caught:
        list(statement_files.rows(out.getvalue(), "xlsx", max_unpacked_bytes=1024 * 1024))
    assert caught.value.code == "file_too_large"


def test_every_problem_carries_its_reason_as_a_code_with_values_for_peoples_screens():
    data = xlsx([("EE123456785CN", 88, date(2026, 3, 5)), ("合同", 12.345, "2026-02-30"),
                 ("EE123456799CN", -5, date(2026, 3, 11)), ("EE123456802CN", None, "soon")])
    problems = {(p.row, p.column): (p.code, p.params) for p in refused(data).problems}
    assert problems == {
        (5, "tracking_no"): ("not_tracking_no", {"text": "合同"}),
        (5, "amount"): ("too_many_decimals", {"text": "12.345"}),
        (5, "remitted_on"): ("no_such_day", {"text": "2026-02-30"}),
        (6, "amount"): ("amount_out_of_range", {"amount": "-5", "low": "0.01", "high": "1000000.00"}),
        (6, "remitted_on"): ("day_out_of_range", {"day": "2026-03-11", "first": "2000-01-01", "today": "2026-03-10"}),
        (7, "amount"): ("empty", {}),
        (7, "remitted_on"): ("not_date", {"text": "soon"})}
    lines = [("EE123456785CN", 88, date(2026, 3, 5))]
    problem, = refused(xlsx(lines + [("合计", 100.49, None)])).problems
    assert (problem.code, problem.params) == ("total_mismatch", {"stated": "100.49", "lines_total": "88.00"})
    problem, = refused(xlsx(lines, formulas={"B4": "=80+8"})).problems
    assert (problem.code, problem.params) == ("formula", {"text": "=80+8"})
