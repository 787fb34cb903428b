"""What every action on a case shares: who acts and when, loading a case under a row lock,
moving it on the chart, the audit record, the answer clock (no nameko here)."""
from dataclasses import dataclass

from services.after_sales import deadlines, duties, flow, storage
from services.after_sales.models import CaseAction
from services.after_sales.sla import SlaClock
from shared.errors import NotFound

AUDITED = ("status", "amount", "lines", "difficult", "assignee", "return_tracking_no", "return_in_hand",
           "refunded_amount", "outcome", "sla_deadline", "sla_breached_at", "answered_at", "update_due_at",
           "update_breached_at", "resolution_breached_at", "escalated_at", "escalation_taken_by", "platform_state",
           "platform_timed_out_at")


@dataclass(frozen=True)
class Actor:
    staff_id: str
    role: str


def snapshot(case):
    return {name: _jsonable(getattr(case, name)) for name in AUDITED}


def _jsonable(value):
    if value is None or isinstance(value, (bool, int, str, list)):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def wanted_of(case):
    """The case's lines as {sku: qty}."""
    return {line["sku"]: line["qty"] for line in case.lines}


class CaseActions:
    """The ground of every case action (cases.py, returns.py, securing.py, refunds.py), and of the moves the
    service makes itself on news from the bus or the clock (parcels.py, stuck_parcels.py, sla_watch.py)."""

    def __init__(self, uow, actor, now, settings):
        self.uow, self.session = uow, uow.session
        self.actor, self.now, self.settings = actor, now, settings
        self._calendar = None

    @property
    def calendar(self):
        if self._calendar is None:
            self._calendar = self.settings.calendar(storage.holiday_days(self.session))
        return self._calendar

    def clock(self, case):
        return SlaClock(case, self.calendar, self.settings.yellow_share)

    def load(self, case_id, action, kind=None):
        """The case, locked for this transaction (actions on one case queue behind each other), once
        this person may take `action` on it (duties.py), and how it stood before, for the audit record."""
        case = storage.case_for_update(self.session, case_id)
        if case is None:
            raise NotFound(f"no case {case_id}", code="case_not_found")
        duties.check(case, self.actor, action, kind)
        before = snapshot(case)
        if duties.takes_up(case, self.actor):
            case.assignee = self.actor.staff_id
        return case, before

    def order(self, order_no):
        order = storage.order_for_update(self.session, order_no)
        if order is None:
            raise NotFound(f"no order {order_no} has reached after-sales", code="order_not_found", order_no=order_no)
        return order

    def move(self, case, action, **how):
        case.status = flow.next_state(case.case_type, case.status, action, **how)
        case.updated_at = self.now

    def record(self, case, action, before, **detail):
        deadlines.after_action(self, case, action, detail)
        self.session.flush()
        self.session.add(CaseAction(case_id=case.id, actor=self.actor.staff_id, role=self.actor.role,
                                    action=action, at=self.now, before=before, after=snapshot(case),
                                    detail={k: _jsonable(v) for k, v in detail.items()}))

    def publish(self, case, event_type, **fields):
        self.uow.publish(event_type, {"case_id": case.id, "order_no": case.order_no, **fields},
                         aggregate_id=case.order_no)

    def answer(self, case):
        """The first answer to the buyer stops the SLA clock (a late one records the breach)."""
        if case.answered_at is not None:
            return
        already_breached = case.sla_breached_at is not None
        within = self.clock(case).answer(self.now)
        case.answered_by = self.actor.staff_id
        if case.sla_breached_at is not None and not already_breached:
            publish_breach(self.uow, case)
            deadlines.escalate(self, case, deadlines.FIRST_ANSWER, case.sla_breached_at)
        self.publish(case, "case_answered", agent=self.actor.staff_id, answered_at=self.now, within_sla=within)


def publish_breach(uow, case):
    uow.publish("sla_breached", {"case_id": case.id, "order_no": case.order_no, "agent": case.assignee,
                                 "deadline": case.sla_breached_at, "difficult": case.difficult},
                aggregate_id=case.order_no)
