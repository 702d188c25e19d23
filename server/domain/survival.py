"""The retention curve: the share of workers still employed k months after arriving, estimated
the Kaplan–Meier way so that people who arrived recently count for the months they have had
and no more. A naive ratio ("still employed / ever arrived" at month 6) counts someone who
arrived last month as a failure at six months; here they are *censored*: at risk until their
last observed day, then out of the denominator.

Time is in 30-day months since arrival. Within a month, endings are taken before censorings
(the usual convention for ties).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class CurvePoint:
    month: int
    # the estimated share still employed at the start of the month; None: nobody observed
    survival: float | None
    # this long yet (after the last censoring there is nothing to estimate from; after everyone
    # left it is 0)
    at_risk: int  # workers observed at the start of the month
    ended: int  # employments that ended during the month
    censored: int  # workers whose observation stops during the month, still employed


def kaplan_meier(counts: Iterable[tuple[int, bool, int]], months: int) -> list[CurvePoint]:
    """``counts``: (month of the last observed day, whether the employment ended there, how many
    workers) — a GROUP BY's rows. Answers months 0…``months``."""
    ended, censored = [0] * (months + 1), [0] * (months + 1)
    total = 0
    for month, did_end, n in counts:
        total += n
        if month > months:
            continue  # observed past the curve's end: at risk throughout it
        (ended if did_end else censored)[month] += n
    curve, survival, at_risk = [], 1.0, total
    for month in range(months + 1):
        curve.append(CurvePoint(month, survival if at_risk or not survival else None, at_risk,
                                ended[month], censored[month]))
        if at_risk:
            survival *= 1 - ended[month] / at_risk
        at_risk -= ended[month] + censored[month]
    return curve
