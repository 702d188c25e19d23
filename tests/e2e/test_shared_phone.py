"""One fair phone, two clerks, no network, and a page that tries to use a signed-in admin's
session.

The phone makes its own P-256 key in WebCrypto; each clerk signs in with a passkey (Chromium's
virtual authenticator) on it, which joins them to the phone; each scans offline and signs out;
the second signs in again and the queue goes: every scan is stored as its own scanner's. A page
on another port of the same host, opened by a signed-in admin, changes nothing on the server."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEntry, Device, DeviceUser, Event, QuarantinedEvent, User
from tests.conftest import http_json, make_id_number, person
from tests.e2e.conftest import add_authenticator, enroll, scan, sign_in, sync, todays_fair

QUEUED = """new Promise(done => { const open = indexedDB.open('laborpass');
  open.onsuccess = () => {
    const count = open.result.transaction('outbox').objectStore('outbox').count();
  count.onsuccess = () => done(count.result); }; })"""


def enrollment_code(site, auth, name, **scope) -> str:
    status, body = http_json("POST", f"{site}/api/auth/enrollments", {"name": name, **scope},
                             token=auth.tokens["admin"])
    assert status == 201, body
    return body["code"]


def card_for(site, auth, n: int, name: str) -> tuple[str, str]:
    status, worker = http_json("POST", f"{site}/api/workers", {
        "name": name, "id_number": make_id_number(sequence=n), "phone": f"1390000{n:04d}",
        "home": {"county_code": "621121", "township": "平襄镇"},
        "consent": {"notice_version": "2026-1", "channel": "paper", "agreed": True}},
                               token=auth.tokens["county"])
    assert status == 201, worker
    return worker["id"], http_json(
        "POST", f"{site}/api/workers/{worker['id']}/credentials", token=auth.tokens["county"]
    )[1]["qr"]


def sign_in_as(page, site, auth, name):
    """A clerk enrolls on this phone (a passkey in an authenticator of their own) and signs in."""
    cdp, authenticator = add_authenticator(page)
    page.goto(site + "/")
    enroll(page, name, enrollment_code(site, auth, name, role="fair_staff", county_code="621121"))
    page.wait_for_selector("text=通行密钥已创建")
    sign_in(page)
    page.wait_for_selector(f"#signed-in[data-user='{name}']")
    return cdp, authenticator


def check_in_offline(page, fair_id, card, name):
    page.wait_for_selector(f"select[name=pick] option[value='{fair_id}']", state="attached")
    page.select_option("select[name=pick]", fair_id)
    page.context.set_offline(True)
    assert name in scan(page, card)


def sign_out(page):
    page.click("#sign-out")
    page.wait_for_selector("#sign-in")


def test_two_clerks_scan_offline_on_one_phone_and_each_scan_stays_theirs(page, site, auth):
    db.session.rollback()
    fair = todays_fair(site, auth.tokens["county"])
    first, first_card = card_for(site, auth, 601, "王大山")
    second, second_card = card_for(site, auth, 602, "李小河")

    cdp, one = sign_in_as(page, site, auth, "平襄 招聘员甲")
    check_in_offline(page, fair["id"], first_card, "王大山")
    sign_out(page)  # still offline: the scan waits on the phone, under the first clerk's name
    assert page.evaluate(QUEUED) == 1
    assert "还有 1 条扫码待上传" in page.inner_text("#queued-signed-out")
    page.screenshot(path="/tmp/shared-phone-signed-out.png")

    page.context.set_offline(False)
    # the first clerk's passkey leaves with her
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": one})
    sign_in_as(page, site, auth, "平襄 招聘员乙")
    sync(page)  # the first clerk's scan goes with the second clerk signed in
    check_in_offline(page, fair["id"], second_card, "李小河")
    sign_out(page)
    page.context.set_offline(False)
    sign_in(page)  # the second clerk again
    page.wait_for_selector("#signed-in[data-user='平襄 招聘员乙']")
    sync(page)
    page.screenshot(path="/tmp/shared-phone-synced.png")

    db.session.rollback()
    clerks = {u.name: u.id
              for u in db.session.scalars(select(User).where(User.name.like("平襄 招聘员%")))}
    stored = {e.worker_id: (e.actor_id, e.pushed_by) for e in db.session.scalars(
        select(Event).where(Event.type == "fair.checked_in"))}
    assert stored == {first: (clerks["平襄 招聘员甲"], clerks["平襄 招聘员乙"]),
                      second: (clerks["平襄 招聘员乙"], clerks["平襄 招聘员乙"])}
    [device] = db.session.scalars(select(Device)).all()
    assert device.public_key and {(m.user_id, m.bound_at is not None) for m in db.session.scalars(
        select(DeviceUser))} == {(clerks["平襄 招聘员甲"], True), (clerks["平襄 招聘员乙"], True)}
    assert db.session.query(QuarantinedEvent).count() == 0
    db.session.rollback()


ATTACK_PAGE = """<!doctype html><meta charset="utf-8"><title>抽奖</title>
<img src="{site}/api/sync/pull?device_id=attacker-phone">
<img src="{site}/api/devices?device_id=attacker-phone">
<script>
const events = [{{id: "6f3b1c1e-8f7e-4a53-9d2a-0c4b1a2e9f01", type: "worker.registered",
  device_seq: 1,
  occurred_at: new Date().toISOString(), scanned_by: 1, context: {{}}, data: {{}}}}];
