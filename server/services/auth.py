"""Bearer tokens: made here, shown once, stored as SHA-256 (they are 256-bit random)."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from server.domain.reasons import Reason
from server.errors import DomainError, NotFound
from server.extensions import db
from server.models import ApiToken, User
from server.models.types import utcnow
from server.services import access, audit
from server.services.unit_of_work import use_case

TOKEN_PREFIX = "lp_"


def create_token(user: User, name: str, *, days: int | None = 365) -> str:
    """A new token for ``user``; the plain token is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = utcnow() + dt.timedelta(days=days) if days else None
    db.session.add(ApiToken(user=user, name=name, token_hash=_hash(token), expires_at=expires_at))
    db.session.flush()
    return token


@use_case
@dataclass(frozen=True)
class IssuedToken:
    """A token just made, with its value (shown this once; only the hash is kept)."""

    row: ApiToken
    token: str


def issue_token(admin: User, user_id: int, name: str, days: int | None) -> IssuedToken:
    """An admin makes a token for a script or integration acting as ``user_id``; shown once,
    audited."""
    access.require(admin, "users.manage")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("user")
    token = create_token(user, name, days=days)
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(token)))
    audit.record("token.created", actor=admin, target=f"token:{row.id}", user_id=user.id,
                 name=name)
    return IssuedToken(row, token)


def list_tokens(admin: User) -> list[ApiToken]:
    access.require(admin, "users.manage")
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))


@use_case
def revoke_token(admin: User, token_id: int) -> ApiToken:
    access.require(admin, "users.manage")
    row = db.session.get(ApiToken, token_id)
    if row is None:
        raise NotFound("token")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record("token.revoked", actor=admin, target=f"token:{row.id}")
    return row


def user_for_token(token: str) -> User | None:
    """The active user a valid, unexpired, unrevoked token belongs to, else ``None``."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    if row.expires_at is not None and row.expires_at <= utcnow():
        return None
    return row.user


def find_user(name: str) -> User:
    user = db.session.scalar(select(User).where(User.name == name))
    if user is None:
        raise DomainError(Reason.USER_NOT_FOUND, f"no user named {name!r}")
    return user


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
