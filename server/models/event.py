"""The append-only event log: the truth from which every record is folded."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import UTCDateTime, utcnow


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_worker_order", "worker_id", "occurred_at"),
        Index("uq_events_device_seq", "device_id", "device_seq", unique=True),
    )

    # server order, pull cursor
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    # made by the client: the idempotency key
    id: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(40), index=True)
    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id"))
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  # device clock, stored in UTC
    occurred_offset_minutes: Mapped[int] = mapped_column(default=0)  # the device's UTC offset
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    device_id: Mapped[str | None] = mapped_column(String(100))
    # 1, 2, 3… per device: gaps show loss
    device_seq: Mapped[int | None] = mapped_column(BigInteger)
    # what the device sent, to tell replays
    envelope_hash: Mapped[str | None] = mapped_column(String(64))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # who scanned or typed it
    # Loaded only where asked for (``selectinload``): read unasked, it raises rather than query
    # once an event.
    actor = relationship("User", foreign_keys=[actor_id], viewonly=True, lazy="raise")
    # who synced it, on a shared phone
    pushed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    fair_id: Mapped[str | None] = mapped_column(String(36), index=True)
    batch_id: Mapped[str | None] = mapped_column(String(36), index=True)
    employer_id: Mapped[str | None] = mapped_column(String(36), index=True)
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    raw_code: Mapped[str | None] = mapped_column(Text)
    flags: Mapped[list] = mapped_column(JSON, default=list)
    # Set once, when the retention rule removed the personal data from ``data`` and ``raw_code``:
    # the one change the database lets happen to a stored event (see migration 0004).
    redacted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    @property
    def local_occurred_at(self) -> dt.datetime:
        """``occurred_at`` in the time zone of the device that recorded it."""
        return device_time(self.occurred_at, self.occurred_offset_minutes)


def device_time(occurred_at: dt.datetime, offset_minutes: int) -> dt.datetime:
    return occurred_at.astimezone(dt.timezone(dt.timedelta(minutes=offset_minutes)))
