"""The business-day calendar, and the date rules a report kind declares in its form definition data:
which dates it is made as of, and when it (or a notice) is due.

Reusable by any report: the rules are data (a `schedule:` of the report in form/cftc.yaml, or any
other report's definition), parsed here by `Schedule.parse(raw)` and `DueRule.parse(raw)`; nothing here
knows a report kind.

Business days (decided, see README "Deadlines"): Monday to Friday, less the holidays of the named
calendar. CFTC Regulation 1.3 defines a business day as "any day other than a Sunday or holiday" (it
does not exclude Saturday); Regulation 1.17(b)(6) excludes "a Sunday, Saturday, or holiday", and every
filing practice (WinJammer, the DSROs' schedules) is Monday to Friday: Saturday is not a business day
here. No CFTC text lists the holidays; the calendars offered:
  us-federal  the U.S. federal holidays of 5 U.S.C. 6103 with the federal observance rule (a Saturday
              holiday on the Friday before, a Sunday one on the Monday after): `holidays`' US calendar
  nyse        the New York Stock Exchange's closures (Good Friday; not Columbus or Veterans Day)
The holidays come from the `holidays` package (MIT; pinned in pyproject.toml, its public API only:
`country_holidays`, `financial_holidays`, a mapping of date -> name), kept as a table of 1990-2100
(holidays.json, written from the library by `python -m focusgen.calendar` and held to it by the tests).

Date rules (as data):
  as_of:  each-business-day | month-end (the calendar month-end, weekend or not) | last-business-day
          | {day: 15, roll: following} (that day of each month, or the next business day)
          | a list of these
  due:    {business_days: N[, at: "HH:MM"][, zone: ET]}  N business days after the date (the date
          itself excluded, as Regulation 1.3 counts); at: the time of day (none: by the end of that day)
          | {hours: N}  N hours after the event (a date and the event's time, "close of business")
          | {immediately: true} | {same_day: true}
          | {business_days_before: N}  at least N business days before the act (1.3: the day notice is
          given excluded, the day of the act included)
  calendar: us-federal (default) | nyse

May import: nothing of focusgen (the bottom floor: form/ reads its rules with it).

To add a calendar: a name in CALENDARS with a function year -> {date: name}. To add a date rule: a
branch in Schedule.parse / DueRule.parse, one in its dates() / due(), and a test with dates worked out
by hand (tests/test_calendar.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

SATURDAY, SUNDAY = 5, 6
MAX_YEAR = 2100                 # the holiday rules are known up to here; later years are refused
MIN_YEAR = 1990


class ScheduleError(ValueError):
    """A date rule of a form definition that cannot be read (a bug in the data, not in an input)."""


def _us_federal(year: int) -> dict[date, str]:
    import holidays
    return dict(holidays.country_holidays("US", years=year))


def _nyse(year: int) -> dict[date, str]:
    import holidays
    return dict(holidays.financial_holidays("NYSE", years=year))


CALENDARS = {"us-federal": ("U.S. federal holidays (5 U.S.C. 6103, observed)", _us_federal),
             "nyse": ("New York Stock Exchange holidays", _nyse)}

# The holidays of MIN_YEAR..MAX_YEAR as the pinned `holidays` release gives them, kept as data beside this
# module: importing the library and building its calendars costs a build about a quarter second of CPU,
# reading the table a millisecond. `python -m focusgen.calendar` writes it again from the library (after a
# new pin); tests/test_calendar.py holds the table to the library, year by year, in every test run.
TABLE = Path(__file__).with_name("holidays.json")


def table_from_library() -> dict:
    """Every calendar's holidays of every year, from the `holidays` package (the table's source)."""
    import holidays
    return {"generator": f"holidays {holidays.__version__}", "years": [MIN_YEAR, MAX_YEAR],
            "calendars": {name: {str(y): [[d.isoformat(), n] for d, n in sorted(make(y).items())]
                                 for y in range(MIN_YEAR, MAX_YEAR + 1)} for name, (_, make) in CALENDARS.items()}}


@lru_cache(maxsize=1)
def _table() -> dict:
    import json
    return json.loads(TABLE.read_text(encoding="utf-8"))


@lru_cache(maxsize=512)
def _holidays(name: str, year: int) -> tuple[tuple[date, str], ...]:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"{year} is outside the years the calendar knows ({MIN_YEAR}-{MAX_YEAR})")
    return tuple((date.fromisoformat(d), n) for d, n in _table()["calendars"][name][str(year)])


@dataclass(frozen=True)
class Calendar:
    """Business days: Monday to Friday less the named calendar's holidays."""
    name: str = "us-federal"

    @property
    def title(self) -> str:
        return CALENDARS[self.name][0]

    def holidays(self, year: int) -> dict[date, str]:
        """The calendar's holidays of `year` (observed days included), date -> name."""
        return dict(_holidays(self.name, year))

    def holiday(self, d: date) -> str | None:
        return self.holidays(d.year).get(d)

    def why_not(self, d: date) -> str | None:
        """Why `d` is not a business day ("Saturday", "Sunday", a holiday's name), or None if it is one."""
        if d.weekday() == SATURDAY:
            return "Saturday"
        if d.weekday() == SUNDAY:
            return "Sunday"
        name = self.holiday(d)
        return f"{name} ({self.title})" if name else None

    def is_business_day(self, d: date) -> bool:
        return self.why_not(d) is None

    def following(self, d: date, n: int = 1) -> date:
        """The n-th business day after `d` (`d` itself not counted)."""
        while n > 0:
            d += timedelta(days=1)
            if self.is_business_day(d):
                n -= 1
        return d

    def preceding(self, d: date, n: int = 1) -> date:
        """The n-th business day before `d`."""
        while n > 0:
            d -= timedelta(days=1)
            if self.is_business_day(d):
                n -= 1
        return d

    def on_or_after(self, d: date) -> date:
        return d if self.is_business_day(d) else self.following(d)

    def on_or_before(self, d: date) -> date:
        return d if self.is_business_day(d) else self.preceding(d)

    def business_days(self, start: date, end: date) -> list[date]:
        """Every business day from `start` to `end`, both included."""
        found, d = [], start
        while d <= end:
            if self.is_business_day(d):
                found.append(d)
            d += timedelta(days=1)
        return found

    def skipped(self, start: date, end: date) -> list[tuple[date, str]]:
        """The weekdays after `start` up to `end` that are holidays: what a deadline passed over."""
        found, d = [], start + timedelta(days=1)
        while d <= end:
            if d.weekday() < SATURDAY and self.holiday(d):
                found.append((d, self.holiday(d)))
            d += timedelta(days=1)
        return found


