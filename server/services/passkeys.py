"""Staff sign in with passkeys only: the two WebAuthn ceremonies, and one's own passkeys.

Challenges are kept server-side (py_webauthn stores nothing), single use, bound to their
purpose and five minutes old at most; user verification is required; the RP ID and origin
come from configuration. A sign counter that goes back locks the passkey (a copy of it may
exist) and is audited for admins.
"""
from __future__ import annotations

import datetime as dt
import secrets

from flask import current_app
from sqlalchemy import select, update
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from server.domain.reasons import Reason
from server.errors import NotFound, PasskeyRefused
from server.extensions import db
from server.models import EnrollmentCode, Passkey, User, WebAuthnChallenge
from server.models.types import utcnow
from server.services import audit
from server.services.enrollment import redeem
from server.services.sync.devices import join_on_sign_in
from server.services.unit_of_work import use_case

CHALLENGE_LIFETIME = dt.timedelta(minutes=5)


@use_case
def registration_options(name: str, code: str) -> tuple[str, int]:
    """Options for ``navigator.credentials.create`` and the challenge id, for a valid name and
    code."""
    enrollment = redeem(name, code)
    user = db.session.get(User, enrollment.user_id)
    if not user.webauthn_handle:
        user.webauthn_handle = bytes_to_base64url(secrets.token_bytes(32))
    existing = db.session.scalars(select(Passkey).where(Passkey.user_id == user.id,
                                                        Passkey.revoked_at.is_(None)))
    options = generate_registration_options(
        rp_id=current_app.config["LABORPASS_RP_ID"],
        rp_name=current_app.config["LABORPASS_RP_NAME"],
        user_name=user.name, user_display_name=user.name,
        user_id=base64url_to_bytes(user.webauthn_handle),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id))
                             for p in existing],
    )
    challenge = _store_challenge(options.challenge, "register", enrollment_id=enrollment.id)
    return options_to_json(options), challenge.id


@use_case
def register_passkey(
    challenge_id: int | None, credential: dict, *, name: str | None = None
) -> Passkey:
    """Verify the browser's new credential and keep it; the enrollment code is spent."""
    challenge = _consume(challenge_id, "register")
    enrollment = db.session.get(EnrollmentCode, challenge.enrollment_id)
    try:
        verified = verify_registration_response(
            credential=credential, expected_challenge=base64url_to_bytes(challenge.challenge),
            expected_rp_id=current_app.config["LABORPASS_RP_ID"],
            expected_origin=current_app.config["LABORPASS_ORIGIN"], require_user_verification=True)
    except WebAuthnException as exc:
        _fail("passkey.registration_failed", enrollment.user_id, exc)
    passkey = Passkey(user_id=enrollment.user_id,
                      credential_id=bytes_to_base64url(verified.credential_id),
                      public_key=bytes_to_base64url(verified.credential_public_key),
                      sign_count=verified.sign_count,
                      transports=(credential.get("response") or {}).get("transports") or [],
                      name=name)
    # Spent atomically: two registrations started with the same code cannot both finish.
    spent = db.session.execute(update(EnrollmentCode).where(EnrollmentCode.id == enrollment.id,
                                                            EnrollmentCode.used_at.is_(None)).values(used_at=utcnow()))
    if spent.rowcount != 1:
        db.session.rollback()
        raise PasskeyRefused(Reason.ENROLLMENT_USED,
                             "注册码已用过。 This enrollment code was already used.")
    db.session.add(passkey)
    db.session.flush()
    user = db.session.get(User, enrollment.user_id)
    audit.record("enrollment.used", actor=user, target=f"user:{user.id}")
    audit.record("passkey.registered", actor=user, target=f"passkey:{passkey.id}")
    return passkey


@use_case
def authentication_options() -> tuple[str, int]:
    """Options for ``navigator.credentials.get``: any passkey of this site (the phone shows whose).
    """
    options = generate_authentication_options(rp_id=current_app.config["LABORPASS_RP_ID"],
                                              user_verification=UserVerificationRequirement.REQUIRED)
    challenge = _store_challenge(options.challenge, "login")
    return options_to_json(options), challenge.id


