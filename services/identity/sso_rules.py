"""Single sign-on's rules: what the provider's answers must be for a person to be let in, and which
roles they get. Plain rules: no I/O (`sso.py` does the talking)."""
import re
import secrets
from dataclasses import asdict, dataclass
from hmac import compare_digest
from urllib.parse import parse_qsl, urlsplit

from shared.errors import PermissionDenied
from services.identity.settings import is_loopback

# Why a sign-in was refused; the console shows a sentence for each.
REASONS = {
    "state_mismatch": "the sign-in came back for another browser or an earlier attempt",
    "flow_expired": "the sign-in took too long; start again",
    "callback_invalid": "the provider's answer was not understood",
    "provider_error": "the identity provider refused the sign-in",
    "provider_unreachable": "the identity provider could not be reached",
    "provider_invalid": "the identity provider's configuration is not usable",
    "token_refused": "the identity provider refused to exchange the sign-in code",
    "id_token_invalid": "the identity provider's ID token failed verification",
    "staff_id_missing": "the identity provider did not say which staff member this is",
    "staff_id_invalid": "the staff id the identity provider sent is not a valid staff id",
    "no_role": "this person holds no role in the back office",
    # identity's own rules on who may come in this way (sso_signin.py)
    "no_account": "there is no back-office account with this staff id; an administrator creates it",
    "role_not_held": "none of the roles the identity provider gives is one this account holds",
}
STAFF_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
MAX_QUERY_CHARS = 8192
MAX_NAME_CHARS = 200


class SsoRefused(PermissionDenied):
    """A single sign-on that may not go on: 403 {"error": "sso_refused", "reason": ..., "message": ...}."""
    code = "sso_refused"

    def __init__(self, reason, detail=None):
        message = REASONS[reason] + (f": {detail}" if detail else "")
        super().__init__(message, reason=reason)
        self.reason = reason


@dataclass(frozen=True)
class KeptState:
    """What the server keeps between start and finish (never sent to the browser but in the URL)."""
    state: str
    nonce: str
    code_verifier: str
    started_at: float

    @classmethod
    def new(cls, now):
        return cls(secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(64), now)

    def as_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        return cls(str(data["state"]), str(data["nonce"]), str(data["code_verifier"]), float(data["started_at"]))


@dataclass(frozen=True)
class SsoSignIn:
    """A verified person: who (staff id, name), what they may act as (roles), and the provider's
    own name for them (issuer + subject) for the audit."""
    staff_id: str
    name: str
    roles: tuple
    issuer: str
    subject: str


@dataclass(frozen=True)
class ProviderEndpoints:
    authorization: str
    token: str
    jwks: str
    userinfo: str | None
    signing_algorithms: tuple


# Asymmetric only: the client secret must never be able to sign an ID token we accept.
ACCEPTED_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")


def endpoints_from_discovery(document, issuer):
    """The endpoints of a discovery document, refused unless it is the configured issuer's own
    (OpenID Connect Discovery 4.3) and supports what we use: the code flow, PKCE with S256."""
    if not isinstance(document, dict) or document.get("issuer") != issuer:
        raise SsoRefused("provider_invalid", f"the discovery document is not issuer {issuer}'s")
    urls = {}
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint"):
        url = document.get(key)
        if url is None and key == "userinfo_endpoint":
            continue
        if not isinstance(url, str) or not _secure_url(url, issuer):
            raise SsoRefused("provider_invalid", f"{key} is missing or not https")
        urls[key] = url
    if "code" not in document.get("response_types_supported", ["code"]):
        raise SsoRefused("provider_invalid", "the provider does not offer the authorization code flow")
    if "S256" not in document.get("code_challenge_methods_supported", ["S256"]):
        raise SsoRefused("provider_invalid", "the provider does not support PKCE with S256")
    offered = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = tuple(alg for alg in ACCEPTED_ALGORITHMS if alg in offered)
    if not algorithms:
        raise SsoRefused("provider_invalid", f"no ID token signing algorithm we accept among {offered}")
    return ProviderEndpoints(urls["authorization_endpoint"], urls["token_endpoint"], urls["jwks_uri"],
                             urls.get("userinfo_endpoint"), algorithms)


