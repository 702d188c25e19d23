"""People who use the system, the tokens scripts use, and employers."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import UTCDateTime, new_uuid, utcnow

ROLES = ("admin", "county", "workstation", "fair_staff", "greeter", "employer", "worker")


class Employer(db.Model):
    __tablename__ = "employers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    county_code: Mapped[str | None] = mapped_column(String(6))
    employer_id: Mapped[str | None] = mapped_column(ForeignKey("employers.id"))
    station: Mapped[str | None] = mapped_column(String(100))
    worker_id: Mapped[str | None] = mapped_column(ForeignKey("workers.id"))
    active: Mapped[bool] = mapped_column(default=True)
    # random, not the id
    webauthn_handle: Mapped[str | None] = mapped_column(String(100), index=True, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    employer: Mapped[Employer | None] = relationship()


class ApiToken(db.Model):
    """A Bearer token for scripts and integrations; only the SHA-256 of the token is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
