"""GET /api/auth/users: the accounts one may enroll or revoke, and nothing secret about them."""
import pytest

from server.extensions import db
from server.models import User
from server.services import access
from server.services.auth import create_token
from tests.conftest import has_id_number

FIELDS = {"id", "name", "role", "county_code", "station", "employer_id", "employer_name", "active",
          "created_at", "passkeys", "last_sign_in_at", "may_revoke"}


def enroll(client, auth, who="admin", **body):
    response = client.post("/api/auth/enrollments", json=body, headers=auth.headers(who))
    assert response.status_code == 201, response.json
    return response.json


def listed(client, auth, who="admin", query="per_page=200"):
    response = client.get(f"/api/auth/users?{query}", headers=auth.headers(who))
    assert response.status_code == 200, response.json
    return response.json


def names(page) -> set[str]:
    return {item["name"] for item in page["items"]}


@pytest.fixture
def two_counties(client, auth, register):
    """Staff enrolled in Tongwei (621121) by its county office and in Longxi (621122) by the admin;
    and a Tongwei worker's account (a county code too, but no staff: not the county's to enroll).
    """
    enroll(client, auth, "county", name="通渭 工作站2", role="workstation", county_code="621121")
    invited = client.post("/api/auth/worker-invitations", json={"worker_id": register(1)["id"]},
                          headers=auth.headers())
    assert invited.status_code == 201, invited.json
    enroll(client, auth, name="陇西 招聘会", role="fair_staff", county_code="621122")
    enroll(client, auth, name="陇西 工作站", role="workstation", county_code="621122")


def test_an_admin_lists_every_account(client, auth, two_counties):
    page = listed(client, auth)
    [worker] = [item["name"] for item in page["items"] if item["role"] == "worker"]
    assert worker.startswith("worker-")
    assert names(page) == {u.name for u in auth.users.values()} | {"通渭 工作站2", "陇西 招聘会",
                                                                   "陇西 工作站", worker}
    assert page["total"] == len(page["items"]) == 12 and (page["page"], page["per_page"]) == (
        1,
        200,
    )
    employer = next(item for item in page["items"] if item["name"] == "minjiang-hr")
    assert (employer["role"], employer["employer_name"], employer["county_code"]) == (
        "employer",
        "闽江纺织",
        None,
    )
    greeter = next(item for item in page["items"] if item["name"] == "greeter")
    assert (greeter["station"], greeter["active"], greeter["passkeys"]) == ("福州站", True, 0)


def test_a_county_lists_only_its_own_countys_staff(client, auth, two_counties):
    assert names(listed(client, auth, "county")) == {"tongwei", "tongwei-ws", "tongwei-fair",
                                                     "通渭 工作站2"}
    assert names(listed(client, auth, "other_county")) == {"longxi", "陇西 招聘会", "陇西 工作站"}


@pytest.mark.parametrize("viewer", ["admin", "county", "other_county"])
def test_the_list_is_exactly_whom_the_viewer_may_enroll(client, auth, two_counties, viewer):
    """The enrollment rule, asked account by account, is the oracle for the query."""
    me = auth.users[viewer]
    everyone = db.session.query(User).all()
    expected = {u.name for u in everyone if access.may_enroll(me, u.role, u.county_code)}
    assert names(listed(client, auth, viewer)) == expected


@pytest.mark.parametrize("who", ["workstation", "fair_staff", "greeter", "employer", "worker"])
def test_roles_that_enroll_and_revoke_no_one_are_refused(client, auth, who):
    if who == "worker":
        user = User(name="worker-1", role="worker")
        db.session.add(user)
        db.session.flush()
        auth.tokens["worker"] = create_token(user, "test")
        db.session.commit()
    response = client.get("/api/auth/users", headers=auth.headers(who))
    assert response.status_code == 403 and response.json["code"] == "forbidden"
    assert "管理账号" in response.json["message"]


def test_signed_out_is_401(client):
    assert client.get("/api/auth/users").status_code == 401


def test_a_revoked_account_is_listed_as_revoked(client, auth):
    greeter = auth.users["greeter"]
    assert (
        client.post(f"/api/auth/users/{greeter.id}/revoke", headers=auth.headers()).status_code
        == 200
    )
    row = next(item for item in listed(client, auth)["items"] if item["id"] == greeter.id)
    assert (row["active"], row["may_revoke"]) == (False, False)
    assert names(listed(client, auth, query="active=false")) == {"greeter"}
    assert "greeter" not in names(listed(client, auth, query="active=true"))


def test_only_an_admin_may_revoke_and_never_itself(client, auth):
    rows = {item["name"]: item["may_revoke"] for item in listed(client, auth)["items"]}
    assert rows.pop("admin") is False and all(rows.values())
    # revoking is users.manage's
    assert not any(item["may_revoke"] for item in listed(client, auth, "county")["items"])


def test_the_listing_holds_no_code_key_or_id_number(app, client, auth, register):
    from tests.phones import SoftPasskey

    enrolled = enroll(client, auth, name="王芳", role="fair_staff", county_code="621121")
    phone = app.test_client()
    options = phone.post("/api/auth/register/options",
                         json={"name": "王芳", "code": enrolled["code"]})
    assert (
        phone.post(
            "/api/auth/register/verify", json={"credential": SoftPasskey().create(options.json)}
        ).status_code
        == 201
    )
    worker = register(1)
    invited = client.post("/api/auth/worker-invitations", json={"worker_id": worker["id"]},
                          headers=auth.headers())
    assert invited.status_code == 201
    # a code not yet used
    pending = enroll(client, auth, name="李强", role="greeter", station="福州站")

    response = client.get("/api/auth/users?per_page=200", headers=auth.headers())
    for item in response.json["items"]:
        assert set(item) == FIELDS
    text = response.get_data(as_text=True)
    for secret in (enrolled["code"], invited.json["code"], pending["code"]):
        assert secret not in text
    assert not has_id_number(text) and worker["id_masked"] not in text
    passkey_user = db.session.query(User).filter_by(name="王芳").one()
    assert passkey_user.webauthn_handle not in text
    row = next(item for item in response.json["items"] if item["name"] == "王芳")
    assert row["passkeys"] == 1 and row["last_sign_in_at"] is None


def test_filter_by_role_and_page_newest_first(client, auth, two_counties):
    page = listed(client, auth, query="role=workstation")
    assert [item["name"] for item in page["items"]] == ["陇西 工作站", "通渭 工作站2",
                                                        "tongwei-ws"]
    second = listed(client, auth, query="role=workstation&per_page=2&page=2")
    assert [item["name"] for item in second["items"]] == ["tongwei-ws"] and second["total"] == 3


@pytest.mark.parametrize("query, field", [
    ("role=boss", "role"),
    ("per_page=0", "per_page"),
    ("per_page=201", "per_page"),
    ("page=abc", "page"),
    ("active=maybe", "active"),
])
def test_a_bad_query_is_422_naming_the_field(client, auth, query, field):
    response = client.get(f"/api/auth/users?{query}", headers=auth.headers())
    assert response.status_code == 422 and response.json["code"] == "validation_failed"
    assert list(response.json["errors"]) == [field] and response.json["message"]


def test_a_staff_enrollment_answers_its_invitation_link(client, auth):
    enrolled = enroll(client, auth, name="李强", role="greeter", station="福州站")
    assert enrolled["link"].endswith(f"/?enroll=%E6%9D%8E%E5%BC%BA&code={enrolled['code']}")
