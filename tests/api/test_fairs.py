"""Fairs: planning (with the lunar calendar's lesson), employers and jobs, scope, live counts and
the funnel."""

import datetime as dt

import pytest

from server.extensions import db
from server.models import AuditEntry
from tests.api.sync_helpers import TZ, envelope, onboard_reviewed, push, statuses, void_reviewed
from tests.api.test_sync_pull import ids, pull_all
from tests.statements import statements_sent

pytestmark = pytest.mark.usefixtures("batch")  # its scans name the batch "b"

SPRING = {"name": "通渭县2027年春风行动招聘会", "county_code": "621121", "township": "平襄镇",
          "village": "西关村",
          "venue": "平襄镇文化广场", "date": "2027-02-05", "starts_at": "09:00",
          "ends_at": "16:00", "organiser": "通渭县人力资源和社会保障局"}
JOB = {"job_type": "electronics_assembly", "openings": 120, "wage_min": 4200, "wage_max": 5500,
       "wage_basis": "piece_rate",
       "hours": "每天10小时，月休4天", "housing": True, "food": True, "district_code": "350181"}


@pytest.fixture
def fair(client, auth):
    body = {**SPRING, "employer_ids": [auth.employer_id(), auth.employer_id("other_employer")]}
    response = client.post("/api/fairs", json=body, headers=auth.headers("county"))
    assert response.status_code == 201, response.json
    return response.json


def test_a_county_plans_a_fair_and_sees_its_lunar_date(client, auth, fair):
    # home for the Spring Festival
    assert fair["lunar"]["text"] == "农历腊月廿九" and fair["warnings"] == []
    assert (fair["county_name"], fair["starts_at"], fair["ends_at"]) == ("通渭县", "09:00:00",
                                                                         "16:00:00")
    assert {e["name"] for e in fair["employers"]} == {"闽江纺织", "融侨电子"}
    assert list(fair)[:2] == ["id", "funnel"]  # the page opens with what came of the fair
    late = client.patch(
        f"/api/fairs/{fair['id']}", json={"date": "2027-03-10"}, headers=auth.headers("county")
    ).json
    [warning] = late["warnings"]
    assert warning["code"] == "after_departures" and "农历二月初三" in warning["message"]
    # 春节 2028: 26 Jan
    assert warning["window"] == {"opens": "2027-12-28", "closes": "2028-02-09"}
    actions = [a for (a,) in db.session.query(AuditEntry.action).order_by(AuditEntry.id)]
    assert actions == ["fair.created", "fair.updated"]


def test_a_page_of_fairs_costs_the_same_statements_for_two_as_for_ten(client, auth):
    """How many employers take part and how many checked in come in a query each for the page
    (each fair's employers were loaded one fair at a time)."""

    def plan(n):
        body = {**SPRING, "name": f"招聘会{n}", "date": f"2027-02-{n + 1:02d}",
                "employer_ids": [auth.employer_id(), auth.employer_id("other_employer")]}
        planned = client.post("/api/fairs", json=body, headers=auth.headers("county"))
        assert planned.status_code == 201

    def listed():
        with statements_sent() as sent:
            page = client.get("/api/fairs?per_page=50", headers=auth.headers("county")).json
        db.session.rollback()
        assert {f["employer_count"] for f in page["items"]} == {2}
        return page["total"], len(sent)

    for n in range(2):
        plan(n)
    two = listed()
    for n in range(2, 10):
        plan(n)
    assert listed() == (10, two[1]) and two[0] == 2


def test_the_lunar_lookup_for_the_form(client, auth):
    answer = client.get("/api/lunar?date=2017-02-28", headers=auth.headers("fair_staff")).json
    assert answer["text"] == "农历二月初三" and answer["warnings"][0]["code"] == "after_departures"
    assert client.get("/api/lunar?date=2017-02-30", headers=auth.headers()).status_code == 422
    # 2099's recruiting window ends in 2100, past the lunar tables: refused naming the range, not a
    # 500
    late = client.get("/api/lunar?date=2099-03-01", headers=auth.headers())
    assert late.status_code == 422 and "2098-12-31" in late.json["errors"]["date"][0]
    assert client.get("/api/lunar?date=2098-12-31", headers=auth.headers()).status_code == 200


@pytest.mark.parametrize("who, body, field", [
    ("county", {"ends_at": "08:00"}, "ends_at"),
    ("county", {"county_code": "621122"}, "county_code"),  # another county's fair
    ("admin", {"county_code": "350181"}, "county_code"),  # fairs are held at the origin
    ("county", {"employer_ids": ["no-such-employer"]}, "employer_ids"),
    ("county", {"date": "2027-02-30"}, "date"),
    ("county", {"date": "2099-03-01"}, "date"),  # once a 500 from the lunar tables
])
def test_a_fair_that_cannot_be_is_refused_naming_the_field(client, auth, who, body, field):
    response = client.post("/api/fairs", json=SPRING | body, headers=auth.headers(who))
    assert response.status_code == 422 and field in response.json["errors"], response.json


