"""Issuing, revoking and verifying workers' QR cards."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from server.domain import calendar
from server.domain.credentials import (
    CardClaims,
    CredentialError,
    shorten_display_name,
    sign_credential,
    verify_credential,
)
from server.domain.fallback_codes import new_fallback_code, normalize_fallback_code
from server.domain.reasons import Reason
from server.errors import Conflict, ScanRefused
from server.extensions import db
from server.models import Credential, User, Worker
from server.models.types import utcnow
from server.services import access, keyring
from server.services.changes import stage_change
from server.services.events import record_event
from server.services.unit_of_work import use_case
from server.services.workers import get_worker


@use_case
def issue_credential(
    worker_id: str, actor: User, *, idempotency_key: str | None = None,
    today: dt.date | None = None
) -> Credential:
    """Sign a new card for the worker and revoke the card it replaces.

    With an ``idempotency_key`` a repeated request answers the card made the first time.
    """
    access.require(actor, "card.issue")
    worker = get_worker(worker_id, actor)
    if idempotency_key:
        earlier = db.session.scalar(
            select(Credential).where(Credential.idempotency_key == idempotency_key)
        )
        if earlier is not None:
            if earlier.worker_id != worker.id:
                raise Conflict(Reason.IDEMPOTENCY_KEY_REUSED,
                               "Idempotency-Key was already used for another worker.")
            return earlier
    credential = _issue(worker, actor, idempotency_key, today or calendar.today())
    return credential


def active_credential(worker: Worker) -> Credential | None:
    return db.session.scalar(
        select(Credential).where(Credential.worker_id == worker.id,
                                 Credential.revoked_at.is_(None))
        .order_by(Credential.issued_at.desc())
    )


@use_case
def ensure_credentials(
    workers: list[Worker], actor: User, *, today: dt.date | None = None
) -> list[Credential]:
    """Each worker's valid card, issuing one for those without (printing a fair's sheet)."""
    access.require(actor, "card.issue")
    today = today or calendar.today()
    credentials = []
    for worker in workers:
        credential = active_credential(worker)
        if credential is None or credential.expires_on < today:
            credential = _issue(worker, actor, None, today)
        credentials.append(credential)
    return credentials


@dataclass(frozen=True)
class Holder:
    """A card and the worker it was issued to (``schemas.credentials`` shapes them)."""

    credential: Credential
    worker: Worker


def holder(credential: Credential) -> Holder:
    """The card with the worker it was issued to."""
    return Holder(credential, db.session.get(Worker, credential.worker_id))


def verify_scan(actor: User, *, qr: str | None = None, fallback_code: str | None = None,
                today: dt.date | None = None) -> Credential:
    """The card behind a scanned QR text or a keyed-in fallback code; ``ScanRefused`` otherwise."""
    access.require(actor, "scan.verify")
    today = today or calendar.today()
    if qr is not None:
        try:
            claims, _key = verify_credential(qr, keyring.trusted_keys(), today=today)
        except CredentialError as exc:
            raise ScanRefused(exc.reason, exc.message) from None
        credential = db.session.get(Credential, claims.serial.hex())
    else:
        code = normalize_fallback_code(fallback_code or "")
        if code is None:
            raise ScanRefused(Reason.MALFORMED, "备用码有误，请核对卡上的10位字符。 The code is "
                                           "mistyped: check the 10 characters on the card.")
        credential = db.session.scalar(select(Credential).where(Credential.fallback_code == code))
        if credential is None:
            raise ScanRefused(Reason.UNKNOWN_CODE, "没有此备用码的卡。 No card has this code.")
        if credential.expires_on < today:
            raise ScanRefused(Reason.EXPIRED,
                              f"card expired on {credential.expires_on.isoformat()}")
    if credential is None or credential.revoked_at is not None:
        raise ScanRefused(Reason.REVOKED,
                          "此卡已挂失或作废，请补发新卡。 This card was revoked: issue a new one.")
    return credential


def _issue(worker: Worker, actor: User, idempotency_key: str | None, today: dt.date) -> Credential:
    now = utcnow()
    for previous in db.session.scalars(
        select(Credential).where(Credential.worker_id == worker.id,
                                 Credential.revoked_at.is_(None))
    ):
        previous.revoked_at = now
        previous.revoked_reason = "replaced"
        stage_change(db.session, "revocation", previous.serial)
        record_event(worker, "credential.revoked", actor=actor,
                     data={"serial": previous.serial, "reason": "replaced"})
    key, private_key = keyring.active_signing_key()
    claims = CardClaims(
        serial=secrets.token_bytes(8),
        issued_on=today,
        expires_on=today + dt.timedelta(days=current_app.config["LABORPASS_CARD_VALIDITY_DAYS"]),
        display_name=shorten_display_name(worker.name),
        id_last4=worker.id_last4,
        county_code=int(worker.home_county_code),
    )
    credential = Credential(
        serial=claims.serial.hex(),
        worker_id=worker.id,
        signing_key_id=key.id,
        qr=sign_credential(claims, private_key),
        fallback_code=_unused_fallback_code(),
        issued_at=now,
        issued_on=claims.issued_on,
        expires_on=claims.expires_on,
        issued_by=actor.id,
        idempotency_key=idempotency_key,
    )
    db.session.add(credential)
    db.session.flush()
    record_event(worker, "credential.issued", actor=actor,
                 data={"serial": credential.serial, "kid": key.kid,
                       "expires_on": claims.expires_on.isoformat()})
    return credential


def _unused_fallback_code() -> str:
    while True:
        code = new_fallback_code()
        if (
            db.session.scalar(select(Credential.serial).where(Credential.fallback_code == code))
            is None
        ):
            return code
