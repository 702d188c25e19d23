"""The camera path end to end: Chromium's fake camera plays real QR images of real issued cards
(and one forged), the ZXing WebAssembly polyfill decodes them in a worker (Chromium on Linux has
no native BarcodeDetector: this is the path most phones without one take), with the network off;
the page is reloaded; the network comes back; the server has each arrival exactly once and the
forged card in quarantine, and the board shows who is still missing."""
import pytest

from server.extensions import db
from server.models import Event, QuarantinedEvent
from tests.conftest import http_json, make_id_number
from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    batch_arriving_today,
    forged,
    signed_in,
    sync,
    todays_fair,
)
from tests.e2e.fake_camera import write_y4m

ON_THE_TRAIN = 22
SCANNED = 20  # two of them do not get off the train




@pytest.fixture
def arrivals(site, auth):
    """A batch due at 福州站 with 22 workers on it, and their cards."""
    token = auth.tokens["county"]
    batch = batch_arriving_today(site, token, "通渭—福州 第4批", "D2706")
    workers, cards = [], []
    for n in range(ON_THE_TRAIN):
        status, worker = http_json("POST", f"{site}/api/workers", {
            "name": f"相机{n}", "id_number": make_id_number(sequence=800 + n),
            "phone": f"1380000{n:04d}", "home": {"county_code": "621121", "township": "马营镇"},
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
    return batch, workers, cards


def with_camera(playwright, video):
    """A Chromium of its own whose camera plays ``video``."""
    args = CHROMIUM_ARGS + ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                            f"--use-file-for-fake-video-capture={video}"]
    return playwright.chromium.launch(executable_path=CHROMIUM, args=args)


def signed_in_phone(browser, site, auth, name, enrollment):
    context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740},
                                  is_mobile=True, permissions=["camera"])
    db.session.rollback()
    return signed_in(context.new_page(), site, auth, name, **enrollment)


def test_cards_shown_to_the_camera_offline_arrive_once(playwright, site, auth, arrivals, tmp_path):
    batch, workers, cards = arrivals
    video = write_y4m(tmp_path / "cards.y4m", cards[:SCANNED] + [forged(cards[0])])
    browser = with_camera(playwright, video)
    try:
        page = signed_in_phone(browser, site, auth, "福州站 林",
                               {"role": "greeter", "station": "福州站"})
        context = page.context
        page.wait_for_selector(f"select[name=pick] option[value='{batch['id']}']",
                               state="attached")
        page.select_option("select[name=pick]", batch["id"])
        assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        context.set_offline(True)

        page.click("#camera")
        # 20 cards and the forgery
        page.wait_for_selector(f"#sync-badge[data-queued='{SCANNED + 1}']", timeout=120_000)
        page.locator("#camera").dispatch_event("click")  # stop (under the verdict overlay)
        assert (
            page.get_attribute("#board", "data-arrived"),
            page.get_attribute("#board", "data-missing"),
        ) == (str(SCANNED), str(ON_THE_TRAIN - SCANNED))  # the phone's own board, with no network
        assert not any("cdn" in url or "jsdelivr" in url for url in page.evaluate(
            "performance.getEntriesByType('resource').map(e => e.name)"))
        page.reload()
        page.wait_for_selector(f"#sync-badge[data-queued='{SCANNED + 1}']")
        context.set_offline(False)
        page.wait_for_selector("#sync-badge[data-queued='0']", timeout=30_000)
    finally:
        browser.close()

    db.session.rollback()
    arrived = db.session.query(Event).filter_by(type="station.arrived").all()
    assert sorted(e.worker_id for e in arrived) == sorted(workers[:SCANNED])
    assert [q.reason for q in db.session.query(QuarantinedEvent)] == ["bad_signature"]
    db.session.rollback()
    status, board = http_json("GET", f"{site}/api/batches/{batch['id']}/board",
                              token=auth.tokens["county"])
    assert (board["expected"], board["arrived"], board["missing"]) == (ON_THE_TRAIN, SCANNED,
                                                                       ON_THE_TRAIN - SCANNED)
    assert sorted(p["name"] for p in board["missing_people"]) == [
        f"相机{n}" for n in range(SCANNED, ON_THE_TRAIN)
    ]


def test_at_a_fair_the_camera_checks_people_in_and_a_forged_and_a_revoked_card_go_to_quarantine(
        playwright, site, auth, arrivals, tmp_path):
    _batch, workers, cards = arrivals
    county = auth.tokens["county"]
    fair = todays_fair(site, county, "马营镇")
    revoked = cards[3]
    # re-issued: the old card is revoked
    http_json("POST", f"{site}/api/workers/{workers[3]}/credentials", token=county)
    db.session.rollback()
    browser = with_camera(playwright, write_y4m(tmp_path / "fair.y4m",
                                                cards[:3] + [forged(cards[0]), revoked]))
    try:
        page = signed_in_phone(browser, site, auth, "马营 招聘员",
                               {"role": "fair_staff", "county_code": "621121"})
        page.wait_for_selector(f"select[name=pick] option[value='{fair['id']}']", state="attached")
        page.select_option("select[name=pick]", fair["id"])
        page.context.set_offline(True)
        page.click("#camera")
        # queued, red or green: nothing lost
        page.wait_for_selector("#sync-badge[data-queued='5']", timeout=60_000)
        page.locator("#camera").dispatch_event("click")
        page.context.set_offline(False)
        sync(page)
        page.wait_for_selector("#rejected[data-count='2']")
    finally:
        browser.close()
    db.session.rollback()
    checked = sorted(e.worker_id
                     for e in db.session.query(Event).filter_by(type="fair.checked_in"))
    assert checked == sorted(workers[:3])
    assert sorted(q.reason for q in db.session.query(QuarantinedEvent)) == ["bad_signature",
                                                                            "revoked"]
    db.session.rollback()
