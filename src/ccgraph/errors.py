"""The errors ccgraph reports, and what each one means to a shell and to HTTP: one table.

| class | exit code | HTTP status | meaning |
|---|---|---|---|
| `CcgraphError`, `InputError`, `UsageError` | 2 | 400 | a bad option, file, value or IRI |
| `Refused` | 2 | 400 | a query ccgraph will not run (SERVICE, LOAD, remote FROM) |
| `Forbidden` | 2 | 403 | an update sent to a read-only endpoint |
| `NotFound` | 2 | 404 | an unknown saved query, resource or file |
| `MethodNotAllowed` | 2 | 405 | an HTTP method a path does not answer |
| `NotAcceptable` | 2 | 406 | no format the client accepts |
| `TooLarge`, `UriTooLong` | 2 | 413, 414 | a request body or URL over its limit |
| `UnsupportedMedia` | 2 | 415 | a request body of a type ccgraph does not read |
| `StoreError` | 2 | 503 | a store that cannot be reached, read or written, or was removed |
| `Unavailable` | 2 | 503 | a query stopped at its time or memory limit; a busy endpoint |
| `QueryError` | 1 | 500 | a well-formed query that fails when it runs |
| (the data does not conform) | 1 | — | SHACL violations (`ccgraph validate`) |
| any other exception | 70 | 500 | a bug (`CCGRAPH_DEBUG=1` shows the traceback) |

The library raises these and knows nothing of shells or HTTP; the adapters (`ccgraph.cli`,
`ccgraph.web`) read `exit_code` and `status` off the class.
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_NONCONFORMING = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70
INTERNAL_STATUS = 500


class CcgraphError(Exception):
    """An error with a one-line message for people, an exit code and an HTTP status."""

    exit_code = EXIT_USAGE
    status = 400


class InputError(CcgraphError):
    """A malformed or unreadable input file, parameter or value."""

    @classmethod
    def at(cls, path: Path | str, line: int | None, message: str) -> InputError:
        where = f"{path}:{line}" if line else str(path)
        return cls(f"{where}: {message}")


class UsageError(CcgraphError):
    """A command used the wrong way (unknown option value, missing argument)."""


class Refused(InputError):
    """A query ccgraph will not run: it would reach the network (SERVICE, LOAD, FROM a
    graph the store does not hold)."""


class Forbidden(Refused):
    """An update sent where only queries are answered."""

    status = 403


class NotFound(InputError):
    """An unknown saved query, resource or file."""

    status = 404


class MethodNotAllowed(InputError):
    status = 405


class NotAcceptable(InputError):
    """None of the formats offered is acceptable to the client."""

    status = 406


class TooLarge(InputError):
    status = 413


class UriTooLong(InputError):
    status = 414


class UnsupportedMedia(InputError):
    status = 415


class StoreError(CcgraphError):
    """A store that cannot be reached, read or written, refuses the credentials, fails
    (5xx), or was removed while in use."""

    status = 503


class Unavailable(CcgraphError):
    """A query stopped at its time or memory limit, or an endpoint too busy to start it."""

    status = 503


class QueryError(CcgraphError):
    """A query that is well-formed input but fails when it runs."""

    exit_code = EXIT_NONCONFORMING
    status = 500


class InternalError(CcgraphError):
    """A bug: the message says what failed, `CCGRAPH_DEBUG=1` shows where."""

    exit_code = EXIT_INTERNAL
    status = INTERNAL_STATUS


def first_line(error: BaseException) -> str:
    """An error's message as one line (its type's name if it has none)."""
    return (str(error).strip() or type(error).__name__).splitlines()[0]
