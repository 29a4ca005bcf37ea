"""The embedded store on disk: where it lives, when it is rebuilt, and how a build is put
in place.

A store is built from the sources on first use and rebuilt when their content hash (the
`fingerprint`) changes. A build goes to a folder aside and is then switched in by
atomically replacing a pointer file, so a failed build leaves the previous store answering
and a reader (`ccgraph.store.embedded`) never sees half a store.

The data directory, shared by every process of the user (all locks are `flock`s, so a
killed process holds none):

    build.lock                   exclusive while a build runs: one builder at a time
    current                      the pointer: the name of the store to open
    store-<fingerprint>-<id>/    a store, never changed once built; the id is new each build
    store-<fingerprint>-<id>.lock   shared by every process that has that store open
    building-<random>/           a build under way (or one that was killed)

A builder, under the build lock, writes the store aside, renames it into place, switches
the pointer, then removes every other store whose lock it can take exclusively without
waiting (one still open stays for a later build), along with whatever killed builds left.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, StoreError
from ..layout import digest, watched_files
from ..naming import base, slug
from ..version import __version__
from .base import first_line

if TYPE_CHECKING:
    from rdflib import Dataset

STORE_ENV = "CCGRAPH_DATA_DIR"
POINTER = "current"
BUILD_LOCK = "build.lock"
STORE_NAME = re.compile(r"store-(?P<fingerprint>[\w.-]+)-(?P<id>[0-9a-f]{8})")


def source_files() -> list[Path]:
    """The files the store is built from: the ontology and every data file."""
    from ..sources import ONTOLOGY_FILE, data_files

    return [ONTOLOGY_FILE, *data_files()]


def fingerprint() -> str:
    """Content hash of the sources (`layout.watched_files`: read at every start, so with
    no RDF library), the package version and the base IRI."""
    return f"{digest(watched_files())[:24]}-{__version__}-{slug(base())[:40]}"


def default_location() -> Path:
    """$CCGRAPH_DATA_DIR, else the user's data folder for ccgraph (platformdirs')."""
    configured = os.environ.get(STORE_ENV)
    if configured:
        return Path(configured)
    return Path(_user_data_dir())


def _user_data_dir() -> str:
    """platformdirs' `user_data_dir("ccgraph")`. On Linux (not Android) with an absolute
    $HOME, worked out here by the same XDG rule ($XDG_DATA_HOME if absolute, else
    ~/.local/share; tests/test_light_path.py checks that the two agree): importing
    platformdirs, which imports tempfile and shutil, costs a saved query's start 12 ms."""
    home, data = os.environ.get("HOME", ""), os.environ.get("XDG_DATA_HOME", "")
    android = hasattr(sys, "getandroidapilevel") or "ANDROID_DATA" in os.environ
    if sys.platform == "linux" and not android and os.path.isabs(home):
        return os.path.join(data if os.path.isabs(data) else
                            os.path.expanduser("~/.local/share"), "ccgraph")
    import platformdirs

    return platformdirs.user_data_dir("ccgraph", appauthor=False)


# --- the layout ---------------------------------------------------------------------


def lock_file(folder: Path) -> Path:
    """The reader lock file of a store folder."""
    return folder.with_name(folder.name + ".lock")


def pointed(location: Path) -> str | None:
    """The store name the pointer file holds, if there is a well-formed one."""
    try:
        name = (location / POINTER).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise unreadable(location, error) from None
    return name if STORE_NAME.fullmatch(name) else None


def current_store(location: Path) -> Path | None:
    """The store folder the pointer names, if it is in place (folder and reader lock)."""
    name = pointed(location)
    if name is None:
        return None
    path = location / name
    return path if path.is_dir() and lock_file(path).is_file() else None


def built_from_sources(path: Path | None) -> bool:
    """Whether the store folder `path` was built from the sources as they are now."""
    match = STORE_NAME.fullmatch(path.name) if path is not None else None
    return match is not None and match["fingerprint"] == fingerprint()


def reason(error: Exception) -> str:
    """Why a file operation (or RocksDB) failed, in a few words."""
    code = getattr(error, "errno", None)
    if code:
        return os.strerror(code)
    return first_line(error).rsplit(": ", 1)[-1]  # RocksDB: "IO error: While ...: reason"


def unreadable(where: Path, error: OSError) -> StoreError:
    return StoreError(f"cannot read the store in {where}: {reason(error)} "
                      f"(choose another folder with --data-dir or {STORE_ENV})")


def _unwritable(location: Path, error: OSError) -> StoreError:
    why = reason(error)
    if error.errno in (errno.ENOSPC, errno.EDQUOT) or why in (
        os.strerror(errno.ENOSPC), os.strerror(errno.EDQUOT)
    ):
        advice = "free some space, or choose another folder"
    else:
        advice = "choose a writable folder"
    return StoreError(f"cannot write the store in {location}: {why} "
                      f"({advice} with --data-dir or {STORE_ENV})")


# --- building -----------------------------------------------------------------------


