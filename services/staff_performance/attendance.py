"""Judging a working day from the clock-in machine (seed 001 考勤; business-rules §6).

A day is judged against the person's shift: the rota's, or the policy's hours (8:30-12:00, 14:00-18:00).
- Arriving after the start is lateness (到上班时间本人还未到岗,即为迟到); more than an hour of it is absence.
- Leaving before the end, by any amount, is early leave, and early leave counts as that day's absence
  (凡未到下班时间,提前离岗,即为早退,早退当天按旷工处理).
- Away from the post for more than an hour of working time, clocked out and in again, is absence too
  (未经批准离岗1小时以上者...依旷工论处). The lunch break is not working time.
Leave arranged for the day excuses it. Times count to the second: the machine's time is the record
(实际到岗和离岗时间均以考勤记录时间为准); minutes are reported rounded up.
"""
import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Optional

PRESENT, LATE, ABSENT, ON_LEAVE, REST = "present", "late", "absent", "on_leave", "rest"
# Judged before early leave counted as absence: only older rows have these.
EARLY, LATE_AND_EARLY = "early_leave", "late_and_early_leave"

# Why a day is absent: codes the console words, with the day's minutes as parameters.
NO_CLOCK_IN, LATE_OVER_LIMIT, LEFT_EARLY, AWAY_OVER_LIMIT = (
    "no_clock_in", "late_over_limit", "left_early", "away_over_limit")

IN, OUT = "in", "out"
DIRECTIONS = (IN, OUT)


@dataclass(frozen=True)
class Shift:
    """A working day's hours, on the local clock."""
    start: time
    end: time
    lunch_start: time
    lunch_end: time

    def spans(self, day, zone):
        """The working time as aware (begin, end) pairs: the shift less the lunch break."""
        begin, finish, lunch_from, lunch_to = (datetime.combine(day, t, zone) for t in (
            self.start, self.end, self.lunch_start, self.lunch_end))
        parts = [(begin, min(finish, lunch_from)), (max(begin, lunch_to), finish)]
        return [(a, b) for a, b in parts if a < b]


@dataclass(frozen=True)
class Reading:
    """One clock-in machine reading; the direction when the machine knows it (in / out)."""
    at: datetime
    direction: Optional[str] = None


@dataclass(frozen=True)
class DayJudgement:
    status: str
    late_minutes: int = 0
    early_minutes: int = 0
    away_minutes: int = 0
    reason: str = ""

    @property
    def is_late(self):
        return self.status in (LATE, LATE_AND_EARLY)


def _minutes(span):
    return math.ceil(span.total_seconds() / 60) if span > timedelta(0) else 0


def _working_time(left, back, spans):
    """How much of the working spans lies between leaving and coming back."""
    return sum((min(back, end) - max(left, begin) for begin, end in spans if min(back, end) > max(left, begin)),
               timedelta(0))


def _longest_away(readings, spans):
    """The longest working time between an `out` and the `in` that follows it (unknown directions: none)."""
    return max((_working_time(left.at, back.at, spans) for left, back in zip(readings, readings[1:])
                if (left.direction, back.direction) == (OUT, IN)), default=timedelta(0))


def judge_day(shift, day, readings, zone, limit_minutes, on_leave=False):
    """shift: the person's hours that day, None if they are not expected (a rest day).
    readings: the day's Readings; the first is arrival, the last departure."""
    if on_leave:
        return DayJudgement(ON_LEAVE, reason="leave")
    if shift is None:
        return DayJudgement(REST)
    if not readings:
        return DayJudgement(ABSENT, reason=NO_CLOCK_IN)
    ordered = sorted(readings, key=lambda r: r.at)
    spans = shift.spans(day, zone)
    late = max(ordered[0].at - spans[0][0], timedelta(0))
    early = max(spans[-1][1] - ordered[-1].at, timedelta(0))
    away = _longest_away(ordered, spans)
    limit = timedelta(minutes=limit_minutes)
    reason = (LATE_OVER_LIMIT if late > limit else LEFT_EARLY if early else
              AWAY_OVER_LIMIT if away > limit else "")
    status = ABSENT if reason else LATE if late else PRESENT
    return DayJudgement(status, _minutes(late), _minutes(early), _minutes(away), reason)


def describe(judgement):
    """The judgement in a sentence, for a fine's reason."""
    return {NO_CLOCK_IN: "no clock-in on a working day",
            LATE_OVER_LIMIT: f"{judgement.late_minutes} min late: more than an hour",
            LEFT_EARLY: f"left {judgement.early_minutes} min before the end of the shift: early leave",
            AWAY_OVER_LIMIT: f"away from the post {judgement.away_minutes} min: more than an hour",
            }.get(judgement.reason, judgement.status)


def summary(judged):
    """A judgement (or a judged day's row) as the API shows it: the status, the reason code, the minutes."""
    return {"status": judged.status, "reason": judged.reason, "late_minutes": judged.late_minutes,
            "early_minutes": judged.early_minutes, "away_minutes": judged.away_minutes}
