import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.events import EventFact
from server.domain.record import apply_event, fold

TZ = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 2, 1, 9, 0, tzinfo=TZ)
PROFILE = {"name": "张秀英", "home": {"county_code": "621121", "township": "平襄镇"}}


def event(type, day, *, id=None, context=None, data=None, recorded_day=None):
    occurred = START + dt.timedelta(days=day)
    recorded = START + dt.timedelta(days=recorded_day if recorded_day is not None else day,
                                    hours=1)
    return EventFact(id or f"{type}-{day}", type, occurred, recorded, context or {}, data or {})


def journey():
    return [
        event("worker.registered", 0, data=PROFILE),
        event("fair.checked_in", 1, context={"fair_id": "f1"}),
        event("fair.intent_signed", 1, id="intent",
              context={"fair_id": "f1", "employer_id": "e1"}),
        event("batch.assigned", 3, context={"batch_id": "b1"}),
        event("batch.departed", 10, context={"batch_id": "b1"}),
        event("station.arrived", 12, context={"station": "福州站", "batch_id": "b1"}),
        event("station.arrived", 12, id="second-scan", context={"station": "福州南站"}),
        event("employer.onboarded", 13, context={"employer_id": "e1"}),
        event("employment.confirmed", 40, context={"employer_id": "e1"}),
        event("worker.updated", 41, data={"phone": "13912345678"}),
    ]


def test_journey_reaches_employed_with_every_milestone():
    record = fold(journey())
    assert record.status == "employed"
    assert list(record.milestones) == ["registered", "at_fair", "intent", "assigned", "departed",
                                       "arrived", "employed"]
    assert record.milestones["arrived"] == "2026-02-13"
    assert record.current_employer_id == "e1"
    assert record.employed_since == dt.date(2026, 2, 14)
    assert record.last_confirmed_on == dt.date(2026, 3, 13)
    assert record.profile["phone"] == "13912345678" and record.profile["name"] == "张秀英"
    assert record.continuous_employment_days(dt.date(2026, 5, 14)) == 89
    assert record.event_count == 10


@settings(max_examples=200, deadline=None)
@given(st.permutations(journey()))
def test_any_order_of_arrival_gives_the_same_record(events):
    assert fold(events) == fold(journey())


def test_in_order_application_equals_the_fold():
    record = fold([])
    for e in journey():
        record = apply_event(record, e)
    assert record == fold(journey())


def test_a_second_arrival_scan_does_not_move_an_employed_worker_back():
    events = journey() + [event("station.arrived", 50, id="late-scan",
                                context={"station": "福州站"})]
    assert fold(events).status == "employed"


def test_reassignment_within_15_days_keeps_the_employment_count():
    events = journey() + [
        event("employment.ended", 60, context={"employer_id": "e1"}),
        event("employer.onboarded", 70, id="second-job", context={"employer_id": "e2"}),
    ]
    record = fold(events)
    assert record.status == "employed" and record.current_employer_id == "e2"
    assert record.employed_since == dt.date(2026, 2, 14)


def test_a_gap_over_15_days_starts_the_count_again():
    events = journey() + [
        event("employment.ended", 60, context={"employer_id": "e1"}),
        event("employer.onboarded", 80, id="second-job", context={"employer_id": "e2"}),
    ]
    assert fold(events).employed_since == dt.date(2026, 4, 22)  # day 80


def test_the_gap_that_keeps_the_count_is_a_setting_and_its_edge_is_inclusive():
    def after(gap, **settings):
        return fold(journey() + [event("employment.ended", 60, context={"employer_id": "e1"}),
                                 event("employer.onboarded", 60 + gap, id="next",
                                       context={"employer_id": "e2"})],
                    **settings).employed_since
    assert after(15) == dt.date(2026, 2, 14) and after(16) == dt.date(2026, 4, 18)
    assert after(20, gap_days=20) == dt.date(2026, 2, 14) and after(21, gap_days=20) == dt.date(
        2026, 4, 23
    )


def test_ended_employment_keeps_its_length_and_clears_the_employer():
    record = fold(journey() + [event("employment.ended", 60, context={"employer_id": "e1"})])
    assert record.status == "ended" and record.current_employer_id is None
    assert record.continuous_employment_days(dt.date(2027, 1, 1)) == 47


def test_a_later_registration_of_the_same_person_does_not_reopen_an_ended_cycle():
    ended = journey() + [event("employment.ended", 60, context={"employer_id": "e1"})]
    again = fold(ended + [event("worker.registered", 70, id="offline-duplicate", data=PROFILE)])
    assert again.status == "ended" and again.milestones == fold(ended).milestones
    back_next_spring = fold(ended + [event("fair.checked_in", 300, context={"fair_id": "f2"})])
    # a new cycle starts with a stage, not a registration
    assert back_next_spring.status == "at_fair"


def test_voided_event_is_left_out_whatever_the_order():
    void = event("event.voided", 20, data={"event_id": "intent"})
    events = journey()[:3] + [void]
    assert "intent" not in fold(events).milestones
    assert fold(reversed(events)) == fold(events)


def test_equal_device_times_are_ordered_by_server_time_then_id():
    a = event("worker.updated", 5, id="a", data={"phone": "13900000001"}, recorded_day=6)
    b = event("worker.updated", 5, id="b", data={"phone": "13900000002"}, recorded_day=5)
    base = [event("worker.registered", 0, data=PROFILE)]
    assert fold(base + [a, b]).profile["phone"] == "13900000001"  # a was recorded later
    assert fold(base + [b, a]).profile["phone"] == "13900000001"
