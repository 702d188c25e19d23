"""The HTTP API: one flask-smorest blueprint per module."""
from __future__ import annotations

from flask_smorest import Api

from server.api import (
    at_risk,
    audit,
    auth,
    batches,
    cards,
    devices,
    employers,
    fairs,
    follow_ups,
    health,
    help_requests,
    imports,
    job_types,
    keys,
    lunar,
    payouts,
    policies,
    regions,
    reports,
    reviews,
    scan,
    sites,
    sync,
    targets,
    tokens,
    trainings,
    workers,
)

MODULES = (health, keys, regions, imports, workers, job_types, employers, lunar, fairs, batches,
           follow_ups, help_requests, reviews, at_risk,
           trainings, sites, policies, payouts, targets, reports, cards, scan, sync, devices, auth,
           tokens, audit)


def register_blueprints(api: Api) -> None:
    for module in MODULES:
        api.register_blueprint(module.blp)
