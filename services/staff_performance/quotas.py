"""Sales quotas and their exemptions (seed 000 art. 1 sections 二、三、四; business-rules §6)."""
from dataclasses import dataclass
from datetime import timedelta
from typing import Optional

from services.staff_performance.business_days import previous_month, week_of


def _row(table, bookings):
    """Rows are for 0, 1, and 2-or-more visits booked for the next day."""
    return table[min(max(bookings, 0), len(table) - 1)]


def daily_calls(policy, bookings_next_day):
    return _row(policy["calls_by_bookings"], bookings_next_day)


def daily_leads(policy, bookings_next_day):
    row = _row(policy["leads_by_bookings"], bookings_next_day)
    return row["fine"], row["rough"]


def weekly_visits(policy, rank):
    return policy["weekly_visits_by_rank"][rank]


@dataclass(frozen=True)
class SalesHistory:
    """What the exemptions need to know about one rep: deal days, and last month's ranking."""
    deal_days: dict                  # day -> deals signed that day
    last_month_place: Optional[int]  # 1 champion, 2 runner-up, else None


def lead_exemption(policy, day, rank, history):
    """Why `day`'s lead quota is not checked, or None. The rules exempt lead research only."""
    rules = policy["exemptions"]
    for back in range(1, rules["days_after_deal"] + 1):
        if history.deal_days.get(day - timedelta(days=back), 0) > 0:
            return f"deal signed on {day - timedelta(days=back)}: {rules['days_after_deal']} free days"
    last_week_start, _ = week_of(day - timedelta(days=7))
    deals_last_week = sum(history.deal_days.get(last_week_start + timedelta(days=n), 0) for n in range(7))
    needed = rules["weekly_deals_by_rank"][rank]
    if deals_last_week >= needed:
        return f"{deals_last_week} deal(s) last week ({rank} needs {needed}): this week free"
    if history.last_month_place == 1 and rules["champion_whole_month"]:
        return f"champion of {previous_month(day)[0]:%Y-%m}: whole month free"
    if history.last_month_place == 2 and day.day <= rules["runner_up_days"]:
        return f"runner-up of {previous_month(day)[0]:%Y-%m}: first {rules['runner_up_days']} days free"
    return None


def ranking(deals_by_staff):
    """The month's champion and runner-up: most deals signed; ties by staff id. Nobody without a deal."""
    ranked = sorted(((-n, staff) for staff, n in deals_by_staff.items() if n > 0))
    return [staff for _, staff in ranked]
