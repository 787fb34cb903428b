"""Fine ladders (business-rules §6; seed 000 art. 1 sections 一、五、六; seed 001 旷工)."""
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

DISMISSAL_REVIEW = "dismissal_review"


@dataclass(frozen=True)
class Step:
    amount: Decimal
    flag: Optional[str]   # the rules say dismissal: a manager reviews; the software never dismisses


def step_for(ladder, occurrence):
    """The fine for the `occurrence`-th infraction (1-based) in the ladder's period."""
    if occurrence < 1:
        raise ValueError("occurrence is 1-based")
    if occurrence <= len(ladder.steps):
        return Step(ladder.steps[occurrence - 1], None)
    if ladder.then == "double":
        return Step(ladder.steps[-1] * 2 ** (occurrence - len(ladder.steps)), None)
    return Step(Decimal("0"), DISMISSAL_REVIEW)


def lateness_rule(rank):
    """The manager has a ladder of their own (经理一次罚款20元...往后翻倍)."""
    return "lateness_manager" if rank == "manager" else "lateness"
