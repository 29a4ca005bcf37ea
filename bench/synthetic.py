"""Synthetic membership data for benchmarks, shaped like ccgraph's own: cities in countries,
UCCN memberships in creative fields with dated starts (some ended, some year-only), and
attested memberships of the other networks. Deterministic for a given size.

    python bench/synthetic.py 1000000 > /tmp/synthetic.nt     # about a million triples
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator

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
TRIPLES_PER_CITY = 18  # on average, with its memberships


def triples(size: int, seed: int = 2004) -> Iterator[str]:
    """About `size` N-Triples lines."""
    rng = random.Random(seed)
    for n in range(max(1, size // TRIPLES_PER_CITY)):
        code = f"q{n % 100:02d}"[-2:] if n % 100 >= 10 else f"x{n % 10}"
        city = f"<{BASE}city/{code}/synthetic-{n}>"
        yield f"{city} {RDF_TYPE} <{CCN}City> ."
        yield f'{city} {LABEL} "Synthetic {n}"@en .'
        yield f"{city} <{CCN}country> <{BASE}country/{code}> ."
        if n < 100:
            yield f"<{BASE}country/{code}> {RDF_TYPE} <{CCN}Country> ."
            yield f'<{BASE}country/{code}> <{CCN}isoCode> "{code.upper()}" .'
        field = rng.choice(FIELDS)
        year = rng.randint(2004, 2025)
        yield from membership(city, "uccn", f"field/{field}", n, year, rng)
        if rng.random() < 0.5:  # a change of field, like Lyon's
            yield from membership(city, "uccn", f"field/{rng.choice(FIELDS)}", n, year + 3, rng,
                                  suffix="b")
        for network in rng.sample(OTHERS, rng.randint(0, 2)):
            yield from membership(city, network, "role/member", n, None, rng)


def membership(city, network, role, n, year, rng, suffix="") -> Iterator[str]:
    m = f"<{BASE}membership/{network}/synthetic-{n}{suffix}>"
    yield f"{m} {RDF_TYPE} <{CCN}Membership> ."
    yield f"{m} <{ORG}member> {city} ."
    yield f"{m} <{ORG}organization> <{BASE}network/{network}> ."
    yield f"{m} <{ORG}role> <{BASE}{role}> ."
    yield f"{m} {DERIVED} <{BASE}source/uccn-reference> ."
    if year is None:
        yield f'{m} <{CCN}attestedOn> "2021-03-01"^^<{XSD}date> .'
    elif rng.random() < 0.2:
        yield f'{m} <{CCN}startDate> "{year}"^^<{XSD}gYear> .'
    else:
        yield f'{m} <{CCN}startDate> "{year}-{rng.randint(1, 12):02d}-15"^^<{XSD}date> .'


if __name__ == "__main__":
    for line in triples(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000):
        print(line)
