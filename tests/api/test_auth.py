import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import text

from server.errors import PasskeyRefused
from server.extensions import db
from server.models import AuditEntry, EnrollmentCode, Passkey, User, WebAuthnChallenge
from server.services import audit, enrollment, passkeys
from tests.conftest import USES_POSTGRES


def enroll(client, auth, who="admin", **body):
    body = {"name": "王芳", "role": "fair_staff", "county_code": "621121"} | body
    return client.post("/api/auth/enrollments", json=body, headers=auth.headers(who))


@pytest.mark.parametrize("who, body, status", [
    ("admin", {"role": "employer", "county_code": None, "employer_id": "EMPLOYER"}, 201),
    ("county", {}, 201),
    ("county", {"county_code": "621122"}, 403),        # another county's staff
    ("county", {"role": "admin", "county_code": None}, 403),
    ("fair_staff", {}, 403),
    ("employer", {}, 403),
])
def test_who_may_enroll_whom(client, auth, who, body, status):
    if body.get("employer_id") == "EMPLOYER":
        body = body | {"employer_id": auth.employer_id()}
    assert enroll(client, auth, who, **body).status_code == status


@pytest.mark.parametrize("body, field", [
    ({"role": "employer", "employer_id": "no-such-employer"}, "employer_id"),
    ({"role": "employer"}, "employer_id"),
    ({"role": "workstation", "employer_id": "no-such-employer"}, "employer_id"),
    ({"role": "workstation", "county_code": None}, "county_code"),
    ({"role": "greeter", "county_code": None}, "station"),
])
def test_enrollment_names_the_scope_its_role_needs(client, auth, body, field):
    response = enroll(client, auth, **body)
    assert response.status_code == 422 and list(response.json["errors"]) == [field]


def test_enrollment_code_is_shown_once_and_stored_hashed(client, auth):
    response = enroll(client, auth)
    code = response.json["code"]
    assert len(code) == 10 and not set(code) & set("0O1IL")
    assert response.json["qr_svg"].startswith("<?xml") or "<svg" in response.json["qr_svg"]
    stored = db.session.query(EnrollmentCode).one()
    assert code not in stored.code_hash and stored.expires_at - stored.created_at == dt.timedelta(
        minutes=15
    )
    assert db.session.query(AuditEntry).filter_by(action="enrollment.issued").count() == 1


def test_the_code_opens_no_session(client, auth):
    code = enroll(client, auth).json["code"]
    options = client.post("/api/auth/register/options", json={"name": "王芳", "code": code})
    assert (
        options.status_code == 200
        and options.json["authenticatorSelection"]["userVerification"] == "required"
    )
    assert options.json["rp"]["id"] == "localhost"
    assert client.get("/api/auth/me").status_code == 401
    assert client.get("/api/workers").status_code == 401


def test_five_wrong_codes_lock_the_enrollment(client, auth):
    code = enroll(client, auth).json["code"]
    for _ in range(5):
        wrong = client.post("/api/auth/register/options",
                            json={"name": "王芳", "code": "ZZZZZZZZZZ"})
        assert wrong.status_code == 400 and wrong.json["code"] == "enrollment_invalid"
    locked = client.post("/api/auth/register/options", json={"name": "王芳", "code": code})
    assert locked.status_code == 400
    assert db.session.query(AuditEntry).filter_by(action="enrollment.failed").count() == 5


def test_an_expired_code_is_refused(client, auth):
    code = enroll(client, auth).json["code"]
    db.session.query(EnrollmentCode).update(
        {"expires_at": dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)}
    )
    db.session.commit()
    assert (
        client.post("/api/auth/register/options", json={"name": "王芳", "code": code}).status_code
        == 400
    )


def test_challenges_are_single_use_and_bound_to_their_purpose(app, auth):
    code = enrollment.create_enrollment(
        auth.users["admin"], name="王芳", role="fair_staff", county_code="621121"
    )[1]
    _, register_id = passkeys.registration_options("王芳", code)
    with pytest.raises(PasskeyRefused):
        passkeys._consume(register_id, "login")
    assert db.session.get(WebAuthnChallenge, register_id).used_at is None
    passkeys._consume(register_id, "register")
    with pytest.raises(PasskeyRefused):
        passkeys._consume(register_id, "register")
    _, login_id = passkeys.authentication_options()
    db.session.query(WebAuthnChallenge).filter_by(id=login_id).update(
        {"expires_at": dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)})
    db.session.commit()
    with pytest.raises(PasskeyRefused):
        passkeys._consume(login_id, "login")


