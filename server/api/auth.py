"""Who is calling: a Bearer token on every /api route but the public ones."""
from __future__ import annotations

from flask import g, request

from server.errors import DomainError
from server.extensions import db
from server.models import User
from server.services.auth import user_for_token

PUBLIC_ENDPOINTS = frozenset({"health.Health", "keys.Keys", "api-docs.openapi_json", "api-docs.openapi_swagger_ui"})


class Unauthorized(DomainError):
    status = 401

    def __init__(self):
        super().__init__(
            "unauthorized",
            "请先登录，或在 Authorization 头中提供有效的 Bearer 令牌。"
            " Sign in, or send a valid token as `Authorization: Bearer <token>`.",
        )


def authenticate() -> None:
    """``before_request`` hook: set ``g.user`` or refuse with 401."""
    if not request.path.startswith("/api/") or request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = user_for_token(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if user is None:
        raise Unauthorized()
    # Detached with its columns loaded, and the read ended: on SQLite every transaction holds
    # the write lock, and a request should not hold it while it does other work.
    db.session.expunge(user)
    db.session.rollback()
    g.user = user


def current_user() -> User:
    return g.user
