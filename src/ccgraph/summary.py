"""What the graph holds, in a few numbers: graphs, memberships per network, sources, claims."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Dataset
from rdflib.namespace import RDF

from .namespaces import CCN

COUNTS = """
SELECT ?network ?label (COUNT(DISTINCT ?m) AS ?memberships) (COUNT(DISTINCT ?member) AS ?members)
WHERE {
  ?m a ccn:Membership ; org:organization ?network ; org:member ?member .
  OPTIONAL { ?network rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "en")) }
}
GROUP BY ?network ?label ORDER BY ?network
"""


@dataclass(frozen=True)
class Summary:
    triples: int
    graphs: dict[str, int]
    networks: list[tuple[str, int, int]]  # (label, memberships, distinct members)
    kinds: dict[str, int]  # class local name -> number of resources
    sources: int
    claims: int

    def text(self) -> str:
        lines = [f"{self.triples} triples in {len(self.graphs)} named graphs"]
        lines += [f"  {name:<16} {count:>6}" for name, count in self.graphs.items()]
        lines.append("memberships by network (memberships / distinct members):")
        lines += [f"  {label:<60} {m:>4} / {n:>4}" for label, m, n in self.networks]
        lines.append(
            "resources: " + ", ".join(f"{count} {kind}" for kind, count in self.kinds.items())
        )
        lines.append(f"{self.sources} sources, {self.claims} size claims")
        return "\n".join(lines)


def summarize(dataset: Dataset) -> Summary:
    graphs = {
        str(graph.identifier).rsplit("/", 1)[-1]: len(graph)
        for graph in sorted(dataset.graphs(), key=lambda g: str(g.identifier))
        if len(graph)
    }
    networks = [
        (str(label or network), int(memberships), int(members))
        for network, label, memberships, members in dataset.query(COUNTS)
    ]
    kinds = {
        cls.rsplit("#", 1)[-1]: len(set(dataset.subjects(RDF.type, cls)))
        for cls in (CCN.City, CCN.Province, CCN.Region, CCN.Country)
    }
    return Summary(
        triples=len(set(dataset.triples((None, None, None)))),
        graphs=graphs,
        networks=networks,
        kinds=kinds,
        sources=len(set(dataset.subjects(RDF.type, CCN.Source))),
        claims=len(set(dataset.subjects(RDF.type, CCN.SizeClaim))),
    )
