"""Validation never passes what it did not read (issue 9, point 4).

`ccgraph validate FILE` reads every format `ccgraph export` writes, keeps every quad, calls
input with no triples an error, fetches nothing (remote JSON-LD contexts, XML external
entities and DTDs are refused before rdflib sees them; an audit hook stops any connection
a parser still tries), refuses XML entity bombs, and reports every parse error in one
line with file and line. The network checks use a plain TCP listener on 127.0.0.1 that
counts the connections it accepts.
"""

from __future__ import annotations

import contextlib
import io
import json
import socket
import threading
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from ccgraph import intake
from ccgraph import namespaces as ns
from ccgraph.cli import main
from ccgraph.export import context, serialize
from ccgraph.namespaces import CCN
from ccgraph.sources import load_files, parse_file

FIXTURES = Path(__file__).parents[1] / "fixtures"
SUFFIXES = {"turtle": ".ttl", "jsonld": ".jsonld", "ntriples": ".nt", "trig": ".trig",
            "rdfxml": ".rdf"}
RDFLIB_FORMATS = {"turtle": "turtle", "jsonld": "json-ld", "ntriples": "nt", "trig": "trig",
                  "rdfxml": "xml"}
# Turin's Design membership: stated by the UCCN table and by both seeds (three graphs).
TURIN_DESIGN = ns.membership(ns.network("uccn"), ns.city("IT", "Turin"), ns.field("Design"))
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def run(*args: str) -> tuple[int, str, str]:
    """`ccgraph ARGS` in this process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def validate_json(*paths: Path) -> tuple[int, dict]:
    code, out, err = run("validate", "--format", "json", *map(str, paths))
    assert out, err
    return code, json.loads(out)


@pytest.fixture(scope="module")
def shipped_counts() -> dict[str, int]:
    code, report = validate_json()
    assert code == 0
    return report["counts"]


@pytest.fixture(scope="module")
def exports(tmp_path_factory, dataset) -> dict[str, Path]:
    """The shipped data exported once in every format of `ccgraph export`: the bytes its
    `serialize` writes, of the session's dataset (the command reads the sources again for
    each; tests/test_export.py runs it)."""
    folder = tmp_path_factory.mktemp("exports")
    paths = {}
    for fmt, suffix in SUFFIXES.items():
        paths[fmt] = folder / f"export{suffix}"
        paths[fmt].write_bytes(serialize(dataset, fmt))
    return paths


@pytest.fixture(scope="module")
def read(exports) -> dict[str, Dataset]:
    """Each export read back by `load_files`, as `ccgraph validate FILE` reads it."""
    return {fmt: load_files([path]) for fmt, path in exports.items()}


def strip_membership(read: Dataset, fmt: str, target: Path) -> Path:
    """The export that `read` holds with TURIN_DESIGN stripped to its rdf:type triple (in
    every graph; TriG keeps its graphs, the other formats hold their union), written to
    `target` in the export's format."""
    data = ns.new_dataset() if fmt == "trig" else ns.new_graph()
    quads = read.quads((None, None, None, None))
    if fmt == "trig":
        data.addN((s, p, o, data.graph(g)) for s, p, o, g in quads)  # type: ignore[union-attr]
    else:
        data.addN((s, p, o, data) for s, p, o, _ in quads)
    own = [t for t in data.triples((TURIN_DESIGN, None, None)) if t[1] != RDF.type]
    assert own, "the membership to strip is not in the export"
    for triple in own:
        data.remove(triple)  # from every graph of a Dataset
    assert (TURIN_DESIGN, RDF.type, CCN.Membership) in data
    assert not [p for p in data.predicates(TURIN_DESIGN) if p != RDF.type]
    if fmt == "jsonld":
        target.write_text(data.serialize(format="json-ld", context=context(), auto_compact=True))
    else:
        target.write_bytes(data.serialize(format=RDFLIB_FORMATS[fmt], encoding="utf-8"))
    return target


# --- every export format validates as the shipped data --------------------------------


@pytest.mark.parametrize("fmt", SUFFIXES)
def test_export_validates_as_the_shipped_data(exports, read, shipped_counts, dataset, fmt):
    code, report = validate_json(exports[fmt])
    assert code == 0
    assert report["counts"] == shipped_counts
    # ... having read every triple, each as it was written: an empty read would conform
    # too, and a reader that changed a value could keep the counts
    triples = set(read[fmt].triples((None, None, None)))
    shipped = set(dataset.triples((None, None, None)))
    assert len(triples) == len(shipped)
    assert named(triples) == named(shipped)


