import datetime as dt

from server.domain.events import EventFact
from server.domain.lifecycle import review_flags, risk_reasons

TZ = dt.timezone(dt.timedelta(hours=8))


def fact(type, day, **context):
    at = dt.datetime(2026, 3, 1, 9, tzinfo=TZ) + dt.timedelta(days=day)
    return EventFact(f"{type}-{day}", type, at, at, context, {})


ARRIVED = [fact("worker.registered", 0), fact("batch.assigned", 1, batch_id="b1"),
           fact("station.arrived", 3, batch_id="b1", station="福州站")]


def test_onboarding_without_arrival_or_while_employed_elsewhere_is_for_review():
    assert review_flags("employer.onboarded", {"employer_id": "e1"}, ARRIVED) == []
    assert review_flags("employer.onboarded", {"employer_id": "e1"}, ARRIVED[:1]) == [
        "onboarded_without_arrival"
    ]
    employed = ARRIVED + [fact("employer.onboarded", 4, employer_id="e1")]
    assert review_flags("employer.onboarded", {"employer_id": "e2"}, employed) == [
        "second_employer"
    ]
    # the same employer again
    assert review_flags("employer.onboarded", {"employer_id": "e1"}, employed) == []


def test_an_arrival_for_a_second_batch_and_employment_scans_after_the_end():
    assert review_flags("station.arrived", {"batch_id": "b2"}, ARRIVED) == [
        "arrived_for_two_batches"
    ]
    assert review_flags("station.arrived", {"batch_id": "b1"}, ARRIVED) == []
    ended = ARRIVED + [fact("employer.onboarded", 4, employer_id="e1"),
                       fact("employment.ended", 20, employer_id="e1")]
    assert review_flags("employment.confirmed", {"employer_id": "e1"}, ended) == ["after_leaving"]
    # coming back next spring is no anomaly
    assert review_flags("fair.checked_in", {"fair_id": "f"}, ended) == []


def test_who_is_at_risk_and_why():
    today = dt.date(2026, 6, 1)
    base = dict(today=today, employed_since=dt.date(2026, 3, 5), employment_ended_on=None,
                arrived_on=dt.date(2026, 3, 4))
    assert (
        risk_reasons(
            status="employed", last_confirmed_on=dt.date(2026, 5, 1), reassignments=0, **base
        )
        == []
    )
    assert risk_reasons(
        status="employed", last_confirmed_on=dt.date(2026, 4, 20), reassignments=2, **base
    ) == ["no_confirmation_35_days", "reassigned_twice"]
    early = base | {"employment_ended_on": dt.date(2026, 5, 20),
                    "arrived_on": dt.date(2026, 4, 25)}
    assert risk_reasons(status="ended", last_confirmed_on=None, reassignments=0, **early) == [
        "ended_within_30_days_of_arrival"]
    late = early | {"arrived_on": dt.date(2026, 3, 4)}
    assert risk_reasons(status="ended", last_confirmed_on=None, reassignments=0, **late) == []
