"""Exports of the graph for linked-data consumers, and atomic writing of them.

TriG keeps one named graph per source; the other formats carry the merge of the graphs
(each triple once). JSON-LD is compacted with the project's own context
(`ontology/context.jsonld`), embedded in the document: no remote context is referenced
or fetched. Prefixes are the project's, always the same.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from rdflib import Dataset

from . import formats
from .errors import InputError
from .sources import ROOT
from .store import merged

CONTEXT_FILE = ROOT / "ontology" / "context.jsonld"


def context() -> dict:
    """The JSON-LD @context object of the project (the value of its "@context" key)."""
    return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]


def serialize(dataset: Dataset, fmt: str) -> bytes:
    """The dataset in format `fmt`, one of `formats.EXPORTS` (or `formats.DUMPS`)."""
    if fmt not in (*formats.EXPORTS, *formats.DUMPS):
        allowed = ", ".join(formats.EXPORTS)
        raise InputError(f"unknown export format {fmt!r} (allowed: {allowed})")
    rdflib_format = formats.rdflib_format(fmt)
    if formats.get(fmt).carries == "dataset":
        return dataset.serialize(format=rdflib_format, encoding="utf-8")
    graph = merged(dataset)
    if fmt == "jsonld":
        text = graph.serialize(format="json-ld", context=context(), auto_compact=True)
        return text.encode("utf-8")
    return graph.serialize(format=rdflib_format, encoding="utf-8")


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename:
    on any failure the old file is untouched and no partial file is left."""
    folder = writable_folder(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # as open() would make it, not mkstemp's 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write: {error.strerror or error}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def writable_folder(path: Path) -> Path:
    """The folder `path` is to be written in; an input error when there is none (checked
    before an export's work as well as at the write)."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"{path}: no such folder {folder}")
    return folder


def _umask() -> int:
    """The process's umask (read by setting it, then putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
