"""The employer's HR officer's own screens, in Chromium at a phone's size: a workplace added, its
code of the day full screen (the QR on screen decoded, and the same on the A5 sheet it prints),
a worker's own phone confirming with that code, and 我的员工 — its own workers now, who has not
confirmed this month — with nothing of another employer's."""
import datetime as dt
import io
import uuid

import pypdfium2
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from server.extensions import db
from server.models import User
from server.services.auth import create_token
from tests.conftest import http_json, make_id_number
from tests.e2e.conftest import onboard_reviewed, open_view, register_earlier, signed_in

TZ = dt.timezone(dt.timedelta(hours=8))
SHOTS = "/tmp/shots"


def tabs_cut_off(page) -> list[str]:
    """The bottom bar's labels wider than their tab."""
    return page.eval_on_selector_all("nav.tabs a, nav.tabs button",
                                     "tabs => tabs.filter((e) => e.scrollWidth > "
                                     "e.clientWidth).map((e) => e.textContent.trim())")


def qr_texts(png: bytes) -> list[str]:
    image = Image.open(io.BytesIO(png))
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def employee(site, auth, n, name, employer_id, employer="employer") -> str:
    """A Tongwei worker registered early in the year, onboarded by ``employer`` three days ago
    (keyed in by id, so the workstation accepts it, as it must to count)."""
    worker = register_earlier(site, auth.tokens["county"], {
        "name": name, "id_number": make_id_number(sequence=700 + n, birth=dt.date(1990, 3, 1)),
        "phone": f"1390070{n:04d}", "home": {"county_code": "621121", "township": "平襄镇"},
        "consent": {"notice_version": "2026-1", "channel": "paper", "agreed": True}})
    started = dt.datetime.now(TZ).replace(microsecond=0) - dt.timedelta(days=3)
    onboard_reviewed(site, auth, [{
        "id": str(uuid.uuid4()), "type": "employer.onboarded", "device_seq": n,
        "occurred_at": started.isoformat(),
        "worker_id": worker["id"], "context": {"employer_id": employer_id},
        "data": {"start_date": started.date().isoformat()}}], employer=employer)
    return worker["id"]


def phone_of(worker_id) -> str:
    """The worker's own account on their phone (a Bearer token: the push is what matters here)."""
    account = User(name=f"worker-{worker_id[:8]}", role="worker", worker_id=worker_id,
                   county_code="621121")
    db.session.add(account)
    db.session.commit()
    token = create_token(account, "phone")
    db.session.commit()
    return token


@pytest.fixture
def employers(auth):
    """Both employers' ids, read before the browser writes (SQLite: the test's reads hold the write
    lock)."""
    ids = auth.employer_id(), auth.employer_id("other_employer")
    db.session.rollback()
    return ids


@pytest.fixture
def other_page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740},
                                  is_mobile=True)
    yield context.new_page()
    context.close()


