"""Sync: devices push what they recorded offline and pull what they need to work offline.

Push guarantees, per envelope and whatever the network does: an ``id`` is stored at most
once (a replay answers ``duplicate`` with the same worker; the same id with other content
is ``rejected: id_conflict``); every rejected envelope is kept in quarantine with its
reason; one bad envelope never stops the others. A batch is one transaction: a crash
leaves all of it or none, and the device simply sends it again.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from marshmallow import ValidationError
from sqlalchemy import Row, and_, bindparam, case, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from schemas.base import flatten_errors
from schemas.sync import MAX_BATCH, SERVER_FIELDS, EnvelopeSchema
from server.domain import sync_rules as rules
from server.domain.credentials import CredentialError, verify_credential
from server.domain.events import EventFact
from server.domain.id_numbers import IdNumberError, age_on, mask_from_parts
from server.domain.site_codes import verify_site_code
from server.domain.temporary_pass import TEMPORARY_PASS_DAYS, pass_still_good
from server.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from server.extensions import db
from server.models import (
    Batch,
    Change,
    Credential,
    Device,
    DeviceUser,
    Employer,
    Event,
    Fair,
    FairEmployer,
    Posting,
    QuarantinedEvent,
    SigningKey,
    Training,
    User,
    Worker,
    WorkerAlias,
    WorkSite,
)
from server.models.types import utcnow
from server.services import access, audit, keyring
from server.services.batches import describe_batch_offline
from server.services.changes import stage_change
from server.services.events import build_event, fold_facts, publish_worker_change, record_columns, to_fact
from server.services.fairs import describe_fair_offline
from server.services.protection import blind_index
from server.services.queries import paginate
from server.services.registry import PROFILE_FIELDS, check_registration, registration_event

RETRIES = 3
ENVELOPE = EnvelopeSchema()


class BatchTooLarge(DomainError):
    status = 413

    def __init__(self, count: int):
        super().__init__("batch_too_large", f"一次最多上传 {MAX_BATCH} 条，本次 {count} 条，请分批。"
                                            f" At most {MAX_BATCH} events a push ({count} sent): split the batch.")


class StillRefused(DomainError):
    status = 422


class Rejected(Exception):
    def __init__(self, reason: str, message: str, county_code: str | None = None):
        super().__init__(message)
        self.reason, self.message, self.county_code = reason, message, county_code


@dataclass
class PushResult:
    id: str | None
    status: str
    reason: str | None = None
    message: str | None = None
    flags: list[str] = field(default_factory=list)
    worker_id: str | None = None


# ---------------------------------------------------------------- devices


def register_device(user: User, device_id: str, *, name: str | None = None, mode: str | None = None) -> Device:
    """The device, made on first sight; ``user`` becomes one of the people using it.

    Fair phones are shared: whoever signs in on one joins it (an audit entry says so), and the
    scans queued on it stay the scans of whoever made them (``scanned_by``)."""
    device = db.session.get(Device, device_id)
    if device is None:
        device = _insert_once(Device(id=device_id, user_id=user.id, name=name, mode=mode), Device, device_id)
    if db.session.get(DeviceUser, (device_id, user.id)) is None:
        _insert_once(DeviceUser(device_id=device_id, user_id=user.id), DeviceUser, (device_id, user.id))
        if device.user_id != user.id:
            audit.record("device.joined", actor=user, target=f"device:{device_id}")
    device.name, device.mode = name or device.name, mode or device.mode
    return device


def _insert_once(row, model, key):
    """``row`` inserted, or the one another request inserted at the same moment."""
    db.session.add(row)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        return db.session.get(model, key)
    return row


def list_devices(user: User) -> list[Device]:
    """Every device for admins; for others, the devices they have used."""
    query = select(Device).order_by(Device.created_at)
    if user.role != "admin":
        query = query.where(Device.id.in_(select(DeviceUser.device_id).where(DeviceUser.user_id == user.id)))
    return list(db.session.scalars(query))


def block_device(user: User, device_id: str, reason: str) -> Device:
    access.require(user, "users.manage")
    device = db.session.get(Device, device_id)
    if device is None:
        raise NotFound("device")
    device.blocked_at, device.blocked_reason = utcnow(), reason
    db.session.commit()
    return device


# ---------------------------------------------------------------- push


def push(user: User, device_id: str, envelopes: list) -> dict:
    """Apply a batch; answer one result per envelope, the device's gaps and the server time."""
    if len(envelopes) > MAX_BATCH:
        raise BatchTooLarge(len(envelopes))
    cards = CardVerifier(keyring.trusted_keys())
    db.session.rollback()  # end the key read: no write lock is held while envelopes and signatures are checked
    checked = [check_envelope(raw) for raw in envelopes]
    cards.verify_all(c.envelope["credential"] for c in checked if c.envelope and "credential" in c.envelope)
    for attempt in range(RETRIES):
        try:
            device = register_device(user, device_id)
            results = _Batch(user, device, cards).run(checked)
            device.last_push_at = utcnow()
            missing = missing_ranges(device_id)
            db.session.commit()
            return {"results": results, "missing": missing, "server_time": utcnow()}
        except (IntegrityError, OperationalError) as error:
            # Another request stored one of these ids first: go again, it will answer duplicate.
            # Or PostgreSQL broke a deadlock by ending this transaction: go again too.
            db.session.rollback()
            if attempt == RETRIES - 1 or (isinstance(error, OperationalError) and not _transient(error)):
                raise
    raise AssertionError("unreachable")


