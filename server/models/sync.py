"""What offline devices need: who owns a device, what was quarantined, and the pull change log."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import UTCDateTime, utcnow


class Device(db.Model):
    """A phone or browser, named by the UUID it made once; ``user_id`` is who first used it.

    ``public_key`` is the phone's own ECDSA P-256 key (``domain.device_keys``): once it is known,
    every push from the device must be signed by it. A fair phone is shared: whoever signs in on
    it with a passkey and the phone's signature becomes one of its ``DeviceUser`` rows, bound to
    the key, and each queued scan names who made it."""

    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(100))
    mode: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_push_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    blocked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    blocked_reason: Mapped[str | None] = mapped_column(String(200))
    public_key: Mapped[str | None] = mapped_column(Text)  # SPKI DER, base64url
    key_added_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class DeviceUser(db.Model):
    """A person who may push from a device. ``bound_at`` is set when they signed in with their
    passkey on the phone itself (the phone's key signed the sign-in's challenge): only then may a
    push signed by the phone name them as the one who made a scan (``scanned_by``)."""

    __tablename__ = "device_users"

    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    joined_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    bound_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class QuarantinedEvent(db.Model):
    """An envelope the server could not apply, kept with its reason until someone resolves it."""

    __tablename__ = "quarantine"
    __table_args__ = (Index("ix_quarantine_device_seq", "device_id", "device_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str | None] = mapped_column(String(100), index=True)
    device_id: Mapped[str] = mapped_column(String(100))
    device_seq: Mapped[int | None] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # the worker's, when known
    county_code: Mapped[str | None] = mapped_column(String(6), index=True)
    reason: Mapped[str] = mapped_column(String(40), index=True)
    message: Mapped[str] = mapped_column(Text)
    envelope: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    times_received: Mapped[int] = mapped_column(Integer, default=1)
    signed: Mapped[bool] = mapped_column(default=False)  # the push came signed by the phone's key
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | reapplied | dismissed
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_event_id: Mapped[str | None] = mapped_column(String(36))


class WorkerAlias(db.Model):
    """A worker id a device made offline that turned out to be a person already registered."""

    __tablename__ = "worker_aliases"

    alias_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id"), index=True)


class Change(db.Model):
    """One row per thing a device may pull; ``position`` is given at commit time, in commit order,
    so a puller never passes a change that commits later (see services/changes.py)."""

    __tablename__ = "changes"
    __table_args__ = (UniqueConstraint("kind", "entity_id", "county_code",
                                       name="uq_changes_entity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[str] = mapped_column(String(100))
    # audience of county-scoped roles
    county_code: Mapped[str] = mapped_column(String(6), default="")
    # for a device's own events
    device_id: Mapped[str | None] = mapped_column(String(100), index=True)
    op: Mapped[str] = mapped_column(String(8), default="upsert")
    position: Mapped[int] = mapped_column(BigInteger, index=True, unique=True)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
