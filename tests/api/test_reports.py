"""The dashboards' numbers equal an independent count: plain SQL over the event log for the
stages, the stability rules over the raw events for the months, a hand computation for the
retention curve."""
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select, text

from server.domain.stability import spells
from server.extensions import db
from server.models import Event
from server.services.bulletin import STAGE_NAMES
from server.services.events import to_fact
from tests.api.sync_helpers import envelope, push
from tests.conftest import REGISTERED_AT

pytestmark = pytest.mark.usefixtures("fair", "batch")  # its scans name the fair "f", the batch "b"

TZ = dt.timezone(dt.timedelta(hours=8))
DAY0 = dt.date.today() - dt.timedelta(days=210)
AS_OF = DAY0 + dt.timedelta(days=200)
LONGXI = {"county_code": "621122", "township": "首阳镇"}
# Who reached a stage reached every stage before it: the plain SQL counts anyone with an event of
# the stage or of a later one, on or before the day asked about.
LATER = ["employer.onboarded", "employment.reassigned"]
STAGE_TYPES = {
    "onboarded": LATER,
    "arrived": ["station.arrived", *LATER],
    "departed": ["batch.departed", "station.arrived", *LATER],
    "intent": ["fair.intent_signed", "batch.assigned", "batch.departed", "station.arrived",
               *LATER],
    "at_fair": ["fair.checked_in", "fair.intent_signed", "batch.assigned", "batch.departed",
                "station.arrived", *LATER],
}
STAGE_TYPES["registered"] = ["worker.registered", *STAGE_TYPES["at_fair"]]


def at(day: int) -> dt.datetime:
    return dt.datetime.combine(DAY0 + dt.timedelta(days=day), dt.time(10), TZ)


class Program:
    """Workers pushed through the sync API by the roles that scan them."""

    def __init__(self, client, auth, register):
        self.client = client
        self.auth = auth
        self.register = register
        self.seq = 0

    def push(self, who, worker, type, day, context=None, data=None, card=None):
        """A scan naming the worker by id, or by ``card`` (as the station and the first day need).
        """
        self.seq += 1
        named = {"credential": card} if card else {"worker_id": worker}
        body = push(self.client, self.auth, who, f"{who}-phone", envelope(
            type, self.seq, at=at(day), context=context, data=data, **named))
        assert body["results"][0]["status"] == "accepted", body

    def card(self, worker) -> str:
        response = self.client.post(f"/api/workers/{worker}/credentials",
                                    headers=self.auth.headers())
        assert response.status_code == 201, response.json
        return response.json["qr"]

    def worker(self, n, *, fair=False, intent=False, departed=False, arrived=None, onboarded=None,
               confirmations=(), follow_ups=(), ended=None, **home):
        """A worker through the stages asked for (``follow_ups``: the workstation's visits, the
        worker's side of two-party evidence); one with no scan at all is registered today."""
        scanned = (
            fair
            or intent
            or departed
            or arrived is not None
            or onboarded is not None
            or confirmations
        )
        worker = self.register(
            n, on=REGISTERED_AT if scanned else None, **({"home": home} if home else {})
        )["id"]
        employer = self.auth.employer_id()
        # Met at the station and taken on by scanning the card: an id alone would not do there
        # (not everyone came on a batch due at the station; an onboarding keyed in waits for a
        # reviewer). Someone from next door comes to Tongwei's fair and batch with their card too.
        card = (
            self.card(worker)
            if home or arrived is not None or onboarded is not None or follow_ups
            else None
        )
        neighbour = card if home else None
        if fair:
            self.push("fair_staff", worker, "fair.checked_in", 0, {"fair_id": "f"}, card=neighbour)
        if intent:
            self.push("fair_staff", worker, "fair.intent_signed", 0,
                      {"fair_id": "f", "employer_id": employer}, card=neighbour)
        if departed:
            self.push("county", worker, "batch.assigned", 2, {"batch_id": "b"}, card=neighbour)
            self.push("county", worker, "batch.departed", 5, {"batch_id": "b"}, card=neighbour)
        if arrived is not None:
            self.push("greeter", worker, "station.arrived", arrived, card=card)
        if onboarded is not None:
            self.push("employer", worker, "employer.onboarded", onboarded,
                      {"employer_id": employer},
                      {"start_date": (DAY0 + dt.timedelta(days=onboarded)).isoformat()}, card=card)
        for day in confirmations:
            self.push("employer", worker, "employment.confirmed", day, {"employer_id": employer},
                      {"month": at(day).strftime("%Y-%m")}, card=card)
        for day in follow_ups:
            self.push("workstation", worker, "employment.confirmed", day,
                      {"employer_id": employer}, card=card)
        if ended is not None:
            self.push("employer", worker, "employment.ended", ended, {"employer_id": employer},
                      {"end_date": (DAY0 + dt.timedelta(days=ended)).isoformat(), "reason": "pay"})
        return worker


