"""The answer a worker of `ccgraph.web.pool` streams, as the server reads it: `Stream`."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from ..errors import Unavailable


class Stream:
    """What a worker writes for one `Pool.stream` call, chunk by chunk (`async for`). It
    raises Unavailable (the timeout, the memory cap, a dead worker) or the worker's own
    error when the answer breaks off after it began. `aclose()` it in every case: a stream
    closed before its end stops its worker."""

    def __init__(self, pool: Any, worker: Any, client: str, deadline: float):
        # (`pool`: the `ccgraph.web.pool.Pool` that gave it `worker`, one of its `Worker`s)
        self.pool, self.worker, self.client, self.deadline = pool, worker, client, deadline
        self.first = b""  # the first chunk, which came with the head
        self.whole = False  # that chunk is the whole answer
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

    # --- inside a waiting thread (or on the event loop, once the pipe is readable) -----

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


def abandon(future: Any) -> None:
    """Once the `Pool._open` of `future` is done: its stream abandoned (nobody reads it)."""
    if not future.cancelled() and future.exception() is None:
        future.result()[1].abandon()


__all__ = ["Stream", "abandon"]
