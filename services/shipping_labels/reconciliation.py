"""COD money (回款, 000 art. 6): what the courier remitted, matched one to one against the COD parcels
it delivered (no nameko, no SQL).

Each remittance line, in the order the statements were imported (then by row), is
- `unexpected` when it names no parcel of ours, another carrier's, a prepaid one, or one not delivered
  (still travelling or back with us: the courier collected nothing); `reason` says which, as a code:
  unknown_parcel, other_carrier, prepaid, not_delivered (with the parcel's status);
- `duplicate` when an earlier line already counted for the same parcel (remitted twice): `reason`
  already_remitted, with the statement and row of the line that counted;
- else it is the parcel's remittance: `matched` (the COD amount), `short` (less) or `over` (more).
A delivered COD parcel with no remittance is `missing`. What is still owed (missing, or the shortfall)
ages from the delivery (ageing below). Worked out when read, not stored, so a delivery scan that
arrives after the statement turns its `unexpected` line into a match.
"""
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

MATCHED, SHORT, OVER, UNEXPECTED, DUPLICATE, MISSING = "matched", "short", "over", "unexpected", "duplicate", "missing"
OUTCOMES = (MATCHED, SHORT, OVER, UNEXPECTED, DUPLICATE, MISSING)
REASONS = ("unknown_parcel", "other_carrier", "prepaid", "not_delivered", "already_remitted")
GREEN, YELLOW, RED = "green", "yellow", "red"
# A courier settles COD money in a cycle of about a week (T+7); 000 art. 6 counts long settlement among the
# COD centre's faults. Owed longer than that, it is chased (未回款催缴): yellow, a reminder (§8). Two cycles
# missed: red, a warning with a final date (§8).
DEFAULT_YELLOW_AFTER = timedelta(days=7)
DEFAULT_RED_AFTER = timedelta(days=14)


@dataclass(frozen=True)
class Ageing:
    yellow_after: timedelta = DEFAULT_YELLOW_AFTER
    red_after: timedelta = DEFAULT_RED_AFTER

    def colour(self, age):
        """Green up to and including `yellow_after`, yellow up to and including `red_after`, then red."""
        if age > self.red_after:
            return RED
        return YELLOW if age > self.yellow_after else GREEN


@dataclass(frozen=True)
class Parcel:
    order_no: str
    tracking_no: str
    carrier: str
    payment_method: str
    cod_amount: Decimal
    status: str
    delivered_at: object


@dataclass(frozen=True)
class Line:
    id: int
    statement_id: int
    row_no: int
    tracking_no: str
    amount: Decimal
    remitted_on: object


@dataclass
class Reconciliation:
    lines: list          # one dict per line, in order, with its outcome
    outstanding: list    # one dict per delivered COD parcel still owed (missing or short), oldest first
    credited: dict       # order_no -> the amount of the line that counts for it


def reconcile(carrier, lines, parcels_by_tracking_no, delivered_cod, ageing, now):
    """`lines` in import order; `parcels_by_tracking_no` the parcels those lines name; `delivered_cod` every
    delivered COD parcel of the carrier."""
    results, counted = [], {}
    for line in lines:
        parcel = parcels_by_tracking_no.get(line.tracking_no)
        results.append(_judged(carrier, line, parcel, counted))
    credited = {order_no: line.amount for order_no, line in counted.items()}
    outstanding = [_owed(parcel, counted.get(parcel.order_no), ageing, now) for parcel in delivered_cod]
    outstanding = sorted((o for o in outstanding if o is not None), key=lambda o: (o["delivered_at"], o["order_no"]))
    return Reconciliation(results, outstanding, credited)


def _judged(carrier, line, parcel, counted):
    view = {"line_id": line.id, "statement_id": line.statement_id, "row": line.row_no,
            "tracking_no": line.tracking_no, "amount": line.amount, "remitted_on": line.remitted_on,
            "order_no": parcel.order_no if parcel else None, "cod_amount": parcel.cod_amount if parcel else None,
            "parcel_status": parcel.status if parcel else None}
    reason = _unexpected_because(carrier, parcel)
    if reason:
        return {**view, "outcome": UNEXPECTED, "reason": reason}
    if parcel.order_no in counted:
        first = counted[parcel.order_no]
        return {**view, "outcome": DUPLICATE, "reason": "already_remitted", "first_statement_id": first.statement_id,
                "first_row": first.row_no}
    counted[parcel.order_no] = line
    difference = line.amount - parcel.cod_amount
    outcome = MATCHED if difference == 0 else (SHORT if difference < 0 else OVER)
    return {**view, "outcome": outcome, "difference": difference, "reason": None}


def _unexpected_because(carrier, parcel):
    if parcel is None:
        return "unknown_parcel"
    if parcel.carrier != carrier:
        return "other_carrier"
    if parcel.payment_method != "cod":
        return "prepaid"
    if parcel.status != "delivered":
        return "not_delivered"   # the line's parcel_status says where it is
    return None


def _owed(parcel, line, ageing, now):
    owed = parcel.cod_amount - (line.amount if line else Decimal("0.00"))
    if owed <= 0:
        return None
    age = now - parcel.delivered_at
    return {"order_no": parcel.order_no, "tracking_no": parcel.tracking_no, "outcome": SHORT if line else MISSING,
            "cod_amount": parcel.cod_amount, "remitted": line.amount if line else Decimal("0.00"), "owed": owed,
            "delivered_at": parcel.delivered_at, "age_days": age.days, "colour": ageing.colour(age)}
