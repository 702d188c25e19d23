"""The office's record jobs in the PWA, in Chromium at a phone's size: a county clerk corrects a
worker's phone and township (the server's refusal of a bad phone beside the field), registers
someone at the office (the record opens; the same ID number a second time is refused in the
server's words), and saves the A4 card sheet of a batch and of a fair (each QR on it verified)."""
import datetime as dt
import uuid
from pathlib import Path
from urllib.parse import quote

import pypdfium2
import pytest
import zxingcpp

from tests.conftest import http_json, make_id_number, person
from tests.e2e.conftest import open_view, signed_in, todays_fair

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def county_page(page, site, auth):
    return signed_in(page, site, auth, "通渭 科员", role="county", county_code="621121")


def new_worker(site, auth, n, **fields) -> dict:
    status, worker = http_json("POST", f"{site}/api/workers", person(n, **fields),
                               token=auth.tokens["county"])
    assert status == 201, worker
    return worker


def get(site, auth, path):
    status, body = http_json("GET", f"{site}{path}", token=auth.tokens["county"])
    assert status == 200, body
    return body


def holders_on(site, auth, pdf_bytes: bytes) -> tuple[int, list[str]]:
    """The sheet's page count and, for each QR printed on it, whose card it is (as the server
    verifies it)."""
    pdf = pypdfium2.PdfDocument(pdf_bytes)
    texts = []
    for page in pdf:
        image = page.render(scale=300 / 72).to_pil()
        texts += [r.text
                  for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
    holders = []
    for text in texts:
        status, body = http_json("POST", f"{site}/api/scan/verify", {"qr": text},
                                 token=auth.tokens["county"])
        assert status == 200, body
        holders.append(body["worker"]["id"])
    return len(pdf), holders


def test_a_clerk_corrects_a_phone_and_a_township_and_sees_the_servers_refusal_beside_the_field(
    county_page, site, auth
):
    page = county_page
    worker = new_worker(site, auth, 1, name="更正人")
    page.goto(f"{site}/#workers/{worker['id']}")
    page.wait_for_selector(f"#record[data-worker='{worker['id']}']")
    page.click("#correct-open")
    assert page.input_value("#correct input[name=name]") == "更正人"  # prefilled with the record
    assert page.input_value("#correct input[name=phone]") == worker["phone"]
    assert page.input_value("#correct input[name=township]") == "平襄镇"
    assert page.input_value("#correct select[name=education]") == "junior_secondary"
    assert page.query_selector("#correct input[name=id_number]") is None  # not without a reveal

    page.fill("#correct input[name=phone]", "1391234")
    page.fill("#correct input[name=township]", "马营镇")
    page.click("#correct button[type=submit]")
    error = page.wait_for_selector("#correct-phone-error >> text=手机号应为11位")
    phone_box = page.locator("#correct input[name=phone]").bounding_box()
    # right under the field
    assert 0 <= error.bounding_box()["y"] - (phone_box["y"] + phone_box["height"]) < 40
    assert page.query_selector("#correct-home-township-error") is None
    # the field refused, in view and focused
    assert page.evaluate("document.activeElement.name") == "phone"
    page.screenshot(path="/tmp/shots/office-correct-refused.png")
    record = get(site, auth, f"/api/workers/{worker['id']}")
    # nothing half-saved
    assert (record["phone"], record["home"]["township"]) == (worker["phone"], "平襄镇")

    page.fill("#correct input[name=phone]", "139 8765 4321")  # the server takes spaces
    assert page.query_selector("#correct-phone-error") is None  # edited: its message goes
    page.click("#correct button[type=submit]")
    page.wait_for_selector("#record .timeline >> text=信息更正")
    page.wait_for_selector("#record-details >> text=13987654321")
    assert page.query_selector("#correct") is None
    assert "已更正" in page.inner_text("#record-notice")
    assert "马营镇" in page.inner_text("#record")
    page.screenshot(path="/tmp/shots/office-corrected.png", full_page=True)
    record = get(site, auth, f"/api/workers/{worker['id']}")
    assert (
        record["phone"],
        record["home"]["township"],
        record["home"]["village"],
        record["name"],
    ) == ("13987654321", "马营镇", "西关村", "更正人")
    latest = get(site, auth, f"/api/workers/{worker['id']}/events")[0]
    # what changed, only
    assert latest["type"] == "worker.updated" and set(latest["data"]) == {"phone", "home"}

    # the form opens on the corrected values; unchanged, nothing is sent
    page.click("#correct-open")
    assert page.input_value("#correct input[name=phone]") == "13987654321"
    page.click("#correct button[type=submit]")
    page.wait_for_selector("#correct-message >> text=没有改动")
    assert len(get(site, auth, f"/api/workers/{worker['id']}/events")) == 2


def test_a_clerk_registers_someone_at_the_office_and_a_second_time_hears_the_servers_refusal(
    county_page, site, auth
):
    page = county_page
    number = make_id_number(sequence=501, birth=dt.date(1990, 4, 1))
    open_view(page, "workers")
    page.click("#office-register-open")
    page.wait_for_selector("#office-register select[name=county_code] option[value='621121']",
                           state="attached")
    # the clerk's county
    assert page.input_value("#office-register select[name=county_code]") == "621121"
    page.fill("#office-register input[name=name]", "办公室登记人")
    page.fill("#office-register input[name=id_number]",
              number[:-1] + ("1" if number[-1] != "1" else "2"))
    page.fill("#office-register input[name=phone]", "13911112222")
    page.fill("#office-register input[name=township]", "襄南镇")
    page.fill("#office-register input[name=desired_jobs]", "电子厂、缝纫")
    page.select_option("#office-register select[name=education]", "senior_secondary")
    page.check("#office-register input[name=consent]")
    page.click("#office-register button[type=submit]")
    # the fair's check, on the phone
    page.wait_for_selector("#office-register-id_number-error >> text=校验位")
    page.fill("#office-register input[name=id_number]", number)
    page.screenshot(path="/tmp/shots/office-register-form.png", full_page=True)
    page.click("#office-register button[type=submit]")

    page.wait_for_selector("#record h3 >> text=办公室登记人")
    worker_id = page.get_attribute("#record", "data-worker")
    assert "已登记 办公室登记人" in page.inner_text("#record-notice")
    assert page.is_visible("#issue-card")  # the clerk issues the card next
    page.screenshot(path="/tmp/shots/office-registered.png", full_page=True)
    record = get(site, auth, f"/api/workers/{worker_id}")
    assert (record["name"], record["phone"], record["home"]["county_code"],
            record["home"]["township"],
            record["desired_jobs"], record["education"], record["status"], record["id_last4"]) == (
        "办公室登记人", "13911112222", "621121", "襄南镇", ["电子厂", "缝纫"], "senior_secondary",
        "registered", number[-4:])
    consent = get(site, auth, f"/api/workers/{worker_id}/events")[-1]["data"]["consent"]
    assert consent["channel"] == "read_aloud"

    page.click("#office-register-open")  # the same person again
    page.fill("#office-register input[name=name]", "重复人")
    page.fill("#office-register input[name=id_number]", number)
    page.fill("#office-register input[name=township]", "平襄镇")
    page.check("#office-register input[name=consent]")
    page.click("#office-register button[type=submit]")
    page.wait_for_selector("#office-register-id_number-error >> text=该身份证号已登记")
    assert "该身份证号已登记" in page.inner_text("#office-register-message")
    page.screenshot(path="/tmp/shots/office-register-duplicate.png", full_page=True)
    assert get(site, auth, f"/api/workers?q={quote('重复人')}")["total"] == 0
    page.click("#open-existing")  # the record there already, by an audited search
    page.wait_for_selector(f"#record[data-worker='{worker_id}']")


def test_a_batchs_card_sheet_is_saved_with_every_person_on_the_roster(county_page, site, auth):
    page = county_page
    workers = [new_worker(site, auth, n, name=f"卡片人{n}") for n in (11, 12, 13)]
    status, card = http_json("POST", f"{site}/api/workers/{workers[0]['id']}/credentials",
                             token=auth.tokens["county"])
    assert status == 201, card
    departs = dt.datetime.now(TZ) + dt.timedelta(days=3)
    status, batch = http_json("POST", f"{site}/api/batches", {
        "name": "通渭—福州 2027年第1批", "departure_station": "定西北站",
        "departs_at": departs.isoformat(),
        "train_number": "D2702", "destination_station": "福州站",
        "expected_arrival_at": (departs + dt.timedelta(hours=20)).isoformat()},
                              token=auth.tokens["county"])
    assert status == 201, batch
    status, body = http_json("POST", f"{site}/api/batches/{batch['id']}/roster",
                             {"worker_ids": [w["id"] for w in workers]},
                             token=auth.tokens["county"])
    assert status in (200, 201), body

    page.goto(f"{site}/#batches/{batch['id']}")
    page.wait_for_selector("#batch[data-roster='3']")
    button = page.locator("#card-sheet-make")
    assert button.bounding_box()["height"] >= 44
    with page.expect_download() as download:
        button.click()
    assert download.value.suggested_filename == "通渭—福州 2027年第1批-卡片.pdf"
    download.value.save_as("/tmp/shots/office-card-sheet.pdf")
    pages, holders = holders_on(site, auth, Path(download.value.path()).read_bytes())
    assert pages == 1 and sorted(holders) == sorted(w["id"] for w in workers)
    page.wait_for_selector("#card-sheet-message >> text=卡片页已生成：3 张")
    assert page.get_attribute("#card-sheet-save", "download") == "通渭—福州 2027年第1批-卡片.pdf"
    page.locator("#card-sheet").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/shots/office-card-sheet-batch.png")
    # kept, not re-issued
    assert get(site, auth, f"/api/workers/{workers[0]['id']}")["card_serial"] == card["serial"]
    # issued with the sheet
    assert all(get(site, auth, f"/api/workers/{w['id']}")["card_serial"] for w in workers[1:])


def test_a_fairs_card_sheet_has_the_people_checked_in_and_says_so_when_offline(
    county_page, site, auth
):
    page = county_page
    fair = todays_fair(site, auth.tokens["county"], township="马营镇")
    came = [new_worker(site, auth, n, name=f"到场人{n}") for n in (21, 22)]
    new_worker(site, auth, 23, name="没来的人")
    now = dt.datetime.now(TZ)
    status, body = http_json("POST", f"{site}/api/sync/push",
                             {"device_id": "fair-desk", "events": [
        {"id": str(uuid.uuid4()), "type": "fair.checked_in", "device_seq": i + 1,
         "occurred_at": now.isoformat(),
         "worker_id": w["id"], "context": {"fair_id": fair["id"]}, "data": {}} for i,
         w in enumerate(came)]},
        token=auth.tokens["county"])
    assert status == 200 and all(r["status"] == "accepted" for r in body["results"]), body

    page.goto(f"{site}/#fairs/{fair['id']}")
    page.wait_for_selector("#card-sheet-make")
    page.context.set_offline(True)
    page.click("#card-sheet-make")
    page.wait_for_selector("#card-sheet-message >> text=请联网后再试")
    page.screenshot(path="/tmp/shots/office-card-sheet-offline.png")
    page.context.set_offline(False)
    with page.expect_download() as download:
        page.click("#card-sheet-make")
    assert download.value.suggested_filename == "马营镇招聘会-卡片.pdf"
    pages, holders = holders_on(site, auth, Path(download.value.path()).read_bytes())
    assert pages == 1 and sorted(holders) == sorted(w["id"] for w in came)
    page.wait_for_selector("#card-sheet-message >> text=2 张")


def test_the_id_number_is_corrected_only_once_revealed_and_anothers_number_is_refused_beside_it(
    county_page, site, auth
):
    page = county_page
    worker, other = new_worker(site, auth, 31, name="改号人"), new_worker(site, auth, 32,
                                                                          name="别人")
    mine, others = person(31)["id_number"], person(32)["id_number"]
    page.goto(f"{site}/#workers/{worker['id']}")
    page.wait_for_selector(f"#record[data-worker='{worker['id']}']")
    page.fill("#record input[name=reason]", "本人持身份证来更正号码")
    page.click("#reveal")  # a fresh passkey sign-in and a reason: audited
    page.wait_for_selector(f"#id-number >> text={mine}")
    page.click("#correct-open")
    assert page.input_value("#correct input[name=id_number]") == mine
    page.fill("#correct input[name=id_number]", others)
    page.click("#correct button[type=submit]")
    # the server's 409, beside the field
    page.wait_for_selector("#correct-id_number-error >> text=该身份证号已登记")
    fixed = make_id_number(sequence=733, birth=dt.date(1980, 1, 1))
    page.fill("#correct input[name=id_number]", fixed)
    page.click("#correct button[type=submit]")
    page.wait_for_selector("#record .timeline >> text=信息更正")
    # masked again after the change
    assert page.inner_text("#id-number") == f"621121********{fixed[-4:]}"
    assert get(site, auth, f"/api/workers/{worker['id']}")["id_last4"] == fixed[-4:]
    assert get(site, auth, f"/api/workers/{other['id']}")["id_last4"] == others[-4:]


def test_a_county_list_that_cannot_load_says_so_and_loads_when_the_page_is_opened_again(
    county_page, site
):
    """The counties come once per page load for every screen; a failure used to leave the selects
    silently empty."""
    page = county_page
    page.route("**/api/regions", lambda route: route.abort())
    page.goto(f"{site}/#fairs/new")
    page.reload()
    page.wait_for_selector("#plan-fair select[name=county_code] option:has-text('无法加载')",
                           state="attached")
    page.unroute("**/api/regions")
    page.reload()
    page.wait_for_selector("#plan-fair select[name=county_code] option[value='621121']",
                           state="attached")


def test_a_correction_sent_while_the_county_list_is_still_coming_keeps_the_county(
    county_page, site, auth
):
    """The home county's select is required: while its list was coming it held no county, and the
    browser refused the form in a bubble a quick clerk never saw, so the correction went nowhere.
    """
    page = county_page
    worker = new_worker(site, auth, 2, name="快手")
    held = []
    # the list comes only at the end
    page.route("**/api/regions", lambda route: held.append(route))
    page.goto(f"{site}/#workers/{worker['id']}")
    page.reload()  # the counties come once per page load
    page.wait_for_selector(f"#record[data-worker='{worker['id']}']")
    page.click("#correct-open")
    page.wait_for_selector("#correct select[name=county_code] option:has-text('正在加载')",
                           state="attached")
    page.fill("#correct input[name=phone]", "139 0000 1111")
    page.click("#correct button[type=submit]")
    page.wait_for_selector("#record .timeline >> text=信息更正")
    record = get(site, auth, f"/api/workers/{worker['id']}")
    assert (record["phone"], record["home"]["county_code"]) == ("13900001111", "621121")
    for route in held:
        route.continue_()
