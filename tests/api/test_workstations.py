"""A county's workstation in the destination: set by the city for any county and by a county office
for its own only, validated (a landline is a workstation's usual number), audited, and what workers
see next (their record, their card)."""
import pytest

from server.extensions import db
from server.models import AuditEntry, Credential, User, Worker
from server.services.auth import create_token
from server.services.cards import card_face

TONGWEI, LONGXI = "621121", "621122"


def put(client, auth, who, county, number):
    return client.patch(f"/api/regions/{county}/workstation", json={"phone": number},
                        headers=auth.headers(who))


def test_a_county_sets_its_own_workstations_landline_and_its_workers_see_it(client, auth,
                                                                            register):
    worker = register()  # from Tongwei
    assert (
        client.get(f"/api/workers/{worker['id']}", headers=auth.headers()).json[
            "workstation_hotline"
        ]
        == "12333"
    )

    response = put(client, auth, "county", TONGWEI, "（0591）8765 4321")
    assert response.status_code == 200, response.json
    assert response.json == {"county_code": TONGWEI, "county_name": "通渭县", "name": None,
                             "address": None, "phone": "0591-87654321",
                             "workstation_hotline": "0591-87654321",
                             "shown_to_workers": "0591-87654321", "staff": [],
                             "established_on": None, "note": None}
    for who in ("admin", "county", "workstation"):
        record = client.get(f"/api/workers/{worker['id']}", headers=auth.headers(who)).json
        assert record["workstation_hotline"] == "0591-87654321"
    counties = {
        c["code"]: c
        for c in client.get("/api/regions", headers=auth.headers()).json["origin"]["counties"]
    }
    assert (counties[TONGWEI]["workstation_hotline"], counties[LONGXI]["workstation_hotline"]) == (
        "0591-87654321",
        None,
    )


def test_a_card_printed_after_the_change_carries_the_new_number(client, auth, register):
    worker = register()
    assert (
        client.post(f"/api/workers/{worker['id']}/credentials", headers=auth.headers()).status_code
        == 201
    )
    before = client.get(f"/api/workers/{worker['id']}/card.svg", headers=auth.headers()).get_data(
        as_text=True
    )
    assert "服务热线 12333" in before
    assert put(client, auth, "admin", TONGWEI, "0591-87654321").status_code == 200
    after = client.get(f"/api/workers/{worker['id']}/card.svg", headers=auth.headers()).get_data(
        as_text=True
    )
    assert "服务热线 0591-87654321" in after and "12333" not in after


def test_clearing_the_number_brings_back_the_programs_line(client, auth, register):
    worker = register()
    assert put(client, auth, "county", TONGWEI, "13912345678").status_code == 200
    response = put(client, auth, "county", TONGWEI, None)
    assert response.status_code == 200
    assert (response.json["workstation_hotline"], response.json["shown_to_workers"]) == (
        None,
        "12333",
    )
    assert (
        client.get(f"/api/workers/{worker['id']}", headers=auth.headers()).json[
            "workstation_hotline"
        ]
        == "12333"
    )


def test_a_county_office_cannot_set_another_countys_number(client, auth, register):
    longxi_worker = register(1, home={"county_code": LONGXI, "township": "首阳镇"})
    response = put(client, auth, "county", LONGXI, "0932-6612345")  # Tongwei's officer
    assert response.status_code == 404 and response.json["code"] == "county_not_found"
    # Longxi by its former code
    assert put(client, auth, "county", "622425", "0932-6612345").status_code == 404
    assert put(client, auth, "other_county", TONGWEI, "0932-6612345").status_code == 404
    assert (
        client.get(f"/api/workers/{longxi_worker['id']}", headers=auth.headers()).json[
            "workstation_hotline"
        ]
        == "12333"
    )
    assert not db.session.query(AuditEntry).filter_by(action="programme.workstation_set").count()


def test_the_city_sets_any_origin_countys_number(client, auth, register):
    longxi_worker = register(1, home={"county_code": LONGXI, "township": "首阳镇"})
    assert put(client, auth, "admin", LONGXI, "0932-6612345").status_code == 200
    assert (
        client.get(
            f"/api/workers/{longxi_worker['id']}", headers=auth.headers("other_county")
        ).json["workstation_hotline"]
        == "0932-6612345"
    )
    # a former code: the county
    assert put(client, auth, "admin", "622424", "0591-87654321").json["county_code"] == TONGWEI


@pytest.mark.parametrize("who",
                         ["workstation", "fair_staff", "greeter", "employer", "other_employer"])
