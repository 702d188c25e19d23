"""The county office's screens in the PWA, in Chromium at a phone's size: planning a fair (the
lunar date and the warning), a batch built from a fair's intentions whose departure waits for a
team leader, the review queue and the at-risk list, a pre-registration list imported, a
training's attendance scanned — and the language switch."""
import datetime as dt
import uuid

import pytest
from openpyxl import Workbook

from server.extensions import db
from server.models import Event, Fair, Payout, ReviewDecision, User
from tests.conftest import http_json, make_id_number
from tests.e2e.conftest import onboard_reviewed, open_view, register_earlier, scan, signed_in, sync

pytestmark = pytest.mark.usefixtures("fair")  # its scans name the fair "f"

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def county_page(page, site, auth):
    return signed_in(page, site, auth, "通渭 科员", role="county", county_code="621121")


@pytest.fixture
def employer(auth):
    """The employer's id, read before the browser writes (SQLite: the test's reads hold the write
    lock)."""
    employer_id = auth.employer_id()
    db.session.rollback()
    return employer_id


def register(site, auth, n, township="平襄镇", name=None, poor_household=False) -> dict:
    """Registered early in the year (``register_earlier``): the tests replay histories of the last
    months."""
    return register_earlier(site, auth.tokens["county"], {
        "name": name or f"工人{n:02d}",
        "id_number": make_id_number(sequence=300 + n, birth=dt.date(1988, 5, 1)),
        "phone": f"1390000{n:04d}", "home": {"county_code": "621121", "township": township},
        "poor_household": poor_household,
        "consent": {"notice_version": "2026-1", "channel": "paper", "agreed": True}})


def push(site, auth, who, events):
    """Envelopes pushed by ``who`` today (a history replayed: what pays is ``late`` evidence, which
    ``accept_late`` settles); an employer's onboardings by worker id first, each accepted by the
    workstation (``onboard_reviewed``), as they must to count."""
    onboardings = [e for e in events if who == "employer" and e["type"] == "employer.onboarded"]
    if onboardings:
        onboard_reviewed(site, auth, onboardings)
        events = [e for e in events if e not in onboardings]
    if events:
        status, body = http_json("POST", f"{site}/api/sync/push",
                                 {"device_id": f"{who}-phone", "events": events},
                                 token=auth.tokens[who])
        assert status == 200 and all(r["status"] == "accepted" for r in body["results"]), body


def accept_doubts(site, auth, worker_id, reviewer="county", keep=("keyed",)):
    """A reviewer who made none of them accepts the worker's doubtful evidence, but for any with a
    reason in ``keep``."""
    status, queue = http_json("GET", f"{site}/api/reviews?per_page=200",
                              token=auth.tokens[reviewer])
    assert status == 200, queue
    for item in queue["items"]:
        if item["worker"]["id"] == worker_id and not set(item["reasons"]) & set(keep):
            status, body = http_json("POST", f"{site}/api/reviews/{item['event_id']}",
                                     {"outcome": "accepted", "note": "电话核实在岗"},
                                     token=auth.tokens[reviewer])
            assert status == 200, body


def envelope(type, worker_id, seq, at, context, data=None, card=None):
    """A scan naming the worker by ``card`` (its QR text) or, without one, by id (keyed in)."""
    named = {"credential": card} if card else {"worker_id": worker_id}
    return {"id": str(uuid.uuid4()), "type": type, "device_seq": seq,
            "occurred_at": at.isoformat(), "context": context, "data": data or {}} | named


def card_of(site, auth, worker) -> str:
    status, card = http_json("POST", f"{site}/api/workers/{worker['id']}/credentials", {},
                             token=auth.tokens["county"])
    assert status == 201, card
    return card["qr"]


