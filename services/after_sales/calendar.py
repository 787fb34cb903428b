"""Working time of the after-sales team: the periods of each working day, local time, minus holidays.

Seed 001 (考勤制度): someone is on duty Monday to Sunday, 8:30–12:00 and 14:00–18:00.
Times go in and out as aware UTC datetimes; the periods are read in the team's time zone.
"""
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

DEFAULT_PERIODS = "08:30-12:00,14:00-18:00"
DEFAULT_TIMEZONE = "Asia/Shanghai"
ALL_WEEK = (0, 1, 2, 3, 4, 5, 6)
SEARCH_DAYS = 400   # a calendar with no working time in a year is a configuration error


def parse_periods(text):
    """'08:30-12:00,14:00-18:00' -> [(time(8, 30), time(12, 0)), (time(14, 0), time(18, 0))]."""
    periods = []
    for part in text.split(","):
        start, end = (time.fromisoformat(bound.strip()) for bound in part.split("-"))
        if end <= start:
            raise ValueError(f"working period {part!r} ends before it starts")
        periods.append((start, end))
    return sorted(periods)


class WorkingCalendar:
    def __init__(self, periods=DEFAULT_PERIODS, holidays=(), tz=DEFAULT_TIMEZONE, workdays=ALL_WEEK):
        self.periods = parse_periods(periods) if isinstance(periods, str) else list(periods)
        self.holidays = frozenset(holidays)
        self.tz = ZoneInfo(tz)
        self.workdays = frozenset(workdays)

    def is_working_day(self, day):
        return day.weekday() in self.workdays and day not in self.holidays

    def intervals_from(self, moment):
        """Working intervals (UTC start, UTC end) from the local day holding `moment` on, in order."""
        day = moment.astimezone(self.tz).date()
        for offset in range(SEARCH_DAYS):
            current = day + timedelta(days=offset)
            if not self.is_working_day(current):
                continue
            for start, end in self.periods:
                yield (datetime.combine(current, start, self.tz).astimezone(timezone.utc),
                       datetime.combine(current, end, self.tz).astimezone(timezone.utc))

    def working_seconds(self, start, end):
        """Working seconds between two moments (0 if end is not after start)."""
        total = 0.0
        for low, high in self.intervals_from(start):
            if low >= end:
                break
            overlap = (min(high, end) - max(low, start)).total_seconds()
            total += max(0.0, overlap)
        return total

    def add(self, start, seconds):
        """The moment `seconds` of working time after `start`."""
        remaining = timedelta(seconds=seconds)
        for low, high in self.intervals_from(start):
            if high <= start:
                continue
            low = max(low, start)
            if remaining <= high - low:
                return low + remaining
            remaining -= high - low
        raise ValueError(f"no working time within {SEARCH_DAYS} days of {start}")
