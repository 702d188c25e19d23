"""Subsidy policies (each edit a new version) and the payout ledger (one row per milestone, ever).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.domain.subsidies import Policy
from server.extensions import db
from server.models.types import UTCDateTime, utcnow


class SubsidyPolicy(db.Model):
    __tablename__ = "subsidy_policies"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60))
    version: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    params: Mapped[dict] = mapped_column(JSON)
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    def rule(self) -> Policy:
        return Policy(self.code, self.version, self.kind, self.name, self.effective_from,
                      self.effective_to, self.params, self.filters or {})


class Payout(db.Model):
    """A milestone someone became eligible for: eligible (or held, on doubtful evidence, until a
    reviewer settles it) → approved → paid, or rejected; back to
    review when later evidence removes the eligibility of an unpaid one; a paid one is flagged,
    never reversed. ``key`` (policy, subject, spell, milestone) is unique: nothing is paid twice.
    """

    __tablename__ = "payouts"
    __table_args__ = (Index("ix_payouts_status_county", "status", "county_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    policy_code: Mapped[str] = mapped_column(String(60))
    policy_version: Mapped[int]
    worker_id: Mapped[str | None] = mapped_column(String(36), index=True)
    employer_id: Mapped[str | None] = mapped_column(String(36), index=True)
    # the worker's home county: scope and totals
    county_code: Mapped[str | None] = mapped_column(String(6))
    amount: Mapped[int]
    reached_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="eligible")
    explanation: Mapped[list] = mapped_column(JSON, default=list)
    flags: Mapped[list] = mapped_column(JSON, default=list)
    # held: the doubtful evidence it rests on, [{event_id, type, day, reasons}] (domain.evidence)
    held_for: Mapped[list] = mapped_column(JSON, default=list)
    # [{status, by, at, reason}]: each step by a named user
    history: Mapped[list] = mapped_column(JSON, default=list)
    # the last recompute that changed it
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Target(db.Model):
    """A county's targets for a year (the seed's plan: 10,000 transfers; 2017: 3,000)."""

    __tablename__ = "targets"

    county_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    transfers: Mapped[int] = mapped_column(default=0)
    arrivals: Mapped[int] = mapped_column(default=0)
    stable_3_months: Mapped[int] = mapped_column(default=0)
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
