"""Deadlines: their colour, red / yellow / green (三色预警, §8), and the days left to them; for protections and
care tasks alike. (A `flagged` customer is another thing: held too long without a follow-up, pool.py.)"""
import math

GREEN, YELLOW, RED = "green", "yellow", "red"


def colour(deadline, now, yellow_within):
    """Red once the deadline has passed, yellow when it is within `yellow_within`, else green."""
    if now >= deadline:
        return RED
    return YELLOW if deadline - now <= yellow_within else GREEN


def days_left(deadline, now):
    """Whole days left, rounded up (a protection expiring in 2.5 days has 3 days left); 0 when past."""
    return max(0, math.ceil((deadline - now).total_seconds() / 86400))
