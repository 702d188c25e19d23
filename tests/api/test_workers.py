import datetime as dt

import pytest

from server.extensions import db
from server.models import Worker
from server.services.events import record_event
from tests.conftest import make_id_number, person
from tests.statements import statements_sent


def test_register_derives_gender_and_birth_date_and_masks_the_number(client, auth):
    payload = person(id_number=make_id_number(birth=dt.date(1985, 3, 7), sequence=124))
    response = client.post("/api/workers", json=payload, headers=auth.headers("county"))
    assert response.status_code == 201
    body = response.json
    assert body["gender"] == "female" and body["birth_date"] == "1985-03-07"
    assert body["id_masked"] == "621121********" + payload["id_number"][-4:]
    assert "id_number" not in body and payload["id_number"] not in response.get_data(as_text=True)
    assert body["status"] == "registered" and body["home"]["county_name"] == "通渭县"
    assert body["warnings"] == []


def test_register_normalises_what_the_clerk_typed(client, auth):
    number = make_id_number(birth=dt.date(1979, 8, 1), sequence=5)
    typed = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９x"))
    response = client.post("/api/workers", json=person(id_number=typed, phone="+86 139-1234-5678"),
                           headers=auth.headers())
    assert response.status_code == 201
    assert response.json["id_last4"] == number[-4:] and response.json["phone"] == "13912345678"


def test_register_names_each_bad_field(client, auth):
    payload = person(id_number="360730198601011111", phone="12345", name="",
                     home={"county_code": "62", "township": ""}, education="phd")
    response = client.post("/api/workers", json=payload, headers=auth.headers())
    assert response.status_code == 422
    assert response.json["code"] == "validation_failed"
    assert set(response.json["errors"]) == {"id_number", "phone", "name", "home.county_code",
                                            "home.township", "education"}
    assert "校验位" in response.json["errors"]["id_number"][0]
    assert db.session.query(Worker).count() == 0


def test_register_refuses_fields_it_derives_or_does_not_know(client, auth):
    response = client.post("/api/workers", json=person(gender="male", nickname="x"),
                           headers=auth.headers())
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"gender", "nickname"}


def test_same_id_number_again_is_a_conflict_naming_the_existing_worker(client, auth, register):
    number = next(n for n in (make_id_number(sequence=s) for s in range(100)) if n.endswith("X"))
    first = register(0, id_number=number)
    typed = f" {number[:6]} {number[6:].lower()} "
    response = client.post("/api/workers", json=person(99, id_number=typed),
                           headers=auth.headers())
    assert response.status_code == 409
    assert (
        response.json["code"] == "duplicate_id_number"
        and response.json["worker_id"] == first["id"]
    )
    assert db.session.query(Worker).count() == 1


def test_a_number_registered_in_another_county_is_refused_without_naming_its_record(
    client, auth, register
):
    """The person is registered once; which record it is, is not another county's clerk's to learn
    (knowing an ID number grants no worker id)."""
    number = make_id_number(sequence=321)
    first = register(0, id_number=number)
    elsewhere = person(5, id_number=number) | {"home": {"county_code": "621122",
                                                        "township": "首阳镇"}}
    response = client.post("/api/workers", json=elsewhere, headers=auth.headers("other_county"))
    assert response.status_code == 409 and response.json["code"] == "duplicate_id_number"
    assert "worker_id" not in response.json and first["id"] not in response.get_data(as_text=True)
    assert "其他地方" in response.json["message"]
    assert db.session.query(Worker).count() == 1


def test_old_region_code_and_unknown_county_are_warnings_not_errors(client, auth):
    old = client.post("/api/workers", json=person(1, id_number=make_id_number("622424")),
                      headers=auth.headers())
    assert old.status_code == 201 and old.json["warnings"] == []
    unknown = client.post("/api/workers", json=person(2, id_number=make_id_number("621199")),
                          headers=auth.headers())
    assert unknown.status_code == 201
    assert [w["code"] for w in unknown.json["warnings"]] == ["unknown_region"]
    assert unknown.json["home"]["county_code"] == "621121"  # the home county is kept apart


def test_under_16_is_registered_with_a_warning(client, auth):
    young = make_id_number(
        birth=dt.date.today().replace(year=dt.date.today().year - 15) - dt.timedelta(days=1)
    )
    response = client.post("/api/workers", json=person(id_number=young), headers=auth.headers())
    assert response.status_code == 201 and [w["code"] for w in response.json["warnings"]] == [
        "under_16"
    ]


