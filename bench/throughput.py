"""Benchmark: `ccgraph serve` against Oxigraph server, same data, same client (issue 14, point 2).

Both servers run at once over one built store: `ccgraph serve` (defaults: 4 worker
processes, 10 s timeout) and `oxigraph serve-read-only --location <the same store folder>`
(both open it read-only). One Python client (threads, one keep-alive `http.client`
connection each; connection i comes from its own loopback address, 127.0.0.(i+1), so
that concurrency N is N clients and ccgraph's per-client limit does not queue them) sends
each request for `--duration` seconds at each concurrency, the servers in turn (ccgraph,
Oxigraph, then the next case), `--rounds` times over, and reports per server requests/s,
p50 and p99 latency, and the CPU the server's processes used per request (server, fork
server and workers summed, from /proc: the client's own CPU is not counted). The cases:

- `select`: a small SELECT (the networks and their labels, 5 rows) by GET;
- `saved`: saved query networks-of (member=Turin, date=2022-01-01): for ccgraph over its
  REST route `/queries/networks-of?...`, for Oxigraph the query text ccgraph runs for it
  (parameters bound) by GET on `/query`;
- `saved-text`: that same text sent to ccgraph's `/sparql` (the REST route's yardstick);
- `page`: the resource page of Turin: ccgraph's `/doc/city/it/turin` as Turtle against
  Oxigraph answering the CONSTRUCT that makes that document (`ccgraph.describe.DESCRIBE`)
  as Turtle; and `page-html`: ccgraph's HTML page of Turin (no Oxigraph counterpart).

With `--baseline DIR` (another source tree of ccgraph, for instance the last commit:
`git archive HEAD | tar -x -C DIR`), a third server, `ccgraph serve` run from DIR/src over
its own store built from DIR's sources, takes its turn after ccgraph's in every case:
before and after a change, measured side by side in one run.

Every answer is read whole and must be a 200. The ratios printed: each server's
requests/s over Oxigraph's per case and concurrency, and the REST route's over
`saved-text`.

Run: python bench/throughput.py [--duration S] [--concurrency 1 8 32] [--rounds N]
                                [--cases select saved ...] [--data-dir DIR] [--baseline DIR]
(Linux: /proc, 127.0.0.0/8. `oxigraph` is pip-installed into this environment if missing.)
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(1, str(Path(__file__).parents[1] / "tests"))  # tests/engines.py

import endpoint  # noqa: E402  (bench/endpoint.py: `ccgraph serve` as a process)
import engines  # noqa: E402  (tests/engines.py: the `oxigraph` command, process handling)

SMALL_SELECT = """PREFIX ccn: <https://w3id.org/ccgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?network ?label WHERE { ?network a ccn:Network ; rdfs:label ?label }"""
SAVED, SAVED_PARAMS = "networks-of", {"member": "Turin", "date": "2022-01-01"}
RESOURCE = "city/it/turin"
JSON = "application/sparql-results+json"
TURTLE = "text/turtle"
CASES = ("select", "saved", "saved-text", "page", "page-html")


@dataclass(frozen=True)
class Request:
    path: str  # with its query string
    accept: str


@dataclass
class Result:
    seconds: list[float] = field(default_factory=list)  # latencies
    wall: float = 0.0
    cpu: float = 0.0  # CPU seconds of the server's processes
    errors: int = 0

    def add(self, other: Result) -> None:
        self.seconds += other.seconds
        self.wall += other.wall
        self.cpu += other.cpu
        self.errors += other.errors

    @property
    def rate(self) -> float:
        return len(self.seconds) / self.wall if self.wall else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu / len(self.seconds) if self.seconds else 0.0


# --- the servers ------------------------------------------------------------------------


def get(path: str, **params: str) -> str:
    return f"{path}?{urllib.parse.urlencode(params)}" if params else path


