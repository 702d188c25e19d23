import datetime as dt

from server.domain.lunar import day_name, fair_timing_warning, lunar_day, recruiting_window


def test_the_2017_fair_was_on_the_third_day_of_the_second_month_and_is_warned_about():
    assert lunar_day(dt.date(2017, 2, 28)).text == "农历二月初三"  # as the case study says
    warning = fair_timing_warning(dt.date(2017, 2, 28))
    assert warning["code"] == "after_departures" and "农历二月初三" in warning["message"]
    # 春节 2018: 16 Feb
    assert warning["window"] == {"opens": "2018-01-17", "closes": "2018-03-02"}


def test_no_warning_from_the_twelfth_month_to_the_fifteenth_of_the_first():
    opens, closes = recruiting_window(2026)
    assert lunar_day(opens).text == "农历腊月初一" and lunar_day(closes).text == "农历正月十五"
    for date in (opens, opens + dt.timedelta(days=20), closes):
        assert fair_timing_warning(date) is None
    assert fair_timing_warning(closes + dt.timedelta(days=1))["code"] == "after_departures"
    assert fair_timing_warning(opens - dt.timedelta(days=1))["code"] == "after_departures"


def test_day_names():
    assert [day_name(d) for d in (1, 10, 11, 15, 20, 21, 29, 30)] == [
        "初一", "初十", "十一", "十五", "二十", "廿一", "廿九", "三十"]
