"""Issue 11: the counts of certain and possible members (field-counts, country-counts,
coverage, timeline, claims-check), checked by hand on the embedded store and the remote
engines; the counts inside a designation year and coverage on rdflib in memory too
(tests/engines.py, FAST_BACKENDS, says why).

Every expected count is written from the sources, never from program output, with the
rule of docs/model.md, "Time bounds"; the lists are tests/test_certainty.py's. In short,
for GAI: 35 founders on the complete list of 1997-07-25, of which 21 are on seed 003's
complete list (2019-10-30 ... 2021-03-01) and 14 are not (ended by 2021-03-01; Catania
certain until the council of 2000-11-18); 12 bodies new in the seed (Modena certain from
the council of 2000-11-18, the Province of Matera from 2012-03-09, the others from
2021-03-01); the Apulia Region (council of 2018-11-15 only); six names of the undated
Bari page (possible from 1997-01-01, never certain): 54 members in all, 5 of them not
cities (two provinces of 1997, the Province of Matera, two regions).
"""

from __future__ import annotations

import pytest

from ccgraph import namespaces as ns
from ccgraph import queries
from engines import BACKENDS, FAST_BACKENDS

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="session")
def counts(all_stores):
    """counts(backend, name, **values) -> rows as tuples of strings, each call answered once."""
    answers: dict = {}

    def counts(backend: str, name: str, **values: str) -> list[tuple[str, ...]]:
        key = (backend, name, tuple(sorted(values.items())))
        if key not in answers:
            answer = queries.run(all_stores[backend], name, values)
            answers[key] = [tuple("" if t is None else str(t) for t in row)
                            for row in answer.rows]
        return answers[key]

    return counts


# --- field-counts and country-counts inside a year-only designation year ------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_field_and_country_counts_inside_a_designation_year(counts, backend):
    # 2005-06-01: Edinburgh (October 2004) certain; Aswan, Berlin, Buenos Aires, Popayán
    # ("2005") possible; Santa Fe (13 July 2005) not yet
    assert counts(backend, "field-counts", date="2005-06-01") == [
        ("Literature", "1", "1"), ("Crafts and Folk Art", "0", "1"), ("Design", "0", "2"),
        ("Gastronomy", "0", "1")]
    assert counts(backend, "country-counts", network="uccn", date="2005-06-01") == [
        ("GB", "1", "1"), ("AR", "0", "1"), ("CO", "0", "1"), ("DE", "0", "1"), ("EG", "0", "1")]
    # 2009-03-01: every designation of 2004-2008 certain (Iowa City's November 2008 too);
    # Ghent and Kanazawa ("2009") possible; Bradford (June 2009) not yet
    assert counts(backend, "field-counts", date="2009-03-01") == [
        ("Design", "6", "6"), ("Literature", "3", "3"), ("Music", "3", "4"),
        ("Crafts and Folk Art", "2", "3"), ("Gastronomy", "1", "1"), ("Media Arts", "1", "1")]


@pytest.mark.parametrize("backend", FAST_BACKENDS)
def test_bjcem_country_counts_after_the_december_2019_list(counts, backend):
    # the 24 territories of December 2019 certain (Croatia, Portugal, Spain, Kosovo gone);
    # Israel (seed only) possible; Italy: itself, Campobasso, Arci Nazionale, Arci Regionale
    # Lombardia, Reggio Emilia, GAI (an Italian body, Mediterranea 19 call) certain, Rome
    # (undated) and Turin (seed) possible; Greece: itself and Thessaloniki; Montenegro:
    # itself and its Ministry of Culture
    ones = ["AL", "AT", "BA", "CY", "DZ", "EG", "FR", "GB", "JO", "LB", "LY", "MA", "MT", "NO",
            "PS", "RS", "SI", "SM", "SY", "TN", "TR"]
    assert counts(backend, "country-counts", network="bjcem", date="2019-12-31") == [
        ("IT", "6", "8"), ("GR", "2", "2"), ("ME", "2", "2"),
        *[(code, "1", "1") for code in ones], ("IL", "0", "1")]


