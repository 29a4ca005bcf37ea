"""Issue 11: which memberships are certain, and which only possible, at a date; and
evidence that contradicts itself. Counts: tests/test_certainty_counts.py.

Every expected answer is written by hand from the sources (data/{gai,eurocities,bjcem}_*.csv,
unchanged copies of the reference tables, their notes, data/uccn_members.csv), never from
program output, with the rule of docs/model.md, "Time bounds". The as-of answers run on
embedded Oxigraph, an Oxigraph server (and Virtuoso when CCGRAPH_TEST_VIRTUOSO=1); those of
GAI at its dates and of the Eurocities founders on rdflib in memory too (tests/engines.py,
FAST_BACKENDS, says why).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from ccgraph import namespaces as ns
from ccgraph import queries
from ccgraph.bounds import derive
from ccgraph.errors import InputError
from ccgraph.validation import validate
from engines import BACKENDS, FAST_BACKENDS

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

# --- the lists of the sources ---------------------------------------------------------
# GAI (founded "1997"). torino-1997: the complete list of 1997-07-25, 35 bodies (Trento
# is the gazetteer's "Trent"); torino-seed: seed 003's complete list, made on some day of
# 2019-10-30 ... 2021-03-01, 33 bodies; bari-undated: an undated partial list, whose six
# names no dated source gives; Apulia Region: only the council of 2018-11-15.
GAI_1997 = {"Turin", "Ancona", "Aosta", "Arezzo", "Asti", "Bari", "Benevento", "Biella",
            "Bologna", "Campobasso", "Caserta", "Catania", "Catanzaro", "Cosenza", "Ferrara",
            "Florence", "Forlì", "Genoa", "Messina", "Milan", "Naples", "Padua", "Parma",
            "Perugia", "Reggio Emilia", "Rome", "Sassari", "Syracuse", "Trapani", "Trent",
            "Udine", "Venice", "Province of Agrigento", "Province of Perugia",
            "Piedmont Region"}
GAI_SEED = {"Ancona", "Asti", "Bari", "Bologna", "Cagliari", "Campobasso", "Como", "Cosenza",
            "Ferrara", "Florence", "Forlì", "Genoa", "Mantua", "Messina", "Milan", "Modena",
            "Naples", "Padua", "Parma", "Pavia", "Perugia", "Pisa", "Prato", "Ravenna",
            "Reggio Emilia", "Rome", "Salerno", "Siena", "Trent", "Trieste", "Turin",
            "Province of Matera", "Piedmont Region"}
BARI_ONLY = {"Cremona", "La Spezia", "Ragusa", "Rimini", "Vercelli", "Vicenza"}
GAI_ALL = GAI_1997 | GAI_SEED | BARI_ONLY | {"Apulia Region"}
STAYERS = GAI_1997 & GAI_SEED  # 21: certain from 1997-07-25 on
# BJCEM (founded "2001-07"): its three dated lists of member countries
BJCEM_2015 = {"BA", "HR", "CY", "EG", "FR", "GR", "IT", "LB", "MT", "ME", "PS", "PT", "SM",
              "RS", "SI", "ES", "TR", "AT", "XK"}                       # med17-call-2015
BJCEM_DEC_2019 = {"AL", "DZ", "AT", "BA", "CY", "EG", "FR", "GR", "IT", "JO", "LB", "LY", "MT",
                  "ME", "MA", "NO", "PS", "SM", "RS", "SY", "SI", "TN", "TR", "GB"}
BJCEM_SEED = {"AL", "BA", "HR", "CY", "EG", "FR", "GR", "IT", "LB", "MT", "ME", "MA", "PS", "PT",
              "SM", "RS", "SI", "ES", "TN", "TR", "GB", "DZ", "AT", "IL", "XK"}
BJCEM_COUNTRIES = BJCEM_2015 | BJCEM_DEC_2019 | BJCEM_SEED  # 29
# its members that are not countries, by the day from which each is certain (its first
# dated attestation's last day); Rome has only an undated page
GAI = "GAI – Association for the Circuit of Young Italian Artists"
BJCEM_BODIES = {"Campobasso": "2015-12-31", "Ministry of Culture of Montenegro": "2016-03-17",
                "Arci Nazionale": "2019-12-31", "Arci Regionale Lombardia": "2019-12-31",
                "Reggio Emilia": "2019-12-31", "Thessaloniki": "2019-12-31", GAI: "2019-12-31",
                "Turin": "2021-03-01", "Rome": None}
EUROCITIES_FOUNDERS = {"Barcelona", "Birmingham", "Frankfurt", "Lyon", "Milan", "Rotterdam"}


@pytest.fixture(scope="session")
def ask(all_stores):
    """ask(backend, name, **values) -> rows as dicts of strings, each call answered once."""
    answers: dict = {}

    def ask(backend: str, name: str, **values: str) -> list[dict[str, str]]:
        key = (backend, name, tuple(sorted(values.items())))
        if key not in answers:
            answer = queries.run(all_stores[backend], name, values)
            answers[key] = [{v: "" if t is None else str(t)
                             for v, t in zip(answer.variables, row, strict=True)}
                            for row in answer.rows]
        return answers[key]

    return ask


def by_label(rows: list[dict[str, str]]) -> dict[str, str]:
    statuses = {r["label"]: r["status"] for r in rows}
    assert len(statuses) == len(rows), rows  # one membership per member here
    return statuses


def gai(ask, backend: str, date: str) -> dict[str, str]:
    return by_label(ask(backend, "members-at", network="gai", date=date))


# --- UCCN: a start or end at its precision -----------------------------------------------

UCCN_CASES = [  # member, date, status in UCCN (None: not a member)
    ("Aswan", "2004-12-31", None), ("Aswan", "2005-01-01", "possible"),        # "2005"
    ("Aswan", "2005-06-01", "possible"), ("Aswan", "2005-12-31", "certain"),
    ("Aswan", "2006-01-01", "certain"),
    ("Dublin", "2010-07-19", None), ("Dublin", "2010-07-20", "certain"),      # 2010-07-20
    ("Santa Fe", "2005-06-30", None), ("Santa Fe", "2005-07-01", "possible"),  # "13 July 2005"
    ("Santa Fe", "2005-07-31", "certain"),
    ("Paducah", "2013-10-31", None), ("Paducah", "2013-11-01", "possible"),    # "November 2013"
    ("Paducah", "2013-11-30", "certain"),
    ("Ghent", "2008-12-31", None), ("Ghent", "2009-03-01", "possible"),        # "2009"
    ("Bradford", "2009-03-01", None), ("Bradford", "2009-06-30", "certain"),   # "8 or 11 June"
]


@pytest.mark.parametrize("backend", FAST_BACKENDS)
def test_uccn_start_and_end_at_their_precision(ask, backend):
    for member, date, status in UCCN_CASES:
        rows = [r for r in ask(backend, "networks-of", member=member, date=date)
                if r["network"] == str(ns.network("uccn"))]
        assert [r["status"] for r in rows] == ([status] if status else []), (member, date)
    # Lyon: Media Arts since 2008, Literature from 2023-10-31 (an end is exclusive)
    assert [(r["field"], r["status"]) for date in ("2023-10-30", "2023-10-31") for r in ask(
        backend, "networks-of", member="Lyon", date=date) if r["field"]] == [
        ("Media Arts", "certain"), ("Literature", "certain")]


# --- GAI: two complete lists, council attestations, an undated page ------------------------

GAI_CASES = [  # member, date, status (None: not a member); 1997-07-25, 2021-03-01: below
    ("Ancona", "1997-07-24", "possible"), ("Ancona", "2010-01-01", "certain"),
    ("Aosta", "1997-07-26", "possible"), ("Aosta", "2005-01-01", "possible"),
    ("Aosta", "2021-02-28", "possible"), ("Udine", "2005-01-01", "possible"),
    ("Province of Agrigento", "2021-02-28", "possible"),
    ("Catania", "2000-11-18", "certain"), ("Catania", "2000-11-19", "possible"),  # council
    ("Cagliari", "1997-07-26", "possible"), ("Cagliari", "2021-02-28", "possible"),
    ("Modena", "1998-06-01", "possible"), ("Modena", "2000-11-17", "possible"),
    ("Modena", "2000-11-18", "certain"),                                          # council
    ("Province of Matera", "2012-03-08", "possible"),  # joined by D.G.P. of 2012-03-09
    ("Province of Matera", "2012-03-09", "certain"),
    ("Apulia Region", "2018-11-14", "possible"), ("Apulia Region", "2018-11-15", "certain"),
    ("Apulia Region", "2018-11-16", "possible"), ("Apulia Region", "2021-02-28", "possible"),
    ("Cremona", "2030-01-01", "possible"),
]


@pytest.mark.parametrize("backend", FAST_BACKENDS)
def test_gai_members_one_by_one(ask, backend):
    for member, date, status in GAI_CASES:
        assert gai(ask, backend, date).get(member) == status, (member, date)


@pytest.mark.parametrize("backend", BACKENDS)
def test_gai_whole_network_at_dates(ask, backend):
    assert gai(ask, backend, "1996-12-31") == {}  # before GAI's founding
    assert gai(ask, backend, "1997-01-01") == dict.fromkeys(GAI_1997 | BARI_ONLY, "possible")
    assert gai(ask, backend, "1997-07-25") == {**dict.fromkeys(GAI_1997, "certain"),
                                               **dict.fromkeys(BARI_ONLY, "possible")}
    assert gai(ask, backend, "2000-01-01") == {**dict.fromkeys(GAI_ALL, "possible"),
                                               **dict.fromkeys(STAYERS | {"Catania"}, "certain")}
    assert gai(ask, backend, "2021-03-01") == {**dict.fromkeys(GAI_SEED, "certain"),
                                               **dict.fromkeys(BARI_ONLY, "possible")}
    certain = ask(backend, "members-at", network="gai", date="2000-01-01", certainty="certain")
    assert {r["label"] for r in certain} == STAYERS | {"Catania"}
    assert {r["status"] for r in certain} == {"certain"}


# --- Eurocities: six founders of 1986 --------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_eurocities_founders_and_brescia(ask, backend):
    def at(date, **extra):
        return by_label(ask(backend, "members-at", network="eurocities", date=date, **extra))

    assert at("1985-12-31") == {}
    # the founders' list omits every later member, but, all its entries being cities, it says
    # nothing of the Metropolitan City of Rome Capital; The Hague has only an undated page
    assert at("1986-01-01") == dict.fromkeys(
        EUROCITIES_FOUNDERS | {"The Hague", "Metropolitan City of Rome Capital"}, "possible")
    assert at("1986-12-31", certainty="certain") == dict.fromkeys(EUROCITIES_FOUNDERS, "certain")
    assert len(at("1986-12-31")) == 33  # every member of the table may have joined in 1986
    assert at("2024-05-28")["Brescia"] == "possible"
    assert at("2024-05-29")["Brescia"] == "certain"  # full member from the Cluj conference


# --- BJCEM: lists of countries, members that are not countries ---------------------------


def bjcem(ask, backend: str, date: str) -> tuple[dict[str, str], dict[str, str]]:
    """(status by country code of the country members, status by label of the others)."""
    rows = ask(backend, "members-at", network="bjcem", date=date)
    countries = {r["country"]: r["status"] for r in rows if r["kind"] == "Country"}
    return countries, by_label([r for r in rows if r["kind"] != "Country"])


def bodies(date: str) -> dict[str, str]:
    return {name: "certain" if day is not None and day <= date else "possible"
            for name, day in BJCEM_BODIES.items()}


@pytest.mark.parametrize("backend", FAST_BACKENDS)
def test_bjcem_countries_and_bodies(ask, backend):
    assert bjcem(ask, backend, "2001-06-30") == ({}, {})  # founded in July 2001
    # on 2015-01-01 the 2015 list may not have been made yet: its countries only
    assert bjcem(ask, backend, "2015-01-01") == (dict.fromkeys(BJCEM_2015, "possible"),
                                                 bodies("2015-01-01"))
    assert bjcem(ask, backend, "2016-01-01") == (
        {**dict.fromkeys(BJCEM_COUNTRIES, "possible"), **dict.fromkeys(BJCEM_2015, "certain")},
        bodies("2016-01-01"))
    both = BJCEM_2015 & BJCEM_DEC_2019
    assert bjcem(ask, backend, "2019-12-15") == (
        {**dict.fromkeys(BJCEM_COUNTRIES, "possible"), **dict.fromkeys(both, "certain")},
        bodies("2019-12-15"))
    # Croatia, Portugal, Spain, Kosovo: in 2015 and the seed, not in December 2019
    assert bjcem(ask, backend, "2019-12-31") == (
        {**dict.fromkeys(BJCEM_DEC_2019, "certain"), "IL": "possible"}, bodies("2019-12-31"))
    assert bjcem(ask, backend, "2021-03-01") == (
        dict.fromkeys(BJCEM_DEC_2019 | {"IL"}, "certain"), bodies("2021-03-01"))

    def croatia(date):
        return [r["status"] for r in ask(backend, "networks-of", member="Croatia", date=date)]

    # founded 2001-07; 2015 list; seed (2019-10-30 ... 2021-03-01); not in the Dec 2019 list
    assert [croatia(day) for day in ("2001-06-30", "2001-07-01", "2016-01-01", "2019-10-30",
                                     "2019-10-31", "2019-12-30", "2019-12-31")] == [
        [], ["possible"], ["certain"], ["certain"], ["possible"], ["possible"], []]


# --- the certainty parameter -------------------------------------------------------------


@pytest.mark.parametrize("backend", FAST_BACKENDS)
def test_certainty_of_networks_shared_and_multi(ask, backend):
    def networks(certainty):
        return {r["network"].rsplit("/", 1)[1]: r["status"] for r in ask(
            backend, "networks-of", member="Turin", date="2020-06-01", certainty=certainty)}

    assert networks("any") == {"bjcem": "possible", "uccn-italy": "possible",
                               "eurocities": "certain", "gai": "certain", "uccn": "certain"}
    assert networks("certain") == {"eurocities": "certain", "gai": "certain", "uccn": "certain"}

    def shared(a, b, date, certainty="any"):
        return [(r["label"], r["status"]) for r in ask(
            backend, "shared-members", network_a=a, network_b=b, date=date, certainty=certainty)]

    pairs = [("Campobasso", "certain"), ("Reggio Emilia", "certain"), ("Rome", "possible"),
             ("Turin", "possible")]
    assert shared("gai", "bjcem", "2020-06-01") == pairs
    assert shared("gai", "bjcem", "2020-06-01", "certain") == pairs[:2]
    assert shared("gai", "uccn", "2006-06-01") == [("Bologna", "possible")]  # Music, "2006"
    assert shared("gai", "uccn", "2006-06-01", "certain") == []
    assert shared("gai", "uccn", "2007-01-01") == [("Bologna", "certain")]
    assert shared("gai", "uccn", "2025-12-31") == [
        ("Bologna", "certain"), ("Como", "certain"), ("La Spezia", "possible"),
        ("Milan", "certain"), ("Modena", "certain"), ("Parma", "certain"), ("Rome", "certain"),
        ("Turin", "certain")]

    def multi(certainty):
        return [(r["label"], int(r["networks"]), r["network_list"], r["status"]) for r in ask(
            backend, "multi-network", date="2020-06-01", min="3", certainty=certainty)]

    five, four = "bjcem eurocities gai uccn uccn-italy", "eurocities gai uccn uccn-italy"
    assert multi("any") == [
        ("Rome", 5, five, "possible"), ("Turin", 5, five, "possible"),
        ("Bologna", 4, four, "possible"), ("Biella", 3, "gai uccn uccn-italy", "possible"),
        ("Milan", 3, "eurocities gai uccn", "certain"),
        ("Parma", 3, "gai uccn uccn-italy", "possible")]
    assert multi("certain") == [(city, 3, "eurocities gai uccn", "certain")
                                for city in ("Bologna", "Milan", "Rome", "Turin")]


@pytest.mark.parametrize(("name", "values"), [
    ("members-at", {"network": "gai", "date": "2020-01-01"}),
    ("networks-of", {"member": "Turin", "date": "2020-01-01"}),
    ("shared-members", {"network_a": "gai", "network_b": "uccn", "date": "2020-01-01"}),
    ("multi-network", {"date": "2020-01-01"}),
])
def test_certainty_must_be_any_or_certain(stores, name, values):
    store = stores["memory"]
    with pytest.raises(InputError, match=r"parameter 'certainty'.*'maybe'.*any, certain"):
        queries.run(store, name, {**values, "certainty": "maybe"})
    assert queries.run(store, name, {**values, "certainty": "Certain"}) == \
        queries.run(store, name, {**values, "certainty": "certain"})


# --- contradictions -----------------------------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
BOUNDS_ORDER = ("earliestStart", "latestStart", "earliestEnd", "latestEnd")
# (fixture, membership): its bounds in BOUNDS_ORDER, "day basis" ("": none), by hand
BOUNDS = {
    ("invalid/evidence-attested-while-a-complete-list-omits-it", "gai/city/it/aosta/member"): (
        "2019-07-01 list/gai/members-2019", "1997-07-25 attestation/gai/torino-1997/city/it/aosta",
        "2022-03-25 attestation/gai/andria-2022/city/it/aosta", "2019-06-30 list/gai/members-2019"),
    ("invalid/evidence-ended-by-a-list-on-a-day-it-is-attested", "gai/city/it/udine/member"): (
        "1997-01-01 network/gai", "1997-07-25 attestation/gai/torino-1997/city/it/udine",
        "2019-12-13 attestation/gai/press-2019-12-12/city/it/udine",
        "2019-12-12 list/gai/assembly-2019-12-12"),
    ("valid/evidence-bounded-by-complete-lists", "gai/city/it/aosta/member"): (
        "1997-01-01 network/gai", "1997-07-25 attestation/gai/torino-1997/city/it/aosta",
        "1997-07-26 attestation/gai/torino-1997/city/it/aosta", "2021-03-01 list/gai/torino-seed"),
    ("valid/evidence-bounded-by-complete-lists", "gai/city/it/cagliari/member"): (
        "1997-07-26 list/gai/torino-1997",
        "2021-03-01 attestation/gai/torino-seed/city/it/cagliari", "", ""),
    ("valid/evidence-list-of-countries", "bjcem/country/hr/member"): (
        "2001-07-01 network/bjcem", "2015-12-31 attestation/bjcem/med17-call-2015/country/hr",
        "2015-01-02 attestation/bjcem/med17-call-2015/country/hr",
        "2019-12-31 list/bjcem/med19-territories-2019"),
    ("valid/evidence-list-of-countries", "bjcem/city/it/campobasso/member"): (
        "2001-07-01 network/bjcem",
        "2015-12-31 attestation/bjcem/campobasso-2015/city/it/campobasso", "", ""),
}


def fixture_graph(name: str) -> Graph:
    return Graph().parse(FIXTURES / f"{name}.ttl", format="turtle")


def bounds_of(graph: Graph, membership: URIRef) -> tuple[str, ...]:
    """A membership's bounds in BOUNDS_ORDER, each "day basis" ("" when absent)."""
    def one(bound: str) -> str:
        day, basis = (graph.value(membership, ns.CCN[b]) for b in (bound, bound + "Basis"))
        return "" if day is None else f"{day} {str(basis).removeprefix(str(ns.ID))}"

    return tuple(one(bound) for bound in BOUNDS_ORDER)


