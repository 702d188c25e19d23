import datetime as dt

from server.domain.funnel import Progress, fair_funnel

FAIR = dt.date(2027, 1, 20)
TODAY = dt.date(2027, 8, 1)


def person(signed=True, until="registered", since=None, ended=None, status=None, before=False):
    stages = ["at_fair", "intent", "assigned", "departed", "arrived", "employed"]
    day = (FAIR - dt.timedelta(days=400) if before else FAIR).isoformat()
    milestones = (
        {stage: day for stage in stages[: stages.index(until) + 1]}
        if until != "registered"
        else {}
    )
    return Progress(signed, milestones, status or until, since, ended)


def test_each_stage_counts_who_reached_it_after_the_fair_and_retention_uses_unbroken_days():
    people = [
        person(signed=False, until="at_fair"),
        person(until="intent"),
        person(until="departed"),
        person(until="arrived"),
        person(until="employed", since=dt.date(2027, 7, 20)),  # 12 days so far
        person(until="employed", since=dt.date(2027, 3, 1)),  # 153 days
        # 45 days
        person(until="employed", since=dt.date(2027, 3, 1), ended=dt.date(2027, 4, 15),
               status="ended"),
        # placed by an earlier fair
        person(until="employed", since=dt.date(2025, 3, 1), before=True),
        # its assignment never reached the server
        Progress(True, {"departed": FAIR.isoformat()}, "departed"),
    ]
    assert fair_funnel(people, FAIR, TODAY) == {
        "attended": 9, "intent": 8, "followed_up": 0, "assigned": 6, "departed": 6, "arrived": 4,
        "onboarded": 3,
        "employed_1_month": 2, "employed_3_months": 1, "employed_6_months": 0}
