"""The API's OpenAPI document, as the server serves it at /api/openapi.json, into a file: for the
PWA's unit tests (pwa/test/reasons.test.js reads the reason codes there). Usage:
openapi_document.py OUT.json"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from server import create_app


def main(out: str) -> None:
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"LABORPASS_INSTANCE_DIR": instance, "LABORPASS_LOG_LEVEL": "WARNING"})
        response = app.test_client().get("/api/openapi.json")
        assert response.status_code == 200, response.status_code
        Path(out).write_text(json.dumps(response.json, ensure_ascii=False, indent=1),
                             encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