def test_planning_a_fair_shows_the_lunar_date_warns_after_the_lantern_festival_and_takes_jobs(
    county_page, employer
):
    page = county_page
    open_view(page, "fairs")
    page.click("#fairs a.button")
    page.fill("#plan-fair input[name=name]", "平襄镇春季招聘会")
    page.fill("#plan-fair input[name=venue]", "镇政府广场")
    page.fill("#plan-fair input[name=organiser]", "通渭县人社局")
    page.fill("#plan-fair input[name=date]", "2027-03-01")  # 正月廿四: the workers have left
    page.dispatch_event("#plan-fair input[name=date]", "change")
    page.wait_for_selector("#lunar >> text=正月")
    assert page.is_visible(".warning[data-code=after_departures]")
    page.check(f"#plan-fair input[value='{employer}']")
    page.click("#plan-fair button[type=submit]")
    page.wait_for_selector("#fair #funnel li[data-stage=attended][data-count='0']")
    fair_id = page.get_attribute("#fair", "data-fair")

    page.click("#open-posting")
    page.select_option("#add-posting select[name=employer_id]", employer)
    page.select_option("#add-posting select[name=job_type]", "sewing")
    page.fill("#add-posting input[name=openings]", "40")
    page.fill("#add-posting input[name=wage_min]", "4000")
    # the wrong way round: refused, said why
    page.fill("#add-posting input[name=wage_max]", "3000")
    page.fill("#add-posting input[name=hours]", "每天8小时")
    page.check("#add-posting input[name=housing]")
    page.select_option("#add-posting select[name=district_code]", "350121")
    page.click("#add-posting button[type=submit]")
    page.wait_for_selector("#add-posting .message >> text=wage_max")
    page.fill("#add-posting input[name=wage_max]", "5500")
    page.click("#add-posting button[type=submit]")
    page.wait_for_selector("#fair li[data-posting]")
    db.session.rollback()
    fair = db.session.get(Fair, fair_id)
    assert (
        fair.date,
        [(p.job_type, p.wage_min, p.wage_max, p.housing, p.food) for p in fair.postings],
    ) == (dt.date(2027, 3, 1), [("sewing", 4000, 5500, True, False)])
    db.session.rollback()


def test_a_batch_from_a_fair_departs_only_once_the_big_township_has_a_team_leader(
    county_page, site, auth, employer
):
    page = county_page
    at = dt.datetime.now(TZ) - dt.timedelta(hours=2)
    workers = [register(site, auth, n) for n in range(21)] + [
        register(site, auth, n, township="义岗镇") for n in (21, 22)
    ]
    push(site, auth, "fair_staff", [envelope("fair.intent_signed", w["id"], i + 1, at, {
        "fair_id": "f", "employer_id": employer}) for i, w in enumerate(workers)])

    open_view(page, "batches")
    page.click("#batches a.button")
    page.fill("#organise-batch input[name=name]", "通渭—福州 春运第2批")
    page.fill("#organise-batch input[name=departure_station]", "定西北站")
    # a year off: in the past
    page.fill("#organise-batch input[name=departs_at]", "2026-02-20T08:30")
    page.fill("#organise-batch input[name=train_number]", "D2702")
    page.fill("#organise-batch input[name=destination_station]", "福州站")
    page.fill("#organise-batch input[name=expected_arrival_at]", "2027-02-21T06:10")
    page.check(f"#organise-batch input[value='{employer}']")
    page.click("#organise-batch button[type=submit]")
    page.wait_for_selector("#organise-batch .message >> text=出发时间已过")  # said, not saved
    page.fill("#organise-batch input[name=departs_at]", "2027-02-20T08:30")
    page.click("#organise-batch button[type=submit]")
    page.wait_for_selector("#batch[data-roster='0']")
    page.select_option("#add-from-fair select[name=from_fair_id]", "f")
    page.click("#add-from-fair button[type=submit]")
    page.wait_for_selector("#batch[data-roster='23']")
    assert page.is_visible(".warning[data-township=平襄镇]")
    # one of them is not going after all: 移出 asks why (no browser prompt), and keeps it
    leaving = page.locator(f"#batch li.member[data-worker='{workers[22]['id']}']")
    leaving.locator("button").click()
    # no reason yet: the form asks for one, nothing is sent
    page.click("#remove-member button[type=submit]")
    assert page.evaluate("document.querySelector('#remove-member "
                         "textarea').validity.valid") is False
    assert page.get_attribute("#batch", "data-roster") == "23"
    page.fill("#remove-member textarea", "家中老人生病，改下一批")
    page.click("#remove-member button[type=submit]")
    page.wait_for_selector("#batch[data-roster='22']")
    db.session.rollback()
    voided = (
        db.session.query(Event).filter_by(type="event.voided", worker_id=workers[22]["id"]).one()
    )
    assert voided.data[
        "reason"
    ] == "家中老人生病，改下一批" and voided.batch_id == page.get_attribute("#batch", "data-batch")
    db.session.rollback()  # no read left open: SQLite would hold the server's next write
    # each person's 移出 is a thumb's target, apart from the name (the townships are open while
    # planned)
    name, remove = (page.locator("#batch li.member").first.locator(part).bounding_box()
                    for part in ("span", "button"))
    assert remove["height"] >= 44 and remove["x"] >= name["x"] + name["width"]

    page.click("#roll-call button[type=submit]")  # a departure closes the roster: it asks first
    assert "确认 22 人上车出发、0 人未上车" in page.inner_text("#confirm-departure")
    # 21 from 平襄镇 and no leader: refused, and the page says so
    page.click("#roll-call button[type=submit]")
    page.wait_for_selector("#depart-message >> text=平襄镇")
    assert page.get_attribute("#batch", "data-status") == "planned"
    page.select_option("details[data-township=平襄镇] select[name=leader]", workers[0]["id"])
    page.wait_for_selector("details[data-township=平襄镇] summary >> text=工人00")
    # the one from 义岗镇 did not come
    page.check(f"#roll-call input[value='{workers[21]['id']}']")
    page.click("#roll-call button[type=submit]")
    assert f"未上车：{workers[21]['name']}" in page.inner_text("#confirm-departure")
    page.click("#roll-call button[type=submit]")
    page.wait_for_selector("#batch[data-status=departed]")
    page.wait_for_selector("#server-board[data-expected='21'][data-arrived='0'][data-missing='21']")
    db.session.rollback()
    departed = db.session.query(Event).filter_by(type="batch.departed").count()
    assert departed == 21
    db.session.rollback()


