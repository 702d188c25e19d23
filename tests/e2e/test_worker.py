"""A worker's own phone: the invitation link, a passkey, then "my card" — kept on the phone, so it
shows with no network — and the record's status and timeline."""
import pytest

from server.extensions import db
from tests.conftest import http_json, make_id_number
from tests.e2e.test_passkeys import AUTHENTICATOR, sign_in


@pytest.fixture
def site(app, live_server):
    origin = live_server.replace("127.0.0.1", "localhost")
    app.config.update(LABORPASS_ORIGIN=origin, LABORPASS_RP_ID="localhost")
    return origin


def test_my_card_shows_offline_after_the_first_visit(page, site, auth):
    token = auth.tokens["workstation"]
    db.session.rollback()
    status, worker = http_json("POST", f"{site}/api/workers", {
        "name": "马小兰", "id_number": make_id_number(sequence=901), "phone": "13800009001",
        "home": {"county_code": "621121", "township": "平襄镇"},
        "consent": {"notice_version": "2026-1", "channel": "app", "agreed": True}}, token=token)
    assert status == 201, worker
    assert http_json("POST", f"{site}/api/workers/{worker['id']}/credentials", token=token)[0] == 201
    status, invitation = http_json("POST", f"{site}/api/auth/worker-invitations", {"worker_id": worker["id"]},
                                   token=token)
    assert status == 201, invitation
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})

    page.goto(invitation["link"])
    page.wait_for_selector("#sign-in:not([disabled])")
    page.click("#enroll button")
    page.wait_for_selector("text=通行密钥已创建")
    sign_in(page)
    page.wait_for_selector("#my-card img.card")
    assert page.get_attribute("#my-card", "data-status") == "registered"
    assert "发卡" in page.inner_text("#my-card .timeline")
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    page.context.set_offline(True)  # in the factory, no signal
    page.reload()
    page.wait_for_selector("#my-card img.card")
    page.click("#my-card img.card")
    assert "full" in page.get_attribute("#my-card img.card", "class")