def test_an_employer_posts_the_days_code_and_sees_its_own_workers_confirm(page, other_page, site,
                                                                          auth, employers):
    mine, theirs = employers
    confirming = employee(site, auth, 1, "马建国", mine)
    silent = employee(site, auth, 2, "李小红", mine)
    elsewhere = employee(site, auth, 3, "王外厂", theirs, employer="other_employer")
    phone = phone_of(confirming)
    db.session.rollback()

    signed_in(page, site, auth, "闽江 人事", role="employer", employer_id=mine)
    for view in ("scan", "fairs", "sites", "staff"):  # four tabs, all in the bar
        assert page.is_visible(f"nav.tabs a[data-view={view}]"), view
    open_view(page, "sites")
    page.wait_for_selector("#sites >> text=还没有工作地点")
    page.click("#add-site")
    page.wait_for_selector("#add-site-form")
    # an employer's own: no choice
    assert not page.is_visible("#add-site-form select[name=employer_id]")
    # empty: the browser says what is missing, nothing is sent
    page.click("#add-site-form button[type=submit]")
    assert page.is_visible("#add-site-form")
    page.fill("#add-site-form input[name=name]", "闽江纺织 长乐二厂")
    page.select_option("#add-site-form select[name=district_code]", "350112")
    page.fill("#add-site-form input[name=address]", "长乐区航城街道纺织路8号")
    page.screenshot(path=f"{SHOTS}/employer-add-site.png")
    page.click("#add-site-form button[type=submit]")

    # Today's code, full screen: what the QR on screen says is what the API answers for the site.
    sheet = page.wait_for_selector("#site-code[data-code] #site-code-qr")
    site_id = page.get_attribute("#site-code", "data-site")
    status, today = http_json("GET", f"{site}/api/sites/{site_id}/code",
                              token=auth.tokens["employer"])
    assert status == 200, today
    assert page.get_attribute("#site-code", "data-code") == today["code"] and today[
        "code"
    ].startswith("LPS1:")
    page.wait_for_function("document.querySelector('#site-code-qr').complete")
    assert qr_texts(sheet.screenshot()) == [today["code"]]
    beijing_today = dt.datetime.now(TZ).date()
    assert today["day"] == beijing_today.isoformat()
    valid = page.inner_text("#site-code-valid")
    tomorrow = beijing_today + dt.timedelta(days=1)
    assert (
        f"仅限 {beijing_today.isoformat()} 当天有效" in valid
        and f"{tomorrow.strftime('%m-%d')} 00:00" in valid
    )
    assert "闽江纺织 长乐二厂" in page.inner_text("#site-code h2")
    assert "请用务工通扫码确认在岗" in page.inner_text("#site-code")
    box = page.query_selector("#site-code-qr").bounding_box()
    # big, nothing cut off
    assert box["width"] >= 300 and box["x"] >= 0 and box["x"] + box["width"] <= 360
    for control in ("#print-site-code", "#site-code-back"):
        control_box = page.query_selector(control).bounding_box()
        assert control_box["height"] >= 44 and control_box["y"] + control_box["height"] <= 740, (
            control
        )
    page.screenshot(path=f"{SHOTS}/employer-code.png")

    # Printed: the code alone (name, QR, the line for workers, the day) on one A5 sheet, which
    # decodes.
    page.evaluate("window.print = () => { window.printed = true; }")
    page.click("#print-site-code")
    page.wait_for_function("window.printed === true")
    page.emulate_media(media="print")
    assert page.is_visible("#site-code-qr") and page.is_visible("#site-code .scan-line")
    for hidden in ("nav.tabs", "#print-site-code", "#site-code-back", "#signed-in",
                   "#app > header"):
        assert not page.is_visible(hidden), hidden
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")  # the stubbed print fires none
    # printing anything else afterwards prints it, not the code
    assert page.is_visible("#signed-in")
    # The sheet as Chromium prints it (page.pdf fires its own afterprint, so the class goes on by
    # hand): one A5 page, whose QR decodes to the day's code.
    page.evaluate("document.body.classList.add('print-site-code')")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    page.evaluate("document.body.classList.remove('print-site-code')")
    page.emulate_media(media="screen")
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 1
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    assert abs(width - 148 / 25.4 * 72) < 2 and abs(height - 210 / 25.4 * 72) < 2  # A5, portrait
    words = " ".join(pages[0].extract_text().split())
    for shown in ("闽江纺织 长乐二厂", "请用务工通扫码确认在岗", beijing_today.isoformat()):
        assert shown in words, (shown, words)
    assert "退出登录" not in words and "返回" not in words and "工作地点码 ›" not in words
    printed = pypdfium2.PdfDocument(pdf)[0].render(scale=2).to_pil()
    printed.save(f"{SHOTS}/employer-code-a5.png")
    buffer = io.BytesIO()
    printed.save(buffer, format="PNG")
    assert qr_texts(buffer.getvalue()) == [today["code"]]
    page.click("#site-code-back")
    page.wait_for_selector(f"#sites li[data-site='{site_id}']")
    page.screenshot(path=f"{SHOTS}/employer-sites.png")

    # 我的员工: its two workers, neither confirmed this month yet; the other employer's is not
    # there.
    open_view(page, "staff")
    page.wait_for_selector(f"#staff li[data-worker='{confirming}'][data-confirmed=false]")
    assert page.is_visible(f"#staff li[data-worker='{silent}'].unconfirmed")
    assert page.get_attribute("#staff-summary", "data-missing") == "2"

    # The worker's own phone scans the posted code.
    at = dt.datetime.now(TZ).replace(microsecond=0) - dt.timedelta(minutes=1)
    status, body = http_json("POST", f"{site}/api/sync/push",
                             {"device_id": "my-phone", "events": [{
        "id": str(uuid.uuid4()), "type": "employment.confirmed", "device_seq": 1,
        "occurred_at": at.isoformat(),
        "worker_id": confirming, "context": {}, "data": {"site_code": today["code"]}}]},
                             token=phone)
    assert status == 200 and body["results"][0]["status"] == "accepted", body

    page.reload()
    page.wait_for_selector(f"#staff li[data-worker='{confirming}'][data-confirmed=true]")
    line = page.inner_text(f"#staff li[data-worker='{confirming}']")
    assert (
        "马建国" in line
        and f"本月已确认（{beijing_today.isoformat()}）" in line
        and "在岗" in line
    )
    assert (
        "入职" in line
        and "*" in line
        and make_id_number(sequence=701, birth=dt.date(1990, 3, 1)) not in line
    )
    assert page.is_visible(f"#staff li[data-worker='{silent}'].unconfirmed >> text=本月未确认")
    assert page.get_attribute("#staff-summary", "data-missing") == "1"
    assert not page.query_selector(
        f"#staff li[data-worker='{elsewhere}']"
    ) and "王外厂" not in page.inner_text("#staff")
    call = page.query_selector(f"#staff li[data-worker='{silent}'] a.call")
    assert call.get_attribute("href") == "tel:13900700002" and call.bounding_box()["height"] >= 44
    order = page.eval_on_selector_all("#staff li[data-worker]",
                                      "items => items.map((li) => li.dataset.worker)")
    assert order == [silent, confirming]  # who has not confirmed comes first
    page.screenshot(path=f"{SHOTS}/employer-staff.png", full_page=True)
    page.click("#lang")  # in English too, the highlight says what it means
    page.wait_for_selector(f"#staff li[data-worker='{silent}'] >> text=Not confirmed this month")
    assert tabs_cut_off(page) == []
    page.screenshot(path=f"{SHOTS}/employer-staff-en.png")
    page.click("#lang")

    # The other employer's officer: none of the first one's workplaces or codes, none of its
    # workers.
    signed_in(other_page, site, auth, "融侨 人事", role="employer", employer_id=theirs)
    open_view(other_page, "sites")
    other_page.wait_for_selector("#sites >> text=还没有工作地点")
    assert not other_page.query_selector(f"#sites li[data-site='{site_id}']")
    other_page.goto(f"{site}/#sites/{site_id}")
    other_page.wait_for_selector("#site-code-message >> text=未找到或无权查看")
    assert other_page.get_attribute(
        "#site-code", "data-code"
    ) is None and not other_page.query_selector("#site-code-qr")
    other_page.screenshot(path=f"{SHOTS}/employer-other-code.png")
    other_page.click("#site-code-back")
    open_view(other_page, "staff")
    other_page.wait_for_selector(f"#staff li[data-worker='{elsewhere}']")
    assert other_page.eval_on_selector_all("#staff li[data-worker]", "items => items.map((li) => "
                                                              "li.dataset.worker)") == [
        elsewhere]


