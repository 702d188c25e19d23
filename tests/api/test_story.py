"""The seed's story with its own numbers scaled down, walked end to end through the API: a fair,
60 attendees, 40 intentions, a batch of 30 from three townships, the team-leader rule, 27
arrivals, onboarding, a re-assignment and five who leave in the first month. The fair's funnel
and the station's board must show exactly these numbers: in 2017 nobody could see them."""
import datetime as dt

from tests.api.sync_helpers import envelope, push, statuses

TZ = dt.timezone(dt.timedelta(hours=8))
# the fair's day
T0 = dt.datetime.combine(dt.date.today() - dt.timedelta(days=120), dt.time(9), TZ)
TOWNSHIPS = ["平襄镇"] * 22 + ["马营镇"] * 5 + ["义岗川镇"] * 3 + ["陇阳镇"] * 30


class Phone:
    """A device pushing one scan after another (its own device_seq)."""

    def __init__(self, client, auth, who, name):
        self.client = client
        self.auth = auth
        self.who = who
        self.name = name
        self.seq = 0

    def scan(self, type, worker_id, at, *, card=None, **kwargs):
        """A scan naming the worker by id, or by their ``card`` when it was the card that was
        scanned."""
        self.seq += 1
        named = {"credential": card} if card else {"worker_id": worker_id}
        body = push(self.client, self.auth, self.who, self.name,
                    envelope(type, self.seq, at=at, **named, **kwargs))
        assert statuses(body)[0][0] == "accepted", body
        return body["results"][0]


