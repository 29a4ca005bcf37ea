"""Validation reports in the formats people and CI systems read.

    render(report, "sarif")          # a ccgraph.validation.Report as SARIF 2.1.0
    render_problems(errors, "junit") # the bad cells of tables (ccgraph.columns), as JUnit

| format | for | what a result becomes |
|---|---|---|
| text | people, editors (`file:line: …`, as ruff and yamllint print) | one line |
| json | scripts | an object, with `location` {file, line, row, column} |
| turtle | SHACL tools | an sh:ValidationResult (written by ccgraph.validation) |
| junit | CI test reports (GitLab, Jenkins, Azure) | a `<failure>` in the test case of its shape |
| sarif | GitHub code scanning, IDEs (SARIF 2.1.0) | a result of the rule of its shape |
| github | GitHub Actions annotations on the changed lines | `::error file=…,line=…::…` |

Every format names the file and line of each result when they are known; warnings and
infos are reported but never fail (in JUnit they are the shape's system-out).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, SH

from .entries import LEVELS, SEVERITIES, Entry, local_name, show

FORMATS = ("text", "json", "turtle", "junit", "sarif", "github")
CARRY_PROBLEMS = ("junit", "sarif", "github", "json")  # bad input is in the report itself
__all__ = ["CARRY_PROBLEMS", "FORMATS", "LEVELS", "SEVERITIES", "Entry", "entries",
           "local_name", "problem_entries", "render", "render_problems", "shapes_of", "show"]

def entries(report: Any) -> list[Entry]:
    """The results of a ccgraph.validation.Report as entries."""
    return [Entry(local_name(r.severity), show(r.shape), r.message, r.location, show(r.focus),
                  None if r.path is None else show(r.path),
                  None if r.value is None else show(r.value), show(r.component))
            for r in report.results]


def problem_entries(problems: Iterable[Any]) -> list[Entry]:
    """Bad input (ccgraph.columns.Problem: location, rule, message, value) as entries."""
    return [Entry("Error", p.rule, p.message, p.location,
                  value=getattr(p, "value", None)) for p in problems]


def shapes_of(report: Any) -> dict[str, str]:
    """Every named shape of the report's shapes graph, compact, with what it checks."""
    described: dict[str, str] = {}
    graph = report.parts[0] if report.parts else None
    if graph is None:
        return described
    for kind in (SH.NodeShape, SH.PropertyShape):
        for shape in graph.subjects(RDF.type, kind):
            if isinstance(shape, URIRef):
                texts = [o for p in (SH.message, SH.description, RDFS.comment, SH.name)
                         for o in graph.objects(shape, p)]
                english = [t for t in texts if getattr(t, "language", None) in ("en", None)]
                described[show(shape)] = " ".join(str(english[0] if english else
                                                      (texts[0] if texts else "")).split())
    return dict(sorted(described.items()))


def render(report: Any, fmt: str) -> str:
    """The report in `fmt` (one of FORMATS), as text ending in a newline."""
    if fmt == "turtle":
        return report.graph.serialize(format="turtle")
    if fmt == "json":
        return json.dumps(report.to_json(), indent=2) + "\n"
    found = entries(report)
    if fmt == "text":
        counts = ", ".join(f"{n} {name}" for name, n in report.counts().items())
        lines = [f"Conforms: {report.conforms}", f"Results: {len(found)} ({counts})"]
        return "\n".join(lines + [e.line() for e in found]) + "\n"
    return _ci(fmt, found, shapes_of(report))


def render_problems(problems: Sequence[Any], fmt: str) -> str:
    """Bad input, which stops validation before any shape runs, in `fmt`."""
    found = problem_entries(problems)
    if fmt == "json":
        return json.dumps({"conforms": False, "errors": [
            {"rule": e.rule, "message": e.message, "value": e.value,
             "location": e.location.to_json() if e.location else None} for e in found]},
            indent=2) + "\n"
    if fmt in ("text", "turtle"):
        return "".join(e.line() + "\n" for e in found)
    return _ci(fmt, found, {})


def _ci(fmt: str, found: list[Entry], shapes: dict[str, str]) -> str:
    if fmt == "junit":
        from .junit import junit

        return junit(found, shapes)
    if fmt == "sarif":
        from .sarif import sarif

        return sarif(found, shapes)
    if fmt == "github":
        from .github import github

        return github(found)
    raise ValueError(f"unknown report format {fmt!r} (known: {', '.join(FORMATS)})")
