"""Synthetic membership data for benchmarks, shaped like ccgraph's own (data/): cities in
countries; UCCN memberships in creative fields with dated starts (a few known only to the
year or the month, a few ended by a change of field); and memberships of the other networks
known, as in data/*_attestations.csv, only through attestations: each from a source dated
to a day, a month, a year or a range of days, or undated, and some of them entries of one
of the network's complete member lists, dated or not. Deterministic for a given size.

    python bench/synthetic.py 1000000 > /tmp/synthetic.nt     # about a million triples

The shares follow the shipped data (2026-12): of UCCN's 406 starts, 28 are years and 8 are
year-months (9 %), one membership ended in a change of field; the other networks' 125
attested memberships have 309 attestations (2.4 each, 1 to 10), 23 % of them undated and
53 % entries of one of 7 complete lists (6 dated), and 20 of them got an end bound. The
generator gives 2.4 attestations per attested membership, 78 % of them dated and about
60 % in a list; at a million triples 30,694 cities and 74,622 memberships.

Each membership of the other networks holds over a hidden span of years, from which its
evidence is drawn: its attestations come from sources of years within the span, and a
complete list names it when the list's days fall within the span, so a membership left
off a later list is bounded at its end and one left off an earlier list at its start.
As the build does (ccgraph.sources.derive_attestations), a membership with no start is
also ccn:attestedOn each dated source's reference date. The bounds themselves
(graph:derived) are not emitted here: the benchmarks derive them with
ccgraph.bounds.derive, with the networks' founding dates (bench/queries.py).
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from datetime import date, timedelta

BASE = "https://w3id.org/ccgraph/id/"
CCN = "https://w3id.org/ccgraph/ontology#"
ORG = "http://www.w3.org/ns/org#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
DERIVED = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
XSD = "http://www.w3.org/2001/XMLSchema#"
FIELDS = ["crafts-and-folk-art", "design", "film", "gastronomy", "literature", "media-arts",
          "music"]
OTHERS = ["eurocities", "gai", "bjcem", "uccn-italy"]
LAST_YEAR = 2025
FOUNDED = {"eurocities": 1986, "gai": 1997, "bjcem": 2001, "uccn-italy": 2004}
# each network's complete member lists (the days they speak of; None: undated), after the
# shipped ones: founders' lists, lists of a meeting, the seed's range of days
LISTS = {
    "eurocities": ["1986", "2010-11-03", "2020-11-05"],
    "gai": ["1997-07-25", "2012-11", "2019-10-30/2021-03-01"],
    "bjcem": ["2015", "2019-12", None],
}
# UCCN start precision: day, then year-month, then year (data/uccn_members.csv: 370/8/28)
START_PRECISION = (("day", 0.91), ("month", 0.02), ("year", 0.07))
SOURCE_PRECISION = (("day", 0.55), ("month", 0.25), ("year", 0.12), ("range", 0.08))
UNDATED_SOURCES = 3  # per network, besides one dated source per year
UNDATED_SHARE = 0.3  # of the attestations outside complete lists
ENDED_SHARE = 0.25  # of the other networks' memberships: their span ends before 2026
CHANGE_SHARE = 0.04  # of second UCCN memberships: a change of field, the first one ending


def _pick(rng: random.Random, shares: tuple[tuple[str, float], ...]) -> str:
    roll, total = rng.random(), 0.0
    for name, share in shares:
        total += share
        if roll < total:
            return name
    return shares[-1][0]


def _date(text: str) -> str:
    return f'"{text}"^^<{XSD}date>'


def span(text: str) -> tuple[date, date]:
    """The first and last day of `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or `A/B`."""
    if "/" in text:
        first, last = text.split("/")
        return span(first)[0], span(last)[1]
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return date(parts[0], 1, 1), date(parts[0], 12, 31)
    if len(parts) == 2:
        year, month = parts
        following = date(year + month // 12, month % 12 + 1, 1)
        return date(year, month, 1), following - timedelta(days=1)
    return date(*parts), date(*parts)


class Sources:
    """The sources of the other networks: per network one dated source per year since its
    founding, at a precision drawn from SOURCE_PRECISION, UNDATED_SOURCES undated ones, and
    one source per complete list. Made from a seed of their own, whatever the size."""

    def __init__(self, seed: int):
        rng = random.Random(seed)
        self.lines: list[str] = []
        self.by_year: dict[str, dict[int, tuple[str, tuple[date, date]]]] = {}
        self.undated: dict[str, list[str]] = {}
        self.lists: dict[str, list[tuple[str, str, tuple[date, date] | None]]] = {}
        for network, founded in FOUNDED.items():
            years = {}
            for year in range(founded, LAST_YEAR + 1):
                kind = _pick(rng, SOURCE_PRECISION)
                month, day = rng.randint(1, 12), rng.randint(1, 28)
                text = {"day": f"{year}-{month:02d}-{day:02d}", "month": f"{year}-{month:02d}",
                        "year": f"{year}",
                        "range": f"{year}-{month:02d}-{day:02d}/{year + 1}-{month:02d}-{day:02d}"
                        }[kind]
                years[year] = (self._source(f"{network}-{year}", span(text)), span(text))
            self.by_year[network] = years
            self.undated[network] = [self._source(f"{network}-undated-{i}", None)
                                     for i in range(UNDATED_SOURCES)]
            self.lists[network] = []
            for i, text in enumerate(LISTS.get(network, [])):
                days = span(text) if text else None
                source = self._source(f"{network}-list-{i}", days)
                listing = f"<{BASE}list/{network}/synthetic-{i}>"
                self.lines += [f"{listing} {RDF_TYPE} <{CCN}CompleteMemberList> .",
                               f"{listing} <{CCN}aboutNetwork> <{BASE}network/{network}> .",
                               f"{listing} {DERIVED} {source} ."]
                if days:
                    self.lines += [f"{listing} <{CCN}onOrAfter> {_date(days[0].isoformat())} .",
                                   f"{listing} <{CCN}onOrBefore> {_date(days[1].isoformat())} ."]
                self.lists[network].append((listing, source, days))
        self.spans = {source: days for years in self.by_year.values()
                      for source, days in years.values()}
        for lists in self.lists.values():
            self.spans.update({source: days for _, source, days in lists})

    def _source(self, slug: str, days: tuple[date, date] | None) -> str:
        source = f"<{BASE}source/synthetic-{slug}>"
        self.lines += [f"{source} {RDF_TYPE} <{CCN}Source> .",
                       f'{source} {LABEL} "synthetic source {slug}"@en .']
        if days:
            self.lines += [f"{source} <{CCN}onOrAfter> {_date(days[0].isoformat())} .",
                           f"{source} <{CCN}onOrBefore> {_date(days[1].isoformat())} .",
                           f"{source} <{CCN}referenceDate> {_date(days[1].isoformat())} ."]
        return source


def triples(size: int, seed: int = 2004) -> Iterator[str]:
    """About `size` N-Triples lines: cities are added until there are (none for 0)."""
    if size <= 0:
        return
    rng = random.Random(seed)
    sources = Sources(seed + 1)
    count = 0
    for line in sources.lines:
        count += 1
        yield line
    n = 0
    while count < size:
        for line in city(n, rng, sources):
            count += 1
            yield line
        n += 1


def city(n: int, rng: random.Random, sources: Sources) -> Iterator[str]:
    """City `n`, its country (for the first 100) and its memberships."""
    code = f"q{n % 100:02d}"[-2:] if n % 100 >= 10 else f"x{n % 10}"
    place = f"<{BASE}city/{code}/synthetic-{n}>"
    yield f"{place} {RDF_TYPE} <{CCN}City> ."
    yield f'{place} {LABEL} "Synthetic {n}"@en .'
    yield f"{place} <{CCN}country> <{BASE}country/{code}> ."
    if n < 100:
        yield f"<{BASE}country/{code}> {RDF_TYPE} <{CCN}Country> ."
        yield f'<{BASE}country/{code}> <{CCN}isoCode> "{code.upper()}" .'
    field = rng.choice(FIELDS)
    year = rng.randint(2004, LAST_YEAR)
    start = _start(rng, year)
    second = None
    if year + 3 <= LAST_YEAR and rng.random() < 0.5:  # a second field (now and then a
        second = (rng.choice(FIELDS), _start(rng, year + 3))  # change of field, like Lyon's)
    ended = second[1] if second and rng.random() < CHANGE_SHARE else None
    yield from uccn(place, f"field/{field}", n, start, ended)
    if second:
        yield from uccn(place, f"field/{second[0]}", n, second[1], None, suffix="b")
    for network in rng.sample(OTHERS, rng.randint(0, 2)):
        yield from attested(place, network, n, rng, sources)


def _start(rng: random.Random, year: int) -> str:
    kind = _pick(rng, START_PRECISION)
    if kind == "year":
        return f'"{year}"^^<{XSD}gYear>'
    if kind == "month":
        return f'"{year}-{rng.randint(1, 12):02d}"^^<{XSD}gYearMonth>'
    return f'"{year}-{rng.randint(1, 12):02d}-15"^^<{XSD}date>'


def _membership(place: str, network: str, role: str, m: str) -> Iterator[str]:
    yield f"{m} {RDF_TYPE} <{CCN}Membership> ."
    yield f"{m} <{ORG}member> {place} ."
    yield f"{m} <{ORG}organization> <{BASE}network/{network}> ."
    yield f"{m} <{ORG}role> <{BASE}{role}> ."


def uccn(place, role, n, start, end, suffix="") -> Iterator[str]:
    m = f"<{BASE}membership/uccn/synthetic-{n}{suffix}>"
    yield from _membership(place, "uccn", role, m)
    yield f"{m} {DERIVED} <{BASE}source/uccn-reference> ."
    yield f"{m} <{CCN}startDate> {start} ."
    if end:
        yield f"{m} <{CCN}endDate> {end} ."


def attested(place, network, n, rng: random.Random, sources: Sources) -> Iterator[str]:
    """A membership of `network` known through attestations (uccn-italy: only through the
    dated source it is derived from, as in the shipped data)."""
    m = f"<{BASE}membership/{network}/synthetic-{n}>"
    yield from _membership(place, network, "role/member", m)
    first = rng.randint(FOUNDED[network], LAST_YEAR)
    last = rng.randint(first, LAST_YEAR) if rng.random() < ENDED_SHARE else LAST_YEAR
    if network == "uccn-italy":
        source = sources.by_year[network][rng.randint(first, last)][0]
        yield f"{m} {DERIVED} {source} ."
        yield f"{m} <{CCN}attestedOn> {_date(sources.spans[source][1].isoformat())} ."
        return
    evidence: dict[str, str | None] = {}  # source -> the complete list it gives, if any
    for listing, source, days in sources.lists[network]:
        if days is None and last == LAST_YEAR:  # an undated list: of the members of now
            evidence[source] = listing
        elif days and first <= days[1].year and days[0].year <= last:
            evidence[source] = listing
    for _ in range(min(8, _geometric(rng, 0.55) + (not evidence))):  # at least one
        if rng.random() < UNDATED_SHARE:
            evidence.setdefault(rng.choice(sources.undated[network]), None)
        else:
            evidence.setdefault(sources.by_year[network][rng.randint(first, last)][0], None)
    for source, listing in evidence.items():
        slug = source.rsplit("/", 1)[1][:-1]
        attestation = f"<{BASE}attestation/{network}/{slug}/synthetic-{n}>"
        yield f"{attestation} {RDF_TYPE} <{CCN}Attestation> ."
        yield f"{attestation} <{CCN}attests> {m} ."
        yield f"{attestation} <{CCN}attestedMember> {place} ."
        yield f"{attestation} <{CCN}aboutNetwork> <{BASE}network/{network}> ."
        yield f"{attestation} {DERIVED} {source} ."
        days = sources.spans.get(source)
        if days:
            yield f"{attestation} <{CCN}onOrAfter> {_date(days[0].isoformat())} ."
            yield f"{attestation} <{CCN}onOrBefore> {_date(days[1].isoformat())} ."
        if listing:
            yield f"{attestation} <{CCN}inList> {listing} ."
        yield f"{m} {DERIVED} {source} ."
    for reference in sorted({sources.spans[s][1] for s in evidence if sources.spans.get(s)}):
        yield f"{m} <{CCN}attestedOn> {_date(reference.isoformat())} ."


def _geometric(rng: random.Random, p: float) -> int:
    """Failures before the first success, each try succeeding with probability p."""
    k = 0
    while rng.random() >= p:
        k += 1
    return k


if __name__ == "__main__":
    for line in triples(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000):
        print(line)
