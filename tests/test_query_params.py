"""Saved-query headers, parameters and binding: declared, checked, never pasted.

Every query parses and declares what it binds; every bad value is an InputError with a
one-line message naming the problem and what is allowed; hostile values fed to every
parameter of every query, on both backends, are rejected or match nothing, and leave the
store as it was.
"""

from __future__ import annotations

import re

import pytest
from rdflib import Literal, URIRef
from rdflib.plugins.sparql import prepareQuery

from ccgraph import namespaces as ns
from ccgraph import queries
from ccgraph.counts import COUNT_QUERY
from ccgraph.counts import query_text as claim_counts_text
from ccgraph.errors import InputError
from ccgraph.sources import QUERIES_DIR
from ccgraph.store import EmbeddedStore, MemoryStore, current_store
from ccgraph.store.remote import RemoteStore
from engines import BACKENDS

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

NAMES = sorted(queries.catalogue())
SAMPLE = {  # a value of each type that matches something
    "network": URIRef(ns.ID["network/uccn"]),
    "member": URIRef(ns.ID["city/it/turin"]),
    "field": URIRef(ns.ID["field/design"]),
    "country": Literal("IT"),
    "date": Literal("2022-01-01", datatype=ns.XSD.date),
    "integer": Literal(2),
    "choice": Literal("any"),
}


@pytest.fixture(scope="module")
def memory(stores):
    return stores["memory"]


def one_line_error(call) -> str:
    with pytest.raises(InputError) as caught:
        call()
    message = str(caught.value)
    assert message and "\n" not in message and "\r" not in message
    return message


# --- every query parses and declares its parameters ---------------------------------------


def test_the_catalogue_holds_the_contract_queries():
    assert {"members-at", "networks-of", "shared-members", "joined-between", "field-counts",
            "country-counts", "multi-network", "claims-check", "field-changes", "seats",
            "timeline"} <= set(NAMES)
    assert "valid-at" not in NAMES  # fragments are not queries


@pytest.mark.parametrize("name", NAMES)
def test_query_parses_and_declares_its_params(name):
    query = queries.get(name)
    assert query.summary and query.description and query.tags and query.columns
    assert query.path == QUERIES_DIR / f"{name}.rq"
    text = query.text()
    assert "#+include" not in text
    assert len(re.findall(r"^\s*#\+bindings\s*$", text, re.M)) == (1 if query.params else 0)
    for param in query.params:
        assert param.type in queries.PARAM_TYPES
        assert re.search(rf"\?{param.variable}\b", text), f"{param.name} not used"
        assert param.required or param.default is not None or param.name in (
            "country", "field"), f"{param.name}: optional with no default"
    rendered = query.render({p.name: SAMPLE[p.type] for p in query.params})
    prepared = prepareQuery(rendered)
    assert prepared.algebra.name == "SelectQuery"
    assert tuple(str(v) for v in prepared.algebra["PV"]) == query.columns
    prepareQuery(text)  # the raw text parses too: the marker is a comment


@pytest.mark.parametrize("name", NAMES)
def test_render_binds_params_as_constants_in_the_pattern(name):
    query = queries.get(name)
    rendered = query.render({p.name: SAMPLE[p.type] for p in query.params})
    where = rendered[rendered.index("#+bindings") if "#+bindings" in rendered else 0:]
    # The marker is replaced; what stays of a parameter variable in the pattern names a
    # column (a sub-select's projection, GROUP BY, HAVING) or takes its value in a BIND.
    pattern = re.sub(r"SELECT\b.*?\bWHERE\b|GROUP\s+BY\b[^\n{}]*|HAVING\b[^\n]*|"
                     r"BIND \([^)]*\)", "",
                     rendered.split("WHERE", 1)[1].rsplit("\n}", 1)[0], flags=re.S | re.I)
    assert "#+bindings" not in where
    for param in query.params:
        assert SAMPLE[param.type].n3() in rendered, param.name
        assert not re.search(rf"[?$]{param.variable}\b", pattern), param.name


