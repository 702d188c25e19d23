"""After arrival: why people leave, the review queue, the at-risk list, and training."""
import datetime as dt

import pytest

from tests.api.sync_helpers import envelope, push, statuses

pytestmark = pytest.mark.usefixtures("batch")  # its scans name the batch "b"

NOW = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).replace(microsecond=0)


def days_ago(n: int) -> dt.datetime:
    return NOW - dt.timedelta(days=n)


@pytest.fixture
def arrived(client, auth, register):
    """A worker who came on batch "b" 60 days ago."""
    worker = register(1)["id"]
    push(client, auth, "county", "office",
         envelope("batch.assigned", 1, worker_id=worker, context={"batch_id": "b"},
                                                    at=days_ago(62)))
    push(client, auth, "greeter", "station", envelope(worker_id=worker, at=days_ago(60),
                                                      context={"station": "福州站",
                                                               "batch_id": "b"}))
    return worker


def card(client, auth, worker) -> str:
    """The worker's card (issuing another revokes it: one a worker per test)."""
    response = client.post(f"/api/workers/{worker}/credentials", headers=auth.headers())
    assert response.status_code == 201, response.json
    return response.json["qr"]


def onboard(client, auth, who, card, seq, at):
    """``who`` scans the worker's card on the first day (an onboarding keyed in by id would wait
    for a reviewer)."""
    return push(
        client,
        auth,
        who,
        f"{who}-phone",
        envelope(
            "employer.onboarded",
            seq,
            credential=card,
            at=at,
            data={"start_date": at.date().isoformat()},
        ),
    )


def test_odd_facts_are_accepted_and_wait_in_the_review_queue(client, auth, register, arrived):
    never_came = register(2)["id"]
    assert onboard(client, auth, "employer", card(client, auth, never_came), 1, days_ago(30))[
        "results"
    ][0]["flags"] == ["onboarded_without_arrival"]
    arrived_card = card(client, auth, arrived)
    onboard(client, auth, "employer", arrived_card, 2, days_ago(59))
    second = onboard(client, auth, "other_employer", arrived_card, 1, days_ago(20))["results"][0]
    assert second["flags"] == ["second_employer"]
    queue = client.get("/api/reviews", headers=auth.headers("county")).json
    # the greeter's roster scan by id too
    assert [(i["worker"]["id"], i["reasons"]) for i in queue["items"]] == [
        (arrived, ["second_employer"]), (never_came, ["onboarded_without_arrival"]),
        (arrived, ["keyed"])]
    assert client.get("/api/reviews", headers=auth.headers("other_county")).json["total"] == 0
    assert client.get("/api/reviews", headers=auth.headers("employer")).status_code == 403

    voided = client.post(f"/api/reviews/{second['id']}",
                         json={"outcome": "voided", "note": "HR扫错了人"},
                         headers=auth.headers("county"))
    assert voided.status_code == 200
    record = client.get(f"/api/workers/{arrived}", headers=auth.headers()).json
    # the mistaken onboarding no longer counts
    assert record["current_employer"]["id"] == auth.employer_id()
    stands = queue["items"][1]["event_id"]
    assert client.post(f"/api/reviews/{stands}",
                       json={"outcome": "accepted", "note": "到站时漏扫"},
                       headers=auth.headers("workstation")).status_code == 200
    assert client.post(f"/api/reviews/{stands}", json={"outcome": "accepted", "note": "again"},
                       headers=auth.headers("county")).status_code == 409
    assert [
        i["reasons"]
        for i in client.get("/api/reviews", headers=auth.headers("county")).json["items"]
    ] == [["keyed"]]
    decided = client.get("/api/reviews?status=decided", headers=auth.headers("county")).json[
        "items"
    ]
    assert {d["decision"]["outcome"] for d in decided} == {"accepted", "voided"}


def test_an_employment_ends_with_a_reason_from_the_list(client, auth, arrived):
    assert statuses(
        onboard(client, auth, "employer", card(client, auth, arrived), 1, days_ago(59))
    ) == [("accepted", None)]
    body = push(client, auth, "employer", "employer-phone",
                envelope("employment.ended", 2, worker_id=arrived, data={"reason": "too far"},
                         at=days_ago(5)),
                envelope("employment.ended", 3, worker_id=arrived, data={"reason": "other"},
                         at=days_ago(5)),
                envelope("employment.ended", 4, worker_id=arrived, data={"reason": "climate"},
                         at=days_ago(5)),
                envelope("employment.confirmed", 5, worker_id=arrived, at=days_ago(1)))
    assert statuses(body) == [("rejected", "invalid_envelope"), ("rejected", "invalid_envelope"),
                              ("accepted", None), ("accepted", None)]
    assert (
        "data.reason" in body["results"][0]["message"]
        and "data.text" in body["results"][1]["message"]
    )
    assert body["results"][3]["flags"] == ["after_leaving", "keyed"]


