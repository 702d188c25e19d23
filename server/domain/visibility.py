"""What of a worker each role may see, as pure rules on the representation the API answers:
greeters the few fields a station needs, employers no poverty status, birth date or wishes — and
nothing of where someone they once employed works now. Other roles see it all."""
from __future__ import annotations

from dataclasses import dataclass

from server.domain.id_numbers import PROTECTED_FIELDS


@dataclass(frozen=True)
class Viewer:
    """Who looks: a role, and for an employer's staff the employer."""

    role: str
    employer_id: str | None = None


# Fields of the worker representation each role may see; a role not listed sees all.
GREETER_FIELDS = frozenset(
    {"id", "name", "id_masked", "id_last4", "gender", "home", "status", "card_serial"}
)
EMPLOYER_HIDDEN = frozenset({"poor_household", "birth_date", "desired_jobs", "expected_pay"})
# What an employer does not see of someone it employed once who works for another employer now.
ELSEWHERE = frozenset({"current_employer", "current_employer_id", "current_employer_name",
                       "employed_since", "continuous_employment_days", "last_confirmed_on",
                       "milestones", "pay"})
HOME_FOR_ROLE = {"greeter": {"county_code", "county_name", "township"},
                 "employer": {"county_code", "county_name", "township"}}
# Keys in event data that are never answered: ciphertext and index of the ID number.
SECRET_KEYS = frozenset(PROTECTED_FIELDS)


def visible_worker(representation: dict, viewer: Viewer) -> dict:
    """The worker representation with only the fields ``viewer``'s role may see."""
    if viewer.role == "greeter":
        shown = {k: v for k, v in representation.items() if k in GREETER_FIELDS}
    elif viewer.role == "employer":
        shown = {k: v for k, v in representation.items() if k not in EMPLOYER_HIDDEN}
        if employer_of(representation) not in (None, viewer.employer_id):
            # left, and at work elsewhere now: not where, nor since when
            shown = {k: v for k, v in shown.items() if k not in ELSEWHERE}
    else:
        return representation
    if "home" in shown:
        shown["home"] = {k: v for k, v in shown["home"].items() if k in HOME_FOR_ROLE[viewer.role]}
    return shown


def employer_of(representation: dict) -> str | None:
    """The current employer a worker representation names, if any."""
    current = representation.get("current_employer")
    if isinstance(current, dict):
        return current.get("id")
    return representation.get("current_employer_id")


def visible_event_data(data: dict, viewer: Viewer) -> dict:
    """Event data as ``viewer`` may see it: never the ID ciphertext or index; for greeters and
    employers, the profile fields of a registration or correction as for the worker."""
    visible = {k: v for k, v in data.items() if k not in SECRET_KEYS}
    if viewer.role in ("greeter", "employer"):
        visible = visible_worker(visible, viewer)
    return visible
