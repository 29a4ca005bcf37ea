"""One installer at a time: the tests install what they need (Oxigraph server by pip,
Virtuoso and Chromium by apt-get) when it is missing, and the suite runs in several
worker processes (pytest-xdist), so two workers may find the same thing missing at once.
`installing(name)` holds an exclusive lock (a file in the temporary folder, shared by every
worker of every run on the machine) while one worker checks and installs; the others wait,
then find it installed."""

from __future__ import annotations

import contextlib
import fcntl
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def installing(name: str) -> Iterator[None]:
    """Hold the install lock of `name` (dpkg's own lock makes every apt-get one name)."""
    path = Path(tempfile.gettempdir()) / f"ccgraph-tests-install-{name}.lock"
    with path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
