"""Care tasks (客户关怀): what the owning rep, or else the care team's queue, must do
for a customer, and by when (000 art. 9: 回访, win back; §5: negative reviews).
Each trigger has a dedupe key, unique in the table: one task per order, review or lapse."""
from datetime import timedelta

from services.customer_retention import names, storage
from services.customer_retention.deadlines import colour
from services.customer_retention.models import CareTask, Customer, Protection
from shared.errors import Conflict, NotFound, PermissionDenied
from shared.timeutil import to_iso

NEGATIVE_RATING = 2   # a rating of 2 or less is a 中差评
WIN_BACK_MIN_ORDERS = 2   # a customer who ordered this often and then stopped is won back


def open_task(uow, kind, dedupe_key, customer_key, due_at, summary, now, customer_id=None, order_no=None, **params):
    """Create the task unless its trigger already made one; assigned to the customer's owner or the queue.
    `params`: what the summary says, for the console to word in the reader's language (issue #19)."""
    holder = uow.session.get(Protection, customer_key)
    storage.insert_if_absent(uow.session, CareTask, dedupe_key=dedupe_key, kind=kind, customer_key=customer_key,
                             customer_id=customer_id, order_no=order_no, assignee=holder.rep if holder else None,
                             summary=summary, summary_params={k: _plain(v) for k, v in params.items()},
                             created_at=now, due_at=due_at, status="open")
    return storage.care_task_of(uow.session, dedupe_key)


def _plain(value):
    """A parameter as JSON keeps it: money as its string, times in ISO (UTC)."""
    return value if value is None or isinstance(value, (bool, int, str)) else (
        to_iso(value) if hasattr(value, "isoformat") else str(value))


def hand_over(uow, customer_key, from_rep, to_rep):
    """Open tasks follow the customer: to its new owner, or back to the care queue (None)."""
    storage.reassign_open_tasks(uow.session, customer_key, from_rep, to_rep)


def after_delivery(uow, settings, order, delivered_at, now):
    """回访 after delivery, unless the buyer was refunded before it or says it never came (issue 18: a care
    task once asked a refunded buyer how the delivery went; that is after-sales' recovery case now)."""
    if order.delivery_disputed:
        return None
    return open_task(uow, "follow_up_visit", f"follow_up_visit:{order.order_no}", order.customer_key,
                     delivered_at + timedelta(days=settings.care_visit_days),
                     f"回访: order {order.order_no} was delivered; ask how it went", now,
                     order.customer_id, order.order_no)


def after_review(uow, settings, customer_key, review, now):
    if review["rating"] > NEGATIVE_RATING:
        return None
    return open_task(uow, "negative_review", f"negative_review:{review['review_id']}", customer_key,
                     review["posted_at"] + timedelta(hours=settings.negative_review_sla_hours),
                     f"rating {review['rating']} on {review['order_no']}: contact the buyer, verify, reply "
                     f"(联系买家修改中差评): {review['text'][:300]}", now, review["customer_id"], review["order_no"],
                     rating=review["rating"], text=review["text"][:300])


def cancel_follow_up_visit(uow, order_no, case_id):
    """The buyer says the parcel never came: don't ask them how the delivery went."""
    storage.cancel_open_tasks(uow.session, "follow_up_visit", order_no,
                              f"not received, after-sales case {case_id}")


def after_failed_delivery(uow, settings, order, event, now):
    """A COD parcel the courier could not deliver: call the recipient before it comes back for nothing
    (000 art. 6: 主动与收件人联系; about 15 % of returns happen because nobody reached them). One open
    call per order; a later failure after that call makes another."""
    if order.payment_method != "cod" or order.status == "returned_to_sender" or \
            storage.has_open_task(uow.session, "cod_delivery_call", order.order_no):
        return None
    return open_task(uow, "cod_delivery_call", f"cod_delivery_call:{order.order_no}:{to_iso(event['occurred_at'])}",
                     order.customer_key, now + timedelta(hours=settings.cod_delivery_call_hours),
                     f"主动与收件人联系: COD parcel {event['tracking_no']} for {order.order_no} was not delivered "
                     f"({event['reason']}); call {order.recipient or ''} {order.recipient_phone or ''}"[:1000], now,
                     order.customer_id, order.order_no, tracking_no=event["tracking_no"],
                     reason=event["reason"][:300], recipient=order.recipient or "",
                     recipient_phone=order.recipient_phone or "")


def after_return_to_sender(uow, settings, order, event, now):
    """The parcel is back: too late to call the recipient; a COD refusal has the buyer called."""
    storage.cancel_open_tasks(uow.session, "cod_delivery_call", order.order_no,
                              "the parcel came back before the call")
    if event["payment_method"] != "cod":
        return None
    return open_task(uow, "cod_refusal_call", f"cod_refusal_call:{order.order_no}", order.customer_key,
                     now + timedelta(hours=settings.cod_refusal_call_hours),
                     f"COD parcel {event['tracking_no']} for {order.order_no} came back "
                     f"({event['cod_amount_not_collected']} CNY not collected): call the customer", now,
                     order.customer_id, order.order_no, tracking_no=event["tracking_no"],
                     amount=event["cod_amount_not_collected"])


