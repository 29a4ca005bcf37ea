"""SARIF 2.1.0 (OASIS), as GitHub code scanning and IDEs read it: one run of the tool
ccgraph, a rule per shape (or per table check), a result per violation, warning or info
with its physical location (the file as given, relative paths against %SRCROOT%; the
line; for a table the column's name in the result's properties) and the focus node as a
logical location. Checked against the SARIF 2.1.0 JSON schema in tests."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import quote

from ..version import __version__
from .entries import LEVELS, Entry

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION = "https://w3id.org/ccgraph"
INPUT_RULES = {  # what the checks of bad input (ccgraph.columns) are about
    "table/column": "A table's header has every required column.",
    "table/value": "A cell holds what its column allows.",
    "table/row": "A row's cells agree with each other, and no row is entered twice.",
    "input": "A data file can be read and parsed.",
}


def sarif(entries: Iterable[Entry], shapes: dict[str, str]) -> str:
    found = list(entries)
    rules = dict(shapes)
    for entry in found:
        rules.setdefault(entry.rule, INPUT_RULES.get(entry.rule, ""))
    index = {rule: number for number, rule in enumerate(rules)}
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ccgraph",
                "version": __version__,
                "informationUri": INFORMATION,
                "rules": [_rule(rule, text) for rule, text in rules.items()],
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"description": {
                "text": "The folder ccgraph validate ran in: relative paths start there."}}},
            "results": [_result(entry, index[entry.rule]) for entry in found],
            "columnKind": "unicodeCodePoints",
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rule(rule: str, text: str) -> dict:
    described: dict = {"id": rule, "name": rule.rsplit(":", 1)[-1].replace("-", " ")}
    if text:
        described["shortDescription"] = {"text": text}
    return described


def _result(entry: Entry, rule_index: int) -> dict:
    result: dict = {
        "ruleId": entry.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[entry.severity],
        "message": {"text": entry.message or entry.rule},
    }
    location: dict = {}
    if entry.location is not None:
        physical: dict = {"artifactLocation": _artifact(entry.location.file)}
        if entry.location.line:
            physical["region"] = {"startLine": entry.location.line}
        location["physicalLocation"] = physical
    if entry.focus is not None:
        location["logicalLocations"] = [{"fullyQualifiedName": entry.focus, "kind": "object"}]
    if location:
        result["locations"] = [location]
    properties = {name: getattr(entry, name) for name in ("focus", "path", "value", "component")
                  if getattr(entry, name) is not None}
    if entry.location is not None and entry.location.column:
        properties["column"] = entry.location.column
        properties["row"] = entry.location.row
    if properties:
        result["properties"] = properties
    return result


def _artifact(file: str) -> dict:
    path = PureWindowsPath(file) if "\\" in file else PurePosixPath(file)
    if path.is_absolute():
        return {"uri": PurePosixPath(*path.parts).as_uri() if isinstance(path, PurePosixPath)
                else path.as_uri()}
    return {"uri": quote(path.as_posix()), "uriBaseId": "%SRCROOT%"}