def code_from_callback(query, kept, issuer, now, max_age):
    """The authorization code from the query the provider sent the browser back with, once it is
    known to answer this browser's own attempt (state), in time, from the configured issuer."""
    params = _single_values(query)
    state = params.get("state")
    if not state or not compare_digest(state.encode(), kept.state.encode()):
        raise SsoRefused("state_mismatch")
    if now - kept.started_at > max_age:
        raise SsoRefused("flow_expired")
    if "iss" in params and params["iss"] != issuer:   # RFC 9207: an answer from a mixed-up provider
        raise SsoRefused("provider_error", "the answer names another issuer")
    if "error" in params:
        said = params["error"] + (f" ({params['error_description']})" if params.get("error_description") else "")
        raise SsoRefused("provider_error", said[:300])
    if not params.get("code"):
        raise SsoRefused("callback_invalid", "no code")
    return params["code"]


def claims_with_userinfo(id_claims, userinfo):
    """The person's claims: the ID token's, completed by the userinfo answer, which counts only
    when it is about the same subject (OpenID Connect Core 5.3.4)."""
    if not isinstance(userinfo, dict) or userinfo.get("sub") != id_claims.get("sub"):
        raise SsoRefused("id_token_invalid", "the userinfo answer is about another subject")
    return {**userinfo, **id_claims}


def needs_userinfo(claims, settings):
    return _claim(claims, settings.staff_id_claim) is None or _claim(claims, settings.roles_claim) is None


def sign_in_from_claims(claims, settings):
    """Who the verified claims say this is, and the roles they map to; refused without a valid
    staff id or without any mapped role (a person with no role may not sign in)."""
    staff_id = _claim(claims, settings.staff_id_claim)
    if staff_id is None or staff_id == "":
        raise SsoRefused("staff_id_missing", f"claim {settings.staff_id_claim!r}")
    if not isinstance(staff_id, str) or not STAFF_ID.fullmatch(staff_id):
        raise SsoRefused("staff_id_invalid", f"claim {settings.staff_id_claim!r}")
    roles = roles_from_claims(claims, settings.roles_claim, settings.role_map)
    if not roles:
        raise SsoRefused("no_role", f"nothing in claim {settings.roles_claim!r} maps to a role")
    name = claims.get("name")
    name = name.strip()[:MAX_NAME_CHARS] if isinstance(name, str) and name.strip() else staff_id
    return SsoSignIn(staff_id, name, roles, claims["iss"], claims["sub"])


def roles_from_claims(claims, roles_claim, role_map):
    """Our roles for the values of the roles claim (a list of texts, or one text), in the role map's
    order; values the map doesn't name give nothing."""
    values = _claim(claims, roles_claim)
    values = [values] if isinstance(values, str) else values if isinstance(values, list) else []
    held = {value for value in values if isinstance(value, str)}
    return tuple(dict.fromkeys(role for value, role in role_map.items() if value in held))


def _claim(claims, name):
    """A claim by name, or by a dotted path into nested objects when no claim has that very name
    (Keycloak puts roles in realm_access.roles; some providers name claims with URLs, dots included)."""
    if name in claims:
        return claims[name]
    value = claims
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _single_values(query):
    """The callback's parameters, each once: a repeated parameter is someone's trick."""
    if isinstance(query, str):
        if len(query) > MAX_QUERY_CHARS:
            raise SsoRefused("callback_invalid", "too long")
        pairs = parse_qsl(query.lstrip("?"), keep_blank_values=True)
    elif isinstance(query, dict):
        pairs = list(query.items())
    else:
        raise SsoRefused("callback_invalid", "not a query")
    params = dict(pairs)
    if len(params) != len(pairs) or not all(isinstance(v, str) and len(v) <= MAX_QUERY_CHARS for v in params.values()):
        raise SsoRefused("callback_invalid", "a parameter is repeated or not a text")
    return params


def _secure_url(url, issuer):
    """https, or plain http on loopback for an issuer that is itself on loopback (tests, a laptop)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and urlsplit(issuer).scheme == "http" and is_loopback(parts.hostname or "")
