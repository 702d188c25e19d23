"""Subsidy policies and the payout ledger: eligibility recomputed from the events, never patched.

``recompute(as_of)`` computes every worker's and employer's items (``server/domain/subsidies``)
and reconciles them with the ledger by key: a new key is a new ``eligible`` payout — or ``held``
when it rests on doubtful evidence (``held_for`` names each piece and why; it cannot be approved
or paid until a reviewer accepts or voids each, and the next recompute makes it eligible); a key
seen before keeps its row (and its status) — nothing is paid twice; an unpaid payout whose
eligibility is gone returns to ``review``; a paid one is flagged ``no_longer_eligible``, never
reversed. Each step of a payout (approve, pay, reject) is by a named user, kept in the row's
history and in the audit trail.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import bindparam, select

from server.domain import calendar
from server.domain.evidence import describe_doubts
from server.domain.id_numbers import mask_from_parts
from server.domain.progress import expand
from server.domain.reasons import Reason
from server.domain.stability import restore, spells
from server.domain.subsidies import (
    PRESETS,
    Profile,
    employer_items,
    months_needed,
    stable_at,
    worker_items,
)
from server.errors import Conflict, InvalidInput, NotFound
from server.extensions import db
from server.models import Employer, Payout, SubsidyPolicy, User, Worker
from server.models.types import utcnow
from server.services import access, audit
from server.services.places import county_name
from server.services.queries import Page, paginate
from server.services.unit_of_work import use_case

# A payout sent back to review (its evidence gone) is approved only once a recompute finds it
# eligible again.
STEPS = {"approve": ({"eligible"}, "approved"), "pay": ({"approved"}, "paid"),
         "reject": ({"eligible", "held", "review", "approved"}, "rejected")}
UNSETTLED = ("eligible", "held", "review")  # not yet approved: a recompute may change it


def policies() -> list[SubsidyPolicy]:
    """Every version of every policy (the seed's are put in by ``laborpass init-db``)."""
    return list(db.session.scalars(select(SubsidyPolicy).order_by(SubsidyPolicy.code,
                                                                  SubsidyPolicy.version)))


def install_presets() -> int:
    """The seed's policies (``domain.subsidies.PRESETS``) into a database that has no policy yet,
    as ``laborpass init-db`` does on every deploy; how many were put in (0 once there are
    policies)."""
    if db.session.scalar(select(SubsidyPolicy.id).limit(1)) is not None:
        return 0
    db.session.add_all(SubsidyPolicy(code=p.code, version=p.version, kind=p.kind, name=p.name,
                                     effective_from=p.effective_from, effective_to=p.effective_to,
                                     params=p.params, filters=p.filters) for p in PRESETS)
    db.session.flush()
    return len(PRESETS)


@use_case
def add_version(data: dict, user: User) -> SubsidyPolicy:
    """An admin's edit: a new version of the policy ``code`` (or its first), audited. Versions are
    never changed: what was computed under one stays explainable."""
    access.require(user, "policy.manage")
    existing = [p for p in policies() if p.code == data["code"]]
    if existing and existing[-1].kind != data["kind"]:
        raise InvalidInput({"kind": [f"此政策是 {existing[-1].kind} 类。 This policy is of kind "
                                     f"{existing[-1].kind}."]})
    row = SubsidyPolicy(**data, version=(existing[-1].version + 1) if existing else 1,
                        created_by=user.id)
    db.session.add(row)
    db.session.flush()
    audit.record("policy.versioned", actor=user, target=f"policy:{row.code}", version=row.version,
                 effective_from=row.effective_from.isoformat(), params=row.params,
                 filters=row.filters)
    return row


def eligibility(worker_id: str, user: User, as_of: dt.date) -> dict:
    """One worker's items as of a date, with the evidence month by month and where the ledger has
    each (``status``: eligible, held, approved, paid, rejected; null before the next recompute)."""
    access.require(user, "eligibility.read")
    worker = db.session.scalar(
        access.scope_workers(select(Worker), user).where(Worker.id == worker_id)
    )
    if worker is None:
        raise NotFound("worker")
    rules = [p.rule() for p in policies()]
    facts = [expand(row) for row in worker.stability_facts or []]
    items = worker_items(rules, worker.id, _profile(worker), facts, as_of)
    ledger = (
        dict(
            db.session.execute(
                select(Payout.key, Payout.status).where(Payout.key.in_([i.key for i in items]))
            ).all()
        )
        if items
        else {}
    )
    return {"worker_id": worker.id, "as_of": as_of,
            "items": [_item(i) | {"status": ledger.get(i.key)} for i in items]}


@use_case
def recompute(user: User, as_of: dt.date) -> dict:
    """Everyone's eligibility as of ``as_of`` (today or a day before: a month not yet worked is
    not reached), reconciled with the ledger; answers the counts. County staff reconcile their
    county's workers' payouts; employers' rewards, which span counties, are the admins' to."""
    access.require(user, "payout.manage")
    if as_of > calendar.today():
        raise InvalidInput({"as_of": ["不能按将来的日期核算。 A recompute cannot be as of a day "
                                      "still to come."]})
    found = everyone_eligible(as_of)
    if own := access.own_county(user):
        found = {key: value for key, value in found.items() if value[3] == own}
    return _reconcile(found, user, as_of, only_county=own)


def everyone_eligible(as_of: dt.date) -> dict:
    """Every worker's and employer's items as of ``as_of``, by key: (item, worker, employer,
    county). One row per worker, never the event log: as of today or later, the spells the record
    keeps (no event lies after such a day, so they are the spells as of it) of the workers past the
    fewest months any rule needs; as of an earlier day, each arrived worker's employment facts."""
    rules = [p.rule() for p in policies()]
    # the latest version of each
    rewards = {r.code: r for r in rules if r.kind == "employer_reward"}
    # per reward policy: employer -> workers stable there
    stable_workers = {code: Counter() for code in rewards}
    found = {}
    for worker, facts, worker_spells in _employment(rules, as_of):
        for item in worker_items(rules, worker.id, _profile(worker), facts, as_of,
                                 found_spells=worker_spells):
            found[item.key] = (item, worker.id, None, worker.home_county_code)
        for code, policy in rewards.items():
            if employer := stable_at(worker_spells, as_of, policy.params["stable_months"]):
                stable_workers[code][employer] += 1
    for code in rewards:
        for item in employer_items([r for r in rules if r.code == code],
                                   dict(stable_workers[code]), as_of):
            found[item.key] = (item, None, item.subject.split(":", 1)[1], None)
    return found


def _employment(rules: list, as_of: dt.date):
    """(worker row, facts, spells) of each worker the rules may pay as of ``as_of``."""
    columns = (Worker.id, Worker.poor_household, Worker.home_county_code)
    # arrivals are paid from the facts
    if as_of < calendar.today() or any(r.kind == "arrival" for r in rules):
        for row in db.session.execute(
            select(*columns, Worker.stability_facts).where(Worker.arrived_on.is_not(None))
        ):
            facts = [expand(f) for f in row.stability_facts or []]
            yield row, facts, spells(facts, as_of)
        return
    fewest = min(months_needed(r) for r in rules)
    reached = (
        Worker.month6_on if fewest >= 6 else Worker.month3_on if fewest >= 3 else Worker.month1_on
    )
    for row in db.session.execute(select(*columns, Worker.spells).where(reached <= as_of)):
        yield row, [], [restore(s) for s in row.spells]


def _reconcile(found: dict, user: User, as_of: dt.date, *, only_county: str | None) -> dict:
    """The ledger (``only_county``'s rows only, when given) brought in line with ``found`` by key,
    written in bulk (a program's ledger holds hundreds of thousands of rows): new keys inserted,
    rows whose computation changed updated. A row reached after ``as_of`` is left as it is: not
    reached yet then, not gone."""
    now = utcnow()
    query = select(*(getattr(Payout, c) for c in ("id", "key", *_KEPT)))
    if only_county:
        query = query.where(Payout.county_code == only_county)
    ledger = {row.key: row for row in db.session.execute(query)}
    counts, new, changed = Counter(), [], []
    for key, (item, worker_id, employer_id, county) in found.items():
        row = ledger.get(key)
        if row is None:
            status = "held" if item.held else "eligible"
            new.append({"key": key, "policy_code": item.policy_code,
                        "policy_version": item.policy_version,
                        "worker_id": worker_id, "employer_id": employer_id, "county_code": county,
                        "amount": item.amount, "reached_on": item.reached_on, "status": status,
                        "explanation": list(item.explanation), "flags": [],
                        "held_for": held_for(item),
                        "history": [_step(status, None, now)], "computed_at": now})
            counts["new"] += 1
            continue
        values = {c: getattr(row, c) for c in _KEPT} | {"explanation": list(item.explanation)}
        if row.status in UNSETTLED:  # not yet approved: the recomputed facts stand
            values |= {"amount": item.amount, "reached_on": item.reached_on,
                       "policy_version": item.policy_version, "held_for": held_for(item)}
        if "no_longer_eligible" in row.flags:  # the evidence is back
            values["flags"] = [f for f in row.flags if f != "no_longer_eligible"]
            if row.status == "review":
                status = "held" if item.held else "eligible"
                values |= {"status": status, "history": row.history + [_step(status, None, now,
                                                                             "evidence returned")]}
        if values["status"] in ("eligible", "held") and values["status"] != ("held" if item.held
                                                                             else "eligible"):
            status, why = (Reason.HELD, "evidence in doubt") if item.held else ("eligible",
                                                                    "the evidence was reviewed")
            values |= {"status": status,
                       "history": values["history"] + [_step(status, None, now, why)]}
        if any(values[c] != getattr(row, c) for c in _KEPT):
            changed.append({"id": row.id, **values})
        counts["unchanged"] += 1
    for key, row in ledger.items():
        if (
            key in found
            or row.status == "rejected"
            or "no_longer_eligible" in row.flags
            or row.reached_on > as_of
        ):
            continue
        values = {c: getattr(row, c) for c in _KEPT} | {
            "flags": row.flags + ["no_longer_eligible"]
        }
        if row.status in ("eligible", "held", "approved"):
            values |= {"status": "review", "held_for": [],
                       "history": row.history + [_step("review", None, now,
                                                       "later evidence removed the eligibility")]}
        changed.append({"id": row.id, **values})
        counts["no_longer_eligible"] += 1
    if new:
        db.session.execute(Payout.__table__.insert(), new)
    if changed:
        table = Payout.__table__
        db.session.execute(table.update().where(table.c.id == bindparam("b_id")).values(
            {c: bindparam(f"b_{c}") for c in (*_KEPT, "computed_at")}),
            [{f"b_{k}": v for k, v in row.items()} | {"b_computed_at": now} for row in changed])
    audit.record("payouts.recomputed", actor=user, target="payouts", **counts)
    return {"new": counts["new"], "unchanged": counts["unchanged"],
            "no_longer_eligible": counts["no_longer_eligible"]}


_KEPT = ("status", "flags", "history", "explanation", "amount", "reached_on", "policy_version",
         "held_for")  # what a recompute may change


@use_case
def step(payout_id: int, action: str, user: User, reason: str | None = None) -> Payout:
    """approve, pay or reject a payout (a reason for a rejection), by a named user, recorded."""
    access.require(user, "payout.manage")
    payout = db.session.get(Payout, payout_id)
    own = access.own_county(user)
    # an employer's reward is the admins'
    if payout is None or (own and payout.county_code != own):
        raise NotFound("payout")
    allowed, target = STEPS[action]
    if payout.status == "held" and action != "reject":
        raise Conflict(Reason.HELD,
                       "此项依据的证据待审核，审核员确认或作废每一条后重新计算，才能批准或发放。 "
                               "This payout rests on evidence awaiting review: it can be approved "
                               "or paid once a reviewer has accepted or voided each piece (see "
                               "held_for) and it is recomputed.")
    if payout.status not in allowed:
        raise Conflict(Reason.WRONG_STATUS, f"此项目前为“{payout.status}”，不能{action}。"
                                       f" A payout that is {payout.status} cannot be {action}d "
                                       "here.")
    if action == "reject" and not reason:
        raise InvalidInput({"reason": ["请说明驳回原因。 Say why it is rejected."]})
    payout.status = target
    payout.history = payout.history + [_step(target, user.id, utcnow(), reason)]
    audit.record(f"payout.{target}", actor=user, target=f"payout:{payout.id}", key=payout.key,
                 amount=payout.amount, reason=reason)
    return payout


def payouts_page(user: User, args: dict) -> Page:
    """The page of the ledger ``args`` ask for (filters as ``payouts_of``; ``page``, ``per_page``).
    """
    return paginate(_payouts_query(user, args), args)


def payouts_of(user: User, args: dict) -> list[Payout]:
    """The whole of the ledger the user may read, by status, policy, worker or employer: a county's
    own workers' payouts; oldest milestone first."""
    return list(db.session.scalars(_payouts_query(user, args)))


def _payouts_query(user: User, args: dict):
    access.require(user, "payout.read")
    query = select(Payout).order_by(Payout.reached_on, Payout.id)
    if own := access.own_county(user):
        query = query.where(Payout.county_code == own)
    for column in ("status", "policy_code", "worker_id", "employer_id"):
        if args.get(column):
            query = query.where(getattr(Payout, column) == args[column])
    return query


def finance_table(user: User, args: dict) -> list[list]:
    """The ledger for finance: one row per payout (who, masked ID, policy, amount, status), then
    the totals per county, per employer and per policy; then, apart and in no total, the payouts
    held for doubtful evidence, each with the evidence a reviewer must settle."""
    rows = payouts_of(user, args)
    workers = {w.id: w for w in db.session.scalars(select(Worker).where(
        Worker.id.in_([p.worker_id for p in rows if p.worker_id])))} if rows else {}
    employers = {e.id: e.name for e in db.session.scalars(select(Employer))}
    table = [["编号 Id", "政策 Policy", "版本 Version", "务工人员 Worker", "身份证 ID (masked)",
              "用工企业 Employer",
              "县 County", "金额（元） Yuan", "达到日期 Reached", "状态 Status"]]
    held = [p for p in rows if p.status == "held"]
    for p in rows:
        if p.status == "held":
            continue
        worker = workers.get(p.worker_id)
        employer = p.employer_id or (worker.current_employer_id if worker else None)
        table.append([p.id, p.policy_code, p.policy_version, worker.name if worker else None,
                      mask_from_parts(worker.id_region_code, worker.id_last4) if worker else None,
                      employers.get(employer),
                      county_name(p.county_code) if p.county_code else None, p.amount,
                      p.reached_on.isoformat(), p.status])
    payout_rows = table[1:]
    for title, column in (("按县合计 Totals by county", 6), ("按企业合计 Totals by employer", 5),
                          ("按政策合计 Totals by policy", 1)):
        sums = Counter()
        for row in payout_rows:
            sums[row[column] or "—"] += row[7]
        table += [[], [title, "金额（元） Yuan"]] + [[key, total] for key,
                                                     total in sorted(sums.items())]
    if held:
        table += [[],
                  ["暂缓发放：证据待审核（不计入合计） Held: evidence awaiting review (in no "
                   "total)"],
                  ["编号 Id", "政策 Policy", "务工人员 Worker", "身份证 ID (masked)",
                   "金额（元） Yuan", "达到日期 Reached", "待审核证据 Evidence to review"]]
        for p in held:
            worker = workers.get(p.worker_id)
            evidence = "；".join(f"{e['day']} {e['type']} {e['event_id']}："
                                 f"{describe_doubts(e['reasons'])}"
                                 for e in p.held_for or [])
            table.append([p.id, p.policy_code, worker.name if worker else None,
                          mask_from_parts(worker.id_region_code, worker.id_last4) if worker
                          else None, p.amount, p.reached_on.isoformat(), evidence])
    return table


def _profile(worker) -> Profile:
    return Profile(poor_household=bool(worker.poor_household),
                   home_county_code=worker.home_county_code)


def _item(item) -> dict:
    return {"key": item.key, "policy_code": item.policy_code,
            "policy_version": item.policy_version,
            "amount": item.amount, "reached_on": item.reached_on,
            "explanation": list(item.explanation), "held_for": held_for(item)}


def held_for(item) -> list[dict]:
    """The doubtful evidence an item rests on, as the ledger keeps it."""
    return [{"event_id": e.event_id, "type": e.type, "day": e.day.isoformat(),
             "reasons": list(e.doubts)}
            for e in item.doubtful]


def _step(status: str, user_id: int | None, at: dt.datetime, reason: str | None = None) -> dict:
    return {"status": status, "by": user_id, "at": at.isoformat(),
            **({"reason": reason} if reason else {})}
