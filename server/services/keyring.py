"""The card-signing keys: private halves in the instance folder, public halves and status in the
DB."""

from __future__ import annotations

import base64
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
)
from flask import current_app
from sqlalchemy import select

from server.domain.credentials import TrustedKey, key_id
from server.extensions import db
from server.models import SigningKey
from server.services.changes import stage_change
from server.services.instance_keys import write_new_file


def active_signing_key() -> tuple[SigningKey, Ed25519PrivateKey]:
    """The newest active key and its private half; a new key is made on first use."""
    row = usable_signing_key()
    if row is None:
        return create_signing_key()
    return row, load_pem_private_key(_private_key_path(row.public_key).read_bytes(), password=None)


def usable_signing_key() -> SigningKey | None:
    """The newest active key whose private half this instance holds, if any."""
    for row in db.session.scalars(
        select(SigningKey).where(SigningKey.status == "active").order_by(SigningKey.id.desc())
    ):
        if _private_key_path(row.public_key).exists():
            return row
    return None


def create_signing_key() -> tuple[SigningKey, Ed25519PrivateKey]:
    private_key = Ed25519PrivateKey.generate()
    public_raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    public_b64 = base64.urlsafe_b64encode(public_raw).rstrip(b"=").decode()
    pem = private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    write_new_file(_private_key_path(public_b64), pem)
    row = SigningKey(kid=key_id(private_key.public_key()).hex(), public_key=public_b64,
                     status="active")
    db.session.add(row)
    db.session.flush()
    stage_change(db.session, "key", str(row.id))
    return row, private_key


def list_keys() -> list[SigningKey]:
    return list(db.session.scalars(select(SigningKey).order_by(SigningKey.id)))


def trusted_keys() -> list[TrustedKey]:
    return [
        TrustedKey(bytes.fromhex(row.kid),
                   Ed25519PublicKey.from_public_bytes(_b64decode(row.public_key)), row.status)
        for row in list_keys()
    ]


def _private_key_path(public_b64: str) -> Path:
    return (
        Path(current_app.config["LABORPASS_INSTANCE_DIR"]) / "signing-keys" / f"{public_b64}.pem"
    )


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
