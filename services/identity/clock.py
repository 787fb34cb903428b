"""Identity's time. Locks, throttles and sessions run on it; tests move it instead of sleeping
(they replace `now`), and every use case takes the `now` it is given."""
from shared.timeutil import utcnow


def now():
    return utcnow()
