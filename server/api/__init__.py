"""The HTTP API: one flask-smorest blueprint per module."""
from __future__ import annotations

from flask_smorest import Api

from server.api import audit, batches, cards, fairs, health, keys, passkeys, regions, sync, tokens, workers

MODULES = (health, keys, regions, workers, fairs, batches, cards, sync, passkeys, tokens, audit)


def register_blueprints(api: Api) -> None:
    for module in MODULES:
        api.register_blueprint(module.blp)