const body = JSON.stringify({{device_id: "attacker-phone", events}});
Promise.allSettled([
  fetch("{site}/api/sync/push", {{method: "POST", mode: "no-cors", credentials: "include", body}}),
  fetch("{site}/api/sync/push", {{method: "POST", credentials: "include", body,
    headers: {{"Content-Type": "application/json"}}}}),
  fetch("{site}/api/devices", {{method: "POST", mode: "no-cors", credentials: "include",
    body: JSON.stringify({{device_id: "attacker-phone"}})}}),
  fetch("{site}/api/sync/pull?device_id=attacker-phone", {{credentials: "include",
    mode: "no-cors"}}),
]).then(() => {{ document.title = "done"; }});
</script>"""


@pytest.fixture
def attack_site(site):
    """A page on another port of the same host (same site for the browser: cookies go with it)."""
    page_text = ATTACK_PAGE.format(site=site).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page_text)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://localhost:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_a_page_of_another_port_opened_by_a_signed_in_admin_changes_nothing(page, site, auth,
                                                                            attack_site):
    db.session.rollback()
    add_authenticator(page)
    page.goto(site + "/")
    status, body = http_json("POST", f"{site}/api/auth/enrollments",
                             {"name": "市人社局 管理员", "role": "admin"},
                             token=auth.tokens["admin"])
    enroll(page, "市人社局 管理员", body["code"])
    page.wait_for_selector("text=通行密钥已创建")
    sign_in(page)
    page.wait_for_selector("#signed-in")
    db.session.rollback()
    audit_before = db.session.query(AuditEntry).count()
    # let go of the database: the page's requests must reach the app, not wait for a lock
    db.session.rollback()

    served = []
    page.on("response", lambda response: served.append((response.url, response.status))
            if "/api/" in response.url else None)
    page.goto(attack_site)
    page.wait_for_function("document.title === 'done'")
    # Every request was answered by the app itself (no lock timeout, no 5xx): the pull answered and
    # wrote nothing, the cross-site changes were refused.
    assert served and all(status < 500 for _, status in served), served
    # the admin's cookie went with it
    assert (f"{site}/api/sync/pull?device_id=attacker-phone", 200) in served
    db.session.rollback()
    assert db.session.get(Device, "attacker-phone") is None
    assert db.session.query(DeviceUser).filter_by(device_id="attacker-phone").count() == 0
    assert db.session.query(AuditEntry).count() == audit_before
    # The attacker pushes from the phone id the admin's browser was made to name: nobody joined it,
    # so it becomes the attacker's own phone, and a scan naming the admin is quarantined, not
    # stored as hers.
    admin = db.session.scalar(select(User.id).where(User.name == "市人社局 管理员"))
    db.session.rollback()
    status, answer = http_json("POST", f"{site}/api/sync/push",
                               {"device_id": "attacker-phone", "events": [{
        "id": "6f3b1c1e-8f7e-4a53-9d2a-0c4b1a2e9f02", "type": "worker.registered", "device_seq": 1,
        "occurred_at": "2026-12-01T09:00:00+08:00", "scanned_by": admin, "context": {},
        "data": person(700)}]},
        token=auth.tokens["employer"])
    assert status == 200 and answer["results"][0]["reason"] == "unknown_scanner", answer
    assert db.session.query(Event).filter(Event.actor_id == admin).count() == 0
    db.session.rollback()
