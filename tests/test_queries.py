"""The saved queries (queries/*.rq): their answers on every backend, checked by hand.

The backends: rdflib in memory, the embedded Oxigraph store, and the real remote engines
of tests/engines.py (an Oxigraph server always; Virtuoso when CCGRAPH_TEST_VIRTUOSO=1),
each loaded over the Graph Store Protocol and queried over the SPARQL Protocol.

Every expected value below is written from the sources, never copied from program output:
the seeds (data/sources/seed-000.txt, seed-003.txt), the reference notes
(data/sources/SOURCES.md: the checks table and the rows per designation year of section 3),
the rows of data/uccn_members.csv and data/uccn_totals.csv, and the reference dates of
data/sources.ttl (seed 000: 2019-03-01; seed 003: 2021-03-01, so GAI, Eurocities, BJCEM
and the Italian coordination have no valid member on 2021-02-28).
"""

from __future__ import annotations

import pytest

from ccgraph import namespaces as ns
from ccgraph import queries
from engines import REMOTE_BACKENDS

BACKENDS = ("memory", "embedded", *REMOTE_BACKENDS)

# rdflib's SPARQL engine warns about its own deprecated calls, hundreds of thousands of times
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SEED_000_ITALIAN = {"Alba", "Bologna", "Pesaro", "Fabriano", "Rome", "Milan", "Turin", "Parma",
                    "Carrara"}
SEED_003_ITALIAN = {"Alba", "Biella", "Bergamo", "Bologna", "Fabriano", "Parma", "Rome", "Turin"}
BJCEM_MEMBERS = {"AL", "BA", "HR", "CY", "EG", "FR", "GR", "IT", "LB", "MT", "ME", "MA", "PS",
                 "PT", "SM", "RS", "SI", "ES", "TN", "TR", "GB"}
BJCEM_EXTERNAL_PARTNERS = {"DZ", "AT", "IL", "XK"}


@pytest.fixture(scope="session")
def run(all_stores):
    """run(backend, name, **values) -> Answer, each distinct call answered once."""
    answers: dict = {}

    def run(backend: str, name: str, **values: str):
        key = (backend, name, tuple(sorted(values.items())))
        if key not in answers:
            answers[key] = queries.run(all_stores[backend], name, values)
        return answers[key]

    return run


def table(answer) -> list[dict[str, str]]:
    """Rows as dicts of strings, an unbound value as ''."""
    return [{var: "" if term is None else str(term)
             for var, term in zip(answer.variables, row, strict=True)} for row in answer.rows]


def column(answer, name: str) -> list[str]:
    return [row[name] for row in table(answer)]


def iri(path: str) -> str:
    return str(ns.ID[path])


# --- both backends give the same answers ---------------------------------------------

CASES = [
    ("members-at", {"network": "uccn", "date": "2017-12-31"}),
    ("members-at", {"network": "bjcem", "date": "2021-03-01"}),
    ("members-at", {"network": "gai", "date": "2021-03-01"}),
    ("members-at", {"network": "uccn", "date": "2020-01-01", "country": "it", "field": "design"}),
    ("networks-of", {"member": "Turin", "date": "2021-03-01"}),
    ("networks-of", {"member": "lyon", "date": "2023-10-31"}),
    ("shared-members", {"network_a": "gai", "network_b": "uccn", "date": "2022-01-01"}),
    ("joined-between", {"network": "uccn", "from": "2013-01-01", "to": "2014-01-01"}),
    ("field-counts", {"date": "2023-12-31"}),
    ("field-counts", {"date": "2020-01-01", "country": "IT"}),
    ("country-counts", {"network": "uccn", "date": "2017-12-31"}),
    ("multi-network", {"date": "2022-01-01", "min": "2"}),
    ("claims-check", {}),
    ("field-changes", {}),
    ("seats", {}),
    ("timeline", {"network": "uccn"}),
    ("timeline", {"network": "gai"}),
    ("countries-with-field", {"date": "2025-12-31"}),
    ("coverage", {"network": "gai", "date": "2020-06-01"}),
    ("members-at", {"network": "gai", "date": "2010-01-01", "certainty": "certain"}),
    ("multi-network", {"date": "2020-01-01", "min": "3", "certainty": "certain"}),
]


