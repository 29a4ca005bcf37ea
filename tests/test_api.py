"""Issue 13, point 3: Python for analysts — a handle with a useful repr, rows that become a
pandas DataFrame with every column, one type per column (dates as PartialDate), SPARQL
CONSTRUCT/DESCRIBE/ASK, and an HTML repr for notebooks. Expected values come from the
sources (data/uccn_members.csv, data/gai_attestations.csv, data/seed-003.ttl)."""

from __future__ import annotations

import datetime

import pandas
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from ccgraph import namespaces as ns
from ccgraph.api import Handle, Rows
from ccgraph.dates import PartialDate
from ccgraph.errors import InputError

MEMBERS_AT = ["member", "label", "kind", "country", "field", "role", "start", "end", "status"]


@pytest.fixture(scope="module")
def kg(stores):
    return Handle(stores["embedded"])


def test_the_handle_says_what_it_is(stores, kg):
    assert repr(kg) == f"<ccgraph embedded store at {stores['embedded'].path}>"
    assert repr(Handle(stores["memory"])) == "<ccgraph memory store>"


def test_a_column_of_dates_has_one_type(kg):
    # data/uccn_members.csv: the 2004-2009 designations are known to the day (Edinburgh,
    # 2004-10), the month or the year (Aswan, Berlin... "2005")
    rows = kg.query("members-at", network="uccn", date="2009-12-31")
    starts = [r.start for r in rows]
    assert starts and all(isinstance(s, PartialDate) for s in starts)
    assert {s.precision for s in starts} >= {"year", "month"}
    assert sorted(starts) == sorted(starts, key=lambda s: (s.first, s.last))
    edinburgh = next(r for r in rows if r.label == "Edinburgh")
    assert str(edinburgh.start) == "2004-10" and edinburgh.start.precision == "month"
    assert edinburgh.start.first == datetime.date(2004, 10, 1)
    assert edinburgh.start.last == datetime.date(2004, 10, 31)


def test_partial_dates_compare_and_print_as_iso():
    year, month, day = PartialDate("2008"), PartialDate("2008-10"), PartialDate("2014-12-01")
    assert year < month < day and sorted([day, month, year]) == [year, month, day]
    assert day == datetime.date(2014, 12, 1) and hash(day) == hash(datetime.date(2014, 12, 1))
    assert year != datetime.date(2008, 1, 1)  # a year is not its first day
    assert day.to_date() == datetime.date(2014, 12, 1)
    with pytest.raises(ValueError):
        year.to_date()
    assert (str(year), month.isoformat(), repr(day)) == ("2008", "2008-10",
                                                         "PartialDate('2014-12-01')")
    with pytest.raises(InputError):
        PartialDate("2008-13")


def test_rows_become_a_dataframe_with_every_column(kg):
    # data/gai_attestations.csv: the founding list of 1997-07-25 has 35 members (Turin...),
    # and the six names of the undated Bari page are possible members then
    frame = kg.query("members-at", network="gai", date="1997-07-25").to_pandas()
    assert list(frame.columns) == MEMBERS_AT
    assert len(frame) == 41 and "Turin" in set(frame["label"])
    assert (frame["status"] == "certain").sum() == 35
    counts = kg.query("coverage", network="gai", date="1997-07-25").to_pandas()
    assert str(counts["certain"].dtype) == "Int64" and int(counts["certain"][0]) == 35


def test_no_rows_still_have_their_columns(kg):
    # GAI was founded in 1997: nobody was a member in 1990
    rows = kg.query("members-at", network="gai", date="1990-01-01")
    assert rows == [] and list(rows.columns) == MEMBERS_AT
    frame = rows.to_pandas()
    assert isinstance(frame, pandas.DataFrame) and list(frame.columns) == MEMBERS_AT
    assert len(frame) == 0


def test_sparql_construct_describe_and_ask(kg):
    networks = kg.sparql("""PREFIX ccn: <https://w3id.org/ccgraph/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        CONSTRUCT { ?n rdfs:label ?l } WHERE { ?n a ccn:Network ; rdfs:label ?l }""")
    assert isinstance(networks, Graph)
    assert set(networks.subjects()) == {ns.network(n) for n in
                                        ("uccn", "uccn-italy", "eurocities", "gai", "bjcem")}
    # seed 003: the association's Italian name
    assert (ns.network("gai"), RDFS.label,
            Literal("Associazione per il Circuito dei Giovani Artisti Italiani", lang="it")) \
        in networks
    turin = kg.sparql(f"DESCRIBE <{ns.city('IT', 'Turin')}>")
    assert isinstance(turin, Graph) and (ns.city("IT", "Turin"), RDFS.label, None) in turin
    assert kg.sparql("ASK { ?s ?p ?o }") is True
    assert kg.sparql("ASK { <urn:x:nothing> ?p ?o }") is False
    selected = kg.sparql("SELECT ?n WHERE { ?n a <https://w3id.org/ccgraph/ontology#Network> }")
    assert selected.columns == ("n",) and len(selected) == 5
    with pytest.raises(InputError):
        kg.sparql("INSERT DATA { <urn:a> <urn:b> <urn:c> }")


def test_rows_show_as_a_table_in_a_notebook(kg):
    rows = kg.query("networks-of", member="Turin", date="2022-01-01")
    page = rows._repr_html_()
    assert page.count("<tr>") == 1 + len(rows) and "<th>network</th>" in page
    assert "2014-12-01" in page  # Turin, UNESCO City of Design (data/uccn_members.csv)
    hostile = Rows([("<script>x</script>",)], ("v",))
    assert "<script>" not in hostile._repr_html_()


def test_keyword_rows_and_iri_values(kg):
    rows = kg.query("joined-between", network="uccn", from_="2014-01-01", to="2015-01-01")
    assert rows and all(isinstance(r.member, str) for r in rows)
    assert str(URIRef(rows[0].member)).startswith(ns.base())
