"""Monthly confirmation by the worker's own phone scanning the day's workplace code."""
import datetime as dt

import pytest

from server.extensions import db
from server.models import User
from server.services.auth import create_token
from tests.api.sync_helpers import envelope, onboard_reviewed, statuses

pytestmark = pytest.mark.usefixtures("fair")  # its scans name the fair "f"

TZ = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.datetime.now(TZ).replace(microsecond=0)
SITE = {"name": "闽江纺织 长乐二厂", "address": "长乐区航城街道", "district_code": "350112"}


@pytest.fixture
def employed(client, auth, register):
    worker = register(1)["id"]
    onboard_reviewed(client, auth, envelope("employer.onboarded", 1, worker_id=worker,
                                            at=TODAY - dt.timedelta(days=40)),
                     device="hr-phone")
    account = User(name="worker-1", role="worker", worker_id=worker, county_code="621121")
    db.session.add(account)
    db.session.commit()
    token = create_token(account, "phone")
    db.session.commit()
    return worker, {"Authorization": f"Bearer {token}"}


def confirm(client, headers, worker, code, seq=1, at=None):
    """The worker's phone scans ``code`` (now, unless ``at``: the server's clock, which the suite
    also runs moved to 01:30 and 23:30 in Beijing)."""
    at = at or dt.datetime.now(TZ).replace(microsecond=0)
    body = client.post(
        "/api/sync/push",
        json={
            "device_id": "my-phone",
            "events": [
                envelope(
                    "employment.confirmed", seq, worker_id=worker, at=at, data={"site_code": code}
                )
            ],
        },
        headers=headers,
    ).json
    return body["results"][0]


def test_a_worker_confirms_with_the_code_posted_at_their_workplace(client, auth, employed):
    worker, phone = employed
    site = client.post("/api/sites", json=SITE, headers=auth.headers("employer")).json
    today = client.get(f"/api/sites/{site['id']}/code", headers=auth.headers("employer")).json
    assert today["code"].startswith("LPS1:") and today["qr_svg"].startswith("<?xml")
    result = confirm(client, phone, worker, today["code"])
    assert result["status"] == "accepted", result
    record = client.get(f"/api/workers/{worker}", headers=auth.headers()).json
    beijing_today = dt.datetime.now(TZ).date()
    assert record["last_confirmed_on"] == beijing_today.isoformat()
    yesterday = client.get(
        f"/api/sites/{site['id']}/code?date={(beijing_today - dt.timedelta(days=1)).isoformat()}",
        headers=auth.headers("employer"),
    ).json["code"]
    assert confirm(client, phone, worker, yesterday, seq=2)["reason"] == "stale_site_code"


def test_a_code_of_another_employers_workplace_or_for_someone_else_counts_for_nothing(
    client, auth, employed, register
):
    worker, phone = employed
    theirs = client.post(
        "/api/sites", json=SITE | {"name": "融侨电子"}, headers=auth.headers("other_employer")
    ).json
    code = client.get(
        f"/api/sites/{theirs['id']}/code", headers=auth.headers("other_employer")
    ).json["code"]
    assert confirm(client, phone, worker, code)["reason"] == "wrong_site"
    mine = client.post("/api/sites", json=SITE, headers=auth.headers("employer")).json
    good = client.get(f"/api/sites/{mine['id']}/code", headers=auth.headers("employer")).json[
        "code"
    ]
    someone_else = register(2)["id"]
    assert confirm(client, phone, someone_else, good, seq=2)["reason"] == "out_of_scope"
    checked_in = client.post(
        "/api/sync/push",
        json={
            "device_id": "my-phone",
            "events": [envelope("fair.checked_in", 3, worker_id=worker, context={"fair_id": "f"})],
        },
        headers=phone,
    ).json
    assert statuses(checked_in) == [("rejected", "forbidden_type")]
    assert (
        client.get(
            f"/api/sites/{mine['id']}/code", headers=auth.headers("other_employer")
        ).status_code
        == 404
    )
    assert client.post("/api/sites", json=SITE, headers=phone).status_code == 403


