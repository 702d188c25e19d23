"""Pay against expectation: what a worker expected at the fair and what the month paid. In 2017
poor households expected 3,500 yuan or more and some earned under 2,800 (piece rates): a cause
of the drop-off the program measured. The employer gives the month's pay with its monthly
confirmation; the worker confirms it on the phone or disputes it with their own figure
(``pay.answered``), and where they differ the worker's figure is the one counted.

Pure: ``pay_columns`` folds a worker's events into what the record keeps.
"""
from __future__ import annotations

from collections.abc import Iterable

from server.domain.events import EventFact

EXPECTED_PAY = 3500  # yuan a month: what the seed's poor households expected, unless they said
LOW_PAY = 2800  # under it for LOW_PAY_MONTHS months running: on the at-risk list
LOW_PAY_MONTHS = 2
ANSWERED = "pay.answered"


def answer_problems(data: dict) -> dict[str, str]:
    """A worker's answer: agreeing, or disputing with the pay they got."""
    # (0 is a figure: a month not paid at all)
    if data.get("agreed") is False and data.get("actual") is None:
        return {"actual": "有出入时请填实际工资。 Disputed: give the pay you got."}
    if data.get("agreed") and data.get("actual") is not None:
        return {"actual": "属实时不填实际工资。 Agreed: no figure of your own."}
    return {}


def pay_columns(facts: Iterable[EventFact]) -> dict:
    """What the record keeps (``facts`` sorted, voided ones left out): the latest intention's
    expected pay (the default when it gave none), the latest month with a figure — the employer's
    and the worker's answer to it — and how many months running, back from that one, paid under
    ``LOW_PAY`` (the worker's figure where they disputed)."""
    facts = list(facts)
    intents = [f for f in facts if f.type == "fair.intent_signed"]
    employer = {}  # month -> the employer's latest figure
    answers = {}  # month -> the worker's latest answer
    for fact in facts:
        month = fact.data.get("month")
        if fact.type == "employment.confirmed" and month and fact.data.get("pay") is not None:
            employer[month] = fact.data["pay"]
        elif fact.type == ANSWERED and month:
            answers[month] = fact.data
    found = {"expected_pay": (intents[-1].data.get("expected_pay") or EXPECTED_PAY)
             if intents else None,
             "pay_month": None, "pay": None, "pay_disputed": None, "pay_claimed": None,
             "low_pay_months": 0}
    if not employer:
        return found
    latest = max(employer)
    answer = answers.get(latest, {})
    found |= {"pay_month": latest, "pay": employer[latest],
              "pay_disputed": None if not answer else answer.get("agreed") is False,
              "pay_claimed": answer.get("actual")}
    claimed = {month: answer["actual"] for month, answer in answers.items()
               if answer.get("actual") is not None}
    counted = {month: claimed.get(month, pay) for month, pay in employer.items()}
    running, later = 0, None
    for month in sorted(counted, reverse=True):
        if counted[month] >= LOW_PAY or (later and not _follows(month, later)):
            break
        running += 1
        later = month
    found["low_pay_months"] = running
    return found


def _follows(month: str, later: str) -> bool:
    """Is ``month`` the calendar month just before ``later`` ("2027-02" before "2027-03")?"""
    year, number = int(month[:4]), int(month[5:7])
    return later == (f"{year + 1}-01" if number == 12 else f"{year}-{number + 1:02d}")
