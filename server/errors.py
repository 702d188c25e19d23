"""The one vocabulary of failures: ``DomainError(code, message)``, mapped to HTTP in ``api``."""
from __future__ import annotations


class DomainError(Exception):
    """A use case refused; ``code`` is a stable lower_snake reason the PWA and scripts rely on."""

    status = 400

    def __init__(self, code: str, message: str, **details):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


class NotFound(DomainError):
    status = 404

    def __init__(self, what: str = "worker"):
        super().__init__(f"{what}_not_found", f"未找到或无权查看。 No such {what}, or not yours to see.")


class Forbidden(DomainError):
    status = 403

    def __init__(self, message: str = "您的角色无权执行此操作。 Your role may not do this."):
        super().__init__("forbidden", message)


class Conflict(DomainError):
    status = 409


class RuleRefused(DomainError):
    """A program rule refuses this now; the message says what must happen first."""

    status = 422


class InvalidInput(DomainError):
    """Input that passed the schema but breaks a rule; ``errors`` maps fields to messages."""

    status = 422

    def __init__(self, errors: dict[str, list[str]], code: str = "validation_failed"):
        super().__init__(code, "请更正标出的字段。 Correct the fields named in errors.", errors=errors)


class Unavailable(DomainError):
    status = 503
