"""Tabular sources (data/*.csv) mapped to RDF, one function per table.

Each mapper reads one CSV file and returns the triples of that file's named graph.
The mapping is deterministic: the same file gives the same graph. A malformed row
raises InputError naming the file and line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import ORG, PROV, RDF, RDFS, SDO, SKOS, XSD

from . import namespaces as ns
from .errors import InputError
from .namespaces import CCN
from .values import date_literal

UCCN = ns.network("uccn")
REFERENCE = ns.source("uccn-reference")

MONTHS = {
    name: number
    for number, name in enumerate(
        "January February March April May June July August "
        "September October November December".split(),
        start=1,
    )
}
MONTH_YEAR = re.compile(r"\b(?:\d{1,2} )?(" + "|".join(MONTHS) + r") (\d{4})\b")
LANGUAGE_NAME = re.compile(r"\b(Italian|Spanish|Dutch|French|German): ([^;,]+)")
LANGUAGE_TAGS = {"Italian": "it", "Spanish": "es", "Dutch": "nl", "French": "fr", "German": "de"}
SITE_NAME = re.compile(r"UNESCO site name: ([^;,]+)")
ALSO_NAMES = re.compile(r"\balso ([^;,]+)")
ISO2 = re.compile(r"^[A-Z]{2}$")


class Row(dict):
    """A row read while `READS` holds a list: each cell read is appended to it as (row,
    column), so `ccgraph.locations` can tell which row and cell each triple came from."""

    line = 0  # where the row starts
    number = 0  # the row's number in the table, the header not counted

    def __getitem__(self, column: str) -> str:
        reads = READS.get()
        if reads is not None:
            reads.append((self, column))
        return dict.__getitem__(self, column)


READS: ContextVar[list[tuple[Row, str]] | None] = ContextVar("ccgraph_reads", default=None)


def csv_rows(path: Path, required: set[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a CSV file with their line numbers; the header must hold `required`.

    The line is where the row starts (a quoted cell may span lines). While `READS` holds
    a list the rows are `Row`s, which record the cells read.
    """
    tracing = READS.get() is not None
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = required - set(reader.fieldnames or ())
        if missing:
            raise InputError.at(path, 1, f"missing column(s): {', '.join(sorted(missing))}")
        start = reader.line_num + 1
        for number, row in enumerate(reader, 1):
            cells = {k: (v or "").strip() for k, v in row.items() if k}
            if tracing:
                cells = Row(cells)
                cells.line, cells.number = start, number
            yield start, cells
            start = reader.line_num + 1


def _date(path: Path, line: int, value: str, column: str, precision: str = "day") -> Literal:
    """A cell's date at `precision` ("year" or "day"), parsed by `values.date_literal`."""
    try:
        return date_literal(value, (precision,))
    except InputError:
        wanted = "a four-digit year" if precision == "year" else "a date YYYY-MM-DD"
        raise InputError.at(path, line, f"{column} must be {wanted}, got {value!r}") from None


def _year(path: Path, line: int, value: str, column: str) -> int:
    return int(str(_date(path, line, value, column, "year")))


def _decimal(path: Path, line: int, value: str, column: str, limit: int) -> Literal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise InputError.at(path, line, f"{column} must be a number, got {value!r}") from None
    if abs(number) > limit:
        raise InputError.at(path, line, f"{column} must lie in [-{limit}, {limit}], got {value}")
    return Literal(number, datatype=XSD.decimal)


def iso2(path: Path, line: int, value: str) -> str:
    if not ISO2.match(value):
        raise InputError.at(path, line, f"not an ISO 3166-1 alpha-2 code: {value!r}")
    return value


def designation_start(year: int, day: str, note: str) -> Literal:
    """The start at its known precision: the day, else the month the note states, else the year."""
    if day:
        return Literal(day, datatype=XSD.date)
    months = {(MONTHS[m], int(y)) for m, y in MONTH_YEAR.findall(note) if int(y) == year}
    if len(months) == 1:
        ((month, _),) = months
        return Literal(f"{year}-{month:02d}", datatype=XSD.gYearMonth)
    return Literal(str(year), datatype=XSD.gYear)


def _names(note: str) -> Iterator[tuple[URIRef, Literal]]:
    """Other names a reference-table note gives: 'Italian: Torino', 'UNESCO site name: Bogota'."""
    for language, name in LANGUAGE_NAME.findall(note):
        yield RDFS.label, Literal(name.strip(), lang=LANGUAGE_TAGS[language])
    for name in SITE_NAME.findall(note):
        yield SKOS.altLabel, Literal(name.strip())
    for names in ALSO_NAMES.findall(note):
        for name in names.split("/"):
            yield SKOS.altLabel, Literal(name.strip())


