"""The pool's and the care team's rounds, run by the service's timer with an explicit `now`
(tests call it with the moment they want): expire protections, warn reps of expiries,
open win-back tasks. Each step is its own unit of work."""
from services.customer_retention import care, pool


def run(db, settings, now):
    with db.unit_of_work() as uow:
        expired = pool.expire_due(uow, now)
    with db.unit_of_work() as uow:
        notices = pool.notify_expiring(uow, settings, now)
    with db.unit_of_work() as uow:
        win_backs = care.open_win_backs(uow, settings, now)
    return {"expired": len(expired), "notices": len(notices), "win_backs": len(win_backs)}
