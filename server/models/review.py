"""A reviewer's decision on an event flagged for review (the event itself never changes)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import UTCDateTime, utcnow


class ReviewDecision(db.Model):
    __tablename__ = "review_decisions"

    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(12))  # accepted | voided
    note: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