def uccn_members(path: Path) -> Graph:
    """The reference table of UCCN memberships, 2004-2025: one membership per row."""
    graph = ns.table_graph()
    rows = list(
        csv_rows(
            path,
            {
                "city",
                "country_iso2",
                "field",
                "designation_year",
                "designation_date",
                "end_year",
                "note",
                "lat",
                "lon",
                "sources",
            },
        )
    )
    # A field that ends in year Y ends on the day the same city's next field starts in Y
    # (Lyon: Media Arts 2008 -> Literature 2023-10-31, "changed ... in the 2023 round").
    next_start = {
        (row["city"], row["country_iso2"], row["designation_year"]): row["designation_date"]
        for _, row in rows
        if row["designation_date"]
    }
    for line, row in rows:
        code = iso2(path, line, row["country_iso2"])
        if not row["city"] or not row["field"]:
            raise InputError.at(path, line, "city and field must not be empty")
        city = ns.city(code, row["city"])
        graph.add((city, RDF.type, CCN.City))
        graph.add((city, RDFS.label, Literal(row["city"], lang="en")))
        graph.add((city, CCN.country, ns.country(code)))
        for predicate, name in _names(row["note"]):
            graph.add((city, predicate, name))
        if row["lat"] or row["lon"]:
            graph.add((city, SDO.latitude, _decimal(path, line, row["lat"], "lat", 90)))
            graph.add((city, SDO.longitude, _decimal(path, line, row["lon"], "lon", 180)))

        field = ns.field(row["field"])
        membership = ns.membership(UCCN, city, field)
        year = _year(path, line, row["designation_year"], "designation_year")
        if row["designation_date"]:
            day = _date(path, line, row["designation_date"], "designation_date")
            if int(str(day)[:4]) != year:
                raise InputError.at(path, line, "designation_date is not in designation_year")
        graph.add((membership, RDF.type, CCN.Membership))
        graph.add((membership, ORG.member, city))
        graph.add((membership, ORG.organization, UCCN))
        graph.add((membership, ORG.role, field))
        graph.add(
            (
                membership,
                CCN.startDate,
                designation_start(year, row["designation_date"], row["note"]),
            )
        )
        if row["end_year"]:
            end_year = _year(path, line, row["end_year"], "end_year")
            end_day = next_start.get((row["city"], code, row["end_year"]))
            graph.add(
                (
                    membership,
                    CCN.endDate,
                    Literal(end_day, datatype=XSD.date)
                    if end_day
                    else Literal(str(end_year), datatype=XSD.gYear),
                )
            )
        graph.add((membership, PROV.wasDerivedFrom, REFERENCE))
        if row["note"]:
            graph.add((membership, SKOS.note, Literal(row["note"], lang="en")))
        for cited in filter(None, (part.strip() for part in row["sources"].split(" | "))):
            graph.add((membership, CCN.citedSource, Literal(cited)))
    return graph


def countries(path: Path) -> Graph:
    """Countries with their ISO 3166-1 alpha-2 codes and names."""
    graph = ns.table_graph()
    for line, row in csv_rows(path, {"iso2", "name_en", "name_it", "note"}):
        code = iso2(path, line, row["iso2"])
        country = ns.country(code)
        graph.add((country, RDF.type, CCN.Country))
        graph.add((country, CCN.isoCode, Literal(code)))
        graph.add((country, RDFS.label, Literal(row["name_en"], lang="en")))
        if row["name_it"]:
            graph.add((country, RDFS.label, Literal(row["name_it"], lang="it")))
        if row["note"]:
            graph.add((country, SKOS.note, Literal(row["note"], lang="en")))
    return graph


def uccn_totals(path: Path) -> Graph:
    """Published UCCN totals (reference notes, section 3) as size claims."""
    graph = ns.table_graph()
    columns = {"claim", "measure", "value", "field", "as_of", "basis", "quote", "cited"}
    for line, row in csv_rows(path, columns):
        if not re.fullmatch(r"[a-z0-9-]+", row["claim"]):
            raise InputError.at(path, line, f"claim id must be a lower-case slug: {row['claim']!r}")
        if not row["value"].isdigit():
            raise InputError.at(path, line, f"value must be a whole number: {row['value']!r}")
        claim = ns.claim("uccn-reference", row["claim"])
        graph.add((claim, RDF.type, CCN.SizeClaim))
        graph.add((claim, CCN.aboutNetwork, UCCN))
        graph.add((claim, CCN.measure, ns.measure(row["measure"])))
        graph.add((claim, CCN.claimedValue, Literal(int(row["value"]))))
        if row["field"]:
            graph.add((claim, CCN.countsRole, ns.field(row["field"])))
        graph.add((claim, CCN.asOf, _date(path, line, row["as_of"], "as_of")))
        graph.add((claim, CCN.quote, Literal(row["quote"], lang="en")))
        if row["basis"]:
            graph.add((claim, SKOS.note, Literal(row["basis"], lang="en")))
        for cited in filter(None, (part.strip() for part in row["cited"].split(";"))):
            graph.add((claim, CCN.citedSource, Literal(cited)))
        graph.add((claim, PROV.wasDerivedFrom, REFERENCE))
    return graph


MAPPERS: dict[str, Callable[[Path], Graph]] = {
    "uccn_members": uccn_members,
    "countries": countries,
    "uccn_totals": uccn_totals,
}
