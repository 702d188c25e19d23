"""The greeter's phone at the station with no network: cards scanned (a keyboard-wedge scanner
types the QR text), verified on the phone, queued; the page reloaded offline (service worker,
IndexedDB); the network back; the server ends with each arrival exactly once and the forged
card in quarantine."""
import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from server.extensions import db
from server.models import Event, QuarantinedEvent
from tests.conftest import http_json, make_id_number
from tests.e2e.conftest import (
    add_authenticator,
    batch_arriving_today,
    dismiss,
    enroll,
    forged,
    register_earlier,
    sign_in,
    sync,
    todays_fair,
)

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def greeter_page(page, site, auth):
    add_authenticator(page)
    status, body = http_json("POST", f"{site}/api/auth/enrollments",
                             {"name": "福州站 陈", "role": "greeter", "station": "福州站"},
                             token=auth.tokens["admin"])
    assert status == 201, body
    page.goto(site + "/")
    enroll(page, "福州站 陈", body["code"])
    page.wait_for_selector("text=通行密钥已创建")
    sign_in(page)
    page.wait_for_selector("#signed-in")
    return page




def test_the_verdict_says_what_was_recorded_and_who_is_not_on_the_batch(greeter_page, site, auth):
    page, token = greeter_page, auth.tokens["county"]
    employer = auth.employer_id()
    db.session.rollback()
    batch = batch_arriving_today(site, token, "通渭—福州 第4批", employer_ids=[employer])
    elsewhere = batch_arriving_today(site, token, "通渭—福州 第5批", employer_ids=[employer])
    cards = []
    for n in (20, 21, 22, 23, 24):
        worker = register_earlier(site, token, {
            "name": f"到站{n}", "id_number": _id_number(n), "phone": f"1390000{n:04d}",
            "home": {"county_code": "621121", "township": "平襄镇"},
            "consent": {"notice_version": "2026-1", "channel": "paper", "agreed": True}})
        cards.append(
            (
                worker,
                http_json("POST", f"{site}/api/workers/{worker['id']}/credentials", token=token)[
                    1
                ]["qr"],
            )
        )
    # 20, 24 and 22 (who does not come) on this batch, 21 on the next one, 23 on none
    http_json("POST", f"{site}/api/batches/{batch['id']}/roster",
              {"worker_ids": [cards[0][0]["id"], cards[2][0]["id"], cards[4][0]["id"]]},
              token=token)
    http_json("POST", f"{site}/api/batches/{elsewhere['id']}/roster",
              {"worker_ids": [cards[1][0]["id"]]}, token=token)
    db.session.rollback()
    sync(page)
    page.wait_for_selector(f"select[name=pick] option[value='{batch['id']}']", state="attached")
    page.select_option("select[name=pick]", batch["id"])
    page.evaluate("""() => {  // count the audio contexts the verdicts' tones make
      window.madeAudio = 0;
      const Real = window.AudioContext;
      window.AudioContext = class extends Real { constructor() { super(); window.madeAudio += 1;
        } };
    }""")
    page.fill("#scan input[name=code]", cards[0][1])
    page.press("#scan input[name=code]", "Enter")
    green = page.wait_for_selector(".verdict[data-verdict=green]")
    assert "已记录：到站 · 通渭—福州 第4批" in green.inner_text()
    dismiss(page)
    # on another batch: recorded, but not the same green
    page.fill("#scan input[name=code]", cards[1][1])
    page.press("#scan input[name=code]", "Enter")
    amber = page.wait_for_selector(".verdict[data-verdict=amber]")
    assert "到站21 不在本批次名单" in amber.inner_text() and "已记录：到站" in amber.inner_text()
    assert "此人在“通渭—福州 第5批”名单上" in amber.inner_text()  # where to send them
    page.screenshot(path="/tmp/scan-not-on-batch.png")
    dismiss(page)
    page.fill("#scan input[name=code]", cards[3][1])  # on no batch at all
    page.press("#scan input[name=code]", "Enter")
    assert (
        "不在本机任何批次名单上"
        in page.wait_for_selector(".verdict[data-verdict=amber]").inner_text()
    )
    dismiss(page)
    # the same card again: said, not recorded twice
    page.fill("#scan input[name=code]", cards[0][1])
    page.press("#scan input[name=code]", "Enter")
    again = page.wait_for_selector(".verdict[data-verdict=amber]")
    assert "到站20 已扫过" in again.inner_text() and "没有再记录" in again.inner_text()
    dismiss(page)
    assert page.evaluate("window.madeAudio") == 1  # one for the page, not one a scan
    # Whom to call: the one missing, with a number the phone dials.
    page.click("#board details summary")
    call = page.wait_for_selector("#board a.call[href='tel:13900000022']")
    assert call.bounding_box()["height"] >= 44
    page.screenshot(path="/tmp/scan-board-missing.png")
    # all went to the server (a sync after each scan)
    page.wait_for_selector("#sync-badge[data-queued='0']")
    # Back from the pocket, it syncs at once (not at the next half-minute tick: 3 s is the bound).
    with page.expect_request(lambda request: "/api/sync/pull" in request.url, timeout=3000):
        page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    # The hand-over, person by person. A second greeter's phone hands 20 over first, before this
    # phone has pulled it (its pulls fail meanwhile): this one's attempt says why it was refused
    # (by name), not "correct the fields".
    page.route("**/api/sync/pull*", lambda route: route.abort())
    page.fill("#scan input[name=code]", cards[4][1])
    page.press("#scan input[name=code]", "Enter")
    page.wait_for_selector(".verdict[data-verdict=green]")
    dismiss(page)
    page.wait_for_selector("#sync-badge[data-queued='0']")
    status, other = http_json("POST", f"{site}/api/batches/{batch['id']}/handovers", {
        "employer_id": employer, "representative": "闽江 人事 王",
        "worker_ids": [cards[0][0]["id"]]},
        token=auth.tokens["greeter"])
    assert status == 201, other
    page.wait_for_selector(f"#handover label[data-worker='{cards[4][0]['id']}']")
    # 24 goes with someone else
    page.uncheck(f"#handover label[data-worker='{cards[4][0]['id']}'] input")
    page.select_option("#handover select", employer)
    page.fill("#handover input[name=representative]", "闽江 人事 林")
    page.click("#handover button[type=submit]")
    page.wait_for_selector("#handover .message >> text=已经交接过：到站20")
    page.unroute("**/api/sync/pull*")
    sync(page)  # now it knows: 20 is gone, only 24 waits
    page.wait_for_selector(f"#handover label[data-worker='{cards[0][0]['id']}']", state="detached")
    page.check(f"#handover label[data-worker='{cards[4][0]['id']}'] input")
    page.click("#handover button[type=submit]")
    page.wait_for_selector("#handover .message >> text=已交接 1 人给闽江纺织")
    assert "闽江纺织 2 人" in page.inner_text("#handed-over")
    # Left: the two scanned here off the roster (21 of the next batch, 23 of none): listed, not
    # ticked.
    assert page.is_disabled("#handover button[type=submit]") and page.locator("#handover "
                                                                    "label.check").count() == 2
    # 23 goes with them after all
    page.check(f"#handover label[data-worker='{cards[3][0]['id']}'] input")
    page.click("#handover button[type=submit]")
    page.wait_for_selector("#handed-over >> text=闽江纺织 3 人")
    page.screenshot(path="/tmp/scan-handover.png", full_page=True)
    db.session.rollback()
    assert db.session.query(Event).filter_by(type="station.arrived").count() == 4
    db.session.rollback()