def test_the_morning_review_queue_and_at_risk_list(county_page, site, auth, employer):
    page = county_page
    worker = register(site, auth, 40, name="没到站")
    started = dt.datetime.now(TZ) - dt.timedelta(days=40)
    # Recorded at the workstation by id (an office may), never met at the station: a reviewer looks
    # at it.
    push(site, auth, "workstation", [envelope("employer.onboarded", worker["id"], 1, started,
                                              {"employer_id": employer},
                                              {"start_date": started.date().isoformat()})])
    open_view(page, "at-risk")
    line = page.wait_for_selector(f"#at-risk li[data-worker='{worker['id']}']:"
                                  "has-text('35天未确认在岗')")
    call = line.query_selector("a.call")  # whom to call, and where they work
    assert call.get_attribute("href") == "tel:13900000040" and call.bounding_box()["height"] >= 44
    assert "闽江纺织" in line.inner_text()
    page.screenshot(path="/tmp/at-risk.png")
    open_view(page, "reviews")
    item = "#reviews li.review:has-text('没到站')"
    page.wait_for_selector(f"{item} >> text=未到站就入职")
    page.fill(f"{item} input[name=note]", "电话核实：自行到厂")
    page.click(f"{item} button:has-text('属实')")
    page.wait_for_selector("#reviews >> text=没有待审核的事项")
    db.session.rollback()
    decision = db.session.query(ReviewDecision).one()
    assert (decision.outcome, decision.note) == ("accepted", "电话核实：自行到厂")
    db.session.rollback()
    open_view(page, "at-risk")
    page.click(f"#at-risk li[data-worker='{worker['id']}'] a")  # the name opens the record
    page.wait_for_selector(f"#record[data-worker='{worker['id']}']")


def test_a_fair_pre_registration_list_is_checked_then_imported(county_page, site, auth, tmp_path):
    page = county_page
    known = register(site, auth, 50, name="已登记")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "身份证号码", "手机号", "乡镇"])
    sheet.append(["已登记", make_id_number(sequence=350, birth=dt.date(1988, 5, 1)), "13900000050",
                  "平襄镇"])
    sheet.append(["新来的", make_id_number(sequence=351, birth=dt.date(1990, 1, 1)), "13900000051",
                  "平襄镇"])
    sheet.append(["错号码", "621121199001011230", "13900000052", "平襄镇"])
    path = tmp_path / "平襄镇预报名.xlsx"
    workbook.save(path)

    open_view(page, "imports")
    page.set_input_files("#upload input[type=file]", str(path))
    page.click("#upload button")
    page.wait_for_selector("#mapping")
    assert page.eval_on_selector("#mapping "
                                 "select[name='map.id_number']", "s => s.value") == "身份证号码"
    page.select_option("#mapping select[name=fair_id]", "f")
    page.check("#mapping input[name=consent]")
    page.click("#mapping button[type=submit]")
    page.wait_for_selector("#import-report[data-valid='2'][data-problems='1']")
    assert page.is_visible("#import-report tr[data-row='4']")
    page.click("#apply-import")
    page.wait_for_selector("#imports[data-status=applied] #import-report[data-imported='2']")
    db.session.rollback()
    listed = {w for (w,) in db.session.query(Event.worker_id).filter_by(type="fair.preregistered",
                                                                        fair_id="f")}
    assert len(listed) == 2 and known["id"] in listed
    # 已登记 was not doubled
    assert db.session.query(Event).filter_by(type="worker.registered").count() == 2
    db.session.rollback()


