import datetime as dt

import cbor2
import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from server.domain import credentials as lp1
from server.domain.base45 import ALPHABET, b45decode, b45encode
from server.domain.credentials import (
    CardClaims,
    CredentialError,
    TrustedKey,
    key_id,
    shorten_display_name,
    sign_credential,
    verify_credential,
)
from server.domain.qr import MAX_CARD_VERSION, make_qr

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def signing_key():
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def trusted(signing_key):
    return [TrustedKey(key_id(signing_key.public_key()), signing_key.public_key(), "active")]


def claims(name="张秀英", **overrides):
    values = dict(serial=bytes.fromhex("0123456789abcdef"), issued_on=TODAY,
                  expires_on=TODAY + dt.timedelta(days=1095),
                  display_name=shorten_display_name(name), id_last4="123X", county_code=621121)
    return CardClaims(**(values | overrides))


def resign(signing_key, body: bytes) -> str:
    """Sign arbitrary envelope bytes as the server would: what a forger with the key could make."""
    return lp1.PREFIX + b45encode(body + signing_key.sign(body))


def test_round_trip_gives_back_the_claims(signing_key, trusted):
    text = sign_credential(claims(), signing_key)
    assert text.startswith("LP1:")
    verified, key = verify_credential(text, trusted, today=TODAY)
    assert verified == claims() and key.status == "active"


def test_qr_holds_no_full_id_number_phone_or_village(signing_key):
    envelope = b45decode(sign_credential(claims(), signing_key)[4:])
    payload = cbor2.loads(envelope[5:-64])
    assert set(payload) == {1, 2, 3, 4, 5, 6} and payload[5] == "123X"


def test_every_single_flipped_character_fails(signing_key, trusted):
    text = sign_credential(claims(), signing_key)
    for i in range(len(lp1.PREFIX), len(text)):
        replacement = ALPHABET[(ALPHABET.index(text[i]) + 1) % len(ALPHABET)]
        with pytest.raises(CredentialError):
            verify_credential(text[:i] + replacement + text[i + 1:], trusted, today=TODAY)


def test_key_the_verifier_does_not_know_fails(trusted):
    stranger = Ed25519PrivateKey.generate()
    with pytest.raises(CredentialError) as error:
        verify_credential(sign_credential(claims(), stranger), trusted, today=TODAY)
    assert error.value.reason == "unknown_key"


def test_colliding_key_ids_are_all_tried(signing_key):
    impostor = Ed25519PrivateKey.generate().public_key()
    kid = key_id(signing_key.public_key())
    keys = [TrustedKey(kid, impostor, "active"),
            TrustedKey(kid, signing_key.public_key(), "verify_only")]
    _, key = verify_credential(sign_credential(claims(), signing_key), keys, today=TODAY)
    assert key.status == "verify_only"
    forged_kid_only = [TrustedKey(kid, impostor, "active")]
    with pytest.raises(CredentialError) as error:
        verify_credential(sign_credential(claims(), signing_key), forged_kid_only, today=TODAY)
    assert error.value.reason == "bad_signature"


def test_withdrawn_key_fails_as_revoked(signing_key):
    keys = [TrustedKey(key_id(signing_key.public_key()), signing_key.public_key(), "revoked")]
    with pytest.raises(CredentialError) as error:
        verify_credential(sign_credential(claims(), signing_key), keys, today=TODAY)
    assert error.value.reason == "revoked"


def test_expired_card_fails(signing_key, trusted):
    text = sign_credential(
        claims(expires_on=TODAY - dt.timedelta(days=1), issued_on=TODAY - dt.timedelta(days=30)),
        signing_key,
    )
    with pytest.raises(CredentialError) as error:
        verify_credential(text, trusted, today=TODAY)
    assert error.value.reason == "expired"


def test_duplicate_cbor_keys_under_a_valid_signature_fail(signing_key, trusted):
    kid = key_id(signing_key.public_key())
    good = lp1.encode_claims(claims())
    # The same map with key 4 (the name) a second time: a7 = map of 7 pairs.
    duplicated = b"\xa7" + good[1:] + b"\x04" + cbor2.dumps("李四")
    with pytest.raises(CredentialError) as error:
        verify_credential(resign(signing_key, bytes([1]) + kid + duplicated), trusted, today=TODAY)
    assert error.value.reason == "malformed"


