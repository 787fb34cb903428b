"""The refund flow chart of seed 001 (business-rules §5) as a transition table.

refund_only (买家未收到货):  pending → approved → refund_pending → refunded → closed
                            pending → awaiting_secured → approved → refund_pending → …, when the goods
                            must be secured first (securing.py; approved after hand-over)
return_refund (买家已收到货): pending → awaiting_return → return_shipped → received → refund_pending → refunded
                            → closed
The refund is executed by the platform (001 3.15: 在淘宝后台操作; platform_refunds.py): the refund action
asks the storefront to execute it (refund_pending, 待平台退款); its answer refund_executed makes the case
refunded, refund_refused sends it back to where the refund was asked from, with the refusal shown. A case
the platform did not answer in time is flagged, and may be asked again.
exchange:                    pending → awaiting_return → return_shipped → replacement_ordered → closed
recovery (追回, opened by the service when a parcel is delivered after its refund was paid):
                             recovery_open → closed
stuck_parcel (异常快递, opened by the service when shipping labels finds a parcel without a scan for days):
                             exception_open → closed (by an agent after following it up with the carrier, or
                             by the carrier's news that it was delivered or came back)
A rejection, or a discrepancy found when the parcel comes back, leads to negotiation (客服协商);
from there the agent resubmits or the case closes. A supervisor may reassign an open case to
another agent at any step (who may take which action beyond their role: duties.py).
"""
from shared.errors import Conflict

# Why the buyer asks (买家申请退款 正确填写退款理由).
REASONS = ("not_received", "damaged", "wrong_item", "quality", "not_as_described", "changed_mind", "other")

REFUND_ONLY, RETURN_REFUND, EXCHANGE = "refund_only", "return_refund", "exchange"
CASE_TYPES = (REFUND_ONLY, RETURN_REFUND, EXCHANGE)   # what an agent opens
RECOVERY = "recovery"                                 # what the service opens (recovery.py)
STUCK_PARCEL = "stuck_parcel"                         # and this one too (stuck_parcels.py)
SERVICE_OPENED = (RECOVERY, STUCK_PARCEL)
RETURN_TYPES = (RETURN_REFUND, EXCHANGE)
PAYING_TYPES = (REFUND_ONLY, RETURN_REFUND)           # cases that pay the buyer money

PENDING = "pending_approval"
NEGOTIATION = "negotiation"
APPROVED = "approved"
AWAITING_SECURED = "awaiting_secured"   # approved; the refund waits until the goods are secured
AWAITING_RETURN = "awaiting_return"
RETURN_SHIPPED = "return_shipped"
RECEIVED = "received"
REFUND_PENDING = "refund_pending"   # 待平台退款: asked the platform to execute the refund, waiting for its answer
REFUNDED = "refunded"
REPLACEMENT_ORDERED = "replacement_ordered"
RECOVERY_OPEN = "recovery_open"
EXCEPTION_OPEN = "exception_open"
CLOSED = "closed"
STATES = (PENDING, NEGOTIATION, APPROVED, AWAITING_SECURED, AWAITING_RETURN, RETURN_SHIPPED, RECEIVED,
          REFUND_PENDING, REFUNDED,
          REPLACEMENT_ORDERED, RECOVERY_OPEN, EXCEPTION_OPEN, CLOSED)

# Where the goods go once the warehouse has accepted them.
_IN_HAND = {RETURN_REFUND: RECEIVED, EXCHANGE: REPLACEMENT_ORDERED}

