"""The programme's calendar: one way from a moment to a day, and one today.

The programme lives in China's calendar: a scan's day, a milestone's day, the day a report is
"as of", the date an office action is given — each is the day in the programme's time zone
(``LABORPASS_TIMEZONE``, default ``Asia/Shanghai``), never the server's. Between 00:00 and 08:00
in Beijing the UTC clock is still on yesterday; a phone whose own zone is set wrong does not move
a scan to another day either.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Shanghai"
_zone = ZoneInfo(DEFAULT_ZONE)


def use_zone(name: str) -> None:
    """Set the programme's time zone (``create_app`` does, from ``LABORPASS_TIMEZONE``)."""
    global _zone
    _zone = ZoneInfo(name)


def zone() -> ZoneInfo:
    return _zone


def now() -> dt.datetime:
    """This moment, timezone-aware (UTC)."""
    return dt.datetime.now(dt.UTC)


def day_of(moment: dt.datetime) -> dt.date:
    """The programme's day at ``moment`` (timezone-aware)."""
    return moment.astimezone(_zone).date()


def today() -> dt.date:
    """The programme's day now."""
    return day_of(now())


def start_of(day: dt.date) -> dt.datetime:
    """The first moment of the programme's ``day`` (timezone-aware)."""
    return dt.datetime.combine(day, dt.time(), _zone)
