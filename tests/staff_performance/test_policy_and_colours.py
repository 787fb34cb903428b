"""Policy versions with effective dates, and red/yellow/green (business-rules §6, §8)."""
from datetime import date, datetime, timezone

from services.staff_performance import colours
from services.staff_performance.policies import Policy, PolicyBook, invalid_changes


def test_each_day_is_judged_by_the_version_in_force_that_day():
    book = PolicyBook([{"effective_from": "2026-02-01", "calls_by_bookings": [150, 80, 40]}])
    assert book.for_day(date(2026, 1, 31))["calls_by_bookings"] == [200, 100, 50]
    assert book.for_day(date(2026, 2, 1))["calls_by_bookings"] == [150, 80, 40]
    assert book.for_day(date(2026, 2, 1))["leads_by_bookings"][0] == {"fine": 40, "rough": 160}  # unchanged


def test_only_known_settings_of_the_right_shape_may_change():
    assert invalid_changes({"calls_by_bookings": [1, 2, 3]}) == {}
    assert set(invalid_changes({"bogus": 1, "workdays": "weekdays", "version": "x"})) == {
        "bogus", "workdays", "version"}
    assert set(invalid_changes({"fines": {"lateness": {"period": "month", "steps": ["10"]}},
                                "leads_by_bookings": [{"fine": 1}], "working_hours": {"start": "8"}})) == {
        "fines", "leads_by_bookings", "working_hours"}


def test_colours_green_on_pace_yellow_behind_red_missed():
    assert colours.against_quota(200, 200, 200, True) == colours.GREEN
    assert colours.against_quota(199, 200, 200, True) == colours.RED
    assert colours.against_quota(100, 200, 90, False) == colours.GREEN
    assert colours.against_quota(50, 200, 90, False) == colours.YELLOW
    assert colours.against_quota(0, None, 0, True) is None
    assert colours.against_limit(0, 0) == colours.GREEN
    assert colours.against_limit(1, 0) == colours.RED


def test_share_of_the_working_day_gone_by():
    policy, day = Policy({}), date(2026, 3, 16)
    at = lambda h, m: datetime(2026, 3, 16, h, m, tzinfo=policy.zone).astimezone(timezone.utc)  # noqa: E731
    assert colours.day_elapsed(policy, day, at(8, 0)) == 0
    assert colours.day_elapsed(policy, day, at(13, 0)) == 210 / 450
    assert colours.day_elapsed(policy, day, at(18, 30)) == 1
