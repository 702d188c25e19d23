"""The office's 审核 screen in Chromium at a phone's size, as a county reviewer uses it: the
quarantine (a forged card, an unknown id, a refused registration, a void the reviewer sent
themselves) read in Chinese, dismissed, accepted with a correction, refused in words, and an ID
number revealed with an audit entry; then an employer's keyed-in roster ticks accepted in bulk
with one note, each answered — a failure named, never skipped.

Everything is set up over HTTP with the server's own clock (a browser is signed in meanwhile)."""
import datetime as dt
import json
import os
import uuid

import pytest

from server.extensions import db
from server.models import AuditEntry, User
from tests.conftest import http_json, make_id_number
from tests.e2e.conftest import forged, onboard_reviewed, open_view, register_earlier, signed_in

pytestmark = pytest.mark.usefixtures("fair")  # its scans name the fair "f"

TZ = dt.timezone(dt.timedelta(hours=8))
SHOTS = "/tmp/shots"


def shot(page, name, at=None):
    """What the phone's screen shows (360×740), scrolled to ``at`` (a locator) when given."""
    os.makedirs(SHOTS, exist_ok=True)
    if at is not None:
        at.evaluate("(e) => e.scrollIntoView({block: 'center'})")
    page.screenshot(path=f"{SHOTS}/review-{name}.png")


def register(site, auth, n, name) -> dict:
    return register_earlier(site, auth.tokens["county"], {
        "name": name, "id_number": make_id_number(sequence=500 + n, birth=dt.date(1990, 4, 1)),
        "phone": f"1390005{n:04d}", "home": {"county_code": "621121", "township": "平襄镇"},
        "poor_household": False,
        "consent": {"notice_version": "2026-1", "channel": "paper", "agreed": True}})


def scan_envelope(type, seq, at, context, *, worker_id=None, card=None, data=None) -> dict:
    named = {"credential": card} if card else {"worker_id": worker_id}
    return {"id": str(uuid.uuid4()), "type": type, "device_seq": seq,
            "occurred_at": at.isoformat(), "context": context, "data": data or {}} | named


def push(site, token, device, *events) -> list[dict]:
    status, body = http_json("POST", f"{site}/api/sync/push",
                             {"device_id": device, "events": list(events)}, token=token)
    assert status == 200, body
    return body["results"]


def quarantined(site, auth, status="all") -> dict:
    """The county's quarantine as the API answers it, by event id."""
    code, page = http_json("GET", f"{site}/api/sync/quarantine?status={status}&per_page=200",
                           token=auth.tokens["county"])
    assert code == 200, page
    return {entry["event_id"]: entry for entry in page["items"]}


def me(page) -> dict:
    return page.evaluate("fetch('/api/auth/me').then((r) => r.json())")


def entry_of(page, entry_id):
    return page.locator(f"#quarantine li.quarantine[data-entry='{entry_id}']")


@pytest.fixture
def reviewer(page, site, auth):
    return signed_in(page, site, auth, "通渭 审核员", role="county", county_code="621121")


