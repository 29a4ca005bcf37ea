"""The worker processes that answer the server's queries, so that no query can take it down.

Every call `function(store, *args)` runs in a worker process that holds its own read-only
handle on the store (the store object is pickled and reopened there). The event loop only
waits: it never parses or evaluates SPARQL.

- **Time.** A call that has not answered `timeout` seconds after it was asked for (waiting
  for a worker included) is given up with 503, and its worker is killed (SIGKILL: parsing,
  evaluation and serialisation all stop) and replaced.
- **Memory.** A watchdog reads each busy worker's resident memory every 0.1 s (Linux
  /proc) and kills the worker past `max_memory` bytes: 503, and a new worker.
- **Fairness.** At most `workers` calls run at once, and at most `per_client` of them for
  one client address; the others wait their turn (within their timeout), so one client
  sending never-ending queries holds `per_client` workers, not the endpoint.
- **Rebuilds.** A worker calls `store.refresh()` (when the store has it) before each call,
  so it answers from the store the pointer names now.

Workers are forked from a fork server that has already imported ccgraph (a new worker is
ready in milliseconds); they are started on demand, die with the server, and connect
nowhere: a hook refuses every socket connection from Python code in them, except to the
remote store they query.
"""

from __future__ import annotations

import asyncio
import atexit
import multiprocessing
import os
import pickle
import sys
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from ..errors import CcgraphError, InternalError, Refused, Unavailable, first_line

# what a worker runs: the modules of the functions the routes send it, and what they use
PRELOAD = ["ccgraph.web.sparql", "ccgraph.web.rest", "ccgraph.web.pages", "ccgraph.describe",
           "ccgraph.queries", "ccgraph.store", "ccgraph.store.remote", "pyoxigraph"]
WATCH_INTERVAL = 0.1
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True)
class Limits:
    """How much the workers may do: see the module's docstring."""

    timeout: float = 10.0
    workers: int = 4
    per_client: int = 2
    max_memory: int = 320 * 2**20


def _context() -> Any:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


