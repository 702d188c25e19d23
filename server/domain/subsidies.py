"""Subsidy and reward rules, versioned with effective dates, and what a worker or an employer is
eligible for as of a date — each item with its explanation and a key that is never paid twice.

Rule kinds (``Policy.kind``):
- ``milestone``: a fixed amount when a spell reaches N consecutive confirmed months;
  ``params = {"steps": [[3, 3000], [6, 9000]]}`` (the 2019 Fuzhou policy);
- ``monthly``: an amount for each confirmed month after N, for at most M months;
  ``params = {"after_months": 3, "amount": 600, "max_months": 6}`` (2018: months 4 to 9);
- ``arrival``: a one-off amount on arriving (travel, living); ``params = {"amount": …}``;
- ``employer_reward``: an employer stably employing more than ``threshold`` of the program's
  workers gets ``amount``, and again for each further ``step``; a worker counts for the employer
  of the current spell only, once it has ``stable_months`` confirmed months;
  ``params = {"threshold": 50, "step": 50, "amount": 100000, "stable_months": 3}``.
A milestone or monthly policy may ask for two-party evidence (``params["two_party"]: true``): each
month counts only with both the employer's evidence and the worker's own (a scan of the workplace
code, or a workstation's follow-up) dated within it.
Filters (``Policy.filters``): ``poor_household`` (registered poor households only),
``first_time`` (the worker's first spell or arrival in the program), ``counties`` (home county).

An item resting on doubtful evidence (``domain.evidence``: late, keyed, flagged, not yet accepted
by a reviewer) is **held**: ``Item.doubtful`` names each piece, and nothing held is paid until a
reviewer accepts or voids each (then the next computation finds it sound, or gone).

The version of a policy that applies is the one in force on the day the milestone was reached.
An item's ``key`` names the policy code, the subject and the milestone — not the version, not
the date — so a recomputation after a late scan, or a re-import, finds the same key again.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from server.domain.events import EventFact
from server.domain.evidence import describe_doubts
from server.domain.stability import STARTS, Evidence, Spell, evidence_of, month_lines, spells

KINDS = ("milestone", "monthly", "arrival", "employer_reward")


@dataclass(frozen=True)
class Policy:
    code: str  # the policy, across its versions
    version: int
    kind: str
    name: str
    effective_from: dt.date
    effective_to: dt.date | None = None  # the last day in force; None: open-ended
    params: dict = field(default_factory=dict)
    filters: dict = field(default_factory=dict)

    def in_force(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None
                                               or day <= self.effective_to)


@dataclass(frozen=True)
class Profile:
    """What the filters look at."""

    poor_household: bool
    home_county_code: str | None


@dataclass(frozen=True)
class Item:
    key: str  # never paid twice
    policy_code: str
    policy_version: int
    subject: str  # "worker:<id>" or "employer:<id>"
    amount: int  # yuan
    reached_on: dt.date
    explanation: tuple[str, ...]
    doubtful: tuple[Evidence, ...] = ()  # non-empty: held until a reviewer settles each

    @property
    def held(self) -> bool:
        return bool(self.doubtful)


def version_in_force(policies: Iterable[Policy], code: str, day: dt.date) -> Policy | None:
    return next(
        (
            p
            for p in sorted(policies, key=lambda p: -p.version)
            if p.code == code and p.in_force(day)
        ),
        None,
    )


def months_needed(policy: Policy) -> int:
    """The fewest consecutive confirmed months before ``policy`` pays anything (0: on arrival)."""
    if policy.kind == "milestone":
        return min(months for months, _ in policy.params["steps"])
    if policy.kind == "monthly":
        return policy.params["after_months"] + 1
    return policy.params["stable_months"] if policy.kind == "employer_reward" else 0


def worker_items(policies: list[Policy], worker_id: str, profile: Profile, facts: list[EventFact],
                 as_of: dt.date, *, found_spells: list[Spell] | None = None) -> list[Item]:
    """Everything the worker is eligible for as of ``as_of``, under every policy in force when it
    was reached (``found_spells``: ``spells(facts, as_of)``, when the caller has them already)."""
    found_spells = spells(facts, as_of) if found_spells is None else found_spells
    items: list[Item] = []
    for code in dict.fromkeys(p.code for p in policies):
        versions = [p for p in policies if p.code == code]
        kind = versions[0].kind
        if kind in ("milestone", "monthly"):
            for spell in found_spells:
                items += _spell_items(versions, kind, worker_id, profile, spell, as_of)
        elif kind == "arrival":
            items += _arrival_items(versions, worker_id, profile, facts, as_of)
    return items


def employer_items(
    policies: list[Policy], stable_workers: dict[str, int], as_of: dt.date
) -> list[Item]:
    """Employer rewards as of ``as_of``: ``stable_workers`` is, per employer, how many of the
    program's workers it employs now with at least the policy's ``stable_months`` (see
    ``stable_at``)."""
    items = []
    for code in dict.fromkeys(p.code for p in policies if p.kind == "employer_reward"):
        policy = version_in_force(policies, code, as_of)
        if policy is None:
            continue
        threshold, step, amount = (policy.params[k] for k in ("threshold", "step", "amount"))
        for employer_id, count in sorted(stable_workers.items()):
            blocks = 0 if count <= threshold else 1 + (count - threshold - 1) // step
            for block in range(1, blocks + 1):
                needed = threshold + 1 + (block - 1) * step
                items.append(Item(f"{code}:employer:{employer_id}:block{block}", code,
                                  policy.version, f"employer:{employer_id}", amount, as_of, (
                                      f"稳定用工 {count} 人（第{block}档：超过 {needed - 1} 人）。"
                                      f" {count} workers stably employed (block {block}: more "
                                      f"than {needed - 1}).",)))
    return items


def stable_at(found_spells: list[Spell], as_of: dt.date, stable_months: int) -> str | None:
    """The employer a worker counts for in employer rewards as of ``as_of`` (``found_spells``: the
    worker's ``spells`` as of that day): the current spell's employer, once it has
    ``stable_months`` months confirmed on sound evidence (``Spell.standing``: a worker on doubtful
    evidence counts once a reviewer has settled it); else None. One employer at a time."""
    current = found_spells[-1] if found_spells else None
    if (
        current is None
        or current.end is not None
        or current.confirmed_months(as_of) < stable_months
    ):
        return None
    sound_on = current.standing(stable_months).sound_on
    # what made it this employer's
    taken_on = [e for e in current.evidence if e.type in STARTS and e.day <= as_of][-1:]
    if sound_on is None or sound_on > as_of or any(e.doubts for e in taken_on):
        return None
    return current.employer_id


def _passes(policy: Policy, profile: Profile, first_time: bool) -> bool:
    filters = policy.filters
    if filters.get("poor_household") and not profile.poor_household:
        return False
    if filters.get("first_time") and not first_time:
        return False
    return not filters.get("counties") or profile.home_county_code in filters["counties"]


def _spell_items(versions, kind, worker_id, profile, spell: Spell, as_of) -> list[Item]:
    if not any(_passes(v, profile, first_time=spell.number == 1) for v in versions):
        return []  # no version is for this worker, whatever the day
    confirmed = spell.confirmed_months(as_of)
    code = versions[0].code
    if kind == "milestone":  # (months, the milestone's name in the key)
        steps = {months for v in versions for months, _ in v.params["steps"]}
        wanted = [(months, f"m{months}") for months in sorted(steps) if months <= confirmed]
    else:
        base = min(v.params["after_months"] for v in versions)
        last = min(confirmed,
                   max(v.params["after_months"] + v.params["max_months"] for v in versions))
        wanted = [(k, f"month{k}") for k in range(base + 1, last + 1)]
    items, lines = [], None
    for months, milestone in wanted:
        reached = spell.confirmed_on(months)
        policy = version_in_force(versions, code, reached)
        if policy is None or not _passes(policy, profile, first_time=spell.number == 1):
            continue
        if kind == "milestone":
            amount = dict(map(tuple, policy.params["steps"])).get(months)
        else:
            in_range = months <= policy.params["after_months"] + policy.params["max_months"]
            amount = (
                policy.params["amount"]
                if in_range and months > policy.params["after_months"]
                else None
            )
        if not amount:
            continue
        standing = spell.standing(months, two_party=bool(policy.params.get("two_party")))
        if standing.missing:
            # a two-party policy without the worker's side in some month: not reached under it
            continue
        # the explanation, once, when something is due
        lines = lines or month_lines(spell, as_of, wanted[-1][0])
        items.append(Item(f"{code}:worker:{worker_id}:spell{spell.number}:{milestone}", code,
                          policy.version,
                          f"worker:{worker_id}", amount, standing.sound_on or reached,
                          tuple(lines[:months]) + held_lines(standing.doubtful),
                          standing.doubtful))
    return items


def held_lines(doubtful: tuple[Evidence, ...]) -> tuple[str, ...]:
    """Why an item is held: each doubtful piece of evidence and what a reviewer must decide."""
    return tuple(f"暂缓：{e.describe()} 待审核——{describe_doubts(e.doubts)}。"
                 f" Held: this evidence waits for a reviewer." for e in doubtful)


def _arrival_items(versions, worker_id, profile, facts, as_of) -> list[Item]:
    voided = {f.data.get("event_id") for f in facts if f.type == "event.voided"}
    arrivals = sorted((f for f in facts if f.type == "station.arrived" and f.day <= as_of
                       and f.id not in voided),
                      key=lambda f: f.sort_key)
    if not arrivals:
        return []
    first = arrivals[0]
    policy = version_in_force(versions, versions[0].code, first.day)
    if policy is None or not _passes(policy, profile, first_time=True):
        return []
    proof = evidence_of(first)
    doubtful = (proof,) if proof.doubts else ()
    return [Item(f"{policy.code}:worker:{worker_id}:arrival1", policy.code, policy.version,
                 f"worker:{worker_id}", policy.params["amount"], first.day,
                 (f"{first.day.isoformat()} 到站扫码。 Arrived on {first.day.isoformat()}.",
                  *held_lines(doubtful)),
                 doubtful)]


# The seed's real policies (Fuzhou), shipped as presets; an admin edits them as new versions.
DINGXI = ("621102", "621121", "621122", "621123", "621124", "621125", "621126")
PRESETS = (
    Policy("fz-2018-monthly", 1, "monthly",
           "2018年千岗计划稳岗补贴（满3个月后每月600元，最多6个月）",
           dt.date(2018, 1, 1), dt.date(2018, 12, 31),
           {"after_months": 3, "amount": 600, "max_months": 6},
           {"poor_household": True, "counties": list(DINGXI)}),
    # Two-party evidence: each month the employer's confirmation and the worker's own scan of the
    # workplace code (or a workstation's follow-up). An admin may turn it off in a new version.
    Policy("fz-2019-stable", 1, "milestone",
           "2019年首次来榕稳定就业补贴（满3个月3000元，满6个月再9000元；"
           "每月须企业确认并本人扫码或工作站回访）",
           dt.date(2019, 1, 1), None, {"steps": [[3, 3000], [6, 9000]], "two_party": True},
           {"poor_household": True, "first_time": True, "counties": list(DINGXI)}),
    Policy("fz-employer-reward", 1, "employer_reward",
           "吸纳定西劳动力企业奖励（超过50人10万元，每增50人再10万元）",
           dt.date(2017, 1, 1), None,
           {"threshold": 50, "step": 50, "amount": 100_000, "stable_months": 3}),
)
