"""Configuration: safe development defaults, then the environment, then ``test_config``."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Alembic's, through Flask-Migrate
MIGRATIONS_DIR = str(Path(__file__).resolve().parent / "migrations")


class DefaultConfig:
    # hide_parameters: an error's text never quotes the statement's values (names, phone numbers),
    # so no traceback carries them into a log.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    API_TITLE = "LaborPass API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    # Served from our own build (pwa/dist/swagger-ui): nothing is loaded from a CDN.
    OPENAPI_SWAGGER_UI_URL = "/swagger-ui/"

    # WebAuthn: the relying party is this site. Production: the exact HTTPS origin and its host.
    LABORPASS_RP_ID = "localhost"
    LABORPASS_ORIGIN = "http://localhost:5000"
    LABORPASS_RP_NAME = "务工通 LaborPass"
    SESSION_COOKIE_NAME = "laborpass_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Strict"
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    # Set the cookie only when the session changes: a background sync request answered after a
    # sign-out must not put the old session back (and a sign-in lasts 12 hours, not for ever).
    SESSION_REFRESH_EACH_REQUEST = False

    # Rate limits count in memory per process; several processes share them through Redis:
    # LABORPASS_RATELIMIT_STORAGE=redis://127.0.0.1:6379
    LABORPASS_RATELIMIT_STORAGE = "memory://"

    LABORPASS_CARD_VALIDITY_DAYS = 3 * 365
    LABORPASS_HOTLINE = "12333"  # the national HR and social security service line
    LABORPASS_CARD_FONT = None  # a TTF/TTC with Chinese glyphs; found among known paths when unset
    LABORPASS_PWA_DIR = str(PROJECT_ROOT / "pwa" / "dist")
    LABORPASS_MAX_SHEET_CARDS = 1000
    # The retention rule: a person with no activity on their record for this many years is erased
    # (``laborpass retention``). Five years covers the subsidy audits that look back at a
    # placement.
    LABORPASS_RETENTION_YEARS = 5
    # A new job starting at most this many days after the last one ended keeps the employment
    # going.
    LABORPASS_REASSIGNMENT_GAP_DAYS = 15
    # The programme's calendar: every date is the day in this zone (server/domain/calendar.py).
    LABORPASS_TIMEZONE = "Asia/Shanghai"
    # Evidence that pays (server/domain/evidence.py): no scan before the programme began (the
    # Fuzhou–Dingxi framework agreement, February 2017); a scan reaching the server more than
    # this many days after the day it speaks of is "late" and pays only once a reviewer accepts it.
    LABORPASS_PROGRAMME_START = "2017-02-01"
    LABORPASS_LATE_DAYS = 7

    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted (nginx
    # terminating TLS: 1). 0 ignores those headers: anyone could send them.
    LABORPASS_PROXY_HOPS = 0

    # One JSON object a line with the request id (``server/logs.py``); "text" keeps Flask's lines.
    LABORPASS_LOG_FORMAT = "json"
    LABORPASS_LOG_LEVEL = "INFO"


def config_from_environment() -> dict:
    """The settings the environment gives; unset variables are left out."""
    names = {
        "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
        "LABORPASS_SECRET_KEY": "SECRET_KEY",
        "LABORPASS_INSTANCE_DIR": "LABORPASS_INSTANCE_DIR",
        "LABORPASS_HOTLINE": "LABORPASS_HOTLINE",
        "LABORPASS_CARD_FONT": "LABORPASS_CARD_FONT",
        "LABORPASS_PWA_DIR": "LABORPASS_PWA_DIR",
        "LABORPASS_RP_ID": "LABORPASS_RP_ID",
        "LABORPASS_ORIGIN": "LABORPASS_ORIGIN",
        "LABORPASS_RATELIMIT_STORAGE": "LABORPASS_RATELIMIT_STORAGE",
        "LABORPASS_RETENTION_YEARS": "LABORPASS_RETENTION_YEARS",
        "LABORPASS_REASSIGNMENT_GAP_DAYS": "LABORPASS_REASSIGNMENT_GAP_DAYS",
        "LABORPASS_TIMEZONE": "LABORPASS_TIMEZONE",
        "LABORPASS_PROGRAMME_START": "LABORPASS_PROGRAMME_START",
        "LABORPASS_LATE_DAYS": "LABORPASS_LATE_DAYS",
        "LABORPASS_LOG_FORMAT": "LABORPASS_LOG_FORMAT",
        "LABORPASS_PROXY_HOPS": "LABORPASS_PROXY_HOPS",
        "LABORPASS_LOG_LEVEL": "LABORPASS_LOG_LEVEL",
    }
    return {key: os.environ[var] for var, key in names.items() if os.environ.get(var)}
