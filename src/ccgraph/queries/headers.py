"""The `#+` header of a query file, read without a YAML library: the subset of YAML the
headers are written in, and nothing else.

The subset: a mapping of `key: value` lines; a value is a plain scalar, a `"double"` or
`'single'` quoted one on one line, a flow sequence of plain scalars (`[a, b]`), a folded
(`>`) or literal (`|`) block scalar of lines at one indentation, or, after a bare `key:`,
an indented block sequence whose items are scalars or mappings of such `key: value`
lines. Plain scalars are typed as YAML 1.1 (PyYAML's safe loader) types them: null and
boolean words, decimal integers, dates (`2022-01-01`); anything else that YAML might read
otherwise (other numbers, anchors, tags, comments after a value, a value that runs on to
the next line) is refused with `Unsupported`, naming the line: never guessed at.
`ccgraph.queries.catalogue` then reads the header with PyYAML instead; that the two agree
on every shipped query is tested (tests/test_light_path.py).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

_KEY = re.compile(r"([A-Za-z_][\w-]*):(?:[ ]+(.*))?")
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {w: v for v, words in ((True, "yes Yes YES true True TRUE on On ON"),
                               (False, "no No NO false False FALSE off Off OFF"))
         for w in words.split()}
_INTEGER = re.compile(r"0|[1-9][0-9]*")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INDICATORS = tuple("-?:,[]{}#&*!|>'\"%@`")
_NUMBERISH = tuple("0123456789+-.~<=")  # what YAML may read as a number or more


class Unsupported(ValueError):
    """A header line outside the subset this module reads (the message names the line)."""


def load(lines: list[str]) -> dict[str, Any]:
    """The header `lines` (their `#+ ` taken off) as YAML's safe loader reads them."""
    return _Reader(lines).mapping()


class _Reader:
    """Reads the lines from the first; `at` is the line being read."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.at = 0

    def refuse(self, why: str, number: int | None = None) -> Unsupported:
        line = self.at if number is None else number
        shown = self.lines[line] if line < len(self.lines) else ""
        return Unsupported(f"header line {line + 1}: {why}: {shown!r}")

    def _next(self) -> str | None:
        """The next line that is not blank or a comment (`at` moved to it), if any."""
        while self.at < len(self.lines) and _blank(self.lines[self.at]):
            self.at += 1
        return self.lines[self.at] if self.at < len(self.lines) else None

    def mapping(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        while (line := self._next()) is not None:
            if "\t" in line or _indent(line):
                raise self.refuse("a tab or an indentation where a key was expected")
            key, value = self._pair(line, found)
            if value in (">", "|"):
                self.at += 1
                found[key] = self._block(value)
            elif value == "":
                self.at += 1
                found[key] = self._sequence()
            else:
                found[key] = self._scalar(value, 0)
                self.at += 1
        return found

    def _pair(self, text: str, into: dict[str, Any]) -> tuple[str, str]:
        match = _KEY.fullmatch(text.strip())
        if match is None:
            raise self.refuse("not a `key: value` line")
        if match.group(1) in into:
            raise self.refuse(f"key {match.group(1)!r} given twice")
        return match.group(1), (match.group(2) or "").rstrip(" ")

    def _block(self, style: str) -> str:
        """A block scalar's lines (folded `>` or literal `|`, clipped)."""
        if self.at == len(self.lines) or not self.lines[self.at].strip():
            raise self.refuse("a block scalar must go on on the next line", self.at - 1)
        indent = _indent(self.lines[self.at])
        if indent == 0 or "\t" in self.lines[self.at][:indent]:
            raise self.refuse("a block scalar's lines must be indented with spaces")
        parts: list[str | None] = []  # None: a blank line
        while self.at < len(self.lines):
            line = self.lines[self.at]
            if not line.strip():
                if len(line) > indent:
                    raise self.refuse("spaces beyond the block's indentation")
                parts.append(None)
            elif _indent(line) < indent:
                break
            elif "\t" in line[:indent] or (style == ">" and _indent(line) > indent):
                raise self.refuse("a tab, or a more indented line in a folded block")
            else:
                parts.append(line[indent:])
            self.at += 1
        while parts and parts[-1] is None:
            parts.pop()
        if style == "|":
            return "\n".join(p or "" for p in parts) + "\n"
        text, blanks = "", 0
        for part in parts:
            if part is None:
                blanks += 1
                continue
            text += ("\n" * blanks or " ") + part if text else part
            blanks = 0
        return text + "\n"

    def _sequence(self) -> list[Any] | None:
        """The indented block sequence after a bare `key:` (None when there is none)."""
        line = self._next()
        if line is None or not _indent(line):
            return None  # `key:` alone: null
        indent = _indent(line)
        items: list[Any] = []
        while (line := self._next()) is not None and _indent(line):
            if "\t" in line or _indent(line) != indent or not line[indent:].startswith("- "):
                raise self.refuse(f"not a `- ` item at indentation {indent}")
            content = line[indent + 2:]
            if not _KEY.fullmatch(content.strip()):
                items.append(self._scalar(content.strip(), indent))
                self.at += 1
                continue
            inner = indent + 2 + _indent(content)
            item: dict[str, Any] = {}
            while True:
                key, value = self._pair(content, item)
                if value in (">", "|"):
                    raise self.refuse("a block scalar inside a sequence item")
                item[key] = self._scalar(value, inner)
                self.at += 1
                following = self._next()
                if following is None or _indent(following) < inner:
                    break
                if _indent(following) > inner or "\t" in following:
                    raise self.refuse(f"not a `key: value` line at indentation {inner}")
                content = following
            items.append(item)
        return items

    def _scalar(self, text: str, parent: int) -> Any:
        """The value `text` of the line being read, whose key is at indentation `parent`."""
        following = self.at + 1
        while following < len(self.lines) and _blank(self.lines[following]):
            following += 1
        if following < len(self.lines) and _indent(self.lines[following]) > parent \
                and not self.lines[following][parent:].startswith("- "):
            raise self.refuse("a value that goes on on the next line", following)
        if text.startswith('"'):
            inner = text[1:-1]
            if len(text) < 2 or not text.endswith('"') or '"' in inner or "\\" in inner:
                raise self.refuse("a double-quoted value must close on its line, unescaped")
            return inner
        if text.startswith("'"):
            inner = text[1:-1]
            if len(text) < 2 or not text.endswith("'") or "'" in inner.replace("''", ""):
                raise self.refuse("a single-quoted value must close on its line")
            return inner.replace("''", "'")
        if text.startswith("[") and text.endswith("]"):
            inner = text[1:-1].strip()
            return [self._plain(item.strip(), flow=True) for item in inner.split(",")] \
                if inner else []
        return self._plain(text, flow=False)

    def _plain(self, text: str, *, flow: bool) -> Any:
        """A plain scalar, typed as YAML 1.1 types it, or refused."""
        if text in _NULL:
            if flow:
                raise self.refuse("an empty item in a flow sequence")
            return None
        if text in _BOOL:
            return _BOOL[text]
        if _INTEGER.fullmatch(text):
            return int(text)
        if _DATE.fullmatch(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                raise self.refuse("not a calendar date") from None
        unsafe = (text.startswith(_INDICATORS + _NUMBERISH) or ": " in text or " #" in text
                  or text.endswith(":") or "\t" in text
                  or (flow and any(c in text for c in "[]{}\"'")))
        if unsafe:
            raise self.refuse(f"a value YAML may read otherwise than as text: {text!r}")
        return text


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _blank(line: str) -> bool:
    return not line.strip() or line.lstrip().startswith("#")
