"""ID numbers are encrypted at rest: the plain number is nowhere in the database."""
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import text

from server.extensions import db
from server.models import Worker
from server.services.protection import decrypt_field
from tests.conftest import USES_POSTGRES, make_id_number, person


def database_text() -> str:
    """Everything the database holds, as text: every row of every table."""
    tables = db.session.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'" if USES_POSTGRES
        else "SELECT name FROM sqlite_master WHERE type = 'table'"
    )).scalars().all()
    rows = []
    for table in tables:
        rows += [repr(tuple(row)) for row in db.session.execute(text(f'SELECT * FROM "{table}"'))]
    return "\n".join(rows)


def test_plain_id_number_is_not_in_the_database(client, auth, app):
    number = make_id_number(birth=__import__("datetime").date(1983, 9, 17), sequence=451)
    response = client.post("/api/workers", json=person(id_number=number), headers=auth.headers())
    worker_id = response.json["id"]
    client.patch(f"/api/workers/{worker_id}", json={"phone": "13700000000"},
                 headers=auth.headers())
    client.post(f"/api/workers/{worker_id}/credentials", headers=auth.headers())
    db.session.commit()

    dump = database_text()
    assert worker_id in dump  # the dump does see the data
    assert number not in dump and number[:17] not in dump and number[6:] not in dump
    if not USES_POSTGRES:
        db.engine.dispose()  # the WAL too: nothing may be waiting there in the clear
        path = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
        for file in (path, path.with_name(path.name + "-wal")):
            if file.exists():
                raw = file.read_bytes()
                assert number.encode() not in raw and number[6:].encode() not in raw


def test_ciphertext_decrypts_only_for_its_own_worker(register):
    first, second = register(1), register(2)
    a, b = db.session.get(Worker, first["id"]), db.session.get(Worker, second["id"])
    assert decrypt_field(a.id, "id_number", a.id_number_enc) == person(1)["id_number"]
    with pytest.raises(InvalidTag):
        decrypt_field(b.id, "id_number", a.id_number_enc)  # copied onto another record: useless


def test_blind_index_is_keyed_not_a_plain_hash(register):
    import hashlib

    worker = db.session.get(Worker, register()["id"])
    assert worker.id_number_bidx != hashlib.sha256(person()["id_number"].encode()).hexdigest()


def test_events_cannot_be_changed_or_deleted(register):
    register()
    for statement in ("UPDATE events SET type = 'x'", "DELETE FROM events"):
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()


def test_a_greeter_gets_only_its_documented_fields_in_the_export_and_the_at_risk_list(
    client, auth, register
):
    """Met at the station, then taken on by an employer and silent for 40 days: on the office's
    at-risk list, and on the greeter's too, but without employer, dates of work or phone."""
    import csv
    import datetime as dt
    import io

    from tests.api.sync_helpers import envelope, push, statuses

    worker = register(1)
    card = client.post(f"/api/workers/{worker['id']}/credentials", headers=auth.headers()).json[
        "qr"
    ]
    started = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))) - dt.timedelta(days=40)
    assert statuses(
        push(client, auth, "greeter", "station", envelope(credential=card, at=started))
    ) == [("accepted", None)]
    onboarded = push(client, auth, "employer", "hr",
                     envelope("employer.onboarded", 1, credential=card,
                                                             at=started + dt.timedelta(hours=2)))
    assert statuses(onboarded) == [("accepted", None)]
    office = client.get("/api/at-risk", headers=auth.headers("county")).json["items"]
    assert (
        office[0]["worker"]["current_employer_id"] == auth.employer_id()
        and office[0]["employed_since"]
    )
    [line] = client.get("/api/at-risk", headers=auth.headers("greeter")).json["items"]
    assert line["reasons"] == ["no_confirmation_35_days"]
    assert set(line) == {"worker", "reasons"} and set(line["worker"]) == {"id", "name", "status",
                                                                          "home"}
    exported = client.get("/api/workers/export?format=csv", headers=auth.headers("greeter"))
    assert exported.status_code == 200
    headings, row = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert headings == ["姓名", "身份证号", "性别", "户籍县", "乡镇", "状态"]
    assert row[0] == worker["name"] and "*" in row[1]


def test_no_full_id_number_outside_its_column_however_it_came_in(app, client, auth):
    """Registered through the API and through a phone's push, one registration refused into the
    quarantine, then searched, viewed, exported and revealed: the full numbers are in no other row
    of any table, nor in the database file, nor in any answer but the reveal's."""
    import datetime as dt

    from tests.api.sync_helpers import envelope, push, statuses
    from tests.phones import Phone

    by_api, by_phone, refused = (make_id_number(birth=dt.date(1984, 2, 3), sequence=n)
                                 for n in (611, 612, 613))
    answers = []

    def call(method, url, **kwargs):
        response = client.open(url, method=method, **kwargs)
        answers.append((url, response.get_data(as_text=True)))
        return response

    worker_id = call(
        "POST", "/api/workers", json=person(1, id_number=by_api), headers=auth.headers()
    ).json["id"]
    body = push(client, auth, "fair_staff", "fair-phone",
                envelope("worker.registered", 1, data=person(2, id_number=by_phone)))
    assert statuses(body) == [("accepted", None)]
    refusal = push(client, auth, "other_county", "lx-phone",
                   envelope("worker.registered", 1, data=person(3, id_number=refused)))
    assert statuses(refusal) == [("rejected", "out_of_scope")]
    for url in ("/api/workers", f"/api/workers/{worker_id}", f"/api/workers/{worker_id}/events",
                "/api/sync/quarantine",
                "/api/workers/export?format=csv", "/api/audit",
                "/api/sync/pull?device_id=fair-phone"):
        assert call("GET", url, headers=auth.headers()).status_code == 200, url
    assert (
        call(
            "POST", "/api/workers/search", json={"id_number": by_phone}, headers=auth.headers()
        ).status_code
        == 200
    )
    officer = Phone(app, "county-laptop")
    officer.sign_in(auth.users["county"])
    revealed = officer.client.post(f"/api/workers/{worker_id}/reveal-id",
                                   json={"reason": "社保登记核对"},
                                   headers={"X-CSRF-Token": officer.csrf})
    # the one answer that holds it
    assert revealed.status_code == 200 and revealed.json["id_number"] == by_api
    db.session.commit()

    numbers = (by_api, by_phone, refused)
    leaked = [(url, n) for url, text in answers for n in numbers if n in text or n[6:] in text]
    assert leaked == []
    dump = database_text()
    assert worker_id in dump and [n for n in numbers if n in dump or n[6:] in dump] == []
    if not USES_POSTGRES:
        db.engine.dispose()
        path = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
        for file in (path, path.with_name(path.name + "-wal")):
            if file.exists():
                raw = file.read_bytes()
                assert [n for n in numbers if n.encode() in raw or n[6:].encode() in raw] == [], (
                    file
                )
