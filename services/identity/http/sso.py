"""HTTP for the console's single sign-on: whether it is on, begin one, finish one (the provider sent
the person back). Only the console's own key (role console) may call these."""
from datetime import timedelta

from services.identity import clock, sessions, sso_signin
from services.identity.http.sessions import CONSOLE, answer
from services.identity.refusals import Refusal
from services.identity.schemas import SsoFinishSchema
from services.identity.sso_rules import SsoRefused
from shared.errors import NotFound
from shared.timeutil import to_iso
from shared.web import api


class SsoEndpoints:

    @api("GET", "/sso", roles=CONSOLE, summary="whether single sign-on is configured (the sign-in page's link)")
    def sso_enabled(self, request):
        return {"enabled": self.sso is not None}

    @api("POST", "/sso/start", roles=CONSOLE,
         summary="begin a single sign-on: 201 {url, flow, expires_at}; the flow id goes in the browser's cookie")
    def sso_start(self, request):
        started = self._sso().start()        # the provider's discovery document: before any transaction
        with self.db.unit_of_work() as uow:
            flow, expires_at = sso_signin.begin(uow.session, started.kept, clock.now(),
                                                timedelta(seconds=self.sso.settings.flow_max_age_seconds))
        return 201, {"url": started.url, "flow": flow, "expires_at": to_iso(expires_at)}

    @api("POST", "/sso/finish", roles=CONSOLE, body=SsoFinishSchema,
         summary="finish a single sign-on with the callback's query: 201 as POST /sessions; 403 sso_refused {reason}")
    def sso_finish(self, request, body):
        sso = self._sso()
        with self.db.unit_of_work() as uow:    # used once, whatever comes next
            kept, refused = sso_signin.take(uow.session, body["flow"], clock.now())
        if refused:
            raise SsoRefused(refused)
        verified = sso.finish(body["query"], kept)   # the provider's token endpoint: outside a transaction
        return answer(self._session_for(verified, body["address"]), 201)

    def _session_for(self, verified, address):
        now = clock.now()
        with self.db.unit_of_work() as uow:
            outcome = sso_signin.sign_in(uow.session, verified, address, now)
            if isinstance(outcome, Refusal):
                return outcome
            session_id, stored, account = outcome
            return sessions.view(stored, account, session_id, self.issue, now)

    def _sso(self):
        if self.sso is None:
            raise NotFound("single sign-on is not configured (IDENTITY_OIDC_ISSUER)", code="sso_not_configured")
        return self.sso
