"""Result formats for SELECT and ASK answers: table, CSV, TSV, SPARQL 1.1 JSON and XML,
Markdown, JSON records; typed rows; and the writing of any answer as it streams.

CSV and TSV follow the SPARQL 1.1 Query Results CSV/TSV formats (CSV: plain values, blank
nodes as `_:label`; TSV: RDF terms in Turtle syntax, one line each, numbers and booleans in
Turtle's short form). JSON and XML are the SPARQL 1.1 Query Results JSON and XML formats
(`to_json`, `to_xml`; an ASK answer: `render_boolean`). Records (`to_records`) are a plain
JSON list of objects, one per row, with typed values.

Streaming: `pieces` gives an answer in one of those formats piece by piece as its rows
come (the `to_*` functions join the pieces); `write_select` and `write_construct` write the
answer to a query into a binary file as the store works it out — with the store's own
writers when it has them (the embedded store: Oxigraph's), else row by row, and graphs
through Oxigraph's streaming RDF writers (Turtle and JSON-LD grouped by subject as the
triples come, with the project's prefixes). With a `cap`, an answer of more than `cap`
rows (triples) is refused whole (`Refused`), never cut: its first `cap` + 1 rows are read
before anything is written.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from . import formats
from . import namespaces as ns
from .dates import PartialDate
from .errors import InputError, Refused
from .rowformats import json_list, markdown, plain, srj
from .store import Answer, Rows
from .store.terms import to_sparql_json

if TYPE_CHECKING:
    from .store import GraphSet, Store, Triple
    from .store.base import Output

FORMATS = ("table", "csv", "tsv", "json", "md")
T = TypeVar("T")


# --- the streamed formats: each yields the answer piece by piece (a row at a time) ---------


def _csv_cell(term: Identifier | None) -> str:
    return f"_:{term}" if isinstance(term, BNode) else plain(term)


def _csv(answer: Answer | Rows) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def line(cells: Iterable[str]) -> str:
        writer.writerow(cells)
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    yield line(answer.variables)
    for row in answer.rows:
        yield line([_csv_cell(t) for t in row])


# Turtle's short forms, which the TSV format allows for these datatypes
_SHORT = {
    XSD.integer: re.compile(r"[+-]?[0-9]+"),
    XSD.decimal: re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD.double: re.compile(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"),
    XSD.boolean: re.compile(r"true|false"),
}
_TURTLE_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r",
                                 "\t": "\\t"})


def _tsv_term(term: Identifier | None) -> str:
    """A term in Turtle syntax on one line (no tab, no line break); unbound as ''."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    assert isinstance(term, Literal)
    short = _SHORT.get(term.datatype) if term.datatype else None
    if short is not None and short.fullmatch(str(term)):
        return str(term)
    text = f'"{str(term).translate(_TURTLE_ESCAPES)}"'
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype and term.datatype != XSD.string:
        return f"{text}^^<{term.datatype}>"
    return text


def _tsv(answer: Answer | Rows) -> Iterator[str]:
    yield "\t".join(f"?{v}" for v in answer.variables) + "\n"
    for row in answer.rows:
        yield "\t".join(_tsv_term(t) for t in row) + "\n"


def _srj(answer: Answer | Rows) -> Iterator[str]:
    return srj(answer.variables, answer.rows, to_sparql_json)


def _xml_term(term: Identifier) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    assert isinstance(term, Literal)
    attrs = ""
    if term.language:
        attrs = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype and term.datatype != XSD.string:
        attrs = f" datatype={quoteattr(str(term.datatype))}"
    return f"<literal{attrs}>{escape(str(term))}</literal>"


XML_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
)


def _srx(answer: Answer | Rows) -> Iterator[str]:
    yield XML_HEAD + "  <head>\n"
    yield "".join(f"    <variable name={quoteattr(v)}/>\n" for v in answer.variables)
    yield "  </head>\n  <results>\n"
    for row in answer.rows:
        yield "    <result>\n" + "".join(
            f"      <binding name={quoteattr(name)}>{_xml_term(term)}</binding>\n"
            for name, term in zip(answer.variables, row, strict=True) if term is not None
        ) + "    </result>\n"
    yield "  </results>\n</sparql>\n"


def _records(answer: Answer | Rows) -> Iterator[str]:
    records = ({v: _json_value(t) for v, t in zip(answer.variables, row, strict=True)}
               for row in answer.rows)
    yield from json_list("[", records, "]\n")


