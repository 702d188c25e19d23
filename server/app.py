"""The composition root: configuration, then extensions, then blueprints and commands."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy.exc import OperationalError
from werkzeug.middleware.proxy_fix import ProxyFix

from server import api as api_package
from server import web
from server.api.caller import authenticate
from server.api.errors import (
    LaborPassApi,
    handle_database_unavailable,
    handle_domain_error,
    handle_too_deep,
    handle_unexpected_error,
)
from server.api.json_body import refuse_deep_bodies
from server.api.limits import install_rate_limits
from server.cli import register_commands
from server.config import MIGRATIONS_DIR, DefaultConfig, config_from_environment
from server.domain import calendar
from server.errors import DomainError
from server.extensions import db, migrate, tune_sqlite
from server.logs import install_request_logging
from server.services import audit_head, changes
from server.services.instance_keys import load_or_create_secret
from server.web import add_security_headers


def create_app(test_config: dict | None = None) -> Flask:
    # templates/: our Swagger UI page, without inline script
    app = Flask(__name__, static_folder=None)
    app.json.sort_keys = False  # keep the schemas' field order; sorting big pulls costs time
    app.config.from_object(DefaultConfig)
    app.config.update(config_from_environment())
    if test_config:
        app.config.update(test_config)
    _load_instance(app)
    calendar.use_zone(app.config["LABORPASS_TIMEZONE"])
    if "SESSION_COOKIE_SECURE" not in (test_config or {}):
        app.config["SESSION_COOKIE_SECURE"] = app.config["LABORPASS_ORIGIN"].startswith("https://")

    hops = int(app.config["LABORPASS_PROXY_HOPS"])
    if hops:  # behind a TLS-terminating proxy: its X-Forwarded-* say who called and over what
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    changes.install(db.session)
    audit_head.install(db.session)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            tune_sqlite(db.engine)
    api = LaborPassApi(app, spec_kwargs=_SPEC)
    api_package.register_blueprints(api)
    app.register_blueprint(web.blp)
    install_rate_limits(app)
    install_request_logging(app)
    app.before_request(refuse_deep_bodies)
    app.before_request(authenticate)
    app.after_request(add_security_headers)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(RecursionError, handle_too_deep)
    app.register_error_handler(Exception, handle_unexpected_error)
    register_commands(app)
    return app


def _load_instance(app: Flask) -> None:
    """The instance folder: database file and keys, generated on first run."""
    instance = Path(app.config.get("LABORPASS_INSTANCE_DIR") or Path.cwd() / "instance").resolve()
    instance.mkdir(parents=True, exist_ok=True)
    app.config["LABORPASS_INSTANCE_DIR"] = str(instance)
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", f"sqlite:///{instance / 'laborpass.db'}")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret(instance / "keys" / "session.key").hex()
    for name, file in (("LABORPASS_DATA_KEY", "data.key"), ("LABORPASS_INDEX_KEY", "index.key")):
        if not app.config.get(name):
            app.config[name] = load_or_create_secret(instance / "keys" / file)


_SPEC = {
    "info": {"description": "Real-name labor-transfer system. Sign in, or send `Authorization: "
                            "Bearer <token>`."},
    "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearerAuth": []}],
}