@pytest.fixture
def program(client, auth, register):
    return Program(client, auth, register)


def test_the_funnel_equals_plain_sql_over_the_events(client, auth, program):
    program.worker(0)
    program.worker(1, fair=True)
    program.worker(2, fair=True, intent=True)
    program.worker(3, fair=True, intent=True, departed=True)
    program.worker(4, fair=True, intent=True, departed=True, arrived=7, onboarded=7,
                   confirmations=(37, 67))
    program.worker(5, arrived=7, onboarded=8, ended=28)  # met at the station, never seen at a fair
    program.worker(6, arrived=7, onboarded=7, confirmations=(37, 67, 97, 127, 157), **LONGXI)
    program.worker(7, **LONGXI)
    db.session.rollback()

    answer = client.get(
        f"/api/reports/funnel?by=county&as_of={AS_OF}", headers=auth.headers("admin")
    ).json
    by_county = {group["key"][0]: group for group in answer["groups"]}
    assert set(by_county) == {"621121", "621122"}
    end = (
        dt.datetime.combine(AS_OF + dt.timedelta(days=1), dt.time(0), TZ)
        .astimezone(dt.UTC)
        .replace(tzinfo=None)
    )
    for stage, types in STAGE_TYPES.items():
        rows = db.session.execute(text(
            "SELECT w.home_county_code, COUNT(DISTINCT e.worker_id) FROM events e JOIN workers w "
            "ON w.id = e.worker_id"
            f" WHERE e.type IN ({', '.join(repr(t) for t in types)}) AND e.occurred_at < :end"
            " GROUP BY w.home_county_code"), {"end": end}).all()
        assert {county: by_county[county][stage] for county in by_county} == {
            c: 0 for c in by_county
        } | dict(rows), stage
    # the data is what it claims: those registered today and nothing more were not there yet on
    # AS_OF
    assert (
        by_county["621121"]["registered"],
        by_county["621121"]["onboarded"],
        by_county["621122"]["registered"],
    ) == (5, 2, 1)

    # the months: the stability rules over each worker's raw events
    facts = {}
    for event in db.session.scalars(select(Event)):
        facts.setdefault(event.worker_id, []).append(to_fact(event))
    for k in (1, 3, 6):
        reached = sum(any(s.confirmed_months(AS_OF) >= k for s in spells(f, AS_OF))
                      for f in facts.values())
        assert answer["total"][f"month{k}"] == reached, k
    assert (answer["total"]["month1"], answer["total"]["month3"], answer["total"]["month6"]) == (
        2,
        2,
        1,
    )
    assert answer["groups"][0]["label"] == "通渭县"

    by_fair = client.get(
        f"/api/reports/funnel?by=fair&as_of={AS_OF}", headers=auth.headers("admin")
    ).json
    fair = next(g for g in by_fair["groups"] if g["key"] == ["f"])
    assert (fair["at_fair"], fair["intent"], fair["departed"], fair["onboarded"]) == (4, 3, 2, 1)
    assert fair["label"].startswith("通渭县春季招聘会")
    assert by_fair["total"] == answer["total"]  # every dimension splits the same people

    # a county's staff see their county only, and are told so when they ask for another
    mine = client.get(f"/api/reports/funnel?as_of={AS_OF}", headers=auth.headers("county")).json
    assert [g["key"] for g in mine["groups"]] == [["621121"]]
    refused = client.get("/api/reports/funnel?county=621122", headers=auth.headers("county"))
    assert refused.status_code == 422 and "本县" in refused.json["errors"]["county"][0]
    assert client.get("/api/reports/funnel", headers=auth.headers("employer")).status_code == 403
    assert (
        client.get("/api/reports/funnel?by=village", headers=auth.headers("admin")).status_code
        == 422
    )

    # people registered in a period: the six scanned were registered on one day, before all that
    # happened; the two never scanned, today
    registered_on = REGISTERED_AT.date()
    for to, registered in ((registered_on - dt.timedelta(days=1), 0), (registered_on, 6),
                           (AS_OF, 6)):
        assert (
            client.get(
                f"/api/reports/funnel?as_of={AS_OF}&to={to}", headers=auth.headers("admin")
            ).json["total"]["registered"]
            == registered
        )


