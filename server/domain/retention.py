"""The retention rule: who is due for erasure, and what of an event survives it. Pure functions.

A person has left the program when nothing has happened on their record for ``years`` years
(their employment ended, or they went silent: no confirmation, no scan). Then their personal
data goes — name, ID number, phone, village, birth day, every free text — and what counts
for the program's statistics stays: county and township, gender, birth year, poverty status,
education, skills, and every event's type, time and context (fair, batch, employer).
"""
from __future__ import annotations

import datetime as dt

PROFILE_TYPES = ("worker.registered", "worker.updated")
# What a profile event keeps: the statistical fields, nothing that names or reaches a person.
KEPT_PROFILE_FIELDS = ("gender", "poor_household", "skills", "desired_jobs", "education",
                       "consent", "duplicate_of")
KEPT_HOME_FIELDS = ("county_code", "township")
# Free text anywhere may name someone: it goes from every event.
FREE_TEXT_FIELDS = ("note", "text", "reason_text")


def erasure_cutoff(today: dt.date, years: int) -> dt.date:
    """The day before which a record's last event must lie for the record to be erased."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February, and the year ``years`` back has none
        return today.replace(year=today.year - years, day=28)


def is_due(last_event_day: dt.date | None, today: dt.date, years: int) -> bool:
    """Whether a record whose latest event happened on ``last_event_day`` is due for erasure."""
    return last_event_day is not None and last_event_day < erasure_cutoff(today, years)


def redact(event_type: str, data: dict) -> dict:
    """``data`` of an event as it stays after erasure."""
    if event_type in PROFILE_TYPES:
        kept = {key: data[key] for key in KEPT_PROFILE_FIELDS if key in data}
        if isinstance(data.get("home"), dict):
            kept["home"] = {key: data["home"][key] for key in KEPT_HOME_FIELDS
                            if key in data["home"]}
        if data.get("birth_date"):
            kept["birth_year"] = int(str(data["birth_date"])[:4])
        return kept
    return {key: value for key, value in data.items() if key not in FREE_TEXT_FIELDS}
