"""The office's 账号 screen in Chromium at a phone's size: an admin opens a greeter's account, the
code read off the screen lets a second phone enroll and sign in as the greeter, and the admin
revokes that account with two taps."""
import os

import pytest

from server.extensions import db
from server.models import User
from tests.conftest import make_id_number
from tests.e2e.conftest import add_authenticator, open_view, register_earlier, signed_in

SHOTS = "/tmp/shots"
GREETER = "福州站 李强"


@pytest.fixture
def admin_page(page, site, auth):
    os.makedirs(SHOTS, exist_ok=True)
    return signed_in(page, site, auth, "市人社局 管理员", role="admin")


def shot(page, name, at=None):
    """What the phone's screen shows (the bottom bar where it stays), scrolled to ``at``."""
    if at:
        page.locator(at).evaluate("element => element.scrollIntoView({block: 'center'})")
    page.screenshot(path=f"{SHOTS}/accounts-{name}.png")


def test_an_admin_opens_a_greeters_account_whose_code_signs_in_on_another_phone_then_revokes_it(
        admin_page, browser, site):
    page = admin_page
    open_view(page, "users")
    page.wait_for_selector("li.account[data-user=greeter][data-active=true]")
    shot(page, "list")

    page.click("#new-account")
    page.fill("#create-account input[name=name]", "tongwei")  # a county officer's name already
    page.select_option("#create-account select[name=role]", "greeter")
    page.fill("#create-account input[name=station]", "福州站")
    page.click("#create-account button[type=submit]")
    # the server's refusal, in words
    page.wait_for_selector("#create-account-message >> text=已存在")
    shot(page, "refused", at="#create-account button[type=submit]")
    page.fill("#create-account input[name=name]", GREETER)
    shot(page, "create", at="#create-account button[type=submit]")
    page.click("#create-account button[type=submit]")
    page.wait_for_selector("#code-sheet")
    code = page.inner_text("#enrollment-code").strip()
    link = page.get_attribute("#invitation-link", "href")
    assert (
        len(code) == 10 and link.startswith(f"{site}/?enroll=") and link.endswith(f"&code={code}")
    )
    assert "前有效" in page.inner_text("#code-expires")
    assert page.evaluate("document.querySelector('#code-sheet img.qr').naturalWidth") > 0
    shot(page, "code")
    shot(page, "code-link", at="#code-done")

    # A second phone: the link fills the name and the code; the greeter makes a passkey and signs
    # in.
    phone = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740},
                                is_mobile=True)
    try:
        greeter = phone.new_page()
        add_authenticator(greeter)
        greeter.goto(link)
        assert greeter.input_value("#enroll input[name=name]") == GREETER
        assert greeter.input_value("#enroll input[name=code]") == code
        greeter.fill("#enroll input[name=device]", "福州站1号手机")
        greeter.click("#enroll button")
        greeter.wait_for_selector("text=通行密钥已创建")
        greeter.click("#sign-in")
        greeter.wait_for_selector(f"#signed-in[data-user='{GREETER}']")
        assert "车站接站" in greeter.inner_text("#signed-in")
        shot(greeter, "greeter-signed-in")

        page.click("#code-done")
        row = f"li.account[data-user='{GREETER}']"
        page.wait_for_selector(f"{row}[data-active=true] >> text=通行密钥 1 个")
        page.click(f"{row} button.revoke")
        confirm = page.inner_text(f"{row} .confirm-revoke")
        assert GREETER in confirm and "退出登录" in confirm
        shot(page, "confirm-revoke")  # the screen scrolled the question into view itself
        page.click(f"{row} button.confirm")
        page.wait_for_selector(f"{row}[data-active=false] >> text=已撤销")
        assert not page.is_visible(f"{row} button.revoke")
        shot(page, "revoked", at=row)

        assert greeter.request.get(f"{site}/api/auth/me").status == 401  # that phone is signed out
    finally:
        phone.close()
    assert db.session.query(User).filter_by(name=GREETER).one().active is False
    db.session.rollback()


def test_a_county_officer_manages_its_own_countys_staff_and_invites_a_worker(page, site, auth):
    os.makedirs(SHOTS, exist_ok=True)
    worker = register_earlier(site, auth.tokens["county"], {
        "name": "张秀英", "id_number": make_id_number(sequence=401), "phone": "13900000401",
        "home": {"county_code": "621121", "township": "平襄镇"},
        "consent": {"notice_version": "2026-1", "channel": "paper", "agreed": True}})
    signed_in(page, site, auth, "通渭 科员", role="county", county_code="621121")
    open_view(page, "users")
    page.wait_for_selector("li.account[data-user=tongwei-ws]")
    listed = set(page.eval_on_selector_all("li.account", "rows => rows.map(r => r.dataset.user)"))
    # not Longxi's, not the station's
    assert listed == {"通渭 科员", "tongwei", "tongwei-ws", "tongwei-fair"}
    assert not page.is_visible("li.account button.revoke")  # revoking is the admin's
    page.click("#new-account")
    roles = page.eval_on_selector_all("#create-account select[name=role] option",
                                      "os => os.map(o => o.value)")
    assert roles == ["fair_staff", "workstation", "county"]
    shot(page, "county-create", at="#create-account")
    page.click("#create-account button.secondary")

    page.click("#invite-worker summary")
    page.fill("#invite-worker input[name=q]", "张秀英")
    page.click("#invite-worker button[type=submit]")
    page.click(f"#invite-worker li[data-worker='{worker['id']}'] button")
    page.wait_for_selector("#code-sheet")
    assert "务工人员" in page.inner_text("#code-sheet") and "张秀英" in page.inner_text(
        "#code-sheet"
    )
    assert "code=" in page.get_attribute("#invitation-link", "href")
    shot(page, "worker-invitation")
    page.click("#code-done")
    page.click("#invite-worker summary")
    page.fill("#invite-worker input[name=q]", "张秀英")
    page.click("#invite-worker button[type=submit]")
    page.click(f"#invite-worker li[data-worker='{worker['id']}'] button")
    page.wait_for_selector("#code-sheet")  # invited again while no passkey was made: a new code


def test_a_workstation_is_told_who_manages_accounts_and_may_still_invite(page, site, auth):
    signed_in(page, site, auth, "通渭 工作站 小王", role="workstation", county_code="621121")
    open_view(page, "users")
    page.wait_for_selector("#users-not-managed")
    assert page.is_visible("#invite-worker") and not page.is_visible("#accounts")
    assert not page.is_visible("#new-account")