def test_every_query_has_a_backend_case():
    assert {name for name, _ in CASES} == set(queries.catalogue())


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b != "embedded"])
@pytest.mark.parametrize(("name", "values"), CASES, ids=[f"{n}-{i}" for i, (n, _) in
                                                       enumerate(CASES)])
def test_backends_agree(run, backend, name, values):
    other, embedded = run(backend, name, **values), run("embedded", name, **values)
    assert other.variables == embedded.variables == queries.get(name).columns
    assert table(other) == table(embedded)
    assert [[None if t is None else t.n3() for t in row] for row in other.rows] == \
           [[None if t is None else t.n3() for t in row] for row in embedded.rows]


# --- members-at ------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("date", "members", "countries"), [
    ("2014-11-30", 41, None),   # before the 2014 round: 41 cities (checks table)
    ("2014-12-01", 69, 32),     # the round's day counts: 69 cities from 32 countries
    ("2014-12-02", 69, 32),
    ("2015-12-11", 116, 54),
    ("2017-12-31", 180, 72),    # "180 Città, 72 paesi nel mondo" (seed 000)
    ("2019-10-30", 246, None),
    ("2021-11-08", 295, 92),    # UNESCO said 90 countries; the table gives 92 (section 5)
    ("2023-12-31", 350, 105),
    ("2025-12-31", 405, None),  # 408 announced, 405 identified (Höhr-Grenzhausen found)
])
def test_uccn_size_at_dates(run, backend, date, members, countries):
    rows = table(run(backend, "members-at", network="uccn", date=date))
    assert len(rows) == len({r["member"] for r in rows}) == members
    if countries is not None:
        assert len({r["country"] for r in rows}) == countries
    assert {r["kind"] for r in rows} == {"City"}
    assert all(r["field"] == r["role"] for r in rows)


@pytest.mark.parametrize("backend", BACKENDS)
def test_italian_uccn_cities(run, backend):
    at_2018 = run(backend, "members-at", network="uccn", date="2018-06-01", country="it")
    assert set(column(at_2018, "label")) == SEED_000_ITALIAN
    at_2020 = run(backend, "members-at", network="uccn", date="2020-01-01", country="IT")
    assert set(column(at_2020, "label")) == SEED_000_ITALIAN | {"Bergamo", "Biella"}
    assert set(column(at_2020, "country")) == {"IT"}
    turin = run(backend, "members-at", network="uccn", date="2020-01-01", country="IT",
                field="Design")
    assert table(turin) == [{"member": iri("city/it/turin"), "label": "Turin", "kind": "City",
                             "country": "IT", "field": "Design", "role": "Design",
                             "start": "2014-12-01", "end": ""}]


@pytest.mark.parametrize("backend", BACKENDS)
def test_members_at_reads_precision_and_end(run, backend):
    # Lyon: Media Arts since 2008 (a year only), changed to Literature on 2023-10-31
    def lyon(date):
        rows = table(run(backend, "members-at", network="uccn", date=date, country="FR"))
        return [(r["field"], r["start"], r["end"]) for r in rows if r["label"] == "Lyon"]

    assert lyon("2007-12-31") == []
    assert lyon("2008-01-01") == [("Media Arts", "2008", "2023-10-31")]
    assert lyon("2023-10-30") == [("Media Arts", "2008", "2023-10-31")]
    assert lyon("2023-10-31") == [("Literature", "2023-10-31", "")]
    # Paducah: "November 2013" is not on or before 2013-10-31
    us = column(run(backend, "members-at", network="uccn", date="2013-10-31", country="US"),
                "label")
    assert "Paducah" not in us and "Santa Fe" in us


