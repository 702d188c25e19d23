"""Roster import: upload, map the columns, a dry run that names every bad row, then apply.

Nothing is imported silently in part: the check reports every row's problem (bad check digit,
duplicate of a row above or of a registered worker, unknown county, outside your county, and
what a clerk would be asked to confirm one by one: under 16, a county outside the program),
downloadable as a spreadsheet; apply imports exactly the rows that pass, each as a
``worker.registered`` event, and reports the rest again. Importing the same file twice
changes nothing the second time: every row is then a worker already registered.

A list of pre-registrations names a fair: each row is also put on that fair's list as a
``fair.preregistered`` event; a person registered already is only put on the list (unless the
name on the row is not the registered one), and a person on the list already is reported.
"""
from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from marshmallow import ValidationError
from sqlalchemy import Row, select

from schemas.base import flatten_errors
from schemas.workers import WorkerInSchema
from server.domain import calendar
from server.domain.id_numbers import IdNumberError
from server.domain.reasons import Reason
from server.domain.regions import consent_notice
from server.domain.roster_files import (
    REQUIRED,
    UnreadableFile,
    mask_id_text,
    read_table,
    registration_payload,
    suggest_mapping,
)
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.extensions import db
from server.models import Event, RosterImport, User, Worker
from server.models.types import new_uuid, utcnow
from server.services import access, audit, fairs
from server.services.events import append, build_event, facts_of, to_fact, worker_rows
from server.services.protection import decrypt_field, encrypt_field
from server.services.queries import not_voided
from server.services.registration import Registration, check_registration, registration_event
from server.services.unit_of_work import use_case

CHUNK = 500  # rows committed together while applying: the progress moves, the lock is let go


@dataclass
class Checked:
    row: int  # the spreadsheet's row number (the headings are row 1)
    name: str
    id_masked: str
    registration: Registration | None = None
    problems: list[dict] = field(default_factory=list)
    worker_id: str | None = None  # registered already: a pre-registration lists this worker


@use_case
def upload(filename: str, content_base64: str, user: User) -> RosterImport:
    access.require(user, "worker.import")
    try:
        content = base64.b64decode(content_base64, validate=True)
        headings, rows = read_table(filename, content)
    except (ValueError, UnreadableFile) as exc:
        message = str(exc) if isinstance(exc, UnreadableFile) else "不是 base64 编码。 Not base64."
        raise InvalidInput({"content_base64": [message]}) from None
    import_id = new_uuid()
    job = RosterImport(id=import_id, filename=filename, uploaded_by=user.id, headings=headings,
                       total_rows=len(rows),
                       file_enc=encrypt_field(import_id, "roster_file", content_base64),
                       mapping=suggest_mapping(headings))
    db.session.add(job)
    audit.record("import.uploaded", actor=user, target=f"import:{job.id}", filename=filename,
                 rows=len(rows))
    return job


def get_import(import_id: str, user: User) -> RosterImport:
    access.require(user, "worker.import")
    job = db.session.get(RosterImport, import_id)
    if job is None or (job.uploaded_by != user.id and not access.sees_others_imports(user)):
        raise NotFound("import")
    return job


@use_case
def check(import_id: str, user: User, *, mapping: dict, county_code: str | None,
          consent_on_paper: bool,
          fair_id: str | None = None, today: dt.date | None = None) -> RosterImport:
    """The dry run: every row checked, every problem kept; nothing registered."""
    job = _open(get_import(import_id, user))
    _check_mapping(job, mapping)
    if not consent_on_paper:
        raise InvalidInput({"consent_on_paper": [
            "请确认名单上每个人都已签署书面同意书。 Confirm every person on the list signed the "
            "paper consent."]})
    if fair_id:
        try:
            fairs.get_fair(fair_id, user)
        except NotFound:
            raise InvalidInput({"fair_id": ["没有这个招聘会，或不在您的范围。 No such fair in "
                                            "your scope."]}) from None
    job.mapping = mapping
    job.defaults = {"county_code": county_code or user.county_code, "fair_id": fair_id}
    _report(job, list(_check_rows(job, user, today or calendar.today())))
    job.status = "checked"
    audit.record("import.checked", actor=user, target=f"import:{job.id}", valid=job.valid_rows,
                 problems=job.problem_rows)
    return job