def test_login_options_ask_for_user_verification_and_set_a_strict_cookie(client):
    response = client.post("/api/auth/login/options")
    assert (
        response.json["userVerification"] == "required" and len(response.json["challenge"]) >= 86
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Domain" not in cookie


def test_changes_from_other_sites_are_refused(client, auth):
    headers = auth.headers() | {"Origin": "https://evil.example"}
    assert client.post("/api/devices", json={"device_id": "d"}, headers=headers).status_code == 403
    cross = auth.headers() | {"Sec-Fetch-Site": "cross-site"}
    assert client.post("/api/devices", json={"device_id": "d"}, headers=cross).status_code == 403
    form = client.post("/api/devices", data={"device_id": "d"}, headers=auth.headers())
    assert form.status_code == 415 and form.json["code"] == "json_required"


def test_audit_chain_detects_an_edited_row(client, auth):
    for n in range(3):
        enroll(client, auth, name=f"staff-{n}")
    assert verify_chain_ok()
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text("UPDATE audit_entries SET target = 'user:999'"))
    db.session.rollback()
    middle = db.session.query(AuditEntry).order_by(AuditEntry.id).all()[1]
    # Someone with the database's own powers: triggers off, a middle row rewritten.
    db.session.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER audit_append_only"
                            if USES_POSTGRES
                            else "DROP TRIGGER audit_no_update"))
    db.session.execute(text("UPDATE audit_entries SET target = 'user:999' WHERE id = :id"),
                       {"id": middle.id})
    db.session.commit()
    db.session.expire_all()
    assert audit.verify_chain() == middle.id


def test_a_cut_tail_is_seen_against_the_signed_head_kept_outside_the_database(client, auth, runner,
                                                                              app, tmp_path):
    for n in range(4):
        enroll(client, auth, name=f"staff-{n}")
    head_file = Path(app.config["LABORPASS_INSTANCE_DIR"]) / "audit-head.json"
    head = json.loads(head_file.read_text())
    entries = db.session.query(AuditEntry).order_by(AuditEntry.id).all()
    assert (head["count"], head["last_id"], head["hash"]) == (len(entries), entries[-1].id,
                                                              entries[-1].hash)
    intact = runner.invoke(args=["audit", "verify"])
    assert (
        intact.exit_code == 0
        and f"({len(entries)} entries, as its signed head says)" in intact.output
    )
    # The log carries every head too: kept off the machine, it is what verify is given elsewhere.
    log = tmp_path / "app.log"
    log.write_text("\n".join(['{"message": "GET /api/workers 200"}',
                              json.dumps({"message": "audit head",
                    "audit_head": head | {"count": 1}}),
                              json.dumps({"message": "audit head", "audit_head": head})]))

    # Someone with the database's own powers: triggers off, the last two entries deleted.
    db.session.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER audit_append_only"
                            if USES_POSTGRES
                            else "DROP TRIGGER audit_no_delete"))
    db.session.execute(text("DELETE FROM audit_entries WHERE id > :id"), {"id": entries[-3].id})
    db.session.commit()
    assert audit.verify_chain() is None  # what is left still chains: the chain alone cannot tell
    for args in (["audit", "verify"], ["audit", "verify", "--head", str(log)]):
        cut = runner.invoke(args=args)
        assert cut.exit_code == 1 and "the tail was cut" in cut.output, cut.output
        assert (
            f"the head signed {len(entries)} entries" in cut.output
            and f"holds {len(entries) - 2}" in cut.output
        )

    # A head made up by someone without the instance's key proves nothing.
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(head | {"count": len(entries) - 2, "last_id": entries[-3].id,
                                         "hash": entries[-3].hash}))
    refused = runner.invoke(args=["audit", "verify", "--head", str(forged)])
    assert refused.exit_code == 1 and "signature does not hold" in refused.output


def verify_chain_ok() -> bool:
    return audit.verify_chain() is None


def test_inactive_user_session_or_token_gets_nothing(client, auth):
    db.session.query(User).filter_by(name="tongwei").update({"active": False})
    db.session.commit()
    assert client.get("/api/workers", headers=auth.headers("county")).status_code == 401


