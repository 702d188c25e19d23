"""The program's regions as data: the prefectures that send workers and the destination, their
counties under both code periods, and each origin county's labor workstation in the destination.
An admin edits them (``services.programme``); ``current_programme`` reads them as one
``domain.regions.Programme``."""

from __future__ import annotations

import datetime as dt

from flask import g
from sqlalchemy import JSON, Date, ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from server.domain.regions import County, Prefecture, Programme
from server.extensions import db
from server.models.types import UTCDateTime, utcnow


class ProgramPrefecture(db.Model):
    __tablename__ = "program_prefectures"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    pinyin: Mapped[str] = mapped_column(String(100), default="")
    province: Mapped[str] = mapped_column(String(50))
    side: Mapped[str] = mapped_column(String(12))  # origin | destination
    position: Mapped[int] = mapped_column(default=0)  # the order shown
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProgramCounty(db.Model):
    __tablename__ = "program_counties"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)  # the current code
    prefecture_code: Mapped[str] = mapped_column(ForeignKey("program_prefectures.code"),
                                                 index=True)
    name: Mapped[str] = mapped_column(String(50))
    pinyin: Mapped[str] = mapped_column(String(100), default="")
    # the earlier period's code: ID numbers first issued then still carry it
    former_code: Mapped[str | None] = mapped_column(String(6), unique=True)
    former_name: Mapped[str | None] = mapped_column(String(50))
    position: Mapped[int] = mapped_column(default=0)
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Workstation(db.Model):
    """An origin county's labor workstation in the destination city (劳务工作站): printed on its
    workers' cards and shown on their phones. No row, or no phone: workers see the program's line
    (``LABORPASS_HOTLINE``)."""

    __tablename__ = "workstations"

    county_code: Mapped[str] = mapped_column(ForeignKey("program_counties.code"),
                                             primary_key=True)
    name: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    staff: Mapped[list] = mapped_column(JSON, default=list)  # [{"name": …, "phone": …}]
    established_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def current_programme() -> Programme:
    """The program's regions as stored, read once per application context (a request's, a
    command's); ``programme_changed`` after writing them."""
    if "programme" not in g:
        rows = db.session.execute(
            select(ProgramPrefecture, ProgramCounty)
            .outerjoin(ProgramCounty, ProgramCounty.prefecture_code == ProgramPrefecture.code)
            # origins first ("origin" > "destination"), each in the order it joined
            .order_by(ProgramPrefecture.side.desc(), ProgramPrefecture.position,
                      ProgramCounty.position, ProgramCounty.code)).all()
        prefectures = {p.code: Prefecture(p.code, p.name, p.pinyin, p.province, p.side)
                       for p, _ in rows}
        counties = tuple(County(c.code, c.name, c.pinyin, p.side, p.code, c.former_code,
                                c.former_name) for p, c in rows if c is not None)
        g.programme = Programme(tuple(prefectures.values()), counties)
    return g.programme


def programme_changed() -> None:
    g.pop("programme", None)