def _transient(error: OperationalError) -> bool:
    """A deadlock or serialisation failure (SQLSTATE class 40): the same transaction again may pass."""
    return str(getattr(error.orig, "sqlstate", "") or "").startswith("40")


def missing_ranges(device_id: str, limit: int = 100) -> list[list[int]]:
    """``[from, to]`` ranges of ``device_seq`` never received from the device (stored or quarantined)."""
    rows = db.session.execute(text("""
        WITH received AS (
            SELECT device_seq AS seq FROM events WHERE device_id = :device AND device_seq IS NOT NULL
            UNION SELECT device_seq FROM quarantine WHERE device_id = :device AND device_seq IS NOT NULL
        ), ordered AS (SELECT seq, LAG(seq, 1, 0) OVER (ORDER BY seq) AS previous FROM received)
        SELECT previous + 1, seq - 1 FROM ordered WHERE seq > previous + 1 ORDER BY seq LIMIT :limit
    """), {"device": device_id, "limit": limit})
    return [[int(start), int(end)] for start, end in rows]


def envelope_hash(raw: dict) -> str:
    """What identifies the content a device sent, whatever its key order; server fields excluded."""
    content = {k: v for k, v in raw.items() if k not in SERVER_FIELDS}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


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
        return Checked(raw, None, invalid=Rejected(rules.INVALID_ENVELOPE, "an event must be a JSON object"))
    event_id = raw["id"][:100] if isinstance(raw.get("id"), str) else None
    checked = Checked(raw, event_id, envelope_hash(raw))
    try:
        checked.envelope = ENVELOPE.load(raw)
    except ValidationError as exc:
        checked.invalid = Rejected(rules.INVALID_ENVELOPE, _describe(exc.messages))
    return checked


class CardVerifier:
    """Checks scanned card texts against the trusted keys, each text once."""

    def __init__(self, trusted_keys: list):
        self.trusted_keys = trusted_keys
        self.today = dt.date.today()
        self.results: dict[str, object] = {}

    def verify_all(self, texts) -> None:
        for text_value in texts:
            self.verify(text_value)

    def verify(self, text_value: str, *, on: dt.date | None = None):
        """The card's claims, or the ``CredentialError``; expiry counts on the day ``on`` (the scan's)."""
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


