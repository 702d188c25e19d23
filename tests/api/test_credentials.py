import datetime as dt
import io

import pypdfium2
import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from server.domain.credentials import CardClaims, sign_credential
from server.domain.fallback_codes import format_fallback_code
from server.extensions import db
from server.models import SigningKey
from server.services.credentials import issue_credential


@pytest.fixture
def worker(register):
    return register(name="欧阳建国强")


@pytest.fixture
def card(client, auth, worker):
    response = client.post(f"/api/workers/{worker['id']}/credentials",
                           headers=auth.headers("fair_staff"))
    assert response.status_code == 201
    return response.json


def verify(client, auth, who="greeter", **body):
    return client.post("/api/scan/verify", json=body, headers=auth.headers(who))


def test_issued_card_verifies_and_names_its_holder(client, auth, worker, card):
    assert set(card) == {"worker_id", "serial", "qr", "fallback_code", "issued_at", "expires_at"}
    assert card["qr"].startswith("LP1:") and len(card["serial"]) == 16
    response = verify(client, auth, qr=card["qr"])
    assert response.status_code == 200
    assert (
        response.json["worker"]["id"] == worker["id"]
        and response.json["worker"]["name"] == "欧阳建国强"
    )
    assert response.json["worker"]["id_masked"] == worker["id_masked"]
    assert response.json["serial"] == card["serial"]


def test_fallback_code_as_printed_finds_the_same_card(client, auth, card):
    response = verify(client, auth,
                      fallback_code=format_fallback_code(card["fallback_code"]).lower())
    assert response.status_code == 200 and response.json["serial"] == card["serial"]
    mistyped = card["fallback_code"][:-1] + ("2" if card["fallback_code"][-1] != "2" else "3")
    assert verify(client, auth, fallback_code=mistyped).json["code"] == "malformed"


def test_reissue_revokes_the_previous_card(client, auth, worker, card):
    second = client.post(f"/api/workers/{worker['id']}/credentials", headers=auth.headers()).json
    assert second["serial"] != card["serial"]
    refused = verify(client, auth, qr=card["qr"])
    assert refused.status_code == 422 and refused.json["code"] == "revoked"
    assert verify(client, auth, fallback_code=card["fallback_code"]).json["code"] == "revoked"
    assert verify(client, auth, qr=second["qr"]).status_code == 200
    record = client.get(f"/api/workers/{worker['id']}", headers=auth.headers()).json
    assert record["card_serial"] == second["serial"]
    types = [
        e["type"]
        for e in client.get(f"/api/workers/{worker['id']}/events", headers=auth.headers()).json
    ]
    assert types[:3] == ["credential.issued", "credential.revoked", "credential.issued"]


def test_idempotency_key_answers_the_same_card_once(client, auth, worker, register):
    headers = auth.headers() | {"Idempotency-Key": "print-run-7"}
    first = client.post(f"/api/workers/{worker['id']}/credentials", headers=headers)
    again = client.post(f"/api/workers/{worker['id']}/credentials", headers=headers)
    assert first.status_code == again.status_code == 201 and first.json == again.json
    assert verify(client, auth, qr=first.json["qr"]).status_code == 200
    other = register(5)
    assert (
        client.post(f"/api/workers/{other['id']}/credentials", headers=headers).status_code == 409
    )


@pytest.mark.parametrize("role, status", [("fair_staff", 201), ("other_county", 404),
                                          ("greeter", 403), ("employer", 403)])
def test_who_may_issue_a_card(client, auth, worker, role, status):
    assert (
        client.post(
            f"/api/workers/{worker['id']}/credentials", headers=auth.headers(role)
        ).status_code
        == status
    )


