"""The ontology (ontology/ccn.ttl): well formed, documented, in step with `CCN`, and it reasons.

- the header says what the ontology is, its version and licence;
- every ccn: term has an English and an Italian label and comment;
- the ccn: terms declared in ccn.ttl are exactly those of `ccgraph.namespaces.CCN`,
  and no other ccn: term is used in data/, shapes/ or queries/;
- domains and ranges point at known classes and datatypes;
- the OWL 2 RL closure (owlrl) of the ontology and a small fixture yields the
  inferences the model promises (docs/model.md), and no more.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import owlrl
import pyoxigraph
import pytest
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import (
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SH,
    SKOS,
    TIME,
    XSD,
)

import ccgraph
from ccgraph.namespaces import CCN, ID

# rdflib's own TriG parser still calls its deprecated ConjunctiveGraph API.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*")

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_PATH = ROOT / "ontology" / "ccn.ttl"
REASONING_FIXTURE = Path(__file__).parent / "fixtures" / "reasoning" / "memberships.ttl"
SCANNED_DIRS = ("data", "shapes", "queries")

ONTOLOGY_IRI = URIRef("https://w3id.org/ccgraph/ontology")
NS = str(CCN)
VANN = Namespace("http://purl.org/vocab/vann/")
OWLRL_ERROR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")  # owlrl's error vocabulary
APACHE_2 = URIRef("https://www.apache.org/licenses/LICENSE-2.0")

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
# The terms the package knows, in the order namespaces.py lists them.
CCN_TERMS = [name for name in CCN.__annotations__ if not name.startswith("_")]
CCN_PROPERTIES = [name for name in CCN_TERMS if name[0].islower()]

# Where a domain or range may point outside ccn: (rdflib's closed namespaces know their terms).
EXTERNAL_CLASS_NAMESPACES = (ORG, PROV, SKOS, SDO, FOAF, TIME)
LITERAL_RANGES = {RDFS.Literal, RDF.langString}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_PATH, format="turtle")


@pytest.fixture(scope="module")
def declared(ontology: Graph) -> set[str]:
    """Local names of the ccn: terms that ccn.ttl declares (typed class or property)."""
    return {
        local_name(subject)
        for term_type in TERM_TYPES
        for subject in ontology.subjects(RDF.type, term_type)
        if is_ccn(subject)
    }


def is_ccn(term: object) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(NS)


def local_name(iri: URIRef) -> str:
    return str(iri)[len(NS) :]


def show(names: Iterable[str]) -> str:
    return ", ".join(f"ccn:{name}" for name in sorted(names)) or "(none)"


# ---------------------------------------------------------------------------
# 1. The file and its header
# ---------------------------------------------------------------------------


def test_ontology_parses_the_same_with_rdflib_and_oxigraph(ontology: Graph) -> None:
    strict = list(pyoxigraph.parse(path=ONTOLOGY_PATH, format=pyoxigraph.RdfFormat.TURTLE))
    assert len(ontology) > 0
    assert len(strict) == len(ontology)


def test_exactly_one_ontology_header(ontology: Graph) -> None:
    assert list(ontology.subjects(RDF.type, OWL.Ontology)) == [ONTOLOGY_IRI]


def test_header_version_is_the_package_version(ontology: Graph) -> None:
    assert list(ontology.objects(ONTOLOGY_IRI, OWL.versionInfo)) == [Literal(ccgraph.__version__)]
    assert list(ontology.objects(ONTOLOGY_IRI, OWL.versionIRI)) == [
        URIRef(f"{ONTOLOGY_IRI}/{ccgraph.__version__}")
    ]


def test_header_licence_and_preferred_namespace(ontology: Graph) -> None:
    assert list(ontology.objects(ONTOLOGY_IRI, DCTERMS.license)) == [APACHE_2]
    assert list(ontology.objects(ONTOLOGY_IRI, VANN.preferredNamespacePrefix)) == [Literal("ccn")]
    assert list(ontology.objects(ONTOLOGY_IRI, VANN.preferredNamespaceUri)) == [Literal(NS)]
    created = list(ontology.objects(ONTOLOGY_IRI, DCTERMS.created))
    assert [value.datatype for value in created] == [XSD.date]


@pytest.mark.parametrize(
    "annotation", [DCTERMS.title, DCTERMS.description], ids=["title", "description"]
)
def test_header_is_in_english_and_italian(ontology: Graph, annotation: URIRef) -> None:
    languages = sorted(value.language for value in ontology.objects(ONTOLOGY_IRI, annotation))
    assert languages == ["en", "it"]


# ---------------------------------------------------------------------------
# 2. Every term documented in English and Italian
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", CCN_TERMS)
def test_term_has_one_kind(ontology: Graph, name: str) -> None:
    """Classes are capitalised, properties are not (the DefinedNamespace relies on it)."""
    kinds = [kind for kind in ontology.objects(CCN[name], RDF.type) if kind in TERM_TYPES]
    allowed = TERM_TYPES[:1] if name[0].isupper() else TERM_TYPES[1:]
    assert len(kinds) == 1 and kinds[0] in allowed, f"ccn:{name} is declared as {kinds}"


@pytest.mark.parametrize("name", CCN_TERMS)
@pytest.mark.parametrize("annotation", [RDFS.label, RDFS.comment], ids=["label", "comment"])
def test_term_is_documented_in_english_and_italian(
    ontology: Graph, name: str, annotation: URIRef
) -> None:
    values = list(ontology.objects(CCN[name], annotation))
    languages = sorted(value.language for value in values if isinstance(value, Literal))
    assert languages == ["en", "it"], f"ccn:{name} {annotation}: {values}"
    assert all(str(value).strip() for value in values)


@pytest.mark.parametrize("name", CCN_TERMS)
def test_term_is_defined_by_the_ontology(ontology: Graph, name: str) -> None:
    assert list(ontology.objects(CCN[name], RDFS.isDefinedBy)) == [ONTOLOGY_IRI]


# ---------------------------------------------------------------------------
# 3. ccn.ttl, namespaces.py and the other sources name the same terms
# ---------------------------------------------------------------------------


def test_declared_terms_are_those_of_the_namespaces_module(declared: set[str]) -> None:
    in_python = set(CCN_TERMS)
    assert declared == in_python, (
        f"declared in ontology/ccn.ttl but missing from CCN: {show(declared - in_python)}; "
        f"in CCN but not declared in ontology/ccn.ttl: {show(in_python - declared)}"
    )


def test_ontology_uses_only_declared_terms(ontology: Graph, declared: set[str]) -> None:
    undeclared = rdf_ccn_terms(ontology) - declared
    assert not undeclared, f"ccn.ttl uses undeclared terms: {show(undeclared)}"


PREFIX_DECLARATION = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>", re.IGNORECASE)
SPARQL_TOKEN = re.compile(
    r"""
      (?P<iri><[^<>"{}|^`\\\s]*>)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                 |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<comment>\#[^\n]*)
    | (?<![\w.:?$-])(?P<prefix>[A-Za-z][\w.-]*)?:(?P<local>[\w-][\w.-]*)?
    """,
    re.VERBOSE,
)


def sparql_prefixes(text: str) -> dict[str, str]:
    return {prefix or "": namespace for prefix, namespace in PREFIX_DECLARATION.findall(text)}


def sparql_ccn_terms(
    text: str, prefixes: dict[str, str] | None = None
) -> tuple[set[str], list[str]]:
    """The ccn: local names a SPARQL text uses, and problems with its prefixes.

    Comments and string literals are skipped; full IRIs count too. A prefixed name
    counts when its prefix is bound to the ccn namespace (by PREFIX in the text or by
    `prefixes`); a `ccn:` prefix bound to anything else, or not bound, is a problem.
    """
    bound = {**(prefixes or {}), **sparql_prefixes(text)}
    terms: set[str] = set()
    problems: list[str] = []
    for token in SPARQL_TOKEN.finditer(text):
        if token["iri"]:
            iri = token["iri"][1:-1]
            if iri.startswith(NS) and iri != NS:
                terms.add(iri[len(NS) :])
        elif token["local"]:
            prefix, local = token["prefix"] or "", token["local"].rstrip(".")
            if bound.get(prefix) == NS:
                terms.add(local)
            elif prefix == "ccn":
                problems.append(f"ccn:{local} with ccn: bound to {bound.get('ccn')!r}, not <{NS}>")
    return terms, problems


def rdf_ccn_terms(graph: Graph | Dataset) -> set[str]:
    """The ccn: local names a graph uses as subject, predicate, object, graph name or datatype."""
    quads = (
        graph.quads((None, None, None, None))
        if isinstance(graph, Dataset)
        else ((*triple, None) for triple in graph)
    )
    terms: set[str] = set()
    for quad in quads:
        for term in quad:
            if isinstance(term, Literal) and term.datatype is not None:
                term = term.datatype
            if is_ccn(term) and str(term) != NS:
                terms.add(local_name(term))
    return terms


def shacl_prefixes(graph: Graph | Dataset) -> dict[str, str]:
    """The SPARQL prefixes a shapes graph declares (sh:declare / sh:prefix / sh:namespace)."""
    return {
        str(graph.value(declaration, SH.prefix)): str(graph.value(declaration, SH.namespace))
        for declaration in graph.objects(None, SH.declare)
    }


def shacl_sparql_ccn_terms(
    graph: Graph | Dataset, prefixes: dict[str, str]
) -> tuple[set[str], list[str]]:
    """The ccn: terms used inside SHACL-SPARQL queries (sh:select, sh:ask, ...).

    `prefixes` are those the whole shapes graph declares: shapes/ keeps its sh:declare
    in one file and its queries in others.
    """
    terms: set[str] = set()
    problems: list[str] = []
    for predicate in (SH.select, SH.ask, SH.construct, SH.update):
        for text in graph.objects(None, predicate):
            found, trouble = sparql_ccn_terms(str(text), prefixes)
            terms |= found
            problems += trouble
    return terms, problems


def parse_rdf(path: Path) -> Graph | Dataset:
    if path.suffix == ".trig":
        dataset = Dataset()
        dataset.parse(path, format="trig")
        return dataset
    return Graph().parse(path, format="turtle")


def sources_ccn_terms(paths: Iterable[Path]) -> dict[Path, tuple[set[str], list[str]]]:
    """For each Turtle, TriG or SPARQL file, the ccn: terms it uses and any prefix problems."""
    paths = list(paths)
    graphs = {path: parse_rdf(path) for path in paths if path.suffix != ".rq"}
    prefixes = {k: v for graph in graphs.values() for k, v in shacl_prefixes(graph).items()}
    found = {}
    for path in paths:
        if path in graphs:
            embedded, problems = shacl_sparql_ccn_terms(graphs[path], prefixes)
            found[path] = (rdf_ccn_terms(graphs[path]) | embedded, problems)
        else:
            # A fragment is included into saved queries that declare the prefixes.
            included = {"ccn": NS} if "fragments" in path.parts else None
            found[path] = sparql_ccn_terms(path.read_text(encoding="utf-8"), included)
    return found


def source_files() -> Iterator[Path]:
    for directory in SCANNED_DIRS:
        for suffix in ("ttl", "trig", "rq"):
            yield from sorted((ROOT / directory).rglob(f"*.{suffix}"))


def test_sources_use_only_declared_terms(declared: set[str]) -> None:
    """data/, shapes/ and queries/ use no ccn: term that ccn.ttl does not declare."""
    findings = []
    for path, (terms, problems) in sources_ccn_terms(source_files()).items():
        where = path.relative_to(ROOT)
        findings += [f"{where}: undeclared ccn:{name}" for name in sorted(terms - declared)]
        findings += [f"{where}: {problem}" for problem in problems]
    assert not findings, "\n".join(findings)


SCANNER_CASES = {
    "turtle": (
        "shape.ttl",
        f"@prefix ccn: <{NS}> .\n@prefix sh: <{SH}> .\n"
        "[] sh:path ccn:startDate ; sh:class ccn:Citty ; sh:datatype ccn:Precision .\n",
        {"startDate", "Citty", "Precision"},
    ),
    "trig": (
        "data.trig",
        f"@prefix ccn: <{NS}> .\n<urn:g> {{ <urn:x> a ccn:Network ; ccn:seet <urn:y> . }}\n",
        {"Network", "seet"},
    ),
    "shacl-sparql": (
        "sparql-shape.ttl",
        f'@prefix sh: <{SH}> .\n[] sh:select "SELECT $this WHERE {{ $this ccn:endDatum ?d }}" .\n',
        {"endDatum"},
    ),
    "query": (
        "members.rq",
        "#+ summary: members (ccn:InAComment is not a use)\n"
        f"PREFIX ccn: <{NS}>\nPREFIX org: <{ORG}>\n"
        "SELECT ?m WHERE { ?m a ccn:Membership ; ccn:startDate ?d ; org:role ?r .\n"
        '  FILTER(STR(?d) <= "ccn:InAString")\n'
        f"  ?m <{NS}fullIri> ?x . ?x ccn:asOf ?y.\n}}\n",
        {"Membership", "startDate", "fullIri", "asOf"},
    ),
}


@pytest.mark.parametrize("case", SCANNER_CASES)
def test_scanner_finds_every_ccn_term(tmp_path: Path, case: str) -> None:
    """The scanner behind test_sources_use_only_declared_terms really sees the terms."""
    file_name, text, expected = SCANNER_CASES[case]
    path = tmp_path / file_name
    path.write_text(text, encoding="utf-8")
    declarations = tmp_path / "prefixes.ttl"  # sh:declare in another file, as in shapes/
    declarations.write_text(
        f"@prefix sh: <{SH}> .\n@prefix xsd: <{XSD}> .\n"
        f'<urn:shapes> sh:declare [ sh:prefix "ccn" ; sh:namespace "{NS}"^^xsd:anyURI ] .\n',
        encoding="utf-8",
    )
    assert sources_ccn_terms([path, declarations]) == {
        path: (expected, []),
        declarations: (set(), []),
    }


def test_scanner_reports_a_query_without_the_ccn_prefix() -> None:
    terms, problems = sparql_ccn_terms("SELECT ?m WHERE { ?m a ccn:Membership }")
    assert terms == set()
    assert problems == [f"ccn:Membership with ccn: bound to None, not <{NS}>"]


# ---------------------------------------------------------------------------
# 4. Domains and ranges
# ---------------------------------------------------------------------------


def members(graph: Graph, node: URIRef | BNode) -> list[URIRef | BNode]:
    """A named class or datatype, or the members of an owl:unionOf, or of an owl:oneOf.

    The enumerations are the ranges of ccn:countsKind and ccn:listsKind, whose values are
    place classes used as individuals (OWL 2 punning): their members must be known classes.
    """
    for constructor in (OWL.unionOf, OWL.oneOf):
        listed = graph.value(node, constructor)
        if listed is not None:
            return list(Collection(graph, listed))
    return [node]


def is_datatype(term: object) -> bool:
    return isinstance(term, URIRef) and (term in XSD or term in LITERAL_RANGES)


def is_known_class(term: object, declared: set[str]) -> bool:
    if is_ccn(term):
        return local_name(term) in declared and local_name(term)[0].isupper()
    return isinstance(term, URIRef) and any(
        term in namespace and str(term)[len(str(namespace)) :][:1].isupper()
        for namespace in EXTERNAL_CLASS_NAMESPACES
    )


@pytest.mark.parametrize("name", CCN_PROPERTIES)
def test_domain_is_known_classes(ontology: Graph, declared: set[str], name: str) -> None:
    domains = list(ontology.objects(CCN[name], RDFS.domain))
    assert len(domains) == 1, f"ccn:{name} has domains {domains}"
    unknown = [c for c in members(ontology, domains[0]) if not is_known_class(c, declared)]
    assert not unknown, f"ccn:{name} rdfs:domain: unknown classes {unknown}"


@pytest.mark.parametrize("name", CCN_PROPERTIES)
def test_range_fits_the_kind_of_property(ontology: Graph, declared: set[str], name: str) -> None:
    ranges = list(ontology.objects(CCN[name], RDFS.range))
    assert len(ranges) == 1, f"ccn:{name} has ranges {ranges}"
    targets = members(ontology, ranges[0])
    if (CCN[name], RDF.type, OWL.DatatypeProperty) in ontology:
        wrong = [t for t in targets if not is_datatype(t)]
        expected_union_type = RDFS.Datatype
    else:
        wrong = [t for t in targets if not is_known_class(t, declared)]
        expected_union_type = OWL.Class
    assert not wrong, f"ccn:{name} rdfs:range: not a known {expected_union_type}: {wrong}"
    if isinstance(ranges[0], BNode):
        assert (ranges[0], RDF.type, expected_union_type) in ontology


# ---------------------------------------------------------------------------
# 5. OWL 2 RL reasoning
# ---------------------------------------------------------------------------

TURIN = ID["city/it/turin"]
BRUSSELS = ID["city/be/brussels"]
MATERA = ID["province/it/matera"]
ITALY = ID["country/it"]
UCCN = ID["network/uccn"]
GAI = ID["network/gai"]
BJCEM = ID["network/bjcem"]
TURIN_DESIGN = ID["membership/uccn/city/it/turin/design"]
MATERA_GAI = ID["membership/gai/province/it/matera/member"]
PUBLIC_ART = ID["unit/eurocities/public-art-working-group"]
BIENNIAL = ID["event/bjcem-biennial"]
DESIGN = ID["field/design"]

INFERENCES = {
    "city-memberOf-network (chain)": (TURIN, ORG.memberOf, UCCN),
    "province-memberOf-network (chain)": (MATERA, ORG.memberOf, GAI),
    "network-hasMember-city": (UCCN, ORG.hasMember, TURIN),
    "city-hasMembership-membership": (TURIN, CCN.hasMembership, TURIN_DESIGN),
    "province-hasMembership-membership": (MATERA, CCN.hasMembership, MATERA_GAI),
    "membership-is-org-Membership": (TURIN_DESIGN, RDF.type, ORG.Membership),
    "city-is-schema-AdministrativeArea": (TURIN, RDF.type, SDO.AdministrativeArea),
    "city-is-schema-City": (TURIN, RDF.type, SDO.City),
    "city-is-foaf-Agent": (TURIN, RDF.type, FOAF.Agent),
    "province-is-AdministrativeArea": (MATERA, RDF.type, CCN.AdministrativeArea),
    "city-coordinates-unit": (TURIN, CCN.coordinates, PUBLIC_ART),
    "seat-is-officeLocation": (BJCEM, CCN.officeLocation, BRUSSELS),
    "seat-is-schema-location": (BJCEM, SDO.location, BRUSSELS),
    "network-organizes-event": (BJCEM, CCN.organizes, BIENNIAL),
    "organizedBy-is-schema-organizer": (BIENNIAL, SDO.organizer, BJCEM),
    "network-is-org-Organization": (UCCN, RDF.type, ORG.Organization),
    "startDate-is-schema-startDate": (
        TURIN_DESIGN,
        SDO.startDate,
        Literal("2014-12-01", datatype=XSD.date),
    ),
    "country-is-schema-containedInPlace": (TURIN, SDO.containedInPlace, ITALY),
    "field-is-skos-Concept": (DESIGN, RDF.type, SKOS.Concept),
    "field-is-org-Role": (DESIGN, RDF.type, ORG.Role),
    "unit-is-org-OrganizationalUnit": (PUBLIC_ART, RDF.type, ORG.OrganizationalUnit),
    "source-is-prov-Entity": (ID["source/seed-000"], RDF.type, PROV.Entity),
}

NON_INFERENCES = {
    "city-not-memberOf-other-network": (TURIN, ORG.memberOf, GAI),
    "province-not-memberOf-other-network": (MATERA, ORG.memberOf, UCCN),
    "network-not-memberOf-itself": (UCCN, ORG.memberOf, UCCN),
    "province-not-a-city": (MATERA, RDF.type, CCN.City),
    "coordination-not-inverted": (PUBLIC_ART, CCN.coordinates, TURIN),
}


@pytest.fixture(scope="module")
def asserted(ontology: Graph) -> Graph:
    graph = Graph()
    graph += ontology
    graph.parse(REASONING_FIXTURE, format="turtle")
    return graph


@pytest.fixture(scope="module")
def closure(asserted: Graph) -> Graph:
    graph = Graph()
    graph += asserted  # expand() works in place: never on the asserted graph
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


def test_fixture_uses_model_iris_only() -> None:
    data = Graph().parse(REASONING_FIXTURE, format="turtle")
    subjects = {s for s in data.subjects() if isinstance(s, URIRef)}
    assert subjects, "empty fixture"
    assert all(str(s).startswith(str(ID)) for s in subjects), sorted(subjects)


@pytest.mark.parametrize("triple", INFERENCES.values(), ids=INFERENCES.keys())
def test_closure_infers(asserted: Graph, closure: Graph, triple: tuple) -> None:
    assert triple not in asserted, "asserted in the input: the test would prove nothing"
    assert triple in closure


@pytest.mark.parametrize("triple", NON_INFERENCES.values(), ids=NON_INFERENCES.keys())
def test_closure_does_not_infer(closure: Graph, triple: tuple) -> None:
    assert triple not in closure


def test_closure_is_consistent(closure: Graph) -> None:
    assert list(closure.objects(None, OWLRL_ERROR.error)) == []


def test_closure_leaves_the_asserted_graph_alone(
    ontology: Graph, asserted: Graph, closure: Graph
) -> None:
    assert len(closure) > len(asserted)
    fixture = Graph().parse(REASONING_FIXTURE, format="turtle")
    assert len(asserted) == len(ontology) + len(fixture)


PLACE_CLASSES = [CCN.City, CCN.Province, CCN.Region, CCN.Country]


@pytest.mark.parametrize(
    ("first", "second"),
    list(itertools.combinations(PLACE_CLASSES, 2)),
    ids=[f"{local_name(a)}-{local_name(b)}" for a, b in itertools.combinations(PLACE_CLASSES, 2)],
)
def test_place_classes_are_disjoint(ontology: Graph, first: URIRef, second: URIRef) -> None:
    graph = Graph()
    graph += ontology
    place = ID["city/it/turin"]
    graph.add((place, RDF.type, first))
    graph.add((place, RDF.type, second))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    errors = [str(message) for message in graph.objects(None, OWLRL_ERROR.error)]
    assert any("Disjoint classes" in message for message in errors), errors