class _Batch:
    """One push: envelopes applied in order, with what earlier ones did visible to later ones."""

    def __init__(self, user: User, device: Device, cards: CardVerifier, *, reviewer: User | None = None):
        """``user`` pushed the batch from ``device``; a ``reviewer`` re-applying a quarantined
        envelope decides with their own authority, past a blocked device or a revoked scanner."""
        self.user, self.device, self.cards, self.reviewer = user, device, cards, reviewer
        self.now = utcnow()
        self.today = dt.date.today()
        self.credentials: dict[str, Credential] = {}
        self.facts: dict[str, list[EventFact]] = {}  # worker id -> its events, earlier and new
        self.workers: dict[str, Row | NewWorker] = {}  # plain rows, written back with Core statements: no ORM bookkeeping
        self.new_workers: list[str] = []
        self.by_bidx: dict[str, str] = {}
        self.aliases: dict[str, str] = {}
        self.events: list[Event] = []
        self.seen: dict[str, tuple[str, str | None]] = {}  # id -> (hash, worker id) within this batch
        self.quarantine: list[QuarantinedEvent] = []
        self.rows: dict[tuple, object] = {}
        self.members = {u.id: u for u in db.session.scalars(
            select(User).join(DeviceUser, DeviceUser.user_id == User.id).where(DeviceUser.device_id == device.id))}

    def _row(self, model, key):
        """A fair, batch, employer, job, training or workplace the envelopes name again and again:
        loaded once a push. (The session keeps clean rows only while something refers to them;
        loading one anew also flushes the events added so far.)"""
        if (model, key) not in self.rows:
            self.rows[(model, key)] = db.session.get(model, key)
        return self.rows[(model, key)]

    def run(self, checked: list[Checked]) -> list[PushResult]:
        ids = [c.event_id for c in checked if c.event_id]
        self.stored = {e.id: e for e in db.session.scalars(select(Event).where(Event.id.in_(ids)))} if ids else {}
        seqs = [c.envelope["device_seq"] for c in checked if c.envelope]
        self.stored_seqs = dict(db.session.execute(
            select(Event.device_seq, Event.id).where(Event.device_id == self.device.id, Event.device_seq.in_(seqs))
        ).all()) if seqs else {}
        self.open_quarantine = {q.event_id: q for q in db.session.scalars(select(QuarantinedEvent).where(
            QuarantinedEvent.device_id == self.device.id, QuarantinedEvent.event_id.in_(ids),
            QuarantinedEvent.status == "open"))} if ids else {}
        self.prefetch([c.envelope for c in checked if c.envelope])
        results = [self.apply(c) for c in checked]
        self.save()
        return results

    def prefetch(self, envelopes: list[dict]) -> None:
        """Load in a few queries what the envelopes will need: their cards, workers and workers' events."""
        texts = {e["credential"] for e in envelopes if "credential" in e}
        serials = []
        for text_value in texts:
            claims = self.cards.verify(text_value)
            if not isinstance(claims, CredentialError):
                serials.append(claims.serial.hex())
        self.credentials = {c.serial: c for c in _in_chunks(Credential, Credential.serial, serials)}
        worker_ids = {c.worker_id for c in self.credentials.values()}
        worker_ids |= {e["worker_id"] for e in envelopes if isinstance(e.get("worker_id"), str)}
        self.aliases.update({a.alias_id: a.worker_id for a in _in_chunks(WorkerAlias, WorkerAlias.alias_id, worker_ids)})
        worker_ids |= set(self.aliases.values())
        for worker in _worker_rows(worker_ids):
            self.workers[worker.id], self.facts[worker.id] = worker, []
        self.by_bidx.update(self._registered_already(envelopes))
        worker_ids = list(self.workers)
        for start in range(0, len(worker_ids), 900):
            for row in db.session.execute(select(*_FACT_COLUMNS).where(Event.worker_id.in_(worker_ids[start:start + 900]))):
                self.facts[row.worker_id].append(to_fact(row))

    def _registered_already(self, envelopes: list[dict]) -> dict[str, str]:
        """Blind index -> worker id of the people the batch's registrations name who are on record."""
        # The envelope's schema already checked and normalised the number (schemas.workers.IdNumberField).
        wanted = {blind_index(e["data"]["id_number"]) for e in envelopes if e["type"] == "worker.registered"}
        found, wanted = {}, sorted(wanted)
        for start in range(0, len(wanted), 900):
            found.update(db.session.execute(select(Worker.id_number_bidx, Worker.id)
                                            .where(Worker.id_number_bidx.in_(wanted[start:start + 900]))).all())
        return found

    def apply(self, checked: Checked) -> PushResult:
        try:
            return self._apply(checked)
        except Rejected as rejection:
            self._quarantine(checked.raw, checked.event_id, rejection)
            return PushResult(checked.event_id, "rejected", rejection.reason, rejection.message)

    def _apply(self, checked: Checked) -> PushResult:
        digest = checked.digest
        replay = self._replay(checked.event_id, digest)
        if replay:
            return replay
        if checked.invalid:
            raise checked.invalid
        envelope = checked.envelope
        other = self.stored_seqs.get(envelope["device_seq"])
        if other and other != envelope["id"]:
            raise Rejected(rules.ID_CONFLICT, f"device_seq {envelope['device_seq']} was already used by event {other}")
        if self.device.blocked_at and not self.reviewer:
            raise Rejected(rules.DEVICE_BLOCKED, f"this device was blocked: {self.device.blocked_reason}")
        scanner = self._scanner(envelope)
        authority = self.reviewer or scanner
        if not rules.may_push(authority.role, envelope["type"]):
            raise Rejected(rules.FORBIDDEN_TYPE, f"role {authority.role} may not record {envelope['type']}")
        if envelope["type"] == "worker.registered":
            worker, flags, data = self._register(envelope, authority)
        else:
            worker = self._worker(envelope)
            self._check(envelope, worker, authority)
            flags = rules.event_flags(envelope["type"], envelope["context"], envelope["occurred_at"], self.now,
                                      self.facts[worker.id])
            if "temporary_pass" in envelope:
                self._check_pass(envelope, worker)
                flags.append(rules.TEMPORARY_PASS)
            data = envelope["data"]
        self._store(envelope, worker, flags, digest, data, scanner)
        self.seen[envelope["id"]] = (digest, worker.id)
        return PushResult(envelope["id"], "accepted", flags=flags, worker_id=worker.id)

    def _replay(self, event_id, digest: str) -> PushResult | None:
        if not isinstance(event_id, str):
            return None
        if event_id in self.seen:
            earlier_digest, worker_id = self.seen[event_id]
            if earlier_digest != digest:
                raise Rejected(rules.ID_CONFLICT, "this id was sent earlier in the batch with other content")
            return PushResult(event_id, "duplicate", worker_id=worker_id)
        stored = self.stored.get(event_id)
        if stored is None:
            return None
        if stored.envelope_hash != digest:
            raise Rejected(rules.ID_CONFLICT, "an event with this id and other content is already stored")
        return PushResult(event_id, "duplicate", flags=list(stored.flags or []), worker_id=stored.worker_id)

    # -- who made the scan: on a shared phone, not always who pushes it

    def _scanner(self, envelope: dict) -> User:
        scanner_id = envelope.get("scanned_by", self.user.id)
        scanner = self.user if scanner_id == self.user.id else self.members.get(scanner_id)
        if scanner is None:
            raise Rejected(rules.UNKNOWN_SCANNER, f"user {scanner_id} never signed in on this device:"
                           " a scan can only be someone's who used the phone")
        if not scanner.active and not self.reviewer:
            raise Rejected(rules.SCANNER_REVOKED, f"the access of {scanner.name}, who made this scan, was revoked:"
                           " a reviewer decides whether it stands")
        return scanner

    # -- who the event is about

    def _worker(self, envelope: dict) -> Row | NewWorker:
        if "credential" in envelope:
            worker_id = self._card_holder(envelope["credential"], envelope["occurred_at"])
        else:
            worker_id = self.aliases.get(envelope["worker_id"]) or envelope["worker_id"]
        worker = self._load_worker(worker_id)
        if worker is None:
            raise Rejected(rules.UNKNOWN_WORKER, f"no worker {envelope.get('worker_id')}: register the worker first")
        if worker.erased_at is not None:
            raise Rejected(rules.UNKNOWN_WORKER, "此人的记录已按保存期限删除，请重新登记。"
                           " This person's record was erased under the retention rule: register them again.")
        return worker

    def _check_pass(self, envelope: dict, worker: Row | NewWorker) -> None:
        registered = min((f.occurred_at for f in self.facts[worker.id] if f.type == "worker.registered"), default=None)
        if registered is None or not pass_still_good(registered, envelope["occurred_at"]):
            raise Rejected(rules.TEMPORARY_PASS_EXPIRED, f"临时凭证只在登记后 {TEMPORARY_PASS_DAYS} 天内有效，请用正式卡。"
                           f" A temporary pass is good for {TEMPORARY_PASS_DAYS} days after registration: use the card.",
                           worker.home_county_code)

    def _card_holder(self, text: str, occurred_at: dt.datetime) -> str:
        claims = self.cards.verify(text, on=occurred_at.date())
        if isinstance(claims, CredentialError):
            raise Rejected(claims.reason, claims.message)
        credential = self.credentials.get(claims.serial.hex()) or db.session.get(Credential, claims.serial.hex())
        if credential is None:
            raise Rejected("revoked", "this card is not on record: issue a new one")
        if credential.revoked_at is not None and credential.revoked_at <= occurred_at:
            raise Rejected("revoked", "this card was revoked before the scan: issue a new one")
        return credential.worker_id

    def _load_worker(self, worker_id: str) -> Row | NewWorker | None:
        if worker_id not in self.workers:
            worker = next(_worker_rows([worker_id]), None)
            if worker is None:
                return None
            self.workers[worker_id] = worker
            stored = db.session.execute(select(*_FACT_COLUMNS).where(Event.worker_id == worker_id))
            self.facts[worker_id] = [to_fact(row) for row in stored]
        return self.workers[worker_id]

    def _register(self, envelope: dict, authority: User) -> tuple[Row | NewWorker, list[str], dict]:
        try:
            registration = check_registration(envelope["data"], authority, today=self.today)
        except Forbidden as exc:
            raise Rejected(rules.OUT_OF_SCOPE, exc.message) from None
        except InvalidInput as exc:
            raise Rejected(rules.INVALID_ENVELOPE, _describe(exc.details["errors"])) from None
        except IdNumberError as exc:
            raise Rejected(rules.INVALID_ENVELOPE, exc.message) from None
        bidx = registration.id_number_bidx
        existing = self.by_bidx.get(bidx)  # prefetched, and the batch's own registrations
        if existing:
            device_made_id = envelope.get("worker_id")
            if device_made_id and device_made_id != existing:
                if device_made_id not in self.aliases:
                    db.session.add(WorkerAlias(alias_id=device_made_id, worker_id=existing))
                self.aliases[device_made_id] = existing
            # The same person again: the first registration stands; what this clerk typed is kept.
            data = {key: envelope["data"].get(key) for key in PROFILE_FIELDS} | {"duplicate_of": existing}
            return self._load_worker(existing), [rules.DUPLICATE_PERSON], data
        worker_id = envelope.get("worker_id")
        if worker_id in self.workers or worker_id in self.aliases:  # both prefetched for every id the batch names
            worker_id = None  # the device's id is taken: the result tells the device the real one
        event = registration_event(registration, authority, worker_id=worker_id)
        worker = NewWorker(event.worker_id, registration.home["county_code"], registration.resident.birth_date)
        self.workers[worker.id], self.facts[worker.id] = worker, []
        self.new_workers.append(worker.id)
        self.by_bidx[bidx] = worker.id
        return worker, [w["code"] for w in registration.warnings], event.data

    # -- may this user record this about this worker

    def _check(self, envelope: dict, worker: Row | NewWorker, authority: User) -> None:
        type, context = envelope["type"], envelope["context"]
        county = worker.home_county_code
        if authority.role == "employer":
            context.setdefault("employer_id", authority.employer_id)
        site_code = type == "employment.confirmed" and envelope["data"].get("site_code")
        if authority.role == "worker" and (worker.id != authority.worker_id or not site_code):
            raise Rejected(rules.OUT_OF_SCOPE, "务工人员只能用工作地点码确认自己在岗。"
                           " A worker confirms only their own work, with the workplace code.", county)
        if site_code:
            context["employer_id"] = self._site_employer(envelope, worker)
        if authority.role == "worker":
            return  # the code proved where they were: no staff scope applies
        missing = rules.missing_context(type, context)
        if missing:
            raise Rejected(rules.INVALID_ENVELOPE, f"context needs {', '.join(missing)} for {type}", county)
        # At a fair, or on a batch, its county is the scope: people from next door come too.
        if type in rules.FAIR_TYPES:
            where = self._fair_county(type, envelope, county)
        elif context.get("batch_id"):
            where = self._batch_county(context["batch_id"], county)
        elif type == "training.attended":
            training = self._row(Training, context["training_id"])
            if training is None:
                raise Rejected(rules.UNKNOWN_TRAINING, f"no training {context['training_id']}: pull again", county)
            where = training.county_code
        else:
            where = county
        reason = access.scan_refusal(authority, where, type, context, self.facts[worker.id])
        if reason:
            raise Rejected(rules.OUT_OF_SCOPE, "此人不在您的工作范围内。 This worker or context is outside your scope.",
                           county)
        if context.get("employer_id") and self._row(Employer, context["employer_id"]) is None:
            raise Rejected(rules.UNKNOWN_EMPLOYER, f"no employer {context['employer_id']}", county)
        scan_day = envelope["occurred_at"].date()
        if type == "employer.onboarded" and age_on(worker.birth_date, scan_day) < rules.MINIMUM_WORKING_AGE:
            raise Rejected(rules.UNDER_16, "未满16周岁，依法不得录用。 Under 16: the Labour Law forbids employing this person.",
                           county)
        if type == "event.voided":
            target = envelope["data"]["event_id"]
            if not any(f.id == target for f in self.facts[worker.id]):
                raise Rejected(rules.UNKNOWN_EVENT, f"event {target} is not one of this worker's", county)
        if type == "worker.updated" and {"id_number", "home"} & set(envelope["data"]):
            raise Rejected(rules.INVALID_ENVELOPE, "ID number and home corrections need the online check:"
                           " use PATCH /api/workers/{id}", county)

    def _fair_county(self, type: str, envelope: dict, county: str) -> str:
        """The county of the fair the scan names, after checking the fair, its employer and job exist."""
        context = envelope["context"]
        fair = self._row(Fair, context["fair_id"])
        if fair is None:
            raise Rejected(rules.UNKNOWN_FAIR, f"no fair {context['fair_id']}: pull the fairs again", county)
        if type == "fair.intent_signed":
            if self._row(FairEmployer, (fair.id, context["employer_id"])) is None:
                raise Rejected(rules.UNKNOWN_EMPLOYER, f"employer {context['employer_id']} is not at the fair {fair.name}",
                               county)
            posting_id = envelope["data"].get("posting_id")
            posting = self._row(Posting, posting_id) if posting_id else None
            if posting_id and (posting is None or (posting.fair_id, posting.employer_id) != (fair.id, context["employer_id"])):
                raise Rejected(rules.UNKNOWN_POSTING, f"job {posting_id} is not one this employer brought to the fair",
                               county)
        return fair.county_code

    def _site_employer(self, envelope: dict, worker: Row | NewWorker) -> str:
        """The employer whose workplace code was scanned: genuine, of the scan's day, and the worker's."""
        county = worker.home_county_code
        try:
            claim = verify_site_code(envelope["data"]["site_code"], self.cards.trusted_keys,
                                     on=envelope["occurred_at"].date())
        except CredentialError as exc:
            raise Rejected(exc.reason, exc.message, county) from None
        site = self._row(WorkSite, claim.site_id)
        if site is None:
            raise Rejected(rules.UNKNOWN_SITE, "没有这个工作地点。 This workplace is not on record.", county)
        if fold_facts(self.facts[worker.id]).current_employer_id != site.employer_id:
            raise Rejected(rules.WRONG_SITE, "这不是该务工人员所在企业的工作地点。"
                           " This workplace is not of the worker's current employer.", county)
        return site.employer_id

    def _batch_county(self, batch_id: str, county: str) -> str:
        batch = self._row(Batch, batch_id)
        if batch is None:
            raise Rejected(rules.UNKNOWN_BATCH, f"no batch {batch_id}: pull the batches again", county)
        return batch.origin_county_code

    # -- storing

    def _store(self, envelope: dict, worker: Row | NewWorker, flags: list[str], digest: str, data: dict, scanner: User) -> None:
        event = build_event(
            worker.id, envelope["type"], actor=None, occurred_at=envelope["occurred_at"],
            context=envelope["context"], data=data, device_id=self.device.id, event_id=envelope["id"],
            raw_code=envelope.get("credential") or envelope.get("temporary_pass"), flags=flags,
        )
        event.actor_id, event.pushed_by = scanner.id, self.user.id
        event.device_seq, event.envelope_hash = envelope["device_seq"], digest
        self.events.append(event)
        self.stored_seqs[envelope["device_seq"]] = envelope["id"]
        self.facts[worker.id].append(to_fact(event))
        earlier = self.open_quarantine.get(envelope["id"])
        if earlier is not None:
            earlier.status, earlier.resolved_at = "reapplied", self.now
            earlier.resolution, earlier.resolved_event_id = "accepted when sent again", envelope["id"]

    def _quarantine(self, raw, event_id: str | None, rejection: Rejected) -> None:
        earlier = self.open_quarantine.get(event_id) if event_id else None
        if earlier is not None:
            earlier.times_received += 1
            earlier.reason, earlier.message, earlier.received_at = rejection.reason, rejection.message, self.now
            return
        seq = raw.get("device_seq") if isinstance(raw, dict) else None
        entry = QuarantinedEvent(
            event_id=event_id[:100] if event_id else None, device_id=self.device.id,
            device_seq=seq if isinstance(seq, int) and 0 < seq <= 2**53 else None, user_id=self.user.id,
            county_code=rejection.county_code or self.user.county_code, reason=rejection.reason,
            message=rejection.message[:2000], envelope=raw if isinstance(raw, dict) else {"value": raw},
            received_at=self.now,
        )
        self.quarantine.append(entry)
        if event_id:
            self.open_quarantine[event_id] = entry

    def save(self) -> None:
        """Insert what was accepted and quarantined, then re-fold every worker it touched."""
        db.session.add_all(self.quarantine)
        records = {worker_id: record_columns(self.facts[worker_id])
                   for worker_id in dict.fromkeys(e.worker_id for e in self.events)}
        if self.new_workers:  # Core executemany, as for the events: before them, which refer to the workers
            db.session.execute(Worker.__table__.insert(), [{"id": w, **records[w]} for w in self.new_workers])
        if self.events:  # Core executemany: the ORM would insert row by row to learn each seq
            columns = [c.key for c in Event.__table__.columns if c.key != "seq"]
            db.session.execute(Event.__table__.insert(), [{k: getattr(e, k) for k in columns} for e in self.events])
        changes: dict[tuple, list[dict]] = {}
        published = []
        for worker_id, record in records.items():
            worker = self.workers[worker_id]
            if isinstance(worker, NewWorker):
                published.append((worker_id, record["home_county_code"], None))
                continue
            stored = worker._mapping
            changed = {k: v for k, v in record.items() if stored[k] != v}
            if changed:
                changes.setdefault(tuple(sorted(changed)), []).append({"id": worker_id, **changed})
                published.append((worker_id, record["home_county_code"], worker.home_county_code))
        for rows in changes.values():
            _update_workers(rows)
        for worker_id, county, previous_county in published:
            publish_worker_change(worker_id, county, previous_county)
        for event in self.events:
            stage_change(db.session, "event", event.id, device_id=event.device_id)
        for batch_id in {e.batch_id for e in self.events if e.type in ("batch.assigned", "batch.departed")}:
            batch = self._row(Batch, batch_id)  # its roster changed: phones pull it again
            stage_change(db.session, "batch", batch.id, county_code=batch.origin_county_code)


