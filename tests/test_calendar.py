"""The business-day calendar and the date rules reports declare (calendar.py, form/cftc.yaml
`schedule:`). Every expected date is worked out by hand from a wall calendar and the rule's text, in
the comment beside it; none comes from the code under test."""

from __future__ import annotations

from datetime import date

import pytest

from focusgen.calendar import Calendar, DueRule, Schedule, ScheduleError, calendar, month_end
from focusgen.form import formdef

FED = Calendar("us-federal")
NYSE = Calendar("nyse")
DAILY = formdef.report("daily-seg").schedule
MONTHLY = formdef.report("focus-ii").schedule


@pytest.mark.parametrize("day, why", [
    (date(2020, 11, 28), "Saturday"),                      # 1.17(b)(6) and practice: Saturday is no business day
    (date(2020, 11, 29), "Sunday"),
    (date(2017, 12, 25), "Christmas Day"),
    (date(2021, 6, 18), "Juneteenth National Independence Day (observed)"),   # 6/19/2021 a Saturday
    (date(2021, 12, 31), "New Year's Day (observed)"),     # 1/1/2022 a Saturday, observed the Friday before
    (date(2019, 10, 14), "Columbus Day"),
    (date(2017, 11, 10), "Veterans Day (observed)"),       # 11/11/2017 a Saturday
])
def test_days_that_are_not_business_days(day, why):
    assert FED.why_not(day).startswith(why)
    assert not FED.is_business_day(day)


@pytest.mark.parametrize("day", [date(2020, 6, 19),         # Juneteenth became a federal holiday in 2021
                                 date(2021, 4, 2),          # Good Friday: not a federal holiday
                                 date(2017, 12, 26), date(2020, 11, 30)])
def test_business_days(day):
    assert FED.is_business_day(day)


def test_the_nyse_calendar_differs_where_the_markets_do():
    assert not NYSE.is_business_day(date(2021, 4, 2))      # Good Friday
    assert NYSE.is_business_day(date(2019, 10, 14))        # Columbus Day: the exchange is open
    assert NYSE.is_business_day(date(2021, 12, 31))        # no Friday observance of a Saturday New Year


def test_a_year_of_business_days_counted_by_hand():
    # 2017 began on a Sunday: 52 weeks and a day, 260 weekdays; its weekday federal holidays: 1/2 (New
    # Year observed), 1/16, 2/20, 5/29, 7/4, 9/4, 10/9, 11/10 (Veterans observed), 11/23, 12/25 = 10
    assert len(DAILY.dates(2017)) == 250
    assert DAILY.calendar.name == "us-federal"


@pytest.mark.parametrize("as_of, due", [
    (date(2017, 12, 26), date(2017, 12, 27)),    # the reference filing: End Date 12/26, Submit Date 12/27
    (date(2017, 12, 22), date(2017, 12, 26)),    # Friday; Monday 12/25 Christmas
    (date(2020, 11, 27), date(2020, 11, 30)),    # Friday; over the weekend
    (date(2021, 6, 17), date(2021, 6, 21)),      # Thursday; Friday 6/18 Juneteenth observed
    (date(2020, 6, 18), date(2020, 6, 19)),      # 2020: 6/19 still a business day
    (date(2021, 12, 30), date(2022, 1, 3)),      # 12/31/2021 New Year's Day observed, then the weekend
    (date(2019, 10, 11), date(2019, 10, 15)),    # Friday; Monday 10/14 Columbus Day
])
def test_daily_seg_due_by_noon_the_following_business_day(as_of, due):
    d = DAILY.due_for(as_of)
    assert (d.date, d.at, d.time) == (due, "12:00", "12:00 noon")


def test_the_deadline_says_which_holidays_it_passed_over():
    assert "12/25/2017 Christmas Day" in DAILY.due_for(date(2017, 12, 22)).basis
    # on the exchange's calendar Columbus Day is a business day: the deadline is a day earlier
    assert DueRule.parse({"business_days": 1}).due(date(2019, 10, 11), NYSE).date == date(2019, 10, 14)


@pytest.mark.parametrize("as_of, due", [
    (date(2020, 11, 30), date(2020, 12, 23)),    # Dec 1-4 (4), 7-11 (9), 14-18 (14), 21, 22, 23 (17)
    (date(2013, 6, 30), date(2013, 7, 24)),      # a Sunday month-end; Jul 1-3 (3), [4th], 5 (4), 8-12 (9),
                                                 # 15-19 (14), 22, 23, 24 (17)
    (date(2021, 12, 31), date(2022, 1, 26)),     # Jan 3-7 (5), 10-14 (10), [17 MLK], 18-21 (14), 24-26 (17)
    (date(2017, 12, 31), date(2018, 1, 25)),     # Jan [1], 2-5 (4), 8-12 (9), [15 MLK], 16-19 (13), 22-25 (17)
])
def test_focus_ii_due_17_business_days_after_the_month_end(as_of, due):
    d = MONTHLY.due_for(as_of)
    assert (d.date, d.at, d.time) == (due, None, "end of day")


