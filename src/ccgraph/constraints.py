"""How ccgraph.shacl tests constraints, as pySHACL 0.40 does (each function cites the
pySHACL code it follows): the tests SHACL core constraints make on single values, the
messages of SHACL-SPARQL results, and when a SPARQL constraint may run once for all the
focus nodes of a shape.

These are pySHACL's semantics where they differ from a plain reading of the SHACL spec,
on purpose: ccgraph.shacl must give the report pySHACL gives (tests/test_validation_scale.py
compares the two on every shape fixture).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import Any

from rdflib import RDF, RDFS, XSD, BNode, Literal, URIRef, Variable
from rdflib.namespace import SH
from rdflib.term import Node

COMPARISONS = {SH.minExclusive: lambda c: c > 0, SH.minInclusive: lambda c: c >= 0,
               SH.maxExclusive: lambda c: c < 0, SH.maxInclusive: lambda c: c <= 0}

PYTHON_TYPES = {XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int,
                XSD.float: float, XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date,
                XSD.time: time, XSD.dateTime: datetime}

NODE_KINDS = {
    SH.IRI: (URIRef,), SH.BlankNode: (BNode,), SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef), SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}

def datatype_matches(v: Node, datatype: Node) -> bool:
    """DatatypeConstraintComponent.evaluate and _assert_actual_datatype."""
    if not isinstance(v, Literal):
        return False
    if v.datatype == datatype:
        return getattr(v, "ill_typed", None) is not True and _python_type(v, datatype)
    if datatype == RDFS.Literal or (datatype == RDFS.Datatype and v.datatype):
        return True
    if v.datatype is None and v.language is None and datatype == XSD.string:
        return _python_type(v, datatype)
    return datatype == RDF.langString and bool(v.language) and _python_type(v, datatype)


def _python_type(v: Literal, datatype: Node) -> bool:
    kind = PYTHON_TYPES.get(datatype)  # type: ignore[call-overload]
    return kind is None or isinstance(v.value, kind)


def compare(v: Node, bound: Node, accept: Callable[[int], bool]) -> bool:
    """Min/MaxExclusive/InclusiveConstraintComponent._evaluate_*_rule."""
    from pyshacl.rdfutil.compare import compare_literal

    if not isinstance(v, Literal) or not isinstance(bound, Literal):
        return False
    if isinstance(bound.value, str) != isinstance(v.value, str):
        return False
    try:
        return accept(compare_literal(v, bound))
    except (TypeError, NotImplementedError):
        return False


def less(v: Node, other: Node, or_equal: bool) -> bool:
    """LessThan(OrEquals)ConstraintComponent._compare_lt(e): strings with strings, else
    Python's < (<=) on the rdflib terms; anything that cannot be compared is a result."""
    if isinstance(v, BNode) or isinstance(other, BNode):
        raise ValueError("sh:lessThan cannot compare a blank node")

    def plain(term: Node) -> tuple[bool, Any]:
        if isinstance(term, URIRef):
            return True, str(term)
        if isinstance(term, Literal) and isinstance(term.value, str):
            return True, term.value
        return False, term

    (a_text, a), (b_text, b) = plain(v), plain(other)
    if a_text != b_text:
        return False
    try:
        return bool(a <= b if or_equal else a < b)
    except TypeError:
        return False


def as_string(v: Node) -> str:
    """StringBasedConstraintBase.value_node_to_string."""
    if isinstance(v, Literal) and v.value is not None and (
            v.datatype in (None, RDF.langString, XSD.string)):
        return str(v.value)
    return str(v)


def regex_flags(text: str) -> int:
    table = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}
    flags = 0
    for char in text:
        flags |= table.get(char, 0)
    return flags


@lru_cache(maxsize=256)
def batchable(text: str) -> bool:
    """Whether the query binds ?this in every solution of its top level and uses it in no
    sub-select, so that running it once with ?this free and keeping the rows of each focus
    node gives what running it with ?this pre-bound gives."""
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    def certain(node: Any) -> set:
        name = getattr(node, "name", None)
        if name == "BGP":
            return {t for triple in node.triples for t in triple if isinstance(t, Variable)}
        if name == "Join":
            return certain(node.p1) | certain(node.p2)
        if name in ("LeftJoin", "Minus"):
            return certain(node.p1)
        if name == "Union":
            return certain(node.p1) & certain(node.p2)
        if name == "Project":
            return certain(node.p) & set(node.PV)
        if name in ("Filter", "Extend", "Graph", "Distinct", "Reduced", "OrderBy", "Slice"):
            return certain(node.p)
        return set()  # a sub-select, an aggregate, VALUES: not known

    def sub_select_uses_this(node: Any, inside: bool = False) -> bool:
        if isinstance(node, Variable):
            return inside and node == Variable("this")
        if isinstance(node, CompValue):
            inside = inside or node.name == "ToMultiSet"
            return any(sub_select_uses_this(v, inside) for v in node.values())
        if isinstance(node, (list, tuple)):
            return any(sub_select_uses_this(v, inside) for v in node)
        return False

    algebra = prepareQuery(text).algebra
    return Variable("this") in certain(algebra.p) and not sub_select_uses_this(algebra.p)


def format_message(message: str, bound: dict) -> str:
    """ConstraintComponent._format_sparql_based_result_message."""
    for var, value in bound.items():
        message = re.sub(f"{{[?$]{var}}}", str(value), message)
    return message
