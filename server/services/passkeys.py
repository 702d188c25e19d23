"""Staff sign in with passkeys only: enrollment codes, and the two WebAuthn ceremonies.

Challenges are kept server-side (py_webauthn stores nothing), single use, bound to their
purpose and five minutes old at most; user verification is required; the RP ID and origin
come from configuration. A sign counter that goes back locks the passkey (a copy of it may
exist) and is audited for admins.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask import current_app
from sqlalchemy import func, select, update
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

from server.domain.fallback_codes import ALPHABET
from server.domain.reasons import Reason
from server.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, PasskeyRefused
from server.extensions import db
from server.models import ApiToken, Device, DeviceUser, Employer, EnrollmentCode, Passkey, User, WebAuthnChallenge
from server.models.types import utcnow
from server.services import access, audit
from server.services.queries import Page, paginate
from server.services.sync.devices import join_on_sign_in
from server.services.unit_of_work import use_case

CODE_LIFETIME = dt.timedelta(minutes=15)
CHALLENGE_LIFETIME = dt.timedelta(minutes=5)
MAX_CODE_ATTEMPTS = 5
CODE_LENGTH = 10  # from the look-alike-free alphabet: about 50 bits


# ---------------------------------------------------------------- enrollment codes


@use_case
def create_enrollment(issuer: User | None, *, name: str, role: str, county_code: str | None = None,
                      employer_id: str | None = None, station: str | None = None) -> tuple[EnrollmentCode, str]:
    """A new person with a fixed role and scope, and the one-time code that lets them register a passkey.

    Admins enroll anyone; a county officer enrolls its own county's staff; ``issuer`` ``None``
    is the server's own command line. The plain code is answered once; only its hash is kept.
    """
    if not access.may_enroll(issuer, role, county_code):
        raise Forbidden("管理员可为任何人发放注册码，县级用户只能为本县的县、工作站或招聘会人员发放。"
                        " An admin enrolls anyone; a county officer only its own county's county, workstation"
                        " or fair staff.")
    _check_scope(role, county_code, employer_id, station)
    return _enroll(issuer, name=name, role=role, county_code=county_code, employer_id=employer_id, station=station)


def _check_scope(role: str, county_code: str | None, employer_id: str | None, station: str | None) -> None:
    """A role's scope is named when it is enrolled: county staff their county, an employer's staff
    an employer in the program, a greeter the station."""
    errors = {}
    if role in ("county", "workstation", "fair_staff") and not county_code:
        errors["county_code"] = ["此角色须指定县。 This role needs its county."]
    if role == "employer" and not (employer_id and db.session.get(Employer, employer_id)):
        errors["employer_id"] = ["须为项目中的用工企业。 Must name an employer in the program."]
    elif role != "employer" and employer_id:
        errors["employer_id"] = ["仅用于企业角色。 Only for the employer role."]
    if role == "greeter" and not station:
        errors["station"] = ["须指定车站。 A greeter needs the station."]
    if errors:
        raise InvalidInput(errors)


@use_case
def invite_worker(issuer: User, worker_id: str, *, replace_passkeys: bool = False) -> tuple[EnrollmentCode, str, User]:
    """A one-time code with which a worker registers a passkey on their own phone, to see their
    own record and card. The worker's account is made on the first invitation. A worker who has a
    passkey is invited again only with ``replace_passkeys``: theirs are revoked first (a lost
    phone), audited under the worker, so their record's views show it — never a second passkey added
    unseen beside the first."""
    from server.services.registry import get_worker  # registry imports nothing from here

    access.require(issuer, "worker.invite")
    worker = get_worker(worker_id, issuer)
    existing = db.session.scalar(select(User).where(User.role == "worker", User.worker_id == worker.id))
    active = list(db.session.scalars(select(Passkey).where(Passkey.user_id == existing.id,
                                                           Passkey.revoked_at.is_(None)))) if existing else []
    if active and not replace_passkeys:
        raise Conflict(Reason.WORKER_HAS_PASSKEY, "此务工人员已有通行密钥；如手机丢失，请先撤销其密钥再邀请。"
                                             " This worker has a passkey already: if the phone was lost, revoke it"
                                             " (replace_passkeys) and invite again.")
    for passkey in active:
        passkey.revoked_at = utcnow()
        audit.record("passkey.revoked", actor=issuer, target=f"worker:{worker.id}", passkey=passkey.id,
                     reason="invited again: phone lost or replaced")
    enrollment, code = _enroll(issuer, name=existing.name if existing else f"worker-{worker.id[:8]}", role="worker",
                               county_code=worker.home_county_code, worker_id=worker.id)
    return enrollment, code, db.session.get(User, enrollment.user_id)


def _enroll(issuer: User | None, *, name: str, role: str, county_code: str | None, employer_id: str | None = None,
            station: str | None = None, worker_id: str | None = None) -> tuple[EnrollmentCode, str]:
    user = db.session.scalar(select(User).where(User.name == name))
    if user is None:
        user = User(name=name, role=role, county_code=county_code, employer_id=employer_id, station=station,
                    worker_id=worker_id)
        db.session.add(user)
        db.session.flush()
    elif (user.role, user.county_code, user.employer_id) != (role, county_code, employer_id) or not user.active:
        raise DomainError(Reason.USER_EXISTS, f"用户 {name} 已存在且角色不同或已停用。"
                                         f" A user {name} exists with another role or scope, or was revoked.")
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    now = utcnow()
    enrollment = EnrollmentCode(user_id=user.id, code_hash=_hash(code), created_by=issuer.id if issuer else None,
                                created_at=now, expires_at=now + CODE_LIFETIME)
    db.session.add(enrollment)
    db.session.flush()
    audit.record("enrollment.issued", actor=issuer, target=f"user:{user.id}", role=role, county_code=county_code)
    return enrollment, code


@use_case
def registration_options(name: str, code: str) -> tuple[str, int]:
    """Options for ``navigator.credentials.create`` and the challenge id, for a valid name and code."""
    enrollment = _redeem(name, code)
    user = db.session.get(User, enrollment.user_id)
    if not user.webauthn_handle:
        user.webauthn_handle = bytes_to_base64url(secrets.token_bytes(32))
    existing = db.session.scalars(select(Passkey).where(Passkey.user_id == user.id, Passkey.revoked_at.is_(None)))
    options = generate_registration_options(
        rp_id=current_app.config["LABORPASS_RP_ID"], rp_name=current_app.config["LABORPASS_RP_NAME"],
        user_name=user.name, user_display_name=user.name, user_id=base64url_to_bytes(user.webauthn_handle),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED, user_verification=UserVerificationRequirement.REQUIRED),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id)) for p in existing],
    )
    challenge = _store_challenge(options.challenge, "register", enrollment_id=enrollment.id)
    return options_to_json(options), challenge.id


@use_case
def register_passkey(challenge_id: int | None, credential: dict, *, name: str | None = None) -> Passkey:
    """Verify the browser's new credential and keep it; the enrollment code is spent."""
    challenge = _consume(challenge_id, "register")
    enrollment = db.session.get(EnrollmentCode, challenge.enrollment_id)
    try:
        verified = verify_registration_response(
            credential=credential, expected_challenge=base64url_to_bytes(challenge.challenge),
            expected_rp_id=current_app.config["LABORPASS_RP_ID"], expected_origin=current_app.config["LABORPASS_ORIGIN"],
            require_user_verification=True)
    except WebAuthnException as exc:
        _fail("passkey.registration_failed", enrollment.user_id, exc)
    passkey = Passkey(user_id=enrollment.user_id, credential_id=bytes_to_base64url(verified.credential_id),
                      public_key=bytes_to_base64url(verified.credential_public_key), sign_count=verified.sign_count,
                      transports=(credential.get("response") or {}).get("transports") or [], name=name)
    # Spent atomically: two registrations started with the same code cannot both finish.
    spent = db.session.execute(update(EnrollmentCode).where(EnrollmentCode.id == enrollment.id,
                                                            EnrollmentCode.used_at.is_(None)).values(used_at=utcnow()))
    if spent.rowcount != 1:
        db.session.rollback()
        raise PasskeyRefused(Reason.ENROLLMENT_USED, "注册码已用过。 This enrollment code was already used.")
    db.session.add(passkey)
    db.session.flush()
    user = db.session.get(User, enrollment.user_id)
    audit.record("enrollment.used", actor=user, target=f"user:{user.id}")
    audit.record("passkey.registered", actor=user, target=f"passkey:{passkey.id}")
    return passkey


