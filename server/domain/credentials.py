"""The worker's signed QR identity, ``LP1``.

QR text (alphanumeric mode, so the whole text uses the QR alphanumeric set)::

    "LP1:" + Base45(envelope)                                 Base45: RFC 9285

    envelope = version ‖ kid ‖ payload ‖ signature
      version    1 byte   0x01
      kid        4 bytes  SHA-256(raw 32-byte Ed25519 public key)[0:4]
      payload    n bytes  CBOR map, deterministic encoding (RFC 8949 §4.2.1: shortest
                          forms, definite lengths, keys sorted), exactly these keys:
                            1  serial        byte string, 8 random bytes (the card's handle)
                            2  issued        unsigned int, days since 1970-01-01
                            3  expires       unsigned int, days since 1970-01-01
                            4  display name  text string, at most 18 bytes of UTF-8
                            5  ID last four  text string, 4 characters (digits or X)
                            6  county        unsigned int, issuing county code (e.g. 621121)
      signature 64 bytes  Ed25519 over version ‖ kid ‖ payload

A verifier: strip the prefix, Base45-decode, read the version, take every trusted key whose
kid matches (4-byte kids can collide: try each), verify the signature over the bytes as
received, then decode the CBOR refusing duplicate keys and anything that does not re-encode
to the same bytes, then check the dates and the revocation list of serials. The payload
never holds the full ID number, the phone, the village or the poor-household flag: anyone
with a phone can read a QR, the signature only proves it is genuine. There is no
compression: at this size zlib makes the data larger.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from server.domain.base45 import Base45Error, b45decode, b45encode
from server.domain.reasons import Reason

PREFIX = "LP1:"
VERSION = 1
KID_LENGTH = 4
SIGNATURE_LENGTH = 64
SERIAL_LENGTH = 8
NAME_BUDGET = 18  # bytes of UTF-8: six Chinese characters
LAST_DAY = 47481  # 2099-12-31, in days since 1970-01-01: the unsigned day numbers a card may carry
COUNTY_CODES = (100000, 999999)  # a six-digit administrative code
MAX_TEXT_LENGTH = 400
EPOCH = dt.date(1970, 1, 1)


_KEYS = {1: bytes, 2: int, 3: int, 4: str, 5: str, 6: int}


class CredentialError(ValueError):
    """A QR text that is not a valid card; ``reason`` is one of ``reasons.CARD_REFUSALS``."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class CardClaims:
    serial: bytes
    issued_on: dt.date
    expires_on: dt.date
    display_name: str
    id_last4: str
    county_code: int


@dataclass(frozen=True)
class TrustedKey:
    kid: bytes
    public_key: Ed25519PublicKey
    status: str  # "active" | "verify_only" | "revoked"


def key_id(public_key: Ed25519PublicKey) -> bytes:
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).digest()[:KID_LENGTH]


def shorten_display_name(name: str) -> str:
    """The name as it fits the QR: whole if it fits 18 bytes, else cut and ended with ``…``."""
    name = name.strip()
    if len(name.encode()) <= NAME_BUDGET:
        return name
    room = NAME_BUDGET - len("…".encode())
    cut = ""
    for char in name:
        if len((cut + char).encode()) > room:
            break
        cut += char
    return cut + "…"


def encode_claims(claims: CardClaims) -> bytes:
    return cbor2.dumps(
        {
            1: claims.serial,
            2: (claims.issued_on - EPOCH).days,
            3: (claims.expires_on - EPOCH).days,
            4: claims.display_name,
            5: claims.id_last4,
            6: claims.county_code,
        },
        canonical=True,
    )


