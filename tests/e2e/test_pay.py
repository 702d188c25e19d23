"""The month's pay on the worker's own phone, in Chromium at a phone's size, in Chinese: the
employer's figure shown, disputed with no network (an empty figure refused on the phone first),
the answer kept on the phone through a reload offline, then synced — and the workstation's
record says what the worker got."""
import datetime as dt
import os
import uuid

from server.extensions import db
from tests.conftest import http_json, make_id_number
from tests.e2e.conftest import onboard_reviewed, register_earlier, sync
from tests.e2e.test_worker import on_own_phone

BEIJING = dt.timezone(dt.timedelta(hours=8))


def shot(page, name):
    os.makedirs("/tmp/shots", exist_ok=True)
    page.screenshot(path=f"/tmp/shots/pay-{name}.png", full_page=True)


def test_a_worker_disputes_the_months_pay_offline_and_the_office_sees_their_figure(
    page, site, auth
):
    employer = auth.employer_id()
    db.session.rollback()
    token = auth.tokens["workstation"]
    worker = register_earlier(site, token, {
        "name": "马工资", "id_number": make_id_number(sequence=905), "phone": "13800009005",
        "home": {"county_code": "621121", "township": "平襄镇"},
        "consent": {"notice_version": "2026-1", "channel": "app", "agreed": True}})
    now = dt.datetime.now(BEIJING)
    start = now.date() - dt.timedelta(days=40)
    onboard_reviewed(site, auth, [{
        "id": str(uuid.uuid4()), "type": "employer.onboarded", "device_seq": 1,
        "occurred_at": dt.datetime.combine(start, dt.time(12), BEIJING).isoformat(),
        "worker_id": worker["id"], "context": {"employer_id": employer},
        "data": {"start_date": start.isoformat()}}], device="hr")
    month = now.strftime("%Y-%m")
    status, body = http_json("POST", f"{site}/api/sync/push", {"device_id": "hr", "events": [{
        "id": str(uuid.uuid4()), "type": "employment.confirmed", "device_seq": 2,
        "occurred_at": (now - dt.timedelta(minutes=5)).isoformat(), "worker_id": worker["id"],
        "context": {"employer_id": employer}, "data": {"month": month, "pay": 2600}}]},
        token=auth.tokens["employer"])
    assert status == 200 and body["results"][0]["status"] == "accepted", body

    invitation = http_json("POST", f"{site}/api/auth/worker-invitations",
                           {"worker_id": worker["id"]}, token=token)[1]
    on_own_phone(page, invitation)
    pay = page.wait_for_selector(f"#my-pay[data-month='{month}']")
    assert "企业填报：2600 元" in pay.inner_text()
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    page.context.set_offline(True)  # in the dormitory, no signal
    page.click("#pay-disagree")
    page.click("#pay-dispute button[type=submit]")
    assert "请填实际到手的月工资" in page.wait_for_selector("#pay-error").inner_text()
    shot(page, "refused")
    page.fill("#pay-dispute input[name=actual]", "2300")
    page.click("#pay-dispute button[type=submit]")
    answer = page.wait_for_selector("#pay-answer")
    assert "您报的实际工资：2300 元" in answer.inner_text() and "联网后计入" in answer.inner_text()
    page.reload()  # answered once: the phone keeps it
    page.wait_for_selector("#pay-answer")
    assert page.locator("#pay-disagree").count() == 0
    shot(page, "answered-offline")

    page.context.set_offline(False)
    sync(page)
    status, record = http_json("GET", f"{site}/api/workers/{worker['id']}", token=token)
    assert status == 200 and record["pay"] == {"month": month, "pay": 2600, "disputed": True,
                                               "claimed": 2300}