@dataclass(frozen=True)
class NewWorker:
    """A worker the push registers, until it is inserted: what later envelopes' checks read."""

    id: str
    home_county_code: str
    birth_date: dt.date
    erased_at: None = None


# What the push reads of a worker: what the fold writes, and erased_at (every column but the timestamps).
_WORKER_COLUMNS = [c for c in Worker.__table__.columns if c.key not in ("created_at", "updated_at")]
_FACT_COLUMNS = (Event.worker_id, Event.id, Event.type, Event.occurred_at, Event.occurred_offset_minutes,
                 Event.recorded_at, Event.context, Event.data)


def _worker_rows(ids):
    """The workers, locked until the push commits (PostgreSQL; SQLite's write lock already
    serialises pushes), in id order so that two pushes wait for each other, never in a deadlock: a
    push re-folds a worker from the events it reads after this, and two pushes folding one worker
    at once would each write a record missing the other's event."""
    ids = sorted(ids)
    for start in range(0, len(ids), 900):
        yield from db.session.execute(select(*_WORKER_COLUMNS).where(Worker.id.in_(ids[start:start + 900]))
                                      .order_by(Worker.id).with_for_update(key_share=True))


def _update_workers(rows: list[dict]) -> None:
    """One executemany for workers whose same columns changed (the ORM would send an UPDATE per
    worker on SQLite)."""
    columns = [key for key in rows[0] if key != "id"]
    statement = (Worker.__table__.update().where(Worker.id == bindparam("b_id"))
                 .values({key: bindparam("b_" + key) for key in columns}))
    db.session.execute(statement, [{"b_" + k: v for k, v in row.items()} for row in rows])


