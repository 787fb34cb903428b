"""The plain rules under identity's API: what a password must be, and that an unknown staff id costs
the same hash check as a known one (so timing does not tell which staff ids exist)."""
from services.identity import passwords


class CountingHasher:
    """argon2's hasher, counting what it checks against."""

    def __init__(self, real):
        self.real, self.checked = real, []

    def verify(self, stored_hash, password):
        self.checked.append(stored_hash)
        return self.real.verify(stored_hash, password)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_an_unknown_staff_id_is_checked_against_a_dummy_hash(monkeypatch):
    hasher = CountingHasher(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", hasher)
    known = passwords.hash_password("Right-password-1")
    assert passwords.verify(known, "Right-password-1") is True
    assert passwords.verify(None, "Right-password-1") is False
    assert len(hasher.checked) == 2 and hasher.checked[0] == known and hasher.checked[1].startswith("$argon2id$")


def test_one_time_passwords_meet_the_rules_and_differ():
    made = {passwords.one_time_password("S1") for _ in range(50)}
    assert len(made) == 50 and all(passwords.problem(p, "S1") is None and len(p) == 16 for p in made)


def test_argon2id_is_the_hash():
    assert passwords.hash_password("Right-password-1").startswith("$argon2id$v=19$m=65536,t=3,p=4$")
