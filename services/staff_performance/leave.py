"""Leave notice (seed 000 art. 1 section 七): more than 3 days, 2 days ahead; 1-3 days, 1 day
ahead; next-day short leave before midnight; emergencies and sudden sickness at once, proof afterwards."""
from dataclasses import dataclass
from datetime import timedelta

from services.staff_performance.business_days import local_midnight


@dataclass(frozen=True)
class NoticeCheck:
    notice_ok: bool
    deadline: object        # the last moment the request was in time, or None (at once)
    proof_required: bool
    reason: str


def check_notice(policy, kind, first_day, last_day, requested_at):
    if last_day < first_day:
        raise ValueError("last_day is before first_day")
    if kind in policy["leave_at_once_kinds"]:
        return NoticeCheck(True, None, True, f"{kind}: tell the manager at once, proof afterwards")
    length = (last_day - first_day).days + 1
    row = next(r for r in policy["leave_notice"] if length >= r["min_days"])
    # "N days ahead": the request must be in before midnight starting day first_day-(N-1).
    deadline = local_midnight(first_day - timedelta(days=row["notice_days"] - 1), policy.zone)
    in_time = requested_at <= deadline
    reason = (f"{length} day(s) of leave need {row['notice_days']} day(s) notice: "
              f"{'in time' if in_time else 'too late'} (deadline {deadline.isoformat()})")
    return NoticeCheck(in_time, deadline, False, reason)
