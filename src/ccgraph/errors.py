"""The errors ccgraph reports to people, and the exit codes they map to (in one place).

| code | meaning |
|---|---|
| 0 | success; the data conforms |
| 1 | the data does not conform, or a query failed |
| 2 | usage or input error: a bad option, file, parameter, date or IRI; a remote store
  that is unreachable, refuses the credentials or fails |
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_NONCONFORMING = 1
EXIT_USAGE = 2


class CcgraphError(Exception):
    """An error with a one-line message for people and an exit code."""

    exit_code = EXIT_USAGE


class InputError(CcgraphError):
    """A malformed or unreadable input file, parameter or value."""

    @classmethod
    def at(cls, path: Path | str, line: int | None, message: str) -> InputError:
        where = f"{path}:{line}" if line else str(path)
        return cls(f"{where}: {message}")


class UsageError(CcgraphError):
    """A command used the wrong way (unknown option value, missing argument)."""


class StoreError(CcgraphError):
    """A remote store that cannot be reached, refuses the credentials or fails (5xx)."""


class QueryError(CcgraphError):
    """A query that is well-formed input but fails when it runs."""

    exit_code = EXIT_NONCONFORMING
