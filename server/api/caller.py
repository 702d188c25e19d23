"""Who is calling: a Bearer token, or the session a passkey sign-in started.

Changes made with the session cookie must also carry the session's CSRF token in
``X-CSRF-Token``, be JSON, and come from our own origin.
"""
from __future__ import annotations

import datetime as dt
import secrets

from flask import current_app, g, request, session

from server.errors import Forbidden, Unauthorized, UnsupportedMediaType
from server.extensions import db
from server.models import User
from server.services.auth import user_for_token

PUBLIC_ENDPOINTS = frozenset({
    "health.Health", "health.Ready", "keys.Keys", "api-docs.openapi_json",
    "api-docs.openapi_swagger_ui",
    "auth.RegisterOptions", "auth.RegisterVerify", "auth.LoginOptions", "auth.LoginVerify",
    "auth.Logout",
})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def authenticate() -> None:
    """``before_request`` hook: set ``g.user`` or refuse (401, 403 or 415)."""
    if not request.path.startswith("/api/") or request.endpoint is None:
        return
    if request.method not in SAFE_METHODS:
        _refuse_cross_site()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    # a script: it acts as itself alone
    g.by_token = scheme.lower() == "bearer" and bool(token.strip())
    user = user_for_token(token.strip()) if g.by_token else _session_user()
    if user is None:
        raise Unauthorized()
    # Detached with its columns loaded, and the read ended: on SQLite every transaction holds
    # the write lock, and a request should not hold it while it does other work.
    db.session.expunge(user)
    db.session.rollback()
    g.user = user


def current_user() -> User:
    return g.user


def passkey_assertion_at() -> dt.datetime | None:
    """When this session last signed in with a passkey (a Bearer token never did): what a reveal,
    an export with ID numbers or a worker's own export asks to be minutes old."""
    assertion = session.get("assertion_at")
    return dt.datetime.fromisoformat(assertion) if assertion else None


def _session_user() -> User | None:
    if "user_id" not in session:
        return None
    if request.method not in SAFE_METHODS:
        sent = request.headers.get("X-CSRF-Token", "")
        if not sent or not secrets.compare_digest(sent, session.get("csrf", "")):
            raise Forbidden("缺少或错误的 CSRF 令牌。 Missing or wrong X-CSRF-Token header.")
    user = db.session.get(User, session["user_id"])
    return user if user is not None and user.active else None


def _refuse_cross_site() -> None:
    """Changes come as JSON from our own pages (or from scripts, which send no Origin)."""
    if request.mimetype != "application/json" and request.content_length:
        raise UnsupportedMediaType()
    origin = request.headers.get("Origin")
    if request.headers.get("Sec-Fetch-Site") == "cross-site" or (
            origin and origin != current_app.config["LABORPASS_ORIGIN"]
            and origin != request.host_url.rstrip("/")):
        raise Forbidden("拒绝来自其他网站的请求。 Requests from other sites are refused.")