# (action, state) -> {case type: next state}
CHART = {
    ("approve", PENDING): {REFUND_ONLY: APPROVED, RETURN_REFUND: AWAITING_RETURN, EXCHANGE: AWAITING_RETURN},
    ("reject", PENDING): dict.fromkeys(CASE_TYPES, NEGOTIATION),
    ("resubmit", NEGOTIATION): dict.fromkeys(CASE_TYPES, PENDING),
    ("return_shipped", AWAITING_RETURN): dict.fromkeys(RETURN_TYPES, RETURN_SHIPPED),
    # The parcel may reach the warehouse before the agent has recorded its tracking number.
    ("receive", AWAITING_RETURN): dict(_IN_HAND),
    ("receive", RETURN_SHIPPED): dict(_IN_HAND),
    # Secured by a carrier's scan (intercepted, returning, returned) or a supervisor's override.
    ("secure", AWAITING_SECURED): {REFUND_ONLY: APPROVED},
    # The carrier delivered after all, before the refund was paid: back to talking with the buyer.
    ("parcel_delivered", AWAITING_SECURED): {REFUND_ONLY: NEGOTIATION},
    ("parcel_delivered", APPROVED): {REFUND_ONLY: NEGOTIATION},
    # The refund is asked of the platform; its answer decides (platform_refunds.py).
    ("refund", APPROVED): {REFUND_ONLY: REFUND_PENDING},
    ("refund", RECEIVED): {RETURN_REFUND: REFUND_PENDING},
    # Asked again, only once the platform's answer is overdue (next_state).
    ("refund", REFUND_PENDING): dict.fromkeys(PAYING_TYPES, REFUND_PENDING),
    ("refund_executed", REFUND_PENDING): dict.fromkeys(PAYING_TYPES, REFUNDED),
    # Refused: back to where the refund was asked from (the refusal is shown on the case).
    ("refund_refused", REFUND_PENDING): {REFUND_ONLY: APPROVED, RETURN_REFUND: RECEIVED},
    ("close", PENDING): dict.fromkeys(CASE_TYPES, CLOSED),
    ("close", NEGOTIATION): dict.fromkeys(CASE_TYPES, CLOSED),
    ("close", AWAITING_SECURED): {REFUND_ONLY: CLOSED},
    ("close", REFUNDED): dict.fromkeys(CASE_TYPES, CLOSED),
    ("close", RECOVERY_OPEN): {RECOVERY: CLOSED},
    ("close", EXCEPTION_OPEN): {STUCK_PARCEL: CLOSED},
    ("close", REPLACEMENT_ORDERED): {EXCHANGE: CLOSED},
}

# What a closed case came to, by the state it was closed from.
OUTCOMES = {PENDING: "withdrawn", NEGOTIATION: "settled_in_negotiation", AWAITING_SECURED: "withdrawn",
            REFUNDED: "refunded", REPLACEMENT_ORDERED: "exchanged", RECOVERY_OPEN: "recovery_closed",
            EXCEPTION_OPEN: "followed_up"}
# A COD parcel that came back closes whatever was still open about the order (parcels.py).
REFUSED_BY_BUYER = "refused_by_buyer"

# Moves the service makes on news from the carrier; nobody asks for them over HTTP.
SYSTEM_ACTIONS = ("parcel_delivered", "refund_executed", "refund_refused")

# Why a refund is refused while the case waits (409 goods_not_secured).
NOT_SECURED = ("the parcel is still with the carrier: the refund waits until a tracking scan says it was "
               "intercepted or is coming back, or a supervisor secures it with a reason")


def allowed_actions(case_type, state):
    actions = sorted(action for (action, source), targets in CHART.items()
                     if source == state and case_type in targets and action not in SYSTEM_ACTIONS)
    # Any open case takes notes, and a supervisor may hand it to another agent.
    return actions + ["note", "reassign"] if state != CLOSED else actions


# Why a refund is not asked again while the platform may still answer (409 refund_awaiting_platform).
AWAITING_PLATFORM = ("the platform was asked to execute this refund and may still answer: ask again only once "
                     "the case is flagged as not answered in time")


def next_state(case_type, state, action, discrepancy=False, return_in_hand=False, must_secure=False,
               platform_overdue=False):
    """The state after `action`, or Conflict (409) naming the state and what may be done in it.
    `must_secure`: an approval whose refund must wait for the goods (securing.py); `platform_overdue`:
    the platform did not answer the refund asked of it in time (platform_refunds.py)."""
    if action == "refund" and state == AWAITING_SECURED:
        raise Conflict(NOT_SECURED, code="goods_not_secured", state=state,
                       allowed_actions=allowed_actions(case_type, state))
    if action == "refund" and state == REFUND_PENDING and not platform_overdue:
        raise Conflict(AWAITING_PLATFORM, code="refund_awaiting_platform", state=state,
                       allowed_actions=allowed_actions(case_type, state))
    targets = CHART.get((action, state), {})
    if case_type not in targets:
        raise Conflict(f"a {case_type} case in state '{state}' cannot {action.replace('_', ' ')}",
                       code="invalid_transition", state=state, allowed_actions=allowed_actions(case_type, state))
    if discrepancy:
        return NEGOTIATION
    if action == "approve" and return_in_hand:   # re-approved after a negotiated discrepancy
        return _IN_HAND[case_type]
    if action == "approve" and must_secure:
        return AWAITING_SECURED
    return targets[case_type]


def require_open(state, case_type):
    if state == CLOSED:
        raise Conflict("the case is closed", code="invalid_transition", state=state,
                       allowed_actions=allowed_actions(case_type, state))
