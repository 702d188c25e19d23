"""The push's acceptance rules: one table, each rule a small function of the scan and what is
known.

``RULES`` run in order on every envelope but a registration, once the envelope itself was found
sound (a new id, a device not blocked, a scanner the push vouches for, a type the scanner's role
records). The first rule to answer a ``Rejection`` decides: the envelope goes to quarantine with
its reason. Rules read the database only through ``Known`` (rows a push loads once), so each is
tested as a plain function. Who may do what is ``services.access``'s to say; a rule asks it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from server.domain import calendar, sync_rules
from server.domain.credentials import CredentialError
from server.domain.events import EventFact
from server.domain.evidence import time_refusal, vouches_for
from server.domain.help import requests_of
from server.domain.id_numbers import age_on
from server.domain.reasons import Reason
from server.domain.site_codes import verify_site_code
from server.domain.sync_rules import assigned_batch, missing_context
from server.domain.temporary_pass import TEMPORARY_PASS_DAYS, pass_still_good
from server.models import Batch, Employer, Fair, FairEmployer, Posting, Training, User, WorkSite
from server.services import access


@dataclass(frozen=True)
class Rejection:
    reason: str
    message: str


@dataclass
class Scan:
    """One envelope about a known worker, as the rules see it."""

    type: str
    # completed by the rules that prove it: an employer's own id, the workplace code's employer
    context: dict
    data: dict
    occurred_at: dt.datetime
    # whose authority the scan counts with: who made it, or a reviewer re-applying it
    authority: User
    scanner: User  # who made it
    worker: object  # .id, .home_county_code, .birth_date
    earlier: list[EventFact]  # the worker's events so far
    # of those, the ones that give scope (asked only when a rule needs it)
    counting: Callable[[], list[EventFact]]
    named_by: str = "card"  # card | temporary_pass | id

    @cached_property
    def counted(self) -> list[EventFact]:
        """The worker's events that give scope: neither voided nor awaiting a reviewer."""
        return self.counting()

    @property
    def county(self) -> str:
        return self.worker.home_county_code


class Known(Protocol):
    """What the push has loaded: rows by key, the trusted keys, and the worker's fold."""

    trusted_keys: list
    now: dt.datetime  # when the push was received
    programme_start: dt.date  # LABORPASS_PROGRAMME_START
    reviewer: User | None  # a reviewer re-applying a quarantined envelope

    def row(self, model, key): ...

    def current_employer(self, facts: list[EventFact]) -> str | None: ...


def employer_scans_for_itself(scan: Scan, known: Known) -> None:
    """An employer's scan is for the scanner's own employer when the phone named none (completes
    the context)."""
    own = access.own_employer(scan.scanner)
    if own:
        scan.context.setdefault("employer_id", own)


def worker_confirms_only_own_work(scan: Scan, known: Known) -> Rejection | None:
    """A worker records three things, all about themselves: being at work (with the day's
    workplace code, and no pay figure: that is the employer's), their answer to a month's pay,
    and a request for help."""
    if not access.acts_for_self(scan.authority):
        return None
    own = scan.worker.id == scan.authority.worker_id
    at_work = (scan.type == "employment.confirmed" and scan.data.get("site_code")
               and "pay" not in scan.data)
    answers = scan.type in ("pay.answered", "help.requested") and not scan.context
    if not own or not (at_work or answers):
        return Rejection(Reason.OUT_OF_SCOPE, "务工人员只能用工作地点码确认自己在岗，"
                         "或答复自己的工资。 A worker confirms only their own work, with the "
                         "workplace code, or answers their own pay.")
    return None


def steps_an_open_request(scan: Scan, known: Known) -> Rejection | None:
    """An answer or a closing is of one of the worker's requests, not closed yet, and after it."""
    if scan.type not in ("help.answered", "help.closed"):
        return None
    ordered = sorted(scan.counted, key=lambda f: f.sort_key)
    request = next((r for r in requests_of(ordered) if r.id == scan.data["request_id"]), None)
    if request is None or request.status == "closed" or scan.occurred_at < request.requested_at:
        return Rejection(Reason.NO_OPEN_REQUEST, "此人没有这条未关闭的求助。"
                         " This worker has no such open request for help.")
    return None


