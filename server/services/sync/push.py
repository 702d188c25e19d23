"""The push: a phone's queued envelopes, applied in order, each accepted, duplicate or rejected.

Guarantees, per envelope and whatever the network does: an ``id`` is stored at most once (a
replay answers ``duplicate`` with the same worker; the same id with other content is
``rejected: id_conflict``); every rejected envelope is kept in quarantine with its reason; one bad
envelope never stops the others. A push is one transaction: a crash leaves all of it or none, and
the phone simply sends it again. Whose authority each scan carries is ``devices.push_authority``'s
to say; whether it stands, ``rules.RULES``'.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import Row, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from schemas.sync import MAX_BATCH
from server.domain import calendar, sync_rules
from server.domain.credentials import CredentialError
from server.domain.events import EventFact
from server.domain.evidence import standing_flags, time_refusal, vouches_for
from server.domain.id_numbers import IdNumberError
from server.domain.lifecycle import REVIEW_FLAGS, counted
from server.domain.reasons import Reason
from server.errors import BatchTooLarge, Forbidden, InvalidInput, Rejected
from server.extensions import db
from server.models import (
    Credential,
    Event,
    QuarantinedEvent,
    User,
    Worker,
    WorkerAlias,
)
from server.models.types import utcnow
from server.services import access, keyring
from server.services.events import append, build_event, facts_of, fold_record, to_fact, worker_rows
from server.services.protection import blind_index
from server.services.queries import awaiting_review, in_chunks
from server.services.registration import PROFILE_FIELDS, check_registration, registration_event
from server.services.sync.devices import PushAuthority, PushProof, push_authority
from server.services.sync.envelopes import (
    CardVerifier,
    Checked,
    check_envelope,
    describe,
    quarantine_binding,
    sealed,
)
from server.services.sync.rules import Scan, first_rejection

RETRIES = 3


@dataclass
class PushResult:
    id: str | None
    status: str
    reason: str | None = None
    message: str | None = None
    flags: list[str] = field(default_factory=list)
    worker_id: str | None = None


def push(
    user: User,
    device_id: str,
    envelopes: list,
    *,
    proof: PushProof | None = None,
    by_token: bool = False,
) -> dict:
    """Apply a push; answer one result per envelope, the device's gaps and the server time."""
    if len(envelopes) > MAX_BATCH:
        raise BatchTooLarge(len(envelopes), MAX_BATCH)
    cards = CardVerifier(keyring.trusted_keys())
    # end the key read: no write lock is held while envelopes and signatures are checked
    db.session.rollback()
    checked = [check_envelope(raw) for raw in envelopes]
    cards.verify_all(c.envelope["credential"] for c in checked if c.envelope
                     and "credential" in c.envelope)
    for attempt in range(RETRIES):
        try:
            authority = push_authority(user, device_id, proof or PushProof(), by_token=by_token)
            results = PushApplier(authority, cards).run(checked)
            authority.device.last_push_at = utcnow()
            missing = missing_ranges(device_id)
            db.session.commit()  # a push's own unit of work, retried whole on a conflict
            return {"results": results, "missing": missing, "server_time": utcnow()}
        except (IntegrityError, OperationalError) as error:
            # Another request stored one of these ids first: go again, it will answer duplicate.
            # Or PostgreSQL broke a deadlock by ending this transaction: go again too.
            db.session.rollback()
            if attempt == RETRIES - 1 or (isinstance(error, OperationalError)
                                          and not _transient(error)):
                raise
    raise AssertionError("unreachable")


def _transient(error: OperationalError) -> bool:
    """A deadlock or serialisation failure (SQLSTATE class 40): the same transaction again may
    pass."""
    return str(getattr(error.orig, "sqlstate", "") or "").startswith("40")


def missing_ranges(device_id: str, limit: int = 100) -> list[list[int]]:
    """``[from, to]`` ranges of ``device_seq`` never received from the device (stored or
    quarantined)."""
    rows = db.session.execute(text("""
        WITH received AS (
            SELECT device_seq AS seq FROM events
            WHERE device_id = :device AND device_seq IS NOT NULL
            UNION SELECT device_seq FROM quarantine
            WHERE device_id = :device AND device_seq IS NOT NULL
        ), ordered AS (SELECT seq, LAG(seq, 1, 0) OVER (ORDER BY seq) AS previous FROM received)
        SELECT previous + 1, seq - 1 FROM ordered WHERE seq > previous + 1
        ORDER BY seq LIMIT :limit
    """), {"device": device_id, "limit": limit})
    return [[int(start), int(end)] for start, end in rows]