def test_the_retention_curve_counts_recent_arrivals_for_the_months_they_had(client, auth, program):
    # as of day 200: one worker still employed since day 0 (observed 6 months); one who arrived on
    # day 150 and is still there (observed 1 month: censored, not gone); two who left: one after 40
    # days (month 1), one after 20 days (month 0); one never confirmed after onboarding — unseen at
    # work from day 35: gone in month 1, though nobody scanned an end.
    program.worker(0, arrived=0, onboarded=0, confirmations=range(30, 200, 30))
    program.worker(1, arrived=0, onboarded=0, confirmations=(30,), ended=40)
    program.worker(2, arrived=150, onboarded=150, confirmations=(180,))
    program.worker(3, arrived=150, onboarded=150, ended=170)
    program.worker(4, arrived=0, onboarded=0)
    db.session.rollback()

    answer = client.get(
        f"/api/reports/retention?as_of={AS_OF}", headers=auth.headers("county")
    ).json
    points = {p["month"]: p for p in answer["points"]}
    assert answer["workers"] == 5
    assert (points[0]["at_risk"], points[0]["ended"]) == (5, 1)
    assert (
        points[1]["survival"],
        points[1]["at_risk"],
        points[1]["ended"],
        points[1]["censored"],
    ) == (0.8, 4, 2, 1)
    # 0.8 × (1 − 2/4): a naive ratio would say 1 of 5 (0.2) lasted two months
    assert points[2]["survival"] == points[6]["survival"] == 0.4
    assert (
        points[6]["at_risk"],
        points[6]["censored"],
        points[7]["at_risk"],
        points[7]["survival"],
    ) == (1, 1, 0, None)
    assert (
        client.get(
            f"/api/reports/retention?as_of={AS_OF}", headers=auth.headers("other_county")
        ).json["workers"]
        == 0
    )
    # as of day 30 the silent one was not silent yet: still employed, censored
    early = client.get(
        f"/api/reports/retention?as_of={DAY0 + dt.timedelta(days=30)}",
        headers=auth.headers("county"),
    ).json
    assert (early["workers"], early["points"][0]["ended"], early["points"][1]["censored"]) == (
        3,
        0,
        3,
    )