def calendar(name: str = "us-federal") -> Calendar:
    if name not in CALENDARS:
        raise ScheduleError(f"calendar {name!r} is not one of {', '.join(CALENDARS)}")
    return Calendar(name)


def month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def _clock(at: str | None) -> str:
    """'12:00' -> '12:00 noon', '23:59' -> '11:59 p.m.', None -> 'end of day'."""
    if at is None:
        return "end of day"
    hour, minute = (int(p) for p in at.split(":"))
    if (hour, minute) == (12, 0):
        return "12:00 noon"
    suffix = "a.m." if hour < 12 else "p.m."
    return f"{(hour - 1) % 12 + 1}:{minute:02d} {suffix}"


@dataclass(frozen=True)
class Due:
    """When something is due: a date and a time of day (or the rule's words when it gives none)."""
    rule: str                       # the rule's words: "noon the following business day", "immediately"
    date: date | None = None        # None: no date can be given (immediately, before an unknown act)
    at: str | None = None           # "12:00", or None: by the end of that day / as the rule says
    zone: str | None = None         # "ET", or None when the rule names no time zone
    basis: str = ""                 # how the date was reached (the event's date, the days passed over)

    @property
    def time(self) -> str:
        if self.date is None:
            return ""
        clock = _clock(self.at) if self.at != "close" else "close of business"
        return clock + (f" {self.zone}" if self.zone and self.at not in (None, "close") else "")

    def __str__(self) -> str:
        if self.date is None:
            return self.rule
        return f"{self.rule}: {self.date.strftime('%m/%d/%Y')} {self.time}"

    def as_dict(self) -> dict:
        return {"rule": self.rule, "date": self.date.isoformat() if self.date else None, "time": self.time or None,
                "basis": self.basis}

    def missed_by(self, submitted: date) -> bool:
        """Submitted on a later date than this is due (a date without a time cannot be late the same day)."""
        return self.date is not None and submitted > self.date


def _keys(raw: dict, allowed: set, where: str) -> None:
    if not isinstance(raw, dict) or set(raw) - allowed:
        raise ScheduleError(f"{where}: {raw!r} is not a rule (keys among {', '.join(sorted(allowed))})")


def _time(value, where: str) -> str | None:
    if value is None:
        return None
    text = str(value)
    try:
        hour, minute = (int(p) for p in text.split(":"))
    except ValueError:
        raise ScheduleError(f"{where}: at {text!r} is not a time HH:MM") from None
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ScheduleError(f"{where}: at {text!r} is not a time HH:MM")
    return f"{hour:02d}:{minute:02d}"


