"""The fine ledger: issuing a ladder's next rung, notice, payments, interest (business-rules §6)."""
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from services.staff_performance import ladders
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
    count = uow.session.scalar(sa.select(sa.func.count(Fine.id)).where(
        Fine.staff_id == staff_id, Fine.rule == rule, Fine.period_key == key))
    step = ladders.step_for(ladder, count + 1)
    fine = Fine(staff_id=staff_id, rule=rule, day=day, period_key=key, occurrence=count + 1, amount=step.amount,
                flag=step.flag, reason=reason[:500], policy_version=policy.version, issued_by=by,
                issued_at=utcnow())
    uow.session.add(fine)
    try:
        uow.session.flush()   # the unique rung: of two concurrent issues one loses (and is retried)
    except IntegrityError:
        raise Conflict("another fine took this rung at the same moment; retry", code="concurrent_fine") from None
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
    fine = uow.session.scalar(sa.select(Fine).where(Fine.id == fine_id).with_for_update())
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
    payments = session.execute(sa.select(FinePayment.paid_on, FinePayment.amount)
                               .where(FinePayment.fine_id == fine.id)).all()
    return balance(fine.amount, fine.day, fine.noticed_on is not None, [tuple(p) for p in payments], as_of,
                   policy.interest_rates)


def flag_interest_beyond_policy(uow, book, as_of):
    """After week 3 the rules are silent: interest keeps at the last rate and a manager is told."""
    described = WEEK * len(book.for_day(as_of).interest_rates)
    for fine in _noticed_before(uow.session, as_of - timedelta(days=described)):
        owed = statement(uow.session, book.for_day(fine.day), fine, as_of)
        if owed.beyond_policy:
            raise_flag(uow, fine.staff_id, "interest_beyond_policy", fine.day,
                       f"fine {fine.id} unpaid {(as_of - fine.day).days} days after notice", subject=str(fine.id))


def _noticed_before(session, day):
    return session.scalars(sa.select(Fine).where(Fine.amount > 0, Fine.noticed_on.is_not(None),
                                                 Fine.day < day)).all()


def get(session, fine_id):
    fine = session.get(Fine, fine_id)
    if fine is None:
        raise NotFound(f"no fine {fine_id}", fine_id=fine_id)
    return fine


def ledger(session, staff_id=None):
    query = sa.select(Fine).where(Fine.amount > Decimal("0")).order_by(Fine.day, Fine.id)
    if staff_id:
        query = query.where(Fine.staff_id == staff_id)
    return session.scalars(query).all()
