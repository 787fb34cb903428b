"""Interest on fines unpaid after notice: 1/2/5 CNY a day in weeks 1/2/3; after that 5 and a flag
(seed 000 art. 1 section 一; business-rules §6)."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from services.staff_performance.interest import balance, interest_due

RATES = (Decimal(1), Decimal(2), Decimal(5))
FINE_DAY = date(2026, 3, 2)


@pytest.mark.parametrize("days, expected, beyond", [
    (0, 0, False),     # paid the same day: no interest
    (1, 1, False),
    (7, 7, False),     # last day of week 1
    (8, 9, False),     # first day of week 2 at 2 a day
    (14, 21, False),   # end of week 2: 7*1 + 7*2
    (15, 26, False),   # week 3 at 5 a day
    (21, 56, False),   # end of week 3: 7 + 14 + 35
    (22, 61, True),    # the rules are silent: keep 5 a day, flag it
    (30, 101, True),
])
def test_interest_across_week_boundaries(days, expected, beyond):
    due = interest_due(FINE_DAY, FINE_DAY + timedelta(days=days), RATES)
    assert (due.amount, due.days, due.beyond_policy) == (Decimal(expected), days, beyond)


def test_no_interest_without_notice():
    owed = balance(Decimal(50), FINE_DAY, False, [], FINE_DAY + timedelta(days=20), RATES)
    assert (owed.interest, owed.outstanding) == (Decimal(0), Decimal(50))


def test_a_payment_covering_principal_and_interest_settles_and_stops_interest():
    payments = [(FINE_DAY + timedelta(days=3), Decimal(20)), (FINE_DAY + timedelta(days=9), Decimal(41))]
    owed = balance(Decimal(50), FINE_DAY, True, payments, FINE_DAY + timedelta(days=30), RATES)
    # 9 days late: 7*1 + 2*2 = 11 interest; 50 + 11 = 61 paid in two parts
    assert (owed.interest, owed.paid, owed.outstanding, owed.settled_on) == (
        Decimal(11), Decimal(61), Decimal(0), FINE_DAY + timedelta(days=9))


def test_a_partial_payment_leaves_interest_running():
    owed = balance(Decimal(50), FINE_DAY, True, [(FINE_DAY, Decimal(10))], FINE_DAY + timedelta(days=8), RATES)
    assert (owed.interest, owed.outstanding, owed.settled_on) == (Decimal(9), Decimal(49), None)
