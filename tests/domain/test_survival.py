"""Kaplan–Meier by month: equal to the plain share when everyone was followed to the end, and
not fooled by recent arrivals when they were not."""
from hypothesis import given
from hypothesis import strategies as st

from server.domain.survival import kaplan_meier


@given(st.lists(st.integers(0, 30), min_size=1, max_size=200))
def test_without_censoring_it_is_the_share_still_employed(months_worked):
    curve = kaplan_meier([(m, True, 1) for m in months_worked], 24)
    for point in curve:
        share = sum(m >= point.month for m in months_worked) / len(months_worked)
        assert abs(point.survival - share) < 1e-9, point


def test_censored_workers_leave_the_denominator_without_counting_as_gone():
    # 10 arrived a year ago: 2 left in month 0, 3 in month 4, 5 still there (observed 12 months).
    # 10 arrived two months ago: 1 left in month 0, 9 still there (observed 2 months).
    curve = kaplan_meier([(0, True, 3), (4, True, 3), (12, False, 5), (2, False, 9)], 12)
    s = [p.survival for p in curve]
    assert s[1] == 1 - 3 / 20  # month 0: 20 at risk, 3 left
    # the 9 recent arrivals are out of the count after month 2
    assert (curve[4].at_risk, curve[4].ended) == (8, 3)
    assert abs(s[5] - 0.85 * (1 - 3 / 8)) < 1e-9
    # the naive share still employed after 5 months (5 of 20) would be 0.25; the estimate is ~0.53
    assert s[12] == s[5] and curve[12].censored == 5
    # nobody observed
    assert curve[12].survival is not None and kaplan_meier([(2, False, 4)], 4)[3].survival is None