@pytest.mark.parametrize("backend", BACKENDS)
def test_seed_003_networks_start_on_its_reference_date(run, backend):
    for network in ("gai", "bjcem", "eurocities", "uccn-italy"):
        assert run(backend, "members-at", network=network, date="2021-02-28").rows == ()
    gai = table(run(backend, "members-at", network="gai", date="2021-03-01"))
    assert len(gai) == 33  # "As of today it gathers 33 Public Administrations"
    assert sorted(r["kind"] for r in gai) == ["City"] * 31 + ["Province", "Region"]
    assert {r["role"] for r in gai} == {"Member"} and {r["start"] for r in gai} == {""}
    bjcem = table(run(backend, "members-at", network="bjcem", date="2025-12-31"))
    assert {r["country"] for r in bjcem if r["role"] == "Member"} == BJCEM_MEMBERS
    assert {r["country"] for r in bjcem if r["role"] == "External partner"} == \
        BJCEM_EXTERNAL_PARTNERS
    assert all(r["member"] == iri(f"country/{r['country'].lower()}") for r in bjcem)
    assert {r["kind"] for r in bjcem} == {"Country"} and {r["field"] for r in bjcem} == {""}
    italy = run(backend, "members-at", network="uccn-italy", date="2021-03-01")
    assert set(column(italy, "label")) == SEED_003_ITALIAN


@pytest.mark.parametrize("backend", BACKENDS)
def test_members_at_is_ordered_by_label(run, backend):
    labels = column(run(backend, "members-at", network="gai", date="2022-01-01"), "label")
    assert labels[:3] == ["Ancona", "Asti", "Bari"]
    assert labels[-2:] == ["Trieste", "Turin"]


# --- networks-of -----------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_networks_of_turin(run, backend):
    assert run(backend, "networks-of", member="Turin", date="2014-11-30").rows == ()
    assert [(r["network"], r["role"], r["start"]) for r in
            table(run(backend, "networks-of", member="Turin", date="2020-01-01"))] == \
        [(iri("network/uccn"), "Design", "2014-12-01")]
    rows = table(run(backend, "networks-of", member="it/turin", date="2021-03-01"))
    assert [(r["network_label"], r["role"], r["field"], r["start"]) for r in rows] == [
        ("Coordination of Italian UNESCO Creative Cities", "Design", "Design", ""),
        ("Eurocities", "Member", "", ""),
        ("GAI – Association for the Circuit of Young Italian Artists", "Member", "", ""),
        ("UNESCO Creative Cities Network", "Design", "Design", "2014-12-01"),
    ]


@pytest.mark.parametrize("backend", BACKENDS)
def test_networks_of_a_country_and_a_city_that_changed_field(run, backend):
    italy = table(run(backend, "networks-of", member="Italy", date="2021-03-01"))
    assert [(r["network"], r["role"]) for r in italy] == [(iri("network/bjcem"), "Member")]
    lyon = table(run(backend, "networks-of", member="Lyon", date="2020-01-01"))
    assert [(r["field"], r["start"], r["end"]) for r in lyon] == \
        [("Media Arts", "2008", "2023-10-31")]