def named(triples: set) -> set:
    return {t for t in triples if not any(isinstance(term, BNode) for term in t)}


# Validation reads the triples whatever their format, and the test above holds each format's
# reader to every triple as written: a membership stripped of its properties is therefore
# checked in three formats, not all five: Turtle (the default export), JSON-LD (compacted
# with a context) and TriG (the membership stripped from every named graph).
@pytest.mark.parametrize("fmt", ["turtle", "jsonld", "trig"])
def test_export_with_a_stripped_membership_does_not_conform(exports, read, tmp_path, fmt):
    stripped = strip_membership(read[fmt], fmt, tmp_path / exports[fmt].name)
    code, report = validate_json(stripped)
    assert code == 1
    assert report["conforms"] is False
    violations = {(r["focus"], r["path"]) for r in report["results"]
                  if r["severity"] == str(SH.Violation)}
    assert (str(TURIN_DESIGN), "http://www.w3.org/ns/org#member") in violations
    assert (str(TURIN_DESIGN), "http://www.w3.org/ns/org#organization") in violations


def test_trig_keeps_every_named_graph(read, dataset):
    shipped = dataset
    loaded = read["trig"]

    def graphs(dataset: Dataset) -> dict[URIRef, int]:
        return {g.identifier: len(g) for g in dataset.graphs() if len(g)}

    assert graphs(loaded) == graphs(shipped)


@pytest.mark.parametrize("fmt", ["nquads", "json-ld"])
def test_other_quad_formats_keep_every_quad(tmp_path, shipped_counts, dataset, fmt):
    shipped = dataset
    path = tmp_path / ("export.nq" if fmt == "nquads" else "export.jsonld")
    path.write_bytes(shipped.serialize(format=fmt, encoding="utf-8"))
    loaded = load_files([path])
    names = {g.identifier for g in loaded.graphs() if len(g)}
    assert names == {g.identifier for g in shipped.graphs() if len(g)}
    assert len(set(loaded.quads((None, None, None, None)))) == len(
        set(shipped.quads((None, None, None, None)))
    )
    code, report = validate_json(path)
    assert (code, report["counts"]) == (0, shipped_counts)


def test_parse_file_merges_named_graphs_into_the_graph(exports, dataset):
    graph = parse_file(exports["trig"])
    assert len(graph) == len(set(dataset.triples((None, None, None))))


# --- input with no triples ------------------------------------------------------------

EMPTY = {
    "empty.ttl": "",
    "prefixes-only.ttl": "@prefix ccn: <https://w3id.org/ccgraph/ontology#> .\n# nothing\n",
    "empty.nt": "",
    "comment.nt": "# nothing here\n",
    "comment.nq": "# nothing here\n",
    "empty.trig": "",
    "empty-graph.trig": "@prefix graph: <https://w3id.org/ccgraph/graph/> .\ngraph:x { }\n",
    "empty.jsonld": "{}",
    "empty-graph.jsonld": '{"@context": {"ccn": "https://w3id.org/ccgraph/ontology#"}, '
    '"@graph": []}',
    "blank.json": "  \n",
    "empty.rdf": "",
    "empty-root.rdf": f'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="{RDF_NS}"/>\n',
    "empty-root.owl": f'<rdf:RDF xmlns:rdf="{RDF_NS}"></rdf:RDF>',
}


@pytest.mark.parametrize("name", EMPTY)
def test_input_without_triples_is_an_input_error(tmp_path, name):
    path = tmp_path / name
    path.write_text(EMPTY[name], encoding="utf-8")
    assert run("validate", str(path)) == (
        2, "", f"ccgraph: error: {path}: nothing to validate (no triples)\n"
    )


def test_several_files_without_triples_are_named_together(tmp_path):
    paths = [tmp_path / "a.ttl", tmp_path / "b.jsonld", tmp_path / "c.rdf"]
    for path in paths:
        path.write_text("", encoding="utf-8")
    names = ", ".join(map(str, paths))
    assert run("validate", *map(str, paths)) == (
        2, "", f"ccgraph: error: {names}: nothing to validate (no triples)\n"
    )


