"""Issued cards and the keys that sign them."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import UTCDateTime, utcnow

KEY_STATUSES = ("active", "verify_only", "revoked")


class SigningKey(db.Model):
    """A public key and its status; the private half lives in the instance folder, never here."""

    __tablename__ = "signing_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(8), index=True)  # hex; not unique: 4 bytes can collide
    public_key: Mapped[str] = mapped_column(String(64))  # base64url of the raw 32 bytes
    status: Mapped[str] = mapped_column(String(12), default="active")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Credential(db.Model):
    __tablename__ = "credentials"

    serial: Mapped[str] = mapped_column(String(16), primary_key=True)  # hex of the 8-byte serial
    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id"), index=True)
    signing_key_id: Mapped[int] = mapped_column(ForeignKey("signing_keys.id"))
    qr: Mapped[str] = mapped_column(Text)
    fallback_code: Mapped[str] = mapped_column(String(10), unique=True)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date] = mapped_column(Date)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(200))