def pay_is_the_current_employers_for_a_past_month(scan: Scan, known: Known) -> Rejection | None:
    """A month's pay: of a month begun by the confirmation's day, given by the employer the worker
    works for now (a former one, or a month ahead, would rewrite the figure that counts)."""
    if scan.type != "employment.confirmed" or "pay" not in scan.data:
        return None
    if scan.data["month"] > calendar.day_of(scan.occurred_at).strftime("%Y-%m"):
        return Rejection(Reason.INVALID_ENVELOPE, "不能填报尚未到来的月份的工资。"
                         " Pay is given for a month that has begun.")
    if known.current_employer(scan.counted) != scan.context.get("employer_id"):
        return Rejection(Reason.OUT_OF_SCOPE, "只有现在的用工企业填报工资。"
                         " Only the worker's current employer gives their pay.")
    return None


def answers_a_months_pay(scan: Scan, known: Known) -> Rejection | None:
    """An answer is to a month the employer gave a figure for (one that counts)."""
    if scan.type != "pay.answered":
        return None
    month = scan.data["month"]
    if not any(f.type == "employment.confirmed" and f.data.get("month") == month
               and f.data.get("pay") is not None for f in scan.counted):
        return Rejection(Reason.NO_PAY_GIVEN, f"企业尚未填报 {month} 的工资，无从答复。"
                         f" The employer gave no pay for {month}: nothing to answer.")
    return None


def workplace_code_is_the_employers(scan: Scan, known: Known) -> Rejection | None:
    """A confirmation with the day's workplace code: genuine, of the scan's day, of a workplace on
    record, of the worker's current employer (then the code names the employer: completes the
    context)."""
    code = scan.type == "employment.confirmed" and scan.data.get("site_code")
    if not code:
        return None
    try:
        claim = verify_site_code(code, known.trusted_keys, on=calendar.day_of(scan.occurred_at))
    except CredentialError as exc:
        return Rejection(exc.reason, exc.message)
    site = known.row(WorkSite, claim.site_id)
    if site is None:
        return Rejection(Reason.UNKNOWN_SITE,
                         "没有这个工作地点。 This workplace is not on record.")
    if known.current_employer(scan.earlier) != site.employer_id:
        return Rejection(Reason.WRONG_SITE, "这不是该务工人员所在企业的工作地点。"
                         " This workplace is not of the worker's current employer.")
    scan.context["employer_id"] = site.employer_id
    return None


def staff(rule):
    """A rule for staff scans only: a worker's own confirmation is proven by the workplace code."""
    def checked(scan: Scan, known: Known) -> Rejection | None:
        return None if access.acts_for_self(scan.authority) else rule(scan, known)
    checked.__name__ = rule.__name__
    checked.__doc__ = rule.__doc__
    return checked


@staff
def context_is_complete(scan: Scan, known: Known) -> Rejection | None:
    missing = missing_context(scan.type, scan.context)
    if missing:
        return Rejection(Reason.INVALID_ENVELOPE,
                         f"context needs {', '.join(missing)} for {scan.type}")
    return None


@staff
def fair_is_known(scan: Scan, known: Known) -> Rejection | None:
    """A fair scan names a fair on record, an employer taking part in it and one of its jobs there.
    """
    if scan.type not in sync_rules.FAIR_TYPES:
        return None
    fair = known.row(Fair, scan.context["fair_id"])
    if fair is None:
        return Rejection(Reason.UNKNOWN_FAIR,
                         f"no fair {scan.context['fair_id']}: pull the fairs again")
    if scan.type == "fair.intent_signed":
        employer_id = scan.context["employer_id"]
        if known.row(FairEmployer, (fair.id, employer_id)) is None:
            return Rejection(Reason.UNKNOWN_EMPLOYER,
                             f"employer {employer_id} is not at the fair {fair.name}")
        posting_id = scan.data.get("posting_id")
        posting = known.row(Posting, posting_id) if posting_id else None
        if posting_id and (posting is None
                           or (posting.fair_id, posting.employer_id) != (fair.id, employer_id)):
            return Rejection(Reason.UNKNOWN_POSTING,
                             f"job {posting_id} is not one this employer brought to the fair")
    return None