def test_an_empty_file_beside_data_is_read_with_it(tmp_path):
    empty = tmp_path / "empty.ttl"
    empty.write_text("", encoding="utf-8")
    code, _, err = run("validate", str(FIXTURES / "shapes" / "valid" / "minimal.ttl"), str(empty))
    assert (code, err) == (0, "")


# --- nothing is fetched ---------------------------------------------------------------


@dataclass
class Listener:
    """A TCP server on 127.0.0.1 that answers every request with a JSON-LD context."""

    server: socket.socket
    accepted: list[tuple] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.getsockname()[1]}"

    def connections(self) -> int:
        """Connections accepted so far, including any still waiting in the backlog."""
        self.server.setblocking(False)
        try:
            while True:
                self.accepted.append(self.server.accept()[1])
        except OSError:  # BlockingIOError: the backlog is empty
            pass
        finally:
            self.server.settimeout(0.05)
        return len(self.accepted)


@pytest.fixture
def listener():
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)
    listening = Listener(server)
    stop = threading.Event()
    body = b'{"@context": {"knows": "http://xmlns.com/foaf/0.1/knows"}}'

    def answer() -> None:
        while not stop.is_set():
            try:
                conn, address = server.accept()
            except (TimeoutError, BlockingIOError, OSError):
                continue
            listening.accepted.append(address)
            with conn:
                conn.settimeout(1)
                with contextlib.suppress(OSError):
                    conn.recv(65536)
                    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/ld+json\r\n"
                                 b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    yield listening
    stop.set()
    thread.join(timeout=5)
    server.close()


def test_the_listener_counts_connections(listener):
    # so that "zero connections" below means something
    with urllib.request.urlopen(listener.url + "/context.jsonld", timeout=5) as response:
        assert b"@context" in response.read()
    assert listener.connections() == 1


def jsonld_cases(url: str) -> dict[str, dict]:
    person = {"@id": "https://w3id.org/ccgraph/id/x", "http://xmlns.com/foaf/0.1/name": "x"}
    return {
        "remote-context": {"@context": f"{url}/ctx", **person},
        "remote-context-in-list": {"@context": [{"a": "http://a/"}, f"{url}/ctx"], **person},
        "import": {"@context": {"@import": f"{url}/ctx"}, **person},
        "scoped-context": {
            "@context": {"knows": {"@id": "http://xmlns.com/foaf/0.1/knows",
                                   "@context": f"{url}/ctx"}},
            **person,
            "knows": {"@id": "https://w3id.org/ccgraph/id/y"},
        },
        "type-scoped-import": {
            "@context": {"Person": {"@id": "http://xmlns.com/foaf/0.1/Person",
                                    "@context": {"@import": f"{url}/ctx"}}},
            "@type": "Person",
            **person,
        },
        "nested-node-context": {**person, "http://xmlns.com/foaf/0.1/knows": {
            "@context": f"{url}/ctx", "@id": "https://w3id.org/ccgraph/id/y"}},
        "graph-member-context": {"@graph": [{"@context": f"{url}/ctx", **person}]},
    }


@pytest.mark.parametrize("case", list(jsonld_cases("")))
def test_jsonld_reference_to_a_context_is_refused(listener, tmp_path, case):
    document = jsonld_cases(listener.url)[case]
    path = tmp_path / f"{case}.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    code, out, err = run("validate", str(path))
    assert (code, out) == (2, "")
    assert err.startswith(f"ccgraph: error: {path}: ")
    assert "is refused: ccgraph fetches nothing" in err
    assert listener.url in err
    assert err.count("\n") == 1
    assert listener.connections() == 0


def test_jsonld_relative_context_is_refused_too(tmp_path):
    (tmp_path / "ctx.jsonld").write_text('{"@context": {}}', encoding="utf-8")
    path = tmp_path / "relative.jsonld"
    path.write_text('{"@context": "ctx.jsonld", "@id": "http://a/x", "http://a/p": 1}')
    assert run("validate", str(path)) == (
        2, "", f"ccgraph: error: {path}: remote @context <ctx.jsonld> is refused: "
        "ccgraph fetches nothing\n"
    )