def test_the_quarantine_is_read_dismissed_accepted_corrected_refused_and_revealed(
    reviewer, site, auth
):
    page = reviewer
    now = dt.datetime.now(TZ)
    worker = register(site, auth, 1, "隔离甲")
    status, card = http_json("POST", f"{site}/api/workers/{worker['id']}/credentials", {},
                             token=auth.tokens["county"])
    assert status == 201, card
    fair = {"fair_id": "f"}
    forged_scan = scan_envelope("fair.checked_in", 1, now - dt.timedelta(minutes=50), fair,
                                card=forged(card["qr"]))
    typo_scan = scan_envelope("fair.checked_in", 2, now - dt.timedelta(minutes=40), fair,
                              worker_id="typo-0001")
    made = scan_envelope("fair.checked_in", 3, now - dt.timedelta(minutes=30), fair,
                         worker_id=worker["id"])
    results = push(site, auth.tokens["fair_staff"], "fair-phone-9", forged_scan, typo_scan, made)
    assert [(r["status"], r["reason"]) for r in results] == [
        ("rejected", "bad_signature"), ("rejected", "unknown_worker"), ("accepted", None)], results
    # a Longxi officer registering a Tongwei person: refused (out of scope), its ID number kept
    # sealed
    number = make_id_number(sequence=777, birth=dt.date(1992, 8, 8))
    registration = scan_envelope("worker.registered", 1, now - dt.timedelta(minutes=20), {},
                                 worker_id=str(uuid.uuid4()),
                                 data={"name": "外县登记", "id_number": number,
                                       "phone": "13900077777",
                                       "home": {"county_code": "621121", "township": "平襄镇"},
                                       "poor_household": False,
                                       "consent": {"notice_version": "2026-1", "channel": "paper",
                                                   "agreed": True}})
    assert [
        r["reason"] for r in push(site, auth.tokens["other_county"], "lx-phone-9", registration)
    ] == ["out_of_scope"]
    # the reviewer voids the fair staff's scan from their own laptop: it waits for a second
    # reviewer
    reviewer_id = me(page)["id"]
    status, token = http_json("POST", f"{site}/api/tokens",
                              {"user_id": reviewer_id, "name": "审核员笔记本"},
                              token=auth.tokens["admin"])
    assert status == 201, token
    void = scan_envelope("event.voided", 1, now - dt.timedelta(minutes=10), {},
                         worker_id=worker["id"], data={"event_id": made["id"], "reason": "误扫"})
    assert [r["reason"] for r in push(site, token["token"], "reviewer-laptop", void)] == [
        "void_needs_review"
    ]
    entries = quarantined(site, auth, "open")
    assert {forged_scan["id"], typo_scan["id"], registration["id"], void["id"]} <= set(entries)

    open_view(page, "reviews")
    page.click("#part-quarantine")
    page.wait_for_selector("#part-quarantine[data-count='4']")
    forged_entry, typo_entry = (
        entry_of(page, entries[forged_scan["id"]]["id"]),
        entry_of(page, entries[typo_scan["id"]]["id"]),
    )
    registration_entry, void_entry = (
        entry_of(page, entries[registration["id"]]["id"]),
        entry_of(page, entries[void["id"]]["id"]),
    )
    forged_entry.wait_for()
    # in plain Chinese: why, what, where, who sent it, whom it names (masked or as the card says)
    text = forged_entry.inner_text()
    assert (
        "伪造或损坏的卡片" in text and "核对本人身份证后补发新卡" in text and "招聘会签到" in text
    ), text
    assert (
        "通渭县春季招聘会" in text
        and "tongwei-fair（招聘会工作人员）" in text
        and "卡面：隔离甲" in text
    ), text
    assert "卡片不可信" in text
    assert "查无此人" in typo_entry.inner_text() and "typo-0001" in typo_entry.inner_text()
    reg_text = registration_entry.inner_text()
    assert "不在您的工作范围" in reg_text and "longxi（县人社局）" in reg_text
    assert number[:6] + "********" + number[-4:] in reg_text and number not in page.content()
    assert "作废他人的记录，须另一位审核员" in void_entry.inner_text()
    assert "这是您本人上传或扫描的记录" in void_entry.inner_text()
    shot(page, "quarantine")
    shot(page, "quarantine-void", void_entry)
    shot(page, "quarantine-registration", registration_entry)
    shot(page, "quarantine-forged", forged_entry)

    # dismiss the forged scan with a note: it leaves the open list, the count follows
    forged_entry.locator("input[name=note]").fill("伪造卡，已报县局")
    assert (
        forged_entry.locator("button[data-action=dismiss]").inner_text().strip() == "驳回，不记入"
    )
    forged_entry.locator("button[data-action=dismiss]").click()
    page.wait_for_selector("#quarantine-message >> text=已驳回")
    forged_entry.wait_for(state="detached")
    page.wait_for_selector("#part-quarantine[data-count='3']")
    settled = quarantined(site, auth)[forged_scan["id"]]
    assert (settled["status"], settled["resolution"]) == ("dismissed", "伪造卡，已报县局")

    # accept the mistyped one, corrected to the right person found by name
    typo_entry.locator("input[name=worker-q]").fill("隔离甲")
    typo_entry.locator("button[data-action=find]").click()
    typo_entry.locator(f"button[data-worker='{worker['id']}']").click()
    assert (
        typo_entry.locator("button[data-action=reapply]").inner_text().strip() == "按更正记入档案"
    )
    typo_entry.locator("input[name=note]").fill("编号录错，已核对本人")
    shot(page, "correction", typo_entry)
    typo_entry.locator("button[data-action=reapply]").click()
    page.wait_for_selector("#quarantine-message >> text=已记入档案（按更正）")
    typo_entry.wait_for(state="detached")
    status, timeline = http_json("GET", f"{site}/api/workers/{worker['id']}/events",
                                 token=auth.tokens["county"])
    assert typo_scan["id"] in [e["id"] for e in timeline if e["type"] == "fair.checked_in"], (
        timeline
    )
    assert quarantined(site, auth)[typo_scan["id"]]["status"] == "reapplied"

    # the void the reviewer sent: refused in words beside it, and it stays open
    void_entry.locator("input[name=note]").fill("误扫，作废")
    void_entry.locator("button[data-action=reapply]").click()
    refusal = void_entry.locator(".decide > .message")
    refusal.filter(has_text="另一位审核员").wait_for()
    assert (
        "作废他人的记录须经另一位审核员" in refusal.inner_text()
        and "未经手的审核员" in refusal.inner_text()
    )
    assert quarantined(site, auth)[void["id"]]["status"] == "open"
    shot(page, "refused", refusal)

    # reveal: a stale sign-in is told what to do (the server's 403, answered for this one tap) …
    reveal = registration_entry.locator("form.reveal")
    reveal.locator("input[name=reveal-reason]").fill("核对外县登记")
    stale = {"code": "forbidden",
             "message": "请先用通行密钥重新验证身份，再查看。 Confirm with your passkey first "
                        "(sign in again), then reveal."}
    page.route("**/reveal-id",
               lambda route: route.fulfill(status=403, content_type="application/json",
                                           body=json.dumps(stale)))
    reveal.locator("button[data-action=reveal]").click()
    reveal.locator(".message >> text=请重新用通行密钥登录后再查看").wait_for()
    page.unroute("**/reveal-id")
    # … and after the fresh sign-in, the number in that entry only, audited
    reveal.locator("button[data-action=reveal]").click()
    registration_entry.locator(f".id-number >> text={number}").wait_for()
    assert page.locator(f"text={number}").count() == 1
    shot(page, "revealed", registration_entry)
    db.session.rollback()
    reviewer_row = db.session.get(User, reviewer_id)
    [audited] = db.session.query(AuditEntry).filter_by(action="id.revealed").all()
    assert (audited.actor_id, audited.target) == (reviewer_row.id,
                                                  "quarantine:"
                                                  f"{entries[registration['id']]['id']}")
    assert audited.details["reason"] == "核对外县登记" and number not in str(audited.details)
    db.session.rollback()

    # the status filter: the settled ones are there, with who settled them
    page.select_option("select[name=quarantine-status]", "dismissed")
    page.wait_for_selector("#quarantine[data-status=dismissed] "
                           "li.quarantine[data-status=dismissed] >> text=通渭 审核员")
    assert page.locator("#quarantine li.quarantine").count() == 1


