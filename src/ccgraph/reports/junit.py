"""JUnit XML, as CI systems read test reports: one test case per shape, a `<failure>` per
violation (an `<error>` per bad cell of a table), each naming its file and line; warnings
and infos go to the test case's system-out. GitLab, Jenkins and Azure Pipelines show the
failures by test case; the `file` and `line` attributes are those of the first failure."""

from __future__ import annotations

from collections.abc import Iterable
from xml.etree import ElementTree as ET

from .entries import Entry

SUITE = "ccgraph validate"


def junit(entries: Iterable[Entry], shapes: dict[str, str]) -> str:
    by_rule: dict[str, list[Entry]] = {rule: [] for rule in shapes}
    for entry in entries:
        by_rule.setdefault(entry.rule, []).append(entry)
    failures = sum(e.severity == "Violation" for found in by_rule.values() for e in found)
    errors = sum(e.severity == "Error" for found in by_rule.values() for e in found)
    counts = {"tests": str(len(by_rule)), "failures": str(failures), "errors": str(errors),
              "skipped": "0"}
    root = ET.Element("testsuites", {"name": SUITE, **counts})
    suite = ET.SubElement(root, "testsuite",
                          {"name": "shapes" if shapes else "tables", **counts})
    for rule, found in by_rule.items():
        case = ET.SubElement(suite, "testcase", classname="ccgraph.shapes" if shapes
                             else "ccgraph.tables", name=rule)
        located = [e.location for e in found if e.location is not None
                   and e.severity in ("Violation", "Error")]
        if located:
            case.set("file", located[0].file)
            if located[0].line:
                case.set("line", str(located[0].line))
        others = []
        for entry in found:
            if entry.severity in ("Violation", "Error"):
                tag = "failure" if entry.severity == "Violation" else "error"
                element = ET.SubElement(case, tag, message=entry.line(),
                                        type=entry.component or entry.rule)
                element.text = _details(entry)
            else:
                others.append(entry.line())
        if others:
            ET.SubElement(case, "system-out").text = "\n".join(others)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _details(entry: Entry) -> str:
    parts = [f"{entry.where or '(no location)'}: {entry.message}"]
    for name in ("focus", "path", "value", "component"):
        value = getattr(entry, name)
        if value is not None:
            parts.append(f"{name}: {value}")
    return "\n".join(parts)
