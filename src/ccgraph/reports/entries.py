"""What every report format shows of a result: an `Entry` (severity, rule, message,
location, and the focus node, path, value and constraint component in compact form)."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from .. import namespaces as ns
from ..locations import Location

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
LEVELS = {"Violation": "error", "Warning": "warning", "Info": "note", "Error": "error"}


@dataclass(frozen=True)
class Entry:
    """One thing to report: a SHACL result, or a bad cell of a table (severity Error)."""

    severity: str  # Violation, Warning, Info; Error for bad input
    rule: str  # the shape (compact IRI), or the table check
    message: str
    location: Location | None = None
    focus: str | None = None
    path: str | None = None
    value: str | None = None
    component: str | None = None

    @property
    def where(self) -> str:
        return str(self.location) if self.location else ""

    def line(self) -> str:
        """The text report's line: where, then what."""
        if self.severity == "Error":
            return f"{self.where}: {self.message}" if self.where else self.message
        body = f"{self.severity}  {self.focus}  {self.path or '-'}  {self.message}"
        return f"{self.where}: {body}" if self.where else body


def show(node: Node | None) -> str:
    """A compact form for people: a prefixed name where one of ccgraph's prefixes fits."""
    if node is None:
        return "-"
    if isinstance(node, URIRef):
        for prefix, namespace in ns.PREFIXES.items():
            if node.startswith(namespace) and len(node) > len(namespace):
                return f"{prefix}:{node[len(namespace) :]}"
        return f"<{node}>"
    return node.n3() if isinstance(node, Literal) else f"_:{node}"


def local_name(iri: URIRef) -> str:
    return SEVERITIES.get(iri) or iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
