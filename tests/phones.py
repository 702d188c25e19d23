"""Phones for API tests: a passkey as an authenticator keeps it, and a phone's own key, both
written from the WebAuthn and WebCrypto specifications (not from the server's code), so that the
server's real checks (py_webauthn, ``domain.device_keys``) are what each test exercises. The
browser tests do the same with Chromium's virtual authenticator and WebCrypto."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
import time

import cbor2
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from server.extensions import db
from server.models import User
from server.services import enrollment

ORIGIN, RP_ID = "http://localhost:5000", "localhost"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def p1363(key: ec.EllipticCurvePrivateKey, message: bytes) -> str:
    """An ECDSA P-256 signature as WebCrypto makes it: r ‖ s, 32 bytes each."""
    r, s = decode_dss_signature(key.sign(message, ec.ECDSA(hashes.SHA256())))
    return b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


class SoftPasskey:
    """A resident ES256 passkey with user verification (attestation "none")."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.sign_count = 0
        self.user_handle = b""

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": ORIGIN, "crossOrigin": False}
        ).encode()

    def _auth_data(self, flags: int, attested: bytes = b"") -> bytes:
        self.sign_count += 1
        return (
            hashlib.sha256(RP_ID.encode()).digest()
            + bytes([flags])
            + struct.pack(">I", self.sign_count)
            + attested
        )

    def create(self, options: dict) -> dict:
        self.user_handle = unb64url(options["user"]["id"])
        numbers = self.key.public_key().public_numbers()
        cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                            -3: numbers.y.to_bytes(32, "big")})
        attested = (
            bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id + cose
        )
        # user present, verified, attested credential data
        auth_data = self._auth_data(0x45, attested)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {"id": b64url(self.credential_id), "rawId": b64url(self.credential_id),
                "type": "public-key",
                "response": {"clientDataJSON": b64url(self._client_data("webauthn.create",
                                                                        options["challenge"])),
                             "attestationObject": b64url(attestation), "transports": ["internal"]},
                "clientExtensionResults": {}}

    def get(self, options: dict) -> dict:
        client_data = self._client_data("webauthn.get", options["challenge"])
        auth_data = self._auth_data(0x05)  # user present, verified
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(),
                                  ec.ECDSA(hashes.SHA256()))
        return {"id": b64url(self.credential_id), "rawId": b64url(self.credential_id),
                "type": "public-key",
                "response": {"clientDataJSON": b64url(client_data),
                             "authenticatorData": b64url(auth_data),
                             "signature": b64url(signature),
                             "userHandle": b64url(self.user_handle)},
                "clientExtensionResults": {}}


class Phone:
    """A phone: its id, its own key (made as the app makes it), a browser (a test client with its
    cookie jar), and the passkeys of the people who enrolled on it."""

    def __init__(self, app, device_id: str):
        self.client = app.test_client()
        self.device_id = device_id
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.passkeys: dict[str, SoftPasskey] = {}
        self.csrf = ""
        self.clock_offset_ms = 0

    @property
    def public_key(self) -> str:
        return b64url(self.key.public_key().public_bytes(serialization.Encoding.DER,
                                                         serialization.PublicFormat.SubjectPublicKeyInfo))

    def join_proof(self, challenge: str, key: ec.EllipticCurvePrivateKey | None = None) -> dict:
        signature = p1363(key or self.key, f"LP-JOIN1\n{self.device_id}\n{challenge}".encode())
        return {"device_id": self.device_id, "public_key": self.public_key, "signature": signature}

    def enroll(self, user: User) -> None:
        """The person registers a passkey on this phone with a one-time code (as an officer gives
        it)."""
        _, code = enrollment._enroll(None, name=user.name, role=user.role,
                                     county_code=user.county_code,
                                   employer_id=user.employer_id, station=user.station,
                                     worker_id=user.worker_id)
        options = self.client.post("/api/auth/register/options",
                                   json={"name": user.name, "code": code})
        assert options.status_code == 200, options.json
        passkey = self.passkeys.setdefault(user.name, SoftPasskey())
        done = self.client.post("/api/auth/register/verify",
                                json={"credential": passkey.create(options.json)})
        assert done.status_code == 201, done.json

    def sign_in(self, user: User, *, proof=True, expect: int = 200, **proof_options):
        """Sign in with the person's passkey; with the phone's signature of the challenge unless
        ``proof`` is False."""
        if user.name not in self.passkeys:
            self.enroll(db.session.get(User, user.id))
        options = self.client.post("/api/auth/login/options").json
        body = {"credential": self.passkeys[user.name].get(options)}
        if proof:
            body["device"] = (
                self.join_proof(options["challenge"], **proof_options)
                if proof is True
                else proof(options)
            )
        response = self.client.post("/api/auth/login/verify", json=body)
        assert response.status_code == expect, response.json
        if expect == 200:
            self.csrf = response.json["csrf_token"]
        return response

    def sign_out(self) -> None:
        assert (
            self.client.post("/api/auth/logout", headers={"X-CSRF-Token": self.csrf}).status_code
            == 204
        )
        self.csrf = ""

    def push(self, *events, signed=True, key=None, time_ms=None, headers=None, device_id=None):
        """A push as the app sends it: the body's exact text signed by the phone (unless ``signed``
        is False)."""
        body = json.dumps(
            {"device_id": device_id or self.device_id, "events": list(events)}
        ).encode()
        sent = {"Content-Type": "application/json", "X-CSRF-Token": self.csrf} | (headers or {})
        if signed:
            at = time_ms if time_ms is not None else int(time.time() * 1000) + self.clock_offset_ms
            digest = b64url(hashlib.sha256(body).digest())
            message = f"LP-PUSH1\n{device_id or self.device_id}\n{at}\n{digest}".encode()
            sent |= {"X-Device-Time": str(at),
                     "X-Device-Signature": p1363(key or self.key, message)}
        return self.client.post("/api/sync/push", data=body, headers=sent)
