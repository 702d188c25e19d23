import datetime as dt

import pytest

from server.extensions import db
from server.models import AuditEntry
from tests.conftest import person


def signed_in(client, auth, who, *, minutes_ago=0):
    """A session as a passkey sign-in leaves it (the ceremony itself is tested in tests/e2e)."""
    with client.session_transaction() as session:
        session.update(
            user_id=auth.users[who].id,
            csrf="token-1",
            assertion_at=(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago)).isoformat(),
        )
    return {"X-CSRF-Token": "token-1"}


def reveal(client, worker_id, headers, reason="核对社保登记 checking the social insurance record"):
    return client.post(f"/api/workers/{worker_id}/reveal-id", json={"reason": reason},
                       headers=headers)


def test_reveal_after_a_fresh_passkey_sign_in_is_audited(client, auth, register):
    worker = register()
    response = reveal(client, worker["id"], signed_in(client, auth, "county"))
    assert response.status_code == 200 and response.json["id_number"] == person()["id_number"]
    entry = db.session.query(AuditEntry).filter_by(action="id.revealed").one()
    assert entry.actor_id == auth.users["county"].id and entry.target == f"worker:{worker['id']}"
    assert "social insurance" in entry.details["reason"] and person()["id_number"] not in str(
        entry.details
    )


@pytest.mark.parametrize("minutes_ago", [6, 60])
def test_a_stale_sign_in_must_confirm_again(client, auth, register, minutes_ago):
    worker = register()
    response = reveal(client, worker["id"],
                      signed_in(client, auth, "county", minutes_ago=minutes_ago))
    assert response.status_code == 403 and "passkey" in response.json["message"]


def test_tokens_never_reveal_and_a_reason_is_required(client, auth, register):
    worker = register()
    assert reveal(client, worker["id"], auth.headers()).status_code == 403
    assert (
        reveal(client, worker["id"], signed_in(client, auth, "admin"), reason="").status_code
        == 422
    )
    assert db.session.query(AuditEntry).filter_by(action="id.revealed").count() == 0


@pytest.mark.parametrize("who, status", [("employer", 403), ("fair_staff", 403), ("greeter", 403),
                                         ("other_county", 404), ("workstation", 200),
                                         ("admin", 200)])
def test_who_may_reveal(client, auth, register, who, status):
    worker = register()
    assert reveal(client, worker["id"], signed_in(client, auth, who)).status_code == status


def test_search_by_full_id_number_is_a_post_and_audited(client, auth, register):
    worker = register()
    number = person()["id_number"]
    found = client.post("/api/workers/search", json={"id_number": number.lower()},
                        headers=auth.headers("county"))
    assert [w["id"] for w in found.json["items"]] == [worker["id"]]
    elsewhere = client.post("/api/workers/search", json={"id_number": number},
                            headers=auth.headers("other_county"))
    assert elsewhere.json["items"] == []
    assert db.session.query(AuditEntry).filter_by(action="id.searched").count() == 2
    assert (
        client.post(
            "/api/workers/search", json={"id_number": "123"}, headers=auth.headers()
        ).status_code
        == 422
    )


def test_admins_browse_the_audit_trail(client, auth, register):
    client.post("/api/auth/enrollments",
                json={"name": "x", "role": "greeter", "station": "福州站"}, headers=auth.headers())
    entries = client.get("/api/audit?action=enrollment.issued", headers=auth.headers()).json
    assert entries["total"] == 1 and entries["items"][0]["actor_id"] == auth.users["admin"].id
    assert client.get("/api/audit", headers=auth.headers("county")).status_code == 403


def test_a_worker_sees_who_looked_at_their_record(client, auth, register):
    from server.models import User
    from server.services.auth import create_token

    worker = register()
    client.get(f"/api/workers/{worker['id']}", headers=auth.headers("county"))
    # out of scope: 404
    client.get(f"/api/workers/{worker['id']}/events", headers=auth.headers("employer"))
    reveal(client, worker["id"], signed_in(client, auth, "workstation"))
    me = User(name="worker-self", role="worker", worker_id=worker["id"])
    db.session.add(me)
    db.session.flush()
    token = {"Authorization": f"Bearer {create_token(me, 'test')}"}
    db.session.commit()
    client.get(f"/api/workers/{worker['id']}", headers=token)  # looking at oneself is not an entry
    views = client.get("/api/auth/me/record-views", headers=token).json
    assert [(v["action"], v["by_name"], v["what"]) for v in views] == [
        ("id.revealed", "tongwei-ws", None), ("record.viewed", "tongwei", "record")]
    assert "social insurance" in views[0]["reason"]
    assert (
        client.get("/api/auth/me/record-views", headers=auth.headers("county")).status_code == 403
    )


def test_a_worker_exports_their_own_record_and_nobody_elses(app, client, auth, register):
    from server.models import User
    from server.services.auth import create_token
    from tests.phones import Phone

    worker = register()
    me = User(name="worker-self", role="worker", worker_id=worker["id"])
    db.session.add(me)
    db.session.flush()
    token = {"Authorization": f"Bearer {create_token(me, 'test')}"}
    db.session.commit()
    # the full number: a token never
    assert client.get("/api/auth/me/export", headers=token).status_code == 403
    phone = Phone(app, "worker-own-phone")
    phone.sign_in(me)
    with phone.client.session_transaction() as session:  # signed in a while ago
        fresh, session["assertion_at"] = (
            session["assertion_at"],
            (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=6)).isoformat(),
        )
    assert phone.client.get("/api/auth/me/export").status_code == 403
    with phone.client.session_transaction() as session:
        session["assertion_at"] = fresh
    export = phone.client.get("/api/auth/me/export")
    assert export.status_code == 200 and export.headers["Cache-Control"] == "no-store"
    body = export.json
    assert (
        body["record"]["id_number"] == person()["id_number"]
        and body["record"]["id"] == worker["id"]
    )
    assert [e["type"] for e in body["events"]] == ["worker.registered"]
    assert "id_number_enc" not in body["events"][0]["data"]
    assert db.session.query(AuditEntry).filter_by(action="record.exported").count() == 1
    assert client.get("/api/auth/me/export", headers=auth.headers("county")).status_code == 403


def test_the_search_limit_counts_the_person_whatever_token_or_spelling_they_use(
    client, auth, register
):
    """60 ID searches a minute for one officer: a second token of theirs, or `bearer`, `BEARER` and
    two spaces instead of `Bearer `, start no fresh count; another officer has a count of their
    own."""
    from server.services.auth import create_token

    number = register(3)["id"] and person(3)["id_number"]
    second = create_token(auth.users["county"], "second laptop")
    db.session.commit()
    spellings = [f"Bearer {auth.tokens['county']}", f"bearer {auth.tokens['county']}",
                 f"BEARER {second}", f"Bearer  {second}"]
    statuses = [client.post("/api/workers/search", json={"id_number": number},
                            headers={"Authorization": spellings[n % 4]}).status_code
                for n in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429
    other = client.post("/api/workers/search", json={"id_number": number},
                        headers=auth.headers("workstation"))
    assert other.status_code == 200