def test_former_county_code_for_home_becomes_the_current_one(client, auth):
    response = client.post("/api/workers",
                           json=person(home={"county_code": "622424", "township": "平襄镇"}),
                           headers=auth.headers("county"))
    assert response.status_code == 201 and response.json["home"]["county_code"] == "621121"


def test_home_county_of_no_province_is_refused(client, auth):
    response = client.post("/api/workers",
                           json=person(home={"county_code": "990101", "township": "x"}),
                           headers=auth.headers())
    assert response.status_code == 422 and list(response.json["errors"]) == ["home.county_code"]


def test_requests_without_a_valid_token_are_refused(client, auth):
    assert client.get("/api/workers").status_code == 401
    response = client.get("/api/workers", headers={"Authorization": "Bearer lp_not-a-token"})
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"
    assert client.get("/api/health").status_code == 200
    assert client.get("/api/keys").status_code == 200


@pytest.mark.parametrize("role, status", [
    ("admin", 201), ("county", 201), ("workstation", 201), ("fair_staff", 201),
    ("other_county", 403), ("greeter", 403), ("employer", 403),
])
def test_who_may_register_a_tongwei_worker(client, auth, role, status):
    response = client.post("/api/workers", json=person(), headers=auth.headers(role))
    assert response.status_code == status
    if status == 403:
        assert response.json["code"] == "forbidden"


@pytest.mark.parametrize("role, status", [
    ("admin", 200), ("county", 200), ("workstation", 200), ("fair_staff", 200),
    ("other_county", 404), ("employer", 404), ("greeter", 404),
])
def test_reading_a_worker_depends_on_scope_and_never_leaks_existence(client, auth, register, role,
                                                                     status):
    worker = register()
    response = client.get(f"/api/workers/{worker['id']}", headers=auth.headers(role))
    assert response.status_code == status
    missing = client.get("/api/workers/no-such-id", headers=auth.headers(role))
    assert missing.status_code == 404
    if status == 404:
        assert response.json == missing.json  # same answer as for a worker that does not exist
    else:  # Tongwei's workstation has no number of its own in the region data: the program's line
        assert response.json["workstation_hotline"] == "12333"


def test_employer_sees_onboarded_worker_without_poverty_flag_or_village(client, auth, register):
    worker_json = register()
    worker = db.session.get(Worker, worker_json["id"])
    record_event(worker, "employer.onboarded", actor=auth.users["admin"],
                 context={"employer_id": auth.employer_id()})
    db.session.commit()
    response = client.get(f"/api/workers/{worker.id}", headers=auth.headers("employer"))
    assert response.status_code == 200
    assert "poor_household" not in response.json and "birth_date" not in response.json
    assert "village" not in response.json["home"]
    assert (
        response.json["status"] == "employed"
        and response.json["current_employer"]["name"] == "闽江纺织"
    )
    assert (
        client.get(f"/api/workers/{worker.id}", headers=auth.headers("other_employer")).status_code
        == 404
    )
    listing = client.get("/api/workers", headers=auth.headers("employer")).json
    assert [w["id"] for w in listing["items"]] == [worker.id]


def test_greeter_sees_only_name_masked_id_and_township_of_arrivals_at_its_station(
    client, auth, register
):
    worker_json = register()
    worker = db.session.get(Worker, worker_json["id"])
    record_event(worker, "station.arrived", actor=auth.users["greeter"],
                 context={"station": "福州站"})
    db.session.commit()
    response = client.get(f"/api/workers/{worker.id}", headers=auth.headers("greeter"))
    assert response.status_code == 200
    assert set(response.json) == {"id", "name", "id_masked", "id_last4", "gender", "home",
                                  "status", "card_serial"}
    assert set(response.json["home"]) == {"county_code", "county_name", "township"}