def _describe(messages) -> str:
    return "; ".join(f"{name}: {' '.join(texts)}" for name, texts in flatten_errors(messages).items())


# ---------------------------------------------------------------- pull

CURSOR_PREFIX = "p1:"
_SUMMARY_COLUMNS = (Worker.id, Worker.name, Worker.id_region_code, Worker.id_last4, Worker.gender,
                    Worker.home_county_code, Worker.home_township, Worker.status, Worker.card_serial,
                    Worker.current_employer_id)


def pull(user: User, device_id: str, cursor: str, limit: int) -> dict:
    """Changes after ``cursor`` that ``user`` may see, oldest first; an empty cursor pulls everything."""
    register_device(user, device_id)
    after = decode_cursor(cursor)
    page = (  # the scope test is wrapped in a CASE so that no index can serve it: the database then walks
        # the position index in order and stops at the limit, instead of sorting every candidate
        select(Change.kind, Change.entity_id, Change.op, Change.position)
        .where(Change.position > after, case((access.pullable_changes(user, device_id), 1), else_=0) == 1)
        .order_by(Change.position).limit(limit + 1).subquery()
    )
    rows = db.session.connection().execute(  # Core rows: no ORM bookkeeping for tens of thousands of them
        # Workers, most of any pull, come in the same query as their change rows: joined to the page
        # only, whatever plan the database picks for the page.
        select(page, *_SUMMARY_COLUMNS)
        .outerjoin(Worker, and_(page.c.kind == "worker", page.c.op == "upsert", Worker.id == page.c.entity_id))
        .order_by(page.c.position)
    ).all()
    more, rows = len(rows) > limit, rows[:limit]
    changes = describe_changes(rows, user)
    db.session.commit()
    return {"changes": changes, "cursor": encode_cursor(rows[-1].position if rows else after), "more": more}


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{position}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    if not cursor:
        return 0
    try:
        text_value = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text_value.startswith(CURSOR_PREFIX):
            raise ValueError
        return int(text_value[len(CURSOR_PREFIX):])
    except ValueError:
        raise InvalidInput({"cursor": ["游标无效，请从头同步。 Not a cursor from this server: pull again without one."]},
                           code="invalid_cursor") from None


