"""The push's acceptance rules, one by one, as plain functions of a scan and what is known: no
app, no database. ``Known`` here is a few dicts; the users are plain objects with a role."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from server.domain.events import EventFact
from server.models import Batch, Employer, Fair, FairEmployer, Posting, Training, WorkSite
from server.services import access
from server.services.sync import rules
from server.services.sync.rules import Scan

# its scans name the fair "f", the batch "b", the training "t"
pytestmark = pytest.mark.usefixtures("fair", "batch", "training")

TZ = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 3, 2, 10, tzinfo=TZ)


def user(role, **scope):
    return SimpleNamespace(id={"admin": 1, "county": 2, "employer": 3, "greeter": 4, "worker": 5,
                               "workstation": 6, "fair_staff": 7}[role], role=role,
                           county_code=scope.get("county_code", "621121"
                                                 if role in access.COUNTY_SCOPED else None),
                           employer_id=scope.get("employer_id",
                                                 "e1" if role == "employer" else None),
                           station=scope.get("station", "福州站" if role == "greeter" else None),
                           worker_id=scope.get("worker_id", "w1" if role == "worker" else None))


WORKER = SimpleNamespace(id="w1", home_county_code="621121", birth_date=dt.date(1990, 1, 1))


def fact(type, context=None, data=None, id=None, days=0) -> EventFact:
    at = NOW - dt.timedelta(days=30 - days)
    return EventFact(id or f"{type}-{days}", type, at, at, context or {}, data or {})


class Known:
    def __init__(self, rows=None, current_employer=None):
        self.rows = {
            (Fair, "f"): SimpleNamespace(id="f", name="通渭县招聘会", county_code="621121"),
            (FairEmployer, ("f", "e1")): object(),
            (Posting, "p1"): SimpleNamespace(fair_id="f", employer_id="e1"),
            (Posting, "p2"): SimpleNamespace(fair_id="f", employer_id="e2"),
            (Batch, "b"): SimpleNamespace(origin_county_code="621121",
                                          destination_station="福州站"),
            (Batch, "b-xm"): SimpleNamespace(origin_county_code="621121",
                                             destination_station="厦门站"),
            (Training, "t"): SimpleNamespace(county_code="621122"),
            (Employer, "e1"): object(), (Employer, "e2"): object(),
            (WorkSite, "site-1"): SimpleNamespace(employer_id="e1"),
        } | (rows or {})
        self.trusted_keys = []
        self.employer = current_employer
        self.now = NOW

    def row(self, model, key):
        return self.rows.get((model, key))

    def current_employer(self, facts):
        return self.employer


def scan(type, by="admin", *, context=None, data=None, earlier=(), counted=None, named_by="card",
         worker=WORKER, authority=None, at=NOW):
    scanner = user(by) if isinstance(by, str) else by
    earlier = list(earlier)
    return Scan(type, dict(context or {}), dict(data or {}), at, authority or scanner, scanner,
                worker, earlier, lambda: list(earlier if counted is None else counted), named_by)


def reason(rule, s, known=None):
    rejection = rule(s, known or Known())
    return rejection.reason if rejection else None


# ---------------------------------------------------------------- each rule


def test_an_employers_scan_is_for_its_own_employer_unless_it_names_one():
    s = scan("employment.confirmed", "employer")
    assert rules.employer_scans_for_itself(s, Known()) is None and s.context == {
        "employer_id": "e1"
    }
    named = scan("employer.onboarded", "employer", context={"employer_id": "e2"})
    rules.employer_scans_for_itself(named, Known())
    assert named.context == {"employer_id": "e2"}  # left for the scope rule to refuse
    office = scan("employment.confirmed", "workstation")
    rules.employer_scans_for_itself(office, Known())
    assert office.context == {}
    reviewed = scan("employer.onboarded", "employer", authority=user("workstation"))
    rules.employer_scans_for_itself(reviewed, Known())
    # the scanner's employer, whoever re-applies it
    assert reviewed.context == {"employer_id": "e1"}


@pytest.mark.parametrize("worker_id, data, expected", [
    ("w1", {"site_code": "LPS1:x"}, None),
    # no workplace code: a worker's word is not enough
    ("w1", {}, "out_of_scope"),
    ("w2", {"site_code": "LPS1:x"}, "out_of_scope"),   # someone else's work
])
def test_a_worker_confirms_only_their_own_work_with_the_workplace_code(worker_id, data, expected):
    s = scan("employment.confirmed", "worker", data=data,
             worker=SimpleNamespace(id=worker_id, home_county_code="621121"))
    assert reason(rules.worker_confirms_only_own_work, s) == expected
    assert (
        reason(
            rules.worker_confirms_only_own_work,
            scan("employment.confirmed", "employer", data=data),
        )
        is None
    )


def test_a_workplace_code_must_be_genuine(monkeypatch):
    from server.domain.credentials import CredentialError

    def refuse(code, keys, on):
        raise CredentialError("bad_signature", "not signed by us")
    monkeypatch.setattr(rules, "verify_site_code", refuse)
    assert (
        reason(
            rules.workplace_code_is_the_employers,
            scan("employment.confirmed", "worker", data={"site_code": "LPS1:forged"}),
        )
        == "bad_signature"
    )
    assert (
        reason(rules.workplace_code_is_the_employers, scan("employment.confirmed", "worker"))
        is None
    )


@pytest.mark.parametrize("site, employer, expected", [
    ("site-1", "e1", None), ("site-1", "e2", "wrong_site"), ("site-9", "e1", "unknown_site")])
def test_a_workplace_code_names_the_workers_current_employer(monkeypatch, site, employer,
                                                             expected):
    monkeypatch.setattr(rules, "verify_site_code", lambda code, keys,
                        on: SimpleNamespace(site_id=site))
    s = scan("employment.confirmed", "worker", data={"site_code": "LPS1:x"})
    assert (
        reason(rules.workplace_code_is_the_employers, s, Known(current_employer=employer))
        == expected
    )
    assert s.context.get("employer_id") == ("e1" if expected is None else None)


def test_staff_rules_do_not_apply_to_a_workers_own_confirmation():
    s = scan("employment.confirmed", "worker", data={"site_code": "LPS1:x"})
    assert all(rule(s, Known()) is None for rule in (rules.context_is_complete, rules.in_scope,
                                                      rules.named_by_card_or_a_trusted_id))


def test_the_context_names_what_the_type_needs():
    assert (
        reason(rules.context_is_complete, scan("fair.intent_signed", context={"fair_id": "f"}))
        == "invalid_envelope"
    )
    assert (
        reason(
            rules.context_is_complete,
            scan("fair.intent_signed", context={"fair_id": "f", "employer_id": "e1"}),
        )
        is None
    )


@pytest.mark.parametrize("context, data, expected", [
    ({"fair_id": "f", "employer_id": "e1"}, {"posting_id": "p1"}, None),
    ({"fair_id": "nope", "employer_id": "e1"}, {}, "unknown_fair"),
    ({"fair_id": "f", "employer_id": "e2"}, {}, "unknown_employer"),       # not at this fair
    # another employer's job
    ({"fair_id": "f", "employer_id": "e1"}, {"posting_id": "p2"}, "unknown_posting"),
    ({"fair_id": "f", "employer_id": "e1"}, {"posting_id": "p9"}, "unknown_posting"),
])
def test_a_fair_scan_names_a_fair_its_employer_and_a_job_of_theirs(context, data, expected):
    assert (
        reason(rules.fair_is_known, scan("fair.intent_signed", context=context, data=data))
        == expected
    )


def test_a_batch_and_a_training_must_be_on_record():
    assert reason(rules.batch_is_known, scan("batch.assigned", context={"batch_id": "b"})) is None
    assert (
        reason(rules.batch_is_known, scan("batch.assigned", context={"batch_id": "x"}))
        == "unknown_batch"
    )
    assert (
        reason(rules.training_is_known, scan("training.attended", context={"training_id": "t"}))
        is None
    )
    assert (
        reason(rules.training_is_known, scan("training.attended", context={"training_id": "x"}))
        == "unknown_training"
    )


@pytest.mark.parametrize("by, type, context, expected", [
    ("county", "station.arrived", {"station": "福州站"}, None),
    (user("county", county_code="621122"), "station.arrived", {"station": "福州站"},
     "out_of_scope"),
    # at a fair or a training, its county is the scope: the training in Longxi is not Tongwei's to
    # record
    ("county", "training.attended", {"training_id": "t"}, "out_of_scope"),
    (user("county", county_code="621122"), "training.attended", {"training_id": "t"}, None),
    ("greeter", "station.arrived", {"station": "厦门站"}, "out_of_scope"),
    ("employer", "employer.onboarded", {"employer_id": "e2"}, "out_of_scope"),
    ("employer", "employer.onboarded", {"employer_id": "e1"}, None),
    # never onboarded here
    ("employer", "employment.confirmed", {"employer_id": "e1"}, "out_of_scope"),
])
def test_the_scanner_acts_for_the_worker_only_in_its_scope(by, type, context, expected):
    assert reason(rules.in_scope, scan(type, by, context=context)) == expected


def test_a_former_employer_records_nothing_while_another_employs_the_worker():
    earlier = [fact("employer.onboarded", {"employer_id": "e1"}, id="on1"),
               fact("employer.onboarded", {"employer_id": "e2"}, id="on2", days=10)]
    ended = dict(context={"employer_id": "e1"}, data={"reason": "pay"}, earlier=earlier)
    assert (
        reason(
            rules.in_scope,
            scan("employment.ended", "employer", **ended),
            Known(current_employer="e2"),
        )
        == "out_of_scope"
    )
    assert (
        reason(
            rules.in_scope,
            scan("employment.ended", "employer", **ended),
            Known(current_employer="e1"),
        )
        is None
    )
    assert (
        reason(
            rules.in_scope,
            scan("employment.confirmed", "employer", **ended),
            Known(current_employer=None),
        )
        is None
    )


def test_an_employers_scope_counts_only_onboardings_that_count():
    onboarded = fact("employer.onboarded", {"employer_id": "e1"}, id="on")
    confirm = dict(context={"employer_id": "e1"})
    assert (
        reason(
            rules.in_scope,
            scan("employment.confirmed", "employer", earlier=[onboarded], **confirm),
        )
        is None
    )
    voided = [onboarded, fact("event.voided", data={"event_id": "on"}, days=5)]
    from server.domain.lifecycle import counted
    assert reason(rules.in_scope,
                  scan("employment.confirmed", "employer", earlier=voided, counted=counted(voided),
                                       **confirm)) == "out_of_scope"
    awaiting = counted([onboarded], {"on"})  # flagged for review, not yet decided
    assert reason(rules.in_scope,
                  scan("employment.confirmed", "employer", earlier=[onboarded], counted=awaiting,
                                       **confirm)) == "out_of_scope"


def test_an_employer_must_be_on_record():
    assert (
        reason(rules.employer_is_known, scan("employment.ended", context={"employer_id": "e1"}))
        is None
    )
    assert (
        reason(rules.employer_is_known, scan("employment.ended", context={"employer_id": "e9"}))
        == "unknown_employer"
    )


@pytest.mark.parametrize("by, type, expected", [
    ("county", "fair.checked_in", None), ("fair_staff", "fair.checked_in", None),
    ("admin", "employer.onboarded", None), ("workstation", "employer.onboarded", None),
    ("employer", "employer.onboarded", "keyed_onboarding"),
    # its own workers only: the scope rule says which
    ("employer", "employment.confirmed", None),
    ("employer", "employment.ended", None),
    ("greeter", "station.arrived", "card_required"),     # on no roster due at its station
])
def test_a_bare_worker_id_counts_only_where_the_table_says(by, type, expected):
    assert reason(rules.named_by_card_or_a_trusted_id, scan(type, by, named_by="id")) == expected
    # A temporary pass is the worker id in an unsigned QR code: anyone who knows the id can draw
    # one.
    assert (
        reason(rules.named_by_card_or_a_trusted_id, scan(type, by, named_by="temporary_pass"))
        == expected
    )
    assert reason(rules.named_by_card_or_a_trusted_id, scan(type, by, named_by="card")) is None


def test_an_id_alone_is_taken_from_county_staff_for_their_own_countys_people_only():
    neighbour = SimpleNamespace(id="w9", home_county_code="621122", birth_date=dt.date(1990, 1, 1))
    at_our_fair = dict(context={"fair_id": "f"}, worker=neighbour)
    assert reason(rules.named_by_card_or_a_trusted_id,
                  scan("fair.checked_in", "fair_staff", named_by="id",
                                                             **at_our_fair)) == "card_required"
    assert reason(rules.named_by_card_or_a_trusted_id,
                  scan("fair.checked_in", "fair_staff", named_by="card",
                                                             # the card proves they came
                                                             **at_our_fair)) is None
    assert reason(rules.named_by_card_or_a_trusted_id,
                  scan("fair.checked_in", "admin", named_by="id",
                                                             **at_our_fair)) is None


@pytest.mark.parametrize("batch, expected", [("b", None), ("b-xm", "card_required")])
def test_a_greeter_may_name_by_id_someone_on_a_batch_due_at_its_station(batch, expected):
    assigned = [fact("batch.assigned", {"batch_id": batch})]
    assert reason(rules.named_by_card_or_a_trusted_id,
                  scan("station.arrived", "greeter", named_by="id", earlier=assigned)) == expected


def test_every_type_a_phone_may_send_has_its_roles_and_the_id_table_names_only_such_types():
    from server.domain.sync_rules import PUSHABLE_TYPES
    assert set(access.RECORDABLE_BY) == set(PUSHABLE_TYPES)
    for role, types in access.ID_ALONE.items():
        assert all(role in access.RECORDABLE_BY[type] for type in types), role


def test_no_one_under_16_is_onboarded():
    young = SimpleNamespace(id="w1", home_county_code="621121", birth_date=dt.date(2010, 3, 3))
    assert reason(rules.of_working_age, scan("employer.onboarded", worker=young)) == "under_16"
    assert (
        reason(
            rules.of_working_age,
            scan("employer.onboarded", worker=young, at=dt.datetime(2026, 3, 3, tzinfo=TZ)),
        )
        is None
    )
    # a fair may be visited
    assert reason(rules.of_working_age, scan("fair.checked_in", worker=young)) is None


def test_a_void_names_one_of_the_workers_events():
    earlier = [fact("station.arrived", id="a1")]
    assert reason(rules.voids_one_of_the_workers_events,
                  scan("event.voided", "county", data={"event_id": "a1"},
                                                               earlier=earlier)) is None
    assert reason(rules.voids_one_of_the_workers_events,
                  scan("event.voided", "county", data={"event_id": "other"},
                                                               earlier=earlier)) == "unknown_event"


def test_id_number_and_home_are_corrected_online_only():
    assert (
        reason(
            rules.correction_can_be_checked_offline, scan("worker.updated", data={"phone": "x"})
        )
        is None
    )
    assert (
        reason(rules.correction_can_be_checked_offline, scan("worker.updated", data={"home": {}}))
        == "invalid_envelope"
    )


def test_a_temporary_pass_is_good_for_sixty_days_after_the_registration():
    registered = [fact("worker.registered", days=0)]  # 30 days before NOW
    assert reason(rules.temporary_pass_still_good,
                  scan("fair.checked_in", named_by="temporary_pass",
                                                         earlier=registered)) is None
    assert (
        reason(
            rules.temporary_pass_still_good,
            scan(
                "fair.checked_in",
                named_by="temporary_pass",
                earlier=registered,
                at=NOW + dt.timedelta(days=31),
            ),
        )
        == "temporary_pass_expired"
    )
    received_late = Known()
    # a phone that dates the scan back cannot stretch the pass
    received_late.now = NOW + dt.timedelta(days=31)
    assert reason(rules.temporary_pass_still_good,
                  scan("fair.checked_in", named_by="temporary_pass", earlier=registered),
                  received_late) == "temporary_pass_expired"
    assert (
        reason(
            rules.temporary_pass_still_good, scan("fair.checked_in", named_by="card", earlier=[])
        )
        is None
    )


def test_the_first_rule_that_refuses_decides():
    s = scan("employer.onboarded", "employer", named_by="id", context={"employer_id": "e2"},
             worker=SimpleNamespace(id="w1", home_county_code="621121",
                                    birth_date=dt.date(2012, 1, 1)))
    # before keyed_onboarding and under_16
    assert rules.first_rejection(s, Known()).reason == "out_of_scope"