def test_the_valid_at_fragment_is_included_with_its_own_variables():
    text = queries.get("shared-members").text()
    assert "?a_earliest_start" in text and "?b_earliest_start" in text
    assert "$" not in text.split("SELECT", 1)[1]
    assert "?date < ?a_latest_end" in text and "?date < ?b_latest_end" in text
    assert "?status_a" in text and "?status_b" in text
    rule = queries.header(QUERIES_DIR / "fragments" / "valid-at.rq")
    assert rule["params"] == ["date", "status", "earliest_start", "latest_start",
                              "earliest_end", "latest_end"]
    bounds = queries.header(QUERIES_DIR / "fragments" / "bounds.rq")
    assert bounds["params"] == ["m", "earliest_start", "latest_start", "earliest_end",
                                "latest_end"]
    for name in NAMES:  # "valid at D" is written once, in the fragment
        source = queries.get(name).path.read_text(encoding="utf-8")
        assert "ccn:latestEnd" not in source and "#+include valid-at" in source or name in (
            "joined-between", "field-changes", "seats", "timeline", "claims-check")
        # the bounds are compared as typed dates: no date compared as a string, no
        # attestation read
        text = queries.get(name).text()
        assert "STR(?start" not in text and "STR(?end" not in text and "STR(?date" not in text
        assert "attestedOn" not in text and "NOT EXISTS { ?m" not in text
    # claims-check reads the counts the build made with the fragment
    assert "#+include valid-at" in COUNT_QUERY.read_text(encoding="utf-8")
    assert "valid-at(date, status" in claim_counts_text()
    assert "ccn:certainCount" in queries.get("claims-check").text()


BOUND_AT = [name for name in NAMES
            if "#+include bounds-at" in queries.get(name).path.read_text(encoding="utf-8")]


@pytest.mark.parametrize("style", ["constants", "values", "patterns"])
@pytest.mark.parametrize("name", BOUND_AT)
def test_the_bounds_read_at_a_date_get_the_date_itself(name, style):
    """bounds-at reads only the bounds that can decide at the date, filtering inside
    sub-selects, where no binding from outside reaches: the date must be there as its
    term, or each filter would fail and every membership would count as possible. (The
    date's datatype IRI holds "#": it is not a comment.) Remote endpoints read every
    bound whole, as all-bounds does: Virtuoso answers such filtered sub-selects empty in
    some servers."""
    query = queries.get(name)
    date = Literal("2019-10-30", datatype=ns.XSD.date)
    rendered = query.render({**{p.name: SAMPLE[p.type] for p in query.params}, "date": date},
                            style)
    for bound in ("earliestStart", "latestStart", "earliestEnd", "latestEnd"):
        reads = [line for line in rendered.splitlines() if f"ccn:{bound} " in line]
        assert reads, bound
        for line in reads:
            if style == "values":  # remote endpoints read each bound whole (Virtuoso)
                assert "FILTER" not in line and re.search(
                    rf"SELECT \?\w+ \?\w+ WHERE {{ \?\w+ ccn:{bound} \?\w+ }}", line), line
            else:
                assert "FILTER" in line and date.n3() in line and "?date" not in line, line
    assert name in ("country-counts", "field-counts", "members-at", "multi-network",
                    "shared-members", "countries-with-field")


def test_a_term_holding_a_hash_or_a_brace_is_no_syntax_to_the_binding():
    """Terms put in place are read past whole when the next parameter is bound: a date's
    datatype IRI holds "#", a string may hold braces (it was once read as a comment, and
    the closing braces after it were lost)."""
    from pathlib import Path

    from ccgraph.queries.binding import bind

    text = ("SELECT ?x WHERE {\n  #+bindings\n"
            "  { SELECT ?x WHERE { ?x <http://e.org/p> ?d FILTER (?d = ?date) } }\n"
            "  { SELECT ?x WHERE { ?x <http://e.org/q> ?name } }\n"
            "  { SELECT ?x WHERE { ?x <http://e.org/r> ?network } }\n}")
    date = Literal("2020-01-01", datatype=ns.XSD.date)
    name, network = Literal("a } # {"), URIRef("http://e.org/n")
    for style in ("values", "constants"):
        rendered = bind(text, [("date", date), ("name", name), ("network", network)], style,
                        Path("q.rq"))
        assert f"FILTER (?d = {date.n3()})" in rendered, style
        assert f"?x <http://e.org/q> {name.n3()} }} }}" in rendered, style
        assert f"?x <http://e.org/r> {network.n3()} }} }}" in rendered, style
        prepareQuery(rendered)


# --- bad input: one-line errors that name the problem -----------------------------------


def test_unknown_query(memory):
    message = one_line_error(lambda: queries.run(memory, "members-of", {}))
    assert "'members-of'" in message and "members-at" in message and "timeline" in message


def test_unknown_parameter(memory):
    message = one_line_error(lambda: queries.run(memory, "members-at",
                                                 {"network": "uccn", "city": "Turin"}))
    assert "'city'" in message and "network, date, country, field" in message


def test_missing_required_parameter(memory):
    message = one_line_error(lambda: queries.run(memory, "members-at", {"date": "2020-01-01"}))
    assert "'network'" in message
    message = one_line_error(lambda: queries.run(memory, "joined-between",
                                                 {"network": "uccn", "from": "2020-01-01"}))
    assert "'to'" in message


