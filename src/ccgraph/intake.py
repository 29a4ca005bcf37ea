"""Intake of an RDF file: read as untrusted input, checked, parsed offline, errors in one line.

`parse(path, fmt, sink)` reads the file, checks it, and parses it into `sink`; every failure
is an InputError naming the file and, where the parser tells it, the line.

ccgraph fetches nothing while it reads a file. Two layers make sure of it:

1. Checks on the bytes, before rdflib sees them (`check_jsonld`, `check_xml`), refuse what
   would make a parser fetch or blow up, with a one-line `InputError` naming the file:
   - JSON-LD: any `@context` given as a reference (a string: remote or a local file) rather
     than an object, wherever it appears (top level, nested nodes, scoped contexts inside
     term definitions), and any `@import`.
   - RDF/XML: an external DTD, external or parameter entities, markup declarations other
     than entities, and entities that refer to other entities or contain markup (the
     "billion laughs"). Internal entities that merely abbreviate text, as Protégé writes
     `<!ENTITY owl "http://www.w3.org/2002/07/owl#" >`, are accepted: each at most
     `MAX_ENTITY_LENGTH` characters, and their expansion in the whole document bounded by
     `MAX_EXPANSION` characters (every `&` in the file counted as a reference to the
     longest entity), so what the parser expands is linear in the file and capped.
   Turtle, TriG, N-Triples and N-Quads need no check: rdflib's parsers for them only
   resolve `@base`/`@prefix` IRIs as text and never open one.
2. `offline()`: while a parse runs, a process-wide audit hook refuses every attempt to
   open a URL or a socket (urllib, http.client, socket connect and name lookups) in the
   thread that parses, raising `NetworkRefused`. Audit hooks cannot be removed, so the
   hook is installed once and does nothing outside an `offline()` block.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from xml.parsers import expat

from rdflib import Dataset, Graph
from rdflib.parser import PythonInputSource

from .errors import InputError

MAX_ENTITY_LENGTH = 512
MAX_EXPANSION = 64 * 1024 * 1024
REFUSAL = "ccgraph fetches nothing"

NETWORK_EVENTS = frozenset(
    {
        "urllib.Request",
        "http.client.connect",
        "ftplib.connect",
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.sendto",
        "socket.sendmsg",
    }
)


class NetworkRefused(InputError):
    """A parse tried to reach the network (raised by the audit hook inside `offline()`)."""


def parse(path: Path, fmt: str, sink: Graph) -> None:
    """Parse the file at `path` (rdflib format `fmt`) into `sink` (a Dataset for quads).

    The bytes are read once, checked, and those very bytes parsed, with `@base` at the
    file's own URI. A file of only whitespace holds no triples and is not parsed.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError.at(path, None, "no such file") from None
    except OSError as error:
        raise InputError.at(path, None, f"cannot read: {error.strerror or error}") from None
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        return
    base = path.absolute().as_uri()  # as rdflib sets it when given the path itself
    text = None
    try:
        with offline():
            if fmt == "json-ld":
                document = check_jsonld(path, data)
                sink.parse(source=PythonInputSource(document, system_id=base), format=fmt)
            elif fmt == "xml":
                check_xml(path, data)
                sink.parse(data=data, format=fmt, publicID=base)
            else:  # Turtle, TriG, N-Triples, N-Quads: UTF-8 text
                text = _text(path, data)
                sink.parse(data=text, format=fmt, publicID=base)
    except NetworkRefused as error:
        raise InputError.at(path, None, str(error)) from None
    except InputError:
        raise
    except Exception as error:  # rdflib raises several unrelated types for bad syntax
        line = _line_of(error)
        if line is None and text is not None and fmt in ("nt", "nquads"):
            line = _first_bad_line(text, fmt)
        raise InputError.at(path, line, _reason(error)) from None


def _text(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError.at(path, line, "bad syntax: not UTF-8") from None


_SAX_LOCATION = re.compile(r"^\S*:(\d+):\d+: ")  # rdflib's RDF/XML errors: "{uri}:{line}:{col}: "


def _line_of(error: Exception) -> int | None:
    text, offset = getattr(error, "_str", None), getattr(error, "_i", None)
    if isinstance(text, bytes) and isinstance(offset, int):  # notation3.BadSyntax
        # its own line count (.lines) runs ahead when the parser backtracks over newlines
        return text.decode("utf-8", "replace")[:offset].count("\n") + 1
    lines = getattr(error, "lines", None)
    if isinstance(lines, int):
        return lines + 1
    get_line = getattr(error, "getLineNumber", None)  # xml.sax.SAXParseException
    if callable(get_line):
        line = get_line()
        return line if isinstance(line, int) and line > 0 else None
    match = _SAX_LOCATION.match(str(error))
    if match:
        return int(match.group(1))
    line = getattr(error, "line", None)
    return line if isinstance(line, int) else None


def _reason(error: Exception) -> str:
    get_message = getattr(error, "getMessage", None)  # SAXParseException, without location
    message = getattr(error, "_why", None) or (get_message() if callable(get_message) else "")
    message = _SAX_LOCATION.sub("", str(message or error)).strip() or type(error).__name__
    return f"bad syntax: {message.splitlines()[0].rstrip(':')}"


def _first_bad_line(text: str, fmt: str) -> int | None:
    """N-Triples and N-Quads are read line by line, and rdflib's errors do not say which:
    the number of the first line that fails on its own."""
    scratch = Dataset()
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), 1):
        try:
            scratch.parse(data=line, format=fmt)
        except Exception:
            return number
    return None


