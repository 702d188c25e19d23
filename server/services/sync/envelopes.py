"""What an envelope is before the database is asked: sound or not, its digest, and its card's
claims."""

from __future__ import annotations

import binascii
import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from marshmallow import ValidationError

from schemas.base import flatten_errors
from schemas.sync import SERVER_FIELDS, EnvelopeSchema
from server.domain import calendar
from server.domain.credentials import CredentialError, verify_credential
from server.domain.id_numbers import PROTECTED_FIELDS, mask_from_parts, normalize_id_number
from server.domain.reasons import Reason
from server.errors import InvalidInput, Rejected
from server.services.protection import blind_index, decrypt_field, encrypt_field

ENVELOPE = EnvelopeSchema()


def envelope_hash(raw: dict) -> str:
    """What identifies the content a device sent, whatever its key order; server fields excluded.
    """
    content = {k: v for k, v in raw.items() if k not in SERVER_FIELDS}
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


@dataclass
class Checked:
    """What an envelope is, found without the database: its digest, and its validated form or
    why it is invalid."""

    raw: object
    event_id: str | None
    digest: str | None = None
    envelope: dict | None = None
    invalid: Rejected | None = None


def check_envelope(raw) -> Checked:
    if not isinstance(raw, dict):
        return Checked(raw, None,
                       invalid=Rejected(Reason.INVALID_ENVELOPE, "an event must be a JSON object"))
    if _has_surrogate(raw):
        # no database stores it, nor can it be hashed: kept with U+FFFD in its place, refused
        raw = _replace_surrogates(raw)
        event_id = raw["id"][:100] if isinstance(raw.get("id"), str) else None
        return Checked(raw, event_id, envelope_hash(raw), invalid=Rejected(
            Reason.INVALID_ENVELOPE, "含有无效的字符编码（单个代理项）。"
            " Contains text that is not Unicode (a lone surrogate)."))
    event_id = raw["id"][:100] if isinstance(raw.get("id"), str) else None
    checked = Checked(raw, event_id, envelope_hash(raw))
    try:
        checked.envelope = ENVELOPE.load(raw)
    except ValidationError as exc:
        checked.invalid = Rejected(Reason.INVALID_ENVELOPE, describe(exc.messages))
    return checked


def _has_surrogate(value) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False


def _replace_surrogates(value):
    if isinstance(value, str):
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in value)
    if isinstance(value, dict):
        return {_replace_surrogates(k): _replace_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_surrogates(v) for v in value]
    return value


def describe(messages) -> str:
    return "; ".join(f"{name}: {' '.join(texts)}" for name,
                     texts in flatten_errors(messages).items())


def sealed(raw, binding: str) -> dict:
    """The envelope as quarantine keeps it: an ID number it carried kept as the workers table keeps
    one — AES-GCM ciphertext bound to ``binding`` (the entry's device and event id) and the blind
    index, never in clear — and masked for the answers."""
    if not isinstance(raw, dict):
        return {"value": raw}
    data = raw.get("data")
    if not isinstance(data, dict):
        return raw
    # what only the server writes is never kept as a phone sent it (a forged ciphertext would not
    # open)
    data = {k: v for k, v in data.items() if k not in (*PROTECTED_FIELDS, "id_number_masked")}
    if "id_number" not in data:
        return raw | {"data": data}
    number = str(data["id_number"])
    normalised = normalize_id_number(number)
    kept = {k: v for k, v in data.items() if k != "id_number"} | {
        "id_number_enc": encrypt_field(binding, "id_number", number),
        "id_number_bidx": blind_index(normalised),
        "id_number_masked": mask_from_parts(normalised[:6], normalised[-4:])
        if len(normalised) > 10 else "*" * len(normalised)}
    return raw | {"data": kept}


def unsealed(envelope: dict, binding: str) -> dict:
    """The envelope as the phone sent it (for re-applying it): the ID number decrypted."""
    data = envelope.get("data")
    if not isinstance(data, dict) or "id_number_enc" not in data:
        return envelope
    try:
        number = decrypt_field(binding, "id_number", data["id_number_enc"])
    except (InvalidTag, ValueError, TypeError, binascii.Error):
        raise InvalidInput({"envelope": ["此条的身份证号无法解密（不是服务器加密的）。 This "
                                         "entry's ID number does not open: the server did not "
                                         "seal it."]}) from None
    return envelope | {"data": {k: v for k, v in data.items()
                                if k not in (*PROTECTED_FIELDS, "id_number_masked")}
                       | {"id_number": number}}


def quarantine_binding(device_id: str, event_id: str | None) -> str:
    return f"quarantine|{device_id}|{event_id or ''}"


class CardVerifier:
    """Checks scanned card texts against the trusted keys, each text once."""

    def __init__(self, trusted_keys: list):
        self.trusted_keys = trusted_keys
        self.today = calendar.today()
        self.results: dict[str, object] = {}

    def verify_all(self, texts) -> None:
        for text_value in texts:
            self.verify(text_value)

    def verify(self, text_value: str, *, on: dt.date | None = None):
        """The card's claims, or the ``CredentialError``; expiry counts on the day ``on`` (the
        scan's)."""
        if text_value not in self.results:
            self.results[text_value] = self._verify(text_value, self.today)
        result = self.results[text_value]
        if on is not None and isinstance(result, CredentialError) and result.reason == "expired":
            return self._verify(text_value, on)  # a card valid on the day of the scan was valid
        return result

    def _verify(self, text_value: str, day: dt.date):
        try:
            return verify_credential(text_value, self.trusted_keys, today=day)[0]
        except CredentialError as exc:
            return exc
