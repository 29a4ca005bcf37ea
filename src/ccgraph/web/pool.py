"""The worker processes that answer the server's queries, so that no query can take it down.

Every call `function(store, *args)` runs in a worker process with its own read-only handle
on the store (pickled and reopened there); the event loop never parses or runs SPARQL.

- **Time.** A call not answered `timeout` seconds after it was asked for (the wait for a
  worker included) gets 503; its worker is killed (SIGKILL) and replaced.
- **Memory.** A watchdog reads each busy worker's resident memory every 0.1 s (Linux
  /proc) and kills it past `max_memory` bytes: 503, and a new worker.
- **Fairness.** At most `workers` calls at once, at most `per_client` of them for one
  client address; the others wait their turn (within their timeout).
- **Rebuilds.** A worker calls `store.refresh()` (when the store has it) before each call.

Two kinds of call: `call` sends back the function's value whole; `stream` runs
`function(store, sink, *args)` (`ccgraph.web.worker`), which declares a head and writes its
answer in chunks over the worker's pipe; the server reads a chunk only when the client has
taken the one before, so the pipe blocks the worker and memory stays bounded. An error met
before the first chunk is answered as an error; one met after it (a failure, the timeout —
which covers the delivery too — or the memory cap) breaks the response off (`Stream`
raises): never a complete-looking answer. A client that leaves stops its worker.

Workers are forked, on demand, from a fork server that has imported ccgraph; they die
with the server and connect nowhere but to the remote store they query.
"""

from __future__ import annotations

import asyncio
import atexit
import multiprocessing
import os
import pickle
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from ..errors import InternalError, Unavailable
from .worker import main

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
        self.process = context.Process(target=main, args=(child, store, environ),
                                       daemon=True, name="ccgraph-worker")
        self.process.start()
        child.close()
        self.stopped: str | None = None  # why the pool killed it
        self.stream: Stream | None = None  # the answer it is streaming, if it is

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

    async def stream(self, client: str, function: Callable[..., Any],
                     *args: Any) -> tuple[Any, Stream]:
        """`function(store, sink, *args)` in a worker: the head it gave `sink.start` and the
        `Stream` of what it writes, once its first chunk is ready; or the CcgraphError it
        raised before that. The caller must `aclose()` the stream."""
        deadline = time.monotonic() + self.limits.timeout
        future = self._waiters.submit(self._open, client, deadline, function, args)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:  # nobody will read it: stop its worker when it opens
            future.add_done_callback(_abandon)
            raise

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

    def _open(self, client: str, deadline: float, function: Callable[..., Any],
              args: tuple) -> tuple[Any, Stream]:
        stream = Stream(self, self._acquire(client, deadline), client, deadline)
        try:
            stream.worker.connection.send(("stream", function, args))
        except pickle.PicklingError as error:
            stream.settle(keep=True)
            raise InternalError(f"internal error: {error}") from None
        except (OSError, ValueError):
            stream.settle(keep=False)
            raise Unavailable("the query's worker died; try again") from None
        message = stream.receive()
        if message[0] == "head":
            stream.first = message[2]
            return message[1], stream
        if message[0] == "error":
            stream.settle(keep=True)
        raise message[1]

    def _ask(self, worker: Worker, job: tuple, deadline: float) -> tuple:
        try:
            worker.connection.send(("call", *job))
            if worker.connection.poll(max(0.0, deadline - time.monotonic())):
                reply = worker.connection.recv()
                self._release(worker)
                return reply
            worker.kill(self._too_long())
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
        retire = (self._closed or worker.stopped is not None
                  or worker.rss() > self.limits.max_memory * 3 // 4)
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
                stream = worker.stream
                if worker.rss() > self.limits.max_memory:
                    worker.kill(f"the query used more than {self.limits.max_memory // 2**20} "
                                "MB of memory and was stopped")
                elif stream is not None and time.monotonic() > stream.deadline:
                    # a streaming worker whose client stopped reading: nobody else looks
                    worker.kill(self._too_long())
                else:
                    continue
                if stream is not None:  # its place is free at once, read or not
                    with suppress(RuntimeError):  # (the pool closed meanwhile)
                        self._waiters.submit(stream.settle, False)

    def _too_long(self) -> str:
        return f"the query ran longer than {self.limits.timeout:g} s and was stopped"


class Stream:
    """What a worker writes for one `Pool.stream` call, chunk by chunk (`async for`). It
    raises Unavailable (the timeout, the memory cap, a dead worker) or the worker's own
    error when the answer breaks off after it began. `aclose()` it in every case: a stream
    closed before its end stops its worker."""

    def __init__(self, pool: Pool, worker: Worker, client: str, deadline: float):
        self.pool, self.worker, self.client, self.deadline = pool, worker, client, deadline
        self.first = b""  # the first chunk, which came with the head
        self._lock = threading.Lock()
        self._settled = False  # the worker was given back, and the client's turn
        self._ended = False  # the worker said the answer is whole
        worker.stream = self

    def __aiter__(self) -> Stream:
        return self

    async def __anext__(self) -> bytes:
        if self.first:
            chunk, self.first = self.first, b""
            return chunk
        if self._settled:  # ended, or stopped meanwhile (by the watchdog): never a quiet end
            if self._ended:
                raise StopAsyncIteration
            raise Unavailable(self.worker.stopped or "the answer was stopped")
        loop = asyncio.get_running_loop()
        message = await loop.run_in_executor(self.pool._waiters, self.receive)
        if message[0] == "data":
            return message[1]
        if message[0] == "end":
            raise StopAsyncIteration
        raise message[1]  # broken (the worker's error) or lost (timeout, memory, death)

    async def aclose(self) -> None:
        if self._settled:
            return
        self.worker.kill("the answer was left before its end")
        await asyncio.get_running_loop().run_in_executor(self.pool._waiters, self.settle,
                                                         False)

    def abandon(self) -> None:
        """`aclose`, from a thread."""
        if not self._settled:
            self.worker.kill("the answer was left before its end")
            self.settle(keep=False)

    # --- inside a waiting thread -----------------------------------------------------

    def receive(self) -> tuple:
        """The worker's next message; at the deadline or the worker's death ("lost", the
        error). The worker is given back when its stream ends, and replaced when it is lost."""
        worker = self.worker
        try:
            if worker.connection.poll(max(0.0, self.deadline - time.monotonic())):
                message = worker.connection.recv()
                if message[0] == "end":
                    self._ended = True
                if message[0] in ("end", "broken"):  # ("error": `Pool._open` gives it back)
                    self.settle(keep=True)
                return message
            worker.kill(self.pool._too_long())
        except (EOFError, OSError, ValueError):
            pass
        self.settle(keep=False)
        return ("lost", Unavailable(worker.stopped or "the query's worker died; try again"))

    def settle(self, keep: bool) -> None:
        """Once: the worker back to the idle ones (`keep`) or replaced; the client's turn."""
        with self._lock:
            if self._settled:
                return
            self._settled = True
        self.worker.stream = None
        if keep:
            self.pool._release(self.worker)
        else:
            self.pool._discard(self.worker)
        self.pool._leave(self.client)


def _abandon(future: Any) -> None:
    if not future.cancelled() and future.exception() is None:
        future.result()[1].abandon()


def _close_quietly(reference: weakref.ref) -> None:
    pool = reference()
    if pool is not None:
        pool.close()
