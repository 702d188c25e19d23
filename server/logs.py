"""Logs an operator can search: one JSON object a line, each carrying the request's id.

Every request gets an id (the proxy's ``X-Request-ID`` when it sends a sane one, else a new one),
answered back in ``X-Request-ID`` so a clerk's screenshot finds the log lines. One access line a
request: method, path, status, milliseconds, who. Never the query string, the body or a header:
they carry names, ID numbers and tokens.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import uuid

from flask import Flask, g, has_request_context, request

_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_FIELDS = ("request_id", "method", "path", "status", "ms", "user_id", "role", "audit_head")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context() and "request_id" in g:
            line["request_id"] = g.request_id
        line.update({name: getattr(record, name) for name in _FIELDS if hasattr(record, name)})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def install_request_logging(app: Flask) -> None:
    if app.config["LABORPASS_LOG_FORMAT"] == "json":
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        app.logger.handlers[:] = [handler]
    app.logger.setLevel(app.config["LABORPASS_LOG_LEVEL"])

    @app.before_request
    def _start():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        user = g.get("user")
        app.logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "ms": round(
                    (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000, 1
                ),
                "user_id": getattr(user, "id", None),
                "role": getattr(user, "role", None),
            },
        )
        return response
