"""Every endpoint about a worker × every staff role × a worker in scope and one out of scope.

In scope: a Tongwei worker whom the employer onboarded and the greeter met at its station.
Out of scope: a Longxi worker nobody else touched. 404 means "no such worker" for that role: a
worker outside your scope is answered exactly like one that does not exist.
"""
import pytest

from server.extensions import db
from server.models import Worker
from server.services.events import record_event

ROLES = ("admin", "county", "workstation", "fair_staff", "greeter", "employer")
READ = {"admin": (200, 200), "county": (200, 404), "workstation": (200, 404),
        "fair_staff": (200, 404), "greeter": (200, 404), "employer": (200, 404)}
BODIES = {"PATCH /api/workers/{id}": {"education": "primary"}, "POST /api/scan/verify": "card"}
MATRIX = {
    "GET /api/workers/{id}": READ,
    "GET /api/workers/{id}/events": READ,
    "GET /api/workers/{id}/card.svg": READ,
    "PATCH /api/workers/{id}": {
        "admin": (200, 200), "county": (200, 404), "workstation": (200, 404),
        "fair_staff": (403, 403), "greeter": (403, 403), "employer": (403, 403)},
    "POST /api/workers/{id}/credentials": {
        "admin": (201, 201), "county": (201, 404), "workstation": (201, 404),
        "fair_staff": (201, 404), "greeter": (403, 403), "employer": (403, 403)},
    "POST /api/scan/verify": {role: (200, 200) for role in ROLES},  # the holder shows the card
}


@pytest.fixture
def workers(client, auth, register):
    mine = db.session.get(Worker, register(1)["id"])
    theirs = db.session.get(Worker,
                            register(2, home={"county_code": "621122", "township": "首阳"
                                                                                   "镇"})["id"])
    record_event(mine, "employer.onboarded", actor=auth.users["admin"],
                 context={"employer_id": auth.employer_id()})
    record_event(mine, "station.arrived", actor=auth.users["greeter"],
                 context={"station": "福州站"})
    db.session.commit()
    cards = {}
    for worker in (mine, theirs):
        cards[worker.id] = client.post(
            f"/api/workers/{worker.id}/credentials", headers=auth.headers()
        ).json["qr"]
    return {"in": (mine.id, cards[mine.id]), "out": (theirs.id, cards[theirs.id])}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", list(MATRIX))
def test_endpoint_by_role_and_scope(client, auth, workers, endpoint, role):
    method, path = endpoint.split(" ")
    body = BODIES.get(endpoint)
    for scope, expected in zip(("in", "out"), MATRIX[endpoint][role], strict=True):
        worker_id, card = workers[scope]
        json = {"qr": card} if body == "card" else body
        response = client.open(path.format(id=worker_id), method=method, json=json,
                               headers=auth.headers(role))
        assert response.status_code == expected, (scope, response.get_json())
        if expected == 404:
            assert response.json["code"] == "worker_not_found"


@pytest.mark.parametrize("role", ROLES)
def test_listing_shows_exactly_the_workers_in_scope(client, auth, workers, role):
    listed = {w["id"]
              for w in client.get("/api/workers", headers=auth.headers(role)).json["items"]}
    expected = {workers["in"][0]} | ({workers["out"][0]} if role == "admin" else set())
    assert listed == expected


@pytest.mark.parametrize("role", ROLES)
def test_no_role_sees_fields_beyond_its_rules(client, auth, workers, role):
    body = client.get(f"/api/workers/{workers['in'][0]}", headers=auth.headers(role)).json
    assert "id_number" not in body and "*" in body["id_masked"]
    if role in ("employer", "greeter"):
        assert "poor_household" not in body and "village" not in body["home"]
