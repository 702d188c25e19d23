"""Protection of ID numbers at rest: AES-256-GCM ciphertext and an HMAC-SHA-256 blind index.

The ciphertext is bound to its worker and field (associated data), so a value copied onto
another record does not decrypt. The blind index is keyed: a plain hash of an ID number
would be brute-forced in hours (the space is about 2^37).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

KEY_VERSION = "v1"


def encrypt_field(worker_id: str, field: str, plaintext: str) -> str:
    nonce = os.urandom(12)
    ciphertext = AESGCM(_key("LABORPASS_DATA_KEY")).encrypt(nonce, plaintext.encode(),
                                                            _aad(worker_id, field))
    return f"{KEY_VERSION}:" + base64.urlsafe_b64encode(nonce + ciphertext).decode()


def decrypt_field(worker_id: str, field: str, token: str) -> str:
    version, _, payload = token.partition(":")
    if version != KEY_VERSION:
        raise ValueError(f"unknown key version {version}")
    raw = base64.urlsafe_b64decode(payload)
    return (
        AESGCM(_key("LABORPASS_DATA_KEY"))
        .decrypt(raw[:12], raw[12:], _aad(worker_id, field))
        .decode()
    )


def blind_index(normalized_value: str) -> str:
    return hmac.new(
        _key("LABORPASS_INDEX_KEY"), normalized_value.encode(), hashlib.sha256
    ).hexdigest()


def _key(name: str) -> bytes:
    return current_app.config[name]


def _aad(worker_id: str, field: str) -> bytes:
    return f"{worker_id}|{field}".encode()