# --- coverage --------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("network", "date", "expected"), [
    # network, date: listed_before, listed_after, certain, possible
    ("gai", "1997-07-24", ("", "1997-07-25", "0", "41")),   # 35 founders + 6 Bari names
    ("gai", "1997-07-25", ("1997-07-25", "2021-03-01", "35", "41")),
    ("gai", "2000-01-01", ("1997-07-25", "2021-03-01", "22", "54")),  # 21 stayers + Catania
    ("gai", "2020-06-01", ("2019-10-30", "2021-03-01", "23", "54")),  # + Modena, Matera
    ("gai", "2021-03-01", ("2019-10-30", "", "33", "39")),
    ("eurocities", "2000-01-01", ("1986-01-01", "", "6", "33")),
    # no complete list of the UCCN: Edinburgh certain, Aswan, Berlin, Buenos Aires and
    # Popayán ("2005") possible (as in field-counts above)
    ("uccn", "2005-06-01", ("", "", "1", "5")),
    ("bjcem", "2015-06-01", ("2015-01-01", "2015-12-31", "0", "38")),
    ("bjcem", "2019-12-15", ("2019-12-01", "2019-12-31", "17", "38")),
])
def test_coverage(counts, backend, network, date, expected):
    [row] = counts(backend, "coverage", network=network, date=date)
    right = (str(ns.network(network)), date, *expected)
    if backend == "virtuoso" and row != right and expected[0] and \
            row == (*right[:2], "", *right[3:]):
        # Virtuoso 7.2.5.1 answers listed_before empty in some servers, for the same lists
        # every time, in most servers never (docs/performance.md, "Three stores at 1M"):
        # that one wrong value, with every other value of the row right, is the known
        # defect; any other difference fails
        pytest.xfail("this Virtuoso server answered listed_before empty (a known defect)")
    assert row == right


# --- timeline ----------------------------------------------------------------------------


@pytest.mark.parametrize("backend", FAST_BACKENDS)
def test_timeline_certain_and_possible(counts, backend):
    # year, joined, total, possible: every GAI member possibly belonged from 1997 on
    assert counts(backend, "timeline", network="gai") == [
        ("1997", "35", "35", "54"), ("2000", "1", "36", "54"),    # Modena, council
        ("2012", "1", "37", "54"), ("2018", "1", "38", "54"),     # Matera; Apulia Region
        ("2021", "10", "48", "54")]                               # the rest of the seed
    # Eurocities: its 33 members possibly belonged from 1986; each certainly joined in the
    # year of its first dated attestation; The Hague (an undated page) never certainly
    assert counts(backend, "timeline", network="eurocities") == [
        (year, joined, total, "33") for year, joined, total in [
            ("1986", "6", "6"), ("2010", "1", "7"), ("2011", "2", "9"), ("2014", "1", "10"),
            ("2015", "1", "11"), ("2016", "1", "12"), ("2017", "8", "20"), ("2018", "1", "21"),
            ("2020", "7", "28"), ("2021", "2", "30"), ("2023", "1", "31"), ("2024", "1", "32")]]


# --- claims-check ------------------------------------------------------------------------

CLAIMS = {  # claim: as_of, claimed, counted, agrees, possible, qualifier
    # 408 announced, 405 identified, all certain: three cities no source names
    "uccn-reference/after-2025-members": ("2025-10-30", "408", "405", "false", "405", ""),
    "gai-torino-1997/gai-torino-1997-members": ("1997-07-25", "35", "35", "true", "41", ""),
    # between the certain and the possible count: the graph cannot tell
    "gai-torino-2000/gai-torino-2000-members": ("2000-11-18", "34", "23", "", "54", ""),
    "gai-torino-2000/gai-torino-2000-cities": ("2000-11-18", "32", "22", "", "49", ""),
    "gai-gai-assembly-2025/gai-assembly-2025-members":
        ("2025-12-18", "21", "33", "false", "39", ""),
    # "over 70 cities" by 1996: only the founders are certain, 33 members possible at most
    "eurocities-eurocities-1996/eurocities-1996-members":
        ("1996-12-31", "70", "6", "false", "33", "more than"),
    # "circa 50": an "about" claim is never judged
    "bjcem-med20-call-2024/bjcem-med20-call-2024-members":
        ("2024-10-31", "50", "33", "", "34", "about"),
    # an undated claim: nothing to count at
    "gai-padova-pg-undated/gai-padova-pg-undated-members": ("", "39", "", "", "", ""),
}


# the memory backend answers claims-check in tests/test_queries.py (test_backends_agree),
# compared row for row with the embedded store (tests/engines.py, FAST_BACKENDS)
@pytest.mark.parametrize("backend", FAST_BACKENDS)
def test_claims_check_certain_and_possible(counts, backend):
    rows = {row[1].removeprefix(str(ns.ID["claim/"])): row
            for row in counts(backend, "claims-check")}
    for claim, expected in CLAIMS.items():
        _, _, source, *values = rows[claim]
        assert tuple(values) == expected, claim
        assert source == str(ns.ID["source/" + claim.split("/")[0]])
