"""Monthly confirmation by the worker's own phone scanning the day's workplace code."""
import datetime as dt

import pytest

from server.extensions import db
from server.models import User
from server.services.auth import create_token
from tests.api.sync_helpers import envelope, onboard_reviewed, statuses

TZ = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.datetime.now(TZ).replace(microsecond=0)
SITE = {"name": "闽江纺织 长乐二厂", "address": "长乐区航城街道", "district_code": "350112"}


@pytest.fixture
def employed(client, auth, register):
    worker = register(1)["id"]
    onboard_reviewed(client, auth, envelope("employer.onboarded", 1, worker_id=worker, at=TODAY - dt.timedelta(days=40)),
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
    body = client.post("/api/sync/push", json={"device_id": "my-phone", "events": [
        envelope("employment.confirmed", seq, worker_id=worker, at=at, data={"site_code": code})]}, headers=headers).json
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
    yesterday = client.get(f"/api/sites/{site['id']}/code?date={(beijing_today - dt.timedelta(days=1)).isoformat()}",
                           headers=auth.headers("employer")).json["code"]
    assert confirm(client, phone, worker, yesterday, seq=2)["reason"] == "stale_site_code"


def test_a_code_of_another_employers_workplace_or_for_someone_else_counts_for_nothing(client, auth, employed, register):
    worker, phone = employed
    theirs = client.post("/api/sites", json=SITE | {"name": "融侨电子"}, headers=auth.headers("other_employer")).json
    code = client.get(f"/api/sites/{theirs['id']}/code", headers=auth.headers("other_employer")).json["code"]
    assert confirm(client, phone, worker, code)["reason"] == "wrong_site"
    mine = client.post("/api/sites", json=SITE, headers=auth.headers("employer")).json
    good = client.get(f"/api/sites/{mine['id']}/code", headers=auth.headers("employer")).json["code"]
    someone_else = register(2)["id"]
    assert confirm(client, phone, someone_else, good, seq=2)["reason"] == "out_of_scope"
    checked_in = client.post("/api/sync/push", json={"device_id": "my-phone", "events": [
        envelope("fair.checked_in", 3, worker_id=worker, context={"fair_id": "f"})]}, headers=phone).json
    assert statuses(checked_in) == [("rejected", "forbidden_type")]
    assert client.get(f"/api/sites/{mine['id']}/code", headers=auth.headers("other_employer")).status_code == 404
    assert client.post("/api/sites", json=SITE, headers=phone).status_code == 403