@contextmanager
def _build_lock(location: Path) -> Iterator[None]:
    """Held by one builder at a time; the others wait here."""
    try:
        location.mkdir(parents=True, exist_ok=True)
        fd = os.open(location / BUILD_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        try:  # a read-only folder can still say its store is current
            fd = os.open(location / BUILD_LOCK, os.O_RDONLY)
        except OSError:
            raise _unwritable(location, error) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def build(location: Path | None = None, *, force: bool = False) -> Path:
    """Build the store aside from the sources, then switch the pointer to it atomically.

    Returns the folder of the store now current. Without `force`, a store already built
    from the same sources is kept as it is. One build runs at a time; a second waits for
    the first, then finds its store. Whatever builds that were killed left is removed.
    """
    location = location or default_location()
    with _build_lock(location):
        _clean(location, keep={pointed(location) or ""})
        current = current_store(location)
        if not force and built_from_sources(current):
            assert current is not None
            return current

        from ..sources import load_dataset

        name = f"store-{fingerprint()}"  # before loading: if a source changes meanwhile,
        dataset = load_dataset()  # the next check rebuilds; InputError changes nothing
        try:
            target = _write(location, name, dataset)
            _point_to(location, target)
        except OSError as error:
            raise _unwritable(location, error) from None
        _clean(location, keep={target.name})
        return target


def _write(location: Path, name: str, dataset: Dataset) -> Path:
    """The dataset as a complete store folder in place, with its reader lock file; not yet
    pointed to."""
    import secrets
    import shutil
    import tempfile

    import pyoxigraph as ox

    aside = Path(tempfile.mkdtemp(prefix="building-", dir=location))
    target = None
    try:
        store = ox.Store(str(aside))
        named, union = _quads(dataset)
        store.bulk_extend(named)
        # The default graph holds the RDF merge of the named graphs (a set: Oxigraph's own
        # union default graph repeats a triple that two sources state).
        store.bulk_extend(union)
        store.flush()
        store.optimize()
        del store
        target = location / f"{name}-{secrets.token_hex(4)}"
        while target.exists() or lock_file(target).exists():
            target = location / f"{name}-{secrets.token_hex(4)}"
        lock_file(target).touch(exist_ok=False)  # the lock file is there before the store
        os.rename(aside, target)
        return target
    except BaseException:
        shutil.rmtree(aside, ignore_errors=True)
        if target is not None and not target.exists():
            with suppress(OSError):
                lock_file(target).unlink()
        raise


def _quads(dataset: Dataset) -> tuple[list, list]:
    """(every quad of `dataset`, the RDF merge of its graphs in the default graph), as
    pyoxigraph quads: made term by term, each distinct term once, in a third of the time
    rdflib took to write them as N-Quads for Oxigraph to read back."""
    import pyoxigraph as ox

    from .terms import to_oxigraph

    made: dict = {}

    def term(node):
        found = made.get(node)
        if found is None:
            found = made[node] = to_oxigraph(node)
        return found

    named, union, seen = [], [], set()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        try:
            triple = (term(s), term(p), term(o))
        except ValueError as error:  # an IRI rdflib read but RDF does not allow
            bad = next(n for n in (s, p, o) if n not in made)
            raise InputError(f"<{bad}> in graph <{g}>: not an IRI ({error})") from None
        named.append(ox.Quad(*triple, term(g)))
        if (s, p, o) not in seen:
            seen.add((s, p, o))
            union.append(ox.Quad(*triple))
    return named, union


def _point_to(location: Path, target: Path) -> None:
    import tempfile  # (not imported where the store is only read: it costs a start 5 ms)

    fd, tmp = tempfile.mkstemp(prefix=".pointer-", dir=location)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(target.name + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, location / POINTER)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


# --- cleaning -----------------------------------------------------------------------


def _clean(location: Path, keep: set[str]) -> None:
    """Under the build lock: remove the stores not in `keep` that no process has open, and
    what killed builds left (their folders, pointer drafts, lock files of no store).
    Best effort: what cannot be removed now is left for a later build."""
    import shutil

    try:
        paths = sorted(location.iterdir())
    except OSError:
        return
    for path in paths:
        name = path.name
        store = location / name.removesuffix(".lock")
        with suppress(OSError):
            if store.name in keep:
                continue
            if name.startswith(("building-", "retired-")):  # retired-: an earlier layout
                shutil.rmtree(path)
            elif name.startswith(".pointer-"):
                path.unlink()
            elif name.startswith("store-") and (path == store or not store.exists()):
                _remove_store(store)  # a store, or the lock file of a store that is gone


def _remove_store(folder: Path) -> None:
    """Remove a store folder and its lock file, unless a reader holds the lock."""
    import shutil

    lock = lock_file(folder)
    try:
        fd: int | None = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        fd = None  # no reader opens a store without its lock file
    try:
        if fd is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # open somewhere: a later build removes it
        shutil.rmtree(folder, ignore_errors=True)
        if fd is not None and not folder.exists():
            lock.unlink()  # last, so a folder is never left without its lock file
    finally:
        if fd is not None:
            os.close(fd)
