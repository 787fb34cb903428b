"""The department's rules as versioned data, the policy (business-rules §6, seed 000 art. 1, seed 001).

A manager changes a number by adding a version with an effective date; every
day is judged by the version in force on that day, so a past month keeps its result.
The versions are kept in the database on top of the default file (`default_policy.json`).
"""
import json
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from services.staff_performance import storage
from services.staff_performance.attendance import Shift
from shared.errors import Conflict
from shared.timeutil import utcnow

DEFAULT_PATH = Path(__file__).with_name("default_policy.json")
RANKS = ("probation", "regular", "senior", "manager")
PERIODS = ("month", "year")


def default_document():
    return json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))


def merged(document):
    """A version may change only some numbers; the rest come from the default."""
    base = default_document()
    base.update(document)
    return base


@dataclass(frozen=True)
class Ladder:
    period: str          # "month" or "year": the count restarts each period
    steps: tuple         # Decimal amounts for the 1st, 2nd, ... occurrence
    then: str            # after the last step: "double" or "dismissal_review"


class Policy:
    def __init__(self, document):
        self.doc = merged(document)
        self.version = str(self.doc["version"])
        self.effective_from = date.fromisoformat(self.doc["effective_from"])
        self.zone = ZoneInfo(self.doc["timezone"])

    def ladder(self, rule):
        spec = self.doc["fines"][rule]
        return Ladder(spec["period"], tuple(Decimal(step) for step in spec["steps"]), spec["then"])

    def hour(self, name):
        return time.fromisoformat(self.doc["working_hours"][name])

    def shift(self, start=None, end=None):
        """The working day's hours; a rota entry may set its own start or end (the lunch break stays)."""
        return Shift(start or self.hour("start"), end or self.hour("end"), self.hour("lunch_start"),
                     self.hour("lunch_end"))

    def is_workday(self, day):
        return day.weekday() in self.doc["workdays"]

    @property
    def interest_rates(self):
        return tuple(Decimal(rate).quantize(Decimal("0.01")) for rate in self.doc["interest"]["daily_by_week"])

    def __getitem__(self, key):
        return self.doc[key]


class PolicyBook:
    """All versions; `for_day(day)` is the one in force that day."""

    def __init__(self, documents=()):
        versions = [Policy({})] + [Policy(doc) for doc in documents]
        self.versions = sorted(versions, key=lambda p: p.effective_from)

    def for_day(self, day):
        in_force = [p for p in self.versions if p.effective_from <= day]
        return in_force[-1] if in_force else self.versions[0]


def invalid_changes(changes):
    """{field: reason} for changes that are not settings of the default policy, or of the wrong shape."""
    default = default_document()
    errors = {}
    for key, value in changes.items():
        if key not in default or key in ("version", "effective_from", "timezone"):
            errors[key] = ["not a policy setting"]
        elif type(value) is not type(default[key]):
            errors[key] = [f"must be a {type(default[key]).__name__} like the default"]
        elif (problem := _unusable(key, value)):
            errors[key] = [problem]
    return errors


def _unusable(key, value):
    """Read every number the service will read, so a bad version is refused now, not at month end."""
    try:
        policy = Policy({key: value})
        for rule in default_document()["fines"]:
            ladder = policy.ladder(rule)
            _require(ladder.steps and ladder.then in ("double", "dismissal_review") and ladder.period in PERIODS,
                     f"ladder {rule}")
        [policy.hour(name) for name in ("start", "lunch_start", "lunch_end", "end")]
        _require(policy.interest_rates and policy["calls_by_bookings"], "rates and quotas")
        _require(all({"fine", "rough"} <= set(row) for row in policy["leads_by_bookings"]), "lead rows")
        [(policy["weekly_visits_by_rank"][r], policy["exemptions"]["weekly_deals_by_rank"][r]) for r in RANKS]
        _require(policy["leave_notice"][-1]["min_days"] == 1, "a leave notice row for 1 day")
        _require(all(type(policy["duty"][k]) is int and policy["duty"][k] >= low
                     for k, low in (("per_day", 1), ("warn_days_ahead", 0))), "duty per day and days ahead")
    except (KeyError, IndexError, TypeError, ValueError, ArithmeticError) as exc:
        return f"incomplete or malformed ({type(exc).__name__}: {exc})"
    return None


def _require(condition, what):
    if not condition:
        raise ValueError(f"{what} missing or malformed")


def book(session):
    """Every version in the database, on top of the default."""
    return PolicyBook([{**json.loads(row.document), "version": f"v{row.id}",
                        "effective_from": row.effective_from.isoformat()} for row in storage.policy_versions(session)])


def add_version(uow, effective_from, changes, by):
    """`changes` are the numbers that differ from the default; checked by building the policy."""
    Policy({**changes, "effective_from": effective_from.isoformat()})
    if not storage.add_policy_version(uow.session, effective_from=effective_from, document=json.dumps(changes),
                                      created_by=by, created_at=utcnow()):
        raise Conflict(f"a policy version already takes effect on {effective_from}", code="version_exists")
    return storage.policy_version_from(uow.session, effective_from)


def describe(policy_book):
    return [{"version": p.version, "effective_from": p.effective_from.isoformat(), "policy": p.doc}
            for p in policy_book.versions]
