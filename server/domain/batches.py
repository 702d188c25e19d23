"""Transfer batches: the team-leader rule and the station's arrival board. Pure functions.

The program learned that a township sending more than 20 people must name a team leader who
travels with them; and that at the station, by name, who came, who did not and who came
unannounced is what the greeters need to see.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

# more than this many from one township: a team leader travels with them
TEAM_LEADER_THRESHOLD = 20


@dataclass(frozen=True)
class Member:
    """Someone on a batch's roster, or someone who arrived on it unannounced."""

    worker_id: str
    name: str | None
    township: str | None
    phone: str | None = None  # for the greeter to call someone missing at the station
    departed: bool = False


def townships_needing_leader(
    townships: Iterable[str | None], leaders: Iterable[str]
) -> dict[str, int]:
    """Townships with more than the threshold on the batch and no team leader: township -> people.
    """
    counts = Counter(t or "" for t in townships)
    named = set(leaders)
    return {t: n for t,
            n in sorted(counts.items()) if n > TEAM_LEADER_THRESHOLD and t not in named}


def arrival_board(roster: list[Member], arrived_ids: set[str], unexpected: list[Member], *,
                  departed: bool, leaders: dict[str, dict]) -> dict:
    """Expected, arrived, missing and unexpected, in total and by township with its team leader.

    Once the batch has departed, those absent at the roll-call are no longer expected."""
    expected = [m for m in roster if m.departed or not departed]
    by_township: dict[str, dict] = {}
    for member in expected:
        group = by_township.setdefault(member.township or "", {
            "township": member.township or "", "team_leader": leaders.get(member.township or ""),
            "expected": 0, "arrived": 0, "missing": []})
        group["expected"] += 1
        if member.worker_id in arrived_ids:
            group["arrived"] += 1
        else:
            group["missing"].append(_person(member))
    missing = [m for m in expected if m.worker_id not in arrived_ids]
    return {
        "expected": len(expected),
        "arrived": len(expected) - len(missing),
        "missing": len(missing),
        "unexpected": len(unexpected),
        "townships": sorted(by_township.values(), key=lambda g: g["township"]),
        "missing_people": [_person(m) for m in missing],
        "unexpected_people": [_person(m) for m in unexpected],
    }


def _person(member: Member) -> dict:
    return {"worker_id": member.worker_id, "name": member.name, "township": member.township,
            "phone": member.phone}
