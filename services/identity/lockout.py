"""Sign-in throttling: when an account locks and when an address is refused. Plain rules: the
caller gives the counts and times, and `now`."""
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Failure:
    """An account's state after one more failed attempt: the count in a row, and the lock if it locked."""
    failed_attempts: int
    locked_until: object = None   # a datetime when this failure locked the account


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5                          # the 5th failure in a row locks the account ...
    lock_for: timedelta = timedelta(minutes=15)    # ... for 15 minutes
    address_max_failures: int = 20                 # 20 failures from one address ...
    address_window: timedelta = timedelta(minutes=15)   # ... within 15 minutes refuse that address

    def is_locked(self, locked_until, now):
        """Locked up to, not including, `locked_until`: at that instant the account may sign in again."""
        return locked_until is not None and now < locked_until

    def after_failure(self, failed_attempts, now):
        count = failed_attempts + 1
        if count >= self.max_failures:
            return Failure(0, now + self.lock_for)   # the count starts again once the lock runs out
        return Failure(count)

    def window_start(self, now):
        """Failures at or before this instant no longer count against an address."""
        return now - self.address_window

    def address_refused_until(self, failure_times, now):
        """While an address has `address_max_failures` failures in the window, it is refused until the
        oldest of them leaves it; -> that instant, or None when the address may try."""
        recent = sorted(at for at in failure_times if at > self.window_start(now))
        if len(recent) < self.address_max_failures:
            return None
        return recent[-self.address_max_failures] + self.address_window
