"""The hostile QR corpus typed into the greeter's scanner, as a keyboard-wedge scanner would:
every one red, nothing in them runs (no dialog, the page's title and DOM untouched), the texts
that are not cards at all never leave the phone, and the rest reach the server's quarantine
only — not one event."""
import pytest

from server.extensions import db
from server.models import Event, QuarantinedEvent
from tests.conftest import http_json, make_id_number
from tests.e2e.conftest import batch_arriving_today, dismiss, signed_in, sync
from tests.hostile_qr import corpus


@pytest.mark.slow
def test_hostile_texts_at_the_station_are_red_run_nothing_and_store_only_quarantine(
    page, site, auth
):
    token = auth.tokens["county"]
    db.session.rollback()
    batch = batch_arriving_today(site, token, "通渭—福州 第9批")
    cards = []
    for n in range(2):
        status, worker = http_json("POST", f"{site}/api/workers", {
            "name": f"卡主{n}", "id_number": make_id_number(sequence=800 + n),
            "phone": f"1390001{n:04d}",
            "home": {"county_code": "621121", "township": "平襄镇"}, "poor_household": False,
            "consent": {"notice_version": "2026-1", "channel": "paper", "agreed": True}},
                                   token=token)
        assert status == 201, worker
        cards.append(
            http_json("POST", f"{site}/api/workers/{worker['id']}/credentials", token=token)[1][
                "qr"
            ]
        )
    db.session.rollback()

    signed_in(page, site, auth, "福州站 林", role="greeter", station="福州站")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sync(page)
    page.wait_for_selector(f"select[name=pick] option[value='{batch['id']}']", state="attached")
    page.select_option("select[name=pick]", batch["id"])
    title = page.title()
    hostile = corpus(*cards)
    for label, text, _reason in hostile:
        page.fill("#scan input[name=code]", text)
        page.press("#scan input[name=code]", "Enter")
        verdict = page.wait_for_selector(".verdict[data-verdict]")
        assert verdict.get_attribute("data-verdict") == "red", label
        dismiss(page)
    injected = page.locator("img[src=x], script:not([src])").count()
    assert dialogs == [] and page.title() == title and injected == 0

    # online, each scan was pushed at once; the server refused exactly what the phone sent
    sent = sum(reason != "malformed" for _label, _text, reason in hostile)
    sync(page)
    page.wait_for_selector(f"#rejected[data-count='{sent}']")
    db.session.rollback()
    assert db.session.query(Event).filter(Event.type == "station.arrived").count() == 0
    assert sorted(q.reason for q in db.session.query(QuarantinedEvent)) == sorted(
        reason for _label, _text, reason in hostile if reason != "malformed")
    db.session.rollback()
