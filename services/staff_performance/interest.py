"""Interest on a fine left unpaid after notice (seed 000 art. 1 section 一):
from the fine's day, 1 CNY a day in the first week, 2 in the second, 5 in the third.
The rules are silent after week 3: we keep the last rate and flag it for a manager."""
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0.00")

WEEK = 7


@dataclass(frozen=True)
class Interest:
    amount: Decimal
    days: int
    beyond_policy: bool   # past the last week the rules describe


def interest_due(fine_day, until_day, rates):
    """Interest for the days after `fine_day` up to and including `until_day`."""
    days = max(0, (until_day - fine_day).days)
    amount = sum((rates[min((n - 1) // WEEK, len(rates) - 1)] for n in range(1, days + 1)), ZERO)
    return Interest(amount, days, days > WEEK * len(rates))


@dataclass(frozen=True)
class Balance:
    principal: Decimal
    interest: Decimal
    paid: Decimal
    settled_on: object    # the day payments covered principal and interest, or None
    beyond_policy: bool

    @property
    def outstanding(self):
        return max(ZERO, self.principal + self.interest - self.paid)


def balance(principal, fine_day, noticed, payments, as_of, rates):
    """payments: [(day, amount)] in any order. No interest without notice (凡已告知且无故拖欠者)."""
    paid = ZERO
    for day, amount in sorted(payments):
        paid += amount
        owed = principal + (interest_due(fine_day, day, rates).amount if noticed else 0)
        if paid >= owed:
            return Balance(principal, owed - principal, paid, day, False)
    accrued = interest_due(fine_day, as_of, rates) if noticed else Interest(ZERO, 0, False)
    return Balance(principal, accrued.amount, paid, None, accrued.beyond_policy)