@use_case
def revoke_access(admin: User, user_id: int) -> User:
    """Take a person's access away entirely: sign-in, tokens, passkeys. The phones only they used
    are blocked; on a phone shared with others, their queued scans are quarantined when pushed
    (``scanner_revoked``) and the others go on working. Either way nothing is lost unseen."""
    access.require(admin, "users.manage")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("user")
    if user.id == admin.id:
        raise Conflict(Reason.CANNOT_REVOKE_SELF, "不能撤销自己的权限：请另一位管理员操作。 "
                                             "You cannot revoke your own access: ask another admin.")
    now = utcnow()
    user.active = False
    for row in db.session.scalars(select(Passkey).where(Passkey.user_id == user.id, Passkey.revoked_at.is_(None))):
        row.revoked_at = now
    for row in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))):
        row.revoked_at = now
    for device in db.session.scalars(select(Device).where(Device.blocked_at.is_(None), Device.id.in_(_own_devices(user)))):
        device.blocked_at, device.blocked_reason = now, f"access of {user.name} revoked"
    audit.record("user.access_revoked", actor=admin, target=f"user:{user.id}", role=user.role)
    return user


def _own_devices(user: User):
    """The ids of the devices ``user`` has used that nobody else has."""
    others = select(DeviceUser.device_id).where(DeviceUser.user_id != user.id)
    return select(DeviceUser.device_id).where(DeviceUser.user_id == user.id, DeviceUser.device_id.not_in(others))


