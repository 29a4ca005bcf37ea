"""The worker processes that answer the server's queries, so that no query can take it down.

Every call `function(store, *args)` runs in a worker process with its own read-only handle
on the store (pickled and reopened there); the event loop never parses or runs SPARQL.

- **Time.** A call not answered `timeout` seconds after it was asked for (the wait for a
  worker included) gets 503; its worker is killed (SIGKILL) and replaced.
- **Memory.** A watchdog reads each busy worker's resident memory every 0.1 s (Linux
  /proc) and kills it past `max_memory` bytes: 503, and a new worker.
- **Fairness.** At most `workers` calls at once, at most `per_client` of them for one
  client address; the others wait their turn (within their timeout), in threads. A call
  for which a worker is free at once, and none waits, is sent from the event loop, which
  then watches the worker's pipe (no thread: the cost of a small query is the server's).
- **Rebuilds.** A worker calls `store.refresh()` (when the store has it) before each call.

Two kinds of call: `call` sends back the function's value whole; `stream` runs
`function(store, sink, *args)` (`ccgraph.web.worker`), which declares a head and writes its
answer in chunks over the worker's pipe (an answer of one chunk comes whole, with its head);
the server reads a chunk only when the client has taken the one before, so the pipe blocks
the worker and memory stays bounded. An error met before the first chunk is answered as an
error; one met after it (a failure, the timeout — which covers the delivery too — or the
memory cap) breaks the response off (`Stream` raises): never a complete-looking answer. A
client that leaves stops its worker.

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
from .stream import Stream, abandon
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
        with suppress(OSError, ValueError):
            self.process.kill()

    def close(self) -> None:
        self.kill("the server is stopping")
        self.process.join(timeout=1)
        self.connection.close()


class Pool:
    """Worker processes over one store; `await pool.call(client, function, *args)`."""

    def __init__(self, store: Any, limits: Limits = Limits()):
        self.limits, self._store, self._blob = limits, store, b""
        self._context = _context()
        self._condition = threading.Condition()
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._starting, self._waiting = 0, 0  # workers starting, threads waiting for one
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
        worker = self._take_idle(client)
        if worker is None:
            return await loop.run_in_executor(self._waiters, self._call, client, deadline,
                                              function, args)
        try:  # a worker was free: asked, and its pipe watched, from the event loop
            ready = await self._sent(worker, ("call", function, args), deadline,
                                     lambda keep: self._settle(worker, keep))
        except asyncio.CancelledError:  # the client left: its turn ends with the call
            self._aside(self._replied, client, worker, deadline)
            raise
        except BaseException:  # not sent (the worker is settled)
            self._leave(client)
            raise
        reply = self._replied(client, worker, deadline) if ready else \
            await loop.run_in_executor(self._waiters, self._replied, client, worker, deadline)
        if reply[0] == "ok":
            return reply[1]
        raise reply[1]

    async def stream(self, client: str, function: Callable[..., Any],
                     *args: Any) -> tuple[Any, Stream]:
        """`function(store, sink, *args)` in a worker: the head it gave `sink.start` and the
        `Stream` of what it writes, once its first chunk is ready; or the CcgraphError it
        raised before that. The caller must `aclose()` the stream."""
        deadline = time.monotonic() + self.limits.timeout
        worker = self._take_idle(client)
        if worker is not None:  # free: asked, and its pipe watched, from the event loop
            stream = Stream(self, worker, client, deadline)
            try:
                ready = await self._sent(worker, ("stream", function, args), deadline,
                                         stream.settle)
            except asyncio.CancelledError:  # nobody will read it: stop its worker
                self._aside(stream.abandon)
                raise
            message = stream.receive() if ready else await asyncio.get_running_loop(
            ).run_in_executor(self._waiters, stream.receive)
            return self._started(stream, message)
        future = self._waiters.submit(self._open, client, deadline, function, args)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:  # nobody will read it: stop its worker when it opens
            future.add_done_callback(abandon)
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

    # --- on the event loop, for a worker that is free --------------------------------

    def _take_idle(self, client: str) -> Worker | None:
        """An idle worker for `client` if one is free now, no call waits for one (those
        come first), and the client may run one more call; else None."""
        with self._condition:
            if (self._closed or not self._idle or self._waiting
                    or self._clients.get(client, 0) >= self.limits.per_client):
                return None
            worker = self._idle.pop()
            self._busy.add(worker)
            self._clients[client] = self._clients.get(client, 0) + 1
            return worker

    async def _sent(self, worker: Worker, message: tuple, deadline: float,
                    settle: Callable[[bool], None]) -> bool:
        """`message` sent to `worker`; whether its reply is ready before `deadline`, waited
        for without blocking the event loop (the loop watches the pipe)."""
        self._send(worker, message, settle)
        loop = asyncio.get_running_loop()
        ready = loop.create_future()
        fd = worker.connection.fileno()
        timer = loop.call_later(max(0.0, deadline - time.monotonic()), _settle, ready, False)
        loop.add_reader(fd, _settle, ready, True)
        try:
            return await ready
        finally:
            timer.cancel()
            loop.remove_reader(fd)

    def _aside(self, function: Callable[..., Any], *args: Any) -> None:
        """`function(*args)` in a waiting thread, its outcome dropped."""
        with suppress(RuntimeError):  # (the pool closed meanwhile)
            self._waiters.submit(function, *args)

    # --- inside a waiting thread -----------------------------------------------------

    def _call(self, client: str, deadline: float, function: Callable[..., Any],
              args: tuple) -> Any:
        worker = self._acquire(client, deadline)
        try:
            self._send(worker, ("call", function, args),
                       lambda keep: self._settle(worker, keep))
        except BaseException:
            self._leave(client)
            raise
        reply = self._replied(client, worker, deadline)
        if reply[0] == "ok":
            return reply[1]
        raise reply[1]

    def _open(self, client: str, deadline: float, function: Callable[..., Any],
              args: tuple) -> tuple[Any, Stream]:
        stream = Stream(self, self._acquire(client, deadline), client, deadline)
        self._send(stream.worker, ("stream", function, args), stream.settle)
        return self._started(stream, stream.receive())

    def _started(self, stream: Stream, message: tuple) -> tuple[Any, Stream]:
        """The head and the stream, from the first message of a streamed answer."""
        if message[0] in ("head", "whole"):
            stream.first = message[2]
            if message[0] == "whole":  # the answer came whole: the worker is free again
                stream.whole = stream._ended = True
                stream.settle(keep=True)
            return message[1], stream
        if message[0] == "error":
            stream.settle(keep=True)
        raise message[1]

    def _send(self, worker: Worker, message: tuple, settle: Callable[[bool], None]) -> None:
        """`message` to `worker`; if it cannot be sent, `settle(keep)` and the error."""
        try:
            worker.connection.send(message)
        except pickle.PicklingError as error:
            settle(True)
            raise InternalError(f"internal error: {error}") from None
        except (OSError, ValueError):
            settle(False)
            raise Unavailable("the query's worker died; try again") from None

    def _replied(self, client: str, worker: Worker, deadline: float) -> tuple:
        """The reply to a `call` of `client`, once it comes (at the deadline the worker is
        killed); then the client's turn is over."""
        try:
            return self._reply(worker, deadline)
        finally:
            self._leave(client)

    def _reply(self, worker: Worker, deadline: float) -> tuple:
        try:
            if worker.connection.poll(max(0.0, deadline - time.monotonic())):
                reply = worker.connection.recv()
                self._release(worker)
                return reply
            worker.kill(self._too_long())
        except (EOFError, OSError):
            pass  # the worker died: replaced below
        self._discard(worker)
        raise Unavailable(worker.stopped or "the query's worker died; try again")

    def _settle(self, worker: Worker, keep: bool) -> None:
        (self._release if keep else self._discard)(worker)

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
                self._waiting += 1
                try:
                    self._condition.wait(remaining)
                finally:
                    self._waiting -= 1
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
        self._blob = self._blob or pickle.dumps(self._store)
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


def _settle(future: asyncio.Future, value: bool) -> None:
    if not future.done():
        future.set_result(value)


def _close_quietly(reference: weakref.ref) -> None:
    if (pool := reference()) is not None:
        pool.close()
