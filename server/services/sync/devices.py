"""Phones and who may push from them: registering a phone, joining it by signing in on it, and
deciding, for each push, who its scans may be the scans of.

A person becomes a member of a phone in one of three ways only: by registering a phone the
server has never seen (``POST /api/devices``), by being the first to push from such a phone, or
by signing in with their passkey on the phone, the phone's key signing the sign-in's challenge
(the only way that *binds* the membership, and the only way to join a phone others use). Nothing
is joined by naming a device id, and no read joins anything.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.domain.device_keys import (
    DeviceKeyError,
    join_message,
    load_public_key,
    push_message,
    signature_valid,
    time_is_fresh,
)
from server.domain.reasons import Reason
from server.errors import Conflict, DeviceClockOff, DeviceRefused, InvalidInput, NotFound
from server.extensions import db
from server.models import Device, DeviceUser, User
from server.models.types import utcnow
from server.services import access, audit
from server.services.unit_of_work import use_case

NOT_A_MEMBER = (Reason.NOT_DEVICE_MEMBER,
                "您没有在这台手机上登录过，不能替它同步：请在这台手机上用通行密钥登录后再同步。 "
                                     "You have not signed in on this phone, so you cannot sync "
                                     "for it: sign in on the phone itself with your passkey, then "
                                     "sync.")


@dataclass(frozen=True)
class PushProof:
    """What a push carries to show the phone sent it: its signing time and signature (headers
    ``X-Device-Time`` and ``X-Device-Signature``) over the body's bytes as received."""

    time_ms: int | None = None
    signature: str | None = None
    body: bytes = b""


@dataclass
class PushAuthority:
    """Whose scans a push may carry: the caller's always, and on a push the phone signed, those of
    everyone who signed in on the phone with it (``vouched``, by user id)."""

    device: Device
    caller: User
    signed: bool
    vouched: dict[int, User]


# ---------------------------------------------------------------- registering and joining


@use_case
def register_device(user: User, device_id: str, *, name: str | None = None,
                    mode: str | None = None, public_key: str | None = None) -> Device:
    """``POST /api/devices``: a phone never seen becomes ``user``'s, with its key if it sends one;
    a phone already known is only renamed, by one of its members."""
    _check_key(public_key)
    device = db.session.get(Device, device_id) or _new_device(user, device_id,
                                                              public_key=public_key, bound=False)
    if device is None or db.session.get(DeviceUser, (device_id, user.id)) is None:
        raise DeviceRefused(*NOT_A_MEMBER)
    if public_key and public_key != device.public_key:
        # A known phone gets its key only from a passkey sign-in on it (``join_on_sign_in``).
        raise Conflict(Reason.DEVICE_KEY_CONFLICT, "这台手机已登记，其密钥须在手机上登录时登记。"
                                              " This phone is registered: its key is given by "
                                              "signing in on it.")
    device.name = name or device.name
    device.mode = mode or device.mode
    return device


def join_on_sign_in(
    user: User, *, device_id: str, public_key: str | None, signature: str, challenge: str
) -> Device:
    """The person who just signed in with a passkey joins the phone whose key signed the same
    challenge, bound to that key. A phone never seen is registered with the key it sends; a known
    phone's own key must have signed; a known phone without a key takes the one it sends only
    from one of its members."""
    message = join_message(device_id, challenge)
    device = db.session.get(Device, device_id)
    if device is not None and device.blocked_at is not None:
        raise DeviceRefused(Reason.DEVICE_BLOCKED,
                            "这台手机已被停用，不能在上面登录。请联系管理员。"
                                              " This phone was blocked: no one signs in on it. "
                                              "Ask an administrator.")
    key = device.public_key if device is not None and device.public_key else public_key
    _check_key(key, required=True)
    if not signature_valid(key, message, signature):
        audit.record("device.join_refused", actor=user, target=f"device:{device_id}",
                     reason="bad signature")
        db.session.commit()  # kept though refused: the refused join is audited
        raise DeviceRefused(Reason.DEVICE_SIGNATURE_INVALID,
                            "这台手机的签名不对，无法登录到这台手机。"
                                                        " This phone's signature does not check: "
                                                        "cannot sign in on it.")
    if device is None:
        device = _new_device(user, device_id, public_key=key, bound=True)
        if device is None:
            raise DeviceRefused(*NOT_A_MEMBER)
        return device
    membership = db.session.get(DeviceUser, (device_id, user.id))
    if not device.public_key:
        if membership is None:
            raise DeviceRefused(*NOT_A_MEMBER[:1],
                                "这台手机尚未登记密钥：请先由它原来的使用者在手机上登录。"
                                                   " This phone has no key yet: one of its "
                                                   "earlier users signs in on it first.")
        device.public_key = key
        device.key_added_at = utcnow()
        audit.record("device.key_added", actor=user, target=f"device:{device.id}")
    if membership is None:
        membership = DeviceUser(device_id=device_id, user_id=user.id)
        db.session.add(membership)
        audit.record("device.joined", actor=user, target=f"device:{device_id}")
    membership.bound_at = utcnow()
    return device


