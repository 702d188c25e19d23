"""Workplace codes: a QR posted at an employer's site, new every day, signed like the cards.

A worker's own phone scans it to confirm, month by month, that they are at work: evidence that
does not rest on the employer's diligence. It verifies offline with the keys of ``/api/keys``::

    "LPS1:" + Base45(version ‖ kid ‖ payload ‖ signature)      as LP1 (see credentials.py)
    payload = CBOR map, deterministic: 1 site id (16-byte UUID), 2 day (days since 1970-01-01)

A code is good on its own day only: yesterday's code photographed and sent home proves nothing.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import cbor2
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from server.domain.base45 import b45encode
from server.domain.credentials import (
    EPOCH,
    VERSION,
    CredentialError,
    TrustedKey,
    key_id,
    open_signed,
)
from server.domain.reasons import Reason

PREFIX = "LPS1:"


@dataclass(frozen=True)
class SiteClaim:
    site_id: str
    day: dt.date


def sign_site_code(site_id: str, day: dt.date, private_key: Ed25519PrivateKey) -> str:
    payload = cbor2.dumps({1: uuid.UUID(site_id).bytes, 2: (day - EPOCH).days}, canonical=True)
    body = bytes([VERSION]) + key_id(private_key.public_key()) + payload
    return PREFIX + b45encode(body + private_key.sign(body))


def verify_site_code(text: str, trusted_keys: Iterable[TrustedKey], *, on: dt.date) -> SiteClaim:
    """The site whose code this is; ``CredentialError`` if it is not genuine or not ``on``'s code.
    """
    payload, _signer = open_signed(text, PREFIX, trusted_keys)
    try:
        data = cbor2.loads(payload, allow_duplicate_keys=False, allow_indefinite=False)
        if (not isinstance(data, dict) or set(data) != {1, 2} or type(data[1]) is not bytes
            or type(data[2]) is not int
                or cbor2.dumps(data, canonical=True) != payload):
            raise ValueError
        claim = SiteClaim(str(uuid.UUID(bytes=data[1])), EPOCH + dt.timedelta(days=data[2]))
    except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError):
        raise CredentialError(Reason.MALFORMED, "not a LaborPass workplace code") from None
    if claim.day != on:
        raise CredentialError(Reason.STALE_SITE_CODE,
                              f"此码是 {claim.day.isoformat()} 的，不是当天的。"
                                     f" This is the code of {claim.day.isoformat()}, not of the "
                                     "day of the scan.")
    return claim