def test_arrivals_scanned_offline_reach_the_server_once(greeter_page, site, auth):
    page, token = greeter_page, auth.tokens["county"]
    employer = auth.employer_id()
    # SQLite: reading it began a write transaction the live server would wait on
    db.session.rollback()
    batch = batch_arriving_today(site, token, "通渭—福州 第3批", employer_ids=[employer])
    cards, workers = [], []
    for n in range(3):
        status, worker = http_json("POST", f"{site}/api/workers", {
            "name": f"到站{n}", "id_number": _id_number(n), "phone": f"1390000{n:04d}",
            "home": {"county_code": "621121", "township": "平襄镇"}, "poor_household": False,
            "consent": {"notice_version": "2026-1", "channel": "paper", "agreed": True}},
                                   token=token)
        assert status == 201, worker
        workers.append(worker["id"])
        cards.append(
            http_json("POST", f"{site}/api/workers/{worker['id']}/credentials", token=token)[1][
                "qr"
            ]
        )
    http_json("POST", f"{site}/api/batches/{batch['id']}/roster", {"worker_ids": workers},
              token=token)
    db.session.rollback()

    sync(page)  # pull: keys, the batch due here
    page.wait_for_selector(f"select[name=pick] option[value='{batch['id']}']", state="attached")
    page.select_option("select[name=pick]", batch["id"])
    page.wait_for_selector("#board[data-expected='3']")  # the roster and the keys are on the phone
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")  # the app is precached
    page.context.set_offline(True)
    for text, colour in [(cards[0], "green"), (cards[1], "green"), (cards[0], "amber"),
                         (forged(cards[0]), "red"), (cards[2], "green")]:
        page.fill("#scan input[name=code]", text)
        page.press("#scan input[name=code]", "Enter")
        page.wait_for_selector(f".verdict[data-verdict={colour}]")
        dismiss(page)
    # the second scan of a card adds nothing
    assert page.get_attribute("#sync-badge", "data-queued") == "4"
    board = {key: page.get_attribute("#board", f"data-{key}")
             for key in ("expected", "arrived", "missing", "unexpected")}
    # counted on the phone
    assert board == {"expected": "3", "arrived": "3", "missing": "0", "unexpected": "0"}
    assert db.session.query(Event).filter_by(type="station.arrived").count() == 0
    db.session.rollback()  # SQLite: the test must not hold the write lock the live server needs

    page.wait_for_selector("[data-health=offline]")  # the chip says so at once
    page.reload()  # no network: the app comes from the service worker, the queue from IndexedDB
    page.wait_for_selector("#sync-badge[data-queued='4']")
    assert page.is_visible("#signed-in")
    # a sync tried offline says so in words, and when it last worked
    page.click("#sync-badge button")
    page.wait_for_selector("#sync-badge.error >> text=没有网络")
    badge = page.inner_text("#sync-badge")
    assert "Failed to fetch" not in badge and "从未" not in badge, badge
    page.screenshot(path="/tmp/badge-offline.png")
    page.context.set_offline(False)  # the network is back: the phone syncs by itself
    page.wait_for_selector("#sync-badge[data-queued='0']")
    # the forged card, with what to do about it
    page.wait_for_selector("#rejected[data-count='1']")
    page.click("#rejected summary")
    assert "伪造或损坏的卡片" in page.inner_text("#rejected")
    page.select_option("#board select", employer)
    page.fill("#board input[name=representative]", "闽江纺织 林经理")
    page.click("#board button[type=submit]")
    page.wait_for_selector("#board >> text=已交接 3 人")
    db.session.rollback()
    arrived = db.session.query(Event).filter_by(type="station.arrived").all()
    assert sorted(e.worker_id for e in arrived) == sorted(workers)
    assert [q.reason for q in db.session.query(QuarantinedEvent)] == ["bad_signature"]
    db.session.rollback()
    status, board = http_json("GET", f"{site}/api/batches/{batch['id']}/board", token=token)
    assert (board["expected"], board["arrived"], board["missing"]) == (3, 3, 0)


