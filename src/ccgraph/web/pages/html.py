"""What every page shares: the Jinja2 environment over `web/templates/` (autoescaped; no
script, nothing loaded from the network), links, dates at their precision, the links to a
page's other formats, and the error page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from rdflib import Literal
from rdflib.namespace import XSD
from rdflib.term import Identifier

from ... import formats
from ... import namespaces as ns
from ...labels import number
from ...namespaces import CCN

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                  undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
LANGUAGES = {"en": "English", "it": "Italian", "fr": "French", "": "name"}
RDF_ALTERNATES = tuple(formats.get(name) for name in formats.GRAPHS)  # a page's RDF forms
TITLES = {400: "Bad request", 404: "Not found", 503: "Service unavailable"}
WHOLE = (XSD.integer, XSD.int, XSD.long, XSD.nonNegativeInteger, XSD.positiveInteger)


@dataclass(frozen=True)
class Link:
    href: str
    text: str


def local(iri: object) -> str:
    """Where a link to `iri` goes: a local /id/ path for the graph's resources, the ontology
    page for its terms, the IRI itself for anything else."""
    text = str(iri)
    if text.startswith(ns.base() + "id/"):
        return "/id/" + text[len(ns.base() + "id/"):]
    if text.startswith(str(CCN)):
        return "/ontology#" + text[len(str(CCN)):]
    if text == str(CCN).rstrip("#"):
        return "/ontology"
    return text


def when(value: Identifier | None) -> Markup:
    """A date at its own precision, in a <time> element: 2014 stays 2014."""
    if value is None:
        return Markup("")
    text = str(value)
    shown = text
    datatype = value.datatype if isinstance(value, Literal) else None
    parts = text.split("-")
    try:
        if datatype == XSD.date and len(parts) == 3:
            shown = f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
        elif datatype == XSD.gYearMonth and len(parts) == 2:
            shown = f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        shown = text
    return Markup('<time datetime="{}">{}</time>').format(text, shown)


def is_date(value: Any) -> bool:
    return isinstance(value, Literal) and value.datatype in (XSD.date, XSD.gYear, XSD.gYearMonth)


def is_whole(value: Any) -> bool:
    return isinstance(value, Literal) and value.datatype in WHOLE


ENV.filters["when"] = when
ENV.filters["number"] = number
ENV.tests["link"] = lambda value: isinstance(value, Link)
ENV.tests["date"] = is_date
ENV.tests["whole"] = is_whole
ENV.globals["languages"] = LANGUAGES


def render(template: str, **context: Any) -> str:
    return ENV.get_template(template).render(**context)


def alternates(path: str) -> list[dict[str, str]]:
    """The links to the document at `path` in each RDF format (`path.ttl`, ...)."""
    return [{"href": f"{path}.{fmt.extension}", "media": fmt.media, "name": fmt.label}
            for fmt in RDF_ALTERNATES]


def error(status: int, message: str) -> str:
    """The error page: the status and the one-line message."""
    return render("error.html", title=TITLES.get(status, f"Error {status}"), page=None,
                  alternates=[], status=status, message=message)
