"""Benchmark: answers stream from `ccgraph serve` (issue 12, point 5).

A real `ccgraph serve` process with its default settings (no row cap, a 10 s timeout) over
the built store; one query of 1,000,000 rows (a product of two VALUES blocks of 1,000
values each, cheap to work out) is downloaded as CSV and as SPARQL JSON. Printed for each:
the bytes received, the time to the first byte of the body and to the last, the rows
counted in the document (parsed whole: every pair of the product once), and the memory of
the server's processes (server, fork server, workers: resident set sizes summed, sampled
every 50 ms) at rest and at its peak during the download.

Run: python bench/streaming.py [--rows-per-side N] [--data-dir DIR]   (Linux: /proc)
Its functions are used by tests/web/test_streaming.py as well (which asserts completeness
and memory, not times).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))

import endpoint  # noqa: E402  (bench/endpoint.py: serving, tree_rss)

SIDE = 1000  # values per VALUES block: SIDE ** 2 rows
FORMATS = {"csv": "text/csv", "json": "application/sparql-results+json"}


def product(side: int = SIDE) -> str:
    """A SELECT of side × side rows (?a, ?b: the integers 1..side), cheap for the engine."""
    values = " ".join(str(n) for n in range(1, side + 1))
    return f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} }}"


@contextlib.contextmanager
def memory(pid: int, interval: float = 0.05) -> Iterator[dict]:
    """The resident memory of `pid` and its descendants: {"rest": before, "peak": the most
    seen while inside} (the peak is there once the block is left)."""
    figures = {"rest": endpoint.tree_rss(pid)}
    figures["peak"] = figures["rest"]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            figures["peak"] = max(figures["peak"], endpoint.tree_rss(pid))
            stop.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield figures
    finally:
        stop.set()
        sampler.join()
        figures["peak"] = max(figures["peak"], endpoint.tree_rss(pid))


def download(url: str, query: str, media: str, path: Path, timeout: float = 300) -> dict:
    """POST `query` to url/sparql asking for `media`, the body written to `path` as it
    comes; {"status", "bytes", "first": s to the body's first byte, "total": s to its end}.
    A response broken off raises httpx.RemoteProtocolError."""
    start = time.monotonic()
    first, size = None, 0
    with httpx.Client(timeout=timeout) as client, path.open("wb") as out:
        with client.stream("POST", f"{url}/sparql", content=query.encode(),
                           headers={"Content-Type": "application/sparql-query",
                                    "Accept": media}) as response:
            for chunk in response.iter_raw():
                if first is None:
                    first = time.monotonic() - start
                size += len(chunk)
                out.write(chunk)
    return {"status": response.status_code, "bytes": size, "first": first,
            "total": time.monotonic() - start}


def _seen(pairs: Iterator[tuple[int, int]], side: int) -> int:
    """How many pairs there are, once each pair (a, b) of 1..side was checked to come once."""
    seen = bytearray(side * side)
    count = 0
    for a, b in pairs:
        index = (a - 1) * side + (b - 1)
        if seen[index]:
            raise AssertionError(f"the pair ({a}, {b}) came twice")
        seen[index] = 1
        count += 1
    return count


def csv_rows(path: Path, side: int = SIDE) -> int:
    """The rows of a CSV answer to `product(side)`, checked: the header, then each pair
    once. AssertionError (or ValueError) when the document is not that."""
    with path.open(encoding="utf-8", newline="") as text:
        lines = iter(text)
        if next(lines) != "a,b\r\n":
            raise AssertionError("the CSV does not start with the header a,b")
        return _seen((tuple(map(int, line.rstrip("\r\n").split(","))) for line in lines),
                     side)  # type: ignore[misc]


def json_rows(path: Path, side: int = SIDE) -> int:
    """The rows of a SPARQL JSON answer to `product(side)`, the document parsed whole
    (json.JSONDecodeError when it is not well-formed) and each pair checked to come once."""

    def small(node: dict):  # terms become their integers, bindings their pair
        if "type" in node:
            return int(node["value"])
        if set(node) == {"a", "b"}:
            return (node["a"], node["b"])
        return node

    with path.open(encoding="utf-8") as text:
        document = json.load(text, object_hook=small)
    if document["head"]["vars"] != ["a", "b"]:
        raise AssertionError(f"unexpected head {document['head']}")
    return _seen(iter(document["results"]["bindings"]), side)


def measure(url: str, pid: int, fmt: str, folder: Path, side: int = SIDE) -> dict:
    """Download `product(side)` in `fmt` (csv or json) from the server at `url` (process
    `pid`) into `folder`; the download's figures, the rows counted, and the memory."""
    path = folder / f"answer.{fmt}"
    with memory(pid) as figures:
        result = download(url, product(side), FORMATS[fmt], path)
    rows = (csv_rows if fmt == "csv" else json_rows)(path, side)
    path.unlink()
    return {**result, "rows": rows, "rest": figures["rest"], "peak": figures["peak"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows-per-side", type=int, default=SIDE, metavar="N",
                        help=f"values per VALUES block: N * N rows (default: {SIDE})")
    parser.add_argument("--data-dir", type=Path, help="a built store (default: build one)")
    args = parser.parse_args()
    side = args.rows_per_side
    with tempfile.TemporaryDirectory(prefix="ccgraph-bench-") as folder:
        data_dir = args.data_dir or Path(folder) / "store"
        if args.data_dir is None:
            subprocess.run([sys.executable, "-m", "ccgraph.cli", "build", "--data-dir",
                            str(data_dir)], check=True, stdout=subprocess.DEVNULL)
        with endpoint.serving(data_dir) as (url, process):
            endpoint.sparql(url, endpoint.TRIVIAL)  # a worker is up: the figures are the query's
            results = {fmt: measure(url, process.pid, fmt, Path(folder), side)
                       for fmt in FORMATS}
    print(f"ccgraph serve (defaults: no row cap, --timeout 10): {side * side:,} rows, "
          f"SELECT ?a ?b over two VALUES blocks of {side:,} values")
    print(f"{'format':<8}{'status':>7}{'MB':>9}{'first byte':>12}{'total':>9}{'rows':>11}"
          f"{'server at rest':>16}{'peak':>9}{'growth':>9}")
    for fmt, r in results.items():
        print(f"{fmt:<8}{r['status']:>7}{r['bytes'] / 2**20:>9.1f}{r['first']:>11.2f}s"
              f"{r['total']:>8.2f}s{r['rows']:>11,}{r['rest'] / 2**20:>14.0f}MB"
              f"{r['peak'] / 2**20:>7.0f}MB{(r['peak'] - r['rest']) / 2**20:>7.0f}MB")


if __name__ == "__main__":
    main()