@pytest.mark.parametrize("value", ["2022-02-30", "yesterday", "2022-2-3", "22-01-01",
                                   "2022-01-01T00:00", "2022-13-01", "2022-01-01 "])
def test_bad_date(memory, value):
    if value.strip() == "2022-01-01":  # surrounding blanks are forgiven
        assert queries.resolve(queries.get("members-at"), {"network": "uccn", "date": value},
                               memory)["date"] == Literal("2022-01-01", datatype=ns.XSD.date)
        return
    message = one_line_error(lambda: queries.run(memory, "members-at",
                                                 {"network": "uccn", "date": value}))
    assert "'date'" in message and repr(value) in message and "YYYY-MM-DD" in message


def test_bad_integer(memory):
    message = one_line_error(lambda: queries.run(memory, "multi-network", {"min": "two"}))
    assert "'min'" in message and "'two'" in message and "whole number" in message


def test_ambiguous_member_lists_the_candidates(memory):
    message = one_line_error(lambda: queries.run(memory, "networks-of", {"member": "Granada"}))
    assert "ambiguous" in message
    assert str(ns.ID["city/es/granada"]) in message and str(ns.ID["city/ni/granada"]) in message
    turin = URIRef(ns.ID["city/it/turin"])
    for spelling in ("Turin", "TURIN", "Torino", "it/turin", "city/it/turin", str(turin)):
        assert queries.resolve(queries.get("networks-of"), {"member": spelling},
                               memory)["member"] == turin
    assert queries.resolve(queries.get("networks-of"), {"member": "es/granada"},
                           memory)["member"] == URIRef(ns.ID["city/es/granada"])


def test_unknown_member(memory):
    message = one_line_error(lambda: queries.run(memory, "networks-of", {"member": "Atlantis"}))
    assert "'Atlantis'" in message and "it/turin" in message


def test_unknown_network_lists_the_networks(memory):
    message = one_line_error(lambda: queries.run(memory, "members-at", {"network": "unesco"}))
    assert "'unesco'" in message
    assert "bjcem, eurocities, gai, uccn, uccn-italy" in message
    for spelling in ("uccn", "UCCN", str(ns.ID["network/uccn"]),
                     "UNESCO Creative Cities Network"):
        assert queries.resolve(queries.get("members-at"), {"network": spelling},
                               memory)["network"] == URIRef(ns.ID["network/uccn"])


def test_fields_by_label_or_slug(memory):
    query = queries.get("members-at")
    crafts = URIRef(ns.ID["field/crafts-and-folk-art"])
    for spelling in ("Crafts and Folk Art", "crafts and folk art", "crafts-and-folk-art",
                     "Crafts & Folk Art", str(crafts)):
        assert queries.resolve(query, {"network": "uccn", "field": spelling},
                               memory)["field"] == crafts
    message = one_line_error(lambda: queries.resolve(query, {"network": "uccn",
                                                             "field": "Painting"}, memory))
    assert "'Painting'" in message and "Crafts and Folk Art" in message and "Music" in message


@pytest.mark.parametrize("value", ["ZZ", "Italy", "ITA", "I"])
def test_unknown_country(memory, value):
    message = one_line_error(lambda: queries.run(memory, "members-at",
                                                 {"network": "uccn", "country": value}))
    assert "'country'" in message and repr(value) in message and "alpha-2" in message


def test_allowed_values_are_enforced(tmp_path, memory):
    (tmp_path / "q.rq").write_text(
        "#+ summary: s\n#+ description: d\n#+ tags: [t]\n#+ params:\n"
        "#+   - {name: network, type: network, required: true, allowed: [gai, bjcem]}\n"
        "#+ columns: [n]\nSELECT ?n WHERE {\n  #+bindings\n  BIND (?network AS ?n)\n}\n",
        encoding="utf-8")
    query = queries.catalogue(tmp_path)["q"]
    assert query.params[0].allowed == ("gai", "bjcem")
    message = one_line_error(lambda: queries.resolve(query, {"network": "uccn"}, memory))
    assert "'uccn'" in message and "gai, bjcem" in message


def test_a_term_that_is_not_checked_cannot_be_bound():
    query = queries.get("members-at")
    for bad in (URIRef("https://x.org/a> } ; DROP ALL ; <b"), Literal("IT\n} SELECT")):
        one_line_error(lambda bad=bad: query.render({"network": SAMPLE["network"],
                                                     "country": bad}))


