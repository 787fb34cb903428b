"""Orders per stage through one business day (the managers' chart): from the facts people's work leaves, each
order counted once a stage, in the hour of the company's clock (Asia/Shanghai) it first reached that stage."""
import sqlalchemy as sa

from services.staff_performance.models import Fact
from shared.timeutil import BUSINESS_ZONE

STAGES = ("order_reviewed", "line_picked", "parcel_packed", "parcel_handed_over")


def hourly(session, day):
    first = sa.func.min(Fact.occurred_at)
    reached = session.execute(sa.select(Fact.kind, first).where(Fact.day == day, Fact.kind.in_(STAGES))
                              .group_by(Fact.kind, Fact.subject)).all()
    counts = {stage: [0] * 24 for stage in STAGES}
    for kind, moment in reached:
        counts[kind][moment.astimezone(BUSINESS_ZONE).hour] += 1
    return {"day": day.isoformat(),
            "stages": [{"stage": stage, "hours": counts[stage], "total": sum(counts[stage])} for stage in STAGES]}
