from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.health import HealthSchema, ReadinessSchema
from server.services import health

blp = Blueprint("health", __name__, url_prefix="/api/health",
                description="Liveness and readiness for load balancers")


@blp.route("")
class Health(MethodView):
    @blp.doc(security=[])
    @blp.response(200, HealthSchema)
    def get(self):
        """Is the service up and its database reachable? (no sign-in needed)"""
        return health.alive()


@blp.route("/ready")
class Ready(MethodView):
    @blp.doc(security=[])
    @blp.response(200, ReadinessSchema)
    @blp.alt_response(503, schema=ReadinessSchema,
                      description="not ready: the reason is in `code`")
    def get(self):
        """May this process take traffic?

        Yes when the database answers, its schema is the code's (``laborpass init-db`` ran after
        the deploy) and a card-signing key is at hand. Otherwise 503 with ``Retry-After``: a
        deploy whose migrations have not run gets no traffic."""
        return health.readiness()
