"""One cell of a remittance statement to a tracking number, an amount or a day, or the reason it can't be.

Nothing is guessed or rounded:
- a tracking number is text; an XLSX number cell is taken only if it is a whole number Excel holds
  exactly (under 15 digits), since Excel turns long digit strings into numbers and loses digits past 15;
- an amount is yuan with at most two decimals (分), more than 0.00 and at most 1,000,000.00. Text may
  carry ¥ and thousands commas. An XLSX number cell is a binary float: it is read through `repr`, the
  shortest decimal that gives back the same float, which is exactly what was typed for any amount
  with up to 15 significant digits; a value with more than two decimals then (12.345, or a computed
  30.000000000000004) is refused, not rounded;
- a day is a date cell, or text as 2026-03-05, 2026/3/5, 2026.3.5, 20260305 or 2026年3月5日, from
  2000-01-01 up to today (Asia/Shanghai): a remittance is not dated in the future.
"""
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from services.shipping_labels.statement_files import Formula

MAX_AMOUNT = Decimal("1000000.00")
FIRST_DAY = date(2000, 1, 1)
_EXACT_IN_EXCEL = 10 ** 15
_TRACKING = re.compile(r"[A-Z0-9-]{5,40}", re.ASCII)
_AMOUNT = re.compile(r"[¥￥]?(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2})?", re.ASCII)
_DAY = re.compile(r"(\d{4})(?:[-/.](\d{1,2})[-/.](\d{1,2})|(\d{2})(\d{2})|年(\d{1,2})月(\d{1,2})日)", re.ASCII)
FORMULA = "a formula ({text}), not a value: paste the values only (粘贴为数值)"


class CellProblem(ValueError):
    """Why a cell can't be read: a code with its values (for people's screens) and the reason in English."""

    def __init__(self, code, reason, **params):
        super().__init__(reason)
        self.code, self.params = code, {name: str(value) for name, value in params.items()}


def _formula(value):
    return CellProblem("formula", FORMULA.format(text=value.text), text=value.text)


def _empty():
    return CellProblem("empty", "empty")


def text_of(value):
    """A text cell without the blanks around it (full-width included); None for an empty cell."""
    if value is None:
        return None
    text = str(value).strip().strip("\u3000").strip()
    return text or None


def tracking_no(value):
    if isinstance(value, Formula):
        raise _formula(value)
    if isinstance(value, bool) or isinstance(value, (datetime, date)):
        raise CellProblem("not_tracking_no", "not a tracking number", text="")
    if isinstance(value, (int, float)):
        return _number_as_tracking_no(value)
    # A leading apostrophe is how spreadsheets are told to keep digits as text.
    text = (text_of(value) or "").lstrip("'").replace(" ", "").upper()
    if not text:
        raise _empty()
    if not _TRACKING.fullmatch(text):
        raise CellProblem("not_tracking_no", f"not a tracking number: {text[:40]!r} (letters, digits and '-', 5 to 40 "
                          "of them)", text=text[:40])
    return text


def _number_as_tracking_no(value):
    if isinstance(value, float) and not value.is_integer():
        raise CellProblem("not_tracking_no", f"a number with a fraction ({value!r}) is not a tracking number",
                          text=repr(value))
    if not 0 <= value < _EXACT_IN_EXCEL:
        raise CellProblem("number_too_long",
                          "a number too long for Excel to keep exactly: format the column as text and export again")
    return tracking_no(str(int(value)))


def amount(value):
    if isinstance(value, Formula):
        raise _formula(value)
    if value is None:
        raise _empty()
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise CellProblem("not_amount", "not an amount", text=str(value)[:40])
    if isinstance(value, (int, float)):
        found = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        found = _amount_text(text_of(value))
    if not found.is_finite() or found.as_tuple().exponent < -2:
        raise CellProblem("too_many_decimals", f"{value!r} has more than two decimal places: amounts are in yuan "
                          "and fen, nothing is rounded", text=repr(value))
    if not Decimal("0") < found <= MAX_AMOUNT:
        raise CellProblem("amount_out_of_range", f"{found} is not an amount from 0.01 to {MAX_AMOUNT}", amount=found,
                          low="0.01", high=MAX_AMOUNT)
    return found.quantize(Decimal("0.01"))


def _amount_text(text):
    if text is None:
        raise _empty()
    match = _AMOUNT.fullmatch(text)
    if not match:
        raise CellProblem("not_amount", f"not an amount: {text[:40]!r} (yuan, e.g. 128.50)", text=text[:40])
    try:
        return Decimal(match.group(1).replace(",", "") + (match.group(2) or ""))
    except InvalidOperation:
        raise CellProblem("not_amount", f"not an amount: {text[:40]!r}", text=text[:40]) from None


def day(value, today):
    if isinstance(value, Formula):
        raise _formula(value)
    if isinstance(value, datetime):
        found = value.date()
    elif isinstance(value, date):
        found = value
    elif isinstance(value, str):
        found = _day_text(text_of(value))
    elif value is None:
        raise _empty()
    else:
        raise CellProblem("not_date", f"{value!r} is not a date: format the column as a date (YYYY-MM-DD)",
                           text=repr(value))
    if not FIRST_DAY <= found <= today:
        raise CellProblem("day_out_of_range", f"{found.isoformat()} is not a day from {FIRST_DAY.isoformat()} "
                          f"to today ({today.isoformat()})", day=found, first=FIRST_DAY, today=today)
    return found


def _day_text(text):
    if text is None:
        raise _empty()
    match = _DAY.fullmatch(text.split(" ")[0])   # "2026-03-05 14:30": the day
    if not match:
        raise CellProblem("not_date", f"not a date: {text[:40]!r} (YYYY-MM-DD)", text=text[:40])
    year, *parts = match.groups()
    month, dom = [int(part) for part in parts if part is not None]
    try:
        return date(int(year), month, dom)
    except ValueError:
        raise CellProblem("no_such_day", f"no such day: {text[:40]!r}", text=text[:40]) from None
