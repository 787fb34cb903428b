"""Identity's own tables: accounts, their audit, people's sessions, failed sign-ins, machines' keys."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import UtcDateTime, make_base

Base = make_base()


class Account(Base):
    """A person's way in, keyed by the staff id of staff_performance's register (which it never writes)."""
    __tablename__ = "accounts"

    staff_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    roles: Mapped[list] = mapped_column(sa.JSON)              # in the order given; the first is acted in first
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    disabled: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    must_change_password: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(sa.Integer, default=0)    # in a row, since the last success or lock
    locked_until: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[object] = mapped_column(UtcDateTime)
    updated_at: Mapped[object] = mapped_column(UtcDateTime)


class AccountChange(Base):
    """The audit: every change to an account (or a machine's key), who made it and when."""
    __tablename__ = "account_changes"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    subject: Mapped[str] = mapped_column(sa.String(80), index=True)   # a staff id, or "api-key:<id>"
    change: Mapped[str] = mapped_column(sa.String(40))
    detail: Mapped[str] = mapped_column(sa.String(500), default="")
    by: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[object] = mapped_column(UtcDateTime)


class PersonSession(Base):
    """A signed-in person at the console. The console's cookie holds the id; only its SHA-256 is here."""
    __tablename__ = "sessions"

    id_digest: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    staff_id: Mapped[str] = mapped_column(sa.ForeignKey("accounts.staff_id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(32))          # the one role acted in now
    address: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[object] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[object] = mapped_column(UtcDateTime)
    ended_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    ended_why: Mapped[str] = mapped_column(sa.String(32), nullable=True)   # signed_out, disabled, idle, ...
    via: Mapped[str] = mapped_column(sa.String(16), default="password", server_default="password")   # or "sso"
    # Single sign-on: the roles the provider vouched for that the account holds (None: all the account's).
    sso_roles: Mapped[list] = mapped_column(sa.JSON, nullable=True)


class SsoFlow(Base):
    """A single sign-on begun at the console and not yet back: what only the server may know (state,
    nonce, PKCE verifier). The console's short-lived cookie holds the flow id; only its SHA-256 is here."""
    __tablename__ = "sso_flows"

    flow_digest: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    kept: Mapped[dict] = mapped_column(sa.JSON)
    expires_at: Mapped[object] = mapped_column(UtcDateTime, index=True)


class SignInFailure(Base):
    """One failed sign-in, counted against the address it came from (rows older than the window go)."""
    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    address: Mapped[str] = mapped_column(sa.String(64), index=True)
    staff_id: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[object] = mapped_column(UtcDateTime, index=True)


class ApiKey(Base):
    """A machine's credential: a role, a subject (device id or carrier code), the secret's SHA-256."""
    __tablename__ = "api_keys"

    key_id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    secret_digest: Mapped[str] = mapped_column(sa.String(64))
    role: Mapped[str] = mapped_column(sa.String(32))
    subject: Mapped[str] = mapped_column(sa.String(64))
    carrier: Mapped[str] = mapped_column(sa.String(16), nullable=True)
    label: Mapped[str] = mapped_column(sa.String(200), default="")
    created_by: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[object] = mapped_column(UtcDateTime)
    revoked_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    revoked_by: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    last_used_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
