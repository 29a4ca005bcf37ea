"""Whether ccgraph may run a SPARQL text given by someone else: read-only, and nothing that
would reach the network. Used by every entry point for ad-hoc queries (`/sparql`,
`ccgraph sparql`, `ccgraph.open().sparql`); it refuses, it never rewrites.

The decision is taken on the text as the engines will read it, not on one parser's tree:

- **Codepoint escapes** (`\\u0053`, `\\U00000053`) that stand for an ASCII character are
  refused. Oxigraph resolves them only inside strings, rdflib everywhere, and a remote
  engine as it likes; refusing them means every engine sees the same keywords, IRIs,
  strings and comments. Escapes of other characters (`\\u00e9`) are fine.
- **SERVICE.** Oxigraph runs `SERVICE` over HTTP and has no switch to turn it off. When the
  letters `service` (any case) occur anywhere in the text, every occurrence is overwritten
  with `xxxxxxx` and the result is parsed by Oxigraph itself: text in which those letters
  sit in a string, an IRI, a comment (ended by `\\n` or `\\r`, as Oxigraph ends it), a
  variable or a prefixed name parses just as well; text in which they are the keyword, in
  any place (`EXISTS`, `MINUS`, `OPTIONAL`, sub-selects, `GRAPH`, `BIND`...), no longer
  parses, and is refused. The mangled text cannot call anything: it no longer holds the
  keyword. rdflib (the memory store) reads the text its own way, so its parse tree is
  searched as well, before its algebra translation folds anything away.
- **Updates and LOAD** are refused: the query form is read from the first keyword after
  the prologue (BASE, PREFIX, comments).
- **FROM / FROM NAMED** may only name graphs the store holds; the store never fetches one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import Any

from .errors import Forbidden, Refused, first_line
from .store.base import generation

FORMS = {"SELECT": "SelectQuery", "ASK": "AskQuery", "CONSTRUCT": "ConstructQuery",
         "DESCRIBE": "DescribeQuery"}
UPDATES = ("INSERT", "DELETE", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")

_ESCAPE = re.compile(r"(?=\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})))")
_SERVICE = re.compile("service", re.IGNORECASE)
_FROM = re.compile("from", re.IGNORECASE)
_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_PROLOGUE_ITEM = re.compile(
    rf"\s+|#[^\r\n]*|(?i:BASE)\s*{_IRI}|(?i:PREFIX)\s*[^\s:<]*:\s*{_IRI}"
)
_KEYWORD = re.compile(r"[A-Za-z]+")
_BLANK = re.compile(r"\s+|#[^\r\n]*")
_POSITION = re.compile(r"error at (\d+):(\d+)")


def analyse(text: str, held_graphs: Callable[[], Collection[Any]] = frozenset) -> str:
    """The query form (SelectQuery, AskQuery, ConstructQuery, DescribeQuery), or Refused."""
    _refuse_ascii_escapes(text)
    form = query_form(text)
    if _SERVICE.search(text):
        _refuse_service(text)
    if _FROM.search(text):
        _refuse_remote_graphs(text, held_graphs)
    return form


_HELD: dict[tuple[int, str], Collection[Any]] = {}


def held_graphs(store: Any) -> Callable[[], Collection[Any]]:
    """A callable naming the graphs `store` holds (asked once per store and generation,
    then remembered)."""
    key = (id(store), generation(store))

    def held() -> Collection[Any]:
        if key not in _HELD:
            answer = store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
            _HELD.clear()
            _HELD[key] = frozenset(row[0] for row in answer.rows)
        return _HELD[key]

    return held


def query_form(text: str) -> str:
    """The form the first keyword after the prologue names; updates and LOAD are refused."""
    position = 0
    while match := _PROLOGUE_ITEM.match(text, position):
        if match.end() == position:
            break
        position = match.end()
    keyword = _KEYWORD.match(text, position)
    word = keyword.group().upper() if keyword else ""
    if word in FORMS:
        return FORMS[word]
    if word == "LOAD":
        raise Refused("LOAD is refused: ccgraph does not fetch remote data")
    if word in UPDATES:
        raise Forbidden("read-only: updates are refused")
    found = f"{word!r}" if word else repr(text[position:position + 20]) if text[position:] \
        else "nothing"
    raise Refused(f"malformed query: expected SELECT, ASK, CONSTRUCT or DESCRIBE after "
                  f"the prologue, found {found}")


def _refuse_ascii_escapes(text: str) -> None:
    for match in _ESCAPE.finditer(text):
        code = int(match.group(1) or match.group(2), 16)
        if code < 0x80:
            escape = text[match.start():match.start() + (6 if match.group(1) else 10)]
            raise Refused(f"the codepoint escape {escape} stands for an ASCII character "
                          f"({chr(code)!r}): write the character itself")


def _refuse_service(text: str) -> None:
    import pyoxigraph as ox

    occurrences = [m.span() for m in _SERVICE.finditer(text)]
    mangled = _SERVICE.sub(lambda m: "x" * len(m.group()), text)
    try:
        ox.Store().query(mangled)  # an empty store: parsing is what is asked of it
    except SyntaxError as error:
        where = _offset(mangled, str(error))
        if where is None or any(start <= where <= _skip_blank(mangled, end) + 1
                                for start, end in occurrences):
            raise _service_refused() from None
        raise Refused(f"malformed query: {first_line(error)}") from None
    except Exception:  # noqa: S110 - it parsed; evaluating it over nothing is not asked for
        pass
    tree = _rdflib_tree(text)
    if tree is not None and any(_named(n, "ServiceGraphPattern") for n in _walk(tree)):
        raise _service_refused()


def _skip_blank(text: str, position: int) -> int:
    """The position after the white space and comments that start at `position`."""
    while match := _BLANK.match(text, position):
        if match.end() == position:
            break
        position = match.end()
    return position


def _service_refused() -> Refused:
    return Refused("SERVICE is refused: ccgraph does not query remote services")


def _refuse_remote_graphs(text: str, held_graphs: Callable[[], Collection[Any]]) -> None:
    """FROM / FROM NAMED, as rdflib reads the text and as Oxigraph does (a comment ends at
    \\r too), may only name graphs the store holds."""
    named = []
    for variant in {text, text.replace("\r", "\n")}:
        tree = _rdflib_tree(variant)
        if tree is None:  # rdflib cannot read it: the engine will refuse it, or read it
            continue      # over the store's own graphs (Oxigraph never fetches a FROM)
        query = tree[1]
        for clause in query["datasetClause"] if "datasetClause" in query else []:
            named.append(clause.default if clause.default is not None else clause.named)
    if not named:
        return
    held = held_graphs()
    remote = sorted({str(iri) for iri in named if iri not in held})
    if remote:
        raise Refused(
            f"FROM / FROM NAMED {', '.join(f'<{r}>' for r in remote)} is refused: ccgraph "
            "does not fetch remote graphs, and holds no graph of that name",
        )


def _rdflib_tree(text: str) -> Any:
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        return parseQuery(text)
    except Exception:
        return None


def _walk(node: Any):
    """Every value inside an rdflib parse tree (CompValues, lists, ParseResults)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    yield node
    if isinstance(node, CompValue):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list | tuple | ParseResults):
        for value in node:
            yield from _walk(value)


def _named(node: Any, name: str) -> bool:
    from rdflib.plugins.sparql.parserutils import CompValue

    return isinstance(node, CompValue) and node.name == name


def _offset(text: str, message: str) -> int | None:
    """The character offset of Oxigraph's `error at LINE:COLUMN`, if the message has one."""
    match = _POSITION.search(message)
    if not match:
        return None
    line, column = int(match.group(1)), int(match.group(2))
    lines = text.split("\n")
    if line > len(lines):
        return None
    return sum(len(previous) + 1 for previous in lines[: line - 1]) + column - 1