def test_other_roles_are_refused(client, auth, who):
    response = put(client, auth, who, TONGWEI, "0591-87654321")
    assert response.status_code == 403 and response.json["code"] == "forbidden"
    counties = {
        c["code"]: c
        for c in client.get("/api/regions", headers=auth.headers()).json["origin"]["counties"]
    }
    assert counties[TONGWEI]["workstation_hotline"] is None


def test_a_worker_cannot_set_their_countys_number(client, auth, register):
    worker = register()
    account = User(name="worker-self", role="worker", worker_id=worker["id"], county_code=TONGWEI)
    db.session.add(account)
    db.session.commit()
    response = client.patch(f"/api/regions/{TONGWEI}/workstation",
                            json={"phone": "0591-87654321"},
                            headers={"Authorization": f"Bearer {create_token(account, 'test')}"})
    assert response.status_code == 403 and response.json["code"] == "forbidden"


def test_without_signing_in_nothing_is_set(client):
    assert (
        client.patch(f"/api/regions/{TONGWEI}/workstation", json={"phone": "0591-87654321"})
        .status_code
        == 401
    )


@pytest.mark.parametrize("county", ["350102", "999999", "abc"])
def test_only_an_origin_county_has_a_workstation(client, auth, county):
    response = put(client, auth, "admin", county, "0591-87654321")  # 350102: a Fuzhou district
    assert response.status_code == 404 and response.json["code"] == "county_not_found"


@pytest.mark.parametrize("number",
                         ["12345678", "0591-123", "0591-1234567", "abc", "", "1391234567",
                                    "0591-87654321-8", "٠٥٩١٨٧٦٥٤٣٢١"])
def test_a_number_no_one_can_call_is_refused_in_words(client, auth, number):
    response = put(client, auth, "admin", TONGWEI, number)
    assert response.status_code == 422
    [message] = response.json["errors"]["phone"]
    assert "区号" in message and "area code" in message


def test_a_number_sent_as_a_json_number_is_refused(client, auth):
    assert put(client, auth, "admin", TONGWEI, 59187654321).status_code == 422


@pytest.mark.parametrize("typed, stored",
                         [("0591-87654321", "0591-87654321"), ("059187654321", "0591-87654321"),
                                           ("+86 591 8765 4321", "0591-87654321"),
                          ("010 62345678", "010-62345678"),
                                           ("0932-8212345", "0932-8212345"),
                          ("139 1234 5678", "13912345678"),
                                           ("400-123-4567", "4001234567"), ("12333", "12333")])
def test_numbers_are_kept_in_one_form(client, auth, typed, stored):
    response = put(client, auth, "admin", TONGWEI, typed)
    assert response.status_code == 200 and response.json["workstation_hotline"] == stored


def test_unknown_fields_and_a_missing_number_are_refused(client, auth):
    assert (
        client.patch(f"/api/regions/{TONGWEI}/workstation", json={}, headers=auth.headers())
        .status_code == 422
    )
    response = client.patch(f"/api/regions/{TONGWEI}/workstation",
                            json={"phone": "0591-87654321", "county_code": LONGXI},
                            headers=auth.headers())
    assert response.status_code == 422


def test_each_change_is_audited_with_the_number_it_replaced(client, auth):
    assert put(client, auth, "admin", TONGWEI, "0591-87654321").status_code == 200
    assert put(client, auth, "county", TONGWEI, "0591-87654322").status_code == 200
    entries = (
        db.session.query(AuditEntry)
        .filter_by(action="programme.workstation_set")
        .order_by(AuditEntry.id)
        .all()
    )
    assert [(e.actor_id, e.target, e.details) for e in entries] == [
        (auth.users["admin"].id, f"county:{TONGWEI}",
         {"phone": "0591-87654321", "before": {"phone": None}}),
        (auth.users["county"].id, f"county:{TONGWEI}",
         {"phone": "0591-87654322", "before": {"phone": "0591-87654321"}})]


def test_the_card_face_reads_the_number_at_printing_time(client, auth, register):
    worker = register()
    client.post(f"/api/workers/{worker['id']}/credentials", headers=auth.headers())
    put(client, auth, "county", TONGWEI, "0591-87654321")
    row = db.session.get(Worker, worker["id"])
    credential = db.session.query(Credential).filter_by(worker_id=row.id).one()
    assert any(line.text == "服务热线 0591-87654321" for line in card_face(row, credential).lines)

