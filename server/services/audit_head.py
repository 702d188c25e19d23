"""The audit chain's anchor outside the database: its signed head.

The chain shows an entry altered or taken out of the middle, but not its last entries deleted:
what is left still chains. So after every commit that appended entries, the chain's **head** —
how many entries, the last one's id and hash — is signed with the instance's own Ed25519 key
(``instance/keys/audit-head.key``, which someone with only database access does not have) and
published where the database cannot reach it:

- a line in the log (``"message": "audit head"``, with ``audit_head``): shipped off the machine
  with the other logs, it is what a multi-machine deployment keeps (see README, "Audit heads");
- ``instance/audit-head.json``, the latest head, on a single-machine install (replaced only by a
  longer one: several processes commit in any order).

``laborpass audit verify`` checks the chain, then the table against the latest head it is given
(``--head FILE``: a head line from the log, or a head file) or finds in the instance folder: a
table holding fewer entries than the head, or another hash at its last entry, was cut. A restore
from a backup sets the head of before aside (``laborpass restore``), logged.
"""
from __future__ import annotations

import base64
import datetime as dt
import fcntl
import json
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app, has_app_context
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from server.models import AuditEntry
from server.services.instance_keys import load_or_create_secret

HEAD_FILE = "audit-head.json"
_APPENDED = "audit_appended"


def note_append(session: Session) -> None:
    """Called by ``audit.record``: publish the head once this transaction commits."""
    session.info[_APPENDED] = True


def install(session_factory) -> None:
    if not event.contains(session_factory, "after_commit", _publish_after_commit):
        event.listen(session_factory, "after_commit", _publish_after_commit)
        event.listen(session_factory, "after_soft_rollback", _forget)


def _forget(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_APPENDED, None)


def _publish_after_commit(session: Session) -> None:
    if not session.info.pop(_APPENDED, None) or not has_app_context():
        return
    # the committed state; the session itself is mid-commit
    with Session(bind=session.get_bind()) as reader:
        head = current_head(reader)
    if head is not None:
        publish(signed(head))


def current_head(session: Session) -> dict | None:
    """The chain's head as the table holds it: entries, and the last one's id and hash."""
    last = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    if last is None:
        return None
    count = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.id <= last.id)
    )
    return {"count": count, "last_id": last.id, "hash": last.hash}


def signed(head: dict) -> dict:
    signature = _key().sign(_signed_bytes(head))
    return head | {"signature": base64.b64encode(signature).decode()}


def signature_holds(head: dict) -> bool:
    try:
        _key().public_key().verify(base64.b64decode(head["signature"]), _signed_bytes(head))
        return True
    except (InvalidSignature, KeyError, ValueError, TypeError):
        return False


def publish(head: dict) -> None:
    current_app.logger.info("audit head", extra={"audit_head": head})
    path = _instance() / HEAD_FILE
    with open(_instance() / f".{HEAD_FILE}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        known = read_head(path)
        if known is not None and known.get("count", 0) >= head["count"]:
            return  # another process published a longer chain already
        temporary = path.with_name(f".{HEAD_FILE}.{os.getpid()}")
        temporary.write_text(json.dumps(head))
        os.replace(temporary, path)


def set_aside_after_restore(session: Session) -> dict | None:
    """A restore rolls the table back to the backup's: the head of before would name the entries
    since as a cut tail. It is kept aside (``audit-head.before-restore-<time>.json``) and logged,
    and the restored table's head is the one to verify against from now on. Answers the head set
    aside."""
    path = _instance() / HEAD_FILE
    before = read_head(path)
    if before is not None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        os.replace(path, path.with_name(f"audit-head.before-restore-{stamp}.json"))
    head = current_head(session)
    current_app.logger.warning("audit head set aside by a restore", extra={"audit_head": before})
    if head is not None:
        publish(signed(head))
    return before


def read_head(path: Path) -> dict | None:
    """A head from a file: a head file, or a log line (the last head in it)."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return None
    heads = []
    for line in text.splitlines():
        try:
            found = json.loads(line)
        except ValueError:
            continue
        found = found.get("audit_head", found) if isinstance(found, dict) else None
        if isinstance(found, dict) and {"count", "last_id", "hash"} <= set(found):
            heads.append(found)
    return max(heads, key=lambda h: h["count"]) if heads else None


def instance_head() -> dict | None:
    return read_head(_instance() / HEAD_FILE)


def check(session: Session, head: dict, broken_at: int | None) -> str | None:
    """What is wrong with the table against ``head`` (a message), or None. ``broken_at``: where
    the chain itself breaks (``audit.verify_chain``), already found."""
    if not signature_holds(head):
        return "the head's signature does not hold: it was not made with this instance's key"
    count = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.id <= head["last_id"])
    )
    at_head = session.scalar(select(AuditEntry.hash).where(AuditEntry.id == head["last_id"]))
    if at_head is None or count < head["count"]:
        return (f"the tail was cut: the head signed {head['count']} entries ending at entry "
                f"{head['last_id']}; the table holds {count} entries up to it" + ("" if at_head
                                                                else ", and not that entry"))
    if at_head != head["hash"] or count != head["count"]:
        return f"entry {head['last_id']} is not the one the head signed"
    return (
        None
        if broken_at is None or broken_at > head["last_id"]
        else f"the chain breaks at entry {broken_at}"
    )


def _signed_bytes(head: dict) -> bytes:
    return f"LP-AUDIT-HEAD1\n{head['count']}\n{head['last_id']}\n{head['hash']}".encode()


def _key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(
        load_or_create_secret(_instance() / "keys" / "audit-head.key")
    )


def _instance() -> Path:
    return Path(current_app.config["LABORPASS_INSTANCE_DIR"])
