import datetime as dt
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from server.domain.credentials import CredentialError, TrustedKey, key_id, sign_credential
from server.domain.site_codes import sign_site_code, verify_site_code
from tests.domain.test_credentials import claims

KEY = Ed25519PrivateKey.generate()
TRUSTED = [TrustedKey(key_id(KEY.public_key()), KEY.public_key(), "active")]
SITE = str(uuid.uuid4())
DAY = dt.date(2026, 4, 3)


def test_a_code_names_its_site_on_its_day_only():
    code = sign_site_code(SITE, DAY, KEY)
    assert code.startswith("LPS1:") and len(code) < 200
    assert verify_site_code(code, TRUSTED, on=DAY).site_id == SITE
    with pytest.raises(CredentialError) as stale:
        verify_site_code(code, TRUSTED, on=DAY + dt.timedelta(days=1))
    assert stale.value.reason == "stale_site_code"


@pytest.mark.parametrize("mangle, reason", [
    (lambda code: code[:-3] + ("AAA" if code[-3:] != "AAA" else "BBB"), "bad_signature"),
    (lambda code: code.replace("LPS1:", "LP1:"), "malformed"),
    (lambda code: "LPS1:" + "%%%", "malformed"),
])
def test_a_code_that_is_not_genuine_is_refused(mangle, reason):
    with pytest.raises(CredentialError) as refused:
        verify_site_code(mangle(sign_site_code(SITE, DAY, KEY)), TRUSTED, on=DAY)
    assert refused.value.reason == reason


def test_a_code_signed_by_another_key_or_a_card_is_no_workplace_code():
    other = Ed25519PrivateKey.generate()
    with pytest.raises(CredentialError) as unknown:
        verify_site_code(sign_site_code(SITE, DAY, other), TRUSTED, on=DAY)
    assert unknown.value.reason == "unknown_key"
    # a card's signed body under the workplace prefix
    card = "LPS1:" + sign_credential(claims(), KEY)[len("LP1:"):]
    with pytest.raises(CredentialError) as wrong_kind:
        verify_site_code(card, TRUSTED, on=DAY)
    assert wrong_kind.value.reason == "malformed"
