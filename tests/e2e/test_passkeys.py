"""Enroll, register, sign out, sign in — with Chromium's virtual authenticator — and the ways it
must fail: a reused code, user verification off, a bogus signature, a replayed assertion, a copied
passkey with a lower sign counter."""
import json

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEntry, Device, DeviceUser, Passkey, User
from server.services.audit import verify_chain
from tests.conftest import http_json
from tests.e2e.conftest import AUTHENTICATOR, add_authenticator, enroll, sign_in


@pytest.fixture
def authenticator(page):
    return add_authenticator(page)


def enrollment_code(site, auth, name="王芳"):
    status, body = http_json("POST", f"{site}/api/auth/enrollments",
                             {"name": name, "role": "fair_staff", "county_code": "621121"},
                             token=auth.tokens["county"])
    assert status == 201, body
    return body["code"]


def test_enroll_register_sign_out_sign_in(page, site, auth, authenticator):
    page.goto(site + "/")
    enroll(page, "王芳", enrollment_code(site, auth))
    page.wait_for_selector("text=通行密钥已创建")
    sign_in(page)
    page.wait_for_selector("#signed-in[data-user=王芳]")
    assert "招聘会工作人员" in page.inner_text("#signed-in")

    # The session works for the API, and changes need the CSRF token the sign-in gave.
    me = page.evaluate("fetch('/api/auth/me').then(r => r.json())")
    assert me["role"] == "fair_staff" and me["county_code"] == "621121"
    without = page.evaluate("""fetch('/api/devices', {method: 'POST',
      headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({device_id: 'fair-phone-1'})}).then(r => r.status)""")
    assert without == 403
    with_token = page.evaluate("""token => fetch('/api/devices', {method: 'POST', headers: {
        'Content-Type': 'application/json', 'X-CSRF-Token': token},
          body: JSON.stringify({device_id: 'fair-phone-1'})})
        .then(r => r.status)""", me["csrf_token"])
    assert with_token == 200
    form_post = page.evaluate("""token => fetch('/api/devices', {method: 'POST',
      body: new URLSearchParams({device_id: 'x'}),
        headers: {'X-CSRF-Token': token}}).then(r => r.status)""", me["csrf_token"])
    assert form_post == 415

    page.click("#sign-out")
    page.wait_for_selector("#sign-in")
    assert page.evaluate("fetch('/api/auth/me').then(r => r.status)") == 401
    sign_in(page)
    page.wait_for_selector("#signed-in[data-user=王芳]")
    passkeys = page.evaluate("fetch('/api/auth/passkeys').then(r => r.json())")
    assert [p["name"] for p in passkeys] == ["招聘会1号手机"]
    actions = [a for (a,) in db.session.query(AuditEntry.action).order_by(AuditEntry.id)]
    # The first sign-in registered this browser as a phone with its own key, bound to 王芳; the
    # POST registered another (key-less) device; the second sign-in joined nothing new.
    assert actions == ["enrollment.issued", "enrollment.used", "passkey.registered",
                       "device.registered",
                       "login.succeeded", "device.registered", "login.succeeded"]
    logins = db.session.query(AuditEntry).filter_by(action="login.succeeded").all()
    # where the sign-in came from
    assert {entry.details.get("address") for entry in logins} == {"127.0.0.1"}
    phone = page.evaluate("""new Promise(done => { const open = indexedDB.open('laborpass');
        open.onsuccess = () => {
          const get = open.result.transaction('meta').objectStore('meta').get('device_id');
        get.onsuccess = () => done(get.result); }; })""")
    user_id = db.session.scalar(select(User.id).where(User.name == "王芳"))
    membership = db.session.get(DeviceUser, (phone, user_id))
    assert membership.bound_at is not None and db.session.get(Device, phone).public_key
    assert verify_chain() is None


def test_a_used_code_registers_nothing_more(page, site, auth, authenticator):
    code = enrollment_code(site, auth)
    page.goto(site + "/")
    enroll(page, "王芳", code)
    page.wait_for_selector("text=通行密钥已创建")
    enroll(page, "王芳", code)
    page.wait_for_selector("text=姓名或注册码不正确")
    assert db.session.query(Passkey).count() == 1