def decode_claims(payload: bytes) -> CardClaims:
    """Strict decode: exactly the six keys with their types, deterministic encoding only."""
    try:
        data = cbor2.loads(payload, allow_duplicate_keys=False, allow_indefinite=False)
    except (cbor2.CBORDecodeError, ValueError, TypeError) as exc:
        raise CredentialError(Reason.MALFORMED, f"payload is not valid CBOR: {exc}") from None
    if not isinstance(data, dict) or set(data) != set(_KEYS):
        raise CredentialError(Reason.MALFORMED, "payload does not have the LP1 fields")
    for key, kind in _KEYS.items():
        if type(data[key]) is not kind:
            raise CredentialError(Reason.MALFORMED, f"payload field {key} has the wrong type")
    if cbor2.dumps(data, canonical=True) != payload:
        raise CredentialError(Reason.MALFORMED, "payload is not deterministically encoded")
    if len(data[1]) != SERIAL_LENGTH or len(data[4].encode()) > NAME_BUDGET or len(data[5]) != 4:
        raise CredentialError(Reason.MALFORMED, "payload field out of range")
    if not (0 <= data[2] <= LAST_DAY and 0 <= data[3] <= LAST_DAY
            and COUNTY_CODES[0] <= data[6] <= COUNTY_CODES[1]):
        raise CredentialError(Reason.MALFORMED,
                              "payload number out of range: days since 1970 up to 2099, a "
                              "six-digit county")
    issued, expires = EPOCH + dt.timedelta(days=data[2]), EPOCH + dt.timedelta(days=data[3])
    if expires < issued:
        raise CredentialError(Reason.MALFORMED, "card expires before it was issued")
    return CardClaims(data[1], issued, expires, data[4], data[5], data[6])


def sign_credential(claims: CardClaims, private_key: Ed25519PrivateKey) -> str:
    """The QR text for ``claims``, signed with ``private_key``."""
    body = bytes([VERSION]) + key_id(private_key.public_key()) + encode_claims(claims)
    return PREFIX + b45encode(body + private_key.sign(body))


def verify_credential(
    text: str, trusted_keys: Iterable[TrustedKey], *, today: dt.date
) -> tuple[CardClaims, TrustedKey]:
    """Return the claims and the key that signed them; raise ``CredentialError`` otherwise.

    Does not know about revoked *serials*: the caller checks ``claims.serial`` against its
    revocation list.
    """
    payload, signer = open_signed(text, PREFIX, trusted_keys)
    claims = decode_claims(payload)
    if today > claims.expires_on:
        raise CredentialError(Reason.EXPIRED, f"card expired on {claims.expires_on.isoformat()}")
    return claims, signer


def open_signed(
    text: str, prefix: str, trusted_keys: Iterable[TrustedKey]
) -> tuple[bytes, TrustedKey]:
    """The payload of a signed text (``prefix`` + Base45 of version ‖ kid ‖ payload ‖ signature)
    and the trusted key that signed it; ``CredentialError`` for anything else."""
    envelope = _envelope(text, prefix)
    kid = envelope[1:1 + KID_LENGTH]
    body, signature = envelope[:-SIGNATURE_LENGTH], envelope[-SIGNATURE_LENGTH:]
    candidates = [key for key in trusted_keys if key.kid == kid]
    if not candidates:
        raise CredentialError(Reason.UNKNOWN_KEY, f"signed by unknown key {kid.hex()}")
    signer = next((key for key in candidates if _is_signed_by(key, body, signature)), None)
    if signer is None:
        raise CredentialError(Reason.BAD_SIGNATURE, "signature does not match the data")
    if signer.status == "revoked":
        raise CredentialError(Reason.REVOKED, "the key that signed this has been withdrawn")
    return body[1 + KID_LENGTH:], signer


def claims_unverified(text: str) -> CardClaims:
    """What a card says, its signature unchecked: for a reviewer reading a refused scan (a forged
    card says what its maker wrote; anyone reads as much off the QR). ``CredentialError`` if it is
    no card at all."""
    envelope = _envelope(text, PREFIX)
    return decode_claims(envelope[1 + KID_LENGTH:-SIGNATURE_LENGTH])


def _envelope(text: str, prefix: str) -> bytes:
    """version ‖ kid ‖ payload ‖ signature, of a text that has the shape of a signed code."""
    text = text.strip()
    if not text.startswith(prefix) or len(text) > MAX_TEXT_LENGTH:
        raise CredentialError(Reason.MALFORMED,
                              f"not a LaborPass code (no {prefix} prefix or too long)")
    try:
        envelope = b45decode(text[len(prefix):])
    except Base45Error as exc:
        raise CredentialError(Reason.MALFORMED, f"not a LaborPass code: {exc}") from None
    if len(envelope) < 1 + KID_LENGTH + 1 + SIGNATURE_LENGTH:
        raise CredentialError(Reason.MALFORMED, "the code's data is truncated")
    if envelope[0] != VERSION:
        raise CredentialError(Reason.UNSUPPORTED_VERSION,
                              f"format version {envelope[0]} is not supported")
    return envelope


def _is_signed_by(key: TrustedKey, body: bytes, signature: bytes) -> bool:
    try:
        key.public_key.verify(signature, body)
    except InvalidSignature:
        return False
    return True