def test_a_training_is_planned_and_its_attendance_scanned(county_page, site, auth):
    page = county_page
    worker = register(site, auth, 60, name="学电焊")
    card = http_json(
        "POST", f"{site}/api/workers/{worker['id']}/credentials", token=auth.tokens["county"]
    )[1]["qr"]
    open_view(page, "trainings")
    page.click("#trainings a.button")
    for name, value in (("title", "电焊岗前培训"), ("skill", "电焊"),
                        ("provider", "通渭县职教中心"), ("place", "平襄镇"),
                        ("starts_on", "2027-01-10"), ("ends_on", "2027-01-12"), ("capacity", "30"),
                        ("hours", "8")):
        page.fill(f"#plan-training input[name={name}]", value)
    page.click("#plan-training button[type=submit]")
    page.wait_for_selector("#training")
    training_id = page.get_attribute("#training", "data-training")
    page.click("#training a.button")
    sync(page)  # the phone pulls the new training (and the key of the new card) to scan offline
    page.wait_for_selector(f".scan select[name=pick] option[value='{training_id}']",
                           state="attached")
    page.fill(".scan input[name=hours]", "8")
    scan(page, card)
    sync(page)
    page.goto(f"{site}/#trainings/{training_id}")
    page.wait_for_selector(f"#training li[data-worker='{worker['id']}'] >> text=已结业")


def test_the_language_switch_turns_the_screens_to_english_and_stays(county_page, site):
    page = county_page
    page.click("#lang")
    page.wait_for_selector("header h1 >> text=LaborPass")
    open_view(page, "fairs")
    page.wait_for_selector("#fairs h2 >> text=Fairs")
    page.reload()
    page.wait_for_selector("nav.tabs a[data-view=batches] >> text=Batches")
    assert page.get_attribute("html", "lang") == "en"
    page.click("#lang")
    page.wait_for_selector("nav.tabs a[data-view=batches] >> text=批次")