def list_users(viewer: User, args: dict) -> Page:
    """The accounts ``viewer`` manages, newest first, and how many there are in all pages.

    Exactly those ``viewer`` may enroll or revoke: an admin everyone; a county officer its own
    county's county, workstation and fair staff (``access.may_enroll``); anyone else is
    ``Forbidden``. Each row says who and what scope, its passkeys that still sign in, and whether
    ``viewer`` may revoke it; never an enrollment code, a passkey's key, or an ID number.
    """
    query = access.scope_users(select(User), viewer)
    if args.get("role"):
        query = query.where(User.role == args["role"])
    if args.get("active") is not None:
        query = query.where(User.active.is_(args["active"]))
    page = paginate(query.order_by(User.created_at.desc(), User.id.desc()), args)
    users = page.items
    ids = [user.id for user in users]
    usable = select(Passkey.user_id, func.count(), func.max(Passkey.last_used_at)).where(
        Passkey.user_id.in_(ids), Passkey.revoked_at.is_(None), Passkey.locked_at.is_(None)).group_by(Passkey.user_id)
    passkeys = {user_id: (count, last) for user_id, count, last in db.session.execute(usable)}
    employers = dict(db.session.execute(select(Employer.id, Employer.name).where(
        Employer.id.in_({user.employer_id for user in users if user.employer_id}))).all())
    may_revoke = viewer.role in access.PERMISSIONS["users.manage"]
    return page.with_items([{
        "id": user.id, "name": user.name, "role": user.role, "county_code": user.county_code,
        "station": user.station, "employer_id": user.employer_id, "employer_name": employers.get(user.employer_id),
        "active": user.active, "created_at": user.created_at, "passkeys": passkeys.get(user.id, (0, None))[0],
        "last_sign_in_at": passkeys.get(user.id, (0, None))[1],
        "may_revoke": may_revoke and user.active and user.id != viewer.id} for user in users])