@use_case
def apply(import_id: str, user: User, *, today: dt.date | None = None) -> RosterImport:
    """Register the rows that pass, ``CHUNK`` at a time (the job shows the progress); checked again
    now, so a worker registered since the dry run is reported, not doubled."""
    job = _open(get_import(import_id, user))
    if job.status != "checked":
        raise Conflict(Reason.NOT_CHECKED,
                       "请先检查（试导入）。 Check the file first (the dry run), then apply.")
    job.status = "applying"
    job.imported_rows = 0
    db.session.commit()  # "applying" is seen at once
    results = list(_check_rows(job, user, today or calendar.today()))
    good = [r for r in results if r.registration and not r.problems]
    fair_id = job.fair_id
    for start in range(0, len(good), CHUNK):
        chunk = good[start:start + CHUNK]
        registered = [r.worker_id for r in chunk if r.worker_id]
        facts = facts_of(registered)
        stored = {row.id: row._mapping for row in worker_rows(registered, lock=True)}
        events = []
        for result in chunk:
            if result.worker_id is None:
                events.append(registration_event(result.registration, user))
                facts[events[-1].worker_id] = []
            if fair_id:
                events.append(build_event(result.worker_id or events[-1].worker_id,
                                          "fair.preregistered", actor=user,
                                          context={"fair_id": fair_id},
                                          data={"import_id": job.id}))
        for event in events:
            facts[event.worker_id].append(to_fact(event, actor_role=user.role))
        append(events, facts, stored)
        job.imported_rows = min(start + CHUNK, len(good))
        db.session.commit()  # each chunk's progress is seen
    _report(job, results)
    job.status = "applied"
    job.finished_at = utcnow()
    audit.record("import.applied", actor=user, target=f"import:{job.id}",
                 imported=job.imported_rows, problems=job.problem_rows)
    return job


def _open(job: RosterImport) -> RosterImport:
    if job.status in ("applying", "applied"):
        raise Conflict(Reason.IMPORT_APPLIED,
                       "此文件已导入。 This file was imported already: upload it again to "
                       "re-check.")
    return job


def _check_mapping(job: RosterImport, mapping: dict) -> None:
    unknown = {f: h for f, h in mapping.items() if h not in job.headings}
    missing = [f for f in REQUIRED if f not in mapping]
    if unknown or missing:
        raise InvalidInput({"mapping": ["缺少或不存在的列： "
                                        f"{', '.join(missing + list(unknown))}。"
                                        f" Map {', '.join(REQUIRED)} to columns of the file."]})