def test_a_parse_that_tries_the_network_is_stopped(listener):
    """Defence in depth: rdflib given a remote context directly, past the checks."""
    document = json.dumps({"@context": f"{listener.url}/ctx", "@id": "http://a/x",
                           "knows": "y"})
    with pytest.raises(intake.NetworkRefused, match="ccgraph fetches nothing"):
        with intake.offline():
            Graph().parse(data=document, format="json-ld")
    assert listener.connections() == 0
    # outside the block the hook lets everything through
    socket.getaddrinfo("127.0.0.1", 80)


def test_turtle_and_trig_never_fetch_base_or_prefix_iris(listener, tmp_path):
    turtle = tmp_path / "base.ttl"
    turtle.write_text(f"@base <{listener.url}/doc/> .\n@prefix p: <{listener.url}/p#> .\n"
                      "<x> p:knows <y> .\n", encoding="utf-8")
    trig = tmp_path / "base.trig"
    trig.write_text(f"@base <{listener.url}/doc/> .\n<g> {{ <x> <p> <y> . }}\n",
                    encoding="utf-8")
    xml = tmp_path / "base.rdf"
    xml.write_text(f'<rdf:RDF xmlns:rdf="{RDF_NS}" xml:base="{listener.url}/doc/">'
                   f'<rdf:Description rdf:about="x"><rdf:value rdf:resource="y"/>'
                   "</rdf:Description></rdf:RDF>", encoding="utf-8")
    for path in (turtle, trig, xml):
        assert run("validate", str(path))[0] == 0
    assert (URIRef(f"{listener.url}/doc/x"), URIRef(f"{listener.url}/p#knows"),
            URIRef(f"{listener.url}/doc/y")) in parse_file(turtle)
    assert listener.connections() == 0


# --- XML: no external entities, no DTDs from elsewhere, no bombs ----------------------


def rdfxml(doctype: str, value: str) -> str:
    return (f'<?xml version="1.0"?>\n{doctype}\n<rdf:RDF xmlns:rdf="{RDF_NS}">\n'
            f'  <rdf:Description rdf:about="https://w3id.org/ccgraph/id/x">\n'
            f"    <rdf:value>{value}</rdf:value>\n  </rdf:Description>\n</rdf:RDF>\n")


