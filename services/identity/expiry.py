"""When a person's session has ended on its own: idle too long, or simply too old."""
from dataclasses import dataclass
from datetime import timedelta

IDLE, EXPIRED = "idle", "expired"


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)

    def ended_why(self, created_at, last_seen_at, now):
        """"expired" from `absolute` after sign-in, "idle" from `idle` after the last use, else None."""
        if now - created_at >= self.absolute:
            return EXPIRED
        if now - last_seen_at >= self.idle:
            return IDLE
        return None
