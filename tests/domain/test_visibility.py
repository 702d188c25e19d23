"""What each role sees of a worker: the rules on their own, on a representation written by hand."""
from server.domain.visibility import Viewer, visible_event_data, visible_worker

WORKER = {"id": "w1", "name": "王建国", "id_masked": "621121********123X", "id_last4": "123X",
          "gender": "male", "birth_date": "1985-03-07", "phone": "13900000001",
          "home": {"county_code": "621121", "township": "平襄镇", "village": "西关村",
                   "county_name": "通渭县"},
          "poor_household": True, "desired_jobs": ["sewing"], "status": "employed",
          "current_employer": {"id": "e-other", "name": "闽江纺织"},
          "employed_since": "2026-03-01", "milestones": {"onboarded": "2026-03-01"},
          "card_serial": "abc"}


def test_a_greeter_sees_who_stands_there_and_no_more():
    assert visible_worker(WORKER, Viewer("greeter")) == {
        "id": "w1", "name": "王建国", "id_masked": "621121********123X", "id_last4": "123X",
        "gender": "male", "status": "employed", "card_serial": "abc",
        "home": {"county_code": "621121", "township": "平襄镇", "county_name": "通渭县"}}


def test_an_employer_sees_its_own_worker_but_not_poverty_birth_or_wishes():
    seen = visible_worker(WORKER, Viewer("employer", "e-other"))
    assert {"poor_household", "birth_date", "desired_jobs"}.isdisjoint(seen)
    assert seen["current_employer"] == {"id": "e-other", "name": "闽江纺织"}
    assert seen["phone"] == "13900000001" and "village" not in seen["home"]


def test_a_former_employer_learns_nothing_of_where_they_work_now():
    seen = visible_worker(WORKER, Viewer("employer", "e-mine"))
    assert {"current_employer", "employed_since", "milestones"}.isdisjoint(seen)
    assert seen["name"] == "王建国" and seen["status"] == "employed"


def test_the_office_sees_everything_and_no_one_the_id_ciphertext():
    assert visible_worker(WORKER, Viewer("county")) == WORKER
    data = {"name": "王建国", "id_number_enc": "v1:…", "id_number_bidx": "…",
            "poor_household": True}
    assert visible_event_data(data, Viewer("admin")) == {"name": "王建国", "poor_household": True}
    assert visible_event_data(data, Viewer("employer", "e")) == {"name": "王建国"}