# --- hostile values: rejected or matching nothing, the store unchanged --------------------

HOSTILE = [
    'Turin"', "Turin'", '" } ; DROP ALL ; SELECT * WHERE { "', "uccn>", "<uccn>", "uccn }",
    "Turin # comment", "2022-01-01\n} SELECT * WHERE { ?s ?p ?o", "Turin\r\nUNION",
    "} UNION { ?s ?p ?o }", "; DROP ALL", "} SELECT * WHERE { ?s ?p ?o", "IT\" ) } #",
    "x\\\" )", "\"\"\"", "https://w3id.org/ccgraph/id/network/uccn> } <x",
    "2022-01-01\"^^<http://www.w3.org/2001/XMLSchema#date>", "1 ; DROP ALL", "' OR '1'='1",
]


def snapshot(store):
    state = [len(store)]
    if isinstance(store, EmbeddedStore):
        state += [store.path, current_store(store.location),
                  sorted(p.name for p in store.location.iterdir()),
                  sorted(p.name for p in store.path.iterdir())]
    if isinstance(store, RemoteStore):
        state += [(name, store.triples_in(name)) for name in store.graphs()]
    return state


# on the memory store, members-at: it takes every parameter type a query looks up in the
# store but member (network, country, field), and a member is looked up by the same code
# (`_lookup`, names bound as literals): tests/engines.py, FAST_BACKENDS, says why. There,
# one value of each kind of attack (the other stores take every value): a quote, a brace,
# a comment, a line break, an IRI's end, a typed literal's end
ON_MEMORY = ("members-at",)
HOSTILE_ON_MEMORY = ['Turin"', "} UNION { ?s ?p ?o }", "Turin # comment",
                     "2022-01-01\n} SELECT * WHERE { ?s ?p ?o", "uccn>",
                     "2022-01-01\"^^<http://www.w3.org/2001/XMLSchema#date>"]


@pytest.mark.parametrize(("name", "backend"), [
    (name, backend) for name in NAMES for backend in BACKENDS
    if backend != "memory" or name in ON_MEMORY])
def test_hostile_values_are_rejected_or_match_nothing(all_stores, backend, name):
    store = all_stores[backend]
    query = queries.get(name)
    before = snapshot(store)
    # (GAI: its 80-odd memberships keep the memory backend's rdflib evaluation short)
    valid = {"network": "gai", "member": "Turin", "field": "Design", "country": "IT",
             "date": "2022-01-01", "integer": "2", "choice": "any"}
    base = {p.name: valid[p.type] for p in query.params}
    for param in query.params:
        for value in HOSTILE_ON_MEMORY if backend == "memory" else HOSTILE:
            try:
                answer = queries.run(store, name, {**base, param.name: value})
            except InputError as error:
                assert "\n" not in str(error) and "\r" not in str(error)
                assert repr(param.name) in str(error)
            else:
                assert answer.rows == (), (param.name, value)
    assert snapshot(store) == before


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_hostile_literal_bound_past_the_checks_matches_nothing(all_stores, backend):
    """Even a term that skipped `resolve` is bound as one RDF term, never as query text."""
    store = all_stores[backend]
    before = snapshot(store)
    query = queries.get("members-at")
    for text in ['IT" } ; DROP ALL ; SELECT * WHERE { "', "IT' }", 'IT\\" ) } #', "IT>"]:
        rendered = query.render({"network": URIRef(ns.ID["network/gai"]), "country": Literal(text)},
                                store.binding)
        assert store.select(rendered).rows == ()
        echo = store.select("SELECT ?x WHERE { " + queries.values_block(["x"], [[Literal(text)]])
                            + " }")
        assert echo.rows == ((Literal(text),),)
    assert snapshot(store) == before


def test_values_are_resolved_under_another_base(monkeypatch):
    """A deployment's CCGRAPH_BASE rebases every id: IRI; slugs and names still resolve."""
    base = "https://data.example.net/kg/"
    monkeypatch.setenv("CCGRAPH_BASE", base)
    store = MemoryStore()
    answer = queries.run(store, "networks-of", {"member": "it/turin", "date": "2021-03-01"})
    assert {str(row[0]) for row in answer.rows} == {
        f"{base}id/network/{slug}"
        for slug in ("bjcem", "uccn", "uccn-italy", "eurocities", "gai")}
    multi = queries.run(store, "multi-network", {"date": "2022-01-01", "min": "5",
                                                 "certainty": "certain"})
    assert [[str(term) for term in row] for row in multi.rows] == [[
        f"{base}id/city/it/turin", "Turin", "5", "bjcem eurocities gai uccn uccn-italy",
        "certain"]]
