"""`PartialDate`: the one Python type of the graph's dates, known to the day, the month or
the year ("2014-12-01", "2008-10", "2008"), so a column of dates never mixes types.

- `str()` and `isoformat()` give the date as written (ISO 8601 at its precision): no day
  is invented.
- `.precision` is "day", "month" or "year"; `.first` and `.last` are the first and last
  `datetime.date` it may be.
- Dates compare by their days: `2008 < 2008-10-01 < 2009`, and one of two that overlap
  (2008 and 2008-10) sorts by its first, then its last day. A date known to the day equals
  the `datetime.date` of that day (and hashes as it does); `to_date()` gives that
  `datetime.date`, and refuses a year or a month, which is not one day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import total_ordering
from typing import Any

from .values import days

PRECISIONS = {4: "year", 7: "month", 10: "day"}


@total_ordering
@dataclass(frozen=True, eq=False)
class PartialDate:
    text: str

    def __post_init__(self) -> None:
        days(self.text)  # an InputError for anything that is not such a date
        if len(self.text) not in PRECISIONS:
            raise ValueError(f"not a date, year-month or year: {self.text!r}")

    @property
    def precision(self) -> str:
        return PRECISIONS[len(self.text)]

    @property
    def first(self) -> date:
        return days(self.text)[0]

    @property
    def last(self) -> date:
        return days(self.text)[1]

    def to_date(self) -> date:
        if self.precision != "day":
            raise ValueError(f"{self.text} is a {self.precision}, not one day")
        return self.first

    def isoformat(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"PartialDate({self.text!r})"

    def _key(self, other: Any) -> tuple[tuple[date, date], tuple[date, date]] | None:
        if isinstance(other, PartialDate):
            return (self.first, self.last), (other.first, other.last)
        if isinstance(other, date):
            return (self.first, self.last), (other, other)
        return None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PartialDate):
            return self.text == other.text
        if isinstance(other, date):
            return self.precision == "day" and self.first == other
        return NotImplemented

    def __lt__(self, other: Any) -> bool:
        keys = self._key(other)
        if keys is None:
            return NotImplemented
        return keys[0] < keys[1]

    def __hash__(self) -> int:
        return hash(self.first) if self.precision == "day" else hash(self.text)
