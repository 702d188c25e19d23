"""A spreadsheet a county office uploads: checked row by row, then applied; never half-silently."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import UTCDateTime, new_uuid, utcnow


class RosterImport(db.Model):
    __tablename__ = "roster_imports"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    filename: Mapped[str] = mapped_column(String(200))
    # the upload holds ID numbers: AES-GCM like every other copy
    file_enc: Mapped[str] = mapped_column(Text)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # uploaded | checked | applying | applied
    status: Mapped[str] = mapped_column(String(12), default="uploaded")
    headings: Mapped[list] = mapped_column(JSON)
    mapping: Mapped[dict | None] = mapped_column(JSON)
    defaults: Mapped[dict | None] = mapped_column(JSON)
    total_rows: Mapped[int] = mapped_column(default=0)
    valid_rows: Mapped[int] = mapped_column(default=0)
    problem_rows: Mapped[int] = mapped_column(default=0)
    # the progress of an apply, then its result
    imported_rows: Mapped[int] = mapped_column(default=0)
    # [{row, name, id_masked, field, code, message}]
    problems: Mapped[list | None] = mapped_column(JSON)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    @property
    def fair_id(self) -> str | None:
        """Pre-registrations for this fair, when the check named one."""
        return (self.defaults or {}).get("fair_id")