def check_jsonld(path: Path, data: bytes) -> Any:
    """The JSON document in `data`, once no `@context` in it is a reference to fetch and no
    `@import` appears anywhere; otherwise InputError naming `path`."""
    try:
        document = json.loads(data)
    except json.JSONDecodeError as error:
        raise InputError.at(path, error.lineno, f"bad syntax: {error.msg}") from None
    except (UnicodeDecodeError, RecursionError) as error:
        raise InputError.at(path, None, f"bad syntax: {type(error).__name__}") from None
    stack = [document]
    while stack:  # iterative: a deeply nested document cannot exhaust the stack here
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if "@import" in node:
                imported = node["@import"]
                raise InputError.at(path, None, f"@import <{imported}> is refused: {REFUSAL}")
            contexts = node.get("@context")
            for context in contexts if isinstance(contexts, list) else [contexts]:
                if isinstance(context, str):
                    raise InputError.at(
                        path, None, f"remote @context <{context}> is refused: {REFUSAL}"
                    )
            stack.extend(node.values())
    return document


class _PrologEnd(Exception):
    """The first element starts: every declaration has been seen."""


def check_xml(path: Path, data: bytes) -> None:
    """Refuse an XML document whose DTD could make a parser fetch or expand without bound.

    Reads only the prolog (up to the first element), with expat set never to read external
    or parameter entities and never to expand anything.
    """
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    longest = 0
    in_dtd = False

    def refuse(message: str) -> None:
        raise InputError.at(path, parser.CurrentLineNumber, message)

    def doctype(name, system_id, public_id, has_internal_subset) -> None:
        nonlocal in_dtd
        in_dtd = True
        if system_id or public_id:
            refuse(f"external DTD <{system_id or public_id}> is refused: {REFUSAL}")

    def end_doctype() -> None:
        nonlocal in_dtd
        in_dtd = False

    def entity(name, is_parameter, value, base, system_id, public_id, notation) -> None:
        nonlocal longest
        if is_parameter:
            refuse(f"XML parameter entity %{name}; is refused")
        if value is None:
            refuse(f"external XML entity &{name}; <{system_id or public_id}> is refused: {REFUSAL}")
        if any(mark in value for mark in "&%<"):
            refuse(f"XML entity &{name}; refers to other entities or holds markup: refused")
        if len(value) > MAX_ENTITY_LENGTH:
            refuse(f"XML entity &{name}; is longer than {MAX_ENTITY_LENGTH} characters: refused")
        longest = max(longest, len(value))

    def declaration(*_: object) -> None:
        refuse("XML element, attribute-list and notation declarations are refused")

    def unhandled(text: str) -> None:  # what the DTD holds that no handler took
        if in_dtd and text.startswith("%"):
            refuse(f"XML parameter entity reference {text} is refused")

    def first_element(*_: object) -> None:
        raise _PrologEnd

    parser.StartDoctypeDeclHandler = doctype
    parser.EndDoctypeDeclHandler = end_doctype
    parser.EntityDeclHandler = entity
    parser.ElementDeclHandler = declaration
    parser.AttlistDeclHandler = declaration
    parser.NotationDeclHandler = declaration
    parser.DefaultHandler = unhandled  # also keeps expat from expanding any entity
    parser.StartElementHandler = first_element
    try:
        parser.Parse(data, True)
    except _PrologEnd:
        pass
    except expat.ExpatError as error:
        reason = expat.ErrorString(error.code)
        raise InputError.at(path, error.lineno, f"bad syntax: {reason}") from None
    if data.count(b"&") * longest > MAX_EXPANSION:
        raise InputError.at(
            path, None, f"XML entities could expand past {MAX_EXPANSION} characters: refused"
        )


_offline: ContextVar[bool] = ContextVar("ccgraph_offline", default=False)
_hooked = False


def _audit(event: str, args: tuple) -> None:
    if event in NETWORK_EVENTS and _offline.get():
        target = next((str(arg) for arg in args if isinstance(arg, str | tuple)), "")
        raise NetworkRefused(f"{event} {target} while parsing is refused: {REFUSAL}".strip())


@contextlib.contextmanager
def offline() -> Iterator[None]:
    """Within the block, any URL or socket the current thread (or task) opens raises
    NetworkRefused."""
    global _hooked
    if not _hooked:
        sys.addaudithook(_audit)
        _hooked = True
    token = _offline.set(True)
    try:
        yield
    finally:
        _offline.reset(token)