def describe_changes(rows: list, user: User) -> list[dict]:
    """Each change with the current state of its thing (``None`` for deletions)."""
    wanted: dict[str, set[str]] = {}
    for row in rows:
        if row.op == "upsert" and row.kind != "worker":
            wanted.setdefault(row.kind, set()).add(row.entity_id)
    loaded = {kind: _LOADERS[kind](ids, user) for kind, ids in wanted.items()}
    loaded["worker"] = {row.entity_id: access.redact(worker_summary(row), user)
                        for row in rows if row.kind == "worker" and row.id is not None}
    return [
        {"kind": row.kind, "id": row.entity_id, "op": row.op,
         "data": loaded[row.kind].get(row.entity_id) if row.op == "upsert" else None}
        for row in rows
    ]


def _load_keys(ids, user):
    return {str(k.id): {"kid": k.kid, "alg": "Ed25519", "public_key": k.public_key, "status": k.status}
            for k in db.session.scalars(select(SigningKey).where(SigningKey.id.in_([int(i) for i in ids])))}


def _load_revocations(ids, user):
    return {c.serial: {"serial": c.serial, "revoked_at": c.revoked_at.isoformat()}
            for c in db.session.scalars(select(Credential).where(Credential.serial.in_(ids)))}


def _load_events(ids, user):
    return {e.id: {"id": e.id, "type": e.type, "worker_id": e.worker_id, "occurred_at": e.local_occurred_at.isoformat(),
                   "recorded_at": e.recorded_at.isoformat(), "device_seq": e.device_seq, "context": e.context,
                   "flags": e.flags} for e in _in_chunks(Event, Event.id, ids)}


