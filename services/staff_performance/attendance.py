"""Judging a working day from the clock-in machine (seed 001 考勤; seed 000 art. 1 section 一).

Hours 8:30-12:00 and 14:00-18:00. Arriving after 8:30 is lateness, leaving before
18:00 early leave; more than an hour of either counts as absence (迟到或早退1小时以上...视为旷工).
"""
from dataclasses import dataclass
from datetime import datetime

PRESENT, LATE, EARLY, LATE_AND_EARLY, ABSENT, ON_LEAVE, REST = (
    "present", "late", "early_leave", "late_and_early_leave", "absent", "on_leave", "rest")


@dataclass(frozen=True)
class DayJudgement:
    status: str
    late_minutes: int = 0
    early_minutes: int = 0
    reason: str = ""

    @property
    def is_late(self):
        return self.status in (LATE, LATE_AND_EARLY)


def _minutes(earlier, later):
    return max(0, int((later - earlier).total_seconds() // 60))


def judge_day(policy, day, punches, on_leave=False):
    """punches: aware datetimes of the day's clock-ins; the first is arrival, the last departure."""
    if on_leave:
        return DayJudgement(ON_LEAVE, reason="approved leave")
    if not policy.is_workday(day):
        return DayJudgement(REST)
    if not punches:
        return DayJudgement(ABSENT, reason="no clock-in on a working day")
    local = sorted(p.astimezone(policy.zone) for p in punches)
    start = datetime.combine(day, policy.hour("start"), policy.zone)
    end = datetime.combine(day, policy.hour("end"), policy.zone)
    late, early = _minutes(start, local[0]), _minutes(local[-1], end)
    limit = policy["absence_after_minutes"]
    if late > limit or early > limit:
        return DayJudgement(ABSENT, late, early, f"late {late} min / early {early} min: over {limit} min")
    status = {(True, True): LATE_AND_EARLY, (True, False): LATE, (False, True): EARLY}.get(
        (late > 0, early > 0), PRESENT)
    return DayJudgement(status, late, early)
