"""The accounts one manages: listed with their scope and the passkeys that still sign in, and a
person's access taken away entirely."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from server.domain.reasons import Reason
from server.errors import Conflict, NotFound
from server.extensions import db
from server.models import ApiToken, Device, DeviceUser, Employer, Passkey, User, Worker
from server.models.types import utcnow
from server.services import access, audit
from server.services.queries import Page, paginate
from server.services.unit_of_work import use_case


@dataclass(frozen=True)
class Account:
    """An account as its managers see it (``schemas.auth`` shapes it)."""

    user: User
    employer_name: str | None
    passkeys: int
    last_sign_in_at: dt.datetime | None
    may_revoke: bool


@dataclass(frozen=True)
class Me:
    """Who is signed in, with their employer and, for a worker, their record (``schemas.auth``)."""

    user: User
    employer: Employer | None
    worker: Worker | None
    csrf_token: str


def me(user: User, csrf_token: str) -> Me:
    """The signed-in person as the app greets them (``csrf_token``: their session's)."""
    return Me(user, db.session.get(Employer, user.employer_id) if user.employer_id else None,
              db.session.get(Worker, user.worker_id) if user.worker_id else None, csrf_token)


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
    usable = (
        select(Passkey.user_id, func.count(), func.max(Passkey.last_used_at))
        .where(Passkey.user_id.in_(ids), Passkey.revoked_at.is_(None), Passkey.locked_at.is_(None))
        .group_by(Passkey.user_id)
    )
    passkeys = {user_id: (count, last) for user_id, count, last in db.session.execute(usable)}
    employers = dict(db.session.execute(select(Employer.id, Employer.name).where(
        Employer.id.in_({user.employer_id for user in users if user.employer_id}))).all())
    may_revoke = viewer.role in access.PERMISSIONS["users.manage"]
    return page.with_items([Account(user, employers.get(user.employer_id),
                                    *passkeys.get(user.id, (0, None)),
                                    may_revoke and user.active and user.id != viewer.id)
                            for user in users])


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
        raise Conflict(Reason.CANNOT_REVOKE_SELF, "不能撤销自己的权限：请另一位管理员操作。 You "
                                             "cannot revoke your own access: ask another admin.")
    now = utcnow()
    user.active = False
    for row in db.session.scalars(select(Passkey).where(Passkey.user_id == user.id,
                                                        Passkey.revoked_at.is_(None))):
        row.revoked_at = now
    for row in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                         ApiToken.revoked_at.is_(None))):
        row.revoked_at = now
    for device in db.session.scalars(select(Device).where(Device.blocked_at.is_(None),
                                                          Device.id.in_(_own_devices(user)))):
        device.blocked_at = now
        device.blocked_reason = f"access of {user.name} revoked"
    audit.record("user.access_revoked", actor=admin, target=f"user:{user.id}", role=user.role)
    return user


def _own_devices(user: User):
    """The ids of the devices ``user`` has used that nobody else has."""
    others = select(DeviceUser.device_id).where(DeviceUser.user_id != user.id)
    return select(DeviceUser.device_id).where(DeviceUser.user_id == user.id,
                                              DeviceUser.device_id.not_in(others))
