"""What the office may change about a program county; the counties themselves are the region data.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import UTCDateTime, utcnow


class CountyHotline(db.Model):
    """The number of a county's labor workstation in the destination city, as the office set it
    (``server/data/regions.json`` has the seed's; printed on cards, shown on workers' phones)."""

    __tablename__ = "county_hotlines"

    county_code: Mapped[str] = mapped_column(String(6), primary_key=True)  # the current code
    number: Mapped[str | None] = mapped_column(String(20))  # None: the program's line again
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
