"""Rate limits on what can be guessed or abused: enrollment codes, sign-in, ID reveals and
searches."""

from __future__ import annotations

from flask import Flask, g
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def by_caller() -> str:
    """The person the request was authenticated as (``api.caller`` ran before the view), whatever
    token, session or spelling of the header they came with; else the address. One officer's
    limit is not everyone's, and a second token or ``BEARER`` instead of ``Bearer`` is no fresh
    count."""
    user = g.get("user")
    return f"user:{user.id}" if user is not None else get_remote_address()


RATE_LIMITS = {
    "auth.RegisterOptions": ("10/minute", get_remote_address),  # plus five tries per code
    "auth.LoginOptions": ("30/minute", get_remote_address),
    "auth.LoginVerify": ("30/minute", get_remote_address),
    "workers.WorkerRevealId": ("30/hour", by_caller),
    "workers.WorkerSearch": ("60/minute", by_caller),
}


def install_rate_limits(app: Flask) -> Limiter:
    """Wrap the listed endpoints' views with their limits; breaches answer 429 with Retry-After."""
    limiter = Limiter(get_remote_address, app=app,
                      storage_uri=app.config["LABORPASS_RATELIMIT_STORAGE"],
                      headers_enabled=True, enabled=app.config.get("RATELIMIT_ENABLED", True))
    for endpoint, (limit, key_func) in RATE_LIMITS.items():
        app.view_functions[endpoint] = limiter.limit(limit, key_func=key_func)(
            app.view_functions[endpoint]
        )
    return limiter