def test_search_filters_and_pages(client, auth, register):
    ids = [register(n, name=name)["id"] for n, name in enumerate(["张秀英", "李建国", "张志强"])]
    register(10, name="王芳", home={"county_code": "621122", "township": "首阳镇"})
    headers = auth.headers()

    def found(query, who="admin"):
        body = client.get(f"/api/workers?{query}", headers=auth.headers(who)).json
        return body["total"], {w["id"] for w in body["items"]}

    assert found("q=张")[0] == 2
    last4 = client.get(f"/api/workers/{ids[1]}", headers=headers).json["id_last4"]
    assert found(f"id_last4={last4}") == (1, {ids[1]})
    assert found("county_code=621122")[0] == 1
    assert found("status=registered")[0] == 4
    assert found("status=employed")[0] == 0
    assert found("per_page=2&page=2")[0] == 4 and len(found("per_page=2&page=2")[1]) == 2
    assert found("", who="county")[0] == 3  # its own county only
    assert client.get("/api/workers?per_page=500", headers=headers).status_code == 422
    assert client.get("/api/workers?status=flying", headers=headers).status_code == 422


def test_patch_records_an_update_event_and_changes_the_record(client, auth, register):
    worker = register()
    response = client.patch(f"/api/workers/{worker['id']}",
                            json={"phone": "13800001111", "home": {"village": "东关村"}},
                            headers=auth.headers("county"))
    assert response.status_code == 200
    assert response.json["phone"] == "13800001111" and response.json["home"]["village"] == "东关村"
    assert response.json["home"]["township"] == "平襄镇"
    timeline = client.get(f"/api/workers/{worker['id']}/events", headers=auth.headers()).json
    assert timeline[0]["type"] == "worker.updated" and timeline[0]["actor"]["name"] == "tongwei"
    assert timeline[0]["data"] == {
        "phone": "13800001111",
        "home": {"county_code": "621121", "township": "平襄镇", "village": "东关村"}}
    assert timeline[-1]["type"] == "worker.registered"


def test_patch_of_the_id_number_rederives_and_refuses_a_duplicate(client, auth, register):
    first, second = register(1), register(2)
    taken = person(1)["id_number"]
    response = client.patch(f"/api/workers/{second['id']}", json={"id_number": taken},
                            headers=auth.headers())
    assert response.status_code == 409 and response.json["worker_id"] == first["id"]
    fixed = make_id_number(birth=dt.date(1990, 5, 6), sequence=77)
    response = client.patch(f"/api/workers/{second['id']}", json={"id_number": fixed},
                            headers=auth.headers())
    assert response.status_code == 200
    assert response.json["birth_date"] == "1990-05-06" and response.json["id_last4"] == fixed[-4:]
    events = client.get(f"/api/workers/{second['id']}/events", headers=auth.headers()).json
    assert "id_number_enc" not in events[0]["data"] and "id_number_bidx" not in events[0]["data"]


def test_patch_that_changes_nothing_records_nothing(client, auth, register):
    worker = register()
    response = client.patch(f"/api/workers/{worker['id']}", json={"name": worker["name"]},
                            headers=auth.headers())
    assert response.status_code == 200 and response.json["event_count"] == worker["event_count"]
    assert (
        client.patch(f"/api/workers/{worker['id']}", json={}, headers=auth.headers()).status_code
        == 422
    )


@pytest.mark.parametrize("role, status", [("county", 200), ("fair_staff", 403), ("employer", 403),
                                          ("other_county", 404)])
def test_who_may_correct_a_worker(client, auth, register, role, status):
    worker = register()
    response = client.patch(f"/api/workers/{worker['id']}", json={"education": "primary"},
                            headers=auth.headers(role))
    assert response.status_code == status


def test_county_cannot_move_a_worker_out_of_its_county(client, auth, register):
    worker = register()
    response = client.patch(f"/api/workers/{worker['id']}",
                            json={"home": {"county_code": "621122"}},
                            headers=auth.headers("county"))
    assert response.status_code == 403


def test_timeline_is_newest_first_with_who_where_device_and_when(client, auth, register):
    worker_json = register(on=None)
    worker = db.session.get(Worker, worker_json["id"])
    arrival = dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    record_event(worker, "station.arrived", actor=auth.users["greeter"], occurred_at=arrival,
                 context={"station": "福州站"}, device_id="phone-7")
    db.session.commit()
    events = client.get(f"/api/workers/{worker.id}/events", headers=auth.headers()).json
    # registration is today
    assert [e["type"] for e in events] == ["worker.registered", "station.arrived"]
    arrived = events[1]
    assert arrived["occurred_at"] == "2026-03-01T08:30:00+08:00"
    assert arrived["device_id"] == "phone-7" and arrived["context"] == {"station": "福州站"}
    assert arrived["actor"] == {"id": auth.users["greeter"].id, "name": "greeter",
                                "role": "greeter"}
    assert client.get("/api/workers/nope/events", headers=auth.headers()).status_code == 404



