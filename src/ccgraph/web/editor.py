"""The query editor a person gets at `/sparql`: a browser asking for HTML (and no query) gets
YASGUI over this endpoint (`ccgraph.web.sparql` hands it the request).

- The page (`templates/editor.html`, `static/editor.js`) starts YASGUI on this endpoint: it
  sends queries by POST to `/sparql` of the server that served it and shows SELECT answers
  as a table. YASGUI's browser build is vendored in `static/yasgui/` (the npm package
  `@zazuko/yasgui`, with its licence; `scripts/vendor_yasgui.py` brings it in and updates
  it) and served from `/static`: nothing comes from a CDN. It loads nothing from another
  host either: the page switches off the two autocompleters that ask Linked Open
  Vocabularies, and the endpoint list names only this endpoint.
- After a first tab for the person's own query, one tab per saved query (`examples`),
  named after it: its text with its parameters' defaults bound (`VALUES` lines at the
  query's `#+bindings` marker, a person's place to change them), and, for a required
  parameter without a default, the value `queries/showcase.yaml` gives it; one with no
  value either stays free (the query then answers for every value). A leading comment
  says what is bound, and the REST URL that gives the same answer.

YASGUI keeps a person's tabs in the browser's local storage; an example tab the person
closes comes back, fresh, on the next visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import yaml
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .. import formats, queries
from .. import namespaces as ns
from ..queries import Param, SavedQuery
from ..sources import QUERIES_DIR
from . import pages

if TYPE_CHECKING:
    from ..store import Store
    from .context import Context

HTML = formats.get("html").media
YASGUI_DIR = Path(__file__).with_name("static") / "yasgui"
SHOWCASE = QUERIES_DIR / "showcase.yaml"
STYLE = "values"  # one VALUES line per bound parameter: a person edits the value there
FIRST_QUERY = ns.sparql_prologue("ccn", "org", "rdfs") + """
# The networks, and how many memberships the graph records for each.
# The tabs after this one hold the saved queries, with example values bound.
SELECT ?network ?label (COUNT(?membership) AS ?memberships)
WHERE {
  ?network a ccn:Network ;
           rdfs:label ?label .
  FILTER (LANG(?label) = "en")
  OPTIONAL { ?membership org:organization ?network }
}
GROUP BY ?network ?label
ORDER BY ?label
"""


@dataclass(frozen=True)
class Example:
    """A saved query as an example tab: its name, summary, the values bound (parameter ->
    value as given to the REST API) and the query text."""

    name: str
    summary: str
    values: tuple[tuple[str, str], ...]
    query: str


@lru_cache(maxsize=1)
def showcase_values() -> dict[str, dict[str, str]]:
    """Per saved query, the values of its first question in `queries/showcase.yaml`."""
    found: dict[str, dict[str, str]] = {}
    if SHOWCASE.is_file():
        for item in yaml.safe_load(SHOWCASE.read_text(encoding="utf-8")) or ():
            params = item.get("params") or {}
            found.setdefault(str(item["query"]), {k: str(v) for k, v in params.items()})
    return found


def example_values(query: SavedQuery) -> tuple[dict[str, str], list[Param]]:
    """The values an example binds (REST-style strings: a default, or the showcase's value
    for a required parameter without one), and the required parameters left free."""
    shown = showcase_values().get(query.name, {})
    values, free = {}, []
    for param in query.params:
        if param.default is not None:
            values[param.name] = param.default
        elif param.required and param.name in shown:
            values[param.name] = shown[param.name]
        elif param.required:
            free.append(param)
    return values, free


def example(store: Store, query: SavedQuery) -> Example:
    """`query` as an example tab: see the module's docstring."""
    values, free = example_values(query)
    bound = query._replace(params=tuple(p for p in query.params if p not in free))
    terms = queries.resolve(bound, values, store)
    lines = [f"# {query.name}: {query.summary}"]
    if values:
        lines.append("# Parameters, bound by the VALUES lines below (change them there):")
    elif query.params:
        lines.append("# Parameters, none bound here (bind one with a line VALUES ?name { ... }):")
    for param in query.params:
        value = values.get(param.name)
        shown = ("(free: any value)" if value is None else f"= {value}"
                 + (f" ({terms[param.name]})" if value == "today" else ""))
        lines.append(f"#   {param.name} {shown}: {param.description}".rstrip(": "))
    given = {p.name: values[p.name] for p in query.params
             if p.default is None and p.name in values}  # the defaults go without saying
    url = f"/queries/{query.name}" + (f"?{urlencode(given)}" if given else "")
    if free:
        lines.append(f"# Through the REST API, which needs {', '.join(p.name for p in free)}: "
                     f"{url}")
    else:
        lines.append(f"# The same answer from the REST API: {url}")
    text = bound.render(terms, STYLE).splitlines()
    while text and (text[0].startswith("#+ ") or text[0] == "#+"):  # the header, said above
        text.pop(0)
    return Example(query.name, query.summary, tuple(values.items()),
                   "\n".join(lines + text) + "\n")


def examples(store: Store) -> list[Example]:
    """An example tab per saved query, by name (run in a worker: values are resolved
    against the store)."""
    return [example(store, query) for _, query in sorted(queries.catalogue().items())]


def yasgui_version() -> str:
    return (YASGUI_DIR / "VERSION").read_text(encoding="utf-8").strip()


def prefixes() -> dict[str, str]:
    """The project's prefixes, for YASGUI's result table (`id:` under the configured base)."""
    mapped = {name: str(namespace) for name, namespace in ns.PREFIXES.items()}
    return {**mapped, "id": ns.base() + "id/", "graph": ns.base() + "graph/"}


async def page(request: Request, context: Context) -> Response:
    """The editor page for a GET of the endpoint at `request.url.path`."""
    tabs = await context.call(request, examples)
    config = {"endpoint": request.url.path, "query": FIRST_QUERY, "prefixes": prefixes(),
              "examples": [{"id": f"saved-{t.name}", "name": t.name, "query": t.query}
                           for t in tabs]}
    body = pages.ENV.get_template("editor.html").render(
        title="SPARQL query editor", endpoint=request.url.path, examples=tabs,
        config=config, version=yasgui_version())
    return HTMLResponse(body, headers={"Vary": "Accept"})


__all__ = ["HTML", "Example", "example", "example_values", "examples", "page", "prefixes",
           "yasgui_version"]
