"""Enrollment codes: an account opened, or a worker invited, with a one-time code handed over
in person (fifteen minutes, five wrong tries), spent by the passkey registration it opens."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select

from server.domain.fallback_codes import ALPHABET
from server.domain.reasons import Reason
from server.errors import Conflict, DomainError, Forbidden, InvalidInput, PasskeyRefused
from server.extensions import db
from server.models import Employer, EnrollmentCode, Passkey, User, current_programme
from server.models.types import utcnow
from server.services import access, audit
from server.services.unit_of_work import use_case

CODE_LIFETIME = dt.timedelta(minutes=15)


MAX_CODE_ATTEMPTS = 5


CODE_LENGTH = 10  # from the look-alike-free alphabet: about 50 bits


@use_case
def create_enrollment(
    issuer: User | None,
    *,
    name: str,
    role: str,
    county_code: str | None = None,
    employer_id: str | None = None,
    station: str | None = None,
) -> tuple[EnrollmentCode, str]:
    """A new person with a fixed role and scope, and the one-time code that lets them register a
    passkey.

    Admins enroll anyone; a county officer enrolls its own county's staff; ``issuer`` ``None``
    is the server's own command line. The plain code is answered once; only its hash is kept.
    """
    if not access.may_enroll(issuer, role, county_code):
        raise Forbidden("管理员可为任何人发放注册码，县级用户只能为本县的县、"
                        "工作站或招聘会人员发放。 An admin enrolls anyone; a county officer only "
                        "its own county's county, workstation or fair staff.")
    check_scope(role, county_code, employer_id, station)
    return _enroll(issuer, name=name, role=role, county_code=county_code, employer_id=employer_id,
                   station=station)


def check_scope(
    role: str, county_code: str | None, employer_id: str | None, station: str | None
) -> None:
    """A role's scope is named when it is enrolled: county staff their county, an employer's staff
    an employer in the program, a greeter the station."""
    errors = {}
    if role in ("county", "workstation", "fair_staff") and not county_code:
        errors["county_code"] = ["此角色须指定县。 This role needs its county."]
    elif role in ("county", "workstation", "fair_staff"):
        county = current_programme().find_county(county_code)
        if county is None or county.side != "origin" or county.code != county_code:
            errors["county_code"] = ["须为本项目输出县的现行代码。 Must be the current code of an "
                                     "origin county of the program."]
    if role == "employer" and not (employer_id and db.session.get(Employer, employer_id)):
        errors["employer_id"] = ["须为项目中的用工企业。 Must name an employer in the program."]
    elif role != "employer" and employer_id:
        errors["employer_id"] = ["仅用于企业角色。 Only for the employer role."]
    if role == "greeter" and not station:
        errors["station"] = ["须指定车站。 A greeter needs the station."]
    if errors:
        raise InvalidInput(errors)


@use_case
def invite_worker(
    issuer: User, worker_id: str, *, replace_passkeys: bool = False
) -> tuple[EnrollmentCode, str, User]:
    """A one-time code with which a worker registers a passkey on their own phone, to see their
    own record and card. The worker's account is made on the first invitation. A worker who has a
    passkey is invited again only with ``replace_passkeys``: theirs are revoked first (a lost
    phone), audited under the worker, so their record's views show it — never a second passkey
    added unseen beside the first."""
    from server.services.workers import get_worker  # workers imports nothing from here

    access.require(issuer, "worker.invite")
    worker = get_worker(worker_id, issuer)
    existing = db.session.scalar(select(User).where(User.role == "worker",
                                                    User.worker_id == worker.id))
    active = (
        list(
            db.session.scalars(
                select(Passkey).where(Passkey.user_id == existing.id, Passkey.revoked_at.is_(None))
            )
        )
        if existing
        else []
    )
    if active and not replace_passkeys:
        raise Conflict(Reason.WORKER_HAS_PASSKEY,
                       "此务工人员已有通行密钥；如手机丢失，请先撤销其密钥再邀请。 This worker "
                                             "has a passkey already: if the phone was lost, "
                                             "revoke it (replace_passkeys) and invite again.")
    for passkey in active:
        passkey.revoked_at = utcnow()
        audit.record("passkey.revoked", actor=issuer, target=f"worker:{worker.id}",
                     passkey=passkey.id, reason="invited again: phone lost or replaced")
    enrollment, code = _enroll(issuer, name=existing.name if existing
                               else f"worker-{worker.id[:8]}", role="worker",
                               county_code=worker.home_county_code, worker_id=worker.id)
    return enrollment, code, db.session.get(User, enrollment.user_id)


def _enroll(
    issuer: User | None,
    *,
    name: str,
    role: str,
    county_code: str | None,
    employer_id: str | None = None,
    station: str | None = None,
    worker_id: str | None = None,
) -> tuple[EnrollmentCode, str]:
    user = db.session.scalar(select(User).where(User.name == name))
    if user is None:
        user = User(name=name, role=role, county_code=county_code, employer_id=employer_id,
                    station=station, worker_id=worker_id)
        db.session.add(user)
        db.session.flush()
    elif (user.role, user.county_code, user.employer_id) != (
        role,
        county_code,
        employer_id,
    ) or not user.active:
        raise DomainError(Reason.USER_EXISTS, f"用户 {name} 已存在且角色不同或已停用。"
                                         f" A user {name} exists with another role or scope, or "
                                         "was revoked.")
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    now = utcnow()
    enrollment = EnrollmentCode(user_id=user.id, code_hash=_hash(code),
                                created_by=issuer.id if issuer else None,
                                created_at=now, expires_at=now + CODE_LIFETIME)
    db.session.add(enrollment)
    db.session.flush()
    audit.record("enrollment.issued", actor=issuer, target=f"user:{user.id}", role=role,
                 county_code=county_code)
    return enrollment, code


def redeem(name: str, code: str) -> EnrollmentCode:
    """The person's open enrollment if ``code`` is theirs; each wrong try counts, five lock it."""
    user = db.session.scalar(select(User).where(User.name == name))
    enrollment = user and db.session.scalar(
        select(EnrollmentCode).where(EnrollmentCode.user_id == user.id,
                                     EnrollmentCode.used_at.is_(None))
        .order_by(EnrollmentCode.id.desc()))
    refusal = PasskeyRefused(Reason.ENROLLMENT_INVALID,
                             "姓名或注册码不正确，或已过期。 Name or code is wrong or expired.")
    if (
        not enrollment
        or enrollment.expires_at <= utcnow()
        or enrollment.attempts >= MAX_CODE_ATTEMPTS
    ):
        raise refusal
    if not secrets.compare_digest(_hash(code.strip().upper().replace("-", "")),
                                  enrollment.code_hash):
        enrollment.attempts += 1
        audit.record("enrollment.failed", target=f"user:{user.id}", attempts=enrollment.attempts)
        db.session.commit()  # kept though refused: the attempt counts toward the limit
        raise refusal
    return enrollment


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()
