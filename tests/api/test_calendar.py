"""One calendar: whatever the server's clock says, every day the system derives is the day in
Beijing. At 01:30 in Beijing the UTC clock is still on yesterday (17:30 UTC); at 23:30 in Beijing
it is 15:30 UTC the same day. The office's actions, the defaults of reports and eligibility, a
card's issue date and a scan's day are each checked at both moments, against the day a person in
Beijing would name (worked out here from a fixed offset, not from the code's calendar)."""
import datetime as dt

import pytest
import time_machine

from server.domain import calendar
from tests.api.sync_helpers import envelope, push, statuses

BEIJING = dt.timezone(dt.timedelta(hours=8))
EARLY = dt.datetime(2026, 12, 2, 1, 30, tzinfo=BEIJING)  # 2026-12-01 17:30 UTC
LATE = dt.datetime(2026, 12, 2, 23, 30, tzinfo=BEIJING)  # 2026-12-02 15:30 UTC
MOMENTS = pytest.mark.parametrize("moment", [EARLY, LATE], ids=["01:30 Beijing", "23:30 Beijing"])
DAY = "2026-12-02"  # what a clerk in Beijing calls both moments


def test_the_moments_are_what_they_claim():
    assert EARLY.astimezone(dt.UTC).isoformat() == "2026-12-01T17:30:00+00:00"
    assert LATE.astimezone(dt.UTC).isoformat() == "2026-12-02T15:30:00+00:00"


@MOMENTS
def test_today_is_beijings_day_whatever_the_servers_clock(moment):
    with time_machine.travel(moment, tick=False):
        assert calendar.today().isoformat() == DAY
        assert calendar.day_of(dt.datetime.now(dt.UTC)).isoformat() == DAY


@MOMENTS
def test_an_office_registration_and_batch_assignment_are_dated_in_beijing(client, auth, register,
                                                                          moment):
    batch = client.post("/api/batches", json={
        "name": "通渭—福州 第9批", "departure_station": "定西北站",
        "departs_at": "2026-12-20T08:30:00+08:00",
        "train_number": "D2702", "destination_station": "福州站",
        "expected_arrival_at": "2026-12-21T06:30:00+08:00",
    }, headers=auth.headers("county")).json
    with time_machine.travel(moment, tick=True):
        worker = register(3, on=None)
        roster = client.post(f"/api/batches/{batch['id']}/roster",
                             json={"worker_ids": [worker["id"]]}, headers=auth.headers("county"))
        assert roster.status_code == 200, roster.json
        record = client.get(f"/api/workers/{worker['id']}", headers=auth.headers()).json
        assert (record["milestones"]["registered"], record["milestones"]["assigned"]) == (DAY, DAY)
        timeline = client.get(f"/api/workers/{worker['id']}/events", headers=auth.headers()).json
        # in order, newest first
        assert [e["type"] for e in timeline] == ["batch.assigned", "worker.registered"]
        funnel = client.get("/api/reports/funnel", headers=auth.headers("county")).json
        assert (
            funnel["as_of"] == DAY
            and funnel["total"]["registered"] >= 1
            and funnel["total"]["intent"] >= 1
        )


@MOMENTS
def test_a_card_eligibility_and_exports_are_of_beijings_day(client, auth, register, moment):
    worker = register(4)
    with time_machine.travel(moment, tick=True):
        card = client.post(f"/api/workers/{worker['id']}/credentials", headers=auth.headers())
        # issued on Beijing's day, good for the configured three years (1,095 days) from it
        assert card.status_code == 201 and card.json["expires_at"] == "2029-12-01"
        eligibility = client.get(
            f"/api/workers/{worker['id']}/eligibility", headers=auth.headers("county")
        ).json
        assert eligibility["as_of"] == DAY
        export = client.get("/api/payouts/export?format=csv", headers=auth.headers("county"))
        assert f"payouts-{DAY}" in export.headers["Content-Disposition"]


@MOMENTS
def test_a_scan_from_a_phone_set_to_utc_is_of_beijings_day(client, auth, register, moment):
    """A phone whose zone is set wrong sends the right moment with the wrong offset: the day is
    still Beijing's."""
    worker = register(5)
    card = client.post(f"/api/workers/{worker['id']}/credentials", headers=auth.headers()).json[
        "qr"
    ]
    with time_machine.travel(moment, tick=True):
        utc_moment = (moment - dt.timedelta(minutes=1)).astimezone(dt.UTC)
        body = push(client, auth, "greeter", "station", envelope(credential=card, at=utc_moment),
                    prompt=False)
        assert statuses(body) == [("accepted", None)]
        record = client.get(f"/api/workers/{worker['id']}", headers=auth.headers()).json
        assert record["milestones"]["arrived"] == DAY


def test_a_batch_list_by_day_counts_beijings_days(client, auth):
    """A train leaving Dingxi at 07:00 on 12-02 Beijing time (23:00 UTC on 12-01), arriving at
    06:30 on 12-03 (22:30 UTC on 12-02): it departs on 12-02, not before, and arrives on 12-03."""
    batch = client.post("/api/batches", json={
        "name": "通渭—福州 早班", "departure_station": "定西北站",
        "departs_at": "2026-12-02T07:00:00+08:00",
        "train_number": "D2702", "destination_station": "福州站",
        "expected_arrival_at": "2026-12-03T06:30:00+08:00",
    }, headers=auth.headers("county")).json

    def listed(query) -> bool:
        found = client.get(f"/api/batches?{query}", headers=auth.headers("county")).json["items"]
        return batch["id"] in [b["id"] for b in found]

    assert (listed("to=2026-12-01"), listed("to=2026-12-02")) == (False, True)
    assert (listed("from=2026-12-03"), listed("from=2026-12-04")) == (True, False)
