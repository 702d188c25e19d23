"""A worker's own phone: the invitation link, a passkey, then "my card" — kept on the phone, so it
shows with no network — the record's status and timeline, the months at work so far and the
workstation's number."""
import datetime as dt
import uuid

from server.extensions import db
from tests.conftest import http_json, make_id_number
from tests.e2e.conftest import add_authenticator, onboard_reviewed, register_earlier, sign_in


def on_own_phone(page, invitation):
    """The worker opens the invitation link, makes a passkey and signs in."""
    add_authenticator(page)
    page.goto(invitation["link"])
    page.wait_for_selector("#sign-in:not([disabled])")
    page.click("#enroll button")
    page.wait_for_selector("text=通行密钥已创建")
    sign_in(page)


def test_my_card_shows_offline_after_the_first_visit(page, site, auth):
    token = auth.tokens["workstation"]
    db.session.rollback()
    status, worker = http_json("POST", f"{site}/api/workers", {
        "name": "马小兰", "id_number": make_id_number(sequence=901), "phone": "13800009001",
        "home": {"county_code": "621121", "township": "平襄镇"},
        "consent": {"notice_version": "2026-1", "channel": "app", "agreed": True}}, token=token)
    assert status == 201, worker
    assert (
        http_json("POST", f"{site}/api/workers/{worker['id']}/credentials", token=token)[0] == 201
    )
    status, invitation = http_json("POST", f"{site}/api/auth/worker-invitations",
                                   {"worker_id": worker["id"]}, token=token)
    assert status == 201, invitation
    on_own_phone(page, invitation)
    page.wait_for_selector("#my-card img.card")
    assert page.get_attribute("#my-card", "data-status") == "registered"
    assert "发卡" in page.inner_text("#my-card .timeline")
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    page.context.set_offline(True)  # in the factory, no signal
    page.reload()
    page.wait_for_selector("#my-card img.card")
    page.click("#my-card img.card")
    assert "full" in page.get_attribute("#my-card img.card", "class")


def test_the_office_finds_a_worker_issues_a_card_and_reveals_the_id_with_a_reason(
    page, site, auth
):
    from server.models import AuditEntry, Credential

    db.session.rollback()
    number = make_id_number(sequence=902)
    status, worker = http_json("POST", f"{site}/api/workers", {
        "name": "查找我", "id_number": number, "phone": "13800009002",
        "home": {"county_code": "621121", "township": "平襄镇"},
        "consent": {"notice_version": "2026-1", "channel": "paper", "agreed": True}},
                               token=auth.tokens["county"])
    assert status == 201, worker
    status, body = http_json("POST", f"{site}/api/auth/enrollments",
                             {"name": "通渭 科员", "role": "county", "county_code": "621121"},
                             token=auth.tokens["admin"])
    add_authenticator(page)
    page.goto(site + "/")
    page.fill("#enroll input[name=name]", "通渭 科员")
    page.fill("#enroll input[name=code]", body["code"])
    page.click("#enroll button")
    page.wait_for_selector("text=通行密钥已创建")
    sign_in(page)
    page.fill("#records input[name=q]", "查找")
    page.click("#records form button[type=submit]")
    page.click(f"#records [data-worker='{worker['id']}']")
    page.wait_for_selector(f"#record[data-worker='{worker['id']}']")
    assert "*" in page.inner_text("#id-number") and number not in page.inner_text("#record")
    page.click("#issue-card")
    page.wait_for_selector("#record img.card")
    # The card as issued, printed alone: no new card, nothing revoked.
    page.evaluate("window.print = () => { window.printed = true; }")
    page.click("#print-card")
    page.wait_for_function("window.printed === true")
    page.emulate_media(media="print")
    assert (
        page.is_visible("#record img.card")
        and not page.is_visible("#record h3")
        and not page.is_visible("nav.tabs")
    )
    page.screenshot(path="/tmp/record-print-card.png")
    page.emulate_media(media="screen")
    db.session.rollback()
    assert db.session.query(Credential).filter_by(worker_id=worker["id"]).count() == 1
    db.session.rollback()  # no read left open on the file the server writes
    # Re-issuing revokes the card in the worker's pocket: it asks first, and a cancel does nothing.
    page.click("#reissue-card")
    assert "旧卡立即作废" in page.inner_text("#confirm-reissue")
    page.click("#confirm-reissue button.secondary")
    page.wait_for_selector("#confirm-reissue", state="detached")
    db.session.rollback()
    assert db.session.query(Credential).filter_by(worker_id=worker["id"]).count() == 1
    db.session.rollback()  # no read left open on the file the server writes
    page.fill("#record input[name=reason]", "核对社保补贴申报")
    page.click("#reveal")
    page.wait_for_selector(f"#id-number >> text={number}")
    db.session.rollback()
    actions = [a for (a,) in db.session.query(AuditEntry.action).order_by(AuditEntry.id)]
    assert "record.viewed" in actions and actions[-1] == "id.revealed"
    db.session.rollback()


def test_a_worker_at_work_sees_the_months_so_far_and_the_workstations_number(page, site, auth):
    employer = auth.employer_id()
    db.session.rollback()
    token = auth.tokens["workstation"]
    worker = register_earlier(site, token, {
        "name": "马在岗", "id_number": make_id_number(sequence=903), "phone": "13800009003",
        "home": {"county_code": "621121", "township": "平襄镇"},
        "consent": {"notice_version": "2026-1", "channel": "app", "agreed": True}})
    # Beijing's calendar
    start = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date() - dt.timedelta(days=100)
    started = dt.datetime.combine(start, dt.time(12), dt.timezone(dt.timedelta(hours=8)))
    onboard_reviewed(site, auth, [{
        "id": str(uuid.uuid4()), "type": "employer.onboarded", "device_seq": 1,
        "occurred_at": started.isoformat(),
        "worker_id": worker["id"], "context": {"employer_id": employer},
        "data": {"start_date": start.isoformat()}}], device="hr")
    invitation = http_json(
        "POST", f"{site}/api/auth/worker-invitations", {"worker_id": worker["id"]}, token=token
    )[1]
    on_own_phone(page, invitation)
    page.wait_for_selector("#progress[data-days='100']")
    reached = page.eval_on_selector_all("#progress li",
                                        "items => items.map(i => i.dataset.reached)")
    assert reached == ["true", "true", "false"]  # 1 and 3 months reached, 6 months in 80 days
    assert "还差 80 天" in page.inner_text("#progress")
    assert page.get_attribute("#hotline", "href").startswith("tel:")
    assert "code=" not in page.url  # the one-time code left the address bar
    assert page.inner_text("#signed-in b") == "马在岗"  # the person, not the account's handle
    # 100 days on the employer's word alone: no subsidy yet, and the phone says what a month needs
    page.wait_for_selector("#my-subsidies[data-items='0']")
    assert "暂未达到补贴条件" in page.inner_text("#my-subsidies")
    assert "本人扫一次工作地点码" in page.inner_text("#progress")
    page.screenshot(path="/tmp/worker-at-work.png", full_page=True)
    # in the dormitory, no signal, the app reopened: the months, the subsidies and the number stay
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("#progress[data-days='100']")
    assert "暂未达到补贴条件" in page.inner_text("#my-subsidies")
    assert page.get_attribute("#hotline", "href").startswith("tel:")
