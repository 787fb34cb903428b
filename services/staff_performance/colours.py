"""Red / yellow / green (三色预警, seed 000 art. 8; business-rules §8)."""
from datetime import datetime

GREEN, YELLOW, RED = "green", "yellow", "red"


def against_quota(value, target, due_so_far, finished):
    """Green on track; yellow behind the pace the time so far demands; red missed at the deadline."""
    if target is None:
        return None
    if value >= target:
        return GREEN
    if finished:
        return RED
    return GREEN if value >= due_so_far else YELLOW


def against_limit(value, limit):
    """For things that should not happen (breaches, lateness, absence): over the limit is red."""
    return GREEN if value <= limit else RED


def day_elapsed(policy, day, now):
    """The share of `day`'s working hours (8:30-12:00, 14:00-18:00) gone by at `now`: 0 before, 1 after."""
    local = now.astimezone(policy.zone)
    spans = [(policy.hour("start"), policy.hour("lunch_start")), (policy.hour("lunch_end"), policy.hour("end"))]
    total = done = 0.0
    for start, end in spans:
        begin, finish = (datetime.combine(day, t, policy.zone) for t in (start, end))
        length = (finish - begin).total_seconds()
        total += length
        done += min(max((local - begin).total_seconds(), 0.0), length)
    return done / total
