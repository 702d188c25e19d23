"""Stable employment, month by month, with the evidence for each month: what subsidies count.

Pure functions of a worker's events, as of a date (events after it do not exist yet), so a late
offline scan that changes the history changes the answer on the next computation — recompute,
never patch.

- A **spell** of employment starts at onboarding (its ``start_date``, else the scan's day). A
  new job (onboarding or re-assignment) starting at most ``gap_days`` (15) after the last one
  ended continues the spell; a later one starts a new spell. ``employment.ended`` ends it.
- **Months** are counted from the spell's start in 30-day steps: month k is complete on day 30·k.
- **Evidence** that the person is at work: the onboarding, each ``employment.confirmed`` (an
  employer's scan or roster tick, or the worker's own scan of the day's workplace code) and each
  re-assignment. Evidence vouches for the 35 days after it: a complete month counts as
  **confirmed** when some evidence is dated no more than 35 days before the month's end. A
  longer silence leaves the months after it unconfirmed until evidence arrives — and evidence
  arriving later confirms them.
- The **consecutive confirmed months** of a spell are the months 1…n all complete and confirmed.
- What pays asks more (``standing``): the months on **sound** evidence alone (``domain.evidence``:
  neither late, keyed nor flagged, or accepted by a reviewer), from an onboarding that is sound
  too; and under a two-party policy, in each month both the employer's evidence and the
  worker's own (a scan of the workplace code, or a workstation's follow-up).
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from server.domain import evidence as standing_rules
from server.domain.events import EventFact

MONTH_DAYS = 30
EVIDENCE_DAYS = 35  # a confirmation vouches for this many days after it
GAP_DAYS = 15  # a new job within this many days of the last one's end continues the spell

EVIDENCE_KINDS = {
    "employer.onboarded": ("入职", "onboarding"),
    "employment.confirmed": ("在岗确认", "confirmation at work"),
    "employment.reassigned": ("调岗", "re-assignment"),
    "station.arrived": ("到站", "arrival"),
}
# two-party evidence: the worker's own, or the county's follow-up
WORKER_SIDE = ("worker", "workstation")
STARTS = ("employer.onboarded", "employment.reassigned")  # what starts a spell, or carries it on


@dataclass(frozen=True)
class Evidence:
    day: dt.date
    type: str
    event_id: str
    site_code: bool = False  # the worker's own scan of the workplace code
    doubts: tuple[str, ...] = ()  # why it does not count toward a payout yet (``domain.evidence``)
    party: str = "employer"  # employer | worker (the workplace code) | workstation (a follow-up)

    def describe(self) -> str:
        zh, en = EVIDENCE_KINDS[self.type]
        if self.site_code:
            zh, en = "本人扫工作地点码", "the worker's scan of the workplace code"
        elif self.party == "workstation":
            zh, en = "工作站回访", "a workstation's follow-up"
        return f"{zh} {self.day.isoformat()} ({en})"


@dataclass(frozen=True)
class Standing:
    """Months 1…k of a spell as a payout sees them: ``sound_on`` the day they were all confirmed on
    sound evidence (None: not so); ``doubtful`` the doubtful evidence standing in for what is
    missing (a reviewer's decision on each would settle it); ``missing`` the months with no
    evidence a policy needs at all (a two-party policy's worker side)."""

    sound_on: dt.date | None
    doubtful: tuple[Evidence, ...] = ()
    missing: tuple[int, ...] = ()


@dataclass
class Spell:
    """One unbroken employment. Built up by ``spells``, final once returned: what is computed from
    its evidence (the confirmed months) is computed once and kept."""

    number: int  # 1 for the worker's first spell in the program, 2 for the next…
    start: dt.date
    employer_id: str | None
    end: dt.date | None = None
    evidence: list[Evidence] = field(default_factory=list)

    def last_day(self, as_of: dt.date) -> dt.date:
        return min(self.end, as_of) if self.end else as_of

    def complete_months(self, as_of: dt.date) -> int:
        return max(0, (self.last_day(as_of) - self.start).days) // MONTH_DAYS

    def month_end(self, k: int) -> dt.date:
        return self.start + dt.timedelta(days=MONTH_DAYS * k)

    def proof(self, k: int) -> Evidence | None:
        """The first evidence that confirms month k (dated at most 35 days before its end)."""
        i = bisect_left(self._evidence_days, self.month_end(k) - dt.timedelta(days=EVIDENCE_DAYS))
        return self.evidence[i] if i < len(self.evidence) else None

    def confirmed_on(self, k: int) -> dt.date:
        """The day months 1…k were all complete and confirmed (for k up to ``confirmed_months``).
        """
        return self._confirmed_days[k - 1]

    def confirmed_months(self, as_of: dt.date) -> int:
        """Months 1…n complete and each confirmed by ``as_of``: the count subsidies pay on."""
        return bisect_right(self._confirmed_days, as_of)

    @cached_property
    def _evidence_days(self) -> list[dt.date]:
        return [e.day for e in self.evidence]  # sorted, as ``spells`` leaves the evidence

    @cached_property
    def _confirmed_days(self) -> list[dt.date]:
        """For k = 1, 2…: the day months 1…k were complete and confirmed, as far as the evidence
        (and the spell's end) goes, whatever the date asked about. In day numbers: thousands of
        workers' spells go through this at each recompute."""
        evidence = [day.toordinal() for day in self._evidence_days]
        start, end = self.start.toordinal(), self.end.toordinal() if self.end else None
        days, latest, k = [], 0, 1
        while True:
            month_end = start + MONTH_DAYS * k
            i = bisect_left(evidence, month_end - EVIDENCE_DAYS)
            if (end is not None and month_end > end) or i == len(evidence):
                return [dt.date.fromordinal(day) for day in days]
            latest = max(latest, month_end, evidence[i])
            days.append(latest)
            k += 1

    def standing(self, k: int, *, two_party: bool = False) -> Standing:
        """Months 1…k (confirmed on all the evidence: ``k <= confirmed_months``) on sound evidence.
        Every onboarding and re-assignment made by the day they were reached must be sound too: the
        first set the spell's start (its start day may lie long before its scan), a later one (its
        start day within the gap) joined two jobs into one spell."""
        doubtful, missing, day = [], [], self.start
        reached = self.confirmed_on(k)
        doubtful += [e for e in self.evidence if e.type in STARTS and e.day <= reached
                     and e.doubts]
        for j in range(1, k + 1):
            month_end = self.month_end(j)
            if two_party:  # both sides within the month itself
                month = [e for e in self.evidence if self.month_end(j - 1) <= e.day < month_end]
                sides = ([e for e in month if e.party not in WORKER_SIDE],
                         [e for e in month if e.party in WORKER_SIDE])
            else:  # any evidence dated at most 35 days before the month's end
                sides = ([e for e in self.evidence
                          if e.day >= month_end - dt.timedelta(days=EVIDENCE_DAYS)],)
            for side in sides:
                sound = next((e for e in side if not e.doubts), None)
                if sound is not None:
                    day = max(day, month_end, sound.day)
                elif side:
                    doubtful.append(side[0])
                else:
                    missing.append(j)
        unique = tuple({e.event_id: e for e in doubtful}.values())
        return Standing(None if unique or missing else day, unique, tuple(dict.fromkeys(missing)))

    def next_check_due(self) -> dt.date | None:
        """When the months stop counting unless someone confirms again (None once ended)."""
        if self.end or not self.evidence:
            return None
        return self.evidence[-1].day + dt.timedelta(days=EVIDENCE_DAYS)


def spells(facts: Iterable[EventFact], as_of: dt.date, *, gap_days: int = GAP_DAYS) -> list[Spell]:
    """The worker's spells of employment as of ``as_of`` (voided events left out)."""
    facts = list(facts)
    voided = {f.data.get("event_id") for f in facts if f.type == "event.voided"}
    found: list[Spell] = []
    for fact in sorted(facts, key=lambda f: f.sort_key):
        if fact.id in voided or fact.day > as_of:
            continue
        current = found[-1] if found else None
        if fact.type in ("employer.onboarded", "employment.reassigned"):
            start = _date(fact.data.get("start_date")) or fact.day
            employer = fact.context.get("employer_id")
            # still employed: a move, or a second onboarding (flagged for review)
            if current and current.end is None:
                current.employer_id = employer
            elif current and (start - current.end).days <= gap_days:
                # back to work soon enough: the spell goes on
                current.end = None
                current.employer_id = employer
            else:
                found.append(current := Spell(len(found) + 1, start, employer))
            current.evidence.append(evidence_of(fact))
        elif fact.type == "employment.confirmed" and current and current.end is None:
            current.evidence.append(evidence_of(fact))
        elif fact.type == "employment.ended" and current and current.end is None:
            current.end = _date(fact.data.get("end_date")) or fact.day
    for spell in found:
        spell.evidence.sort(key=lambda e: e.day)
    return found


def stored(spell: Spell) -> list:
    """A spell as the record keeps it (JSON): exact for any day on or after the worker's last
    event, when ``spells(facts, as_of)`` would find the very same spells."""
    return [spell.number, spell.start.isoformat(), spell.end.isoformat() if spell.end else None,
            spell.employer_id,
            [[e.day.isoformat(), e.type, e.event_id, e.site_code, list(e.doubts), e.party]
             for e in spell.evidence]]


def restore(row: list) -> Spell:
    """The inverse of ``stored``."""
    number, start, end, employer_id, evidence = row
    return Spell(number, dt.date.fromisoformat(start), employer_id,
                 dt.date.fromisoformat(end) if end else None,
                 [Evidence(dt.date.fromisoformat(day), type, event_id, site_code, tuple(doubts),
                           party)
                  for day, type, event_id, site_code, doubts, party in evidence])


def explain(spell: Spell, as_of: dt.date) -> list[str]:
    """Month by month, which evidence proves it; then when the next check is due."""
    lines = month_lines(spell, as_of, spell.complete_months(as_of))
    if spell.end:
        lines.append(f"{spell.end.isoformat()} 离职。 Ended on {spell.end.isoformat()}.")
    elif due := spell.next_check_due():
        lines.append(f"下次确认须在 {due.isoformat()} 之前。 Next confirmation due by "
                     f"{due.isoformat()}.")
    return lines


def month_lines(spell: Spell, as_of: dt.date, months: int) -> list[str]:
    """Months 1…``months`` (complete ones), each with the evidence that proves it or why not."""
    lines = []
    confirmed = spell.confirmed_months(as_of)
    for k in range(1, min(months, spell.complete_months(as_of)) + 1):
        proof = spell.proof(k)
        span = f"{spell.month_end(k - 1).isoformat()}–{spell.month_end(k).isoformat()}"
        if k <= confirmed:
            lines.append(f"第{k}个月（{span}）由 {proof.describe()} 确认。 Month {k} confirmed.")
        else:
            lines.append(f"第{k}个月（{span}）未确认：超过 {EVIDENCE_DAYS} 天没有在岗证据。"
                         f" Month {k} unconfirmed: no evidence of work for more than "
                         f"{EVIDENCE_DAYS} days.")
    return lines


def evidence_of(fact: EventFact) -> Evidence:
    """A paying event as evidence, with its standing and its party: the worker's side is the
    worker's own scan of the workplace code (an employer's phone that sends one is the employer's
    word still) or a workstation's follow-up."""
    site_code = bool(fact.data.get("site_code")) and fact.actor_role == "worker"
    party = (
        "worker"
        if site_code
        else "workstation"
        if fact.actor_role == "workstation"
        else "employer"
    )
    return Evidence(fact.day, fact.type, fact.id, site_code=site_code,
                    doubts=standing_rules.doubts(fact.flags, accepted=fact.accepted), party=party)


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value) if value else None
