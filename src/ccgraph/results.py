"""Result formats for SELECT and ASK answers: table, CSV, TSV, SPARQL 1.1 JSON and XML,
Markdown, JSON records; typed rows.

CSV and TSV follow the SPARQL 1.1 Query Results CSV/TSV formats (CSV: plain values;
TSV: RDF terms in Turtle syntax). JSON and XML are the SPARQL 1.1 Query Results JSON and
XML formats (`to_json`, `to_xml`; an ASK answer: `render_boolean`). Records (`to_records`)
are a plain JSON list of objects, one per row, with typed values.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from .store import Answer
from .store.terms import to_sparql_json

FORMATS = ("table", "csv", "tsv", "json", "md")


def plain(term: Identifier | None) -> str:
    """A term as a plain string: IRIs and literals by their value, unbound as ''."""
    return "" if term is None else str(term)


def to_csv(answer: Answer) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(answer.variables)
    writer.writerows([plain(t) for t in row] for row in answer.rows)
    return out.getvalue()


def to_tsv(answer: Answer) -> str:
    lines = ["\t".join(f"?{v}" for v in answer.variables)]
    lines += ["\t".join("" if t is None else t.n3() for t in row) for row in answer.rows]
    return "\n".join(lines) + "\n"


def _json_term(term: Identifier) -> dict[str, str]:
    return to_sparql_json(term)


def to_json(answer: Answer) -> str:
    document = {
        "head": {"vars": list(answer.variables)},
        "results": {
            "bindings": [
                {
                    v: _json_term(t)
                    for v, t in zip(answer.variables, row, strict=True)
                    if t is not None
                }
                for row in answer.rows
            ]
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


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


def to_xml(answer: Answer) -> str:
    """The SPARQL 1.1 Query Results XML format."""
    out = [XML_HEAD, "  <head>\n"]
    out += [f"    <variable name={quoteattr(v)}/>\n" for v in answer.variables]
    out.append("  </head>\n  <results>\n")
    for row in answer.rows:
        out.append("    <result>\n")
        for name, term in zip(answer.variables, row, strict=True):
            if term is not None:
                out.append(f"      <binding name={quoteattr(name)}>{_xml_term(term)}</binding>\n")
        out.append("    </result>\n")
    out.append("  </results>\n</sparql>\n")
    return "".join(out)


def render_boolean(value: bool, fmt: str) -> str:
    """An ASK answer in format `fmt`: `srj` (SPARQL JSON), `srx` (SPARQL XML), or `csv` /
    `tsv` (one cell under the header `boolean`)."""
    word = "true" if value else "false"
    if fmt == "srj":
        return json.dumps({"head": {}, "boolean": value}) + "\n"
    if fmt == "srx":
        return f"{XML_HEAD}  <head/>\n  <boolean>{word}</boolean>\n</sparql>\n"
    return f"{'?' if fmt == 'tsv' else ''}boolean\n{word}\n"


def _cells(answer: Answer) -> list[list[str]]:
    return [[plain(t) for t in row] for row in answer.rows]


def to_table(answer: Answer) -> str:
    header = list(answer.variables)
    rows = _cells(answer)
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [line.format(*header).rstrip(), line.format(*("-" * w for w in widths)).rstrip()]
    out += [line.format(*r).rstrip() for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def to_markdown(answer: Answer) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(answer.variables) + " |", "|" + "---|" * len(answer.variables)]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in _cells(answer)]
    return "\n".join(out) + "\n"


def render(answer: Answer, fmt: str) -> str:
    """`answer` in the format named `fmt` (RENDERERS; `json` is records, `srj` SPARQL
    JSON, as in `ccgraph.formats`)."""
    return RENDERERS[fmt](answer)


def python_value(term: Identifier | None) -> Any:
    """A term as a Python value: xsd:date -> datetime.date, numbers -> int/Decimal/float,
    booleans -> bool, IRIs and other literals -> str. A year or year-month (xsd:gYear,
    xsd:gYearMonth) stays a string ("2008", "2008-10"): no day is invented."""
    if term is None:
        return None
    if isinstance(term, Literal):
        if term.datatype == XSD.date:
            return date.fromisoformat(str(term))
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
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return float(value) if math.isfinite(value) else str(value)
    return value


def to_records(answer: Answer) -> str:
    """A plain JSON list of objects, one per row, the columns as keys, typed values:
    numbers as numbers, booleans as booleans, dates as ISO strings (a year or year-month
    as written), IRIs and text as strings, unbound as null."""
    records = [{v: _json_value(t) for v, t in zip(answer.variables, row, strict=True)}
               for row in answer.rows]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


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
