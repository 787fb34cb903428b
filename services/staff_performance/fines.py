"""The fine ledger: issuing a ladder's next rung, notice, payments, interest (business-rules §6)."""
from datetime import timedelta

from services.staff_performance import ladders, storage
from services.staff_performance.business_days import period_key
from services.staff_performance.flags import raise_flag
from services.staff_performance.interest import WEEK, balance
from services.staff_performance.models import Fine, FinePayment
from services.staff_performance.register import get_staff
from shared.errors import Conflict, NotFound, RuleViolation
from shared.timeutil import utcnow

MANAGER_RULES = ("unexecuted_order", "unrecorded_visit", "fake_visit")


def issue(uow, policy, staff_id, rule, day, reason, by):
    """The next rung of `rule`'s ladder in its period; a flag where the rules say dismissal."""
    get_staff(uow.session, staff_id)
    ladder = policy.ladder(rule)
    key = period_key(ladder.period, day)
    count = storage.fines_in_period(uow.session, staff_id, rule, key)
    step = ladders.step_for(ladder, count + 1)
    fine = Fine(staff_id=staff_id, rule=rule, day=day, period_key=key, occurrence=count + 1, amount=step.amount,
                flag=step.flag, reason=reason[:500], policy_version=policy.version, issued_by=by,
                issued_at=utcnow())
    uow.session.add(fine)
    if not storage.flushed_unless_taken(uow.session):   # the unique rung: of two concurrent issues one loses
        raise Conflict("another fine took this rung at the same moment; retry", code="concurrent_fine")
    _announce(uow, fine, count + 1)
    return fine


def _announce(uow, fine, occurrence):
    if fine.amount > 0:
        uow.publish("fine_issued", {"staff_id": fine.staff_id, "fine_id": fine.id, "rule": fine.rule,
                                    "amount": fine.amount, "reason": fine.reason, "day": fine.day},
                    aggregate_id=fine.staff_id)
    if fine.flag:
        raise_flag(uow, fine.staff_id, fine.flag, fine.day,
                   f"{fine.rule} #{occurrence} in {fine.period_key}: the rules say dismissal", subject=fine.rule)


def _locked(uow, fine_id):
    fine = storage.fine_for_update(uow.session, fine_id)
    if fine is None:
        raise NotFound(f"no fine {fine_id}", fine_id=fine_id)
    return fine


def give_notice(uow, fine_id, day):
    """From notice on, an unpaid fine accrues interest (凡已告知且无故拖欠者)."""
    fine = _locked(uow, fine_id)
    if fine.noticed_on is None:
        fine.noticed_on = max(day, fine.day)
    return fine


def pay(uow, policy, fine_id, amount, day, by):
    fine = _locked(uow, fine_id)
    if day < fine.day:
        raise RuleViolation("a payment cannot precede its fine", code="payment_before_fine")
    owed = statement(uow.session, policy, fine, day)
    if owed.settled_on is not None or amount > owed.outstanding:
        raise Conflict(f"only {owed.outstanding} is owed", code="overpayment", outstanding=str(owed.outstanding))
    uow.session.add(FinePayment(fine_id=fine.id, amount=amount, paid_on=day, recorded_by=by, recorded_at=utcnow()))
    uow.session.flush()
    return fine


def statement(session, policy, fine, as_of):
    return balance(fine.amount, fine.day, fine.noticed_on is not None, storage.payments(session, fine.id), as_of,
                   policy.interest_rates)


def flag_interest_beyond_policy(uow, book, as_of):
    """After week 3 the rules are silent: interest keeps at the last rate and a manager is told."""
    described = WEEK * len(book.for_day(as_of).interest_rates)
    for fine in storage.noticed_fines_before(uow.session, as_of - timedelta(days=described)):
        owed = statement(uow.session, book.for_day(fine.day), fine, as_of)
        if owed.beyond_policy:
            raise_flag(uow, fine.staff_id, "interest_beyond_policy", fine.day,
                       f"fine {fine.id} unpaid {(as_of - fine.day).days} days after notice", subject=str(fine.id))


def get(session, fine_id):
    fine = session.get(Fine, fine_id)
    if fine is None:
        raise NotFound(f"no fine {fine_id}", fine_id=fine_id)
    return fine


def ledger(session, staff_id=None):
    return storage.fines_owed(session, staff_id)