def requests(store: Any) -> dict[str, dict[str, Request]]:
    """Per case, the request to each server ("ccgraph", "oxigraph"); `store` is the one
    both serve (the saved query's parameters are resolved against it)."""
    from ccgraph import queries
    from ccgraph.describe import DESCRIBE, resource_iri
    from ccgraph.queries import values_block

    saved = queries.get(SAVED)
    text = saved.render(queries.resolve(saved, SAVED_PARAMS, store), store.binding)
    describe = DESCRIBE % values_block(["r"], [[resource_iri(RESOURCE)]])
    return {
        "select": {"ccgraph": Request(get("/sparql", query=SMALL_SELECT), JSON),
                   "oxigraph": Request(get("/query", query=SMALL_SELECT), JSON)},
        "saved": {"ccgraph": Request(get(f"/queries/{SAVED}", **SAVED_PARAMS), JSON),
                  "oxigraph": Request(get("/query", query=text), JSON)},
        "saved-text": {"ccgraph": Request(get("/sparql", query=text), JSON)},
        "page": {"ccgraph": Request(f"/doc/{RESOURCE}", TURTLE),
                 "oxigraph": Request(get("/query", query=describe), TURTLE)},
        "page-html": {"ccgraph": Request(f"/doc/{RESOURCE}", "text/html")},
    }


@contextlib.contextmanager
def baseline(tree: Path) -> Iterator[tuple[str, int]]:
    """`ccgraph serve` run from the source tree `tree` (its `src` first on the module path)
    over a store built from that tree's sources in `tree`/.bench-data; (its URL, its pid)."""
    data_dir = tree / ".bench-data"
    environ = {**os.environ, "PYTHONPATH": str(tree / "src")}
    subprocess.run([sys.executable, "-m", "ccgraph.cli", "build", "--data-dir", str(data_dir)],
                   check=True, stdout=subprocess.DEVNULL, env=environ)
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = environ["PYTHONPATH"]  # `endpoint.serving` passes it on
    try:
        started = endpoint.serving(data_dir)
        url, process = started.__enter__()
    finally:
        if saved is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = saved
    try:
        yield url, process.pid
    finally:
        started.__exit__(None, None, None)


@contextlib.contextmanager
def oxigraph(folder: Path, log: Path) -> Iterator[tuple[str, int]]:
    """`oxigraph serve-read-only` over the store `folder`; (its URL, its process id)."""
    port = engines.free_port()
    command = [engines.oxigraph_command(), "serve-read-only", "--location", str(folder),
               "--bind", f"127.0.0.1:{port}"]
    with engines._running(command, log, folder.parent) as process:
        url = f"http://127.0.0.1:{port}"
        engines._wait(process, f"{url}/query", "oxigraph", [log])
        yield url, process.pid


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by `pid` and its live descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for process in endpoint.descendants(pid):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


# --- the client -------------------------------------------------------------------------


def load(url: str, pid: int, request: Request, concurrency: int, duration: float,
         warmup: float = 0.5) -> Result:
    """`concurrency` connections sending `request` to `url` again and again, each as soon
    as its answer is read; latencies of the requests started after `warmup` seconds and
    ended within `duration` seconds after it."""
    parts = urllib.parse.urlsplit(url)
    start = time.monotonic() + warmup
    stop = start + duration
    results = [Result() for _ in range(concurrency)]
    headers = {"Accept": request.accept}

    def client(number: int) -> None:
        result = results[number]
        address = (f"127.0.0.{number % 250 + 1}", 0)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60,
                                                source_address=address)
        while (began := time.monotonic()) < stop:
            try:
                connection.request("GET", request.path, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection.close()
                ok = False
            ended = time.monotonic()
            if began >= start and ended <= stop:
                if ok:
                    result.seconds.append(ended - began)
                else:
                    result.errors += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, start - time.monotonic()))
    cpu = cpu_seconds(pid)
    time.sleep(max(0.0, stop - time.monotonic()))
    cpu = cpu_seconds(pid) - cpu
    for thread in threads:
        thread.join()
    total = Result(wall=duration, cpu=cpu)
    for result in results:
        total.seconds += result.seconds
        total.errors += result.errors
    return total


