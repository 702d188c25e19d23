"""Cards signed by the server's own code, for the PWA's unit tests (pwa/test/): the phone must
read exactly what the server writes. Usage: card_fixtures.py OUT.json"""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from server.domain.base45 import b45decode, b45encode
from server.domain.credentials import CardClaims, key_id, sign_credential
from server.domain.fallback_codes import ALPHABET, new_fallback_code

TODAY = dt.date(2026, 11, 25)


def key_entry(private_key: Ed25519PrivateKey, status: str) -> dict:
    raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return {"kid": key_id(private_key.public_key()).hex(), "alg": "Ed25519", "status": status,
            "public_key": base64.urlsafe_b64encode(raw).decode().rstrip("=")}


def main(out: str) -> None:
    active, withdrawn, stranger = (Ed25519PrivateKey.generate() for _ in range(3))
    claims = CardClaims(bytes.fromhex("0123456789abcdef"), TODAY - dt.timedelta(days=30),
                        TODAY + dt.timedelta(days=1065), "张秀英", "123X", 621121)
    good = sign_credential(claims, active)
    expired = CardClaims(bytes.fromhex("00000000000000ff"), dt.date(2020, 1, 1),
                         dt.date(2023, 1, 1), "欧阳建国强", "0017", 622424)
    envelope = bytearray(b45decode(good[4:]))
    envelope[-10] ^= 0x01  # one bit of the signature
    flipped = "LP1:" + b45encode(bytes(envelope))
    cases = [
        {"name": "valid", "text": good,
         "claims": {"serial": "0123456789abcdef", "issuedOn": "2026-10-26",
                                                    "expiresOn": "2029-10-25", "name": "张秀英",
                    "idLast4": "123X", "county": "621121"}},
        {"name": "expired", "text": sign_credential(expired, active), "reason": "expired"},
        {"name": "revoked serial", "text": good, "revoked": ["0123456789abcdef"],
         "reason": "revoked"},
        {"name": "withdrawn key", "text": sign_credential(claims, withdrawn), "reason": "revoked"},
        {"name": "unknown key", "text": sign_credential(claims, stranger),
         "reason": "unknown_key"},
        {"name": "forged", "text": flipped, "reason": "bad_signature"},
        {"name": "no prefix", "text": good[4:], "reason": "malformed"},
        {"name": "not base45", "text": "LP1:abc", "reason": "malformed"},
        # signed with the genuine key, yet outside what a card may hold: the server refuses each
        # (tests/domain/test_credentials.py), and so must the phone
        {"name": "name over 18 bytes", "reason": "malformed",
         "text": sign_credential(dataclasses.replace(claims, display_name="欧阳建国强丽华"),
                                 active)},
        {"name": "issued before 1970", "reason": "malformed",
         "text": sign_credential(dataclasses.replace(claims, issued_on=dt.date(1969, 12, 1)),
                                 active)},
        {"name": "county not six digits", "reason": "malformed",
         "text": sign_credential(dataclasses.replace(claims, county_code=62), active)},
        {"name": "expires after 2099", "reason": "malformed",
         "text": sign_credential(dataclasses.replace(claims, expires_on=dt.date(2100, 1, 1)),
                                 active)},
    ]
    codes = [new_fallback_code() for _ in range(20)]
    swapped = [c[:3] + c[4] + c[3] + c[5:] for c in codes if c[3] != c[4]]
    mistyped = [c[:6] + ALPHABET[(ALPHABET.index(c[6]) + 1) % 31] + c[7:] for c in codes]
    fixture = {"today": TODAY.isoformat(),
               "keys": [key_entry(active, "active"), key_entry(withdrawn, "revoked")],
               "cases": cases, "fallback": {"valid": codes, "invalid": swapped + mistyped}}
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(fixture, handle, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
