"""娘家人 in Chromium at a phone's size, in Chinese, two phones: a worker asks for help with no
network (an empty choice refused on the phone first), the request syncs and reaches the county's
workstation, which answers it on its own phone; the worker then reads the answer on theirs."""
import datetime as dt
import os

from server.extensions import db
from tests.conftest import http_json, make_id_number
from tests.e2e.conftest import open_view, register_earlier, signed_in, sync
from tests.e2e.test_worker import on_own_phone


def shot(page, name):
    os.makedirs("/tmp/shots", exist_ok=True)
    page.screenshot(path=f"/tmp/shots/help-{name}.png", full_page=True)


def test_a_request_for_help_offline_synced_answered_and_read_on_the_phone(
    page, browser, site, auth
):
    db.session.rollback()
    token = auth.tokens["workstation"]
    worker = register_earlier(site, token, {
        "name": "马求助", "id_number": make_id_number(sequence=907, birth=dt.date(1990, 2, 3)),
        "phone": "13800009007", "home": {"county_code": "621121", "township": "平襄镇"},
        "consent": {"notice_version": "2026-1", "channel": "app", "agreed": True}})
    invitation = http_json("POST", f"{site}/api/auth/worker-invitations",
                           {"worker_id": worker["id"]}, token=token)[1]
    on_own_phone(page, invitation)
    page.wait_for_selector("#my-help")
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    page.context.set_offline(True)
    page.click("#ask-help")
    page.click("#ask-form button[type=submit]")
    assert "请选择需要什么帮助" in page.wait_for_selector("#ask-error").inner_text()
    page.select_option("#ask-form select[name=category]", "unpaid_wages")
    page.fill("#ask-form textarea[name=text]", "十一月工资还没发，老板说下个月")
    page.click("#ask-form button[type=submit]")
    page.wait_for_selector("#help-notice:has-text('联网后送达劳务工作站')")
    page.wait_for_selector("#my-help li[data-status=pending]")
    shot(page, "asked-offline")
    page.context.set_offline(False)
    sync(page)

    # the workstation, on its own phone
    context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740},
                                  is_mobile=True)
    station = context.new_page()
    try:
        signed_in(station, site, auth, "通渭 工作站", role="workstation", county_code="621121")
        open_view(station, "help")
        item = station.wait_for_selector("#help li[data-status=open]")
        assert "马求助" in item.inner_text() and "工资拖欠" in item.inner_text()
        station.click("#help li button.handle-help")
        station.click("#step-form button[type=submit]")
        assert "请写下给务工人员的答复" in station.wait_for_selector("#step-error").inner_text()
        station.select_option("#step-form select[name=action]", "call_logged")
        station.fill("#step-form textarea[name=text]", "已联系企业，周五前补发")
        station.click("#step-form button[type=submit]")
        station.wait_for_selector("#help-message:has-text('已答复 马求助')")
        shot(station, "answered")
        sync(station)
    finally:
        context.close()

    status, requests = http_json("GET", f"{site}/api/workers/{worker['id']}/help",
                                 token=auth.tokens["county"])
    assert status == 200 and [(r["status"], r["steps"][0]["action"]) for r in requests] == [
        ("answered", "call_logged")]
    page.reload()
    answer = page.wait_for_selector("#my-help li[data-status=answered] .answer")
    assert "周五前补发" in answer.inner_text()
    shot(page, "read")
