"""What the graph holds, in a few numbers, read from any store with SPARQL."""

from __future__ import annotations

from dataclasses import dataclass

from .namespaces import sparql_prologue
from .store import Store

PREFIXES = sparql_prologue("ccn", "org", "rdfs")

GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
NETWORKS = (
    PREFIXES
    + """
SELECT ?network (SAMPLE(?name) AS ?label) (COUNT(DISTINCT ?m) AS ?memberships)
       (COUNT(DISTINCT ?member) AS ?members)
WHERE {
  ?m a ccn:Membership ; org:organization ?network ; org:member ?member .
  OPTIONAL { ?network rdfs:label ?name FILTER (LANG(?name) = "en") }
}
GROUP BY ?network ORDER BY ?network
"""
)
KINDS = (
    PREFIXES
    + """
SELECT ?kind (COUNT(DISTINCT ?x) AS ?n) WHERE {
  VALUES ?kind { ccn:City ccn:Province ccn:Region ccn:Country ccn:Source ccn:SizeClaim }
  ?x a ?kind .
} GROUP BY ?kind ORDER BY ?kind
"""
)


@dataclass(frozen=True)
class Summary:
    triples: int
    graphs: dict[str, int]  # graph name (last IRI segment) -> triples
    networks: list[tuple[str, int, int]]  # (label, memberships, distinct members)
    kinds: dict[str, int]  # class local name -> resources of that class

    def text(self) -> str:
        lines = [f"{self.triples} triples (merged) in {len(self.graphs)} named graphs:"]
        lines += [f"  {name:<16} {count:>6}" for name, count in self.graphs.items()]
        lines.append("memberships / distinct members by network:")
        lines += [f"  {m:>4} / {n:>4}  {label}" for label, m, n in self.networks]
        lines.append(", ".join(f"{count} {kind}" for kind, count in self.kinds.items()))
        return "\n".join(lines)


def summarize(store: Store) -> Summary:
    def rows(query: str):
        return store.select(query).rows

    return Summary(
        triples=int(rows(TRIPLES)[0][0]),
        graphs={str(g).rsplit("/", 1)[-1]: int(n) for g, n in rows(GRAPHS)},
        networks=[(str(label or net), int(m), int(n)) for net, label, m, n in rows(NETWORKS)],
        kinds={str(kind).rsplit("#", 1)[-1]: int(n) for kind, n in rows(KINDS)},
    )
