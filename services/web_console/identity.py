"""The console's calls to identity: signing people in, their session on every page, signing out.

The console speaks to identity as itself: its API key (role console, made by the first deploy)
buys a 15-minute token at `POST /tokens`, renewed a minute before it expires.
"""
import threading
from dataclasses import dataclass
from datetime import timedelta

import requests

from services.web_console.api import ApiError, error_of
from services.web_console.formatting import parse
from shared.secret_files import read_secret
from shared.timeutil import utcnow

RENEW_BEFORE = timedelta(minutes=1)


@dataclass(frozen=True)
class Person:
    """Who is signed in, as identity said on this request."""
    session_id: str
    staff_id: str
    name: str
    roles: tuple
    role: str
    must_change_password: bool
    token: str   # for the services, in `role`; None until a one-time password is changed


class SessionEnded(Exception):
    def __init__(self, why):
        super().__init__(why)
        self.why = why


class ConsoleToken:
    """The console's own bearer token, bought with its API key and renewed before it expires."""

    def __init__(self, settings):
        self.settings = settings
        self._token, self._expires_at = None, None
        self._lock = threading.Lock()

    def get(self, fresh=False):
        with self._lock:
            if fresh or self._token is None or utcnow() >= self._expires_at - RENEW_BEFORE:
                self._token, self._expires_at = self._buy()
            return self._token

    def _buy(self):
        key = read_secret(self.settings.api_key_file)
        if key is None:
            raise ApiError(503, "console_not_deployed", f"the console has no API key at {self.settings.api_key_file}; "
                                                        "`python -m tools.deploy` makes it")
        answer = _call(self.settings, "POST", "/tokens", {"Authorization": f"ApiKey {key}"})
        if answer.status_code != 200:
            raise ApiError(503, "console_key_refused", "identity refused the console's API key (revoked?); "
                                                       "`python -m tools.deploy` makes a new one")
        body = answer.json()
        return body["token"], parse(body["expires_at"])


class IdentityApi:
    def __init__(self, settings):
        self.settings = settings
        self.token = ConsoleToken(settings)

    def sign_in(self, staff_id, password, address):
        """-> Person, or ApiError with identity's refusal (invalid_credentials, account_locked, ...)."""
        return _person(_expect(self._request("POST", "/sessions", json={
            "staff_id": staff_id, "password": password, "address": address}), 201))

    def current(self, session_id, activity=True):
        """-> Person with a fresh token; SessionEnded with identity's reason when it is over. Without
        `activity` (a live list refreshing itself) the idle time-out is not reset."""
        answer = self._request("GET", "/sessions/current" + ("" if activity else "?touch=false"),
                               session_id=session_id)
        if answer.status_code == 401 and answer.json().get("error") == "session_ended":
            raise SessionEnded(answer.json().get("why", "unknown"))
        return _person(_expect(answer, 200))

    def sign_out(self, session_id):
        self._request("DELETE", "/sessions/current", session_id=session_id)

    def change_password(self, session_id, current_password, new_password):
        """The person's own change; -> Person (now with a token), or ApiError (weak_password with its
        `rule`, wrong_password)."""
        return _person(_expect(self._request("POST", "/sessions/current/password", session_id=session_id, json={
            "current_password": current_password, "new_password": new_password}), 200))

    def switch_role(self, session_id, role):
        return _person(_expect(self._request("POST", "/sessions/current/role", session_id=session_id,
                                             json={"role": role}), 200))

    def sso_enabled(self):
        """Whether identity offers single sign-on (the sign-in page's link); False when it can't say."""
        try:
            answer = self._request("GET", "/sso")
        except ApiError:
            return False
        return answer.status_code == 200 and answer.json().get("enabled") is True

    def sso_start(self):
        """-> (the provider's URL to send the browser to, the flow id for its cookie)."""
        body = _expect(self._request("POST", "/sso/start"), 201).json()
        return body["url"], body["flow"]

    def sso_finish(self, flow, query, address):
        """The provider sent the person back with `query`; -> Person, or ApiError (sso_refused with its
        `reason`, account_disabled)."""
        return _person(_expect(self._request("POST", "/sso/finish", json={
            "flow": flow, "query": query, "address": address}), 201))

    def _request(self, method, path, session_id=None, json=None):
        for fresh in (False, True):   # a token identity no longer takes (its keys changed): buy another, once
            headers = {"Authorization": f"Bearer {self.token.get(fresh)}"}
            if session_id is not None:
                headers["X-Session"] = session_id
            answer = _call(self.settings, method, path, headers, json)
            if answer.status_code != 401 or answer.json().get("error") != "unauthorized":
                return answer
        return answer


def _call(settings, method, path, headers, json=None):
    try:
        return requests.request(method, settings.service_urls["identity"] + path, headers=headers, json=json,
                                timeout=settings.api_timeout_seconds)
    except requests.RequestException:
        raise ApiError(503, "unreachable", "identity cannot be reached") from None


def _expect(answer, status):
    if answer.status_code != status:
        raise error_of("identity", answer)
    return answer


def _person(answer):
    body = answer.json()
    return Person(body["session_id"], body["staff_id"], body["name"], tuple(body["roles"]), body["role"],
                  body["must_change_password"], body["token"])
