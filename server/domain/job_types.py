"""The shared catalogue of job types (``server/data/job_types.json``)."""
from __future__ import annotations

import functools
import json
from importlib import resources


@functools.cache
def job_types() -> dict[str, dict]:
    """Code -> ``{"code", "zh", "en"}``, in catalogue order."""
    rows = json.loads(
        resources.files("server").joinpath("data/job_types.json").read_text("utf-8")
    )["job_types"]
    return {row["code"]: row for row in rows}