def _load_fairs(ids, user):
    return {f.id: describe_fair_offline(f, user) for f in _in_chunks(Fair, Fair.id, ids)}


def _load_batches(ids, user):
    return {b.id: describe_batch_offline(b) for b in _in_chunks(Batch, Batch.id, ids)}


def _load_trainings(ids, user):
    return {t.id: {"id": t.id, "title": t.title, "skill": t.skill, "place": t.place, "county_code": t.county_code,
                   "starts_on": t.starts_on.isoformat(), "ends_on": t.ends_on.isoformat(), "hours": t.hours}
            for t in _in_chunks(Training, Training.id, ids)}


_LOADERS = {"key": _load_keys, "revocation": _load_revocations, "event": _load_events, "fair": _load_fairs,
            "batch": _load_batches, "training": _load_trainings}


def worker_summary(worker) -> dict:
    """What a device keeps offline about a worker: never the full ID number, phone or poverty status."""
    return {
        "id": worker.id, "name": worker.name, "id_masked": mask_from_parts(worker.id_region_code, worker.id_last4),
        "id_last4": worker.id_last4, "gender": worker.gender,
        "home": {"county_code": worker.home_county_code, "township": worker.home_township},
        "status": worker.status, "card_serial": worker.card_serial,
        "current_employer_id": worker.current_employer_id,
    }