@staff
def follows_up_an_intention(scan: Scan, known: Known) -> Rejection | None:
    """A follow-up is of an intention the worker signed at that fair (one that counts)."""
    if scan.type != "intention.followed_up":
        return None
    fair_id = scan.context["fair_id"]
    if not any(f.type == "fair.intent_signed" and f.context.get("fair_id") == fair_id
               for f in scan.counted):
        return Rejection(Reason.NO_INTENTION, "此人未在该招聘会签订意向，无从回访。"
                         " This person signed no intention at that fair: nothing to follow up.")
    return None


@staff
def batch_is_known(scan: Scan, known: Known) -> Rejection | None:
    batch_id = scan.context.get("batch_id")
    if batch_id and scan.type not in sync_rules.FAIR_TYPES and known.row(Batch, batch_id) is None:
        return Rejection(Reason.UNKNOWN_BATCH, f"no batch {batch_id}: pull the batches again")
    return None


@staff
def training_is_known(scan: Scan, known: Known) -> Rejection | None:
    if (
        scan.type == "training.attended"
        and known.row(Training, scan.context["training_id"]) is None
    ):
        return Rejection(Reason.UNKNOWN_TRAINING,
                         f"no training {scan.context['training_id']}: pull again")
    return None


@staff
def in_scope(scan: Scan, known: Known) -> Rejection | None:
    """The scanner acts for this worker here: at a fair, on a batch or at a training, its county is
    the scope (people from next door come too); else the worker's own county."""
    current = known.current_employer(scan.counted) if access.own_employer(scan.authority) else None
    if access.scan_refusal(scan.authority, where_county(scan, known), scan.type, scan.context,
                           scan.counted, current_employer=current):
        return Rejection(Reason.OUT_OF_SCOPE,
                         "此人不在您的工作范围内。 This worker or context is outside your scope.")
    return None


def where_county(scan: Scan, known: Known) -> str:
    """The county whose staff act here: a fair's, a batch's (its own scans only: a batch id in any
    other scan's context widens nothing), a training's; else the worker's own."""
    if scan.type in sync_rules.FAIR_TYPES:
        return known.row(Fair, scan.context["fair_id"]).county_code
    if scan.context.get("batch_id") and scan.type in sync_rules.BATCH_TYPES:
        return known.row(Batch, scan.context["batch_id"]).origin_county_code
    if scan.type == "training.attended":
        return known.row(Training, scan.context["training_id"]).county_code
    return scan.county


@staff
def employer_is_known(scan: Scan, known: Known) -> Rejection | None:
    employer_id = scan.context.get("employer_id")
    if employer_id and known.row(Employer, employer_id) is None:
        return Rejection(Reason.UNKNOWN_EMPLOYER, f"no employer {employer_id}")
    return None


@staff
def named_by_card_or_a_trusted_id(scan: Scan, known: Known) -> Rejection | None:
    """A bare worker id counts only where ``access.ID_ALONE`` says: knowing an id grants nothing. A
    temporary pass is the worker id in a QR code (nobody signed it), so it counts as an id here."""
    if scan.named_by == "card":
        return None
    needs = access.id_alone(scan.authority, scan.type)
    if needs == "scope" and access.own_county(scan.authority) not in (None, scan.county):
        # next door's people come to a fair too, but with their card: an id alone is not proof
        needs = None
    if needs == "review":
        return Rejection(Reason.KEYED_ONBOARDING,
                         "没有扫卡的入职登记须经审核：已交劳务工作站审核，通过前不计入。 An "
                         "onboarding keyed in by id waits for a reviewer (the county's "
                         "workstation): it counts for nothing until accepted. Scan the worker's "
                         "card instead.")
    if needs is None or (needs == "roster" and not on_a_roster_due_here(scan, known)):
        return Rejection(Reason.CARD_REQUIRED, "请扫描此人的卡（或临时凭证）：只凭编号不能记录。 "
                         "Scan this person's card (or temporary pass): an id alone cannot record "
                         "this.")
    return None


def on_a_roster_due_here(scan: Scan, known: Known) -> bool:
    """Is the worker on a batch due at the greeter's station (by an assignment that counts)?"""
    batch_id = assigned_batch(scan.counted)
    batch = known.row(Batch, batch_id) if batch_id else None
    return batch is not None and access.greets_batch(scan.authority, batch)


