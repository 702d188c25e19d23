"""Worker lists as spreadsheets (XLSX and CSV), the same filters as the search, masked ID numbers.

An export is an audit entry (who, what filters, how many rows). Full ID numbers go into an
export only under the reveal rule: a role that may reveal, a stated reason, a passkey sign-in
minutes old (never a token), and the entry says so.
"""
from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import select

from server.domain.id_numbers import mask_from_parts
from server.extensions import db
from server.models import Employer, User, Worker
from server.services import access, audit
from server.services.places import county_name
from server.services.privacy import require_fresh_passkey
from server.services.protection import decrypt_field
from server.services.unit_of_work import use_case
from server.services.workers import search_workers

MAX_ROWS = 100_000
STATUS_NAMES = {"registered": "已登记", "at_fair": "已参加招聘会", "intent": "已签意向",
                "assigned": "已编入批次",
                "departed": "已出发", "arrived": "已到达", "employed": "在岗", "ended": "已离职"}


@use_case
def export_workers(user: User, args: dict, fmt: str, *, reveal_reason: str | None = None,
                   assertion_at: dt.datetime | None = None) -> bytes:
    """Every worker in scope matching ``args``, as ``xlsx`` or ``csv`` bytes."""
    reveal = reveal_reason is not None
    if reveal:
        access.require(user, "id.reveal")
        require_fresh_passkey(assertion_at, "导出身份证号|export with ID numbers")
    workers = search_workers(user, args | {"page": 1, "per_page": MAX_ROWS}).items
    employers = dict(db.session.execute(select(Employer.id, Employer.name)).all())
    table = [_headings(user)] + [_row(w, user, employers, reveal) for w in workers]
    audit.record("workers.exported", actor=user, role=user.role, rows=len(workers), format=fmt,
                 with_id_numbers=reveal,
                 reason=reveal_reason,
                 filters={k: str(v) for k, v in args.items() if k not in ("page", "per_page")})
    return table_bytes(table, fmt)


def table_bytes(table: list[list], fmt: str, sheet: str = "务工人员") -> bytes:
    """A table (headings first) as ``xlsx`` (one sheet named ``sheet``) or ``csv`` bytes."""
    return _xlsx(table, sheet) if fmt == "xlsx" else _csv(table)


def _headings(user: User) -> list[str]:
    headings = ["姓名", "身份证号", "性别", "出生年份", "手机", "户籍县", "乡镇", "村", "建档立卡",
                "状态", "用工企业", "入职日期", "最近确认"]
    return [h for h in headings if _shown(h, user)]


def _row(worker: Worker, user: User, employers: dict, reveal: bool) -> list:
    id_number = (decrypt_field(worker.id, "id_number", worker.id_number_enc) if reveal
                 else mask_from_parts(worker.id_region_code, worker.id_last4))
    values = {
        "姓名": worker.name, "身份证号": id_number,
        "性别": {"male": "男", "female": "女"}.get(worker.gender, ""),
        "出生年份": worker.birth_year, "手机": worker.phone,
        "户籍县": county_name(worker.home_county_code),
        "乡镇": worker.home_township, "村": worker.home_village,
        "建档立卡": "是" if worker.poor_household else "否",
        "状态": STATUS_NAMES.get(worker.status, worker.status),
        "用工企业": employers.get(worker.current_employer_id, ""),
        "入职日期": worker.employed_since, "最近确认": worker.last_confirmed_on,
    }
    return [values[h] for h in _headings(user)]


# Each column as the field of the worker representation it shows, so that ``access.redact`` decides
# the columns exactly as it decides the screens' fields.
_FIELD_OF_HEADING = {
    "姓名": "name", "身份证号": "id_masked", "性别": "gender", "出生年份": "birth_date",
    "手机": "phone",
    "户籍县": "home.county_code", "乡镇": "home.township", "村": "home.village",
    "建档立卡": "poor_household",
    "状态": "status", "用工企业": "current_employer_id", "入职日期": "employed_since",
    "最近确认": "last_confirmed_on",
}


def _shown(heading: str, user: User) -> bool:
    """The same field rules as the screens (``access.redact``)."""
    field, _, part = _FIELD_OF_HEADING[heading].partition(".")
    if part:
        return part in access.redact({field: {part: 1}}, user).get(field, {})
    return field in access.redact({field: 1}, user)


def _xlsx(table: list[list], name: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(name)
    for row in table:
        sheet.append([_as_text(sheet, v) if _formula_like(v) else v for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _csv(table: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(
        [["" if v is None else "'" + v if _formula_like(v) else v for v in row] for row in table]
    )
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read the Chinese right


# Text a spreadsheet would take for a formula (a name typed as =HYPERLINK("http://…") on a
# roster, say): written as text in XLSX, behind an apostrophe in CSV, never run on finance's PC.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _as_text(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl takes a string starting with "=" for a formula
    return cell
