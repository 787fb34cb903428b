"""What identity answers when it says no to a sign-in or a session. A use case *returns* a Refusal
(it does not raise it) so that what it recorded on the way, a failed attempt or an ended session,
commits with its unit of work."""
from dataclasses import dataclass, field

from shared.timeutil import to_iso


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    details: dict = field(default_factory=dict)
    fields: dict = None


def invalid_credentials():
    # Never which of the two was wrong.
    return Refusal("invalid_credentials", "the staff id or the password is wrong")


def account_locked(until):
    return Refusal("account_locked", "too many failed sign-ins: the account is locked for a while",
                   {"until": to_iso(until)})


def too_many_attempts(until):
    return Refusal("too_many_attempts", "too many failed sign-ins from this address: try again later",
                   {"until": to_iso(until)})


def account_disabled():
    return Refusal("account_disabled", "this account is disabled; ask an administrator")


def session_ended(why):
    return Refusal("session_ended", f"the session has ended ({why}); sign in again", {"why": why})


def wrong_password():
    return Refusal("wrong_password", "the current password is wrong",
                   fields={"current_password": ["is not the current password"]})

