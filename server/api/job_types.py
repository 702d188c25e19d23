from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.fairs import JobTypeSchema
from server.domain.job_types import job_types

blp = Blueprint("job_types", __name__, url_prefix="/api/job-types",
                description="The shared catalogue of job types")


@blp.route("")
class JobTypes(MethodView):
    @blp.response(200, JobTypeSchema(many=True))
    def get(self):
        """The shared catalogue of job types a posting names."""
        return list(job_types().values())
