"""The HTTP API: one flask-smorest blueprint per module."""
from __future__ import annotations

from flask_smorest import Api

from server.api import (
    audit,
    batches,
    cards,
    fairs,
    health,
    keys,
    lifecycle,
    passkeys,
    regions,
    reports,
    rosters,
    subsidies,
    sync,
    tokens,
    workers,
)

MODULES = (health, keys, regions, rosters, workers, fairs, batches, lifecycle, subsidies, reports, cards, sync, passkeys,
           tokens, audit)


def register_blueprints(api: Api) -> None:
    for module in MODULES:
        api.register_blueprint(module.blp)