def test_each_refusal_has_its_reason_code(client, auth, card, app):
    flipped = card["qr"][:40] + ("A" if card["qr"][40] != "A" else "B") + card["qr"][41:]
    stranger = Ed25519PrivateKey.generate()
    claims = CardClaims(bytes(8), dt.date(2026, 1, 1), dt.date(2027, 1, 1), "张三", "1234", 621121)
    cases = {
        "malformed": "HC1:NCFOXN%TS3DH",
        "bad_signature": flipped,
        "unknown_key": sign_credential(claims, stranger),
    }
    for reason, qr in cases.items():
        response = verify(client, auth, qr=qr)
        assert (response.status_code, response.json["code"]) == (422, reason), qr
    assert verify(client, auth, qr="LP1:" + "%" * 3000).json["code"] == "malformed"
    assert verify(client, auth, qr="x" * 5000).status_code == 422  # over the schema's 4096 limit
    assert verify(client, auth).status_code == 422  # neither qr nor fallback_code


def test_expired_card_is_refused(client, auth, worker):
    long_ago = dt.date.today() - dt.timedelta(days=4 * 365)
    card = issue_credential(worker["id"], auth.users["admin"], today=long_ago)
    assert verify(client, auth, qr=card.qr).json["code"] == "expired"
    assert verify(client, auth, fallback_code=card.fallback_code).json["code"] == "expired"


def test_withdrawn_signing_key_revokes_its_cards(client, auth, card):
    db.session.query(SigningKey).update({"status": "revoked"})
    db.session.commit()
    assert verify(client, auth, qr=card["qr"]).json["code"] == "revoked"
    keys = client.get("/api/keys").json["keys"]
    assert [k["status"] for k in keys] == ["revoked"]


def test_keys_are_public_and_match_the_cards(client, card):
    keys = client.get("/api/keys").json["keys"]
    assert len(keys) == 1 and keys[0]["alg"] == "Ed25519" and keys[0]["status"] == "active"
    assert len(keys[0]["kid"]) == 8


def test_card_png_decodes_to_the_card_qr(client, auth, worker, card):
    response = client.get(f"/api/workers/{worker['id']}/card.png", headers=auth.headers())
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert image.size == (1011, 638)
    assert [
        r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    ] == [card["qr"]]


def test_card_svg_shows_full_name_masked_id_and_fallback_code(client, auth, worker, card):
    svg = client.get(f"/api/workers/{worker['id']}/card.svg", headers=auth.headers()).get_data(
        as_text=True
    )
    assert svg.startswith("<svg") and "欧阳建国强" in svg
    assert worker["id_masked"] in svg and format_fallback_code(card["fallback_code"]) in svg
    assert "12333" in svg


def test_card_without_an_issued_credential_is_404(client, auth, worker):
    response = client.get(f"/api/workers/{worker['id']}/card.svg", headers=auth.headers())
    assert response.status_code == 404 and response.json["code"] == "no_card"


def test_sheet_pdf_prints_every_card_and_each_qr_verifies(client, auth, register):
    ids = [register(n, name="欧阳建国强" if n == 11 else "张秀英")["id"] for n in range(12)]
    response = client.post("/api/cards/sheet", json={"worker_ids": ids},
                           headers=auth.headers("fair_staff"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.data)
    assert len(pdf) == 2
    width, height = pdf[0].get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    texts = []
    for page in pdf:
        image = page.render(scale=300 / 72).to_pil()
        # QR only: zxing otherwise now and then reads a stroke of the printed text as a 1-D barcode
        texts += [r.text
                  for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
    assert len(texts) == 12
    holders = {verify(client, auth, qr=text).json["worker"]["id"] for text in texts}
    assert holders == set(ids)
    assert "欧阳建国强" in "".join(page.get_textpage().get_text_range() for page in pdf)
    fonts = response.data.count(b"/FontFile2")
    assert fonts >= 1  # the Chinese font is embedded, as print shops need


def test_sheet_refuses_workers_outside_scope(client, auth, register):
    mine = register(1)["id"]
    theirs = register(2, home={"county_code": "621122", "township": "首阳镇"})["id"]
    response = client.post("/api/cards/sheet", json={"worker_ids": [mine, theirs]},
                           headers=auth.headers("fair_staff"))
    assert response.status_code == 422 and theirs in response.json["errors"]["worker_ids"][0]
