"""A phone's own key: how a phone proves that a push, or a person's sign-in, came from it.

On first run the app makes an ECDSA P-256 key pair in WebCrypto with a private key that cannot
be exported, keeps it in IndexedDB, and gives the server its public key (SPKI DER, base64url).
WebCrypto signs in IEEE P1363 form (``r ‖ s``, 32 bytes each, base64url on the wire). It signs
one of two texts, each starting with its purpose so that a signature for one is never good for
the other:

    join = "LP-JOIN1\\n" device_id "\\n" webauthn_challenge        (a passkey sign-in on the phone)
    push = "LP-PUSH1\\n" device_id "\\n" time_ms "\\n" body_sha256  (every push: X-Device-*)

``body_sha256`` is the base64url SHA-256 of the request body's bytes as sent; ``time_ms`` the
phone's clock (corrected by the server time it last saw) in milliseconds since 1970, within
``CLOCK_TOLERANCE`` of the server's. A replayed push is harmless anyway: event ids are
idempotency keys. Pure functions of bytes and numbers: no Flask, no database.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import load_der_public_key

CLOCK_TOLERANCE = dt.timedelta(minutes=10)
_P256_SIGNATURE_BYTES = 64


class DeviceKeyError(ValueError):
    """Not a P-256 public key in SPKI form."""


def b64url_decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise DeviceKeyError("not base64url") from None


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def load_public_key(spki: str) -> ec.EllipticCurvePublicKey:
    """The phone's public key from its base64url SPKI; ``DeviceKeyError`` unless it is P-256."""
    try:
        key = load_der_public_key(b64url_decode(spki))
    except (ValueError, TypeError):
        raise DeviceKeyError("not a public key in SPKI form") from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise DeviceKeyError("not an ECDSA P-256 key")
    return key


def join_message(device_id: str, challenge: str) -> bytes:
    return f"LP-JOIN1\n{device_id}\n{challenge}".encode()


def body_digest(body: bytes) -> str:
    return b64url(hashlib.sha256(body).digest())


def push_message(device_id: str, time_ms: int, body: bytes) -> bytes:
    return f"LP-PUSH1\n{device_id}\n{time_ms}\n{body_digest(body)}".encode()


def signature_valid(spki: str, message: bytes, signature: str) -> bool:
    """Did the key ``spki`` sign ``message``? (``signature`` base64url of WebCrypto's ``r ‖ s``.)
    """
    try:
        raw = b64url_decode(signature)
        key = load_public_key(spki)
    except DeviceKeyError:
        return False
    if len(raw) != _P256_SIGNATURE_BYTES:
        return False
    r, s = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    try:
        key.verify(encode_dss_signature(r, s), message, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def time_is_fresh(time_ms: int, now: dt.datetime) -> bool:
    """Is the phone's signing time within ``CLOCK_TOLERANCE`` of the server's ``now``?"""
    try:
        signed_at = dt.datetime.fromtimestamp(time_ms / 1000, dt.UTC)
    except (OverflowError, OSError, ValueError):
        return False
    return abs(signed_at - now) <= CLOCK_TOLERANCE