def _check_rows(job: RosterImport, user: User, today: dt.date) -> Iterator[Checked]:
    content = base64.b64decode(decrypt_field(job.id, "roster_file", job.file_enc))
    headings, rows = read_table(job.filename, content)
    defaults = job.defaults | {"consent": {"notice_version": consent_notice()["version"],
                                           "channel": "paper", "agreed": True}}
    seen: dict[str, int] = {}
    schema = WorkerInSchema()
    checked = []
    for number, values in enumerate(rows, start=2):
        row = dict(zip(headings, values, strict=True))
        payload = registration_payload(row, job.mapping, defaults)
        result = Checked(number, payload["name"], mask_id_text(payload["id_number"]))
        try:
            result.registration = check_registration(schema.load(payload), user, today=today)
            # A clerk confirms a warning on one registration; a bulk import takes only rows with
            # none.
            result.problems = [_problem(w["field"], w["code"], w["message"])
                               for w in result.registration.warnings
                               if w["code"] != "old_notice"]
        except ValidationError as exc:
            result.problems = [_problem(f, "invalid", m) for f,
                               ms in flatten_errors(exc.messages).items() for m in ms]
        except InvalidInput as exc:
            code = exc.code if exc.code != "validation_failed" else "invalid"
            result.problems = [_problem(f, code, m) for f,
                               ms in exc.details["errors"].items() for m in ms]
        except IdNumberError as exc:
            result.problems = [_problem("id_number", "invalid", exc.message)]
        except Forbidden as exc:
            result.problems = [_problem("home.county_code", "out_of_scope", exc.message)]
        if result.registration:
            bidx = result.registration.id_number_bidx
            if bidx in seen:
                result.problems.append(_problem("id_number", "duplicate_in_file",
                                                f"与第 {seen[bidx]} 行重复。"
                                                f" The same person as row {seen[bidx]}."))
            else:
                seen[bidx] = number
        checked.append(result)
    registered = _registered({r.registration.id_number_bidx for r in checked if r.registration})
    listed = _preregistered(job.fair_id, {row.id for row in registered.values()})
    for result in checked:
        worker = (
            registered.get(result.registration.id_number_bidx) if result.registration else None
        )
        if worker is None or result.problems:
            pass
        elif not job.fair_id:
            result.problems.append(_problem("id_number", "already_registered",
                                            f"已登记（{worker.id}）。"
                                            " Already registered as worker "
                                            f"{worker.id}.") | {"worker_id": worker.id})
        elif worker.id in listed:
            result.problems.append(_problem("id_number", "already_preregistered",
                                            "已在此招聘会的名单上。 On this fair's list "
                                            "already.") | {"worker_id": worker.id})
        elif worker.name != result.registration.data["name"]:
            result.problems.append(_problem("name", "name_mismatch",
                                            f"此身份证号登记的姓名是“{worker.name}”。"
                                            f" This ID number is registered as {worker.name}: "
                                            "check the row.")
                                   | {"worker_id": worker.id})
        else:
            result.worker_id = worker.id
        yield result


def _registered(bidxs: set[str]) -> dict[str, Row]:
    """The registered workers among these ID numbers (by blind index): their id and name."""
    found, bidxs = {}, list(bidxs)
    for start in range(0, len(bidxs), 900):
        found.update((row.id_number_bidx, row) for row in db.session.execute(
            select(Worker.id_number_bidx, Worker.id, Worker.name)
            .where(Worker.id_number_bidx.in_(bidxs[start:start + 900]))))
    return found


def _preregistered(fair_id: str | None, worker_ids: set[str]) -> set[str]:
    """Who of these is on the fair's list already."""
    if not fair_id or not worker_ids:
        return set()
    return (
        set(
            db.session.scalars(
                select(Event.worker_id).where(
                    Event.fair_id == fair_id, Event.type == "fair.preregistered", not_voided()
                )
            ).all()
        )
        & worker_ids
    )


def _problem(field_name: str, code: str, message: str) -> dict:
    return {"field": field_name, "code": code, "message": message}


def _report(job: RosterImport, results: list[Checked]) -> None:
    job.valid_rows = sum(1 for r in results if not r.problems)
    job.problem_rows = sum(1 for r in results if r.problems)
    job.problems = [{"row": r.row, "name": r.name, "id_masked": r.id_masked, **p} for r in results
                    for p in r.problems]


def report_rows(job: RosterImport) -> list[list]:
    """The problems as a table for people: row, name, masked ID, column, problem, message."""
    headings = {field_name: heading for field_name, heading in (job.mapping or {}).items()}
    table = [["行 Row", "姓名 Name", "身份证号 ID (masked)", "列 Column", "问题 Problem",
              "说明 Message"]]
    for p in job.problems or []:
        column = headings.get(p["field"].split(".")[-1], p["field"])
        table.append([p["row"], p["name"], p["id_masked"], column, p["code"], p["message"]])
    return table
