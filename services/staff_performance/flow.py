"""Orders per stage through one business day (the managers' chart): from the facts people's work leaves, each
order counted once a stage, in the hour of the company's clock (Asia/Shanghai) it first reached that stage."""
from services.staff_performance import storage
from shared.timeutil import BUSINESS_ZONE

STAGES = ("order_reviewed", "line_picked", "parcel_packed", "parcel_handed_over")


def hourly(session, day):
    reached = storage.first_reached(session, day, STAGES)
    counts = {stage: [0] * 24 for stage in STAGES}
    for kind, moment in reached:
        counts[kind][moment.astimezone(BUSINESS_ZONE).hour] += 1
    return {"day": day.isoformat(),
            "stages": [{"stage": stage, "hours": counts[stage], "total": sum(counts[stage])} for stage in STAGES]}
