"""The protection pool (保护库), rules §7 (000 art. 1 section 八) and §8 colours, on the real
database without a broker. Time is driven by passing `now`."""
from datetime import datetime, timedelta, timezone

import pytest

from services.customer_retention import follow_ups, limits, pool, rounds
from services.customer_retention.customers import ensure_account
from services.customer_retention.models import Protection, RepLoad
from shared.errors import Conflict, RuleViolation
from tests.customer_retention.conftest import T0, outbox, uid


def company(db):
    name = f"南京{uid('X')}贸易有限公司"
    with db.unit_of_work() as uow:
        return ensure_account(uow, None, name, name)


def claim(db, settings, rep, key, now=T0):
    with db.unit_of_work() as uow:
        return pool.claim(uow, settings, rep, key, now)


def set_limit(db, name, value, scope="*"):
    with db.unit_of_work() as uow:
        limits.set_limit(uow, name, value, scope, "M1", T0)


def test_section7_a_claim_protects_for_30_days_and_says_so(db, settings):
    key = company(db)
    protection = claim(db, settings, "R1", key)
    assert (protection.rep, protection.expires_at) == ("R1", T0 + timedelta(days=30))
    assert [(e["customer_key"], e["rep"], e["expires_at"]) for e in outbox(db, "protection_claimed")] == [
        (key, "R1", "2026-04-01T09:00:00Z")]


def test_section7_a_customer_held_by_another_rep_cannot_be_claimed_409_names_holder_and_expiry(db, settings):
    key = company(db)
    claim(db, settings, "R1", key)
    with pytest.raises(Conflict) as refused:
        claim(db, settings, "R2", key, T0 + timedelta(days=3))
    assert refused.value.code == "already_protected"
    assert refused.value.details == {"holder": "R1", "expires_at": "2026-04-01T09:00:00Z"}


def test_section7_the_holder_renews_before_expiry_others_and_late_renewals_refused(db, settings):
    key = company(db)
    claim(db, settings, "R1", key)
    with db.unit_of_work() as uow:
        renewed = pool.renew(uow, settings, "R1", key, T0 + timedelta(days=25))
    assert renewed.expires_at == T0 + timedelta(days=55)
    with pytest.raises(Conflict) as other, db.unit_of_work() as uow:
        pool.renew(uow, settings, "R2", key, T0 + timedelta(days=26))
    assert other.value.details["holder"] == "R1"
    with pytest.raises(Conflict) as late, db.unit_of_work() as uow:
        pool.renew(uow, settings, "R1", key, T0 + timedelta(days=56))
    assert late.value.code == "protection_expired"


def test_release_returns_the_customer_to_the_public_pool_and_is_in_the_history(db, settings):
    key = company(db)
    claim(db, settings, "R1", key)
    with db.unit_of_work() as uow:
        pool.release(uow, "R1", key, T0 + timedelta(days=2))
    claim(db, settings, "R2", key, T0 + timedelta(days=3))
    with db.read() as session:
        history = pool.history(session, key)
    assert [(h["rep"], h["how"], h["ended"], h["ended_by"]) for h in history] == [
        ("R1", "claimed", "released", "R1"), ("R2", "claimed", None, None)]
    assert history[0]["to"] == "2026-03-04T09:00:00Z"


def test_section7_expiry_returns_the_customer_to_the_public_pool_by_the_rounds_naming_the_rep(db, settings):
    key = company(db)
    claim(db, settings, "R1", key)
    assert rounds.run(db, settings, T0 + timedelta(days=29, hours=23))["expired"] == 0
    assert rounds.run(db, settings, T0 + timedelta(days=30))["expired"] == 1
    with db.read() as session:
        assert session.get(Protection, key) is None
        assert session.get(RepLoad, "R1").held == 0
        assert pool.history(session, key)[0]["ended"] == "expired"
    assert [(e["customer_key"], e["rep"], e["expired_at"]) for e in outbox(db, "protection_expired")] == [
        (key, "R1", "2026-04-01T09:00:00Z")]
    claim(db, settings, "R2", key, T0 + timedelta(days=31))


def test_an_expired_protection_not_yet_swept_does_not_block_a_claim(db, settings):
    key = company(db)
    claim(db, settings, "R1", key)
    protection = claim(db, settings, "R2", key, T0 + timedelta(days=30, minutes=1))
    assert protection.rep == "R2"
    assert [e["rep"] for e in outbox(db, "protection_expired")] == ["R1"]


def test_limit_customers_per_rep_is_data_and_a_release_frees_a_place(db, settings):
    set_limit(db, "max_customers_per_rep", 2)
    first, second, third = company(db), company(db), company(db)
    claim(db, settings, "R1", first)
    claim(db, settings, "R1", second)
    with pytest.raises(RuleViolation) as full:
        claim(db, settings, "R1", third)
    assert (full.value.code, full.value.details) == ("pool_full", {"limit": 2})
    claim(db, settings, "R2", third)          # the limit is per rep
    with db.unit_of_work() as uow:
        pool.release(uow, "R1", first, T0)
    claim(db, settings, "R1", company(db))


def test_limit_claims_per_day_with_a_rep_override(db, settings):
    set_limit(db, "max_claims_per_day", 5)
    set_limit(db, "max_claims_per_day", 1, scope="R1")
    claim(db, settings, "R1", company(db))
    with pytest.raises(RuleViolation) as used:
        claim(db, settings, "R1", company(db), T0 + timedelta(hours=3))
    assert used.value.code == "daily_claims_used"
    claim(db, settings, "R2", company(db))    # the '*' limit of 5 for everyone else
    claim(db, settings, "R2", company(db))
    claim(db, settings, "R1", company(db), T0 + timedelta(days=1))   # a new day