# format name (ccgraph.formats) -> its pieces, for the formats written as the rows come
STREAMED: dict[str, Callable[[Answer | Rows], Iterator[str]]] = {
    "csv": _csv, "tsv": _tsv, "srj": _srj, "srx": _srx, "json": _records}


def pieces(answer: Answer | Rows, fmt: str) -> Iterator[str]:
    """`answer` in format `fmt` (one of STREAMED), piece by piece as its rows come: a row
    is read when the piece before it has been taken."""
    return STREAMED[fmt](answer)


def to_csv(answer: Answer) -> str:
    return "".join(_csv(answer))


def to_tsv(answer: Answer) -> str:
    return "".join(_tsv(answer))


def to_json(answer: Answer) -> str:
    """The SPARQL 1.1 Query Results JSON format (one binding a line)."""
    return "".join(_srj(answer))


def to_xml(answer: Answer) -> str:
    """The SPARQL 1.1 Query Results XML format."""
    return "".join(_srx(answer))


def render_boolean(value: bool, fmt: str) -> str:
    """An ASK answer in format `fmt`: `srj` (SPARQL JSON), `srx` (SPARQL XML), or `csv` /
    `tsv` (one cell under the header `boolean`)."""
    word = "true" if value else "false"
    if fmt == "srj":
        return json.dumps({"head": {}, "boolean": value}) + "\n"
    if fmt == "srx":
        return f"{XML_HEAD}  <head/>\n  <boolean>{word}</boolean>\n</sparql>\n"
    return f"{'?' if fmt == 'tsv' else ''}boolean\n{word}\n"


# --- writing the answer to a query as it streams ----------------------------------------------


def capped(items: Iterable[T], cap: int | None, what: str = "rows") -> Iterable[T]:
    """`items` as they are when there are at most `cap` of them (None: no cap; they are then
    not read here); else Refused — after reading `cap` + 1 of them, before anything is
    written: an answer is sent whole or not at all, never cut."""
    if cap is None:
        return items
    kept = list(islice(items, cap + 1))
    if len(kept) > cap:
        raise Refused(f"the answer has more than {cap} {what}, the most this server sends: "
                      "ask for fewer (for a SPARQL query: LIMIT, and OFFSET to page)")
    return kept


def write_rows(answer: Answer | Rows, fmt: str, output: Output) -> None:
    """`answer` written to `output` in format `fmt` (one of STREAMED) as its rows come."""
    for piece in pieces(answer, fmt):
        output.write(piece.encode("utf-8"))


def write_graph(triples: Iterable[Triple], fmt: str, output: Output) -> None:
    """`triples` written to `output` in RDF format `fmt` as they come, by Oxigraph's
    streaming writers (any format of `ccgraph.formats` with a media type Oxigraph writes):
    N-Triples a triple a line; Turtle with the project's prefixes, consecutive triples of
    one subject grouped; JSON-LD as an array of node objects (expanded form), one per run of
    one subject's triples; RDF/XML a description per run."""
    import pyoxigraph as ox

    from .store.terms import to_oxigraph

    kind = ox.RdfFormat.from_media_type(formats.get(fmt).media)
    if kind is None:
        raise InputError(f"a graph cannot be written as {fmt}")
    # (not id: and graph:, whose local names are paths: Turtle would escape each "/")
    prefixes = {name: str(iri) for name, iri in ns.PREFIXES.items()
                if name not in ("id", "graph")}
    ox.serialize((ox.Triple(*(to_oxigraph(t) for t in triple)) for triple in triples),
                 output, kind, prefixes=prefixes)  # type: ignore[arg-type]  # needs only `write`


def write_select(store: Store, query: str, fmt: str, output: Output, *,
                 dataset: GraphSet | None = None, cap: int | None = None) -> None:
    """The answer to SELECT `query` written to `output` in format `fmt` as the store works
    it out: by the store's own writer when it has one (`serialize`) and `fmt` is a W3C
    format, else row by row (`write_rows`). See `capped` for `cap`."""
    native = getattr(store, "serialize", None)
    if cap is None and native is not None and formats.get(fmt).w3c:
        native(query, fmt, output, dataset)
        return
    answer = store.rows(query, dataset)
    write_rows(Rows(answer.variables, iter(capped(answer, cap))), fmt, output)


