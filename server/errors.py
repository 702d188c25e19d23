"""The one vocabulary of failures: ``DomainError(code, message)``, mapped to HTTP in ``api``.

Every exception a use case or a view raises is here; the domain's own (``IdNumberError``,
``CredentialError`` …) are ``ValueError``s of its pure parsers, turned into these at the edge.
"""
from __future__ import annotations

from datetime import datetime

from server.domain.reasons import Reason


class DomainError(Exception):
    """A use case refused; ``code`` is a stable lower_snake reason the PWA and scripts rely on."""

    status = 400

    def __init__(self, code: Reason, message: str, **details):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


class NotFound(DomainError):
    status = 404

    def __init__(self, what: str = "worker"):  # the code: Reason.<WHAT>_NOT_FOUND
        super().__init__(Reason(f"{what}_not_found"),
                         f"未找到或无权查看。 No such {what}, or not yours to see.")


class Forbidden(DomainError):
    status = 403

    def __init__(self, message: str = "您的角色无权执行此操作。 Your role may not do this."):
        super().__init__(Reason.FORBIDDEN, message)


class Conflict(DomainError):
    status = 409


class RuleRefused(DomainError):
    """A program rule refuses this now; the message says what must happen first."""

    status = 422


class InvalidInput(DomainError):
    """Input that passed the schema but breaks a rule; ``errors`` maps fields to messages."""

    status = 422

    def __init__(self, errors: dict[str, list[str]], code: Reason = Reason.VALIDATION_FAILED):
        super().__init__(code, "请更正标出的字段。 Correct the fields named in errors.",
                         errors=errors)


class Unavailable(DomainError):
    status = 503


# ---------------------------------------------------------------- the caller


class Unauthorized(DomainError):
    status = 401

    def __init__(self):
        super().__init__(
            Reason.UNAUTHORIZED,
            "请先登录，或在 Authorization 头中提供有效的 Bearer 令牌。"
            " Sign in, or send a valid token as `Authorization: Bearer <token>`.",
        )


class UnsupportedMediaType(DomainError):
    status = 415

    def __init__(self):
        super().__init__(Reason.JSON_REQUIRED,
                         "请求须为 JSON。 Send the request as application/json.")


class TooDeep(DomainError):
    status = 400

    def __init__(self, limit: int):
        super().__init__(Reason.JSON_TOO_DEEP,
                         f"请求的 JSON 嵌套超过 {limit} 层。 The JSON is nested more than"
                                          f" {limit} levels deep.")


# ---------------------------------------------------------------- passkeys, cards and backups


class PasskeyRefused(DomainError):
    """Deliberately vague: a failed ceremony says no more than that it failed."""

    status = 400

    def __init__(self, code: Reason = Reason.PASSKEY_INVALID,
                 message: str = "通行密钥验证失败，请重试。 The passkey check failed: try again."):
        super().__init__(code, message)


class ScanRefused(DomainError):
    """A scanned code that is not a valid card; ``code`` is one of the credential reasons."""

    status = 422


class NoCard(DomainError):
    status = 404

    def __init__(self):
        super().__init__(Reason.NO_CARD,
                         "尚未发卡，请先发卡。 No card issued yet: issue one first.")


class BackupError(DomainError):
    status = 500


# ---------------------------------------------------------------- phones and their pushes


class DeviceRefused(DomainError):
    """The push or sign-in does not come from a phone the caller may use; nothing was kept."""

    status = 403


class DeviceClockOff(DomainError):
    """The phone signed with a time too far from the server's: it corrects its clock and sends
    again."""

    status = 409

    def __init__(self, now: datetime):
        super().__init__(Reason.DEVICE_CLOCK_OFF,
                         "手机时间与服务器相差太大，已按服务器时间校正，请重新同步。"
                                             " The phone's clock is too far off the server's: "
                                             "correct it and sync again.",
                         server_time=now.isoformat())


class BatchTooLarge(DomainError):
    status = 413

    def __init__(self, count: int, limit: int):
        super().__init__(Reason.BATCH_TOO_LARGE,
                         f"一次最多上传 {limit} 条，本次 {count} 条，请分批。"
                                            f" At most {limit} events a push ({count} sent): "
                                            "split the batch.")


class Rejected(Exception):
    """An envelope refused: it goes to quarantine with ``reason``, under the worker's county when
    known."""

    def __init__(self, reason: str, message: str, county_code: str | None = None):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.county_code = county_code