def test_the_day_code_says_which_day_it_is_good_for_and_when_the_next_one_takes_over(client, auth):
    site = client.post("/api/sites", json=SITE, headers=auth.headers("employer")).json
    today = client.get(f"/api/sites/{site['id']}/code", headers=auth.headers("employer")).json
    beijing_today = dt.datetime.now(TZ).date()
    assert today["day"] == beijing_today.isoformat()
    assert dt.datetime.fromisoformat(today["valid_until"]) == dt.datetime.combine(
        # Beijing's midnight, whatever the phone's zone
        beijing_today + dt.timedelta(days=1), dt.time(), TZ)
    chosen = client.get(
        f"/api/sites/{site['id']}/code?date=2027-03-01", headers=auth.headers("employer")
    ).json
    assert chosen["day"] == "2027-03-01" and chosen["valid_until"] == "2027-03-02T00:00:00+08:00"


def test_an_employer_lists_and_reads_the_codes_of_its_own_workplaces_only(client, auth):
    mine = client.post("/api/sites",
                       json=SITE | {"employer_id": auth.employer_id("other_employer")},
                       headers=auth.headers("employer")).json
    # an employer's own users make sites for their employer only
    assert mine["employer_id"] == auth.employer_id()
    theirs = client.post(
        "/api/sites", json=SITE | {"name": "融侨电子 一厂"}, headers=auth.headers("other_employer")
    ).json
    assert [s["id"] for s in client.get("/api/sites", headers=auth.headers("employer")).json] == [
        mine["id"]
    ]
    assert [
        s["id"] for s in client.get("/api/sites", headers=auth.headers("other_employer")).json
    ] == [theirs["id"]]
    for who, site in (("employer", theirs), ("other_employer", mine)):
        answer = client.get(f"/api/sites/{site['id']}/code", headers=auth.headers(who))
        assert (
            answer.status_code == 404
            and "LPS1:" not in answer.get_data(as_text=True)
            and "qr_svg" not in answer.json
        )
        assert (
            client.get(
                f"/api/sites/{site['id']}/code?date=2027-03-01", headers=auth.headers(who)
            ).status_code
            == 404
        )
    assert (
        client.get("/api/sites/no-such-site/code", headers=auth.headers("employer")).status_code
        == 404
    )
    for who in ("fair_staff", "greeter"):
        assert client.get("/api/sites", headers=auth.headers(who)).status_code == 403
        assert (
            client.get(f"/api/sites/{mine['id']}/code", headers=auth.headers(who)).status_code
            == 403
        )
        assert client.post("/api/sites", json=SITE | {"employer_id": auth.employer_id()},
                           headers=auth.headers(who)).status_code == 403
    assert client.post("/api/sites", json=SITE | {"employer_id": auth.employer_id()},
                       headers=auth.headers("county")).status_code == 403
    # a county office sees where its people work, but not the day's code, which is a confirmation
    # that pays: with it anyone could confirm a worker of theirs at work from anywhere
    assert mine["id"] in [s["id"] for s in
                          client.get("/api/sites", headers=auth.headers("county")).json]
    refused = client.get(f"/api/sites/{mine['id']}/code", headers=auth.headers("county"))
    assert refused.status_code == 403 and "LPS1:" not in refused.get_data(as_text=True)


def test_the_workstation_says_which_employer_a_workplace_is_of(client, auth):
    missing = client.post("/api/sites", json=SITE, headers=auth.headers("workstation"))
    assert missing.status_code == 422 and "employer_id" in missing.json["errors"], missing.json
    unknown = client.post("/api/sites", json=SITE | {"employer_id": "no-such-employer"},
                          headers=auth.headers("workstation"))
    assert unknown.status_code == 422 and "employer_id" in unknown.json["errors"]
    made = client.post("/api/sites", json=SITE | {"employer_id": auth.employer_id()},
                       headers=auth.headers("workstation"))
    assert made.status_code == 201 and made.json["employer_id"] == auth.employer_id()
    assert made.json["id"] in [
        s["id"] for s in client.get("/api/sites", headers=auth.headers("employer")).json
    ]
    assert (
        client.get(
            f"/api/sites/{made.json['id']}/code", headers=auth.headers("other_employer")
        ).status_code
        == 404
    )
    elsewhere = client.post("/api/sites", json=SITE | {"employer_id": auth.employer_id(),
                                                       "district_code": "621121"},
                            headers=auth.headers("workstation"))
    # a Dingxi county is no workplace
    assert elsewhere.status_code == 422 and "district_code" in elsewhere.json["errors"]


