"""The real-name record: a projection of the worker's events, never edited by hand."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import UTCDateTime, new_uuid, utcnow


class Worker(db.Model):
    __tablename__ = "workers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    # Identity. The ID number exists only as AES-GCM ciphertext and an HMAC blind index.
    # All of it is empty once the retention rule erased the person (``erased_at``).
    id_number_enc: Mapped[str | None] = mapped_column(String(200))
    id_number_bidx: Mapped[str | None] = mapped_column(String(64), unique=True)
    id_last4: Mapped[str | None] = mapped_column(String(4), index=True)
    id_region_code: Mapped[str | None] = mapped_column(String(6))
    name: Mapped[str | None] = mapped_column(String(100), index=True)
    gender: Mapped[str] = mapped_column(String(6))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    birth_year: Mapped[int | None] = mapped_column()  # kept after erasure, for statistics by age
    phone: Mapped[str | None] = mapped_column(String(20))
    home_county_code: Mapped[str] = mapped_column(String(6), index=True)
    home_township: Mapped[str | None] = mapped_column(String(100))
    home_village: Mapped[str | None] = mapped_column(String(100))
    poor_household: Mapped[bool] = mapped_column(default=False)
    skills: Mapped[list] = mapped_column(JSON, default=list)
    desired_jobs: Mapped[list] = mapped_column(JSON, default=list)
    education: Mapped[str | None] = mapped_column(String(40))
    # Derived from the events by domain.record.fold.
    status: Mapped[str] = mapped_column(String(20), index=True)
    milestones: Mapped[dict] = mapped_column(JSON, default=dict)
    current_employer_id: Mapped[str | None] = mapped_column(ForeignKey("employers.id"), index=True)
    employed_since: Mapped[dt.date | None] = mapped_column(Date)
    employment_ended_on: Mapped[dt.date | None] = mapped_column(Date)
    last_confirmed_on: Mapped[dt.date | None] = mapped_column(Date)
    trainings: Mapped[dict | None] = mapped_column(JSON)  # training id -> hours attended
    card_serial: Mapped[str | None] = mapped_column(String(16))
    last_event_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # What reports count (domain.progress): the first day at each stage or past it, the day 1, 3
    # and 6 confirmed months were reached, the first spell's end, the employer the worker counts
    # for, and the events the stability rules read — so reports are GROUP BYs over this table's
    # covering indexes (migration 0012).
    registered_on: Mapped[dt.date | None] = mapped_column(Date)
    fair_on: Mapped[dt.date | None] = mapped_column(Date)
    first_fair_id: Mapped[str | None] = mapped_column(String(36))
    intent_on: Mapped[dt.date | None] = mapped_column(Date)
    assigned_on: Mapped[dt.date | None] = mapped_column(Date)
    departed_on: Mapped[dt.date | None] = mapped_column(Date)
    arrived_on: Mapped[dt.date | None] = mapped_column(Date)
    onboarded_on: Mapped[dt.date | None] = mapped_column(Date)
    month1_on: Mapped[dt.date | None] = mapped_column(Date)
    month3_on: Mapped[dt.date | None] = mapped_column(Date)
    month6_on: Mapped[dt.date | None] = mapped_column(Date)
    spell_ended_on: Mapped[dt.date | None] = mapped_column(Date)
    spell_silent_on: Mapped[dt.date | None] = mapped_column(Date)
    counted_employer_id: Mapped[str | None] = mapped_column(String(36))
    reassignments: Mapped[int] = mapped_column(default=0, server_default="0")
    # the intention's follow-up (domain.follow_up): first reached, the latest answer, the calls
    followed_up_on: Mapped[dt.date | None] = mapped_column(Date)
    follow_up_intent_on: Mapped[dt.date | None] = mapped_column(Date)  # the latest intention's
    follow_up_coming: Mapped[bool | None] = mapped_column()
    follow_up_reason: Mapped[str | None] = mapped_column(String(20))
    follow_up_calls: Mapped[int] = mapped_column(default=0, server_default="0")
    follow_up_reached: Mapped[bool | None] = mapped_column()
    follow_up: Mapped[dict | None] = mapped_column(JSON)
    # pay against expectation (domain.pay): the fair's expectation, the latest month's figures
    expected_pay: Mapped[int | None] = mapped_column()
    pay_month: Mapped[str | None] = mapped_column(String(7))
    pay: Mapped[int | None] = mapped_column()  # the employer's figure
    pay_disputed: Mapped[bool | None] = mapped_column()
    pay_claimed: Mapped[int | None] = mapped_column()  # the worker's, when disputed
    low_pay_months: Mapped[int] = mapped_column(default=0, server_default="0")
    pay_posting_id: Mapped[str | None] = mapped_column(String(36))
    # requests for help not closed (domain.help), and the day the oldest was made
    help_open: Mapped[int] = mapped_column(default=0, server_default="0")
    help_open_since: Mapped[dt.date | None] = mapped_column(Date)
    stability_facts: Mapped[list | None] = mapped_column(JSON)
    spells: Mapped[list | None] = mapped_column(JSON)
    event_count: Mapped[int] = mapped_column(default=0)
    erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