# --- shared-members ----------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_gai_members_that_were_creative_cities(run, backend):
    def shared(date):
        rows = table(run(backend, "shared-members", network_a="gai", network_b="uccn", date=date))
        assert {r["country"] for r in rows} <= {"IT"}
        return [r["label"] for r in rows]

    assert shared("2021-02-28") == []  # before seed 003's reference date
    assert shared("2021-03-01") == ["Bologna", "Milan", "Parma", "Rome", "Turin"]
    # Como (Crafts and Folk Art) and Modena (Media Arts) were designated on 2021-11-08
    assert shared("2022-01-01") == ["Bologna", "Como", "Milan", "Modena", "Parma", "Rome",
                                    "Turin"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_shared_members_of_other_pairs(run, backend):
    coordination = run(backend, "shared-members", network_a="uccn-italy", network_b="uccn",
                       date="2021-03-01")
    assert set(column(coordination, "label")) == SEED_003_ITALIAN
    # BJCEM's members are countries, UCCN's cities: nothing in common
    assert run(backend, "shared-members", network_a="bjcem", network_b="uccn",
               date="2022-01-01").rows == ()


# --- joined-between ----------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_joined_between(run, backend):
    def joined(start, end):
        return table(run(backend, "joined-between", network="uccn", **{"from": start, "to": end}))

    round_2019 = joined("2019-01-01", "2020-01-01")
    assert len(round_2019) == 66 and {r["start"] for r in round_2019} == {"2019-10-30"}
    assert {"Bergamo", "Biella"} <= {r["label"] for r in round_2019}
    assert len(joined("2014-01-01", "2015-01-01")) == 28
    # 2013: four on 2013-10-21, Paducah in November, Enghien-les-Bains and Sapporo in 2013
    rows_2013 = joined("2013-01-01", "2014-01-01")
    assert sorted((r["start"], r["label"]) for r in rows_2013) == [
        ("2013", "Enghien-les-Bains"), ("2013", "Sapporo"), ("2013-10-21", "Brazzaville"),
        ("2013-10-21", "Fabriano"), ("2013-10-21", "Kraków"), ("2013-10-21", "Zahlé"),
        ("2013-11", "Paducah")]
    assert [r["label"] for r in rows_2013][:2] == ["Enghien-les-Bains", "Sapporo"]
    # a start known to the year or month is not "before" a day inside that year or month
    assert joined("2013-01-01", "2013-06-01") == []
    assert len(joined("2013-06-01", "2014-01-01")) == 7
    assert [r["label"] for r in joined("2013-11-15", "2013-12-01")] == ["Paducah"]
    # 2023: 55 new cities and Lyon's new Literature membership
    rows_2023 = joined("2023-01-01", "2024-01-01")
    assert len(rows_2023) == 56
    assert ("Lyon", "Literature") in {(r["label"], r["field"]) for r in rows_2023}


@pytest.mark.parametrize("backend", BACKENDS)
def test_joined_between_needs_known_starts(run, backend):
    # GAI's memberships are only attested (seed 003), never started
    assert run(backend, "joined-between", network="gai", **{"from": "1990-01-01",
                                                            "to": "2030-01-01"}).rows == ()


# --- field-counts ------------------------------------------------------------------------


def counts(answer) -> dict[str, int]:
    """{first column: last column as a number}, in the answer's order."""
    return {str(row[0]): int(row[-1]) for row in answer.rows}


@pytest.mark.parametrize("backend", BACKENDS)
def test_field_counts(run, backend):
    end_2023 = run(backend, "field-counts", date="2023-12-31")
    assert list(counts(end_2023).items()) == [
        ("Music", 75), ("Crafts and Folk Art", 66), ("Gastronomy", 56), ("Literature", 53),
        ("Design", 49), ("Film", 26), ("Media Arts", 25)]
    # after the 2019 round: the rows of section 3 from 2004 to 2019, field by field
    assert counts(run(backend, "field-counts", network="uccn", date="2019-10-30")) == {
        "Crafts and Folk Art": 49, "Design": 40, "Film": 18, "Gastronomy": 36,
        "Literature": 39, "Media Arts": 17, "Music": 47}
    # after 2025: all rows by field, less Lyon's former Media Arts membership
    assert counts(run(backend, "field-counts", date="2025-12-31")) == {
        "Music": 84, "Crafts and Folk Art": 77, "Gastronomy": 66, "Literature": 63,
        "Design": 53, "Film": 30, "Media Arts": 27, "Architecture": 5}


@pytest.mark.parametrize("backend", BACKENDS)
def test_field_counts_of_one_country(run, backend):
    italy = run(backend, "field-counts", date="2020-01-01", country="IT")
    assert counts(italy) == {"Crafts and Folk Art": 3, "Gastronomy": 3, "Music": 2, "Design": 1,
                             "Film": 1, "Literature": 1}
    assert run(backend, "field-counts", network="gai", date="2022-01-01").rows == ()


# --- country-counts ----------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("date", "countries", "members", "italy"), [
    ("2014-12-01", 32, 69, 3),    # Bologna, Fabriano, Turin
    ("2015-12-11", 54, 116, 5),   # + Parma, Rome
    ("2017-12-31", 72, 180, 9),
])
def test_country_counts(run, backend, date, countries, members, italy):
    rows = counts(run(backend, "country-counts", network="uccn", date=date))
    assert len(rows) == countries and sum(rows.values()) == members and rows["IT"] == italy


