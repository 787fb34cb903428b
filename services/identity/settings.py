"""Identity's thresholds, from the service config (`IDENTITY_<KEY>` in the environment); defaults here."""
from dataclasses import dataclass, fields
from datetime import timedelta

from services.identity.expiry import SessionPolicy
from services.identity.lockout import LockoutPolicy


@dataclass(frozen=True)
class Settings:
    max_failed_attempts: int = 5        # failed sign-ins in a row that lock an account ...
    lock_minutes: int = 15              # ... for this long
    address_max_failures: int = 20      # failed sign-ins from one address within ...
    address_window_minutes: int = 15    # ... this window refuse that address (429)
    session_idle_minutes: int = 30      # a session unused this long has ended
    session_absolute_hours: int = 12    # and any session this long after sign-in

    @classmethod
    def from_config(cls, config):
        """Each field may be overridden by the upper-case key, e.g. SESSION_IDLE_MINUTES=10."""
        return cls(**{field.name: int(config[field.name.upper()])
                      for field in fields(cls) if field.name.upper() in config})

    @property
    def lockout(self):
        return LockoutPolicy(self.max_failed_attempts, timedelta(minutes=self.lock_minutes),
                             self.address_max_failures, timedelta(minutes=self.address_window_minutes))

    @property
    def sessions(self):
        return SessionPolicy(timedelta(minutes=self.session_idle_minutes), timedelta(hours=self.session_absolute_hours))
