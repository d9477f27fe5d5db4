"""whole_years: 周年 up to 31 December of the year, gaps deducted, overlaps counted once."""

from datetime import date

import pytest

from declarations.computations import add_months, merged_periods, whole_years


def test_culture_guide_example_continuous_since_december_2017_is_five_years():
    # 三 10 (3): "2017年12月连续聘任至今，累计聘任5年，填5" (计算到2022年底).
    assert whole_years([(date(2017, 12, 1), None)], 2022) == 5


def test_continuous_period_counts_whole_years_only():
    assert whole_years([(date(2017, 1, 1), None)], 2022) == 6
    assert whole_years([(date(2017, 1, 2), None)], 2022) == 5
    assert whole_years([(date(2022, 1, 1), None)], 2022) == 1
    assert whole_years([(date(2022, 6, 1), None)], 2022) == 0


def test_closed_period_includes_both_days():
    assert whole_years([(date(2015, 7, 1), date(2018, 6, 30))], 2022) == 3
    assert whole_years([(date(2015, 7, 1), date(2018, 6, 29))], 2022) == 2


def test_gap_is_deducted():
    # 三 10 (3): "中间有间断，累计聘任4年，填4".
    periods = [(date(2017, 12, 1), date(2019, 11, 30)), (date(2020, 9, 1), None)]
    assert whole_years(periods, 2022) == 4
    # Without the gap the same span is 5 years.
    periods = [(date(2017, 12, 1), date(2019, 11, 30)), (date(2019, 12, 1), None)]
    assert whole_years(periods, 2022) == 5


def test_overlap_is_not_counted_twice():
    periods = [(date(2016, 1, 1), date(2019, 12, 31)), (date(2018, 1, 1), date(2020, 12, 31))]
    assert whole_years(periods, 2022) == 5
    # A period inside another adds nothing.
    inner = [(date(2016, 1, 1), None), (date(2018, 3, 1), date(2019, 5, 31))]
    assert whole_years(inner, 2022) == 7


def test_leftover_months_of_separate_periods_add_up():
    periods = [(date(2010, 1, 1), date(2010, 6, 30)), (date(2012, 1, 1), date(2012, 6, 30))]
    assert whole_years(periods, 2022) == 1
    assert whole_years(periods[:1], 2022) == 0


def test_order_of_periods_does_not_matter():
    periods = [(date(2020, 9, 1), None), (date(2017, 12, 1), date(2019, 11, 30))]
    assert whole_years(periods, 2022) == 4


def test_period_ending_after_the_year_is_cut_at_31_december():
    assert whole_years([(date(2019, 1, 1), date(2030, 6, 30))], 2022) == 4


def test_start_after_the_year_end_counts_nothing():
    assert whole_years([(date(2023, 1, 1), None)], 2022) == 0
    assert whole_years([(date(2023, 1, 1), None), (date(2020, 1, 1), None)], 2022) == 3
    assert whole_years([], 2022) == 0


def test_period_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        whole_years([(date(2020, 1, 1), date(2019, 1, 1))], 2022)


def test_merged_periods_joins_touching_periods():
    periods = [(date(2018, 1, 1), date(2018, 12, 31)), (date(2019, 1, 1), None)]
    assert merged_periods(periods, date(2022, 12, 31)) == [(date(2018, 1, 1), date(2022, 12, 31))]


def test_month_helpers():
    assert add_months(date(2017, 1, 31), 1) == date(2017, 2, 28)
    assert add_months(date(2017, 12, 1), 1) == date(2018, 1, 1)
    assert add_months(date(2018, 1, 1), -1) == date(2017, 12, 1)


def test_leftover_days_of_separate_periods_make_months_at_31_days():
    first = (date(2010, 1, 1), date(2010, 6, 15))  # 5 months 15 days
    assert whole_years([first, (date(2012, 1, 1), date(2012, 7, 16))], 2022) == 1  # +6m 16d
    assert whole_years([first, (date(2012, 1, 1), date(2012, 7, 15))], 2022) == 0  # +6m 15d