# --- the report -------------------------------------------------------------------------


def report(results: dict[tuple[str, int, str], Result], cases: list[str],
           concurrency: list[int], servers: list[str]) -> None:
    print(f"{'case':<11}{'conc':>5}  {'server':<9}{'req/s':>9}{'p50':>10}{'p99':>10}"
          f"{'CPU/req':>10}{'÷ oxigraph':>12}")
    for case in cases:
        for n in concurrency:
            theirs = results.get((case, n, "oxigraph"))
            for server in servers:
                result = results.get((case, n, server))
                if result is None:
                    continue
                ratio = f"{result.rate / theirs.rate:>11.2f}x" if theirs and theirs.rate \
                    and server != "oxigraph" else ""
                errors = f"  ({result.errors} failed)" if result.errors else ""
                print(f"{case:<11}{n:>5}  {server:<9}{result.rate:>9.1f}"
                      f"{result.percentile(0.5) * 1000:>8.1f}ms"
                      f"{result.percentile(0.99) * 1000:>8.1f}ms{result.cpu_ms:>8.2f}ms"
                      f"{ratio}{errors}")
    for server in servers:
        for n in concurrency:
            rest, text = results.get(("saved", n, server)), results.get(("saved-text", n, server))
            if rest and text and text.rate:
                print(f"{server}: REST route / the same text on /sparql, concurrency {n}: "
                      f"{rest.rate / text.rate:.2f}x the requests/s, "
                      f"{rest.percentile(0.5) / text.percentile(0.5):.2f}x the p50")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5.0,
                        help="seconds each case is measured, per server and round")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--rounds", type=int, default=1, help="times every case is run")
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--data-dir", type=Path, help="a built store (default: build one)")
    parser.add_argument("--baseline", type=Path, metavar="DIR",
                        help="another ccgraph source tree, served too (before a change)")
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="ccgraph-bench-"))
    subprocess.run([sys.executable, "-m", "ccgraph.cli", "build", "--data-dir", str(data_dir)],
                   check=True, stdout=subprocess.DEVNULL)  # (a no-op when it is up to date)
    from ccgraph.store import EmbeddedStore
    from ccgraph.store.builds import current_store

    results: dict[tuple[str, int, str], Result] = {}
    with tempfile.TemporaryDirectory(prefix="ccgraph-bench-") as tmp, \
            contextlib.ExitStack() as others, \
            endpoint.serving(data_dir) as (ours, process):
        servers = {"ccgraph": (ours, process.pid)}
        if args.baseline is not None:
            servers["baseline"] = others.enter_context(baseline(args.baseline.resolve()))
        folder = current_store(data_dir)  # the store ccgraph serves, now it answers
        if folder is None:
            raise SystemExit(f"no store built in {data_dir}")
        held = EmbeddedStore.from_path(folder)  # its reader lock: no build removes it
        try:
            cases = requests(held)
            with oxigraph(folder, Path(tmp) / "oxigraph.log") as (theirs, theirs_pid):
                servers["oxigraph"] = (theirs, theirs_pid)
                for _ in range(args.rounds):
                    for case in args.cases:
                        for n in args.concurrency:
                            for server, (url, pid) in servers.items():
                                kind = "ccgraph" if server == "baseline" else server
                                if kind not in cases[case]:
                                    continue
                                result = load(url, pid, cases[case][kind], n, args.duration)
                                results.setdefault((case, n, server), Result()).add(result)
        finally:
            held.close()
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, "
          f"{args.duration:g} s per case and server, {args.rounds} round(s)")
    report(results, args.cases, args.concurrency, list(servers))


if __name__ == "__main__":
    main()
