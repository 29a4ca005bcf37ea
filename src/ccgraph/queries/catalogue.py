"""The catalogue of saved queries: `queries/*.rq`, their headers and their parameters.

A saved query is a SPARQL file that starts with a YAML header in `#+ ` comment lines
(grlc's idea): summary, description, tags, params, columns. The headers are read by
`headers`, which reads the subset of YAML they are written in and refuses the rest; a header
it refuses is read by PyYAML instead. Running a saved query reads only its own file (and
the fragments it includes), so that the command line imports no YAML library.

The one definition of "valid at D" lives in `queries/fragments/valid-at.rq`, and the
reading of a membership's time bounds it judges in `queries/fragments/bounds.rq`; a query
includes a fragment with a line such as `#+include bounds ?m ?es ?ls ?ee ?le`, which
`SavedQuery.text()` expands (the fragment's `$` parameters renamed to the given
variables, its own variables suffixed with the number of the include, so two includes
never clash).

Header keys of a parameter: `name`, `type` (one of PARAM_TYPES), `required`, `default`,
`allowed` (the only values accepted; a `choice` is one of them, bound as a plain
string), `description`, and `variable`: the query variable it
binds, when not the parameter's name (members-at binds `field` to `?role_iri`, because its
`field` column is the field's label).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import InputError, QueryError
from ..layout import QUERIES_DIR
from ..spelling import did_you_mean
from . import headers
from .binding import bind

if TYPE_CHECKING:
    from rdflib.term import Identifier

PARAM_TYPES = ("network", "member", "field", "country", "date", "integer", "choice")
INCLUDE = re.compile(r"^[ \t]*#\+include[ \t]+([\w-]+)((?:[ \t]+[?$]\w+)*)[ \t]*$", re.MULTILINE)
VARIABLE = re.compile(r"[?$](\w+)")


class Param(NamedTuple):  # (not a dataclass: see store.base.Answer)
    """A declared parameter; `variable` is the query variable it binds (default: its name)."""

    name: str
    type: str
    required: bool = False
    default: str | None = None
    allowed: tuple[str, ...] | None = None
    description: str = ""
    variable: str = ""


class SavedQuery(NamedTuple):
    name: str
    summary: str
    description: str
    tags: tuple[str, ...]
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    path: Path

    def text(self) -> str:
        """The query with its fragments expanded and the `#+bindings` marker left in place."""
        source = self.path.read_text(encoding="utf-8")
        counter = count(1)
        return INCLUDE.sub(lambda m: _expand(self, m, next(counter)), source)

    def check(self, names: Iterable[str]) -> None:
        """InputError for the first of `names` that is not one of the query's parameters."""
        declared = {p.name for p in self.params}
        for name in names:
            if name not in declared:
                listed = ", ".join(p.name for p in self.params) or "none"
                raise InputError(f"query {self.name!r} has no parameter {name!r}"
                                 f"{did_you_mean(name, declared)} (parameters: {listed})")

    def render(self, bindings: Mapping[str, Identifier], style: str = "constants") -> str:
        """The query with `bindings` (parameter name -> checked term) bound, in the
        store's binding style, "constants" or "values" (`binding.bind`)."""
        self.check(bindings)
        bound = [(p.variable, bindings[p.name]) for p in self.params if p.name in bindings]
        return bind(self.text(), bound, style, self.path)


@lru_cache(maxsize=8)
def catalogue(directory: Path = QUERIES_DIR) -> dict[str, SavedQuery]:
    """Every saved query of `directory` (fragments excluded), by name."""
    return {path.stem: _parse(path) for path in _files(Path(directory))}


def get(name: str) -> SavedQuery:
    """The saved query `name` (only its file is read)."""
    files = {path.stem: path for path in _files(QUERIES_DIR)}
    if name not in files:
        raise InputError(f"unknown query {name!r}{did_you_mean(name, files)} "
                         f"(available: {', '.join(files)})")
    return _parse(files[name])


def _files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.rq"))


def header(path: Path) -> dict[str, Any]:
    """The YAML header of a query or fragment file: its leading `#+` lines."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#+ ") and line != "#+":
            break
        lines.append(line[3:])
    try:
        meta: Any = headers.load(lines)
    except headers.Unsupported:
        meta = _yaml(path, lines)
    if not isinstance(meta, dict):
        raise InputError.at(path, 1, "the header must be a YAML mapping")
    return meta


def _yaml(path: Path, lines: list[str]) -> Any:
    """A header `headers` does not read, read by PyYAML."""
    import yaml

    try:
        return yaml.safe_load("\n".join(lines)) or {}
    except yaml.YAMLError as error:
        raise InputError.at(path, None, f"bad header: {str(error).splitlines()[0]}") from None


@lru_cache(maxsize=64)
def _parse(path: Path) -> SavedQuery:
    meta = header(path)
    params = []
    for spec in meta.get("params") or ():
        if not isinstance(spec, dict) or spec.get("type") not in PARAM_TYPES:
            raise InputError.at(path, None, f"bad parameter {spec!r} (types: {PARAM_TYPES})")
        default, allowed = spec.get("default"), spec.get("allowed")
        if spec["type"] == "choice" and not allowed:
            raise InputError.at(path, None, f"parameter {spec.get('name')!r}: a choice "
                                "needs its allowed values")
        params.append(Param(
            name=str(spec["name"]),
            type=spec["type"],
            required=bool(spec.get("required", False)),
            default=None if default is None else str(default),
            allowed=tuple(str(a) for a in allowed) if allowed else None,
            description=str(spec.get("description", "")),
            variable=str(spec.get("variable", spec["name"])),
        ))
    return SavedQuery(
        name=path.stem,
        summary=str(meta.get("summary", "")),
        description=str(meta.get("description", "")).strip(),
        tags=tuple(meta.get("tags") or ()),
        params=tuple(params),
        columns=tuple(meta.get("columns") or ()),
        path=path,
    )


def _expand(query: SavedQuery, match: re.Match[str], number: int) -> str:
    """The fragment named by an `#+include NAME ?a ?b` line, its parameters renamed to the
    given variables and its own variables suffixed with the include's number."""
    # the fragments of the query's folder, or of the folder above (queries/derived/)
    folder = next((f for f in (query.path.parent, query.path.parent.parent)
                   if (f / "fragments").is_dir()), query.path.parent)
    path = folder / "fragments" / f"{match.group(1)}.rq"
    if not path.is_file():
        raise QueryError(f"{query.path}: no fragment {match.group(1)!r} ({path})")
    formal = [str(p) for p in header(path).get("params") or ()]
    actual = [v[1:] for v in match.group(2).split()]
    if len(formal) != len(actual):
        raise QueryError(f"{query.path}: {match.group(1)} takes {len(formal)} variables")
    renaming = dict(zip(formal, actual, strict=True))
    body = [line for line in path.read_text(encoding="utf-8").splitlines()
            if not line.startswith("#+")]

    def rename(var: re.Match[str]) -> str:
        name = var.group(1)
        if var.group(0)[0] == "$" and name in renaming:
            return "?" + renaming[name]
        return f"?{name}_{match.group(1).replace('-', '_')}{number}"

    indent = re.match(r"[ \t]*", match.group(0)).group(0)  # type: ignore[union-attr]
    lines = [f"{indent}# {match.group(1)}({', '.join(actual)}) from {path.name}"]
    lines += [indent + VARIABLE.sub(rename, line) for line in body if line.strip()]
    return "\n".join(lines)