@pytest.mark.parametrize(("name", "membership"), BOUNDS)
def test_fixture_bounds_are_those_derived_by_hand(name, membership):
    derived = derive(fixture_graph(name))
    assert bounds_of(derived, ns.ID[f"membership/{membership}"]) == BOUNDS[(name, membership)]


CONSISTENT_EVIDENCE = URIRef("https://w3id.org/ccgraph/shapes#ConsistentEvidence")
# fixture: its pieces of contradicting evidence, each with its source
EVIDENCE = {
    "evidence-attested-while-a-complete-list-omits-it": {
        "list/gai/members-2019": "source/gai-members-2019",
        "attestation/gai/torino-1997/city/it/aosta": "source/gai-torino-1997",
        "attestation/gai/andria-2022/city/it/aosta": "source/gai-andria-2022"},
    "evidence-ended-by-a-list-on-a-day-it-is-attested": {
        "attestation/gai/press-2019-12-12/city/it/udine": "source/gai-press-2019-12-12",
        "list/gai/assembly-2019-12-12": "source/gai-assembly-2019-12-12"},
}


def named(message: str, evidence: dict[str, str]) -> set[str]:
    """The pieces of `evidence` a message names together with their sources."""
    return {piece for piece, source in evidence.items() if piece in message and source in message}