def bomb(levels: int) -> str:
    """The billion laughs: &lol{levels}; expands to 3 * 10**levels characters."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1)
    ]
    return rdfxml("<!DOCTYPE rdf:RDF [\n  " + "\n  ".join(entities) + "\n]>", f"&lol{levels};")


def xml_cases(url: str) -> dict[str, tuple[str, str]]:
    """name -> (document, what the refusal says)"""
    return {
        "external-entity": (rdfxml(f'<!DOCTYPE rdf:RDF [ <!ENTITY x SYSTEM "{url}/x"> ]>',
                                   "&x;"), f"external XML entity &x; <{url}/x> is refused"),
        "public-entity": (
            rdfxml(f'<!DOCTYPE rdf:RDF [ <!ENTITY x PUBLIC "-//x//EN" "{url}/x"> ]>', "&x;"),
            f"external XML entity &x; <{url}/x> is refused",
        ),
        "external-dtd": (rdfxml(f'<!DOCTYPE rdf:RDF SYSTEM "{url}/x.dtd">', "v"),
                         f"external DTD <{url}/x.dtd> is refused"),
        "parameter-entity": (
            rdfxml(f'<!DOCTYPE rdf:RDF [ <!ENTITY % p SYSTEM "{url}/p"> %p; ]>', "v"),
            "XML parameter entity %p; is refused",
        ),
        # 3 * 10**9 characters: a pass proves it was refused, not expanded
        "billion-laughs": (bomb(9), "XML entity &lol1; refers to other entities"),
        # 3 MB: below expat's own amplification guard, refused all the same
        "small-bomb": (bomb(6), "XML entity &lol1; refers to other entities"),
        # one 512-character entity, referenced 140,000 times: 70 MB, linear but too much
        "quadratic-blowup": (rdfxml(f'<!DOCTYPE rdf:RDF [ <!ENTITY a "{"a" * 512}"> ]>',
                                    "&a;" * 140_000),
                             "XML entities could expand past 67108864 characters: refused"),
        "element-declaration": (rdfxml("<!DOCTYPE rdf:RDF [ <!ELEMENT rdf:RDF ANY> ]>", "v"),
                                "XML element, attribute-list and notation declarations"),
    }


@pytest.mark.parametrize("case", list(xml_cases("")))
def test_rdfxml_dangerous_dtd_is_refused(listener, tmp_path, case):
    document, refusal = xml_cases(listener.url)[case]
    path = tmp_path / f"{case}.rdf"
    path.write_text(document, encoding="utf-8")
    code, out, err = run("validate", str(path))
    assert (code, out) == (2, "")
    assert err.startswith(f"ccgraph: error: {path}:")
    assert refusal in err
    assert err.count("\n") == 1
    assert listener.connections() == 0


def test_rdfxml_namespace_entities_are_accepted(tmp_path):
    """What Protégé writes: entities that abbreviate namespace IRIs."""
    path = tmp_path / "protege.owl"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
        '    <!ENTITY rdfs "http://www.w3.org/2000/01/rdf-schema#" >\n'
        '    <!ENTITY id "https://w3id.org/ccgraph/id/" >\n]>\n'
        f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:rdfs="&rdfs;">\n'
        '  <rdf:Description rdf:about="&id;x"><rdfs:label>x</rdfs:label></rdf:Description>\n'
        "</rdf:RDF>\n",
        encoding="utf-8",
    )
    assert set(parse_file(path)) == {(ns.ID["x"], RDFS.label, Literal("x"))}
    assert run("validate", str(path))[0] == 0


# --- parse errors: one line, file and line --------------------------------------------

BROKEN = {
    "broken.ttl": ("@prefix ccn: <https://w3id.org/ccgraph/ontology#> .\n\n"
                   "<https://w3id.org/ccgraph/id/x> a ccn:City ;\n    ccn:country .\n", 4),
    "broken.trig": ("@prefix g: <https://w3id.org/ccgraph/graph/> .\ng:x {\n"
                    "  <http://a/x> <http://a/p> <http://a/y> .\n  <http://a/x> <http://a/p>\n}\n",
                    4),
    "broken.nt": ("<http://a/x> <http://a/p> <http://a/y> .\n"
                  "<http://a/x> <http://a/p> \"unterminated .\n", 2),
    "broken.nq": ("<http://a/x> <http://a/p> <http://a/y> <http://a/g> .\n\n"
                  "<http://a/x> <http://a/p> .\n", 3),
    "broken.jsonld": ('{\n  "@id": "http://a/x",\n  "http://a/p": [1,\n}\n', 4),
    "broken.rdf": (f'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="{RDF_NS}">\n'
                   '  <rdf:Description rdf:about="http://a/x">\n'
                   "    <rdf:value>v</rdf:valu>\n  </rdf:Description>\n</rdf:RDF>\n", 4),
    "not-rdf.rdf": (f'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="{RDF_NS}">\n'
                    '  <rdf:Description rdf:about="http://a/x" rdf:nodeID="b"/>\n</rdf:RDF>\n',
                    3),
    "bad-dtd.rdf": ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n  <!ENTITY a "x>\n]>\n'
                    f'<rdf:RDF xmlns:rdf="{RDF_NS}"/>\n', 5),
    "not-utf8.ttl": ("<http://a/x> <http://a/p> \"caf\udce9\" .\n", 1),
}


@pytest.mark.parametrize("name", BROKEN)
def test_parse_error_is_one_line_with_file_and_line(tmp_path, name):
    text, line = BROKEN[name]
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    code, out, err = run("validate", str(path))
    assert (code, out) == (2, "")
    assert err.startswith(f"ccgraph: error: {path}:{line}: bad syntax"), err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_unknown_suffix_is_an_input_error(tmp_path):
    path = tmp_path / "data.n3"
    path.write_text("<http://a/x> <http://a/p> <http://a/y> .\n", encoding="utf-8")
    code, out, err = run("validate", str(path))
    assert (code, out) == (2, "")
    assert err.startswith(f"ccgraph: error: {path}: unsupported file type '.n3'")


def test_a_file_named_twice_is_read_once(tmp_path):
    path = tmp_path / "empty.ttl"
    path.write_text("", encoding="utf-8")
    assert run("validate", str(path), str(tmp_path / "." / "empty.ttl")) == (
        2, "", f"ccgraph: error: {path}: nothing to validate (no triples)\n"
    )