def test_user_verification_is_required(page, site, auth, authenticator):
    cdp, authenticator_id = authenticator
    page.goto(site + "/")
    enroll(page, "王芳", enrollment_code(site, auth))
    page.wait_for_selector("text=通行密钥已创建")
    # An authenticator that answers without verifying the user: the server refuses it.
    cdp.send("WebAuthn.setResponseOverrideBits",
             {"authenticatorId": authenticator_id, "isBadUV": True})
    sign_in(page)
    page.wait_for_selector("#sign-in-message:has-text('通行密钥验证失败')")
    assert page.locator("#signed-in").count() == 0
    # One that cannot verify the user at all: the browser stops before asking the server.
    cdp.send("WebAuthn.setResponseOverrideBits",
             {"authenticatorId": authenticator_id, "isBadUV": False})
    cdp.send("WebAuthn.setUserVerified",
             {"authenticatorId": authenticator_id, "isUserVerified": False})
    sign_in(page)
    page.wait_for_timeout(1000)
    assert page.locator("#signed-in").count() == 0
    assert db.session.query(AuditEntry).filter_by(action="login.succeeded").count() == 0


def test_a_bogus_signature_is_refused(page, site, auth, authenticator):
    cdp, authenticator_id = authenticator
    page.goto(site + "/")
    enroll(page, "王芳", enrollment_code(site, auth))
    page.wait_for_selector("text=通行密钥已创建")
    cdp.send("WebAuthn.setResponseOverrideBits",
             {"authenticatorId": authenticator_id, "isBogusSignature": True})
    sign_in(page)
    page.wait_for_selector("#sign-in-message:has-text('通行密钥验证失败')")
    assert db.session.query(AuditEntry).filter_by(action="login.failed").count() == 1


def test_a_replayed_assertion_is_refused(page, site, auth, authenticator):
    captured = {}
    page.on("request", lambda r: captured.update(body=r.post_data)
            if r.url.endswith("/login/verify") else None)
    page.goto(site + "/")
    enroll(page, "王芳", enrollment_code(site, auth))
    page.wait_for_selector("text=通行密钥已创建")
    sign_in(page)
    page.wait_for_selector("#signed-in")
    page.click("#sign-out")
    page.wait_for_selector("#sign-in")
    # a fresh challenge in the session
    page.evaluate("fetch('/api/auth/login/options', {method: 'POST'})")
    status = page.evaluate("""body => fetch('/api/auth/login/verify', {method: 'POST',
        headers: {'Content-Type': 'application/json'}, body}).then(r => r.status)""",
                           captured["body"])
    assert status == 400
    assert page.evaluate("fetch('/api/auth/me').then(r => r.status)") == 401


def test_a_copied_passkey_with_a_lower_counter_locks_it(page, site, auth, authenticator):
    cdp, authenticator_id = authenticator
    page.goto(site + "/")
    enroll(page, "王芳", enrollment_code(site, auth))
    page.wait_for_selector("text=通行密钥已创建")
    for _ in range(2):
        sign_in(page)
        page.wait_for_selector("#signed-in")
        page.click("#sign-out")
        page.wait_for_selector("#sign-in")
    [credential] = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})[
        "credentials"
    ]
    assert credential["signCount"] >= 2
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": authenticator_id})
    copy_id = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})[
        "authenticatorId"
    ]
    cdp.send("WebAuthn.addCredential",
             {"authenticatorId": copy_id, "credential": credential | {"signCount": 0}})
    sign_in(page)
    page.wait_for_selector("#sign-in-message:has-text('通行密钥验证失败')")
    passkey = db.session.query(Passkey).one()
    db.session.refresh(passkey)
    assert passkey.locked_at is not None
    locked = db.session.query(AuditEntry).filter_by(action="passkey.locked").one()
    assert "copied" in json.dumps(locked.details)


def test_an_assertion_for_another_origin_is_refused(page, site, auth, authenticator, app):
    page.goto(site + "/")
    enroll(page, "王芳", enrollment_code(site, auth))
    page.wait_for_selector("text=通行密钥已创建")
    app.config["LABORPASS_ORIGIN"] = "https://laborpass.example.cn"  # the page is not that origin
    sign_in(page)
    page.wait_for_selector("#sign-in-message:has-text('通行密钥验证失败')")
    assert page.locator("#signed-in").count() == 0