def test_the_office_moves_a_worker_to_another_employer_and_exports_the_list(county_page, site,
                                                                            auth, employer):
    page = county_page
    other = next(e.id for e in auth.employers.values() if e.id != employer)
    db.session.rollback()
    worker = register(site, auth, 70, name="调岗人")
    started = dt.datetime.now(TZ) - dt.timedelta(days=10)
    push(site, auth, "employer",
         [envelope("employer.onboarded", worker["id"], 1, started, {"employer_id": employer},
                                           {"start_date": started.date().isoformat()})])
    page.fill("#records input[name=q]", "调岗")
    page.select_option("#records select[name=status]", "employed")
    page.click("#records form button[type=submit]")
    assert "status=employed" in page.get_attribute("#export a >> nth=0", "href")
    exported = page.evaluate("""async () => {
      const r = await fetch(document.querySelector('#export a').href);
                                return [r.status, r.headers.get('content-type')]; }""")
    assert exported == [200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
    page.click(f"#records [data-worker='{worker['id']}']")
    page.select_option("#reassign select[name=employer_id]", other)
    page.fill("#reassign input[name=reason]", "不适应夜班")
    page.click("#reassign button[type=submit]")
    page.wait_for_selector("#reassigned")
    sync(page)
    db.session.rollback()
    moved = db.session.query(Event).filter_by(type="employment.reassigned").one()
    assert (moved.worker_id, moved.employer_id, moved.data) == (
        worker["id"], other, {"from_employer_id": employer, "reason": "不适应夜班"})
    db.session.rollback()


def test_a_person_added_by_name_is_scanned_boarding(county_page, site, auth):
    page = county_page
    worker = register(site, auth, 80, name="上车人")
    card = http_json(
        "POST", f"{site}/api/workers/{worker['id']}/credentials", token=auth.tokens["county"]
    )[1]["qr"]
    departs = dt.datetime.now(TZ) + dt.timedelta(hours=1)
    status, batch = http_json("POST", f"{site}/api/batches", {
        "name": "通渭—福州 加开", "departure_station": "定西北站",
        "departs_at": departs.isoformat(), "train_number": "D2708",
        "destination_station": "福州站",
        "expected_arrival_at": (departs + dt.timedelta(hours=20)).isoformat()},
        token=auth.tokens["county"])
    assert status == 201, batch
    page.goto(f"{site}/#batches/{batch['id']}")
    page.fill("#add-person input[name=q]", "上车")
    page.click("#add-person button[type=submit]")
    page.click(f"#add-person [data-worker='{worker['id']}']")
    page.wait_for_selector("#batch[data-roster='1']")
    page.click("#batch a.button.secondary")  # scan people boarding
    sync(page)  # the phone pulls the new batch and the new card's key
    page.wait_for_selector(f".scan select[name=pick] option[value='{batch['id']}']",
                           state="attached")
    scan(page, card)
    # the second time: already scanned, and where
    assert "通渭—福州 加开" in scan(page, card, "amber")
    sync(page)
    db.session.rollback()
    boarded = db.session.query(Event).filter_by(type="batch.departed", batch_id=batch["id"]).all()
    assert [e.worker_id for e in boarded] == [worker["id"]]
    db.session.rollback()


def test_the_county_recomputes_subsidies_and_approves_and_pays_one(county_page, site, auth,
                                                                   employer):
    page = county_page
    # the 2019 policy: registered poor households
    worker = register(site, auth, 90, name="稳岗人", poor_household=True)
    day0 = dt.datetime.now(TZ) - dt.timedelta(days=95)
    # The 2019 policy asks for two parties each month: the employer scans the card (a month's
    # first day), the workstation visits and scans it too (its tenth).
    card = card_of(site, auth, worker)
    push(site, auth, "employer",
         [envelope("employer.onboarded", worker["id"], 1, day0, {"employer_id": employer},
                                           {"start_date": day0.date().isoformat()})]
         + [envelope("employment.confirmed", worker["id"], 2 + n, day0 + dt.timedelta(days=d),
                     {"employer_id": employer},
                     {"month": (day0 + dt.timedelta(days=d)).strftime("%Y-%m")}, card=card) for n,
            d in enumerate((30, 60))])
    push(site, auth, "workstation",
         [envelope("employment.confirmed", worker["id"], 1 + n, day0 + dt.timedelta(days=d),
                                              {"employer_id": employer}, card=card) for n,
          d in enumerate((10, 40, 70))])
    # Another, whose employer keyed its roster ticks in by id: held until a reviewer looks.
    keyed = register(site, auth, 91, name="待审人", poor_household=True)
    keyed_card = card_of(site, auth, keyed)
    push(site, auth, "employer",
         [envelope("employer.onboarded", keyed["id"], 11, day0, {"employer_id": employer},
                                           {"start_date": day0.date().isoformat()})]
         + [envelope("employment.confirmed", keyed["id"], 12 + n, day0 + dt.timedelta(days=d),
                     {"employer_id": employer},
                     {"month": (day0 + dt.timedelta(days=d)).strftime("%Y-%m")}) for n,
            d in enumerate((30, 60))])
    push(site, auth, "workstation",
         [envelope("employment.confirmed", keyed["id"], 11 + n, day0 + dt.timedelta(days=d),
                                              {"employer_id": employer}, card=keyed_card)
                                     for n, d in enumerate((10, 40, 70))])
    # Replayed today, the scans are late: the county's reviewer accepts them, but the keyed-in
    # ticks.
    accept_doubts(site, auth, worker["id"])
    accept_doubts(site, auth, keyed["id"])
    year = dt.datetime.now(TZ).year
    assert http_json("PUT", f"{site}/api/targets/621121/{year}",
                     {"transfers": 3000, "arrivals": 2800,
                     "stable_3_months": 2000}, token=auth.tokens["admin"])[0] == 200
    # where the targets live, with how far the county has come
    page.goto(f"{site}/#policies/targets")
    page.wait_for_selector("#targets-table tr[data-county='621121'] "
                           "td[data-measure=stable_3_months] >> text=2 / 2000")
    open_view(page, "payouts")  # both stayed three months
    page.click("#recompute")
    page.wait_for_selector("#payouts-message >> text=新增 2 项")
    page.select_option("#payouts select[name=status]", "held")
    held = page.wait_for_selector("#payouts li.payout[data-status=held]")
    assert (
        "以下证据审核后才能审批" in held.inner_text()
        and "在岗确认" in held.inner_text()
        and "未扫卡" in held.inner_text()
    )
    assert held.query_selector("button[data-action=approve]") is None and held.query_selector(
        "a[href='#reviews']"
    )
    held.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/payouts-held.png")
    # the keyed-in one is not going to be paid: 驳回 asks why on the page, 取消 leaves it as it was
    held.query_selector("button[data-action=reject]").click()
    page.click("#reject-payout button.secondary")
    page.wait_for_selector("#reject-payout", state="detached")
    held.query_selector("button[data-action=reject]").click()
    # no reason: the form asks for one, nothing is sent
    page.click("#reject-payout button[type=submit]")
    assert page.evaluate("document.querySelector('#reject-payout "
                         "textarea').validity.valid") is False
    page.fill("#reject-payout textarea", "在岗确认为补录，未扫卡")
    page.click("#reject-payout button[type=submit]")
    # said in green, not in a refusal's red
    page.wait_for_selector("#payouts-message.ok >> text=已驳回")
    page.wait_for_selector("#payouts li.payout[data-status=held]", state="detached")
    db.session.rollback()
    rejected = db.session.query(Payout).filter_by(worker_id=keyed["id"]).one()
    assert (rejected.status, rejected.history[-1]["reason"]) == ("rejected",
                                                                 "在岗确认为补录，未扫卡")
    db.session.rollback()
    page.select_option("#payouts select[name=status]", "eligible")
    page.wait_for_selector("#payouts li.payout[data-status=eligible] >> text=3000")
    page.click("#payouts li.payout button[data-action=approve]")
    # approved: off this list
    page.wait_for_selector("#payouts li.payout[data-status=eligible]", state="detached")
    page.select_option("#payouts select[name=status]", "approved")
    page.click("#payouts li.payout button[data-action=pay]")
    page.wait_for_selector("#payouts li.payout[data-status=approved]", state="detached")
    page.select_option("#payouts select[name=status]", "paid")
    page.wait_for_selector("#payouts li.payout[data-status=paid]")
    db.session.rollback()
    payout = db.session.query(Payout).filter_by(worker_id=worker["id"]).one()
    clerk = db.session.query(User).filter_by(name="通渭 科员").one()  # who signed in on the phone
    assert (payout.worker_id, payout.status, [h["by"] for h in payout.history]) == (
        worker["id"], "paid", [None, clerk.id, clerk.id])
    db.session.rollback()
    page.goto(f"{site}/#workers/{worker['id']}")
    page.wait_for_selector("#eligibility[data-items='1'] >> text=3000")


def test_the_ledger_comes_fifty_at_a_time_and_the_last_one_settled_turns_back_a_page(
    county_page, site, auth
):
    """A programme's ledger holds a hundred thousand payouts: the screen asks for a page of fifty,
    says how many there are, and pages; a page emptied by approving goes back to the one before."""
    page = county_page
    reached = dt.datetime.now(TZ).date() - dt.timedelta(days=5)
    db.session.add_all([Payout(key=f"paging-{n}", policy_code="one_time_transport",
                               policy_version=1,
                               county_code="621121", amount=100 + n, reached_on=reached,
                               explanation=["分页"])
                        # and one of another county's, in no count of this one
                        for n in range(51)] + [
        Payout(key="paging-other", policy_code="one_time_transport", policy_version=1,
               county_code="621122", amount=999, reached_on=reached, explanation=["别县"])])
    db.session.commit()
    open_view(page, "payouts")
    page.wait_for_selector("#payouts-count >> text=共 51 项")
    assert len(page.query_selector_all("#payouts li.payout")) == 50
    page.click("#payouts-pager button:has-text('下一页（1/2）')")
    # the 51st, alone on the second page
    page.wait_for_selector("#payouts li.payout >> text=150 元")
    assert len(page.query_selector_all("#payouts li.payout")) == 1
    page.screenshot(path="/tmp/shots/payouts-page-2.png", full_page=True)
    page.click("#payouts li.payout button[data-action=approve]")
    page.wait_for_selector("#payouts-message.ok >> text=已审批 150 元")
    # page 2 comes back empty (50 in all), then the screen turns back to page 1: whole, no pager
    page.wait_for_function("() => document.querySelectorAll('#payouts li.payout').length === 50")
    assert "共 50 项" in page.inner_text("#payouts-count")
    assert page.query_selector("#payouts-pager") is None
    assert "999" not in page.inner_text("#payouts")


def test_the_dashboards_draw_the_funnel_and_the_retention_curve_and_give_the_bulletin(
    county_page, site, auth, employer
):
    page = county_page
    day0 = dt.datetime.now(TZ) - dt.timedelta(days=95)
    stayed, left = register(site, auth, 70, name="稳岗人"), register(site, auth, 71, name="离职人")
    # onboarded, never confirmed since: at risk
    silent = register(site, auth, 72, township="马营镇")
    push(site, auth, "workstation",
         [envelope("station.arrived", w["id"], n + 1, day0, {"station": "福州站"})
                                     # by name, at the workstation's desk
                                     for n, w in enumerate((stayed, left))])
    push(site, auth, "employer", [
        envelope("employer.onboarded", stayed["id"], 1, day0, {"employer_id": employer},
                 {"start_date": day0.date().isoformat()}),
        envelope("employer.onboarded", left["id"], 2, day0, {"employer_id": employer},
                 {"start_date": day0.date().isoformat()}),
        envelope("employer.onboarded", silent["id"], 8, day0, {"employer_id": employer},
                 {"start_date": day0.date().isoformat()}),
        envelope("employment.ended", left["id"], 3, day0 + dt.timedelta(days=10),
                 {"employer_id": employer},
                 {"end_date": (day0 + dt.timedelta(days=10)).date().isoformat(),
                  "reason": "homesick"}),
        *[envelope("employment.confirmed", stayed["id"], 4 + n, day0 + dt.timedelta(days=d),
                   {"employer_id": employer},
                   {"month": (day0 + dt.timedelta(days=d)).strftime("%Y-%m")}) for n,
          d in enumerate((30, 60, 90))]])
    status, api = http_json("GET", f"{site}/api/reports/funnel?by=county",
                            token=auth.tokens["county"])
    assert status == 200 and (
        api["total"]["registered"],
        api["total"]["onboarded"],
        api["total"]["month3"],
    ) == (3, 3, 1)

    open_view(page, "reports")
    page.wait_for_selector("#funnel-table tr.total td[data-stage=onboarded] >> text=3")
    assert [page.inner_text("#funnel-table tr.total "
                            f"td[data-stage={s}]") for s in api["stages"]] == [
        str(api["total"][s]) for s in api["stages"]]
    for chart in ("#funnel-chart", "#retention-chart"):  # Chart.js drew something on each canvas
        page.wait_for_function("""(selector) => { const c = document.querySelector(selector);
            return c && c.width > 0 && c.getContext('2d').getImageData(0, 0, c.width,
              c.height).data.some((v) => v);
        }""", arg=chart)
    # one of three left after 10 days, one went silent (no confirmation for 35 days: gone in month
    # 1), one stayed: every month the chart draws is in the table (the month-2 drop too, which the
    # old table of months 1, 3, 6, 12 hid), and a table wider than the phone says it scrolls
    assert page.inner_text("#retention-table td[data-month='1']") == "66.7%"
    # the silent one: gone in month 1
    assert page.inner_text("#retention-table td[data-month='2']") == "33.3%"
    assert page.is_visible(".scroll-hint")
    status, risk = http_json("GET", f"{site}/api/at-risk", token=auth.tokens["county"])
    assert page.inner_text("#at-risk-count b") == str(risk["total"]) and risk["total"] >= 1

    page.select_option("#reports select[name=by]", "township")
    page.wait_for_selector("#funnel-table tr[data-key='621121/马营镇']")
    # onboarded
    assert page.inner_text("#funnel-table tr[data-key='621121/平襄镇'] td:nth-of-type(6)") == "2"

    page.click("#lang")  # English: the charts are drawn again in the new language
    page.wait_for_selector("#reports h2 >> text=Reports")
    link = page.get_attribute("#bulletin-links a:text('PDF')", "href")
    assert "county=621121" in link
    response = page.request.get(f"{site}{link}")
    assert response.status == 200 and response.body().startswith(b"%PDF")
    db.session.rollback()
