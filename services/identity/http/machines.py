"""HTTP for devices: an API key buys a 15-minute token."""
import logging

from services.identity import api_keys, clock
from shared.timeutil import to_iso
from shared.web import api
from shared.web.auth import PUBLIC
from shared.web.errors import HttpError

log = logging.getLogger(__name__)


class TokenEndpoints:

    @api("POST", "/tokens", roles=PUBLIC,
         summary="exchange an API key (header 'Authorization: ApiKey <key>', no bearer) for a token")
    def token_for_key(self, request):
        scheme, _, text = request.headers.get("Authorization", "").partition(" ")
        now = clock.now()
        with self.db.unit_of_work() as uow:
            key = api_keys.exchange(uow.session, text.strip(), now) if scheme.lower() == "apikey" else None
            issued = key and self.issue(key.subject, key.role, now, carrier=key.carrier)
        if not issued:
            log.info("token refused: no live API key given (scheme %r)", scheme[:20])
            raise HttpError(401, "unauthorized", "expected 'Authorization: ApiKey <key>' with a key that is not revoked")
        return {"token": issued[0], "expires_at": to_iso(issued[1])}
