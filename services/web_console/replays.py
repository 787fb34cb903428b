"""Dead letters replayed from the console (the managers' dead-letters page): the letter goes back to the queue
it failed in through its service's retry exchange (the console's bus user may publish there, nothing more), and
who replayed it and when is kept. The console has no database: the record is a line of JSON appended to
`CONSOLE_REPLAY_LOG` (default `var/console/dead-letter-replays.jsonl`) and logged; the page lists the newest."""
import fcntl
import json
import logging
import os
from pathlib import Path

from shared.messaging.dead_letters import replay_dead_letters
from shared.timeutil import to_iso, utcnow

log = logging.getLogger("web_console.replays")
SHOWN = 50


class NotReplayed(Exception):
    """The letter was not replayed: gone already (someone else replayed it), or its queue no longer exists."""

    def __init__(self, code, why=""):
        super().__init__(why or code)
        self.code = code


def replay(settings, service, letter_id, staff_id):
    """Replay one dead letter (its id or its event's id) as `staff_id`; the record kept, or NotReplayed."""
    done = replay_dead_letters(settings.amqp_uri, service, ids={letter_id}, declare=False)
    if not done:
        skipped = getattr(done, "skipped", [])
        raise NotReplayed("replay_no_queue" if skipped else "replay_gone", skipped[0][1] if skipped else "")
    letter = done[0]
    record = {"at": to_iso(utcnow()), "by": staff_id, "service": service, "letter_id": letter.id,
              "event_id": letter.event_id, "queue": letter.queue, "reason": letter.reason[:300]}
    _append(settings.replay_log, record)
    log.info("dead letter %s of %s replayed by %s into %s", letter.id, service, staff_id, letter.queue)
    return record


def _append(path, record):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, ensure_ascii=False) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)   # whole lines, even from two console processes
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def recent(path, limit=SHOWN):
    """The newest replays first; a line that is not a record (a torn write) is left out."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    records = []
    for line in reversed(lines):
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
        if len(records) == limit:
            break
    return records
