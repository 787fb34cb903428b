"""Stuck parcels (001 3.13: 异常快递; issue 18 item 6): no scan for more than N days since the latest scan,
or the hand-over, tells after-sales once per silence."""
from datetime import timedelta

import pytest

from services.shipping_labels import stuck
from tests.shipping_labels.factories import T0, Parcels, events

DAYS = timedelta(days=3)


@pytest.fixture
def parcels(db, desk, run):
    return Parcels(db, desk, run)


def report(run, now, silent_for=DAYS):
    return run(stuck.report_stuck, silent_for, now)


def test_silent_for_exactly_n_days_is_not_yet_stuck_one_second_more_is(db, run, parcels):
    order_no, tracking_no = parcels.ship(at=T0)
    assert report(run, T0 + DAYS) == []
    assert report(run, T0 + DAYS + timedelta(seconds=1)) == [order_no]
    told, = events(db, "parcel_stuck")
    assert (told["order_no"], told["tracking_no"], told["carrier"], told["silent_since"], told["last_status"],
            told["silent_days"]) == (order_no, tracking_no, "EMS", "2026-11-23T02:00:00Z", None, 3)


def test_once_per_silence_and_a_new_scan_starts_a_new_one(db, run, parcels):
    order_no, tracking_no = parcels.ship(at=T0)
    first_silence = T0 + DAYS + timedelta(hours=1)
    assert report(run, first_silence) == [order_no]
    assert report(run, first_silence + timedelta(days=2)) == []   # still the same silence: told already
    scanned = first_silence + timedelta(days=2)
    parcels.scan(tracking_no, "in_transit", scanned)
    assert report(run, scanned + DAYS) == []
    assert report(run, scanned + DAYS + timedelta(seconds=1)) == [order_no]
    assert [(e["silent_since"], e["last_status"]) for e in events(db, "parcel_stuck")] == [
        ("2026-11-23T02:00:00Z", None), ("2026-11-28T03:00:00Z", "in_transit")]


def test_a_late_scan_dated_before_the_latest_does_not_restart_the_silence(db, run, parcels):
    order_no, tracking_no = parcels.ship(at=T0)
    parcels.scan(tracking_no, "in_transit", T0 + timedelta(days=2))
    parcels.scan(tracking_no, "in_transit", T0 + timedelta(days=1), received_at=T0 + timedelta(days=4))
    assert report(run, T0 + timedelta(days=5)) == []
    assert report(run, T0 + timedelta(days=5, seconds=1)) == [order_no]


def test_delivered_or_returned_parcels_are_never_stuck(run, parcels):
    parcels.delivered(at=T0 + timedelta(days=1))
    _, returned = parcels.ship(at=T0)
    parcels.scan(returned, "returned_to_sender", T0 + timedelta(hours=5))
    travelling, _ = parcels.ship(at=T0 + timedelta(days=20))
    assert report(run, T0 + timedelta(days=30)) == [travelling]


def test_the_number_of_days_is_a_setting(run, parcels):
    order_no, _ = parcels.ship(at=T0)
    assert report(run, T0 + timedelta(hours=12), silent_for=timedelta(hours=12)) == []
    assert report(run, T0 + timedelta(hours=12, seconds=1), silent_for=timedelta(hours=12)) == [order_no]