@pytest.mark.parametrize(
    "payload",
    [
        # keys out of order
        cbor2.dumps({2: 1, 1: b"12345678", 3: 2, 4: "a", 5: "1234", 6: 621121}),
        # a field missing
        cbor2.dumps({1: b"12345678", 2: 1, 3: 2, 4: "a", 5: "1234"}, canonical=True),
        # name not text
        cbor2.dumps({1: b"12345678", 2: 1, 3: 2, 4: 7, 5: "1234", 6: 621121}, canonical=True),
        # short serial
        cbor2.dumps({1: b"1234", 2: 1, 3: 2, 4: "a", 5: "1234", 6: 621121}, canonical=True),
        # expires before issue
        cbor2.dumps({1: b"12345678", 2: 5, 3: 2, 4: "a", 5: "1234", 6: 621121}, canonical=True),
        # trailing byte
        cbor2.dumps({1: b"12345678", 2: 1, 3: 2, 4: "a", 5: "1234", 6: 621121}, canonical=True)
        + b"\x00",
        b"\xff\xfe",
        # each number unsigned and in range, as the phone checks too (scripts/card_fixtures.py)
        # issued before 1970
        cbor2.dumps({1: b"12345678", 2: -5, 3: 2, 4: "a", 5: "1234", 6: 621121}, canonical=True),
        # a negative county
        cbor2.dumps({1: b"12345678", 2: 1, 3: 2, 4: "a", 5: "1234", 6: -621121}, canonical=True),
        # five digits
        cbor2.dumps({1: b"12345678", 2: 1, 3: 2, 4: "a", 5: "1234", 6: 62112}, canonical=True),
        # 2100-01-01
        cbor2.dumps(
            {1: b"12345678", 2: 1, 3: 47482, 4: "a", 5: "1234", 6: 621121}, canonical=True
        ),
        # 21 bytes
        cbor2.dumps(
            {1: b"12345678", 2: 1, 3: 2, 4: "张" * 7, 5: "1234", 6: 621121}, canonical=True
        ),
    ],
)
def test_signed_but_ill_formed_payloads_fail_as_malformed(signing_key, trusted, payload):
    kid = key_id(signing_key.public_key())
    with pytest.raises(CredentialError) as error:
        verify_credential(resign(signing_key, bytes([1]) + kid + payload), trusted, today=TODAY)
    assert error.value.reason == "malformed"


def test_other_format_version_is_unsupported(signing_key, trusted):
    kid = key_id(signing_key.public_key())
    with pytest.raises(CredentialError) as error:
        verify_credential(resign(signing_key, bytes([2]) + kid + lp1.encode_claims(claims())),
                          trusted, today=TODAY)
    assert error.value.reason == "unsupported_version"


@pytest.mark.parametrize("text", [
    "", "HC1:ABC", "https://example.com/", "LP1:", "LP1:ABC", "LP1:abc", "LP1:中文",
    "LP1:" + "A" * 4000, "LP1:' OR 1=1 --", "<script>alert(1)</script>",
])
def test_garbage_is_malformed_not_a_crash(trusted, text):
    with pytest.raises(CredentialError) as error:
        verify_credential(text, trusted, today=TODAY)
    assert error.value.reason == "malformed"


@pytest.mark.parametrize("name", ["王", "张秀英", "欧阳建国强", "阿卜杜热合曼", "Zhang Xiuying"])
def test_names_up_to_six_chinese_characters_fit_version_9_at_level_q(signing_key, name):
    text = sign_credential(claims(name, county_code=999999), signing_key)
    assert shorten_display_name(name) == name
    assert make_qr(text).version <= MAX_CARD_VERSION


def test_longer_names_are_shortened_in_the_qr_and_still_fit(signing_key):
    name = "阿卜杜热合曼·买买提"
    short = shorten_display_name(name)
    assert short == "阿卜杜热合…" and len(short.encode()) <= lp1.NAME_BUDGET
    assert make_qr(sign_credential(claims(name), signing_key)).version <= MAX_CARD_VERSION


def test_qr_image_decodes_with_zxing_back_to_the_same_text(signing_key):
    text = sign_credential(claims("欧阳建国强"), signing_key)
    symbol = make_qr(text)
    image = Image.new("L", (symbol.size, symbol.size), 255)
    image.putdata([0 if dark else 255 for row in symbol.modules for dark in row])
    image = image.resize((symbol.size * 6, symbol.size * 6), Image.NEAREST)
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert [r.text for r in results] == [text]
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
