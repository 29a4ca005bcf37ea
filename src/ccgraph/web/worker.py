"""What runs inside a worker process of `ccgraph.web.pool`: open the store, refuse every
connection but the store's, then answer calls until the pipe closes; a streamed answer is
written into a `Sink`, which sends it over the pipe in chunks of CHUNK bytes (the pipe
blocks the worker while the server is behind)."""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable
from typing import Any

from ..errors import CcgraphError, InternalError, Refused, first_line

CHUNK = 64 * 1024  # bytes a streaming worker sends at once

def main(connection: Any, blob: bytes, environ: dict[str, str]) -> None:
    """A worker: open the store, then answer calls until the pipe closes."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when workers stop
    os.environ.clear()
    os.environ.update(environ)
    try:
        store = pickle.loads(blob)
        _forbid_connections(_allowed_addresses(store))
    except Exception as error:
        connection.send(("error", _as_error(error)))
        return
    connection.send(("ready",))
    while True:
        try:
            kind, function, args = connection.recv()
        except (EOFError, OSError):
            return
        if kind == "stream":
            try:
                _stream(connection, store, function, args)
            except OSError:  # the server is gone
                return
            continue
        try:
            _refresh(store)
            reply: tuple = ("ok", function(store, *args))
        except Exception as error:
            reply = ("error", _as_error(error))
        try:
            connection.send(reply)
        except (pickle.PicklingError, TypeError, AttributeError) as error:
            connection.send(("error", InternalError(f"internal error: an answer that cannot "
                                                    f"be sent ({type(error).__name__})")))


def _refresh(store: Any) -> None:
    refresh = getattr(store, "refresh", None)
    if refresh is not None:
        refresh()


class Sink:
    """Where a streaming worker function writes its answer: `start(head)` first, then
    `write(data)` (bytes or text, as often as it likes: a binary file for writers such as
    pyoxigraph's). Chunks of CHUNK bytes go to the server as they fill; the first carries
    the head, and nothing is sent before it is full or the function returns."""

    def __init__(self, connection: Any):
        self._connection = connection
        self._head: Any = None
        self._sent = False  # the head went with the first chunk
        self._parts: list[bytes] = []
        self._size = 0

    def start(self, head: Any) -> None:
        self._head = head

    def write(self, data: bytes | str) -> int:
        if isinstance(data, str):
            data = data.encode("utf-8")
        elif not isinstance(data, bytes):
            data = bytes(data)
        self._parts.append(data)
        self._size += len(data)
        if self._size >= CHUNK:
            self._send()
        return len(data)

    def flush(self) -> None:
        """Nothing: chunks go when they are full (writers call this at their end)."""

    def _send(self) -> None:
        if self._head is None:
            raise InternalError("internal error: an answer written before its head")
        data = b"".join(self._parts)
        self._parts, self._size = [], 0
        if self._sent:
            self._connection.send(("data", data))
        else:
            self._connection.send(("head", self._head, data))
            self._sent = True

    def end(self) -> None:
        """The answer is complete: an answer that fits in one chunk goes whole, in one
        message with its head (one round trip for the server); a longer one's last chunk
        goes, then the end."""
        if not self._sent:
            if self._head is None:
                raise InternalError("internal error: an answer without a head")
            self._connection.send(("whole", self._head, b"".join(self._parts)))
            self._sent = True
            return
        self._send()
        self._connection.send(("end",))

    def fail(self, error: CcgraphError) -> None:
        self._connection.send(("broken" if self._sent else "error", error))


def _stream(connection: Any, store: Any, function: Callable[..., Any], args: tuple) -> None:
    """One streaming call: `function(store, sink, *args)`, then the end of its stream, or
    its error (before the first chunk: an error answer; after: a broken stream)."""
    sink = Sink(connection)
    try:
        _refresh(store)
        function(store, sink, *args)
        sink.end()
    except ConnectionError:  # the pipe to the server: nothing more can be sent
        raise
    except Exception as error:
        sink.fail(_as_error(error))


def _as_error(error: Exception) -> CcgraphError:
    """An error raised in a worker as it crosses to the server: a CcgraphError as it is
    (one line), anything else as an InternalError."""
    if isinstance(error, CcgraphError):
        return type(error)(first_line(error))
    return InternalError(f"internal error: {type(error).__name__}: {first_line(error)}")


def _allowed_addresses(store: Any) -> set[tuple[str, int]]:
    """Where the store's own HTTP client may connect (a remote store's host), resolved."""
    import socket
    from urllib.parse import urlsplit

    allowed: set[tuple[str, int]] = set()
    for url in (getattr(store, "url", None), getattr(store, "gsp_url", None)):
        if not url:
            continue
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        for info in socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP):
            allowed.add((str(info[4][0]), port))
    return allowed


def _forbid_connections(allowed: set[tuple[str, int]]) -> None:
    """Refuse every socket connection made from Python in this process but to `allowed`
    (rdflib would run a SERVICE over urllib; audit hooks see every connect)."""

    def hook(event: str, args: tuple) -> None:
        if event == "socket.connect":
            address = args[1]
            if isinstance(address, tuple) and (str(address[0]), address[1]) in allowed:
                return
            raise Refused("ccgraph does not connect to other servers while answering "
                               f"a query (refused: {address!r})")

    sys.addaudithook(hook)