def test_the_2017_story_scaled_down(client, auth, register):
    county, minjiang = auth.headers("county"), auth.employer_id()
    fair = client.post("/api/fairs", json={
        "name": "通渭县春风行动专场招聘会", "county_code": "621121", "township": "平襄镇",
        "venue": "平襄镇文化广场",
        "date": T0.date().isoformat(), "starts_at": "09:00", "ends_at": "16:00",
        "organiser": "通渭县人社局",
        "employer_ids": [minjiang, auth.employer_id("other_employer")]}, headers=county).json
    job = client.post(
        f"/api/fairs/{fair['id']}/postings",
        json={
            "job_type": "textile",
            "openings": 200,
            "wage_min": 3800,
            "wage_max": 5200,
            "wage_basis": "piece_rate",
            "hours": "每天10小时",
            "housing": True,
            "food": True,
            "district_code": "350121",
        },
        headers=auth.headers("employer"),
    ).json

    people = [
        register(1000 + n, name=f"务工{n:02d}", home={"county_code": "621121", "township": t})[
            "id"
        ]
        for n, t in enumerate(TOWNSHIPS)
    ]
    fair_phone = Phone(client, auth, "fair_staff", "fair-phone")
    for worker in people:  # 60 attend
        fair_phone.scan("fair.checked_in", worker, T0, context={"fair_id": fair["id"]})
    signers = people[:40]  # 40 sign an intention
    for worker in signers:
        fair_phone.scan("fair.intent_signed", worker, T0 + dt.timedelta(hours=1),
                        data={"posting_id": job["id"]},
                        context={"fair_id": fair["id"], "employer_id": minjiang})

    # A batch of 30 from three townships: 22 from 平襄镇, so a team leader must be named first.
    departs = T0 + dt.timedelta(days=5)
    batch = client.post("/api/batches", json={
        "name": "通渭—福州 第1批", "departure_station": "定西北站",
        "departs_at": departs.isoformat(), "train_number": "D2702",
        "destination_station": "福州站",
        "expected_arrival_at": (departs + dt.timedelta(hours=22)).isoformat(),
        "employer_ids": [minjiang]}, headers=county).json
    travellers = people[:30]
    assert len(client.post(f"/api/batches/{batch['id']}/roster", json={"worker_ids": travellers},
                           headers=county).json["added"]) == 30
    other = client.post("/api/batches", json={
        "name": "通渭—福州 第2批", "departure_station": "定西北站",
        "departs_at": departs.isoformat(), "train_number": "D2704",
        "destination_station": "福州站",
        "expected_arrival_at": (departs + dt.timedelta(hours=22)).isoformat()},
        headers=county).json
    # not at the fair
    stray = register(2000, name="别批次的"
                                "人", home={"county_code": "621121", "township": "陇阳镇"})["id"]
    client.post(f"/api/batches/{other['id']}/roster", json={"worker_ids": [stray]}, headers=county)
    refused = client.post(f"/api/batches/{batch['id']}/depart",
                          json={"departed_at": departs.isoformat()}, headers=county)
    assert refused.status_code == 422 and refused.json["code"] == "team_leader_required"
    client.put(f"/api/batches/{batch['id']}/team-leaders",
               json={"township": "平襄镇", "worker_id": people[0]}, headers=county)
    stayed_home = people[29]
    left = client.post(
        f"/api/batches/{batch['id']}/depart",
        json={"absent": [stayed_home], "departed_at": departs.isoformat()},
        headers=county,
    )
    assert left.json == {"departed": 29, "absent": [stayed_home]}

    # At 福州站: 27 of the 29 arrive, and one from the other batch gets off this train.
    arrival = departs + dt.timedelta(hours=22)
    station = Phone(client, auth, "greeter", "station-phone")
    arrived = travellers[:27]
    for worker in arrived + [stray]:
        station.scan("station.arrived", worker, arrival,
                     context={"station": "福州站", "batch_id": batch["id"]})
    board = client.get(f"/api/batches/{batch['id']}/board", headers=auth.headers("greeter")).json
    assert (board["expected"], board["arrived"], board["missing"], board["unexpected"]) == (
        29,
        27,
        2,
        1,
    )
    assert {p["worker_id"] for p in board["missing_people"]} == set(travellers[27:29])
    assert [p["worker_id"] for p in board["unexpected_people"]] == [stray]
    handed = client.post(f"/api/batches/{batch['id']}/handovers", json={
        "employer_id": minjiang, "representative": "闽江纺织 林经理", "worker_ids": arrived},
                         headers=auth.headers("greeter"))
    assert handed.status_code == 201

    # 25 onboarded the next day; one re-assigned after 10 days; 5 leave within the month.
    hr = Phone(client, auth, "employer", "hr-phone")
    start = arrival + dt.timedelta(days=1)
    onboarded = arrived[:25]
    # HR scans each one's card (an onboarding keyed in by id would wait for a reviewer)
    for worker in onboarded:
        card = client.post(f"/api/workers/{worker}/credentials", headers=county).json["qr"]
        hr.scan("employer.onboarded", worker, start, card=card,
                data={"start_date": start.date().isoformat(), "wage": 4200})
    moved = onboarded[3]
    Phone(client, auth, "workstation", "ws-phone").scan(
        "employment.reassigned", moved, start + dt.timedelta(days=10),
        context={"employer_id": auth.employer_id("other_employer")},
        data={"reason": "车间太热，调岗"})
    leavers = onboarded[20:25]
    for worker, reason in zip(leavers, ("pay", "climate", "food", "homesick", "family"),
                              strict=True):
        hr.scan("employment.ended", worker, start + dt.timedelta(days=14), data={"reason": reason})

    funnel = client.get(f"/api/fairs/{fair['id']}", headers=county).json["funnel"]
    assert funnel == {"attended": 60, "intent": 40, "followed_up": 0, "assigned": 30,
                      "departed": 29, "arrived": 27,
                      "onboarded": 25,
                      "employed_1_month": 20, "employed_3_months": 20, "employed_6_months": 0}
    record = client.get(f"/api/workers/{moved}", headers=county).json
    # the re-assignment kept the count going
    assert record["employed_since"] == start.date().isoformat()
    assert record["current_employer"]["id"] == auth.employer_id("other_employer")
    mine = client.get(f"/api/fairs/{fair['id']}", headers=auth.headers("employer")).json
    assert mine["funnel"]["intent"] == 40 and [p["intentions"] for p in mine["postings"]] == [40]
