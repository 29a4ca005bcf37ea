"""GitHub Actions workflow commands: an annotation per result, shown on the line of the
file in the pull request (`::error file=data/x.csv,line=3,title=…::message`). Violations
and bad input are errors, warnings warnings, infos notices; a result with no location is
an annotation of the run. Values are escaped as the runner requires (%, CR, LF; and in
properties also : and ,)."""

from __future__ import annotations

from collections.abc import Iterable

from .entries import Entry

COMMANDS = {"Violation": "error", "Error": "error", "Warning": "warning", "Info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(entries: Iterable[Entry]) -> str:
    lines = []
    for entry in entries:
        properties = []
        if entry.location is not None:
            properties.append(f"file={escape_property(entry.location.file)}")
            if entry.location.line:
                properties.append(f"line={entry.location.line}")
        title = entry.rule if entry.severity == "Error" else f"{entry.severity} {entry.rule}"
        properties.append(f"title={escape_property(title)}")
        message = entry.message
        if entry.location is not None and entry.location.column:
            message = f"column {entry.location.column}: {message}"
        if entry.focus is not None:
            message += f" (focus {entry.focus}, path {entry.path or '-'})"
        lines.append(f"::{COMMANDS[entry.severity]} {','.join(properties)}::"
                     f"{escape_data(message)}")
    return "".join(line + "\n" for line in lines)