def test_the_workstation_chooses_the_employer_of_a_workplace(page, site, auth, employers):
    mine, _ = employers
    signed_in(page, site, auth, "通渭 工作站", role="workstation", county_code="621121")
    open_view(page, "sites")
    page.click("#add-site")
    page.wait_for_selector("#add-site-form select[name=employer_id] option[value]:not([value=''])",
                           state="attached")
    page.select_option("#add-site-form select[name=employer_id]", mine)
    page.fill("#add-site-form input[name=name]", "闽江纺织 马尾厂")
    page.select_option("#add-site-form select[name=district_code]", "350105")
    page.fill("#add-site-form input[name=address]", "马尾区快安路1号")
    page.screenshot(path=f"{SHOTS}/employer-workstation-add-site.png")
    page.click("#add-site-form button[type=submit]")
    page.wait_for_selector("#site-code[data-code] #site-code-qr")
    site_id = page.get_attribute("#site-code", "data-site")
    status, sites = http_json("GET", f"{site}/api/sites", token=auth.tokens["employer"])
    assert (
        status == 200 and [s["id"] for s in sites] == [site_id] and sites[0]["employer_id"] == mine
    )
    page.click("#site-code-back")
    item = page.wait_for_selector(f"#sites li[data-site='{site_id}']")
    assert "闽江纺织" in item.inner_text() and "马尾区" in item.inner_text()  # whose, and where
    page.screenshot(path=f"{SHOTS}/employer-workstation-sites.png")
    assert tabs_cut_off(page) == []
    page.click("#lang")  # "Workplaces" is long, in the bar or on "more"
    page.wait_for_function("document.querySelector('nav.tabs').innerText.includes('Workplaces')")
    assert tabs_cut_off(page) == []
    page.screenshot(path=f"{SHOTS}/employer-workstation-sites-en.png")
    assert not page.is_visible("nav.tabs a[data-view=staff]")