def test_keyed_roster_ticks_are_accepted_together_with_one_note_and_each_answered(
    reviewer, site, auth
):
    page = reviewer
    db.session.rollback()
    employer = auth.employer_id()
    db.session.rollback()
    day0 = dt.datetime.now(TZ) - dt.timedelta(days=80)
    workers = [register(site, auth, 10 + n, name) for n, name in enumerate(("名册甲", "名册乙"))]
    onboard_reviewed(site, auth, [scan_envelope("employer.onboarded", 1 + n, day0,
                                                {"employer_id": employer}, worker_id=w["id"],
                                                data={"start_date": day0.date().isoformat()})
                                  for n, w in enumerate(workers)])
    # a tick a month, keyed in by id
    months = [day0 + dt.timedelta(days=30 * (m + 1)) for m in range(2)]
    ticks = [scan_envelope("employment.confirmed", 10 + 2 * n + m, at, {"employer_id": employer},
                           worker_id=w["id"],
                           data={"month": at.strftime("%Y-%m")}) for n,
             w in enumerate(workers) for m, at in enumerate(months)]
    results = push(site, auth.tokens["employer"], "employer-phone", *ticks)
    assert all(r["status"] == "accepted" and "keyed" in r["flags"] for r in results), results
    # one open item that is not keyed: "全选未扫卡录入" leaves it alone
    other = register(site, auth, 20, "没到站乙")
    status, card = http_json("POST", f"{site}/api/workers/{other['id']}/credentials", {},
                             token=auth.tokens["county"])
    assert status == 201, card
    started = dt.datetime.now(TZ) - dt.timedelta(days=3)
    [unkeyed] = push(site, auth.tokens["workstation"], "ws-laptop-9", scan_envelope(
        "employer.onboarded", 1, started, {"employer_id": employer}, card=card["qr"],
        data={"start_date": started.date().isoformat()}))
    assert unkeyed["flags"] == ["onboarded_without_arrival"], unkeyed

    open_view(page, "reviews")
    page.wait_for_selector("#part-queue[data-count='5']")
    page.wait_for_selector(f"#reviews li.review[data-event='{unkeyed['id']}']")
    page.click("#select-keyed")
    page.wait_for_selector("#bulk[data-selected='4']")
    assert not page.is_checked(f"#reviews li.review[data-event='{unkeyed['id']}'] "
                               "input[name=pick]")
    for tick in ticks:
        assert page.is_checked(f"#reviews li.review[data-event='{tick['id']}'] input[name=pick]")
    page.fill("#bulk input[name=bulk-note]", "单位名册已电话核实")
    assert page.inner_text("#bulk-accept").strip() == "所选 4 项均属实"
    shot(page, "bulk-selected", page.locator("#bulk-accept"))
    # meanwhile another reviewer settles one of them: the bulk says so for that one, by name
    status, body = http_json("POST", f"{site}/api/reviews/{ticks[0]['id']}",
                             {"outcome": "accepted", "note": "已核"},
                             token=auth.tokens["workstation"])
    assert status == 200, body
    page.click("#bulk-accept")
    page.wait_for_selector("#bulk-result[data-succeeded='3'][data-failed='1']")
    result = page.inner_text("#bulk-result")
    assert (
        "已确认 3 项" in result
        and "1 项未成功" in result
        and "名册甲" in result
        and "已处理" in result
    ), result
    page.wait_for_selector("#part-queue[data-count='1']")
    shot(page, "bulk-done", page.locator("#bulk-result"))

    status, decided = http_json("GET", f"{site}/api/reviews?status=decided&per_page=200",
                                token=auth.tokens["county"])
    notes = {item["event_id"]: item["decision"]["note"] for item in decided["items"]}
    assert {tick["id"]: notes.get(tick["id"]) for tick in ticks} == {
        ticks[0]["id"]: "已核", **{tick["id"]: "单位名册已电话核实" for tick in ticks[1:]}}
    status, still = http_json("GET", f"{site}/api/reviews?status=open&per_page=200",
                              token=auth.tokens["county"])
    assert [item["event_id"] for item in still["items"]] == [unkeyed["id"]]