def _id_number(n: int) -> str:
    return make_id_number(sequence=700 + n)


def test_an_employer_onboards_confirms_and_records_a_separation_by_scan(page, site, auth):
    employer = auth.employer_id()
    db.session.rollback()
    add_authenticator(page)
    status, body = http_json("POST", f"{site}/api/auth/enrollments",
                             {"name": "闽江 人事", "role": "employer", "employer_id": employer},
                             token=auth.tokens["admin"])
    assert status == 201, body
    worker = register_earlier(site, auth.tokens["county"], {
        "name": "入职者", "id_number": _id_number(50), "phone": "13900007050",
        "home": {"county_code": "621121", "township": "平襄镇"},
        "consent": {"notice_version": "2026-1", "channel": "paper", "agreed": True}})
    card = http_json(
        "POST", f"{site}/api/workers/{worker['id']}/credentials", token=auth.tokens["county"]
    )[1]["qr"]
    # Met at the station first, as the programme hands people over: the onboarding then needs no
    # review.
    met = {"id": str(uuid.uuid4()), "type": "station.arrived", "device_seq": 1, "credential": card,
           "occurred_at": (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).isoformat(),
           "context": {"station": "福州站"}}
    assert http_json("POST", f"{site}/api/sync/push",
                     {"device_id": "station-phone", "events": [met]},
                     token=auth.tokens["greeter"])[0] == 200
    page.goto(site + "/")
    enroll(page, "闽江 人事", body["code"])
    page.wait_for_selector("text=通行密钥已创建")
    sign_in(page)
    page.wait_for_selector("#sync-badge[data-queued='0']")
    sync(page)  # the signing keys, to check cards on the phone

    def scan(action, recorded, tap=True, **fields):
        page.select_option("select[name=pick]", action)
        for name, value in fields.items():
            if name == "reason":
                page.select_option("select[name=reason]", value)
            else:
                page.fill(f"input[name={name}]", value)
        page.fill("#scan input[name=code]", card)
        page.press("#scan input[name=code]", "Enter")
        if tap:  # a change of employment waits for the clerk's tap, naming what it will record
            asking = page.wait_for_selector(".verdict[data-verdict=confirm]")
            assert recorded in asking.inner_text() and "闽江纺织" in asking.inner_text()
            page.click(".verdict button[data-confirm]")
        green = page.wait_for_selector(".verdict[data-verdict=green]")
        assert f"已记录：{recorded}" in green.inner_text()
        dismiss(page)

    scan("employer.onboarded", "入职 · 闽江纺织 · 4200元", wage="4200")
    # the same card again at once: no second onboarding, no tap asked
    page.fill("#scan input[name=code]", card)
    page.press("#scan input[name=code]", "Enter")
    assert "已扫过" in page.wait_for_selector(".verdict[data-verdict=amber]").inner_text()
    dismiss(page)
    # a monthly confirmation changes nothing: no tap
    scan("employment.confirmed", "在岗确认", tap=False)
    # Separation: cancelled once (nothing recorded), then confirmed.
    page.select_option("select[name=pick]", "employment.ended")
    page.select_option("select[name=reason]", "homesick")
    page.fill("#scan input[name=code]", card)
    page.press("#scan input[name=code]", "Enter")
    page.wait_for_selector(".verdict[data-verdict=confirm]")
    page.screenshot(path="/tmp/scan-confirm-separation.png")
    page.click(".verdict button[data-cancel]")
    page.wait_for_selector(".verdict[data-verdict=amber] >> text=已取消")
    dismiss(page)
    scan("employment.ended", "离职", reason="homesick")
    sync(page)
    db.session.rollback()
    events = {e.type: e for e in db.session.query(Event).filter_by(worker_id=worker["id"])}
    assert (
        events["employer.onboarded"].data["wage"] == 4200
        and events["employer.onboarded"].employer_id == employer
    )
    assert (
        events["employment.confirmed"].data["month"]
        == dt.datetime.now(BEIJING).date().isoformat()[:7]
    )
    assert events["employment.ended"].data["reason"] == "homesick"
    ended = db.session.query(Event).filter_by(worker_id=worker["id"], type="employment.ended")
    assert ended.count() == 1  # not the cancelled one
    assert events["employer.onboarded"].flags == []  # met at the station: nothing for a reviewer
    db.session.rollback()


