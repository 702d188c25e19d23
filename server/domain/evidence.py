"""The standing of the evidence that pays: when a scan may be kept, and when it counts toward
money.

Subsidy fraud looks like employment that exists only on paper: an employer's onboarding dated
200 days back and a row of monthly confirmations sent the same afternoon. So a scan that pays —
an arrival, an onboarding, a confirmation at work, a re-assignment — carries its standing:

- its time must be possible: not before the programme began (``LABORPASS_PROGRAMME_START``), not
  before the worker was registered (phones' clocks differ by minutes: ``CLOCK_LEEWAY``), not
  later than it reached the server (the same leeway). Otherwise it is refused (quarantined);
- ``late``: it reached the server more than ``late_days`` (``LABORPASS_LATE_DAYS``, 7) after the
  day it vouches for — the scan's day, or an onboarding's stated start day. Phones are offline for
  days, not for months;
- ``keyed``: it names the worker by id (or by an unsigned temporary pass), not by a scanned card
  — a worker's own scan of the workplace code aside, which is theirs to make;
- the review flags it already had (``domain.lifecycle.REVIEW_FLAGS``).

Doubtful evidence is kept and shown, and counts toward no payout until a reviewer accepts it (a
reviewer who voids it removes it). A payout resting on doubtful evidence is ``held``.
"""
from __future__ import annotations

import datetime as dt

from server.domain import calendar
from server.domain.lifecycle import REVIEW_FLAGS
from server.domain.reasons import Reason

LATE = "late"
KEYED = "keyed"
DOUBTS = (*REVIEW_FLAGS, LATE, KEYED)  # what makes evidence doubtful until a reviewer accepts it
PAYING_TYPES = ("station.arrived", "employer.onboarded", "employment.confirmed",
                "employment.reassigned")
CLOCK_LEEWAY = dt.timedelta(minutes=10)

# Rejections of a scan whose time cannot be.

DOUBT_NAMES = {
    LATE: ("补录超期", "recorded late"),
    KEYED: ("未扫卡，按编号录入", "keyed in by id, no card scanned"),
    "onboarded_without_arrival": ("无到站记录即入职", "onboarded with no arrival"),
    "second_employer": ("在职期间被另一企业登记入职", "onboarded while employed elsewhere"),
    "arrived_for_two_batches": ("到站记录属于两个批次", "arrived for two batches"),
    "after_leaving": ("离职后的在岗记录", "a scan at work after leaving"),
}


def vouches_for(type: str, day: dt.date, data: dict) -> dt.date:
    """The day a scan speaks of: its own day, or an onboarding's (re-assignment's) start day when
    earlier."""
    start = (
        data.get("start_date") if type in ("employer.onboarded", "employment.reassigned") else None
    )
    start = dt.date.fromisoformat(start) if isinstance(start, str) else start
    return min(day, start) if start else day


def time_refusal(
    type: str,
    occurred_at: dt.datetime,
    speaks_of: dt.date,
    *,
    received_at: dt.datetime,
    programme_start: dt.date,
    registered_at: dt.datetime | None,
) -> tuple[str, str] | None:
    """Why a scan's time cannot be (a reason code and a message), or None. ``speaks_of``: its
    ``vouches_for`` day."""
    if occurred_at > received_at + CLOCK_LEEWAY:
        return Reason.IN_THE_FUTURE, (f"记录时间 {occurred_at.isoformat()} 晚于服务器收到的时间："
                                      "请校准手机时间后重新扫描。"
                               " The scan's time is after the server received it: set the phone's "
                               "clock and scan again.")
    if speaks_of < programme_start:
        return Reason.BEFORE_PROGRAMME, (f"记录的日期 {speaks_of.isoformat()} "
                                         f"早于项目开始（{programme_start.isoformat()}）。"
                                  " The scan speaks of a day before the programme began "
                                  f"({programme_start.isoformat()}).")
    if type == "worker.registered" or registered_at is None:
        return None
    if occurred_at < registered_at - CLOCK_LEEWAY or speaks_of < calendar.day_of(registered_at):
        return Reason.BEFORE_REGISTRATION, ("记录的时间早于此人登记的时间"
                                            f"（{calendar.day_of(registered_at).isoformat()}）。"
                                     " The scan speaks of a time before this person was registered"
                                     f" ({calendar.day_of(registered_at).isoformat()}).")
    return None


def standing_flags(type: str, *, vouches_for: dt.date, received_on: dt.date, late_days: int,
                   by_card: bool, by_the_worker: bool) -> list[str]:
    """``late`` and ``keyed`` for a paying scan (see the module's docstring); [] for other types.
    ``vouches_for``: the day the scan speaks of (an onboarding's start day when earlier than the
    scan)."""
    if type not in PAYING_TYPES:
        return []
    flags = []
    if (received_on - vouches_for).days > late_days:
        flags.append(LATE)
    if not by_card and not by_the_worker:
        flags.append(KEYED)
    return flags


def doubts(flags, *, accepted: bool) -> tuple[str, ...]:
    """What makes a piece of evidence doubtful: its doubt flags, unless a reviewer accepted it."""
    return () if accepted else tuple(f for f in flags or () if f in DOUBTS)


def describe_doubts(reasons) -> str:
    """The reasons in both languages, for explanations and exports."""
    names = [DOUBT_NAMES.get(r, (r, r)) for r in reasons]
    return "、".join(zh for zh, _ in names) + " (" + ", ".join(en for _, en in names) + ")"
