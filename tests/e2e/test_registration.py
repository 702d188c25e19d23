"""Someone comes to the fair with no card and there is no network: the clerk registers them on
the phone (the ID number checked there), they walk away with a temporary pass the phone drew,
the pass is scanned for a job intention, and when the network is back the registration, the
check-in and the intention reach the server once — and the signed card is issued."""
import datetime as dt

from server.extensions import db
from server.models import Event, Worker
from tests.conftest import http_json, make_id_number
from tests.e2e.conftest import scan, signed_in, sync, todays_fair

HAS_REFERENCE = """() => new Promise((resolve) => {
  const request = indexedDB.open('laborpass');
  request.onsuccess = () => {
    const get = request.result.transaction('meta').objectStore('meta').get('reference');
    get.onsuccess = () => resolve(Boolean(get.result));
  };
})"""


def test_an_offline_registration_gives_a_temporary_pass_that_works_and_then_a_card(
    page, site, auth
):
    employer = auth.employer_id()
    db.session.rollback()
    county = auth.tokens["county"]
    fair = todays_fair(site, county, "马营镇", employer_ids=[employer])
    signed_in(page, site, auth, "马营 招聘员", role="fair_staff", county_code="621121")
    page.wait_for_selector(f"select[name=pick] option[value='{fair['id']}']", state="attached")
    page.select_option("select[name=pick]", fair["id"])
    page.wait_for_function(HAS_REFERENCE)  # the counties and the notice came with the first sync
    page.context.set_offline(True)

    page.click("#register-here")
    number = make_id_number(sequence=555, birth=dt.date(1990, 6, 1))
    page.fill("#register input[name=name]", "马现场")
    page.fill("#register input[name=id_number]", number[:-1] + ("1" if number[-1] != "1" else "2"))
    page.fill("#register input[name=phone]", "13912345555")
    # the fair's township, to save typing
    assert page.input_value("#register input[name=township]") == "马营镇"
    page.check("#register input[name=consent]")
    page.click("#register button[type=submit]")
    # caught on the phone, nothing queued
    page.wait_for_selector("#register-problem >> text=校验位")
    assert page.get_attribute("#sync-badge", "data-queued") == "0"
    page.fill("#register input[name=id_number]", number)
    page.click("#register button[type=submit]")
    page.wait_for_selector("#pass img")
    worker_id, pass_text = (
        page.get_attribute("#pass", "data-worker"),
        page.get_attribute("#pass", "data-pass"),
    )
    assert pass_text == "LPT1:" + worker_id.upper()
    page.wait_for_selector("#sync-badge[data-queued='2']")  # the registration and the check-in

    page.context.set_offline(False)
    sync(page)
    # the signed card, now that the registration is on the server
    page.click("#pass button.secondary")
    page.wait_for_selector("#pass-message >> text=正式卡已签发")
    page.click("#pass-done")

    page.select_option("select[name=action]", "fair.intent_signed")
    page.select_option("select[name=employer]", employer)
    # the pass, as a scanner types it: amber, nobody signed it
    assert "马现场" in scan(page, pass_text, "amber")
    assert "已扫过" in scan(page, pass_text, "amber")
    sync(page)

    db.session.rollback()
    worker = db.session.get(Worker, worker_id)
    assert (worker.name, worker.status, worker.card_serial is not None) == ("马现场", "intent",
                                                                            True)
    events = db.session.query(Event).filter_by(worker_id=worker_id).order_by(Event.seq).all()
    assert [e.type for e in events] == ["worker.registered", "fair.checked_in",
                                        "credential.issued", "fair.intent_signed"]
    assert events[-1].flags == ["temporary_pass"] and events[-1].raw_code == pass_text
    db.session.rollback()


def test_registering_a_child_or_someone_already_on_the_phone_warns_first(page, site, auth):
    """A 14-year-old, or a person this phone already has (pulled, registered on another phone),
    is not registered on the first tap: the clerk is told why, and a second tap decides."""
    county = auth.tokens["county"]
    db.session.rollback()
    fair = todays_fair(site, county, "华家岭镇")
    known = make_id_number(sequence=556, birth=dt.date(1991, 2, 2))
    status, _ = http_json("POST", f"{site}/api/workers", {
        "name": "马已登", "id_number": known,
        "home": {"county_code": "621121", "township": "华家岭镇"},
        "consent": {"notice_version": "2026-1", "channel": "paper", "agreed": True}}, token=county)
    assert status == 201
    signed_in(page, site, auth, "华家岭 招聘员", role="fair_staff", county_code="621121")
    page.wait_for_selector(f"select[name=pick] option[value='{fair['id']}']", state="attached")
    page.select_option("select[name=pick]", fair["id"])
    page.wait_for_function(HAS_REFERENCE)
    page.context.set_offline(True)
    page.click("#register-here")
    today = dt.date.today()
    child = make_id_number(sequence=557,
                           birth=today.replace(year=today.year - 14) - dt.timedelta(days=3))
    page.fill("#register input[name=name]", "马小")
    page.fill("#register input[name=id_number]", child)
    page.check("#register input[name=consent]")
    page.click("#register button[type=submit]")
    page.wait_for_selector("#register-problem >> text=未满16周岁（14岁）")
    page.screenshot(path="/tmp/register-under-16.png")
    # nothing queued on the first tap
    assert page.get_attribute("#sync-badge", "data-queued") == "0"
    page.click("#register button[type=submit]")  # the clerk checked: a second tap registers
    page.wait_for_selector("#pass img")
    page.wait_for_selector("#sync-badge[data-queued='2']")
    page.wait_for_selector("#fair-counts[data-checked='1']")  # registered here: checked in here
    page.click("#pass-done")

    page.click("#register-here")
    page.fill("#register input[name=name]", "马已登")
    page.fill("#register input[name=id_number]", known)
    page.check("#register input[name=consent]")
    page.click("#register button[type=submit]")
    page.wait_for_selector("#register-problem >> text=可能已经登记过")
    assert page.get_attribute("#sync-badge", "data-queued") == "2"