def test_only_county_staff_plan_fairs(client, auth):
    for who in ("fair_staff", "greeter", "employer"):
        assert client.post("/api/fairs", json=SPRING, headers=auth.headers(who)).status_code == 403


def test_jobs_come_from_employers_at_the_fair(client, auth, fair):
    url = f"/api/fairs/{fair['id']}/postings"
    posted = client.post(url, json=JOB | {"employer_id": auth.employer_id()},
                         headers=auth.headers("county"))
    assert posted.status_code == 201, posted.json
    assert posted.json["job_type"] == {"code": "electronics_assembly", "zh": "电子装配工",
                                       "en": "Electronics assembly"}
    assert (
        posted.json["district_name"] == "福清市" and posted.json["employer"]["name"] == "闽江纺织"
    )
    own = client.post(url, json=JOB | {"job_type": "sewing", "wage_basis": "fixed"},
                      headers=auth.headers("other_employer"))
    assert own.status_code == 201 and own.json["employer"]["name"] == "融侨电子"
    for body, field in (
        (JOB | {"job_type": "astronaut", "employer_id": auth.employer_id()}, "job_type"),
        (JOB | {"wage_max": 3000, "employer_id": auth.employer_id()}, "wage_max"),
        (JOB | {"district_code": "621121", "employer_id": auth.employer_id()}, "district_code"),
        (
            {k: v for k, v in JOB.items() if k != "district_code"}
            | {"employer_id": auth.employer_id()},
            "district_code",
        ),  # once a 500: where the work is, a posting must say
        (JOB, "employer_id"),
    ):
        refused = client.post(url, json=body, headers=auth.headers("county"))
        assert refused.status_code == 422 and field in refused.json["errors"], refused.json
    theirs = f"{url}/{own.json['id']}"
    assert (
        client.patch(theirs, json={"openings": 1}, headers=auth.headers("employer")).status_code
        == 404
    )
    fixed = client.patch(theirs, json={"openings": 80, "wage_min": 4500},
                         headers=auth.headers("other_employer"))
    assert fixed.status_code == 200 and (fixed.json["openings"], fixed.json["wage_min"]) == (
        80,
        4500,
    )


def test_each_sees_the_fairs_of_its_scope_and_an_employer_only_its_own_jobs(client, auth, fair):
    url = f"/api/fairs/{fair['id']}"
    client.post(f"{url}/postings", json=JOB | {"employer_id": auth.employer_id()},
                headers=auth.headers("county"))
    client.post(f"{url}/postings", json=JOB, headers=auth.headers("other_employer"))
    assert client.get(url, headers=auth.headers("other_county")).status_code == 404
    assert client.get(url, headers=auth.headers("greeter")).status_code == 403
    assert len(client.get(url, headers=auth.headers("fair_staff")).json["postings"]) == 2
    seen = client.get(url, headers=auth.headers("employer")).json
    assert [p["employer"]["name"] for p in seen["postings"]] == ["闽江纺织"]
    assert [e["name"] for e in seen["employers"]] == ["闽江纺织"]
    listed = client.get("/api/fairs", headers=auth.headers("fair_staff")).json
    assert fair["id"] in [f["id"] for f in listed["items"]]
    assert client.get("/api/fairs", headers=auth.headers("other_county")).json["total"] == 0


def test_devices_pull_the_fairs_of_their_scope(client, auth, fair):
    client.post(f"/api/fairs/{fair['id']}/postings", json=JOB,
                headers=auth.headers("other_employer"))
    changes, _ = pull_all(client, auth, "fair_staff", "fair-phone")
    [pulled] = [c["data"] for c in changes if c["kind"] == "fair"]
    assert (
        pulled["name"] == SPRING["name"]
        and len(pulled["employers"]) == 2
        and len(pulled["postings"]) == 1
    )
    assert fair["id"] not in ids(pull_all(client, auth, "other_county", "longxi-phone")[0], "fair")
    [for_employer] = [c["data"] for c in pull_all(client, auth, "employer", "hr-phone")[0]
                      if c["kind"] == "fair"]
    assert for_employer["postings"] == [] and [e["name"] for e in for_employer["employers"]] == [
        "闽江纺织"
    ]