@use_case
def authenticate(challenge_id: int | None, credential: dict, *, device: dict | None = None,
                 address: str | None = None) -> User:
    """The user whose passkey signed this challenge; ``PasskeyRefused`` otherwise (``address``:
    where the sign-in came from, for the audit trail). With ``device`` (its id, key and signature
    of the same challenge), the user joins that phone, bound to its key
    (``sync.devices.join_on_sign_in``); if the phone's proof fails, no one is signed in."""
    challenge = _consume(challenge_id, "login")
    passkey = db.session.scalar(
        select(Passkey).where(Passkey.credential_id == str(credential.get("id", "")))
    )
    if passkey is None or passkey.revoked_at or passkey.locked_at:
        _fail("login.failed", passkey.user_id if passkey else None,
              "unknown, revoked or locked passkey")
    user = db.session.get(User, passkey.user_id)
    if not user.active:
        _fail("login.failed", user.id, "user deactivated")
    try:
        verified = verify_authentication_response(
            credential=credential, expected_challenge=base64url_to_bytes(challenge.challenge),
            expected_rp_id=current_app.config["LABORPASS_RP_ID"],
            expected_origin=current_app.config["LABORPASS_ORIGIN"],
            credential_public_key=base64url_to_bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count, require_user_verification=True)
    except InvalidAuthenticationResponse as exc:
        if "sign count" in str(exc).lower():
            passkey.locked_at = utcnow()
            audit.record("passkey.locked", actor=user, target=f"passkey:{passkey.id}",
                         reason="sign counter went back: the passkey may have been copied")
            db.session.commit()  # kept though refused: a copied passkey stays locked
        _fail("login.failed", user.id, exc)
    except WebAuthnException as exc:
        _fail("login.failed", user.id, exc)
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = utcnow()
    db.session.commit()  # the counter moves on even if the phone's proof fails next
    if device is not None:
        join_on_sign_in(user, device_id=device["device_id"], public_key=device["public_key"],
                        signature=device["signature"], challenge=challenge.challenge)
    audit.record("login.succeeded", actor=user, target=f"passkey:{passkey.id}", address=address,
                 device=device["device_id"] if device else None)
    return user


def list_passkeys(user: User) -> list[Passkey]:
    return list(
        db.session.scalars(select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.id))
    )


@use_case
def rename_passkey(user: User, passkey_id: int, name: str) -> Passkey:
    passkey = _own_passkey(user, passkey_id)
    passkey.name = name
    return passkey


@use_case
def revoke_passkey(user: User, passkey_id: int) -> Passkey:
    passkey = _own_passkey(user, passkey_id)
    if passkey.revoked_at is None:
        passkey.revoked_at = utcnow()
        audit.record("passkey.revoked", actor=user, target=f"passkey:{passkey.id}")
    return passkey


def _store_challenge(
    challenge: bytes, purpose: str, *, enrollment_id: int | None = None
) -> WebAuthnChallenge:
    row = WebAuthnChallenge(challenge=bytes_to_base64url(challenge), purpose=purpose,
                            enrollment_id=enrollment_id, expires_at=utcnow() + CHALLENGE_LIFETIME)
    db.session.add(row)
    db.session.flush()
    return row


@use_case
def _consume(challenge_id: int | None, purpose: str) -> WebAuthnChallenge:
    """Spend the challenge atomically: a second use, another purpose or an old one is refused."""
    if challenge_id is None:
        raise PasskeyRefused()
    spent = db.session.execute(
        update(WebAuthnChallenge)
        .where(WebAuthnChallenge.id == challenge_id, WebAuthnChallenge.purpose == purpose,
               WebAuthnChallenge.used_at.is_(None), WebAuthnChallenge.expires_at > utcnow())
        .values(used_at=utcnow()))
    if spent.rowcount != 1:
        db.session.rollback()
        raise PasskeyRefused()
    # spent even if what follows fails: a challenge is never tried twice
    return db.session.get(WebAuthnChallenge, challenge_id)


def _fail(action: str, user_id: int | None, reason) -> None:
    current_app.logger.info("passkey ceremony failed: %s", reason)
    audit.record(action, target=f"user:{user_id}" if user_id else None, reason=str(reason)[:200])
    db.session.commit()  # kept though refused: the failed ceremony is audited
    raise PasskeyRefused()


def _own_passkey(user: User, passkey_id: int) -> Passkey:
    passkey = db.session.get(Passkey, passkey_id)
    if passkey is None or passkey.user_id != user.id:
        raise NotFound("passkey")
    return passkey