def _in_chunks(model, column, ids, size: int = 900):
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield from db.session.scalars(select(model).where(column.in_(ids[start:start + size])))


# ---------------------------------------------------------------- quarantine


def list_quarantine(user: User, args: dict) -> tuple[list[QuarantinedEvent], int]:
    """Quarantined envelopes in ``user``'s scope (admins: all; county staff: their county's)."""
    query = _scoped_quarantine(user)
    if args.get("status", "open") != "all":
        query = query.where(QuarantinedEvent.status == args.get("status", "open"))
    for arg in ("reason", "device_id"):
        if args.get(arg):
            query = query.where(getattr(QuarantinedEvent, arg) == args[arg])
    return paginate(query.order_by(QuarantinedEvent.id.desc()), args.get("page", 1), args.get("per_page", 50))


def reapply_quarantined(user: User, entry_id: int, corrections: dict, note: str | None) -> QuarantinedEvent:
    """Apply a quarantined envelope again, with corrections, under the reviewer's authority.

    The event keeps its id, device and scanning user; the reviewer is recorded on the entry.
    Raises a 422 ``DomainError`` with the reason when it is still refused.
    """
    entry = _open_entry(user, entry_id)
    if {"id", "device_seq"} & set(corrections):
        raise InvalidInput({"corrections": ["id and device_seq identify the scan and cannot be corrected"]})
    device = db.session.get(Device, entry.device_id)
    checked = check_envelope(entry.envelope | corrections)
    cards = CardVerifier(keyring.trusted_keys())
    pusher = db.session.get(User, entry.user_id)
    [result] = _Batch(pusher, device, cards, reviewer=user).run([checked])
    if result.status == "rejected":
        db.session.rollback()
        raise StillRefused(result.reason, result.message)
    entry.status, entry.resolved_by, entry.resolved_at = "reapplied", user.id, utcnow()
    entry.resolution = note or "re-applied" + (f" with corrections to {', '.join(corrections)}" if corrections else "")
    entry.resolved_event_id = result.id
    db.session.commit()
    return entry


def dismiss_quarantined(user: User, entry_id: int, reason: str) -> QuarantinedEvent:
    """Close a quarantined envelope without applying it; the reason is kept."""
    entry = _open_entry(user, entry_id)
    entry.status, entry.resolved_by, entry.resolved_at, entry.resolution = "dismissed", user.id, utcnow(), reason
    db.session.commit()
    return entry


def _scoped_quarantine(user: User):
    if user.role == "admin":
        return select(QuarantinedEvent)
    if user.role in ("county", "workstation"):
        return select(QuarantinedEvent).where(QuarantinedEvent.county_code == user.county_code)
    raise Forbidden()


def _open_entry(user: User, entry_id: int) -> QuarantinedEvent:
    entry = db.session.scalar(_scoped_quarantine(user).where(QuarantinedEvent.id == entry_id))
    if entry is None:
        raise NotFound("quarantine_entry")
    if entry.status != "open":
        raise Conflict("already_resolved", f"这条记录已处理（{entry.status}）。 This entry was already {entry.status}.")
    return entry
