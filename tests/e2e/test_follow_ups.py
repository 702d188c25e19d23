"""回访 in Chromium at a phone's size, in Chinese: the county officer's list of people who signed
an intention at today's fair, a call written down with no network (a "no" without its reason
refused on the phone first), the list kept offline without the one just called, then synced — and
what the calls found on the reports."""
import datetime as dt
import os
import uuid

from server.extensions import db
from tests.conftest import http_json, make_id_number
from tests.e2e.conftest import open_view, register_earlier, signed_in, sync, todays_fair

SHOTS = "/tmp/shots"
BEIJING = dt.timezone(dt.timedelta(hours=8))


def shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/follow-ups-{name}.png", full_page=True)


def signed_at(site, auth, fair, employer, names):
    people = [register_earlier(site, auth.tokens["county"], {
        "name": name, "id_number": make_id_number(sequence=700 + n, birth=dt.date(1988, 3, 1)),
        "phone": f"1390000{700 + n:04d}", "home": {"county_code": "621121", "township": "平襄镇"},
        "consent": {"notice_version": "2026-1", "channel": "paper", "agreed": True}})
        for n, name in enumerate(names)]
    moment = (dt.datetime.now(BEIJING) - dt.timedelta(minutes=30)).isoformat()
    status, body = http_json("POST", f"{site}/api/sync/push", {
        "device_id": "fair-desk", "events": [
        {"id": str(uuid.uuid4()), "type": "fair.intent_signed", "device_seq": n + 1,
         "occurred_at": moment, "worker_id": person["id"],
         "context": {"fair_id": fair["id"], "employer_id": employer}, "data": {}}
        for n, person in enumerate(people)]}, token=auth.tokens["county"])
    assert status == 200 and {r["status"] for r in body["results"]} == {"accepted"}, body
    return people


def test_a_county_officer_calls_offline_and_the_answers_reach_the_reports(page, site, auth):
    employer = auth.employer_id()
    db.session.rollback()  # the test's read would hold SQLite's write lock against the server
    fair = todays_fair(site, auth.tokens["county"], employer_ids=[employer])
    quits, comes = signed_at(site, auth, fair, employer, ["回访甲", "回访乙"])
    signed_in(page, site, auth, "通渭 科员", role="county", county_code="621121")
    open_view(page, "follow-ups")
    page.wait_for_selector(f"#follow-ups li[data-worker='{quits['id']}'][data-call=first]")
    assert page.locator("#follow-ups li").count() == 2
    assert "首次回访" in page.inner_text(f"#follow-ups li[data-worker='{quits['id']}']")
    shot(page, "list")

    page.context.set_offline(True)
    page.click(f"#follow-ups li[data-worker='{quits['id']}'] button.record-call")
    page.check("#call-form input[name=reached][value=true]")
    page.check("#call-form input[name=coming][value=no]")
    page.click("#call-form button[type=submit]")
    assert "请选原因" in page.wait_for_selector("#call-error").inner_text()
    shot(page, "no-reason")
    page.select_option("#call-form select[name=reason]", "farming_season")
    page.fill("#call-form input[name=note]", "家里种洋芋，四月后再说")
    page.click("#call-form button[type=submit]")
    page.wait_for_selector("#follow-ups-message:has-text('已记录 回访甲：不来了')")
    assert page.locator(f"#follow-ups li[data-worker='{quits['id']}']").count() == 0

    # the list is kept on the phone: opened again offline, without the one just called
    page.reload()
    page.wait_for_selector("#follow-ups-offline")
    page.wait_for_selector(f"#follow-ups li[data-worker='{comes['id']}']")
    assert page.locator(f"#follow-ups li[data-worker='{quits['id']}']").count() == 0
    page.click(f"#follow-ups li[data-worker='{comes['id']}'] button.record-call")
    page.check("#call-form input[name=reached][value=true]")
    page.check("#call-form input[name=coming][value=yes]")
    page.click("#call-form button[type=submit]")
    page.wait_for_selector("#follow-ups-message:has-text('会来')")
    page.wait_for_selector("#follow-ups-none")
    shot(page, "offline-done")

    page.context.set_offline(False)
    sync(page)
    status, report = http_json("GET", f"{site}/api/reports/follow-ups?by=fair",
                               token=auth.tokens["county"])
    assert status == 200
    [group] = report["groups"]
    assert (group["intent"], group["reached"], group["coming"], group["not_coming"],
            group["reasons"]["farming_season"]) == (2, 2, 1, 1, 1)
    status, events = http_json("GET", f"{site}/api/workers/{quits['id']}/events",
                               token=auth.tokens["county"])
    assert events[0]["type"] == "intention.followed_up"
    assert events[0]["data"]["note"] == "家里种洋芋，四月后再说"
    status, listed = http_json("GET", f"{site}/api/follow-ups", token=auth.tokens["county"])
    assert listed["items"] == []

    open_view(page, "reports")
    cell = page.wait_for_selector("#follow-up-table tr.total td[data-reason=farming_season]")
    assert cell.inner_text() == "1"
    assert page.inner_text("#funnel-table tr.total td[data-stage=followed_up]") == "2"
    shot(page, "report")