def test_the_timeline_costs_the_same_statements_however_many_events_and_actors(
    client, auth, register
):
    worker = db.session.get(Worker, register(on=None)["id"])
    db.session.commit()

    def statements() -> int:
        with statements_sent() as sent:
            answer = client.get(f"/api/workers/{worker.id}/events", headers=auth.headers())
        assert answer.status_code == 200
        db.session.rollback()
        return len(sent)

    one = statements()
    for n, who in enumerate(("greeter", "fair_staff", "county", "workstation", "employer") * 2):
        record_event(db.session.merge(worker), "station.arrived", actor=auth.users[who],
                     context={"station": "福州站"},
                     occurred_at=dt.datetime(2026, 3, 1, 8, n, tzinfo=dt.UTC),
                     device_id=f"phone-{n}")
    db.session.commit()
    eleven = client.get(f"/api/workers/{worker.id}/events", headers=auth.headers()).json
    assert len(eleven) == 11 and len({e["actor"]["id"] for e in eleven}) == 6
    assert statements() == one  # one query for the events, one for all who recorded them


def test_a_page_of_workers_costs_the_same_statements_for_three_as_for_thirty(
    client, auth, register, training
):
    """Each worker's employer, workstation number and trainings come in one query for the whole
    page, not one per worker (the number of a county the office has not set was a query each)."""
    def onboard(n):
        worker = db.session.get(Worker, register(n)["id"])
        record_event(worker, "employer.onboarded", actor=auth.users["admin"],
                     context={"employer_id": auth.employer_id()})
        record_event(worker, "training.attended", actor=auth.users["county"],
                     context={"training_id": training}, data={"hours": 8})
        db.session.commit()

    def listed():
        with statements_sent() as sent:
            answer = client.get("/api/workers?per_page=50", headers=auth.headers("county"))
        db.session.rollback()
        assert answer.status_code == 200
        items = answer.json["items"]
        assert all(w["current_employer"]["id"] == auth.employer_id() for w in items)
        assert all(w["trainings"] == [{"id": training, "title": "电子装配岗前培训",
                                       "skill": "electronics_assembly", "hours": 8.0,
                                       "completed": False}] for w in items)
        return len(items), len(sent)

    for n in range(3):
        onboard(n)
    three = listed()
    for n in range(3, 30):
        onboard(n)
    assert listed() == (30, three[1]) and three[0] == 3


def test_registration_needs_the_workers_recorded_consent(client, auth):
    without = client.post("/api/workers",
                          json={k: v for k, v in person().items() if k != "consent"},
                          headers=auth.headers())
    assert without.status_code == 422 and "consent" in without.json["errors"]
    refused = client.post("/api/workers",
                          json=person(consent={"notice_version": "2026-1", "channel": "paper",
                                                                "agreed": False}),
                          headers=auth.headers())
    assert refused.status_code == 422 and "consent.agreed" in refused.json["errors"]
    notice = client.get("/api/regions/consent-notice", headers=auth.headers()).json
    assert "敏感个人信息" in notice["zh"] and notice["version"] == "2026-1"


def test_consent_is_kept_with_who_witnessed_it_and_when(client, auth, register):
    worker = register(as_="fair_staff", consent={"notice_version": "2026-1",
                                                 "channel": "read_aloud", "agreed": True})
    [registered] = [
        e
        for e in client.get(f"/api/workers/{worker['id']}/events", headers=auth.headers()).json
        if e["type"] == "worker.registered"
    ]
    assert registered["data"]["consent"] == {"notice_version": "2026-1", "channel": "read_aloud"}
    assert registered["actor"]["name"] == "tongwei-fair" and registered["occurred_at"]
    old = client.post("/api/workers",
                      json=person(5, consent={"notice_version": "2025-3", "channel": "paper",
                                                               "agreed": True}),
                      headers=auth.headers())
    assert [w["code"] for w in old.json["warnings"]] == ["old_notice"]


def test_percent_and_underscore_in_a_name_search_are_literal(client, auth, register):
    register(1, name="张秀英"), register(2, name="王_明")
    for q, names in (("%", []), ("_", ["王_明"]), ("秀", ["张秀英"])):
        found = client.get("/api/workers", query_string={"q": q}, headers=auth.headers()).json[
            "items"
        ]
        assert [w["name"] for w in found] == names, q
