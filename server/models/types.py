"""Column types shared by the models."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import DateTime, types

from server.domain import calendar


class UTCDateTime(types.TypeDecorator):
    """Stored as naive UTC on every backend, always returned timezone-aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=dt.UTC)


def utcnow() -> dt.datetime:
    return calendar.now()


def new_uuid() -> str:
    return str(uuid.uuid4())