@pytest.mark.parametrize("backend", BACKENDS)
def test_country_counts_of_country_members(run, backend):
    bjcem = counts(run(backend, "country-counts", network="bjcem", date="2021-03-01"))
    assert bjcem == dict.fromkeys(sorted(BJCEM_MEMBERS | BJCEM_EXTERNAL_PARTNERS), 1)
    assert counts(run(backend, "country-counts", network="gai", date="2021-03-01")) == {"IT": 33}


# --- multi-network -----------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_multi_network(run, backend):
    def multi(date, least):
        return [(r["label"], int(r["networks"]), r["network_list"])
                for r in table(run(backend, "multi-network", date=date, min=least))]

    both = "gai uccn uccn-italy"
    assert multi("2022-01-01", "3") == [("Turin", 4, "eurocities gai uccn uccn-italy"),
                                        ("Bologna", 3, both), ("Parma", 3, both),
                                        ("Rome", 3, both)]
    at_2021 = multi("2021-03-01", "2")
    assert at_2021[4:] == [("Alba", 2, "uccn uccn-italy"), ("Bergamo", 2, "uccn uccn-italy"),
                           ("Biella", 2, "uccn uccn-italy"), ("Fabriano", 2, "uccn uccn-italy"),
                           ("Milan", 2, "gai uccn")]
    assert {label for label, _, _ in multi("2022-01-01", "2")} - \
        {label for label, _, _ in at_2021} == {"Como", "Modena"}
    assert multi("2021-02-28", "2") == []  # only UCCN has valid members before seed 003
    assert len(multi("2021-02-28", "1")) == 246
    assert multi("2022-01-01", "5") == []


# --- claims-check ------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_claims_check(run, backend):
    rows = {r["claim"].removeprefix(iri("claim/")): r for r in table(run(backend, "claims-check"))}
    assert len(rows) == 4 + 8 + 25  # seed 000, seed 003, data/uccn_totals.csv

    def check(claim):
        r = rows[claim]
        return r["claimed"], r["counted"], r["agrees"]

    assert check("seed-000/2") == ("180", "180", "true")    # 180 Città ...
    assert check("seed-000/3") == ("72", "72", "true")      # ... 72 paesi
    assert check("seed-000/4") == ("9", "9", "true")        # 9 città italiane
    assert check("seed-000/1") == ("7", "", "")             # 7 settori: not counted
    assert check("seed-003/1") == ("180", "246", "false")   # 246 after the 2019 round
    assert check("seed-003/2") == ("135", "0", "false")     # no full member known
    assert check("seed-003/3") == ("45", "0", "false")
    assert check("seed-003/4") == ("130000000", "", "")     # citizens
    assert check("seed-003/5") == ("39", "1", "false")      # Turin's Italy only
    assert check("seed-003/6") == ("6", "", "")             # forums
    assert check("seed-003/7") == ("33", "33", "true")
    assert check("seed-003/8") == ("31", "31", "true")
    table_claims = {k: v for k, v in rows.items() if k.startswith("uccn-reference/")}
    disagreeing = {k for k, v in table_claims.items() if v["agrees"] == "false"}
    assert disagreeing == {"uccn-reference/after-2021-countries",
                           "uccn-reference/after-2025-members"}
    assert check("uccn-reference/after-2021-countries") == ("90", "92", "false")
    assert check("uccn-reference/after-2025-members") == ("408", "405", "false")
    assert check("uccn-reference/after-2021-members") == ("295", "295", "true")
    assert check("uccn-reference/media-arts-early-2022") == ("22", "22", "true")
    assert {v["agrees"] for k, v in table_claims.items() if k not in disagreeing} == {"true"}
    assert rows["seed-000/2"]["source"] == iri("source/seed-000")
    assert rows["seed-000/2"]["as_of"] == "2019-03-01"
    assert rows["seed-000/2"]["network"] == iri("network/uccn")