def tell_customer(uow, settings, customer_key, customer_id, order_no, message, skus, now):
    """Out-of-stock notices from order review and picking name one order: one task tells the customer.
    The console words it from the goods short (`skus`); `message` is the sender's own sentence, kept."""
    return open_task(uow, "notify_customer", f"notify_customer:{order_no}", customer_key,
                     now + timedelta(hours=settings.notify_customer_hours),
                     f"tell the customer about order {order_no}: {message}"[:1000], now, customer_id, order_no,
                     message=message[:500], skus=", ".join(skus)[:500])


def after_refund(uow, settings, order, event, now):
    customer = uow.session.get(Customer, order.customer_id)
    if customer.total_spent < settings.high_value_spend:
        return None
    return open_task(uow, "retention_call", f"retention_call:{event['case_id']}", order.customer_key,
                     now + timedelta(hours=settings.retention_call_hours),
                     f"high-value customer (spent {customer.total_spent} CNY) refunded {event['amount']} CNY "
                     f"on {order.order_no}: retention call", now, order.customer_id, order.order_no,
                     spent=customer.total_spent, amount=event["amount"])


def open_win_backs(uow, settings, now):
    """Customers with 2+ orders and none for `win_back_days`: one win-back task per lapse."""
    cutoff = now - timedelta(days=settings.win_back_days)
    lapsed = storage.lapsed_customers(uow.session, cutoff, WIN_BACK_MIN_ORDERS)
    return [open_task(uow, "win_back", f"win_back:{key}:{to_iso(last)}", key,
                      now + timedelta(days=settings.win_back_due_days),
                      f"{count} orders, the last on {to_iso(last)[:10]}: win the customer back", now,
                      orders=count, last_order_at=to_iso(last))
            for key, count, last in lapsed]


def complete(uow, task_id, staff_id, role, outcome, notes, now):
    task = uow.session.get(CareTask, task_id)
    if task is None:
        raise NotFound(f"no care task {task_id}")
    if role == "sales" and task.assignee != staff_id:
        raise PermissionDenied(f"care task {task_id} is not assigned to {staff_id}")
    if not storage.complete_open_task(uow.session, task_id, outcome, notes, staff_id, now):
        raise Conflict(f"care task {task_id} is already {task.status}", code="already_done")
    uow.publish("care_task_completed", {"task_id": task.id, "kind": task.kind, "staff_id": staff_id,
                                        "outcome": outcome, "completed_at": now, "due_at": task.due_at,
                                        "on_time": now <= task.due_at}, aggregate_id=str(task.id))
    return storage.reloaded(uow.session, CareTask, task_id)


def task_list(session, settings, now, assignee=None, queue=False, status="open"):
    tasks = storage.care_tasks(session, status, assignee, queue)
    who = contacts(session, tasks)
    return [task_view(task, settings, now, who.get(task.id)) for task in tasks]


def contacts(session, tasks):
    """{task id: {customer_name, customer_phone, company}}: the buyer the task names, else the customer's
    latest buyer, and a company's registered name."""
    ids = {task.customer_id for task in tasks if task.customer_id}
    keys = {task.customer_key for task in tasks}
    buyers = storage.buyers_by_id(session, ids)
    latest = storage.latest_buyers(session, keys)
    accounts = storage.display_names(session, keys)
    found = {}
    for task in tasks:
        buyer = buyers.get(task.customer_id) or latest.get(task.customer_key)
        found[task.id] = {"customer_name": buyer.name if buyer else accounts.get(task.customer_key),
                          "customer_phone": buyer.phone if buyer else None,
                          "company": accounts.get(task.customer_key) if names.is_business(task.customer_key) else None}
    return found


def task_view(task, settings, now, who=None):
    """`who`: whom it is about, from contacts()."""
    open_colour = colour(task.due_at, now, timedelta(hours=settings.task_yellow_hours))
    return {"id": task.id, "kind": task.kind, "customer_key": task.customer_key, "customer_id": task.customer_id,
            **(who or {"customer_name": None, "customer_phone": None, "company": None}),
            "summary_params": {**(task.summary_params or {}), "order_no": task.order_no},
            "order_no": task.order_no, "assignee": task.assignee, "summary": task.summary,
            "created_at": to_iso(task.created_at), "due_at": to_iso(task.due_at), "status": task.status,
            "colour": open_colour if task.status == "open" else None,
            "overdue": task.status == "open" and now > task.due_at,
            "outcome": task.outcome, "notes": task.notes, "completed_by": task.completed_by,
            "completed_at": task.completed_at and to_iso(task.completed_at)}