class PushApplier:
    """Applies one push: envelopes in order, with what earlier ones did visible to later ones.
    It is also the ``rules.Known`` the rules read rows and the worker's fold through."""

    def __init__(self, authority: PushAuthority, cards: CardVerifier, *,
                 reviewer: User | None = None):
        """The push's ``authority`` says from which device, by whom, and whose scans it may carry;
        a ``reviewer`` re-applying a quarantined envelope decides with their own authority, past a
        blocked device or a revoked scanner."""
        self.user = authority.caller
        self.device = authority.device
        self.vouched = authority.vouched
        self.signed = authority.signed
        self.cards = cards
        self.reviewer = reviewer
        self.trusted_keys = cards.trusted_keys
        self.now = utcnow()
        self.today = calendar.today()
        self.programme_start = dt.date.fromisoformat(
            str(current_app.config["LABORPASS_PROGRAMME_START"])
        )
        self.late_days = int(current_app.config["LABORPASS_LATE_DAYS"])
        self.credentials: dict[str, Credential] = {}
        self.facts: dict[str, list[EventFact]] = {}  # worker id -> its events, earlier and new
        # plain rows, written back with Core statements: no ORM bookkeeping
        self.workers: dict[str, Row | NewWorker] = {}
        self.new_workers: list[str] = []
        self.by_bidx: dict[str, str] = {}
        self.aliases: dict[str, str] = {}
        self.events: list[Event] = []
        # id -> (hash, worker id) within this batch
        self.seen: dict[str, tuple[str, str | None]] = {}
        self.quarantine: list[QuarantinedEvent] = []
        self.rows: dict[tuple, object] = {}
        # ids of the workers' events no reviewer has decided yet
        self._awaiting_review: set[str] = set()
        self._review_loaded: set[str] = set()  # the workers whose events those were looked up for

    def row(self, model, key):
        """A fair, batch, employer, job, training or workplace the envelopes name again and again:
        loaded once a push. (The session keeps clean rows only while something refers to them;
        loading one anew also flushes the events added so far.)"""
        if (model, key) not in self.rows:
            self.rows[(model, key)] = db.session.get(model, key)
        return self.rows[(model, key)]

    def current_employer(self, facts: list[EventFact]) -> str | None:
        return fold_record(facts).current_employer_id

    def awaiting_review(self, worker_id: str) -> set[str]:
        """Ids of events with a review flag that no reviewer has decided yet, among the worker's
        (asked only when a rule needs them; loaded for every worker the push holds at once, and the
        push's own flagged events join them as they are stored)."""
        if worker_id not in self._review_loaded:
            ids = [w for w in self.workers if w not in self._review_loaded
                   and w not in self.new_workers]
            for start in range(0, len(ids), 900):
                self._awaiting_review.update(db.session.scalars(select(Event.id).where(
                    Event.worker_id.in_(ids[start:start + 900]), awaiting_review(Event))))
            self._review_loaded.update(self.workers)
        return self._awaiting_review

    def run(self, checked: list[Checked]) -> list[PushResult]:
        ids = [c.event_id for c in checked if c.event_id]
        self.stored = (
            {e.id: e for e in db.session.scalars(select(Event).where(Event.id.in_(ids)))}
            if ids
            else {}
        )
        seqs = [c.envelope["device_seq"] for c in checked if c.envelope]
        self.stored_seqs = dict(db.session.execute(
            select(Event.device_seq, Event.id).where(Event.device_id == self.device.id,
                                                     Event.device_seq.in_(seqs))
        ).all()) if seqs else {}
        self.open_quarantine = {q.event_id: q
                                for q in db.session.scalars(select(QuarantinedEvent).where(
            QuarantinedEvent.device_id == self.device.id, QuarantinedEvent.event_id.in_(ids),
            QuarantinedEvent.status == "open"))} if ids else {}
        self.prefetch([c.envelope for c in checked if c.envelope])
        results = [self.apply(c) for c in checked]
        self.save()
        return results

    def prefetch(self, envelopes: list[dict]) -> None:
        """Load in a few queries what the envelopes will need: their cards, workers and workers'
        events."""
        texts = {e["credential"] for e in envelopes if "credential" in e}
        serials = []
        for text_value in texts:
            claims = self.cards.verify(text_value)
            if not isinstance(claims, CredentialError):
                serials.append(claims.serial.hex())
        self.credentials = {c.serial: c for c in in_chunks(Credential, Credential.serial, serials)}
        worker_ids = {c.worker_id for c in self.credentials.values()}
        worker_ids |= {e["worker_id"] for e in envelopes if isinstance(e.get("worker_id"), str)}
        self.aliases.update({a.alias_id: a.worker_id
                             for a in in_chunks(WorkerAlias, WorkerAlias.alias_id, worker_ids)})
        worker_ids |= set(self.aliases.values())
        # Locked until the push commits: it re-folds them from the events it reads now.
        self.workers.update((worker.id, worker) for worker in worker_rows(worker_ids, lock=True))
        self.by_bidx.update(self._registered_already(envelopes))
        self.facts.update(facts_of(self.workers))

    def _registered_already(self, envelopes: list[dict]) -> dict[str, str]:
        """Blind index -> worker id of the people the batch's registrations name who are on record.
        """
        # The envelope's schema already checked and normalised the number
        # (schemas.workers.IdNumberField).
        wanted = {blind_index(e["data"]["id_number"]) for e in envelopes
                  if e["type"] == "worker.registered"}
        found, wanted = {}, sorted(wanted)
        for start in range(0, len(wanted), 900):
            found.update(
                db.session.execute(
                    select(Worker.id_number_bidx, Worker.id).where(
                        Worker.id_number_bidx.in_(wanted[start : start + 900])
                    )
                ).all()
            )
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
            raise Rejected(Reason.ID_CONFLICT,
                           f"device_seq {envelope['device_seq']} was already used by event "
                           f"{other}")
        if self.device.blocked_at and not self.reviewer:
            raise Rejected(Reason.DEVICE_BLOCKED,
                           f"this device was blocked: {self.device.blocked_reason}")
        scanner = self._scanner(envelope)
        authority = self.reviewer or scanner
        if not access.may_record(authority, envelope["type"]):
            raise Rejected(Reason.FORBIDDEN_TYPE,
                           f"role {authority.role} may not record {envelope['type']}")
        if envelope["type"] == "worker.registered":
            day = calendar.day_of(envelope["occurred_at"])
            refusal = time_refusal("worker.registered", envelope["occurred_at"], day,
                                   received_at=self.now,
                                   programme_start=self.programme_start, registered_at=None)
            if refusal:
                raise Rejected(*refusal)
            worker, flags, data = self._register(envelope, authority)
        else:
            worker = self._worker(envelope)
            self._check(envelope, worker, authority, scanner)
            flags = sync_rules.event_flags(envelope["type"], envelope["context"],
                                           self.facts[worker.id])
            if "temporary_pass" in envelope:
                flags.append(sync_rules.TEMPORARY_PASS)
            data = envelope["data"]
            flags += standing_flags(
                envelope["type"],
                received_on=self.today,
                late_days=self.late_days,
                vouches_for=vouches_for(
                    envelope["type"], calendar.day_of(envelope["occurred_at"]), data
                ),
                by_card="credential" in envelope,
                by_the_worker=access.acts_for_self(scanner),
            )
        self._store(envelope, worker, flags, digest, data, scanner)
        self.seen[envelope["id"]] = (digest, worker.id)
        return PushResult(envelope["id"], "accepted", flags=flags, worker_id=worker.id)

    def _replay(self, event_id, digest: str) -> PushResult | None:
        if not isinstance(event_id, str):
            return None
        if event_id in self.seen:
            earlier_digest, worker_id = self.seen[event_id]
            if earlier_digest != digest:
                raise Rejected(Reason.ID_CONFLICT,
                               "this id was sent earlier in the batch with other content")
            return PushResult(event_id, "duplicate", worker_id=worker_id)
        stored = self.stored.get(event_id)
        if stored is None:
            return None
        if stored.envelope_hash != digest:
            raise Rejected(Reason.ID_CONFLICT,
                           "an event with this id and other content is already stored")
        return PushResult(event_id, "duplicate", flags=list(stored.flags or []),
                          worker_id=stored.worker_id)

    # -- who made the scan: on a shared phone, not always who pushes it

    def _scanner(self, envelope: dict) -> User:
        scanner_id = envelope.get("scanned_by", self.user.id)
        scanner = self.vouched.get(scanner_id)
        if scanner is None:
            raise Rejected(Reason.UNKNOWN_SCANNER,
                           f"这条记录写明由用户 {scanner_id} 扫描，但无法证明：只有在这台手机上"
                           "用通行密钥登录过的人，且由手机签名的上传，才能记在他人名下。"
                           f" The scan names user {scanner_id} as its maker, which this push "
                           "cannot prove: a scan"
                           " counts as someone else's only on a push the phone signed, for people "
                           "who signed in"
                           " on that phone with their passkey." + ("" if self.signed
                                                                   else " This push was not "
                                                                        "signed."))
        if not scanner.active and not self.reviewer:
            raise Rejected(Reason.SCANNER_REVOKED,
                           f"the access of {scanner.name}, who made this scan, was revoked:"
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
            raise Rejected(Reason.UNKNOWN_WORKER,
                           f"no worker {envelope.get('worker_id')}: register the worker first")
        if worker.erased_at is not None:
            raise Rejected(Reason.UNKNOWN_WORKER, "此人的记录已按保存期限删除，请重新登记。 This "
                           "person's record was erased under the retention rule: register them "
                           "again.")
        return worker

    def _card_holder(self, text: str, occurred_at: dt.datetime) -> str:
        claims = self.cards.verify(text, on=calendar.day_of(occurred_at))
        if isinstance(claims, CredentialError):
            raise Rejected(claims.reason, claims.message)
        credential = self.credentials.get(claims.serial.hex()) or db.session.get(
            Credential, claims.serial.hex()
        )
        if credential is None:
            raise Rejected(Reason.REVOKED, "this card is not on record: issue a new one")
        if credential.revoked_at is not None and credential.revoked_at <= occurred_at:
            raise Rejected(Reason.REVOKED,
                           "this card was revoked before the scan: issue a new one")
        return credential.worker_id

    def _load_worker(self, worker_id: str) -> Row | NewWorker | None:
        if worker_id not in self.workers:
            worker = next(worker_rows([worker_id], lock=True), None)
            if worker is None:
                return None
            self.workers[worker_id] = worker
            self.facts.update(facts_of([worker_id]))
        return self.workers[worker_id]

    def _register(self, envelope: dict, authority: User) -> tuple[Row | NewWorker, list[str],
                                                                  dict]:
        try:
            registration = check_registration(envelope["data"], authority, today=self.today)
        # filed under the person's home county: the number is theirs to guard
        except Forbidden as exc:
            home = (
                envelope["data"].get("home")
                if isinstance(envelope["data"].get("home"), dict)
                else {}
            )
            raise Rejected(Reason.OUT_OF_SCOPE, exc.message, home.get("county_code")) from None
        except InvalidInput as exc:
            raise Rejected(Reason.INVALID_ENVELOPE, describe(exc.details["errors"])) from None
        except IdNumberError as exc:
            raise Rejected(Reason.INVALID_ENVELOPE, exc.message) from None
        bidx = registration.id_number_bidx
        existing = self.by_bidx.get(bidx)  # prefetched, and the batch's own registrations
        if existing:
            device_made_id = envelope.get("worker_id")
            # The phone's own id for the person now names the first record — unless that id is
            # already someone's record or alias: an id never changes whom it names.
            taken = device_made_id in self.workers or device_made_id in self.aliases
            if device_made_id and device_made_id != existing and not taken:
                db.session.add(WorkerAlias(alias_id=device_made_id, worker_id=existing))
                self.aliases[device_made_id] = existing
            # The same person again: the first registration stands; what this clerk typed is kept.
            data = {key: envelope["data"].get(key) for key in PROFILE_FIELDS} | {
                "duplicate_of": existing
            }
            return self._load_worker(existing), [sync_rules.DUPLICATE_PERSON], data
        worker_id = envelope.get("worker_id")
        # both prefetched for every id the batch names
        if worker_id in self.workers or worker_id in self.aliases:
            worker_id = None  # the device's id is taken: the result tells the device the real one
        event = registration_event(registration, authority, worker_id=worker_id)
        worker = NewWorker(event.worker_id, registration.home["county_code"],
                           registration.resident.birth_date)
        self.workers[worker.id], self.facts[worker.id] = worker, []
        self.new_workers.append(worker.id)
        self.by_bidx[bidx] = worker.id
        return worker, [w["code"] for w in registration.warnings], event.data

    # -- may this user record this about this worker: the rules' table

    def _check(
        self, envelope: dict, worker: Row | NewWorker, authority: User, scanner: User
    ) -> None:
        facts = self.facts[worker.id]
        named_by = (
            "card"
            if "credential" in envelope
            else "temporary_pass"
            if "temporary_pass" in envelope
            else "id"
        )
        scan = Scan(envelope["type"], envelope["context"], envelope["data"],
                    envelope["occurred_at"], authority,
                    scanner, worker, facts,
                    lambda: counted(facts, self.awaiting_review(worker.id)), named_by)
        rejection = first_rejection(scan, self)
        if rejection:
            raise Rejected(rejection.reason, rejection.message, worker.home_county_code)

    # -- storing

    def _store(
        self,
        envelope: dict,
        worker: Row | NewWorker,
        flags: list[str],
        digest: str,
        data: dict,
        scanner: User,
    ) -> None:
        event = build_event(
            worker.id, envelope["type"], actor=None, occurred_at=envelope["occurred_at"],
            context=envelope["context"], data=data, device_id=self.device.id,
            event_id=envelope["id"],
            raw_code=envelope.get("credential") or envelope.get("temporary_pass"), flags=flags,
        )
        event.actor_id = scanner.id
        event.pushed_by = self.user.id
        event.device_seq = envelope["device_seq"]
        event.envelope_hash = digest
        self.events.append(event)
        self.stored_seqs[envelope["device_seq"]] = envelope["id"]
        self.facts[worker.id].append(to_fact(event, actor_role=scanner.role))
        if set(flags) & set(REVIEW_FLAGS):
            self._awaiting_review.add(event.id)
        earlier = self.open_quarantine.get(envelope["id"])
        if earlier is not None:
            earlier.status = "reapplied"
            earlier.resolved_at = self.now
            earlier.resolution = "accepted when sent again"
            earlier.resolved_event_id = envelope["id"]

    def _quarantine(self, raw, event_id: str | None, rejection: Rejected) -> None:
        earlier = self.open_quarantine.get(event_id) if event_id else None
        if earlier is not None:
            earlier.times_received += 1
            earlier.reason = rejection.reason
            earlier.message = rejection.message
            earlier.received_at = self.now
            return
        seq = raw.get("device_seq") if isinstance(raw, dict) else None
        entry = QuarantinedEvent(
            event_id=event_id[:100] if event_id else None, device_id=self.device.id,
            device_seq=seq if isinstance(seq, int) and 0 < seq <= 2**53 else None,
            user_id=self.user.id,
            county_code=rejection.county_code or self.user.county_code, reason=rejection.reason,
            message=rejection.message[:2000], signed=self.signed,
            envelope=sealed(raw, quarantine_binding(self.device.id,
                                                    event_id[:100] if event_id else None)),
            received_at=self.now,
        )
        self.quarantine.append(entry)
        if event_id:
            self.open_quarantine[event_id] = entry

    def save(self) -> None:
        """Keep what was quarantined; append what was accepted (``events.append``: the same way as
        the office's, its records written for every worker it touched)."""
        db.session.add_all(self.quarantine)
        append(self.events, self.facts,
               {worker_id: None if isinstance(worker, NewWorker) else worker._mapping
                                         for worker_id, worker in self.workers.items()})


@dataclass(frozen=True)
class NewWorker:
    """A worker the push registers, until it is inserted: what later envelopes' checks read."""

    id: str
    home_county_code: str
    birth_date: dt.date
    erased_at: None = None