# --- field-changes, seats, timeline, countries-with-field ---------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_field_changes(run, backend):
    assert table(run(backend, "field-changes")) == [
        {"member": iri("city/fr/lyon"), "label": "Lyon", "from_field": "Media Arts",
         "to_field": "Literature", "date": "2023-10-31"}]
    assert run(backend, "field-changes", network="uccn-italy").rows == ()
    assert run(backend, "field-changes", network="gai").rows == ()


@pytest.mark.parametrize("backend", BACKENDS)
def test_seats(run, backend):
    # seed 003: BJCEM "is based in Brussels, and the general secretariat holds office in
    # Turin"; GAI's "National presidency and secretariat are ... assigned to the City of Turin"
    assert [tuple(r.values()) for r in table(run(backend, "seats"))] == [
        (iri("network/bjcem"), "seat", iri("city/be/brussels")),
        (iri("network/bjcem"), "secretariat", iri("city/it/turin")),
        (iri("network/gai"), "presidency", iri("city/it/turin")),
        (iri("network/gai"), "secretariat", iri("city/it/turin")),
    ]


# rows per designation year (SOURCES.md, section 3); 2023's 56 rows hold Lyon's change of
# field, a new membership but not a new member
UCCN_JOINED = {2004: 1, 2005: 5, 2006: 3, 2008: 7, 2009: 3, 2010: 8, 2011: 2, 2012: 5, 2013: 7,
               2014: 28, 2015: 47, 2017: 64, 2019: 66, 2021: 49, 2023: 56 - 1, 2025: 55}


@pytest.mark.parametrize("backend", BACKENDS)
def test_timeline(run, backend):
    rows = [(int(r["year"]), int(r["joined"]), int(r["total"]))
            for r in table(run(backend, "timeline", network="uccn"))]
    assert [(year, joined) for year, joined, _ in rows] == list(UCCN_JOINED.items())
    totals = dict((year, total) for year, _, total in rows)
    # the cumulative totals are the network sizes of the checks table
    assert (totals[2013], totals[2014], totals[2015], totals[2017], totals[2019], totals[2021],
            totals[2023], totals[2025]) == (41, 69, 116, 180, 246, 295, 350, 405)
    assert [(int(r["year"]), int(r["joined"]), int(r["total"]))
            for r in table(run(backend, "timeline", network="gai"))] == [(2021, 33, 33)]
    assert [(int(r["year"]), int(r["joined"])) for r in
            table(run(backend, "timeline", network="bjcem"))] == [(2021, 25)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_bjcem_countries_with_a_city_of_music(run, backend):
    def music(date):
        return counts(run(backend, "countries-with-field", date=date))

    assert music("2021-02-28") == {}  # BJCEM has no valid member yet
    # Music rows of data/uccn_members.csv in BJCEM's countries, designated by 2019
    assert music("2021-03-01") == {"ES": 2, "FR": 1, "GB": 2, "IT": 2, "MA": 1, "PS": 1,
                                   "PT": 3, "RS": 1, "TR": 1}
    assert music("2025-12-31") == {"BA": 1, "ES": 2, "FR": 3, "GB": 3, "HR": 1, "IT": 3,
                                   "MA": 1, "ME": 1, "PS": 1, "PT": 3, "RS": 1, "TR": 2}
    gai_design = run(backend, "countries-with-field", network="gai", field="Design",
                     date="2022-01-01")
    assert table(gai_design) == [{"country": "IT", "label": "Italy", "members": "1"}]


def test_date_defaults_to_today(run):
    from datetime import date

    today = date.today().isoformat()
    assert run("embedded", "members-at", network="gai").rows == \
        run("embedded", "members-at", network="gai", date=today).rows
