"""The syntax of the values people give ccgraph, in one place for the CLI, HTTP and Python.

- Dates at their precision: `YYYY` (xsd:gYear), `YYYY-MM` (xsd:gYearMonth), `YYYY-MM-DD`
  (xsd:date, a real calendar day) — `date_literal` (`date_form`: its lexical form and
  datatype, with no RDF library); `day` for a `datetime.date`;
  `as_text` for a value given from Python (a `datetime.date` in ISO form).
- IRIs, slug paths and names: `is_iri` (an absolute IRI with nothing SPARQL or Turtle
  would read as syntax), `is_slug_path` (`it/turin`: `[a-z0-9-]` segments joined by `/`),
  `is_plain` (at most MAX_VALUE characters, no control characters).
- Parameters: `pairs` (the command line's `KEY=VALUE` list), `single` (an HTTP query
  string's items, each key once), `keywords` (Python keywords: a trailing underscore
  dropped, `datetime.date` as ISO text).

Bad input raises InputError with a one-line message naming the value; callers that
speak of where the value came from (a file's line, a query's parameter, `?at=`) put
that into their own message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from .errors import InputError

if TYPE_CHECKING:
    from rdflib import Literal

IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|\\^`]+")
SLUG_PATH = re.compile(r"[a-z0-9-]+(?:/[a-z0-9-]+)*")
MAX_VALUE = 300  # characters: longer than any IRI or name in the graph
XSD = "http://www.w3.org/2001/XMLSchema#"  # (this module imports no RDF library)

# precision -> (lexical form, datatype IRI, how it is written for people)
PRECISIONS = {
    "year": (re.compile(r"\d{4}"), XSD + "gYear", "YYYY"),
    "year-month": (re.compile(r"\d{4}-\d{2}"), XSD + "gYearMonth", "YYYY-MM"),
    "day": (re.compile(r"\d{4}-\d{2}-\d{2}"), XSD + "date", "YYYY-MM-DD"),
}


# --- dates ------------------------------------------------------------------------------


def date_literal(text: str, precisions: Iterable[str] = ("day",), *,
                 today: bool = False) -> Literal:
    """`text` as a typed literal at the first of `precisions` whose form it has: a year
    (xsd:gYear), a year and month (xsd:gYearMonth) or a calendar day (xsd:date). With
    `today`, the word "today" (any case) is today's date."""
    from rdflib import Literal, URIRef

    lexical, datatype = date_form(text, precisions, today=today)
    return Literal(lexical, datatype=URIRef(datatype))


def date_form(text: str, precisions: Iterable[str] = ("day",), *,
              today: bool = False) -> tuple[str, str]:
    """`date_literal`'s literal as its lexical form and datatype IRI (no RDF library)."""
    if today and text.lower() == "today":
        text = date.today().isoformat()
    forms = []
    for precision in precisions:
        pattern, datatype, form = PRECISIONS[precision]
        forms.append(form)
        if pattern.fullmatch(text) and _exists(text, precision):
            return text, datatype
    raise InputError(f"{text[:40]!r} is not a date ({' or '.join(forms)})")


def day(text: str) -> date:
    """The calendar day `YYYY-MM-DD`."""
    return date.fromisoformat(str(date_literal(text)))


def days(text: str) -> tuple[date, date]:
    """The first and last day of a date at its precision (`2008` -> 2008-01-01, 2008-12-31),
    or of a range `A/B` of two such dates (`2019-11/2021-11` -> 2019-11-01, 2021-11-30)."""
    first, sep, last = text.partition("/")
    if sep:
        start, _ = days(first)
        _, end = days(last)
        if end < start:
            raise InputError(f"{text[:40]!r}: the range ends before it starts")
        return start, end
    value = str(date_literal(text, ("year", "year-month", "day")))
    if len(value) == 4:
        return date(int(value), 1, 1), date(int(value), 12, 31)
    if len(value) == 7:
        year, month = int(value[:4]), int(value[5:])
        following = date(year + month // 12, month % 12 + 1, 1)
        return date(year, month, 1), following - timedelta(days=1)
    return date.fromisoformat(value), date.fromisoformat(value)


def _exists(text: str, precision: str) -> bool:
    if precision == "day":
        try:
            date.fromisoformat(text)
        except ValueError:
            return False
    elif precision == "year-month":
        return 1 <= int(text[5:]) <= 12
    return True


def as_text(value: Any) -> str:
    """A value given from Python as text: a `datetime.date` in ISO form, else `str()`."""
    return value.isoformat() if isinstance(value, date) else str(value)


# --- IRIs, slugs, names -----------------------------------------------------------------


def has_control(value: str) -> bool:
    """Whether `value` holds a control character (C0, DEL or C1)."""
    return any(ord(c) < 32 or 127 <= ord(c) < 160 for c in value)


def is_plain(value: str) -> bool:
    """Whether `value` may be a name or any value a person types: at most MAX_VALUE
    characters, none of them a control character."""
    return len(value) <= MAX_VALUE and not has_control(value)


def is_iri(value: str) -> bool:
    """Whether `value` is an absolute IRI that can be written as `<value>` safely."""
    return IRI.fullmatch(value) is not None


def is_slug_path(value: str) -> bool:
    """Whether `value` is a slug path such as `it/turin` or `uccn`."""
    return SLUG_PATH.fullmatch(value) is not None


# --- parameters -------------------------------------------------------------------------


def pairs(items: Iterable[str]) -> dict[str, str]:
    """`KEY=VALUE` items (the command line's `--param`) as a mapping; each key once."""
    values: dict[str, str] = {}
    for pair in items:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise InputError(f"--param takes KEY=VALUE, got {pair!r}")
        if key in values:
            raise InputError(f"--param {key} is given twice")
        values[key] = value
    return values


def single(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """(key, value) items, as an HTTP query string gives them, as a mapping; each key once."""
    values: dict[str, str] = {}
    for key, value in items:
        if key in values:
            raise InputError(f"give parameter {key!r} once")
        values[key] = value
    return values


def keywords(params: Mapping[str, Any]) -> dict[str, str]:
    """Python keyword arguments as parameters: a trailing underscore dropped (`from_`
    for `from`), a `datetime.date` in ISO form, anything else as `str()`."""
    return {key.rstrip("_"): as_text(value) for key, value in params.items()}


__all__ = ["IRI", "MAX_VALUE", "SLUG_PATH", "as_text", "date_form", "date_literal", "day", "days",
           "has_control", "is_iri", "is_plain", "is_slug_path", "keywords", "pairs", "single"]