def _new_device(
    user: User, device_id: str, *, public_key: str | None, bound: bool
) -> Device | None:
    """The phone registered as ``user``'s; ``None`` if another request registered it first."""
    now = utcnow()
    device = Device(id=device_id, user_id=user.id, public_key=public_key,
                    key_added_at=now if public_key else None)
    membership = DeviceUser(device_id=device_id, user_id=user.id, joined_at=now,
                            bound_at=now if bound else None)
    db.session.add_all([device, membership])
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # another request registered the same id at this very moment
        return None
    audit.record("device.registered", actor=user, target=f"device:{device_id}",
                 key=bool(public_key))
    return device


def _check_key(public_key: str | None, *, required: bool = False) -> None:
    if public_key is None and not required:
        return
    try:
        load_public_key(public_key or "")
    except DeviceKeyError:
        raise InvalidInput({"public_key": ["须为 ECDSA P-256 公钥（SPKI，base64url）。 Must be an "
                                           "ECDSA P-256 public key (SPKI, base64url)."]},
                           code=Reason.DEVICE_KEY_INVALID) from None


# ---------------------------------------------------------------- a push's authority


def push_authority(
    user: User, device_id: str, proof: PushProof, *, by_token: bool
) -> PushAuthority:
    """Who the scans of this push may be the scans of, or ``DeviceRefused``.

    A phone never seen becomes the caller's (its first push). A known phone takes pushes from its
    members only, and once it has a key, only pushes it signed. On a signed push a scan may name
    anyone bound to the phone; otherwise (a Bearer token, a phone without a key) it is the
    caller's alone.
    """
    # Locked until the push commits (PostgreSQL; SQLite's write lock already serialises pushes):
    # two pushes of one phone's queue at once would each find an envelope new and store it twice
    # (the quarantine has no key that could refuse the second).
    device = db.session.get(Device, device_id, with_for_update=True)
    if device is None:
        device = _new_device(user, device_id, public_key=None, bound=False)
        if device is not None:
            return PushAuthority(device, user, signed=False, vouched={user.id: user})
        # registered by another request just now
        device = db.session.get(Device, device_id, with_for_update=True)
    if db.session.get(DeviceUser, (device_id, user.id)) is None:
        raise DeviceRefused(*NOT_A_MEMBER)
    signed = False
    if device.public_key:
        if by_token or proof.signature is None or proof.time_ms is None:
            raise DeviceRefused(Reason.DEVICE_SIGNATURE_REQUIRED,
                                "这台手机的上传须由手机本身签名：请在手机上的应用里同步。"
                                                             " This phone signs its pushes: sync "
                                                             "from the app on the phone.")
        now = utcnow()
        if not time_is_fresh(proof.time_ms, now):
            raise DeviceClockOff(now)
        if not signature_valid(device.public_key,
                               push_message(device_id, proof.time_ms, proof.body),
                               proof.signature):
            raise DeviceRefused(Reason.DEVICE_SIGNATURE_INVALID, "上传的签名不对，未保存任何记录。"
                                                            " The push's signature does not check:"
                                                            " nothing was kept.")
        signed = True
    vouched = {user.id: user} | (bound_members(device_id) if signed else {})
    return PushAuthority(device, user, signed, vouched)


def bound_members(device_id: str, *, by: dt.datetime | None = None) -> dict[int, User]:
    """The people who signed in on the phone with their passkey and its key (``by`` that time), by
    user id."""
    query = (select(User).join(DeviceUser, DeviceUser.user_id == User.id)
             .where(DeviceUser.device_id == device_id, DeviceUser.bound_at.is_not(None)))
    if by is not None:
        query = query.where(DeviceUser.bound_at <= by)
    return {member.id: member for member in db.session.scalars(query)}


def is_member(user: User, device_id: str) -> bool:
    """Is ``user`` a member of the phone (a blocked phone is no one's)?"""
    device = db.session.get(Device, device_id)
    return (
        device is not None
        and device.blocked_at is None
        and db.session.get(DeviceUser, (device_id, user.id)) is not None
    )


# ---------------------------------------------------------------- lists and blocking


def list_devices(user: User) -> list[Device]:
    """Every device for admins; for others, the devices they are members of."""
    query = select(Device).order_by(Device.created_at)
    if not access.sees_every_device(user):
        query = query.where(
            Device.id.in_(select(DeviceUser.device_id).where(DeviceUser.user_id == user.id))
        )
    return list(db.session.scalars(query))


@use_case
def block_device(user: User, device_id: str, reason: str) -> Device:
    access.require(user, "users.manage")
    # (PostgreSQL refuses NUL)
    device = db.session.get(Device, device_id) if device_id.isprintable() else None
    if device is None:
        raise NotFound("device")
    device.blocked_at = utcnow()
    device.blocked_reason = reason
    return device
