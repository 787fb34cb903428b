"""Every rung of every fine ladder (business-rules §6; seed 000 art. 1 一、五、六; seed 001 旷工)."""
from decimal import Decimal

import pytest

from services.staff_performance.ladders import DISMISSAL_REVIEW, lateness_rule, step_for
from services.staff_performance.policies import Policy

POLICY = Policy({})


def amounts(rule, upto):
    return [(step_for(POLICY.ladder(rule), n).amount, step_for(POLICY.ladder(rule), n).flag)
            for n in range(1, upto + 1)]


def D(*values):
    return [(Decimal(v), None) for v in values]


def test_staff_lateness_10_10_20_50_100_then_the_6th_is_dismissal_flagged_not_fined():
    assert amounts("lateness", 6) == D(10, 10, 20, 50, 100) + [(Decimal(0), DISMISSAL_REVIEW)]


def test_manager_lateness_20_50_100_then_doubling():
    assert amounts("lateness_manager", 6) == D(20, 50, 100, 200, 400, 800)


def test_lateness_ladder_is_chosen_by_rank():
    assert lateness_rule("manager") == "lateness_manager"
    assert {lateness_rule(r) for r in ("probation", "regular", "senior")} == {"lateness"}


def test_unexecuted_orders_20_50_100_then_dismissal_flag():
    assert amounts("unexecuted_order", 4) == D(20, 50, 100) + [(Decimal(0), DISMISSAL_REVIEW)]


def test_unrecorded_visits_20_50_then_doubling():
    assert amounts("unrecorded_visit", 5) == D(20, 50, 100, 200, 400)


def test_fake_visit_100_then_dismissal_flag():
    assert amounts("fake_visit", 2) == D(100) + [(Decimal(0), DISMISSAL_REVIEW)]


def test_absence_100_300_then_third_in_a_year_is_dismissal_flag():
    assert amounts("absence", 3) == D(100, 300) + [(Decimal(0), DISMISSAL_REVIEW)]


def test_ladder_periods_lateness_per_month_absence_per_year():
    assert POLICY.ladder("lateness").period == "month"
    assert POLICY.ladder("absence").period == "year"


def test_occurrence_is_one_based():
    with pytest.raises(ValueError):
        step_for(POLICY.ladder("lateness"), 0)
