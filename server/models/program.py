"""The program's own things: recruitment fairs with their employers and jobs, and transfer batches.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, ForeignKey, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import UTCDateTime, new_uuid, utcnow
from server.models.user import Employer


class Fair(db.Model):
    """A recruitment fair held in an origin county's township or village."""

    __tablename__ = "fairs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    name: Mapped[str] = mapped_column(String(200))
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    township: Mapped[str | None] = mapped_column(String(100))
    village: Mapped[str | None] = mapped_column(String(100))
    venue: Mapped[str] = mapped_column(String(200))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    starts_at: Mapped[dt.time] = mapped_column(Time)
    ends_at: Mapped[dt.time] = mapped_column(Time)
    organiser: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    employers: Mapped[list[Employer]] = relationship(secondary="fair_employers",
                                                     order_by=Employer.name)
    postings: Mapped[list[Posting]] = relationship(back_populates="fair",
                                                   order_by="Posting.created_at")


class FairEmployer(db.Model):
    __tablename__ = "fair_employers"

    fair_id: Mapped[str] = mapped_column(ForeignKey("fairs.id"), primary_key=True)
    employer_id: Mapped[str] = mapped_column(ForeignKey("employers.id"), primary_key=True,
                                             index=True)
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Posting(db.Model):
    """A job an employer brings to a fair: what it pays and what comes with it decide who goes
    and who stays (the program's 2017 lesson), so all of it is stated."""

    __tablename__ = "postings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    fair_id: Mapped[str] = mapped_column(ForeignKey("fairs.id"), index=True)
    employer_id: Mapped[str] = mapped_column(ForeignKey("employers.id"), index=True)
    job_type: Mapped[str] = mapped_column(String(40))  # a code of the shared catalogue
    title: Mapped[str | None] = mapped_column(String(100))
    openings: Mapped[int] = mapped_column()
    wage_min: Mapped[int] = mapped_column()  # yuan a month
    wage_max: Mapped[int] = mapped_column()
    wage_basis: Mapped[str] = mapped_column(String(12))  # fixed | piece_rate
    hours: Mapped[str] = mapped_column(String(100))
    housing: Mapped[bool] = mapped_column()
    food: Mapped[bool] = mapped_column()
    # where the work is, in the destination city
    district_code: Mapped[str] = mapped_column(String(6))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    fair: Mapped[Fair] = relationship(back_populates="postings")
    employer: Mapped[Employer] = relationship()


class Batch(db.Model):
    """Organised travel from an origin county to the destination city: a train, a roster, leaders.

    The roster is not stored here: it is the workers whose latest ``batch.assigned`` event
    names this batch (the event log stays the one truth)."""

    __tablename__ = "batches"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    name: Mapped[str] = mapped_column(String(200))
    origin_county_code: Mapped[str] = mapped_column(String(6), index=True)
    departure_station: Mapped[str] = mapped_column(String(100))
    departs_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    train_number: Mapped[str] = mapped_column(String(20))
    carriages: Mapped[str | None] = mapped_column(String(100))
    destination_station: Mapped[str] = mapped_column(String(100), index=True)
    expected_arrival_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="planned")  # planned | departed
    departed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    employers: Mapped[list[Employer]] = relationship(secondary="batch_employers",
                                                     order_by=Employer.name)
    team_leaders: Mapped[list[TeamLeader]] = relationship(order_by="TeamLeader.township")


class BatchEmployer(db.Model):
    __tablename__ = "batch_employers"

    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id"), primary_key=True)
    employer_id: Mapped[str] = mapped_column(ForeignKey("employers.id"), primary_key=True,
                                             index=True)


class TeamLeader(db.Model):
    """The worker from a township who travels with its people and answers for the group."""

    __tablename__ = "team_leaders"

    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id"), primary_key=True)
    township: Mapped[str] = mapped_column(String(100), primary_key=True)
    worker_id: Mapped[str] = mapped_column(ForeignKey("workers.id"))
    named_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    named_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Handover(db.Model):
    """A group taken from the station by an employer's representative: who, when, which workers."""

    __tablename__ = "handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id"), index=True)
    employer_id: Mapped[str] = mapped_column(ForeignKey("employers.id"))
    representative: Mapped[str] = mapped_column(String(100))
    representative_phone: Mapped[str | None] = mapped_column(String(20))
    worker_ids: Mapped[list] = mapped_column(JSON)
    handed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    handed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Training(db.Model):
    """A training session (a skill, before departure or on the job); attendance is a scan."""

    __tablename__ = "trainings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    title: Mapped[str] = mapped_column(String(200))
    skill: Mapped[str] = mapped_column(String(100))
    provider: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200))
    county_code: Mapped[str] = mapped_column(String(6), index=True)  # the origin county it serves
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column()
    hours: Mapped[float] = mapped_column(default=0)  # attendance hours that complete it
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class WorkSite(db.Model):
    """An employer's workplace, where the day's code is posted for workers to scan."""

    __tablename__ = "work_sites"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    employer_id: Mapped[str] = mapped_column(ForeignKey("employers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    district_code: Mapped[str] = mapped_column(String(6))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
