import datetime as dt

from server.domain.retention import erasure_cutoff, redact


def test_the_cutoff_is_the_same_day_n_years_back_and_29_february_falls_back_to_the_28th():
    assert erasure_cutoff(dt.date(2026, 11, 25), 5) == dt.date(2021, 11, 25)
    assert erasure_cutoff(dt.date(2028, 2, 29), 1) == dt.date(2027, 2, 28)
    assert erasure_cutoff(dt.date(2028, 2, 29), 4) == dt.date(2024, 2, 29)


def test_a_profile_keeps_what_statistics_need_and_loses_what_names_or_reaches_the_person():
    data = {"name": "张秀英", "phone": "13900000001", "id_number_enc": "v1:x",
            "id_number_bidx": "ab" * 32,
            "id_last4": "1234", "id_region_code": "621121", "gender": "female",
            "birth_date": "1985-03-07",
            "home": {"county_code": "621121", "township": "平襄镇", "village": "西关村"},
            "poor_household": True, "skills": ["缝纫"], "education": "junior_secondary",
            "consent": {"notice_version": "2026-1", "channel": "paper"}}
    assert redact("worker.registered", data) == {
        "gender": "female", "poor_household": True, "skills": ["缝纫"],
        "education": "junior_secondary",
        "consent": {"notice_version": "2026-1", "channel": "paper"},
        "home": {"county_code": "621121", "township": "平襄镇"}, "birth_year": 1985}
    assert redact("worker.updated", {"phone": "13900000002", "name": "张秀"}) == {}


def test_other_events_lose_their_free_text_only():
    assert redact(
        "employment.ended", {"end_date": "2026-03-01", "reason": "pay", "note": "跟李四一起走的"}
    ) == {"end_date": "2026-03-01", "reason": "pay"}
