"""The retention rule on a real database: personal data gone everywhere, statistics intact."""
import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from server.extensions import db
from server.models import AuditEntry, Credential, Event, QuarantinedEvent, User, Worker
from server.services.enrollment import invite_worker
from server.services.retention import apply_retention
from tests.api.sync_helpers import TZ, envelope, push
from tests.conftest import person

pytestmark = pytest.mark.usefixtures("fair")  # its scans name the fair "f"

LONG_AGO = dt.datetime(2019, 3, 1, 9, 0, tzinfo=TZ)


@pytest.fixture
def gone_and_stayed(client, auth, register):
    """Two people: one last seen at a fair in March 2019 (due), one registered today."""
    gone_id = "6f1c0b7e-3f55-4c6c-9d59-5f8a3c1d2e01"
    body = push(client, auth, "fair_staff", "fair-phone",
                envelope("worker.registered", 1, worker_id=gone_id, data=person(1, name="王建国"),
                         at=LONG_AGO),
                envelope("fair.checked_in", 2, worker_id=gone_id, context={"fair_id": "f"},
                         data={"note": "王建国的表哥也来了"},
                         at=LONG_AGO + dt.timedelta(minutes=5)))
    assert [r["status"] for r in body["results"]] == ["accepted", "accepted"]
    stayed = register(2, name="李秀兰")
    return gone_id, stayed["id"]


def test_a_dry_run_counts_and_changes_nothing(runner, gone_and_stayed):
    gone_id, _ = gone_and_stayed
    result = runner.invoke(args=["retention", "--years", "5", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output and "workers: 1 (621121: 1)" in result.output
    assert "events redacted: 2" in result.output
    assert db.session.get(Worker, gone_id).name == "王建国"
    assert (
        db.session.scalar(select(Event.redacted_at).where(Event.worker_id == gone_id).limit(1))
        is None
    )
    assert (
        db.session.scalar(select(AuditEntry).where(AuditEntry.action == "worker.erased")) is None
    )


def test_erasure_removes_the_person_everywhere_and_keeps_the_statistics(client, auth, runner,
                                                                        gone_and_stayed):
    gone_id, stayed_id = gone_and_stayed
    result = runner.invoke(args=["retention", "--years", "5"])
    assert result.exit_code == 0 and "workers: 1 " in result.output, result.output

    gone = db.session.get(Worker, gone_id)
    assert gone.erased_at is not None
    assert (gone.name, gone.phone, gone.id_number_enc, gone.id_number_bidx, gone.id_last4,
            gone.birth_date, gone.home_village) == (None,) * 7
    assert (gone.home_county_code, gone.home_township, gone.gender, gone.birth_year,
            gone.poor_household,
            gone.status, gone.event_count) == ("621121", "平襄镇", "male", 1980, True, "at_fair",
                                               2)
    stored = db.session.scalars(
        select(Event).where(Event.worker_id == gone_id).order_by(Event.seq)
    ).all()
    as_text = repr([(e.data, e.raw_code) for e in stored])
    assert "王建国" not in as_text and "13900000001" not in as_text and "西关村" not in as_text
    assert all(e.redacted_at is not None for e in stored)
    assert stored[1].context == {"fair_id": "f"}  # what happened, where and when, stays

    assert db.session.get(Worker, stayed_id).name == "李秀兰"  # recent: untouched
    assert client.get(f"/api/workers/{gone_id}", headers=auth.headers()).status_code == 404
    listed = client.get("/api/workers", headers=auth.headers()).json
    assert [w["id"] for w in listed["items"]] == [stayed_id]
    again = client.post("/api/workers", json=person(1, name="王建国"), headers=auth.headers())
    # coming back is a new registration
    assert again.status_code == 201 and again.json["id"] != gone_id

    later = push(client, auth, "fair_staff", "fair-phone",
                 envelope("fair.checked_in", 3, worker_id=gone_id,
                                                                    context={"fair_id": "f"}))
    assert [r["reason"] for r in later["results"]] == ["unknown_worker"]
    pulled = client.get(
        "/api/sync/pull?device_id=county-phone", headers=auth.headers("county")
    ).json["changes"]
    assert {"kind": "worker", "id": gone_id, "op": "delete"}.items() <= next(
        c for c in pulled if c["id"] == gone_id).items()
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["worker.erased", "retention.applied"]
    # the fold agrees
    assert runner.invoke(args=["rebuild-records", "--check"]).output.startswith("0 record")
    # nothing twice
    assert runner.invoke(args=["retention", "--years", "5"]).output.count("workers: 0") == 1


def test_the_card_the_own_account_and_old_quarantine_go_too(client, auth, register):
    worker = register(3)
    card = client.post(f"/api/workers/{worker['id']}/credentials", headers=auth.headers()).json
    _, _, account = invite_worker(db.session.get(User, auth.users["county"].id), worker["id"])
    db.session.commit()
    push(client, auth, "greeter", "station-phone", envelope(credential=card["qr"][:-4] + "AAAA"))
    assert db.session.scalar(select(QuarantinedEvent.id)) is not None

    report = apply_retention(5, today=dt.date.today().replace(year=dt.date.today().year + 6))
    assert (report.workers, report.quarantine_entries) == (1, 1)
    credential = db.session.get(Credential, card["serial"])
    assert credential.qr == "" and credential.revoked_at is not None
    scan = client.post("/api/scan/verify", json={"qr": card["qr"]},
                       headers=auth.headers("greeter"))
    assert scan.status_code == 422 and scan.json["code"] == "revoked"
    account = db.session.get(User, account.id)
    assert not account.active and account.name == f"erased-{account.id}"
    assert db.session.scalar(select(QuarantinedEvent.id)) is None


def test_the_database_allows_one_redaction_and_no_other_change_to_an_event(register):
    worker_id = register(4)["id"]
    seq = db.session.scalar(select(Event.seq).where(Event.worker_id == worker_id))
    refused = ["UPDATE events SET type = 'worker.updated' WHERE seq = :seq",
               "UPDATE events SET data = '{}' WHERE seq = :seq",  # a redaction must say so
               "UPDATE events SET data = '{}', redacted_at = recorded_at, worker_id = 'x' WHERE "
               "seq = :seq",
               "DELETE FROM events WHERE seq = :seq"]
    for statement in refused:
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(text(statement), {"seq": seq})
        db.session.rollback()
    db.session.execute(text("UPDATE events SET data = '{}', redacted_at = recorded_at WHERE seq = "
                            ":seq"), {"seq": seq})
    db.session.commit()
    with pytest.raises(DatabaseError, match="append-only"):  # once redacted, never again
        db.session.execute(text("UPDATE events SET data = '{\"a\": 1}', redacted_at = recorded_at "
                                "WHERE seq = :seq"),
                           {"seq": seq})
    db.session.rollback()