def test_the_morning_list_of_workers_at_risk(client, auth, register, arrived):
    quiet, fine, moved, gone = arrived, register(3)["id"], register(4)["id"], register(5)["id"]
    cards = {worker: card(client, auth, worker) for worker in (quiet, fine, moved, gone)}
    for n, worker in enumerate((fine, moved, gone)):  # on no batch: the greeter scans their cards
        met = push(client, auth, "greeter", "station",
                   envelope(credential=cards[worker], seq=10 + n,
                                                                at=days_ago(20 if worker == gone
                                                                            else 50)))
        assert statuses(met) == [("accepted", None)]
    onboard(client, auth, "employer", cards[quiet], 1, days_ago(59))
    onboard(client, auth, "employer", cards[fine], 2, days_ago(49))
    push(client, auth, "employer", "employer-phone",
         envelope("employment.confirmed", 3, worker_id=fine, at=days_ago(10)))
    onboard(client, auth, "employer", cards[moved], 4, days_ago(49))
    for n, employer in enumerate(("other_employer", "employer")):  # could not cope, twice
        push(
            client,
            auth,
            "workstation",
            "ws",
            envelope(
                "employment.reassigned",
                n + 1,
                worker_id=moved,
                context={"employer_id": auth.employer_id(employer)},
                at=days_ago(30 - n * 10),
            ),
        )
    onboard(client, auth, "employer", cards[gone], 5, days_ago(19))
    push(client, auth, "employer", "employer-phone",
         envelope("employment.ended", 6, worker_id=gone, at=days_ago(8),
                                                              data={"reason": "homesick"}))
    listed = client.get("/api/at-risk", headers=auth.headers("workstation")).json
    reasons = {item["worker"]["id"]: item["reasons"] for item in listed["items"]}
    assert reasons == {quiet: ["no_confirmation_35_days"],
                       moved: ["no_confirmation_35_days", "reassigned_twice"],
                       gone: ["ended_within_30_days_of_arrival"]}
    # whom to call: the worker's own phone (register(1)'s) and the employer by name
    employer = client.get("/api/employers", headers=auth.headers("workstation")).json
    names = {e["id"]: e["name"]
             for e in (employer["items"] if isinstance(employer, dict) else employer)}
    line = next(item["worker"] for item in listed["items"] if item["worker"]["id"] == quiet)
    assert (
        line["phone"] == "13900000001"
        and line["current_employer_name"] == names[auth.employer_id()]
    )
    assert client.get("/api/at-risk", headers=auth.headers("other_county")).json["total"] == 0
    # page by page, the same people in the same order (the still-employed paged by the database,
    # the ones who left merged in)
    pages = [
        client.get(f"/api/at-risk?per_page=1&page={n}", headers=auth.headers("workstation")).json
        for n in (1, 2, 3, 4)
    ]
    assert [p["total"] for p in pages] == [3, 3, 3, 3] and pages[3]["items"] == []
    assert [p["items"][0]["worker"]["id"] for p in pages[:3]] == [i["worker"]["id"]
                                                                  for i in listed["items"]]


def test_a_training_is_attended_by_scan_and_completed_on_the_record(client, auth, register):
    worker = register(6)["id"]
    course = {"title": "缝纫工岗前培训", "skill": "sewing", "provider": "通渭县职教中心",
              "place": "平襄镇",
              "starts_on": "2026-01-05", "ends_on": "2026-01-06", "capacity": 30, "hours": 16}
    training = client.post("/api/trainings", json=course, headers=auth.headers("county")).json
    assert training["attended"] == 0
    scans = [envelope("training.attended", n + 1, worker_id=worker,
                      context={"training_id": training["id"]},
                      data={"hours": 8}, at=dt.datetime(2026, 1, 5 + n, 17, tzinfo=NOW.tzinfo))
             for n in range(2)]
    scans.append(envelope("training.attended", 3, worker_id=worker,
                          context={"training_id": "no-such-training"}))
    assert statuses(push(client, auth, "workstation", "ws", *scans))[2] == ("rejected",
                                                                            "unknown_training")
    seen = client.get(f"/api/trainings/{training['id']}", headers=auth.headers("county")).json
    assert (seen["attended"], seen["completed"]) == (1, 1) and seen["attendees"][0]["hours"] == 16
    record = client.get(f"/api/workers/{worker}", headers=auth.headers()).json
    assert record["trainings"] == [{"id": training["id"], "title": "缝纫工岗前培训",
                                    "skill": "sewing", "hours": 16.0, "completed": True}]
    assert (
        client.get(
            f"/api/trainings/{training['id']}", headers=auth.headers("other_county")
        ).status_code
        == 404
    )
    bad = client.post("/api/trainings", json=course | {"ends_on": "2026-01-01"},
                      headers=auth.headers("county"))
    assert bad.status_code == 422 and "ends_on" in bad.json["errors"]


def test_the_reassignment_gap_comes_from_the_configuration(app, client, auth, arrived):
    app.config["LABORPASS_REASSIGNMENT_GAP_DAYS"] = 30
    arrived_card = card(client, auth, arrived)
    onboard(client, auth, "employer", arrived_card, 1, days_ago(59))
    push(client, auth, "employer", "employer-phone",
         envelope("employment.ended", 2, worker_id=arrived, at=days_ago(45),
                                                              data={"reason": "pay"}))
    onboard(client, auth, "other_employer", arrived_card, 1, days_ago(25))  # 20 days without a job
    record = client.get(f"/api/workers/{arrived}", headers=auth.headers()).json
    assert record["employed_since"] == days_ago(59).date().isoformat()