def test_my_workers_are_those_the_employer_has_now_and_no_one_of_another(client, auth, register,
                                                                         employed):
    """The list 我的员工 asks ``GET /api/workers?employer_id=<own>``: the employer's current
    workers, with the last confirmation; another employer's are never there, nor one who has left
    for it."""
    worker, phone = employed
    site = client.post("/api/sites", json=SITE, headers=auth.headers("employer")).json
    code = client.get(f"/api/sites/{site['id']}/code", headers=auth.headers("employer")).json[
        "code"
    ]
    assert confirm(client, phone, worker, code)["status"] == "accepted"
    theirs = register(2)["id"]
    onboard_reviewed(
        client,
        auth,
        envelope(
            "employer.onboarded",
            2,
            worker_id=theirs,
            at=TODAY - dt.timedelta(days=20),
            context={"employer_id": auth.employer_id("other_employer")},
        ),
        employer="other_employer",
        device="rq-phone",
    )
    moved = register(3)["id"]
    onboard_reviewed(client, auth, envelope("employer.onboarded", 3, worker_id=moved,
                                            at=TODAY - dt.timedelta(days=30)),
                     device="hr-phone")
    reassigned = client.post(
        "/api/sync/push",
        json={
            "device_id": "ws-laptop",
            "events": [
                envelope(
                    "employment.reassigned",
                    1,
                    worker_id=moved,
                    at=TODAY - dt.timedelta(days=5),
                    context={"employer_id": auth.employer_id("other_employer")},
                )
            ],
        },
        headers=auth.headers("workstation"),
    ).json
    assert reassigned["results"][0]["status"] == "accepted", reassigned
    mine = client.get(
        f"/api/workers?employer_id={auth.employer_id()}&per_page=200",
        headers=auth.headers("employer"),
    ).json
    assert [(w["id"], w["status"], w["last_confirmed_on"]) for w in mine["items"]] == [
        (worker, "employed", dt.datetime.now(TZ).date().isoformat())]
    shown = mine["items"][0]
    assert (
        shown["id_masked"].count("*") >= 8 and "id_number" not in shown and shown["employed_since"]
    )
    assert "birth_date" not in shown and "poor_household" not in shown
    # Their own list has neither of mine (one moved to them by the workstation is theirs once they
    # onboard them); asking for the other employer's workers shows me none of theirs.
    other = client.get(
        f"/api/workers?employer_id={auth.employer_id('other_employer')}&per_page=200",
        headers=auth.headers("other_employer"),
    ).json
    assert {w["id"] for w in other["items"]} == {theirs}
    peek = client.get(
        f"/api/workers?employer_id={auth.employer_id('other_employer')}&per_page=200",
        headers=auth.headers("employer"),
    ).json
    # not even the one who moved from me to them: where he went is not mine to know
    assert peek["items"] == []
    assert (
        client.get(f"/api/workers/{theirs}", headers=auth.headers("employer")).status_code == 404
    )
    # The one who moved: still in my records (I onboarded him), but not where he works now, nor
    # since when.
    gone = client.get(f"/api/workers/{moved}", headers=auth.headers("employer")).json
    assert gone["status"] == "employed" and not {
        "current_employer",
        "employed_since",
        "last_confirmed_on",
        "continuous_employment_days",
        "milestones",
    } & set(gone)
    listed = client.get("/api/workers?per_page=200", headers=auth.headers("employer")).json[
        "items"
    ]
    assert not {"current_employer", "current_employer_id", "employed_since"} & set(
        next(w for w in listed if w["id"] == moved)
    )
    kept = client.get(f"/api/workers/{worker}", headers=auth.headers("employer")).json
    # my own: all of it
    assert kept["current_employer"]["id"] == auth.employer_id() and kept["employed_since"]
