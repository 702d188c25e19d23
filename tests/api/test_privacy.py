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
    client.patch(f"/api/workers/{worker_id}", json={"phone": "13700000000"}, headers=auth.headers())
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


def test_a_greeter_gets_only_its_documented_fields_in_the_export_and_the_at_risk_list(client, auth, register):
    """Met at the station, then taken on by an employer and silent for 40 days: on the office's
    at-risk list, and on the greeter's too, but without employer, dates of work or phone."""
    import csv
    import datetime as dt
    import io

    from tests.api.sync_helpers import envelope, push, statuses

    worker = register(1)
    card = client.post(f"/api/workers/{worker['id']}/credentials", headers=auth.headers()).json["qr"]
    started = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))) - dt.timedelta(days=40)
    assert statuses(push(client, auth, "greeter", "station", envelope(credential=card, at=started))) == [("accepted", None)]
    onboarded = push(client, auth, "employer", "hr", envelope("employer.onboarded", 1, credential=card,
                                                             at=started + dt.timedelta(hours=2)))
    assert statuses(onboarded) == [("accepted", None)]
    office = client.get("/api/at-risk", headers=auth.headers("county")).json["items"]
    assert office[0]["worker"]["current_employer_id"] == auth.employer_id() and office[0]["employed_since"]
    [line] = client.get("/api/at-risk", headers=auth.headers("greeter")).json["items"]
    assert line["reasons"] == ["no_confirmation_35_days"]
    assert set(line) == {"worker", "reasons"} and set(line["worker"]) == {"id", "name", "status", "home"}
    exported = client.get("/api/workers/export?format=csv", headers=auth.headers("greeter"))
    assert exported.status_code == 200
    headings, row = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert headings == ["姓名", "身份证号", "性别", "户籍县", "乡镇", "状态"]
    assert row[0] == worker["name"] and "*" in row[1]
