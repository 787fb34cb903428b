"""Talking to a running identity service in tests: as an administrator, as the console, and
setting people up with accounts and passwords of their own."""
import secrets

import requests

CONSOLE_SUBJECT = "web-console"


def new_password(staff_id=""):
    """A password identity's rules accept (letters of both cases and digits, 12+ characters) for
    `staff_id`: never one that happens to contain the staff id (`W-3` in `Pw-3f…` once failed a test)."""
    while True:
        password = f"Pw-{secrets.token_hex(8)}-Xy"
        if not staff_id or staff_id.casefold() not in password.casefold():
            return password


class IdentityClient:
    """Each call carries a freshly signed token: a client may outlive a token's 15 minutes."""

    def __init__(self, service, admin="ADMIN-TEST"):
        self.service, self.admin = service, admin
        self.passwords = {}   # staff id -> the password set for them

    def url(self, path):
        return self.service.url(path)

    def as_admin(self, method, path, **kwargs):
        return requests.request(method, self.url(path), headers=self.service.headers("admin", self.admin),
                                timeout=10, **kwargs)

    def as_console(self, method, path, session_id=None, **kwargs):
        headers = self.service.headers("console", CONSOLE_SUBJECT)
        if session_id is not None:
            headers["X-Session"] = session_id
        return requests.request(method, self.url(path), headers=headers, timeout=10, **kwargs)

    def create_account(self, staff_id, roles, name=None):
        answer = self.as_admin("POST", "/accounts", json={"staff_id": staff_id, "name": name or staff_id,
                                                          "roles": list(roles)})
        assert answer.status_code == 201, answer.text
        return answer.json()

    def sign_in(self, staff_id, password, address="127.0.0.1"):
        return self.as_console("POST", "/sessions", json={"staff_id": staff_id, "password": password,
                                                          "address": address})

    def current(self, session_id):
        return self.as_console("GET", "/sessions/current", session_id)

    def change_password(self, session_id, current, new):
        return self.as_console("POST", "/sessions/current/password", session_id,
                               json={"current_password": current, "new_password": new})

    def person(self, staff_id, role):
        """An account for `staff_id` acting in `role` first, with a password of its own (the one-time
        password changed, as at a first sign-in); -> the password."""
        if staff_id not in self.passwords:
            one_time = self.create_account(staff_id, [role])["one_time_password"]
            first = self.sign_in(staff_id, one_time)
            assert first.status_code == 201, first.text
            password = new_password(staff_id)
            changed = self.change_password(first.json()["session_id"], one_time, password)
            assert changed.status_code == 200, changed.text
            self.passwords[staff_id] = password
        else:
            answer = self.as_admin("PUT", f"/accounts/{staff_id}/roles", json={"roles": [role]})
            assert answer.status_code == 200, answer.text
        return self.passwords[staff_id]