def test_at_a_fair_the_clerk_checks_in_and_records_a_job_intention(page, site, auth):
    employer = auth.employer_id()
    db.session.rollback()
    county = auth.tokens["county"]
    fair = todays_fair(site, county, employer_ids=[employer])
    status, job = http_json("POST", f"{site}/api/fairs/{fair['id']}/postings", {
        "employer_id": employer, "job_type": "sewing", "title": "缝纫工", "openings": 50,
        "wage_min": 4000,
        "wage_max": 5500, "wage_basis": "piece_rate", "hours": "每天8小时", "housing": True,
        "food": True, "district_code": "350121"}, token=county)
    assert status == 201, job
    status, worker = http_json("POST", f"{site}/api/workers", {
        "name": "赶集人", "id_number": _id_number(60), "phone": "13900007060",
        "home": {"county_code": "621121", "township": "平襄镇"},
        "consent": {"notice_version": "2026-1", "channel": "paper", "agreed": True}}, token=county)
    card = http_json("POST", f"{site}/api/workers/{worker['id']}/credentials", token=county)[1][
        "qr"
    ]
    status, body = http_json("POST", f"{site}/api/auth/enrollments",
                             {"name": "平襄 招聘"
                                      "员", "role": "fair_staff", "county_code": "621121"},
                             token=county)
    add_authenticator(page)
    page.goto(site + "/")
    enroll(page, "平襄 招聘员", body["code"])
    page.wait_for_selector("text=通行密钥已创建")
    sign_in(page)
    page.wait_for_selector(f"select[name=pick] option[value='{fair['id']}']", state="attached")
    page.select_option("select[name=pick]", fair["id"])

    def scan():
        page.fill("#scan input[name=code]", card)
        page.press("#scan input[name=code]", "Enter")
        page.wait_for_selector(".verdict[data-verdict=green]")
        dismiss(page)

    scan()
    page.select_option("select[name=action]", "fair.intent_signed")
    page.select_option("select[name=employer]", employer)
    page.select_option("select[name=posting]", job["id"])
    scan()
    page.wait_for_selector("#fair-counts[data-checked='1'][data-signed='1']")
    sync(page)
    db.session.rollback()
    status, seen = http_json("GET", f"{site}/api/fairs/{fair['id']}", token=county)
    assert seen["counts"] == {"preregistered": 0, "preregistered_came": 0, "checked_in": 1,
                              "workers_with_intent": 1, "intentions": 1}
    assert [p["intentions"] for p in seen["postings"]] == [1]
