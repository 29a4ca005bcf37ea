"""The UCCN reference table mapped to RDF: every row, dates at their precision, names, places.

Expected figures come from data/sources/SOURCES.md (the table's own notes), not from
the program.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import ORG, RDF, RDFS, SDO, SKOS, XSD

from ccgraph import namespaces as ns
from ccgraph import tables
from ccgraph.errors import InputError
from ccgraph.namespaces import CCN
from ccgraph.sources import DATA_DIR

TABLE = DATA_DIR / "uccn_members.csv"
UCCN = ns.network("uccn")


@pytest.fixture(scope="module")
def members():
    return tables.uccn_members(TABLE)


def memberships(graph):
    return set(graph.subjects(RDF.type, CCN.Membership))


def test_every_row_is_a_membership(members):
    # SOURCES.md: 406 rows, one per (city, creative field) membership (Höhr-Grenzhausen,
    # found 2026-12-01, is the 406th).
    assert len(memberships(members)) == 406
    assert set(members.objects(None, ORG.organization)) == {UCCN}


def test_fields_per_row(members):
    # SOURCES.md section 3, "Totals by field, all rows".
    expected = {
        "music": 84,
        "crafts-and-folk-art": 77,
        "gastronomy": 66,
        "literature": 63,
        "design": 53,
        "film": 30,
        "media-arts": 28,
        "architecture": 5,
    }
    counted = Counter(str(role).rsplit("/", 1)[1] for role in members.objects(None, ORG.role))
    assert counted == expected


def test_dates_keep_their_precision(members):
    # 370 rows have a designation day; of the 36 year-only rows, 8 notes name the month:
    # Edinburgh (Oct 2004), Santa Fe (13 July 2005), Iowa City (Nov 2008), Melbourne
    # (Aug 2008), Bradford (8 or 11 June 2009), Reykjavik (Aug 2011), Norwich (May 2012),
    # Paducah (Nov 2013). The other 28 stay years: never an invented day.
    datatypes = Counter(start.datatype for start in members.objects(None, CCN.startDate))
    assert datatypes == {XSD.date: 370, XSD.gYearMonth: 8, XSD.gYear: 28}
    edinburgh = ns.membership(UCCN, ns.city("GB", "Edinburgh"), ns.field("Literature"))
    assert members.value(edinburgh, CCN.startDate) == Literal("2004-10", datatype=XSD.gYearMonth)
    glasgow = ns.membership(UCCN, ns.city("GB", "Glasgow"), ns.field("Music"))
    assert members.value(glasgow, CCN.startDate) == Literal("2008", datatype=XSD.gYear)


def test_lyon_changes_field_as_two_memberships(members):
    lyon = ns.city("FR", "Lyon")
    media_arts = ns.membership(UCCN, lyon, ns.field("Media Arts"))
    literature = ns.membership(UCCN, lyon, ns.field("Literature"))
    assert set(members.subjects(ORG.member, lyon)) == {media_arts, literature}
    assert members.value(media_arts, CCN.startDate) == Literal("2008", datatype=XSD.gYear)
    # "field changed to Literature at its request in the 2023 round" (2023-10-31).
    assert members.value(media_arts, CCN.endDate) == Literal("2023-10-31", datatype=XSD.date)
    assert members.value(literature, CCN.startDate) == Literal("2023-10-31", datatype=XSD.date)
    assert members.value(literature, CCN.endDate) is None


def test_granada_is_two_cities(members):
    spain, nicaragua = ns.city("ES", "Granada"), ns.city("NI", "Granada")
    assert spain != nicaragua
    assert members.value(spain, CCN.country) == ns.country("ES")
    assert members.value(nicaragua, CCN.country) == ns.country("NI")
    assert members.value(
        ns.membership(UCCN, spain, ns.field("Literature")), CCN.startDate
    ) == Literal("2014-12-01", datatype=XSD.date)
    assert members.value(
        ns.membership(UCCN, nicaragua, ns.field("Design")), CCN.startDate
    ) == Literal("2023-10-31", datatype=XSD.date)


@pytest.mark.parametrize(
    ("code", "english", "other", "language"),
    [
        ("IT", "Turin", "Torino", "it"),
        ("IT", "Rome", "Roma", "it"),
        ("IT", "Milan", "Milano", "it"),
        ("ES", "Seville", "Sevilla", "es"),
        ("DE", "Hanover", "Hannover", "de"),
        ("BE", "Ghent", "Gent", "nl"),
        ("BE", "Ghent", "Gand", "fr"),
    ],
)
def test_one_city_with_labels_in_several_languages(members, code, english, other, language):
    city = ns.city(code, english)
    assert (city, RDFS.label, Literal(english, lang="en")) in members
    assert (city, RDFS.label, Literal(other, lang=language)) in members


def test_unesco_spellings_are_alternative_labels(members):
    assert (ns.city("CO", "Bogotá"), SKOS.altLabel, Literal("Bogota")) in members
    assert {str(x) for x in members.objects(ns.city("PL", "Kraków"), SKOS.altLabel)} == {
        "Krakow",
        "Cracow",
    }


def test_coordinates_where_the_table_has_them(members):
    # SOURCES.md: 177 rows have coordinates; both Lyon rows use one point -> 176 cities.
    cities = set(members.subjects(RDF.type, CCN.City))
    with_points = {c for c in cities if members.value(c, SDO.latitude) is not None}
    assert len(with_points) == 176
    # Dubai's map point was in Missouri and was discarded.
    assert members.value(ns.city("AE", "Dubai"), SDO.latitude) is None
    turin = ns.city("IT", "Turin")
    assert float(members.value(turin, SDO.latitude)) == pytest.approx(45.07, abs=0.05)
    assert float(members.value(turin, SDO.longitude)) == pytest.approx(7.69, abs=0.05)


def test_palestine_keeps_its_iso_code(members):
    assert members.value(ns.city("PS", "Ramallah"), CCN.country) == ns.country("PS")


def test_mapping_is_deterministic():
    first, second = tables.uccn_members(TABLE), tables.uccn_members(TABLE)
    assert set(first) == set(second)


@pytest.mark.parametrize(
    ("column", "bad", "expected"),
    [
        ("country_iso2", "Italy", "not an ISO 3166-1 alpha-2 code"),
        ("designation_year", "20x4", "designation_year must be a four-digit year"),
        ("designation_date", "2014-02-30", "designation_date must be a date"),
        ("lat", "95", "lat must lie in [-90, 90]"),
    ],
)
def test_bad_row_names_file_and_line(tmp_path: Path, column, bad, expected):
    broken = tmp_path / "uccn_members.csv"
    shutil.copy(TABLE, broken)
    lines = broken.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].strip().split(",")
    # Row 3 of the file (Aswan) has no quoted commas before the sources column.
    cells = lines[2].split(",")
    cells[header.index(column)] = bad
    lines[2] = ",".join(cells)
    broken.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        tables.uccn_members(broken)
    assert str(caught.value).startswith(f"{broken}:3: ")
    assert expected in str(caught.value)
