"""Machines' credentials: an API key registered by an administrator for a role and a subject (a
device id, or for a carrier its carrier code, which its tokens then carry), shown once, stored as
SHA-256, revocable, its last use recorded. A device exchanges it for a short-lived token."""
import hmac

from services.identity import audit, storage
from services.identity.credentials import digest, new_api_key, parse_api_key
from services.identity.models import ApiKey
from shared.errors import NotFound
from shared.roles import Role
from shared.timeutil import to_iso


def subject_of(key_id):
    return f"api-key:{key_id}"


def view(key):
    return {"key_id": key.key_id, "role": key.role, "subject": key.subject, "carrier": key.carrier,
            "label": key.label, "created_by": key.created_by, "created_at": to_iso(key.created_at),
            "revoked_at": to_iso(key.revoked_at) if key.revoked_at else None, "revoked_by": key.revoked_by,
            "last_used_at": to_iso(key.last_used_at) if key.last_used_at else None}


def register(session, role, subject, label, by, now):
    """-> (the stored key, the key's text: given once, never again)."""
    made = new_api_key()
    key = ApiKey(key_id=made.key_id, secret_digest=digest(made.secret), role=role, subject=subject,
                 carrier=subject if role == Role.CARRIER.value else None, label=label, created_by=by, created_at=now)
    session.add(key)
    audit.record(session, subject_of(key.key_id), "api_key_registered", by, now, f"role {role}, subject {subject}")
    return key, made.text


def listing(session):
    return [view(key) for key in storage.api_keys_in_order(session)]


def revoke(session, key_id, by, now):
    key = storage.api_key(session, key_id)
    if key is None:
        raise NotFound(f"no API key {key_id}", code="no_such_api_key")
    if key.revoked_at is None:
        key.revoked_at, key.revoked_by = now, by
        audit.record(session, subject_of(key_id), "api_key_revoked", by, now)
    return key


def live(session, text):
    """The live key `text` names; None for anything else (unknown, wrong, revoked)."""
    parsed = parse_api_key(text)
    if parsed is None:
        return None
    key = storage.api_key(session, parsed[0])
    if key is None or key.revoked_at is not None or not hmac.compare_digest(key.secret_digest, digest(parsed[1])):
        return None
    return key


def exchange(session, text, now):
    """The live key `text` names, its use recorded; None for anything else."""
    key = live(session, text)
    if key is not None:
        key.last_used_at = now
    return key