def test_guessing_codes_is_rate_limited(client, auth):
    statuses = [
        client.post(
            "/api/auth/register/options", json={"name": "nobody", "code": "ABCDEFGHJK"}
        ).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [400] * 10 and statuses[10] == 429
    limited = client.post("/api/auth/register/options",
                          json={"name": "nobody", "code": "ABCDEFGHJK"})
    assert limited.json["code"] == "too_many_requests" and int(limited.headers["Retry-After"]) > 0


def test_admin_makes_shows_once_and_revokes_tokens(client, auth):
    made = client.post("/api/tokens",
                       json={"user_id": auth.users["greeter"].id, "name": "车站闸机"},
                       headers=auth.headers())
    assert made.status_code == 201 and made.json["token"].startswith("lp_")
    token = {"Authorization": f"Bearer {made.json['token']}"}
    assert client.get("/api/devices", headers=token).status_code == 200
    listed = client.get("/api/tokens", headers=auth.headers()).json
    assert all("token" not in t for t in listed) and made.json["id"] in [t["id"] for t in listed]
    assert client.delete(f"/api/tokens/{made.json['id']}", headers=auth.headers()).json[
        "revoked_at"
    ]
    assert client.get("/api/devices", headers=token).status_code == 401
    assert (
        client.post(
            "/api/tokens", json={"user_id": 1, "name": "x"}, headers=auth.headers("county")
        ).status_code
        == 403
    )
    actions = {a for (a,) in db.session.query(AuditEntry.action)}
    assert {"token.created", "token.revoked"} <= actions


def test_a_worker_invitation_lets_the_worker_see_only_their_own_record(client, auth, register):
    worker, other = register(1), register(2)
    # Fair staff may not reveal ID numbers, and the invitee's own export holds theirs: no
    # invitations.
    assert client.post("/api/auth/worker-invitations", json={"worker_id": worker["id"]},
                       headers=auth.headers("fair_staff")).status_code == 403
    invited = client.post("/api/auth/worker-invitations", json={"worker_id": worker["id"]},
                          headers=auth.headers("county"))
    assert invited.status_code == 201
    assert (
        invited.json["link"].startswith("http://localhost:5000/?enroll=worker-")
        and "code=" in invited.json["link"]
    )
    user = db.session.get(User, invited.json["user_id"])
    assert (user.role, user.worker_id) == ("worker", worker["id"])
    options = client.post("/api/auth/register/options",
                          json={"name": user.name, "code": invited.json["code"]})
    assert options.status_code == 200
    from server.services.auth import create_token
    token = {"Authorization": f"Bearer {create_token(user, 'test')}"}
    db.session.commit()
    assert client.get(f"/api/workers/{worker['id']}", headers=token).status_code == 200
    assert client.get(f"/api/workers/{other['id']}", headers=token).status_code == 404
    assert (
        client.post(
            "/api/sync/push", json={"device_id": "w", "events": []}, headers=token
        ).status_code
        == 200
    )
    out_of_county = register(3, home={"county_code": "621122", "township": "首阳镇"})
    assert client.post("/api/auth/worker-invitations", json={"worker_id": out_of_county["id"]},
                       headers=auth.headers("county")).status_code == 404


def test_a_worker_with_a_passkey_is_invited_again_only_by_revoking_it_first(app, client, auth,
                                                                            register):
    from tests.phones import SoftPasskey

    worker = register(1)
    invited = client.post("/api/auth/worker-invitations", json={"worker_id": worker["id"]},
                          headers=auth.headers("county"))
    phone = app.test_client()
    options = phone.post("/api/auth/register/options",
                         json={"name": invited.json["name"], "code": invited.json["code"]})
    assert (
        phone.post(
            "/api/auth/register/verify", json={"credential": SoftPasskey().create(options.json)}
        ).status_code
        == 201
    )
    again = client.post("/api/auth/worker-invitations", json={"worker_id": worker["id"]},
                        headers=auth.headers("county"))
    # no second passkey unseen
    assert again.status_code == 409 and again.json["code"] == "worker_has_passkey"
    replaced = client.post("/api/auth/worker-invitations",
                           json={"worker_id": worker["id"], "replace_passkeys": True},
                           headers=auth.headers("county"))
    assert replaced.status_code == 201
    assert db.session.query(Passkey).filter(Passkey.user_id == invited.json["user_id"],
                                            Passkey.revoked_at.is_(None)).count() == 0
    revoked = db.session.query(AuditEntry).filter_by(action="passkey.revoked", target="worker:"
                                                                                      f"{worker['id']}").one()
    assert revoked.actor_id == auth.users["county"].id


def test_revoking_a_persons_access_ends_tokens_and_blocks_their_devices(client, auth, register):
    client.post("/api/devices", json={"device_id": "greeter-phone"},
                headers=auth.headers("greeter"))
    greeter = auth.users["greeter"]
    response = client.post(f"/api/auth/users/{greeter.id}/revoke", headers=auth.headers())
    assert response.status_code == 200 and response.json["active"] is False
    assert client.get("/api/devices", headers=auth.headers("greeter")).status_code == 401
    from server.models import Device
    assert "revoked" in db.session.get(Device, "greeter-phone").blocked_reason
    assert (
        client.post(
            f"/api/auth/users/{greeter.id}/revoke", headers=auth.headers("county")
        ).status_code
        == 403
    )
    assert db.session.query(AuditEntry).filter_by(action="user.access_revoked").count() == 1


def test_an_admin_cannot_revoke_their_own_access(client, auth):
    """One mistaken tap would lock the office out: another admin must do it."""
    admin = auth.users["admin"]
    response = client.post(f"/api/auth/users/{admin.id}/revoke", headers=auth.headers())
    assert response.status_code == 409 and response.json["code"] == "cannot_revoke_self"
    assert client.get("/api/auth/me", headers=auth.headers()).status_code == 200