@staff
def of_working_age(scan: Scan, known: Known) -> Rejection | None:
    age = (
        age_on(scan.worker.birth_date, calendar.day_of(scan.occurred_at))
        if scan.type == "employer.onboarded"
        else None
    )
    if age is not None and age < sync_rules.MINIMUM_WORKING_AGE:
        return Rejection(Reason.UNDER_16,
                         "未满16周岁，依法不得录用。 Under 16: the Labour Law forbids employing "
                         "this person.")
    return None


@staff
def voids_one_of_the_workers_events(scan: Scan, known: Known) -> Rejection | None:
    """A void cancels one of the worker's events: a scanner's own mistake at once; another's scan
    (a voided end of employment makes months appear) only by a reviewer who is neither (four eyes).
    """
    if scan.type != "event.voided":
        return None
    target = next((f for f in scan.earlier if f.id == scan.data["event_id"]), None)
    if target is None:
        return Rejection(Reason.UNKNOWN_EVENT,
                         f"event {scan.data['event_id']} is not one of this worker's")
    if target.actor_id in (None, scan.scanner.id):
        return None
    if known.reviewer is None or known.reviewer.id == scan.scanner.id:
        return Rejection(Reason.VOID_NEEDS_REVIEW, "作废他人的记录须经另一位审核员：已交审核。"
                         " Voiding someone else's scan needs another reviewer: it waits in "
                         "quarantine for one.")
    return None


@staff
def correction_can_be_checked_offline(scan: Scan, known: Known) -> Rejection | None:
    if scan.type == "worker.updated" and {"id_number", "home"} & set(scan.data):
        return Rejection(Reason.INVALID_ENVELOPE,
                         "ID number and home corrections need the online check:"
                         " use PATCH /api/workers/{id}")
    return None


def temporary_pass_still_good(scan: Scan, known: Known) -> Rejection | None:
    """Good for 60 days after the registration, by the scan's time and by the server's (the phone's
    clock alone could stretch it)."""
    if scan.named_by != "temporary_pass":
        return None
    registered = min((f.occurred_at for f in scan.earlier if f.type == "worker.registered"),
                     default=None)
    if registered is None or not (pass_still_good(registered, scan.occurred_at)
                                  and pass_still_good(registered, known.now)):
        return Rejection(Reason.TEMPORARY_PASS_EXPIRED,
                         f"临时凭证只在登记后 {TEMPORARY_PASS_DAYS} 天内有效，请用正式卡。"
                         f" A temporary pass is good for {TEMPORARY_PASS_DAYS} days after "
                         "registration: use the card.")
    return None


def registered_at(earlier: list[EventFact]) -> dt.datetime | None:
    """When the record was made: its registration, not a later one of the same person (a duplicate,
    whose time a phone may say anything about)."""
    kept = [f for f in earlier if f.type == "worker.registered"
            and sync_rules.DUPLICATE_PERSON not in f.flags]
    return min((f.occurred_at for f in kept), default=None)


def its_time_can_be(scan: Scan, known: Known) -> Rejection | None:
    """Not before the programme began, not before the worker was registered, not after the push
    reached the server (``domain.evidence.time_refusal``). Last: only a scanner in scope is told
    when the person was registered."""
    registered = registered_at(scan.earlier)
    refusal = time_refusal(scan.type, scan.occurred_at,
                           vouches_for(scan.type, calendar.day_of(scan.occurred_at), scan.data),
                           received_at=known.now, programme_start=known.programme_start,
                           registered_at=registered)
    return Rejection(*refusal) if refusal else None


RULES = (
    employer_scans_for_itself,
    worker_confirms_only_own_work,
    workplace_code_is_the_employers,
    context_is_complete,
    fair_is_known,
    batch_is_known,
    training_is_known,
    in_scope,
    employer_is_known,
    named_by_card_or_a_trusted_id,
    # told only to a scanner in scope: whether someone signed, a month was paid, a request is open
    follows_up_an_intention,
    answers_a_months_pay,
    steps_an_open_request,
    pay_is_the_current_employers_for_a_past_month,
    of_working_age,
    voids_one_of_the_workers_events,
    correction_can_be_checked_offline,
    temporary_pass_still_good,
    its_time_can_be,
)


def first_rejection(scan: Scan, known: Known) -> Rejection | None:
    for rule in RULES:
        rejection = rule(scan, known)
        if rejection is not None:
            return rejection
    return None
