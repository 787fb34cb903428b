"""The first-answer SLA of a case (business-rules §5; 000 art. 5): 60 minutes for an ordinary
issue, 4 hours for a difficult one, counted in working time, paused while waiting on the buyer.
Colours as in §8 (三色预警): green on track, yellow once 75 % is used, red when breached. (A recovery
case has no answer clock: it is red until closed, lookups.py.)"""
GREEN, YELLOW, RED = "green", "yellow", "red"
COLOURS = (GREEN, YELLOW, RED)


def difficulty(settings, marked, reason, amount, disputed_before):
    """Why a case is difficult (None if it is ordinary): the agent says so, or a rule does."""
    if marked:
        return "marked_by_agent"
    if reason == "damaged":
        return "damaged_goods"
    if disputed_before:
        return "dispute_after_rejection"
    if amount > settings.difficult_amount:
        return "amount_over_threshold"
    return None


class SlaClock:
    """Runs the clock fields of a case (sla_*, answered_*); knows the calendar, not the database.

    `sla_deadline` and `sla_yellow_at` are kept up to date while the clock runs so that
    colours can be filtered and breaches found with plain comparisons against `now`.
    """

    def __init__(self, case, calendar, yellow_share):
        self.case, self.calendar, self.yellow_share = case, calendar, yellow_share

    def start(self, now, budget_seconds):
        self.case.sla_budget_s, self.case.sla_used_s = budget_seconds, 0
        self.case.sla_yellow_at = None
        self._run_from(now)

    def pause(self, now):
        case = self.case
        if case.sla_running_since is None or case.answered_at is not None:
            return
        case.sla_used_s += round(self.calendar.working_seconds(case.sla_running_since, now))
        case.sla_running_since = case.sla_deadline = None
        if case.sla_yellow_at is not None and case.sla_yellow_at > now:
            case.sla_yellow_at = None

    def resume(self, now):
        if self.case.sla_running_since is None and self.case.answered_at is None:
            self._run_from(now)

    def answer(self, now):
        """Stops the clock; True when in time. A late answer records the breach if no one has yet."""
        case = self.case
        within = case.sla_breached_at is None and (case.sla_deadline is None or now <= case.sla_deadline)
        if not within and case.sla_breached_at is None:
            case.sla_breached_at = case.sla_deadline
        case.answered_at, case.answered_within_sla = now, within
        case.sla_running_since = None
        return within

    def is_overdue(self, now):
        case = self.case
        return (case.answered_at is None and case.sla_breached_at is None
                and case.sla_deadline is not None and case.sla_deadline <= now)

    def colour(self, now):
        case = self.case
        if case.sla_breached_at is not None or self.is_overdue(now):
            return RED
        if case.answered_at is None and case.sla_yellow_at is not None and case.sla_yellow_at <= now:
            return YELLOW
        return GREEN

    def _run_from(self, now):
        case = self.case
        left = max(0, case.sla_budget_s - case.sla_used_s)
        case.sla_running_since = now
        case.sla_deadline = self.calendar.add(now, left)
        if case.sla_yellow_at is None:
            to_yellow = max(0.0, case.sla_budget_s * self.yellow_share - case.sla_used_s)
            case.sla_yellow_at = self.calendar.add(now, to_yellow)