def test_scans_at_the_fair_count_live_and_fill_the_funnel(client, auth, register, fair):
    url = f"/api/fairs/{fair['id']}"
    job = client.post(
        f"{url}/postings",
        json=JOB | {"employer_id": auth.employer_id()},
        headers=auth.headers("county"),
    ).json
    workers = [register(n)["id"] for n in range(5)]
    # from Longxi, next door
    neighbour = register(9, home={"county_code": "621122", "township": "首阳镇"})["id"]
    day = dt.datetime(2027, 2, 5, 10, 0, tzinfo=TZ)
    at_fair = {"fair_id": fair["id"]}
    signed = at_fair | {"employer_id": auth.employer_id()}
    events = [envelope("fair.checked_in", n + 1, worker_id=w, context=at_fair, at=day) for n,
              w in enumerate(workers)]
    neighbours_card = client.post(
        f"/api/workers/{neighbour}/credentials", headers=auth.headers()
    ).json["qr"]
    # an id alone
    events.append(envelope("fair.checked_in", 6, credential=neighbours_card, context=at_fair,
                           at=day))
    # is not proof that someone of another county came: the card is
    events += [envelope("fair.intent_signed", 7 + n, worker_id=w, context=signed,
                        data={"posting_id": job["id"]}, at=day)
               for n, w in enumerate(workers[:3])]
    body = push(client, auth, "fair_staff", "fair-phone", *events)
    assert all(r["status"] == "accepted" for r in body["results"]), body
    mistaken = body["results"][3]["id"]  # workers[3] was scanned by mistake: the county voids it,
    # with a second reviewer
    void_reviewed(client, auth, envelope("event.voided", 1, worker_id=workers[3],
                                         data={"event_id": mistaken, "reason": "扫错了人"}),
                  device="office-pc")
    later = day + dt.timedelta(days=10)
    for n, type in enumerate(("batch.assigned", "batch.departed")):
        push(client, auth, "county", "office-pc", envelope(type, 2 + n, worker_id=workers[0],
                                                           # "b": a batch of conftest
                                                           context={"batch_id": "b"}, at=later))
    push(client, auth, "greeter", "station-phone",
         envelope(worker_id=workers[0], at=later + dt.timedelta(days=2)))
    onboarded = envelope("employer.onboarded", 1, worker_id=workers[0],
                         at=later + dt.timedelta(days=2), data={"start_date": "2027-02-17"})
    # keyed in by id: the workstation accepts it
    onboard_reviewed(client, auth, onboarded, device="hr-phone")

    page = client.get(url, headers=auth.headers("county")).json
    assert page["counts"] == {"preregistered": 0, "preregistered_came": 0, "checked_in": 5,
                              "workers_with_intent": 3, "intentions": 3}
    assert [p["intentions"] for p in page["postings"]] == [3]
    assert page["funnel"] == {"attended": 5, "intent": 3, "followed_up": 0, "assigned": 1,
                              "departed": 1,
                              "arrived": 1, "onboarded": 1,
                                   "employed_1_month": 0, "employed_3_months": 0,
                              "employed_6_months": 0}
    listed = client.get("/api/fairs", headers=auth.headers("county")).json["items"]
    assert next(f for f in listed if f["id"] == fair["id"])["checked_in"] == 5
    mine = client.get(url, headers=auth.headers("employer")).json
    assert mine["funnel"]["intent"] == 3 and mine["counts"] == {"workers_with_intent": 3,
                                                                "intentions": 3}
    assert (
        client.get(url, headers=auth.headers("other_employer")).json["counts"]["intentions"] == 0
    )


def test_a_scan_naming_an_unknown_fair_employer_or_job_is_quarantined(client, auth, register,
                                                                      fair):
    worker = register(1)["id"]
    # no employers
    other = client.post("/api/fairs", json=SPRING, headers=auth.headers("county")).json
    theirs = client.post(
        f"/api/fairs/{fair['id']}/postings", json=JOB, headers=auth.headers("other_employer")
    ).json
    body = push(client, auth, "fair_staff", "fair-phone",
                envelope("fair.checked_in", 1, worker_id=worker,
                         context={"fair_id": "no-such-fair"}),
                envelope("fair.intent_signed", 2, worker_id=worker,
                         context={"fair_id": other["id"], "employer_id": auth.employer_id()}),
                envelope("fair.intent_signed", 3, worker_id=worker,
                         data={"posting_id": theirs["id"]},
                         context={"fair_id": fair["id"], "employer_id": auth.employer_id()}))
    assert statuses(body) == [("rejected", "unknown_fair"), ("rejected", "unknown_employer"),
                              ("rejected", "unknown_posting")]
    the_right_fair = push(client, auth, "fair_staff", "fair-phone", envelope(
        "fair.checked_in", 4, worker_id=worker, context={"fair_id": fair["id"]}))
    assert statuses(the_right_fair) == [("accepted", None)]


def test_job_types_are_one_shared_catalogue(client, auth):
    types = client.get("/api/job-types", headers=auth.headers("employer")).json
    assert {"code": "sewing", "zh": "缝纫"
                                    "工", "en": "Sewing machinist"} in types and len(types) > 20


def test_the_employers_to_invite_are_listed_for_the_office_and_an_employer_sees_itself(
    client, auth
):
    listed = client.get("/api/employers", headers=auth.headers("county")).json
    assert sorted(e["name"] for e in listed) == sorted(auth.employers)
    mine = client.get("/api/employers", headers=auth.headers("employer")).json
    names = {e.id: e.name for e in auth.employers.values()}
    assert mine == [{"id": auth.employer_id(), "name": names[auth.employer_id()]}]
    assert client.get("/api/employers", headers=auth.headers("greeter")).status_code == 403
