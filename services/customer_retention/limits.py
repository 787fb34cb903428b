"""The sales team's limits, kept as data (table pool_limits, set by a manager):
a rep's own row overrides the '*' row, which overrides the default here.

Counting against a limit is a conditional UPDATE (`... WHERE held < :max`), so two
concurrent claims cannot both slip under it."""
from services.customer_retention import storage
from services.customer_retention.models import PoolLimit
from shared.errors import RuleViolation

EVERYONE = "*"
DEFAULTS = {
    "max_customers_per_rep": 50,     # customers one rep may hold at once
    "max_claims_per_day": 10,        # new claims one rep may make in a day (Asia/Shanghai)
    "reclaim_cooldown_days": 7,      # wait after losing or releasing a customer before claiming it again
}


def limit(session, name, rep):
    rows = storage.limit_values(session, name, [rep, EVERYONE])
    return rows.get(rep, rows.get(EVERYONE, DEFAULTS[name]))


def all_limits(session):
    return {"defaults": dict(DEFAULTS),
            "set": [{"name": r.name, "scope": r.scope, "value": r.value, "set_by": r.set_by,
                     "set_at": r.set_at} for r in storage.pool_limits(session)]}


def set_limit(uow, name, value, scope, by, now):
    row = uow.session.get(PoolLimit, (scope, name)) or PoolLimit(scope=scope, name=name)
    row.value, row.set_by, row.set_at = value, by, now
    uow.session.add(row)
    return row


def take_slot(uow, rep):
    """One more customer held by the rep, if under their limit."""
    maximum = limit(uow.session, "max_customers_per_rep", rep)
    if not storage.take_slot(uow.session, rep, maximum):
        raise RuleViolation(f"{rep} already holds {maximum} customers, the most allowed",
                            code="pool_full", limit=maximum)


def adjust_load(uow, rep, delta):
    """Move a rep's count without the limit: -1 when a customer leaves them, +1 when a
    manager reassigns one to them (the manager's call overrides the limit)."""
    storage.adjust_load(uow.session, rep, delta)


def count_claim(uow, rep, day):
    maximum = limit(uow.session, "max_claims_per_day", rep)
    if not storage.count_claim(uow.session, rep, day, maximum):
        raise RuleViolation(f"{rep} has made {maximum} claims today, the most allowed",
                            code="daily_claims_used", limit=maximum)

