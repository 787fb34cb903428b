"""What happens to a message whose handler failed: another attempt after a delay, or a dead letter.
Plain rules: no broker, no nameko."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Retry:
    attempt: int      # the attempt that just failed, counting from 1
    delay_ms: int


@dataclass(frozen=True)
class GiveUp:
    attempt: int


def after_failure(attempts_before, delays_ms, permanent=False, transient=False):
    """`attempts_before`: attempts made before this one (from `inbound.attempts_made`). A permanent
    failure is never retried; a transient one (database or broker down) always is, at the longest
    delay, because it is not the message's fault; any other is retried once per delay."""
    attempt = attempts_before + 1
    delays = list(delays_ms) or [1000]
    if permanent or (attempt > len(delays) and not transient):
        return GiveUp(attempt)
    return Retry(attempt, delays[min(attempt, len(delays)) - 1])
