"""HTTP for the console: sign a person in, their session on every page, role switch, sign-out,
their own password change. Only the console's own key (role console) may call these."""
from werkzeug.wrappers import Response

from services.identity import clock, sessions, signin
from services.identity.refusals import Refusal
from services.identity.schemas import CurrentSessionQuery, PasswordChangeSchema, RoleSchema, SignInSchema
from shared.web import Role, api
from shared.web.errors import HttpError

CONSOLE = [Role.CONSOLE]
# How each refusal is answered over HTTP.
STATUS = {"invalid_credentials": 401, "account_locked": 423, "account_disabled": 403, "too_many_attempts": 429,
          "session_ended": 401, "wrong_password": 422}


def answer(outcome, status=200):
    """A Refusal becomes its HTTP error (after the unit of work committed what it recorded)."""
    if isinstance(outcome, Refusal):
        raise HttpError(STATUS[outcome.code], outcome.code, outcome.message, fields=outcome.fields,
                        **outcome.details)
    return status, outcome


def session_id(request):
    return request.headers.get("X-Session", "").strip()


class SessionEndpoints:

    @api("POST", "/sessions", roles=CONSOLE, body=SignInSchema,
         summary="sign a person in: 201 with the session id and a token; 401, 423 locked, 403 disabled, 429")
    def sign_in(self, request, body):
        now = clock.now()
        with self.db.unit_of_work() as uow:
            outcome = signin.sign_in(uow.session, self.settings.lockout, body["staff_id"], body["password"],
                                     body["address"], now)
            if not isinstance(outcome, Refusal):
                started, stored, account = outcome
                outcome = sessions.view(stored, account, started, self.issue, now)
        return answer(outcome, 201)

    @api("GET", "/sessions/current", roles=CONSOLE, query=CurrentSessionQuery,
         summary="the session named by X-Session, with a fresh token; 401 session_ended with why")
    def current_session(self, request, query):
        return self._in_session(request, touch=query["touch"])

    @api("POST", "/sessions/current/role", roles=CONSOLE, body=RoleSchema,
         summary="act in another of the account's roles")
    def switch_role(self, request, body):
        return self._in_session(request, lambda db, stored, account, now: sessions.switch_role(
            stored, account, body["role"]))

    @api("POST", "/sessions/current/password", roles=CONSOLE, body=PasswordChangeSchema,
         summary="the person changes their own password; their other sessions end")
    def change_password(self, request, body):
        return self._in_session(request, lambda db, stored, account, now: signin.change_password(
            db, self.settings.lockout, stored, account, body["current_password"], body["new_password"], now))

    @api("DELETE", "/sessions/current", roles=CONSOLE, summary="sign out: the session ends now")
    def sign_out(self, request):
        with self.db.unit_of_work() as uow:
            sessions.end(uow.session, session_id(request), sessions.SIGNED_OUT, clock.now())
        return Response(status=204)

    def _in_session(self, request, change=None, touch=True):
        """The caller's live session, touched and changed by `change` (which may refuse), as the console
        sees it; 401 once it has ended (idle or too old: it ends now)."""
        now = clock.now()
        with self.db.unit_of_work() as uow:
            outcome = sessions.current(uow.session, self.settings.sessions, session_id(request), now, touch)
            if not isinstance(outcome, Refusal):
                stored, account = outcome
                outcome = (change(uow.session, stored, account, now) if change else None) or \
                    sessions.view(stored, account, session_id(request), self.issue, now)
        return answer(outcome)
