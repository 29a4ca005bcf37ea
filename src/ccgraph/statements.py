"""Where each statement of an RDF text file is written: the line of every subject,
predicate and object of Turtle, TriG, N-Triples and N-Quads, and the lines of the nodes of
JSON-LD and RDF/XML (rdflib's parsers keep no positions).

    spots = positions(path, "turtle")
    spots.triples[(s, p, o)]   # line of the object o of s p
    spots.pairs[(s, p)]        # line of the first predicate p written for s
    spots.subjects[s]          # line where s is first written as a subject

Given `wanted`, the IRIs a caller will look up, only statements whose subject (or, for
`objects`, whose object) is one of them are kept, and no literal of another subject's is
made: locating a few results in a large file costs little more than reading its tokens.

A small reader of the Turtle grammar's tokens (strings, comments and IRIs are skipped as
wholes, so a name inside a string or a comment never counts), with prefixed names and
relative IRIs resolved as the parser does (`@base` defaults to the file's own URI, as
`ccgraph.intake` sets it). Blank nodes and collections are walked but not indexed: only
IRIs are located. For JSON-LD and RDF/XML, the line of a node is where its IRI is first
written as `"@id"` or `rdf:about` (in full, or compacted with the document's prefixes).
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

TOKEN = re.compile(
    r"""(?P<ws>\s+)
    |(?P<comment>\#[^\n]*)
    |(?P<long>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*''')
    |(?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    |(?P<iri><[^<>"{}|^`\\\s]*>)
    |(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    |(?P<hats>\^\^)
    |(?P<bnode>_:[\w.-]*\w)
    |(?P<number>[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
    |(?P<pname>(?:[A-Za-z][\w.-]*)?:(?:[\w:%-]|\\.|\.(?=[\w:%-]))*)
    |(?P<word>[A-Za-z]+)
    |(?P<punct>[.;,\[\](){}])
    |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)
ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")  # an IRI's scheme
ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


@dataclass
class Positions:
    """The first line of each IRI statement part of one file (1-based lines)."""

    subjects: dict[Node, int] = field(default_factory=dict)
    pairs: dict[tuple[Node, Node], int] = field(default_factory=dict)
    triples: dict[tuple[Node, Node, Node], int] = field(default_factory=dict)
    objects: dict[Node, int] = field(default_factory=dict)

    wanted: Container[Node] | None = field(default=None, repr=False, compare=False)

    def keeps(self, term: Node | None) -> bool:
        return term is not None and (self.wanted is None or term in self.wanted)

    def note(self, s: Node | None, p: Node | None, o: Node | None, line_p: int,
             line_o: int) -> None:
        if s is None or p is None:
            return
        if self.keeps(s):
            self.pairs.setdefault((s, p), line_p)
            if o is not None:
                self.triples.setdefault((s, p, o), line_o)
        if o is not None and self.keeps(o):
            self.objects.setdefault(o, line_o)


def positions(path: Path, fmt: str, text: str | None = None,
              wanted: Container[Node] | None = None) -> Positions:
    """The positions of the statements of the file at `path`, read as rdflib format `fmt`;
    with `wanted`, only those of statements about these IRIs (see above)."""
    text = path.read_text(encoding="utf-8-sig") if text is None else text
    spots = Positions(wanted=wanted)
    if fmt in ("turtle", "trig", "nt", "nt11", "ntriples", "nquads", "n3"):
        # a TriG graph name before "{" is read as a subject; "}" then starts a new statement
        return _Reader(path.absolute().as_uri(), fmt == "nquads", spots).read(text)
    return _nodes(text, fmt, spots)


def _unescape(text: str) -> str:
    def one(match: re.Match) -> str:
        code = match.group(1)
        if code[0] in "uU":
            return chr(int(code[1:], 16))
        return ESCAPES.get(code, code)

    return re.sub(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", one, text)


def _tokens(text: str):
    line = 1
    for match in TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind not in ("ws", "comment"):
            yield kind, value, line
        line += value.count("\n")


class _Reader:
    """Turtle/TriG statements, token by token: subject, predicate, objects; blank-node
    property lists and collections nest; `{ }` opens a TriG graph."""

    def __init__(self, base: str, quads: bool, spots: Positions) -> None:
        self.base, self.quads = base, quads
        self.prefixes: dict[str, str] = {}
        self.spots = spots

    def term(self, kind: str, value: str) -> Node | None:
        if kind == "iri":
            iri = _unescape(value[1:-1])  # an absolute IRI as it is, as rdflib reads it
            return URIRef(iri if ABSOLUTE.match(iri) else urljoin(self.base, iri))
        if kind == "pname":
            prefix, _, local = value.partition(":")
            namespace = self.prefixes.get(prefix)
            return None if namespace is None else URIRef(namespace + re.sub(r"\\(.)", r"\1", local))
        if kind == "word" and value == "a":
            return RDF.type
        return None

    def read(self, text: str) -> Positions:
        tokens = list(_tokens(text))
        i, n = 0, len(tokens)
        # the state of each open frame: [subject, predicate, predicate line, expecting]
        stack: list[list] = [[None, None, 0, "subject"]]
        while i < n:
            kind, value, line = tokens[i]
            frame = stack[-1]
            lowered = value.lower()
            if kind in ("lang", "word") and lowered in ("@prefix", "prefix") and i + 2 < n:
                name, iri = tokens[i + 1][1], tokens[i + 2][1]
                self.prefixes[name[:-1]] = urljoin(self.base, _unescape(iri[1:-1]))
                i += 3 + (tokens[i + 3][1] == "." if i + 3 < n and kind == "lang" else 0)
                continue
            if kind in ("lang", "word") and lowered in ("@base", "base") and i + 1 < n:
                self.base = urljoin(self.base, _unescape(tokens[i + 1][1][1:-1]))
                i += 2 + (tokens[i + 2][1] == "." if i + 2 < n and kind == "lang" else 0)
                continue
            if kind == "word" and lowered == "graph":
                i += 1
                continue
            if kind == "punct":
                self.punct(value, line, stack)
                i += 1
                continue
            term = self.term(kind, value)
            if kind in ("string", "long", "number") and not self.spots.keeps(frame[0]):
                term = None  # a literal nobody will look up: skip its lang or datatype
                if kind != "number" and i + 1 < n and tokens[i + 1][0] == "lang":
                    i += 1
                elif kind != "number" and i + 2 < n and tokens[i + 1][0] == "hats":
                    i += 2
            elif kind in ("string", "long"):
                quote = 3 if kind == "long" else 1
                literal, lang = _unescape(value[quote:-quote]), None
                datatype: Node | None = None
                if i + 1 < n and tokens[i + 1][0] == "lang":
                    lang, i = tokens[i + 1][1][1:], i + 1
                elif i + 2 < n and tokens[i + 1][0] == "hats":
                    datatype, i = self.term(*tokens[i + 2][:2]), i + 2
                term = Literal(literal, lang=lang, datatype=datatype)  # type: ignore[arg-type]
            elif kind == "number":
                term = Literal(value, datatype=XSD.integer if value.lstrip("+-").isdigit()
                               else XSD.decimal if "e" not in lowered else XSD.double)
            elif kind == "word" and value in ("true", "false"):
                term = Literal(value, datatype=XSD.boolean)
            self.place(frame, term, line)
            i += 1
        return self.spots

    def place(self, frame: list, term: Node | None, line: int) -> None:
        subject, predicate, predicate_line, expecting = frame[:4]
        if expecting == "subject":
            frame[0], frame[3] = term, "predicate"
            if term is not None and self.spots.keeps(term):
                self.spots.subjects.setdefault(term, line)
        elif expecting == "predicate":
            frame[1], frame[2], frame[3] = term, line, "object"
        elif expecting in ("object", "list"):
            if expecting == "object":
                self.spots.note(subject, predicate, term, predicate_line, line)
            if expecting == "object" and self.quads:
                frame[3] = "graph"  # N-Quads: the next term names the graph
        # "graph": the fourth term of an N-Quads line, nothing to note

    def punct(self, value: str, line: int, stack: list) -> None:
        frame = stack[-1]
        if value == "[":
            if frame[3] == "object":
                self.spots.note(frame[0], frame[1], None, frame[2], line)
            stack.append([None, None, 0, "predicate", frame[3] == "subject"])
        elif value == "]" and len(stack) > 1:
            if stack.pop()[4]:  # a blank node as the subject of a statement
                stack[-1][3] = "predicate"
        elif value == "(":
            if frame[3] == "object":
                self.spots.note(frame[0], frame[1], None, frame[2], line)
            stack.append([frame[0], frame[1], frame[2], "list", frame[3] == "subject"])
        elif value == ")" and len(stack) > 1:
            if stack.pop()[4]:  # a collection as the subject of a statement
                stack[-1][3] = "predicate"
        elif value == "{":
            stack.append([None, None, 0, "subject"])
        elif value == "}" and len(stack) > 1:
            stack.pop()
            stack[-1][:4] = [None, None, 0, "subject"]
        elif value == ";":
            frame[3] = "predicate"
        elif value == ",":
            frame[3] = "object"
        elif value == ".":
            frame[:4] = [None, None, 0, "subject"]


_CONTEXT_PREFIX = re.compile(r'"([A-Za-z][\w.-]*)"\s*:\s*"([^"]+[/#:])"')
_XMLNS = re.compile(r'xmlns:([A-Za-z][\w.-]*)\s*=\s*"([^"]+)"')


def _nodes(text: str, fmt: str, spots: Positions) -> Positions:
    """JSON-LD or RDF/XML: the line where each node's IRI is first written as its id."""
    prefixes = dict((_CONTEXT_PREFIX if fmt == "json-ld" else _XMLNS).findall(text))
    pattern = (re.compile(r'"@id"\s*:\s*"([^"]+)"') if fmt == "json-ld"
               else re.compile(r'rdf:about\s*=\s*"([^"]+)"'))
    for number, line in enumerate(text.splitlines(), 1):
        for written in pattern.findall(line):
            prefix, colon, local = written.partition(":")
            iri = prefixes[prefix] + local if colon and prefix in prefixes else written
            if spots.keeps(URIRef(iri)):
                spots.subjects.setdefault(URIRef(iri), number)
    return spots
