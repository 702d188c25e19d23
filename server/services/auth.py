"""Bearer tokens: made here, shown once, stored as SHA-256 (they are 256-bit random)."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select

from server.errors import DomainError
from server.extensions import db
from server.models import ApiToken, User
from server.models.types import utcnow

TOKEN_PREFIX = "lp_"


def create_token(user: User, name: str, *, days: int | None = 365) -> str:
    """A new token for ``user``; the plain token is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = utcnow() + dt.timedelta(days=days) if days else None
    db.session.add(ApiToken(user=user, name=name, token_hash=_hash(token), expires_at=expires_at))
    db.session.flush()
    return token


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
        raise DomainError("user_not_found", f"no user named {name!r}")
    return user


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