@pytest.mark.parametrize("name", [
    "evidence-ended-by-a-list-on-a-day-it-is-attested",
    "evidence-attested-while-a-complete-list-omits-it",
])
def test_a_contradiction_names_two_pieces_of_evidence_and_their_sources(name):
    graph = fixture_graph(f"invalid/{name}")
    graph += derive(graph)
    report = validate(graph)
    messages = [r.message for r in report.results if r.constraint == CONSISTENT_EVIDENCE]
    assert not report.conforms and messages
    assert all(len(named(m, EVIDENCE[name])) == 2 for m in messages), messages


# Aosta, a 1997 founder seed 003's complete list omits, named again on 2022-03-24: the list
# then says both "it had ended" (it held in 1997) and "it had not begun" (it held in 2022).
PLANTED_ROW = ("Aosta,City,IT,2022-03-24,andria-2022,no,member,https://www.andriaviva.it/,"
               "planted by tests/test_certainty.py\n")
PLANTED_EVIDENCE = {"list/gai/torino-seed": "source/seed-003",
                    "attestation/gai/torino-1997/city/it/aosta": "source/gai-torino-1997",
                    "attestation/gai/andria-2022/city/it/aosta": "source/gai-andria-2022"}


def test_validate_fails_on_a_planted_contradiction_and_leaves_the_store(project: Path):
    env = {**os.environ, "CCGRAPH_HOME": str(project), "CCGRAPH_DATA_DIR": str(project / "store")}

    def ccgraph(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "ccgraph.cli", *args], capture_output=True,
                              text=True, env=env, check=False)

    built = ccgraph("build")
    assert built.returncode == 0, built.stderr
    store = project / "store"
    before = {p.name: p.stat().st_mtime_ns for p in store.iterdir()}
    table = project / "data" / "gai_attestations.csv"
    assert table.read_text(encoding="utf-8").endswith("\n")
    with table.open("a", encoding="utf-8") as handle:
        handle.write(PLANTED_ROW)

    text = project / "report.txt"  # the text report from the same validation
    result = ccgraph("validate", "--format", "json", "--report", f"text={text}")
    assert result.returncode == 1, result.stderr
    focus = str(ns.ID["membership/gai/city/it/aosta/member"])
    messages = [r["message"] for r in json.loads(result.stdout)["results"]
                if r["focus"] == focus and r["component"] == str(SH.SPARQLConstraintComponent)]
    assert any(len(named(m, PLANTED_EVIDENCE)) == 2 for m in messages), messages
    assert "membership/gai/city/it/aosta/member" in text.read_text(encoding="utf-8")
    assert {p.name: p.stat().st_mtime_ns for p in store.iterdir()} == before