def write_construct(store: Store, query: str, fmt: str, output: Output, *,
                    dataset: GraphSet | None = None, cap: int | None = None) -> None:
    """The answer to CONSTRUCT or DESCRIBE `query` written to `output` in RDF format `fmt`
    as the store works it out (by the store's own writer when it has one). A triple the
    engine derives twice may be written twice: it is still the same graph. See `capped` for
    `cap` (triples)."""
    native = getattr(store, "serialize", None)
    if cap is None and native is not None:
        native(query, fmt, output, dataset)
        return
    write_graph(capped(store.triples(query, dataset), cap, "triples"), fmt, output)


NARROWEST = 6  # characters a column keeps when a table is narrowed to a terminal's width


def to_table(answer: Answer, *, names: Mapping[URIRef, str] | None = None,
             width: int | None = None) -> str:
    """`answer` as a table for people: an IRI shown by its name when `names` has one
    (`ccgraph.labels.names`), a column that repeats an earlier one in every row left out,
    and, given a `width` (a terminal's), the widest columns narrowed to fit it, their cells
    wrapped over several lines."""
    named = names or {}
    header = list(answer.variables)
    rows = [[named.get(t, plain(t)) if isinstance(t, URIRef) else plain(t) for t in row]
            for row in answer.rows]
    kept = [i for i in range(len(header))  # (an empty column repeats nothing)
            if not any(r[i] for r in rows)
            or not any(all(r[i] == r[j] for r in rows) for j in range(i))]
    header, rows = [header[i] for i in kept], [[r[i] for i in kept] for r in rows]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]
    while width and sum(widths) + 2 * (len(widths) - 1) > width and max(widths) > NARROWEST:
        widths[widths.index(max(widths))] -= 1
    line = "  ".join(f"{{:<{w}}}" for w in widths)

    def show(cells: Sequence[str]) -> list[str]:
        parts = [textwrap.wrap(c, w, break_on_hyphens=False) or [""]
                 for c, w in zip(cells, widths, strict=True)]
        return [line.format(*(p[k] if k < len(p) else "" for p in parts)).rstrip()
                for k in range(max(len(p) for p in parts))]

    out = [*show(header), line.format(*("-" * w for w in widths)).rstrip()]
    for row in rows:
        out += show(row)
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def to_markdown(answer: Answer) -> str:
    return markdown(answer.variables, answer.rows)


def render(answer: Answer, fmt: str) -> str:
    """`answer` in the format named `fmt` (RENDERERS; `json` is records, `srj` SPARQL
    JSON, as in `ccgraph.formats`)."""
    return RENDERERS[fmt](answer)


DATES = (XSD.date, XSD.gYearMonth, XSD.gYear)


def python_value(term: Identifier | None) -> Any:
    """A term as a Python value: a date, year-month or year -> `ccgraph.dates.PartialDate`
    (one type for a column of dates at any precision: no day is invented), numbers ->
    int/Decimal/float, booleans -> bool, IRIs and other literals -> str."""
    if term is None:
        return None
    if isinstance(term, Literal):
        if term.datatype in DATES:
            try:
                return PartialDate(str(term))
            except (InputError, ValueError):  # an ill-typed literal: as it is written
                return str(term)
        if term.datatype in (XSD.integer, XSD.int, XSD.long, XSD.nonNegativeInteger):
            return int(term)
        if term.datatype == XSD.decimal:
            return Decimal(str(term))
        if term.datatype in (XSD.double, XSD.float):
            return float(term)
        if term.datatype == XSD.boolean:
            return str(term) in ("true", "1")
    return str(term)


def _json_value(term: Identifier | None) -> Any:
    value = python_value(term)
    if isinstance(value, date | PartialDate):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return float(value) if math.isfinite(value) else str(value)
    return value


def to_records(answer: Answer) -> str:
    """A plain JSON list of objects, one per row (one a line), the columns as keys, typed
    values: numbers as numbers, booleans as booleans, dates as ISO strings (a year or
    year-month as written), IRIs and text as strings, unbound as null."""
    return "".join(_records(answer))


def typed_rows(answer: Answer) -> Iterator[NamedTuple]:
    """The rows as named tuples of Python values, one field per column (a column named as a
    Python keyword gets a trailing underscore: `from_`)."""
    import keyword

    fields = [(f"{v}_" if keyword.iskeyword(v) else v, Any) for v in answer.variables]
    row_type = NamedTuple("Row", fields)  # type: ignore[misc]
    for row in answer.rows:
        yield row_type(*(python_value(t) for t in row))


# format name (ccgraph.formats) -> renderer of a SELECT answer
RENDERERS = {"table": to_table, "csv": to_csv, "tsv": to_tsv, "srj": to_json, "srx": to_xml,
             "json": to_records, "md": to_markdown}