def test_subsidy_totals_sum_the_ledger_per_policy_and_status(client, auth, program):
    program.worker(0, arrived=0, onboarded=0, confirmations=range(30, 200, 30),
                   follow_ups=range(10, 200, 30))
    db.session.rollback()
    assert client.post("/api/payouts/recompute", json={"as_of": AS_OF.isoformat()},
                       headers=auth.headers("county")).json["new"] == 2
    totals = client.get("/api/reports/subsidies", headers=auth.headers("county")).json
    plain = db.session.execute(text("SELECT policy_code, status, COUNT(*), SUM(amount) FROM "
                                    "payouts GROUP BY policy_code, status ORDER BY "
                                    "policy_code")).all()
    assert [(t["policy_code"], t["status"], t["count"], t["amount"]) for t in totals] == [
        tuple(r) for r in plain
    ]
    # 2019: 3 and 6 months (the 2018 policy ended in 2018)
    assert sum(t["amount"] for t in totals) == 3000 + 9000
    assert client.get("/api/reports/subsidies", headers=auth.headers("other_county")).json == []


def test_the_monthly_bulletin_as_xlsx_and_pdf_says_what_the_events_say(client, auth, program):
    program.worker(0, fair=True, intent=True, departed=True, arrived=7, onboarded=7,
                   confirmations=range(37, 200, 30))
    program.worker(1, arrived=7, onboarded=8, ended=28)
    program.worker(2, arrived=150, onboarded=150)
    program.worker(3, fair=True, **LONGXI)
    db.session.rollback()
    client.put(f"/api/targets/621121/{(DAY0 + dt.timedelta(days=7)).year}",
               json={"transfers": 10, "arrivals": 8, "stable_3_months": 4},
               headers=auth.headers("admin"))
    month = (DAY0 + dt.timedelta(days=7)).strftime("%Y-%m")
    url = f"/api/reports/bulletin?county=621121&month={month}"

    response = client.get(f"{url}&format=xlsx", headers=auth.headers("county"))
    assert response.status_code == 200
    assert f'filename="bulletin-621121-{month}.xlsx"' in response.headers["Content-Disposition"]
    rows = [row
            for row in load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)]
    assert rows[0][0].startswith("通渭县劳务输转工作统计月报")
    # after the headings
    start = rows.index(next(r for r in rows if r[0] and r[0].startswith("一、"))) + 2
    this_month = {row[0]: row[1] for row in rows[start:start + len(STAGE_NAMES)]}

    first = dt.datetime.combine(dt.date.fromisoformat(f"{month}-01"), dt.time(0), TZ)
    after = dt.datetime.combine((first.date() + dt.timedelta(days=32)).replace(day=1), dt.time(0),
                                TZ)
    for stage, types in (("arrived", STAGE_TYPES["arrived"]),
                         ("onboarded", STAGE_TYPES["onboarded"])):
        plain = db.session.execute(text(
            "SELECT COUNT(*) FROM (SELECT e.worker_id, MIN(e.occurred_at) AS first_at FROM events "
            "e"
            " JOIN workers w ON w.id = e.worker_id WHERE w.home_county_code = '621121'"
            f" AND e.type IN ({', '.join(repr(t) for t in types)}) GROUP BY e.worker_id) AS firsts"
            " WHERE first_at >= :first AND first_at < :after"),
            {"first": first.astimezone(dt.UTC).replace(tzinfo=None),
             "after": after.astimezone(dt.UTC).replace(tzinfo=None)}).scalar()
        assert this_month[STAGE_NAMES[stage]] == plain, stage
    assert this_month[STAGE_NAMES["arrived"]] == 2  # the Longxi fair-goer is another county's

    pdf = client.get(url, headers=auth.headers("county"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    words = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "通渭县劳务输转工作统计月报" in words and "稳岗率" in words and "平襄镇" in words

    assert (
        client.get(url.replace("621121", "621122"), headers=auth.headers("county")).status_code
        == 422
    )
    assert (
        client.get(url.replace(month, "2026-13"), headers=auth.headers("admin")).status_code == 422
    )
    assert client.get(url, headers=auth.headers("fair_staff")).status_code == 403
