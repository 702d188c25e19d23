"""Debian's Chromium driven by Playwright (no downloaded browser), against the live server."""
from __future__ import annotations

import datetime as dt
import os
import uuid

import pytest

from server.domain.base45 import b45decode, b45encode
from tests.conftest import REGISTERED_AT, http_json

CHROMIUM = os.environ.get("LABORPASS_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling Google's hosts.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def playwright():
    """One Playwright for the session (a second one cannot run beside it)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: scripts/test installs it (apt-get install "
                    "chromium)")
    with playwright_api.sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740},
                                  is_mobile=True)
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


AUTHENTICATOR = {"protocol": "ctap2", "ctap2Version": "ctap2_1", "transport": "internal",
                 "hasResidentKey": True,
                 "hasUserVerification": True, "isUserVerified": True,
                 "automaticPresenceSimulation": True}


def add_authenticator(page) -> tuple:
    """Chromium's virtual authenticator (resident keys, user verification) on ``page``: (CDP
    session, its id)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    return cdp, cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})[
        "authenticatorId"
    ]


@pytest.fixture
def site(app, live_server):
    """The live server as http://localhost:PORT, the origin the relying party is configured for."""
    origin = live_server.replace("127.0.0.1", "localhost")
    app.config.update(LABORPASS_ORIGIN=origin, LABORPASS_RP_ID="localhost")
    return origin


def enroll(page, name, code):
    page.fill("#enroll input[name=name]", name)
    page.fill("#enroll input[name=code]", code)
    page.fill("#enroll input[name=device]", "招聘会1号手机")
    page.click("#enroll button")


def sign_in(page):
    page.click("#sign-in")


def signed_in(page, site, auth, name, **enrollment):
    """``page`` with a passkey made from an enrollment code the admin issued, signed in."""
    status, body = http_json("POST", f"{site}/api/auth/enrollments", {"name": name, **enrollment},
                             token=auth.tokens["admin"])
    assert status == 201, body
    add_authenticator(page)
    page.goto(site + "/")
    enroll(page, name, body["code"])
    page.wait_for_selector("text=通行密钥已创建")
    sign_in(page)
    page.wait_for_selector("#signed-in")
    return page


def scan(page, code, colour="green") -> str:
    """Type a code as a keyboard-wedge scanner does; answer the verdict's text once it shows
    ``colour``."""
    page.fill("#scan input[name=code]", code)
    page.press("#scan input[name=code]", "Enter")
    verdict = page.wait_for_selector(f".verdict[data-verdict={colour}]")
    text = verdict.inner_text()
    dismiss(page)
    return text


def dismiss(page):
    """Tap the verdict away if it is still there (it leaves by itself after 2.5 s: on a busy
    machine it may be gone before a click that first waits for it)."""
    page.evaluate("document.querySelector('.verdict')?.click()")


def sync(page):
    """Tap "sync now" and wait for a round that began after the tap to end with nothing queued: the
    phone then holds what the server had at the tap (a round already under way when the test
    changed something may have pulled before the change; the badge's time is when its last round
    began)."""
    tapped = page.evaluate("new Date().toISOString()")
    page.click("#sync-badge button")
    page.wait_for_function("""(tapped) => {
      const badge = document.querySelector('#sync-badge');
      return badge && badge.dataset.syncedAt >= tapped && badge.dataset.queued === '0';
    }""", arg=tapped)


def todays_fair(site, token, township="平襄镇", **fields) -> dict:
    """A fair in Tongwei today, planned over the API by ``token``'s user."""
    status, fair = http_json("POST", f"{site}/api/fairs", {
        "name": f"{township}招聘会", "county_code": "621121", "township": township,
        "venue": f"{township}政府",
        "date": dt.date.today().isoformat(), "starts_at": "09:00", "ends_at": "16:00",
        "organiser": "通渭县人社局", **fields}, token=token)
    assert status == 201, fair
    return fair


def batch_arriving_today(site, token, name, train_number="D2702", **fields) -> dict:
    """A batch from Tongwei that left 20 hours ago, due at 福州站 two hours from then, made over
    the API."""
    departs = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))) - dt.timedelta(hours=20)
    status, batch = http_json("POST", f"{site}/api/batches", {
        "name": name, "departure_station": "定西北站", "departs_at": departs.isoformat(),
        "train_number": train_number, "destination_station": "福州站",
        "expected_arrival_at": (departs + dt.timedelta(hours=22)).isoformat(), **fields},
                              token=token)
    assert status == 201, batch
    return batch


def forged(card: str) -> str:
    """The card with one bit of its signature flipped: still a card, no longer genuine."""
    envelope = bytearray(b45decode(card[4:]))
    envelope[-1] ^= 0x01
    return "LP1:" + b45encode(bytes(envelope))


def onboard_reviewed(
    site, auth, onboardings: list[dict], *, employer="employer", device=None
) -> None:
    """Employer onboardings keyed in by worker id, as a set-up needs them to count: the push keeps
    each for a reviewer (``keyed_onboarding``) and the county's workstation accepts it, so the
    event is stored as the employer sent it, reviewed."""
    status, body = http_json("POST", f"{site}/api/sync/push",
                             {"device_id": device or f"{employer}-phone",
                                                               "events": onboardings},
                             token=auth.tokens[employer])
    assert status == 200 and {r["reason"] for r in body["results"]} == {"keyed_onboarding"}, body
    ids = {e["id"] for e in onboardings}
    status, page = http_json("GET",
                             f"{site}/api/sync/quarantine?reason=keyed_onboarding&per_page=200",
                             token=auth.tokens["workstation"])
    entries = [entry["id"] for entry in page["items"] if entry["event_id"] in ids]
    assert len(entries) == len(ids), page
    for entry in entries:
        status, reviewed = http_json("POST", f"{site}/api/sync/quarantine/{entry}/reapply",
                                     {"note": "单位核实在岗"}, token=auth.tokens["workstation"])
        assert status == 200, reviewed


def register_earlier(site, token, person: dict, device: str = "county-desk") -> dict:
    """``person`` registered early in the year, by a phone that synced it only now: the scans a
    test replays from the last months come after the registration, as they must. (Not by moving
    the server's clock: a browser signed in meanwhile would find its session cookie from the
    future.)"""
    status, body = http_json("POST", f"{site}/api/sync/push", {"device_id": device, "events": [{
        "id": str(uuid.uuid4()), "type": "worker.registered", "device_seq": _next_seq(device),
        "occurred_at": REGISTERED_AT.isoformat(), "worker_id": str(uuid.uuid4()), "context": {},
        "data": person}]},
        token=token)
    assert status == 200 and body["results"][0]["status"] == "accepted", body
    return {"id": body["results"][0]["worker_id"], "name": person["name"]}


_SEQS: dict[str, int] = {}


def _next_seq(device: str) -> int:
    _SEQS[device] = _SEQS.get(device, 0) + 1
    return _SEQS[device]


def open_view(page, view):
    """Tap the screen's tab in the bottom bar, or under "更多" (more) when it is there."""
    if not page.is_visible(f"nav.tabs a[data-view={view}]"):
        page.click("#more-button")
    page.click(f"nav.tabs a[data-view={view}]")