@dataclass(frozen=True)
class DueRule:
    """When something is due, as a rule states it (see the module's docstring)."""
    kind: str                       # business_days | hours | immediately | same_day | business_days_before
    n: int = 0
    at: str | None = None
    zone: str | None = None
    words: str = ""                 # the rule's own words, printed with the date

    @classmethod
    def parse(cls, raw, where: str = "due") -> "DueRule":
        _keys(raw, {"business_days", "hours", "immediately", "same_day", "business_days_before", "at", "zone",
                    "words"}, where)
        kinds = [k for k in ("business_days", "hours", "immediately", "same_day", "business_days_before") if k in raw]
        if len(kinds) != 1:
            raise ScheduleError(f"{where}: give exactly one of business_days, hours, immediately, same_day, "
                                f"business_days_before")
        kind = kinds[0]
        n = raw[kind]
        if kind in ("immediately", "same_day"):
            if n is not True:
                raise ScheduleError(f"{where}: {kind}: true")
            n = 0
        elif isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ScheduleError(f"{where}: {kind} must be a whole number of at least 1")
        return cls(kind, n, _time(raw.get("at"), where), raw.get("zone"), str(raw.get("words") or cls._words(kind, n)))

    @staticmethod
    def _words(kind: str, n: int) -> str:
        return {"business_days": f"within {n} business day{'s' if n > 1 else ''}",
                "hours": f"within {n} hours", "immediately": "immediately", "same_day": "the same day",
                "business_days_before": f"at least {n} business day{'s' if n > 1 else ''} before"}[kind]

    def due(self, event: date | None, cal: Calendar) -> Due:
        """When it is due for an event (an as-of date, a planned act's date); None: the date is unknown."""
        if event is None:
            return Due(self.words)
        if self.kind == "business_days":
            d = cal.following(event, self.n)
            skipped = cal.skipped(event, d)
            basis = f"{self.n} business day{'s' if self.n > 1 else ''} after {event.strftime('%m/%d/%Y')}" + (
                "; passing over " + ", ".join(f"{s.strftime('%m/%d/%Y')} {name}" for s, name in skipped)
                if skipped else "")
            return Due(self.words, d, self.at, self.zone, basis)
        if self.kind == "business_days_before":
            return Due(self.words, cal.preceding(event, self.n), None, None,
                       f"{self.n} business day{'s' if self.n > 1 else ''} before {event.strftime('%m/%d/%Y')}")
        if self.kind == "hours":
            days, rest = divmod(self.n, 24)
            return Due(self.words, event + timedelta(days=days), "close", None,
                       f"{self.n} hours after the close of {event.strftime('%m/%d/%Y')}" if not rest else
                       f"{self.n} hours after the event")
        return Due(self.words, event, "close" if self.kind == "same_day" else "close", None,
                   f"the event is as of the close of {event.strftime('%m/%d/%Y')}")


@dataclass(frozen=True)
class Schedule:
    """A report kind's dates: what it is made as of, when each is due, on which calendar."""
    as_of: tuple                    # rules: "each-business-day", "month-end", "last-business-day", ("day", 15)
    due: DueRule
    calendar: Calendar
    cite: str = ""

    @classmethod
    def parse(cls, raw, where: str = "schedule") -> "Schedule":
        _keys(raw, {"as_of", "due", "calendar", "cite"}, where)
        if "as_of" not in raw or "due" not in raw:
            raise ScheduleError(f"{where}: needs as_of and due")
        rules = raw["as_of"] if isinstance(raw["as_of"], list) else [raw["as_of"]]
        parsed = []
        for rule in rules:
            if rule in ("each-business-day", "month-end", "last-business-day"):
                parsed.append(rule)
            elif isinstance(rule, dict) and set(rule) == {"day", "roll"} and rule["roll"] == "following" \
                    and isinstance(rule["day"], int) and 1 <= rule["day"] <= 28:
                parsed.append(("day", rule["day"]))
            else:
                raise ScheduleError(f"{where}: as_of {rule!r} is not each-business-day, month-end, "
                                    "last-business-day or {day: N, roll: following}")
        return cls(tuple(parsed), DueRule.parse(raw["due"], f"{where}.due"),
                   calendar(str(raw.get("calendar", "us-federal"))), str(raw.get("cite", "")))

    def dates(self, year: int) -> list[date]:
        """Every as-of date of `year`, in order."""
        cal = self.calendar
        found: set[date] = set()
        for rule in self.as_of:
            if rule == "each-business-day":
                found.update(cal.business_days(date(year, 1, 1), date(year, 12, 31)))
            for month in range(1, 13):
                if rule == "month-end":
                    found.add(month_end(year, month))
                elif rule == "last-business-day":
                    found.add(cal.on_or_before(month_end(year, month)))
                elif isinstance(rule, tuple):
                    found.add(cal.on_or_after(date(year, month, rule[1])))
        return sorted(found)

    def is_as_of_date(self, d: date) -> bool:
        return d in set(self.dates(d.year))

    @property
    def daily(self) -> bool:
        return "each-business-day" in self.as_of

    def due_for(self, as_of: date) -> Due:
        return self.due.due(as_of, self.calendar)


if __name__ == "__main__":        # python -m focusgen.calendar: the holiday table written from the library
    import json
    TABLE.write_text(json.dumps(table_from_library(), separators=(",", ":"), ensure_ascii=False) + "\n",
                     encoding="utf-8")
    print(f"wrote {TABLE}")