def test_month_end_reports_are_as_of_the_calendar_month_end():
    dates = MONTHLY.dates(2013)
    assert date(2013, 6, 30) in dates and len(dates) == 12          # a Sunday, as the CFTC's data dates it
    assert MONTHLY.is_as_of_date(date(2020, 2, 29)) and not MONTHLY.is_as_of_date(date(2020, 2, 28))
    assert month_end(2021, 12) == date(2021, 12, 31)


def test_a_schedule_of_another_report_declared_as_data():
    # e.g. a depository report as of the 15th (or the next business day) and the last business day,
    # due at 11:59 p.m. ET the next business day
    s = Schedule.parse({"as_of": [{"day": 15, "roll": "following"}, "last-business-day"],
                        "due": {"business_days": 1, "at": "23:59", "zone": "ET"}})
    dates = s.dates(2021)
    assert date(2021, 8, 16) in dates            # 8/15/2021 a Sunday
    assert date(2021, 5, 17) in dates            # 5/15/2021 a Saturday
    assert date(2021, 7, 30) in dates            # 7/31/2021 a Saturday: the last business day is Friday
    assert date(2021, 12, 30) in dates           # 12/31/2021 a holiday (New Year observed)
    assert len(dates) == 24
    d = s.due_for(date(2021, 7, 30))
    assert (d.date, d.time) == (date(2021, 8, 2), "11:59 p.m. ET")


@pytest.mark.parametrize("rule, event, due", [
    ({"business_days_before": 2}, date(2021, 3, 10), date(2021, 3, 8)),   # Wed: Mon (Mon excluded, Wed counted)
    ({"business_days_before": 2}, date(2021, 3, 9), date(2021, 3, 5)),    # Tue: the Friday before
    ({"business_days_before": 2}, date(2021, 1, 20), date(2021, 1, 15)),  # over MLK day 1/18
    ({"business_days": 2}, date(2020, 11, 25), date(2020, 11, 30)),       # over Thanksgiving and the weekend
    ({"hours": 24}, date(2020, 11, 27), date(2020, 11, 28)),              # clock hours: Saturday counts
    ({"immediately": True}, date(2020, 11, 27), date(2020, 11, 27)),
    ({"same_day": True}, date(2020, 11, 27), date(2020, 11, 27)),
])
def test_notice_deadlines(rule, event, due):
    assert DueRule.parse(rule).due(event, FED).date == due


def test_a_rule_without_a_date_says_so():
    d = DueRule.parse({"business_days_before": 2}).due(None, FED)
    assert d.date is None and str(d) == "at least 2 business days before"


@pytest.mark.parametrize("raw", [
    {"as_of": "weekly", "due": {"business_days": 1}},
    {"as_of": "month-end"},
    {"as_of": "month-end", "due": {"business_days": 0}},
    {"as_of": "month-end", "due": {"business_days": 1, "hours": 2}},
    {"as_of": "month-end", "due": {"business_days": 1, "at": "25:00"}},
    {"as_of": {"day": 31, "roll": "following"}, "due": {"business_days": 1}},
    {"as_of": "month-end", "due": {"business_days": 1}, "calendar": "lunar"},
])
def test_bad_rules_are_refused(raw):
    with pytest.raises(ScheduleError):
        Schedule.parse(raw)


def test_years_outside_the_known_range_are_refused():
    with pytest.raises(ValueError):
        FED.holidays(2101)
    assert calendar("nyse") == NYSE


def test_calendar_command_lists_a_years_due_dates(run):
    import json
    status, out, _ = run("calendar", "2021", "--json")
    assert status == 0
    doc = json.loads(out)
    rows = {(r["report"], r["as_of"]): (r["due_date"], r["due_time"]) for r in doc["dates"]}
    assert rows[("focus-ii", "2021-12-31")] == ("2022-01-26", "end of day")
    assert rows[("daily-seg", "2021-12-30")] == ("2022-01-03", "12:00 noon")
    assert ("daily-seg", "2021-12-31") not in rows                  # New Year's Day observed
    assert sum(1 for k in rows if k[0] == "focus-ii") == 12
    assert {"date": "2021-06-18", "name": "Juneteenth National Independence Day (observed)"} in \
        doc["calendars"]["us-federal"]["holidays"]
    status, out, _ = run("calendar", "2017", "--report", "focus-ii")
    assert status == 0 and "2018-01-25" in out and "daily-seg" not in out


@pytest.mark.parametrize("argv", [("calendar", "20x"), ("calendar", "1800"), ("calendar", "2021", "--report", "sidr")])
def test_calendar_command_refuses_bad_options(run, argv):
    status, _, err = run(*argv)
    assert status == 2 and "bad-option" in err


def test_the_holiday_table_is_the_pinned_librarys():
    # the table the calendar reads (a millisecond) is what the pinned `holidays` gives, every year of it
    import json

    from focusgen.calendar import TABLE, table_from_library
    assert json.loads(TABLE.read_text()) == table_from_library()
