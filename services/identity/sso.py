"""Single sign-on with a department's OpenID Connect provider: the authorization code flow with
PKCE, through Authlib's requests client.

`start()` gives the URL to send the person to and what the server must keep (state, nonce, code
verifier); `finish(query, kept)` turns the query the provider sent the browser back with into a
verified sign-in (staff id, name, roles) or raises SsoRefused with the reason. The rules are in
sso_rules / sso_id_token / settings; this module does the talking: discovery and signing keys
are fetched once and kept for OIDC_METADATA_MAX_AGE_SECONDS, every request has a time-out, and a
provider that can't be reached is a refusal, never a crash.
"""
import json
import logging
import os
import time
from dataclasses import dataclass

import requests
from authlib.integrations.requests_client import OAuth2Session, OAuthError

from services.identity.sso_id_token import UnknownSigningKey, verified_claims
from services.identity.sso_rules import (KeptState, SsoRefused, claims_with_userinfo, code_from_callback,
                                         endpoints_from_discovery, needs_userinfo, sign_in_from_claims)
from services.identity.settings import SsoMisconfigured, sso_configured, sso_settings

log = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 1024 * 1024   # a discovery document, key set or userinfo answer


@dataclass(frozen=True)
class SsoStart:
    url: str           # where the browser goes
    kept: KeptState    # what the server keeps until finish (identity's table, never the browser)


def read_client_secret(path):
    """The client secret from its file (var/secrets/...): the configuration only names the file."""
    try:
        secret = path.read_text().strip()
    except OSError as error:
        raise SsoMisconfigured(f"OIDC_CLIENT_SECRET_FILE {path} can't be read ({error.strerror}): write the "
                               f"client secret the provider gave you there, mode 0600") from None
    if not secret:
        raise SsoMisconfigured(f"OIDC_CLIENT_SECRET_FILE {path} is empty")
    if os.stat(path).st_mode & 0o077:
        log.warning("%s can be read by others than its owner: chmod 600 it", path)
    return secret


def single_sign_on(config):
    """`self.sso`: the OpenID Connect client, one per container (it keeps the provider's discovery
    document and keys); None when OIDC_ISSUER is not set. A mistake in its settings stops identity."""
    return SingleSignOn.from_config(config) if sso_configured(config) else None


class _Cached:
    """A value fetched from the provider, kept for `max_age` seconds."""

    def __init__(self):
        self.value, self.fetched_at = None, None

    def fresh(self, now, max_age):
        return self.value is not None and now - self.fetched_at < max_age

    def keep(self, value, now):
        self.value, self.fetched_at = value, now
        return value


class SingleSignOn:
    def __init__(self, settings, client_secret, transport=None, clock=time.time):
        """`transport`: a requests adapter for every call to the provider (tests may put one between)."""
        self.settings = settings
        self._client_secret = client_secret
        self._transport = transport
        self._clock = clock
        self._discovery = _Cached()
        self._keys = _Cached()

    @classmethod
    def from_config(cls, config, **kwargs):
        settings = sso_settings(config)
        return cls(settings, read_client_secret(settings.client_secret_file), **kwargs)

    def start(self):
        endpoints = self._refused_if_unreachable(self._endpoints)
        kept = KeptState.new(self._clock())
        with self._oauth() as oauth:
            url, _ = oauth.create_authorization_url(endpoints.authorization, state=kept.state,
                                                    code_verifier=kept.code_verifier, nonce=kept.nonce)
        return SsoStart(url, kept)

    def finish(self, query, kept):
        try:
            sign_in = self._refused_if_unreachable(self._verified_sign_in, query, kept)
        except SsoRefused as refusal:
            log.warning("single sign-on refused: %s", refusal.message)
            raise
        log.info("single sign-on: %s (%s) as %s, subject %s of %s", sign_in.staff_id, sign_in.name,
                 ",".join(sign_in.roles), sign_in.subject, sign_in.issuer)
        return sign_in

    def _verified_sign_in(self, query, kept):
        settings = self.settings
        code = code_from_callback(query, kept, settings.issuer, self._clock(), settings.flow_max_age_seconds)
        endpoints = self._endpoints()
        with self._oauth() as oauth:
            try:
                token = oauth.fetch_token(endpoints.token, code=code, code_verifier=kept.code_verifier)
            except OAuthError as error:   # the provider's own "no" (a used or expired code, ...)
                raise SsoRefused("token_refused", f"{error.error}: {error.description or ''}"[:300]) from None
            except ValueError:
                raise SsoRefused("token_refused", "the token answer is not JSON") from None
        claims = self._id_token_claims(token, kept, endpoints)
        if needs_userinfo(claims, settings) and endpoints.userinfo:
            bearer = {"Authorization": f"Bearer {token.get('access_token')}"}
            userinfo = self._get_json(endpoints.userinfo, headers=bearer)
            claims = claims_with_userinfo(claims, userinfo)
        return sign_in_from_claims(claims, settings)

    def _id_token_claims(self, token, kept, endpoints):
        def verify(jwks):
            return verified_claims(token.get("id_token"), jwks, issuer=self.settings.issuer,
                                   client_id=self.settings.client_id, nonce=kept.nonce,
                                   access_token=token.get("access_token"), algorithms=endpoints.signing_algorithms,
                                   now=self._clock(), leeway=self.settings.clock_leeway_seconds)
        try:
            return verify(self._signing_keys(endpoints))
        except UnknownSigningKey:   # the provider may have rotated its keys: ask once more
            try:
                return verify(self._signing_keys(endpoints, refresh=True))
            except UnknownSigningKey:
                raise SsoRefused("id_token_invalid", "signed with a key the provider does not publish") from None

    def _endpoints(self):
        now = self._clock()
        if self._discovery.fresh(now, self.settings.metadata_max_age_seconds):
            return self._discovery.value
        document = self._get_json(self.settings.issuer.rstrip("/") + "/.well-known/openid-configuration")
        return self._discovery.keep(endpoints_from_discovery(document, self.settings.issuer), now)

    def _signing_keys(self, endpoints, refresh=False):
        now = self._clock()
        if not refresh and self._keys.fresh(now, self.settings.metadata_max_age_seconds):
            return self._keys.value
        return self._keys.keep(self._get_json(endpoints.jwks), now)

    def _get_json(self, url, headers=None):
        body = b""
        with self._http() as http, http.get(url, headers=headers, timeout=self.settings.http_timeout_seconds,
                                            stream=True, allow_redirects=False) as response:
            if response.status_code != 200:
                raise SsoRefused("provider_invalid", f"{url} answered HTTP {response.status_code}")
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > MAX_DOCUMENT_BYTES:
                    raise SsoRefused("provider_invalid", f"{url} answered more than {MAX_DOCUMENT_BYTES} bytes")
        try:
            return json.loads(body)
        except ValueError:
            raise SsoRefused("provider_invalid", f"{url} did not answer JSON") from None

    def _refused_if_unreachable(self, step, *args):
        try:
            return step(*args)
        except requests.RequestException as error:   # refused, reset, timed out, or an HTTP 5xx
            raise SsoRefused("provider_unreachable", f"{type(error).__name__}") from None

    def _oauth(self):
        oauth = OAuth2Session(self.settings.client_id, self._client_secret, scope=self.settings.scopes,
                              redirect_uri=self.settings.redirect_uri, code_challenge_method="S256",
                              default_timeout=self.settings.http_timeout_seconds)
        return self._with_transport(oauth)

    def _http(self):
        return self._with_transport(requests.Session())

    def _with_transport(self, session):
        if self._transport is not None:
            session.mount("http://", self._transport)
            session.mount("https://", self._transport)
        return session
