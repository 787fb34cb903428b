"""Identity's settings, from the service config (`IDENTITY_<KEY>` in the environment); defaults here.

`Settings`: the sign-in and session thresholds, read by `shared.settings.read_settings`.
`SsoSettings`: single sign-on's `OIDC_*` keys, checked at start-up by `sso_settings(config)` (a
mistake is a one-line reason naming the key, never a sign-in that half works). Plain rules: no I/O
(the client secret is read from its file by `sso.py`).
"""
import ipaddress
import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlsplit

from services.identity.expiry import SessionPolicy
from services.identity.lockout import LockoutPolicy
from shared.config import ROOT, VAR_DIR
from shared.roles import Role
from shared.settings import setting


@dataclass(frozen=True)
class Settings:
    # failed sign-ins in a row that lock an account, for this long
    max_failed_attempts: int = 5
    lock_for: timedelta = setting(timedelta(minutes=15), key="LOCK_MINUTES", unit="minutes")
    # failed sign-ins from one address within this window refuse that address (429)
    address_max_failures: int = 20
    address_window: timedelta = setting(timedelta(minutes=15), key="ADDRESS_WINDOW_MINUTES", unit="minutes")
    # a session unused this long has ended, and any session this long after sign-in
    session_idle: timedelta = setting(timedelta(minutes=30), key="SESSION_IDLE_MINUTES", unit="minutes")
    session_absolute: timedelta = setting(timedelta(hours=12), key="SESSION_ABSOLUTE_HOURS", unit="hours")

    @property
    def lockout(self):
        return LockoutPolicy(self.max_failed_attempts, self.lock_for, self.address_max_failures, self.address_window)

    @property
    def sessions(self):
        return SessionPolicy(self.session_idle, self.session_absolute)


# -- single sign-on -----------------------------------------------------------------------------

DEFAULT_CLIENT_SECRET_FILE = VAR_DIR / "secrets" / "oidc-client-secret"
# Roles of devices, never of a person signing in.
MACHINE_ROLES = frozenset({"scanner", "carrier", "clock", "console"})


class SsoMisconfigured(ValueError):
    """The service refuses to start and says why (a mistake in the OIDC_* keys)."""


@dataclass(frozen=True)
class SsoSettings:
    issuer: str
    client_id: str
    client_secret_file: Path
    redirect_uri: str
    role_map: MappingProxyType            # the provider's claim value -> one of our roles
    staff_id_claim: str = "preferred_username"
    roles_claim: str = "groups"
    scopes: str = "openid profile groups"
    http_timeout_seconds: float = 5.0
    metadata_max_age_seconds: float = 3600.0     # discovery document and signing keys
    clock_leeway_seconds: int = 60               # between our clock and the provider's
    flow_max_age_seconds: int = 600              # from "sign in with SSO" to the callback


def sso_configured(config):
    return bool(config.get("OIDC_ISSUER"))


def sso_settings(config):
    """SsoSettings from the `OIDC_*` keys of a config dict (IDENTITY_OIDC_* in the environment)."""
    if config.get("OIDC_CLIENT_SECRET"):
        raise SsoMisconfigured("OIDC_CLIENT_SECRET must not be in the configuration: put the secret in a "
                               "file (mode 0600) and name it in OIDC_CLIENT_SECRET_FILE")
    defaults = SsoSettings.__dataclass_fields__
    secret_file = Path(config.get("OIDC_CLIENT_SECRET_FILE") or DEFAULT_CLIENT_SECRET_FILE)
    return SsoSettings(
        issuer=_url(config, "OIDC_ISSUER"),
        client_id=_text(config, "OIDC_CLIENT_ID"),
        client_secret_file=secret_file if secret_file.is_absolute() else ROOT / secret_file,
        redirect_uri=_url(config, "OIDC_REDIRECT_URI"),
        role_map=role_map_from(config.get("OIDC_ROLE_MAP")),
        staff_id_claim=_text(config, "OIDC_STAFF_ID_CLAIM", defaults["staff_id_claim"].default),
        roles_claim=_text(config, "OIDC_ROLES_CLAIM", defaults["roles_claim"].default),
        scopes=_scopes(config.get("OIDC_SCOPES") or defaults["scopes"].default),
        **{name: _positive(config, f"OIDC_{name.upper()}", defaults[name].default)
           for name in ("http_timeout_seconds", "metadata_max_age_seconds", "clock_leeway_seconds",
                        "flow_max_age_seconds")},
    )


def role_map_from(raw):
    """OIDC_ROLE_MAP: a JSON object {claim value: role}, e.g. {"wh-reviewers": "reviewer"}."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise SsoMisconfigured("OIDC_ROLE_MAP is not JSON: give an object {claim value: role}") from None
    if not isinstance(raw, dict) or not raw:
        raise SsoMisconfigured("OIDC_ROLE_MAP must be a JSON object {claim value: role} with at least one "
                               "entry: without it nobody can sign in with single sign-on")
    people_roles = sorted(role.value for role in Role if role.value not in MACHINE_ROLES)
    for value, role in raw.items():
        if not value.strip():
            raise SsoMisconfigured("OIDC_ROLE_MAP has an empty claim value")
        if role not in people_roles:
            raise SsoMisconfigured(f"OIDC_ROLE_MAP maps {value!r} to {role!r}, which is not a role a person "
                                   f"can hold (one of: {', '.join(people_roles)})")
    return MappingProxyType(dict(raw))


def is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url(config, key):
    value = _text(config, key)
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.fragment:
        raise SsoMisconfigured(f"{key} must be an absolute https:// URL without a fragment, not {value!r}")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise SsoMisconfigured(f"{key} must use https:// (plain http is allowed on loopback only): {value!r}")
    return value


def _text(config, key, default=None):
    value = config.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise SsoMisconfigured(f"{key} is required for single sign-on (a non-empty text)")
    return value.strip()


def _scopes(value):
    if not isinstance(value, str) or "openid" not in value.split():
        raise SsoMisconfigured(f"OIDC_SCOPES must be space-separated scopes including 'openid', not {value!r}")
    return " ".join(value.split())


def _positive(config, key, default):
    try:
        value = type(default)(config.get(key, default))
    except (TypeError, ValueError):
        value = 0
    if value <= 0:
        raise SsoMisconfigured(f"{key} must be a positive number, not {config.get(key)!r}")
    return value