def test_the_claims_day_is_beijing_time_not_utc(db, settings):
    """23:30 and 00:30 in Beijing are two days for the rep, though both fall on one UTC day."""
    set_limit(db, "max_claims_per_day", 1, scope="R7")
    late_evening = datetime(2026, 3, 2, 15, 30, tzinfo=timezone.utc)
    claim(db, settings, "R7", company(db), late_evening)
    claim(db, settings, "R7", company(db), late_evening + timedelta(hours=1))
    with pytest.raises(RuleViolation) as used:
        claim(db, settings, "R7", company(db), late_evening + timedelta(hours=17))   # 08:30 the same Beijing day
    assert used.value.code == "daily_claims_used"


def test_cooldown_before_reclaiming_a_released_or_lost_customer(db, settings):
    set_limit(db, "reclaim_cooldown_days", 7)
    key = company(db)
    claim(db, settings, "R1", key)
    with db.unit_of_work() as uow:
        pool.release(uow, "R1", key, T0 + timedelta(days=1))
    with pytest.raises(RuleViolation) as cooling:
        claim(db, settings, "R1", key, T0 + timedelta(days=7, hours=23))
    assert cooling.value.details == {"until": "2026-03-10T09:00:00Z"}
    claim(db, settings, "R1", key, T0 + timedelta(days=8))


def test_section7_manager_reassigns_many_idle_customers_with_a_reason(db, settings):
    idle, busy = company(db), company(db)
    claim(db, settings, "R1", idle)
    claim(db, settings, "R1", busy)
    with db.unit_of_work() as uow:
        follow_ups.log_follow_up(uow, "R1", busy, "call", "谈了报价", T0 + timedelta(days=10))
    later = T0 + timedelta(days=settings.idle_flag_days)
    with db.read() as session:
        flagged = pool.pool_view(session, settings, later, flagged_only=True)
    assert [row["customer_key"] for row in flagged] == [idle]
    with db.unit_of_work() as uow:
        moved = pool.reassign(uow, settings, "M1", [idle, busy], "R2", "不跟进 (no follow-up)", later)
    assert [(p.customer_key, p.rep, p.expires_at) for p in moved] == [
        (idle, "R2", later + timedelta(days=30)), (busy, "R2", later + timedelta(days=30))]
    with db.read() as session:
        assert pool.history(session, idle)[0] | {"from": None, "to": None} == {
            "rep": "R1", "from": None, "to": None, "how": "claimed", "ended": "reassigned", "ended_by": "M1",
            "note": "不跟进 (no follow-up)"}
        assert session.get(RepLoad, "R1").held == 0 and session.get(RepLoad, "R2").held == 2
    assert [(e["rep"], e["how"], e["previous_rep"]) for e in outbox(db, "protection_claimed")][-2:] == [
        ("R2", "reassigned", "R1"), ("R2", "reassigned", "R1")]


def test_reassignment_is_all_or_nothing(db, settings):
    held, unheld = company(db), company(db)
    claim(db, settings, "R1", held)
    with pytest.raises(Conflict), db.unit_of_work() as uow:
        pool.reassign(uow, settings, "M1", [held, unheld], "R2", "reason", T0)
    with db.read() as session:
        assert session.get(Protection, held).rep == "R1"


def test_section8_pool_colours_and_days_left(db, settings):
    key = company(db)
    claim(db, settings, "R1", key)

    def seen(now):
        with db.read() as session:
            row, = pool.pool_view(session, settings, now, rep="R1")
        return row["days_left"], row["colour"]

    assert seen(T0 + timedelta(days=10)) == (20, "green")
    assert seen(T0 + timedelta(days=23)) == (7, "yellow")      # within the default 7 days
    assert seen(T0 + timedelta(days=29, hours=12)) == (1, "yellow")
    assert seen(T0 + timedelta(days=30)) == (0, "red")


def test_section7_reps_are_told_before_expiry_once_per_period(db, settings):
    key = company(db)
    claim(db, settings, "R1", key)
    assert rounds.run(db, settings, T0 + timedelta(days=26))["notices"] == 0
    assert rounds.run(db, settings, T0 + timedelta(days=27))["notices"] == 1
    assert rounds.run(db, settings, T0 + timedelta(days=28))["notices"] == 0
    with db.read() as session:
        notices = pool.notices_for(session, "R1")
    assert notices[0]["customer_key"] == key and "2026-04-01T09:00:00Z" in notices[0]["message"]
    with db.unit_of_work() as uow:
        pool.renew(uow, settings, "R1", key, T0 + timedelta(days=28))
    assert rounds.run(db, settings, T0 + timedelta(days=55))["notices"] == 1


def test_section7_a_customer_protected_by_another_may_not_be_followed_up(db, settings):
    key = company(db)
    claim(db, settings, "R1", key)
    with pytest.raises(Conflict) as refused, db.unit_of_work() as uow:
        follow_ups.log_follow_up(uow, "R2", key, "visit", "上门拜访", T0)
    assert refused.value.details["holder"] == "R1"
    with db.unit_of_work() as uow:
        follow_ups.log_follow_up(uow, "R1", key, "visit", "上门拜访", T0 + timedelta(days=1))
    assert [(e["rep"], e["kind"]) for e in outbox(db, "follow_up_logged")] == [("R1", "visit")]
    with db.read() as session:
        assert follow_ups.follow_ups_of(session, key)[0]["notes"] == "上门拜访"
