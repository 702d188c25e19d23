"""One error shape for the whole API: ``{code, status, message, errors}``."""
from __future__ import annotations

import traceback

from flask import current_app, jsonify, request
from flask_smorest import Api
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, InternalServerError

from schemas.base import ErrorSchema, flatten_errors
from server.domain.reasons import Reason
from server.errors import DomainError


class LaborPassApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException):
        """Webargs' 422 and every other HTTP error in our shape (smorest's own uses an int code).
        """
        if error.code == 422:
            messages = getattr(error, "data", {}).get("messages", {})
            errors = {}
            for location_errors in messages.values():
                errors.update(flatten_errors(location_errors))
            return error_response(422, Reason.VALIDATION_FAILED,
                                  "请更正标出的字段。 Correct the fields named in errors.",
                                  errors=errors)
        code = (error.name or "error").lower().replace(" ", "_")
        message = error.description or error.name
        if error.code == 413:
            limit = (
                request.max_content_length or current_app.config["MAX_CONTENT_LENGTH"]
            ) // 2**20
            message = f"内容太大，上限 {limit} MB。 Too large: the limit is {limit} MB."
        response = error_response(error.code or 500, code, message)
        for name, value in getattr(error, "data", {}).get("headers", {}).items():
            response.headers[name] = value
        if error.code == 405 and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response


def handle_domain_error(error: DomainError):
    response = error_response(error.status, error.code, error.message, **error.details)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    if "retry_after" in error.details:
        response.headers["Retry-After"] = str(error.details["retry_after"])
    return response


def handle_too_deep(error: RecursionError):
    """A body nested thousands of levels deep: Python's JSON parser (webargs', the envelopes'
    digest) recurses on it. Refused before anything was kept."""
    current_app.logger.warning("request nested too deep for the parser: %s %s", request.method,
                               request.path)
    return error_response(400, Reason.JSON_TOO_DEEP,
                          "请求的 JSON 嵌套层次过深。 The JSON is nested too deeply.")


def handle_database_unavailable(error: Exception):
    """The database is down, locked past the busy timeout, or its disk is full: nothing of the
    request was kept (its transaction is gone), and the client should come back."""
    if _disk_full(error):
        current_app.logger.error("database storage full: %s", _cause(error))
        response = error_response(503, Reason.STORAGE_FULL,
                                  "服务器存储空间已满，数据未保存，请通知管理员；"
                                  "手机上的记录会保留。"
                                                      " The server's storage is full: nothing was "
                                                      "saved. Tell the"
                                                      " administrator; the phone keeps its scans.")
        response.headers["Retry-After"] = "300"
        return response
    current_app.logger.warning("database unavailable: %s", _cause(error))
    # SQLite: another writer held it past the busy timeout
    if "database is locked" in _cause(error):
        response = error_response(503, Reason.DATABASE_BUSY,
                                  "数据库繁忙，请稍后重试。 The database is busy: send again "
                                  "shortly.")
    else:
        response = error_response(503, Reason.DATABASE_UNAVAILABLE,
                                  "数据库暂不可用，请稍后重试。 The database is unavailable: try "
                                  "again shortly.")
    response.headers["Retry-After"] = "5"
    return response


def _cause(error: Exception) -> str:
    """The driver's own words, first line: never SQLAlchemy's text, which quotes the statement's
    parameters (names, phone numbers)."""
    cause = getattr(error, "orig", None) or error
    said = str(cause).strip()
    return f"{cause.__class__.__name__}: {said.splitlines()[0] if said else ''}"


def _disk_full(error: Exception) -> bool:
    text = _cause(error).lower()
    return (
        "database or disk is full" in text
        or "no space left on device" in text
        or "disk full" in text
    )


def handle_unexpected_error(error: Exception):
    if isinstance(error, HTTPException) and not isinstance(error, InternalServerError):
        return error
    if isinstance(error, DBAPIError):
        # The driver's text quotes values (PostgreSQL: "Key (name)=(…) already exists"): log where
        # it happened and what kind of error it was, not what it says.
        where = "".join(traceback.format_tb(error.__traceback__))
        current_app.logger.error("unexpected database error %s/%s (SQLSTATE %s)\n%s",
                                 type(error).__name__,
                                 type(error.orig).__name__, getattr(error.orig, "sqlstate", None),
                                 where)
    else:
        current_app.logger.exception("unexpected error", exc_info=error)
    return error_response(500, Reason.INTERNAL_ERROR,
                          "服务器内部错误，请稍后重试。 Internal error: try again later.")


def error_response(status: int, code: str, message: str, **details):
    response = jsonify({"code": code, "status": status, "message": message, **details})
    response.status_code = status
    return response