REGISTER_WITH_OPTIONS = """async options => {
    const bytes = s => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), c =>
      c.charCodeAt(0));
    const text = buffer => btoa(String.fromCharCode(...new Uint8Array(buffer)))
        .replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
    const publicKey = {...options, challenge: bytes(options.challenge),
        user: {...options.user, id: bytes(options.user.id)},
        excludeCredentials: (options.excludeCredentials || []).map(c => ({...c,
          id: bytes(c.id)}))};
    const credential = await navigator.credentials.create({publicKey});
    const body = {credential: {id: credential.id, rawId: text(credential.rawId),
      type: credential.type,
        clientExtensionResults: {},
          response: {clientDataJSON: text(credential.response.clientDataJSON),
        attestationObject: text(credential.response.attestationObject), transports: []}}};
    const response = await fetch('/api/auth/register/verify', {method: 'POST',
        headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
    return [response.status, await response.json()];
}"""


def test_one_code_registers_one_passkey_even_from_two_phones_at_once(browser, site, auth):
    code = enrollment_code(site, auth)
    phones, options = [], []
    for _ in range(2):
        context = browser.new_context(locale="zh-CN")
        phone = context.new_page()
        cdp = context.new_cdp_session(phone)
        cdp.send("WebAuthn.enable", {"enableUI": False})
        cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
        phone.goto(site + "/")
        phones.append(phone)
        # Both phones start with the same valid code before either finishes. (Whether two
        # *concurrent*
        # verifications could both win is settled by the atomic UPDATE that spends the code.)
        options.append(phone.evaluate("""code => fetch('/api/auth/register/options',
          {method: 'POST',
            headers: {'Content-Type': 'application/json'}, body: JSON.stringify({name: '王芳',
              code})})
            .then(r => r.json())""", code))
    first = phones[0].evaluate(REGISTER_WITH_OPTIONS, options[0])
    second = phones[1].evaluate(REGISTER_WITH_OPTIONS, options[1])
    assert first[0] == 201
    assert second[0] == 400 and second[1]["code"] == "enrollment_used"
    assert db.session.query(Passkey).count() == 1
    for phone in phones:
        phone.context.close()


def test_a_worker_opens_the_invitation_link_and_sees_only_their_own_record(page, site, auth,
                                                                           register,
                                                                           authenticator):
    worker, other = register(21, name="马小兰"), register(22, name="马大山")
    # SQLite: the test's session must not hold the write lock the live server needs
    db.session.rollback()
    status, invitation = http_json("POST", f"{site}/api/auth/worker-invitations",
                                   {"worker_id": worker["id"]}, token=auth.tokens["workstation"])
    assert status == 201 and invitation["link"].startswith(site + "/?")
    page.goto(invitation["link"])
    # who-am-I answered: the page has re-rendered
    page.wait_for_selector("#sign-in:not([disabled])")
    # still there after the first render
    assert page.input_value("#enroll input[name=name]") == invitation["name"]
    assert page.input_value("#enroll input[name=code]") == invitation["code"]
    page.fill("#enroll input[name=device]", "我的手机")
    page.click("#enroll button")
    page.wait_for_selector("text=通行密钥已创建")
    sign_in(page)
    page.wait_for_selector(f"#signed-in[data-user={invitation['name']}]")
    mine = page.evaluate("fetch('/api/workers').then(r => r.json())")
    assert [w["id"] for w in mine["items"]] == [worker["id"]]
    assert page.evaluate(f"fetch('/api/workers/{other['id']}').then(r => r.status)") == 404


def test_what_someone_types_before_the_page_knows_who_they_are_stays(page, site):
    held = []
    # who-am-I answers only after the typing
    page.route("**/api/auth/me", lambda route: held.append(route))
    page.goto(site + "/")
    page.fill("#enroll input[name=name]", "王芳")
    page.fill("#enroll input[name=code]", "ABCDEFGHJK")
    page.wait_for_timeout(50)
    assert held, "the page asks who is signed in when it opens"
    held[0].continue_()
    page.wait_for_selector("#sign-in:not([disabled])")
    assert (page.input_value("#enroll input[name=name]"), page.input_value("#enroll "
                                                                   "input[name=code]")) == (
        "王芳", "ABCDEFGHJK")
