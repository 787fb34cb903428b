"""A remittance statement's lines from its rows: the header row found by its names, every row checked.

The header is the first of the first ten rows that names all three columns, in Chinese or English:
tracking number (运单号, 快递单号, 邮件号), amount collected (代收金额, 回款金额) and date remitted (回款日期).
Names are compared without blanks, case or a unit in brackets ("代收金额（元）"); other columns are
ignored, so a title row above and extra columns beside are fine. Below it, blank rows are skipped and
a total row (合计, 总计, 小计, total) is checked against the lines if its amount is a plain value, then
skipped. Any other row that is not a good line refuses the whole file, each problem with its row
number, column and reason; nothing is stored (remittance.py).
"""
import re
from dataclasses import dataclass, field
from decimal import Decimal

from services.shipping_labels import statement_cells as cells
from services.shipping_labels.statement_files import FileRefused, Formula

HEADER_SEARCH_ROWS = 10
DEFAULT_MAX_ROWS = 10_000
MAX_PROBLEMS = 100   # listed; the count says how many there were in all
NAMES = {
    "tracking_no": ("运单号", "快递单号", "邮件号", "物流单号", "trackingnumber", "trackingno", "waybillnumber",
                    "waybillno"),
    "amount": ("代收金额", "回款金额", "代收货款", "代收款", "amountcollected", "collectedamount", "amount"),
    "remitted_on": ("回款日期", "dateremitted", "remittancedate", "remittedon", "remitteddate"),
}
TOTAL_WORDS = ("合计", "总计", "小计", "TOTAL")
_UNIT = re.compile(r"[(（][^)）]*[)）]$")


@dataclass(frozen=True)
class StatementLine:
    row_no: int
    tracking_no: str
    amount: Decimal
    remitted_on: object   # date


@dataclass(frozen=True)
class Problem:
    row: int
    column: str    # tracking_no, amount, remitted_on, or "header" / "file"
    header: str    # the column's name as the file has it
    reason: str    # in English, for the API's readers
    code: str = "other"   # the reason as a code with its values, for people's screens
    params: dict = field(default_factory=dict)


class StatementRefused(Exception):
    def __init__(self, code, message, problems=(), count=None):
        super().__init__(message)
        self.code, self.message, self.problems = code, message, list(problems)[:MAX_PROBLEMS]
        self.count = len(problems) if count is None else count


def lines_of(rows, today, max_rows=DEFAULT_MAX_ROWS):
    """[StatementLine] from (row number, cells), or StatementRefused with every problem found."""
    try:
        rows = iter(rows)
        columns = _header(rows)
        return _lines(rows, columns, today, max_rows)
    except FileRefused as refused:
        raise StatementRefused(refused.code, refused.reason) from None


def _header(rows):
    best, best_row = {}, None
    for _, (number, row) in zip(range(HEADER_SEARCH_ROWS), rows):
        columns = _named_columns(number, row)
        if len(columns) == len(NAMES):
            return columns
        if len(columns) > len(best):
            best, best_row = columns, number
    missing = " / ".join(NAMES[name][0] for name in NAMES if name not in best)
    where = f"row {best_row} names only some of them" if best_row else "none of the first rows names them"
    raise StatementRefused("no_header", f"no header row: the columns {missing} were not found ({where})",
                           [Problem(best_row or 1, "header", "", f"missing column(s) {missing}", "missing_columns",
                                    {"columns": missing})])


def _named_columns(number, row):
    columns = {}
    for index, value in enumerate(row):
        name = _name(value)
        for column, names in NAMES.items():
            if name in names:
                if column in columns:
                    raise StatementRefused("ambiguous_header", f"row {number} names {column} twice", [
                        Problem(number, column, str(value), "two columns have this meaning", "same_meaning")])
                columns[column] = (index, str(value).strip())
    return columns


def _name(value):
    if value is None or isinstance(value, Formula):
        return ""
    text = re.sub(r"[\s_\-.]", "", str(value)).lower()
    return _UNIT.sub("", text)


def _lines(rows, columns, today, max_rows):
    found, problems, total_rows, count = [], [], [], 0
    readers = {"tracking_no": cells.tracking_no, "amount": cells.amount,
               "remitted_on": lambda value: cells.day(value, today)}
    for number, row in rows:
        values = {column: (row[index] if index < len(row) else None) for column, (index, _) in columns.items()}
        if all(cells.text_of(value) is None for value in values.values()):
            continue
        if str(cells.text_of(values["tracking_no"]) or "").upper() in TOTAL_WORDS:
            total_rows.append((number, values["amount"]))
            continue
        count += 1
        if count > max_rows:
            raise StatementRefused("too_many_rows", f"more than {max_rows} lines: split the statement")
        line, wrong = _line(number, values, readers, columns)
        problems += wrong
        if line is not None:
            found.append(line)
    problems += _total_problems(total_rows, found, columns) if not problems else []
    if problems:
        raise StatementRefused("invalid_statement",
                               f"{len(problems)} problem(s) in the statement: nothing was imported",
                               problems)
    if not found:
        raise StatementRefused("empty_statement", "the statement has a header but no lines")
    return found


def _line(number, values, readers, columns):
    read, problems = {}, []
    for column, reader in readers.items():
        try:
            read[column] = reader(values[column])
        except cells.CellProblem as problem:
            problems.append(Problem(number, column, columns[column][1], str(problem), problem.code, problem.params))
    return (StatementLine(number, **read) if not problems else None), problems


def _total_problems(total_rows, found, columns):
    """A total row whose plain amount differs from the lines' sum: the file lost or gained a line."""
    lines_total = sum((line.amount for line in found), Decimal("0.00"))
    problems = []
    for number, value in total_rows:
        try:
            stated = cells.amount(value)
        except cells.CellProblem:
            continue   # a formula or a blank: nothing to check against
        if stated != lines_total:
            problems.append(Problem(number, "amount", columns["amount"][1],
                                    f"the total row says {stated}, the lines add up to {lines_total}",
                                    "total_mismatch", {"stated": str(stated), "lines_total": str(lines_total)}))
    return problems