# ---------------------------------------------------------------- sign-in


@use_case
def authentication_options() -> tuple[str, int]:
    """Options for ``navigator.credentials.get``: any passkey of this site (the phone shows whose)."""
    options = generate_authentication_options(rp_id=current_app.config["LABORPASS_RP_ID"],
                                              user_verification=UserVerificationRequirement.REQUIRED)
    challenge = _store_challenge(options.challenge, "login")
    return options_to_json(options), challenge.id


@use_case
def authenticate(challenge_id: int | None, credential: dict, *, device: dict | None = None,
                 address: str | None = None) -> User:
    """The user whose passkey signed this challenge; ``PasskeyRefused`` otherwise (``address``: where
    the sign-in came from, for the audit trail). With ``device``
    (its id, key and signature of the same challenge), the user joins that phone, bound to its key
    (``sync.devices.join_on_sign_in``); if the phone's proof fails, no one is signed in."""
    challenge = _consume(challenge_id, "login")
    passkey = db.session.scalar(select(Passkey).where(Passkey.credential_id == str(credential.get("id", ""))))
    if passkey is None or passkey.revoked_at or passkey.locked_at:
        _fail("login.failed", passkey.user_id if passkey else None, "unknown, revoked or locked passkey")
    user = db.session.get(User, passkey.user_id)
    if not user.active:
        _fail("login.failed", user.id, "user deactivated")
    try:
        verified = verify_authentication_response(
            credential=credential, expected_challenge=base64url_to_bytes(challenge.challenge),
            expected_rp_id=current_app.config["LABORPASS_RP_ID"], expected_origin=current_app.config["LABORPASS_ORIGIN"],
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
    passkey.sign_count, passkey.last_used_at = verified.new_sign_count, utcnow()
    db.session.commit()  # the counter moves on even if the phone's proof fails next
    if device is not None:
        join_on_sign_in(user, device_id=device["device_id"], public_key=device["public_key"],
                        signature=device["signature"], challenge=challenge.challenge)
    audit.record("login.succeeded", actor=user, target=f"passkey:{passkey.id}", address=address,
                 device=device["device_id"] if device else None)
    return user


# ---------------------------------------------------------------- one's own passkeys


def list_passkeys(user: User) -> list[Passkey]:
    return list(db.session.scalars(select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.id)))


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


# ---------------------------------------------------------------- internals


def _redeem(name: str, code: str) -> EnrollmentCode:
    """The person's open enrollment if ``code`` is theirs; each wrong try counts, five lock it."""
    user = db.session.scalar(select(User).where(User.name == name))
    enrollment = user and db.session.scalar(
        select(EnrollmentCode).where(EnrollmentCode.user_id == user.id, EnrollmentCode.used_at.is_(None))
        .order_by(EnrollmentCode.id.desc()))
    refusal = PasskeyRefused(Reason.ENROLLMENT_INVALID, "姓名或注册码不正确，或已过期。 Name or code is wrong or expired.")
    if not enrollment or enrollment.expires_at <= utcnow() or enrollment.attempts >= MAX_CODE_ATTEMPTS:
        raise refusal
    if not secrets.compare_digest(_hash(code.strip().upper().replace("-", "")), enrollment.code_hash):
        enrollment.attempts += 1
        audit.record("enrollment.failed", target=f"user:{user.id}", attempts=enrollment.attempts)
        db.session.commit()  # kept though refused: the attempt counts toward the limit
        raise refusal
    return enrollment


def _store_challenge(challenge: bytes, purpose: str, *, enrollment_id: int | None = None) -> WebAuthnChallenge:
    row = WebAuthnChallenge(challenge=bytes_to_base64url(challenge), purpose=purpose, enrollment_id=enrollment_id,
                            expires_at=utcnow() + CHALLENGE_LIFETIME)
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


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()