class Worker:
    """One worker process and the pipe to it."""

    def __init__(self, context: Any, store: bytes, environ: dict[str, str]):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_main, args=(child, store, environ),
                                       daemon=True, name="ccgraph-worker")
        self.process.start()
        child.close()
        self.stopped: str | None = None  # why the pool killed it

    def rss(self) -> int:
        try:
            with open(f"/proc/{self.process.pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * _PAGE
        except (OSError, ValueError, IndexError):
            return 0

    def kill(self, reason: str) -> None:
        self.stopped = reason
        try:
            self.process.kill()
        except (OSError, ValueError):
            pass

    def close(self) -> None:
        self.kill("the server is stopping")
        self.process.join(timeout=1)
        self.connection.close()


class Pool:
    """Worker processes over one store; `await pool.call(client, function, *args)`."""

    def __init__(self, store: Any, limits: Limits = Limits()):
        self.limits = limits
        self._store = store
        self._blob: bytes | None = None
        self._context = _context()
        self._condition = threading.Condition()
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._starting = 0
        self._clients: dict[str, int] = {}
        self._closed = False
        # threads that wait for workers (blocked, cheap): the event loop never does
        self._waiters = ThreadPoolExecutor(max_workers=64, thread_name_prefix="ccgraph-wait")
        self._watchdog = threading.Thread(target=self._watch, daemon=True,
                                          name="ccgraph-watchdog")
        self._watchdog.start()
        atexit.register(_close_quietly, weakref.ref(self))

    # --- the public side -------------------------------------------------------------

    async def call(self, client: str, function: Callable[..., Any], *args: Any) -> Any:
        """`function(store, *args)` in a worker; its value, or the CcgraphError it raised
        (any other exception arrives as an InternalError)."""
        deadline = time.monotonic() + self.limits.timeout
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._waiters, self._call, client, deadline,
                                          function, args)

    def close(self) -> None:
        with self._condition:
            self._closed = True
            workers = [*self._idle, *self._busy]
            self._idle.clear()
            self._condition.notify_all()
        for worker in workers:
            worker.close()
        self._waiters.shutdown(wait=False, cancel_futures=True)

    def processes(self) -> list[int]:
        """The process ids of the live workers (for measurements)."""
        with self._condition:
            return [w.process.pid for w in (*self._idle, *self._busy) if w.process.pid]

    # --- inside a waiting thread -----------------------------------------------------

    def _call(self, client: str, deadline: float, function: Callable[..., Any],
              args: tuple) -> Any:
        worker = self._acquire(client, deadline)
        try:
            reply = self._ask(worker, (function, args), deadline)
        finally:
            self._leave(client)
        if reply[0] == "ok":
            return reply[1]
        raise reply[1]

    def _ask(self, worker: Worker, job: tuple, deadline: float) -> tuple:
        try:
            worker.connection.send(job)
            if worker.connection.poll(max(0.0, deadline - time.monotonic())):
                reply = worker.connection.recv()
                self._release(worker)
                return reply
            worker.kill(f"the query ran longer than {self.limits.timeout:g} s and was "
                        "stopped")
        except (EOFError, OSError):
            pass
        except pickle.PicklingError as error:
            self._release(worker)
            raise InternalError(f"internal error: {error}") from None
        self._discard(worker)
        raise Unavailable(worker.stopped or "the query's worker died; try again")

    def _acquire(self, client: str, deadline: float) -> Worker:
        """An idle worker (started if there is room) for `client`, or 503 at the deadline."""
        worker: Worker | None = None
        with self._condition:
            while True:
                if self._closed:
                    raise Unavailable("the server is stopping")
                if self._clients.get(client, 0) < self.limits.per_client:
                    if self._idle:
                        worker = self._idle.pop()
                        break
                    if len(self._busy) + self._starting < self.limits.workers:
                        self._starting += 1
                        break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise Unavailable("the endpoint is busy: no worker was free within "
                                       f"{self.limits.timeout:g} s; try again later")
                self._condition.wait(remaining)
            self._clients[client] = self._clients.get(client, 0) + 1
            if worker is not None:
                self._busy.add(worker)
                return worker
        try:
            started = self._start(deadline)
        except BaseException:
            with self._condition:
                self._starting -= 1
            self._leave(client)
            raise
        with self._condition:
            self._starting -= 1
            self._busy.add(started)
        return started

    def _leave(self, client: str) -> None:
        """`client` has one call fewer under way."""
        with self._condition:
            self._clients[client] -= 1
            if not self._clients[client]:
                del self._clients[client]
            self._condition.notify_all()

    def _start(self, deadline: float) -> Worker:
        if self._blob is None:
            self._blob = pickle.dumps(self._store)
        worker = Worker(self._context, self._blob, dict(os.environ))
        wait = max(deadline - time.monotonic(), 5.0)  # a first start loads the fork server
        try:
            if worker.connection.poll(wait):
                reply = worker.connection.recv()
            else:
                reply = ("error", Unavailable("a worker did not start in time; try again"))
        except (EOFError, OSError):
            reply = ("error", Unavailable("a worker could not start"))
        if reply[0] != "ready":
            worker.close()
            raise reply[1]
        return worker

    def _release(self, worker: Worker) -> None:
        # a worker left big by its last answer is replaced rather than kept idle
        retire = self._closed or worker.rss() > self.limits.max_memory * 3 // 4
        with self._condition:
            self._busy.discard(worker)
            if not retire:
                self._idle.append(worker)
            self._condition.notify_all()
        if retire:
            worker.close()

    def _discard(self, worker: Worker) -> None:
        with self._condition:
            self._busy.discard(worker)
            self._condition.notify_all()
        worker.kill(worker.stopped or "discarded")
        worker.process.join(timeout=2)
        worker.connection.close()

    def _watch(self) -> None:
        while not self._closed:
            time.sleep(WATCH_INTERVAL)
            with self._condition:
                busy = list(self._busy)
            for worker in busy:
                if worker.rss() > self.limits.max_memory:
                    worker.kill(f"the query used more than {self.limits.max_memory // 2**20} "
                                "MB of memory and was stopped")


def _close_quietly(reference: weakref.ref) -> None:
    pool = reference()
    if pool is not None:
        pool.close()


# --- inside a worker process ---------------------------------------------------------


def _main(connection: Any, blob: bytes, environ: dict[str, str]) -> None:
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
            function, args = connection.recv()
        except (EOFError, OSError):
            return
        try:
            refresh = getattr(store, "refresh", None)
            if refresh is not None:
                refresh()
            reply: tuple = ("ok", function(store, *args))
        except Exception as error:
            reply = ("error", _as_error(error))
        try:
            connection.send(reply)
        except (pickle.PicklingError, TypeError, AttributeError) as error:
            connection.send(("error", InternalError(f"internal error: an answer that cannot "
                                                    f"be sent ({type(error).__name__})")))


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
