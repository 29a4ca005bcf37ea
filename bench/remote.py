"""Benchmark: every saved query on the embedded store, an Oxigraph server and Virtuoso, in
one run, on the same data.

The data: the shipped dataset as the build makes it, plus about --size synthetic triples
(bench/synthetic.py) and the time bounds ccgraph.bounds.derive draws from them
(bench/queries.py, `synthetic_store`; --size 0: the shipped data alone). The embedded store
holds them in its default graph; each server is started by the test suite's own code
(tests/engines.py: Oxigraph server from pip, Debian's Virtuoso, on 127.0.0.1), loaded as
`ccgraph push --replace` loads it (RemoteStore.load: one graph per source and their merge),
and the synthetic triples and their bounds are added to the merge, the default graph of
every query, over the Graph Store Protocol (POST, in parts).

Then, query after query, on each store in turn: one untimed run, then --repeat runs.
Printed: the number of rows (one number when every store gives as many); for the embedded
store the median CPU seconds of this process and the median wall seconds; for each server
the median wall seconds (the query sent, its answer read into rdflib terms, as ccgraph
does, parameter lookups included) and, in brackets, the CPU seconds of the server process
itself (from /proc, the mean over all the runs). A query an engine refuses is "failed".

Run: python bench/remote.py [--size 1000000] [--repeat 5] [--workdir DIR]
                            [--engines oxigraph virtuoso]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(1, str(Path(__file__).parents[1] / "tests"))  # tests/engines.py

import engines  # noqa: E402  (tests/engines.py: how the test suite starts the servers)
from queries import PARAMS, answer, catalogues, measure, snapshot, synthetic_store  # noqa: E402

CHUNK = 100_000  # N-Triples lines per Graph Store POST
# Virtuoso settings for a store of a million quads and more, in place of the test suite's
# (sized for the 15k shipped triples: 80 MB of buffers, 256 MB per query, 60 s a query)
VIRTUOSO_SETTINGS = {
    "NumberOfBuffers      = 10000": "NumberOfBuffers      = 170000",  # 1.3 GB
    "MaxDirtyBuffers      = 6000": "MaxDirtyBuffers      = 130000",
    "MaxQueryMem          = 256M": "MaxQueryMem          = 2G",
    "MaxQueryExecutionTime      = 60": "MaxQueryExecutionTime      = 600",
}


def server_pid(directory: Path) -> int | None:
    """The process whose command line names `directory` (where tests/engines.py put the
    server's database)."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                command = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
                if str(directory).encode() in command and b"python" not in command:
                    return int(entry)
    return None


def cpu_seconds(pid: int | None) -> float:
    """User plus system CPU seconds of process `pid` (all its threads) so far."""
    if pid is None:
        return float("nan")
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def add_triples(store, engine, path: Path) -> None:
    """POST the N-Triples file `path` into the store's merge graph, in parts."""
    import httpx

    from ccgraph.store.remote import merged_graph

    user, password = engine.env.get(engines.USER_ENV), engine.env.get(engines.PASSWORD_ENV)
    auth = httpx.BasicAuth(user, password) if user and password else None
    with httpx.Client(timeout=600, auth=auth) as client, open(path, "rb") as lines:
        while True:
            part = b"".join(line for _, line in zip(range(CHUNK), lines, strict=False))
            if not part:
                break
            response = client.post(store.gsp_url, params={"graph": str(merged_graph())},
                                   content=part,
                                   headers={"Content-Type": "application/n-triples"})
            response.raise_for_status()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="synthetic triples")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", type=Path, help="keep the embedded stores here")
    parser.add_argument("--engines", nargs="*", default=list(engines.ENGINES),
                        choices=list(engines.ENGINES))
    args = parser.parse_args()

    from ccgraph import namespaces as ns
    from ccgraph.errors import CcgraphError
    from ccgraph.store import EmbeddedStore
    from ccgraph.store.remote import RemoteStore, merged_graph

    for old, new in VIRTUOSO_SETTINGS.items():
        assert old in engines.VIRTUOSO_INI, old
        engines.VIRTUOSO_INI = engines.VIRTUOSO_INI.replace(old, new)
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        saved_queries, _ = catalogues(snapshot(workdir))
        folder, extra, shipped = synthetic_store(args.size, workdir)
        dataset = ns.new_dataset()  # the shipped dataset the embedded store was built from
        dataset.parse(shipped, format="nquads")
        embedded = EmbeddedStore.from_path(folder)
        quads = int(embedded.select("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").rows[0][0])
        stores, pids = {"embedded": embedded}, {}
        print(f"embedded store: {len(embedded):,} quads, {quads:,} in the default graph")
        for name in args.engines:
            directory = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=tmp))
            engine = stack.enter_context(engines.start(name, directory))
            remote = RemoteStore(engine.query_url, gsp_url=engine.gsp_url, environ={
                **os.environ, **engine.env, "CCGRAPH_STORE_READ_TIMEOUT": "600"})
            started = time.perf_counter()
            remote.load(dataset, replace=True)
            add_triples(remote, engine, extra)
            held = remote.triples_in(merged_graph())
            print(f"{name}: loaded in {time.perf_counter() - started:.0f} s; its default "
                  f"graph holds {held:,} triples" + ("" if held == quads else " (differs!)"))
            stores[name], pids[name] = remote, server_pid(directory)

        names = list(stores)
        header = ["embedded CPU", "embedded wall"] + [f"{n} wall (server CPU)"
                                                      for n in names[1:]]
        print(f"\nmedian of {args.repeat} runs after one untimed run\n")
        print("| query | rows | " + " | ".join(header) + " |")
        print("|---|---:|" + "---:|" * len(header))
        for query, values in PARAMS.items():
            saved = saved_queries[query]
            rows, cells = {}, []
            for name, store in stores.items():
                before = cpu_seconds(pids.get(name))
                try:
                    cpu, wall, result = measure(
                        lambda s=store, q=saved, v=values: answer(s, q, v), args.repeat)
                except CcgraphError as error:  # an engine that cannot run the query
                    rows[name] = None
                    cells += ["failed"] * (2 if name == "embedded" else 1)
                    print(f"{query} on {name}: {error}", file=sys.stderr)
                    continue
                rows[name] = len(result.rows)
                if name == "embedded":
                    cells += [f"{cpu:.3f} s", f"{wall:.3f} s"]
                else:
                    server = (cpu_seconds(pids[name]) - before) / (args.repeat + 1)
                    cells.append(f"{wall:.3f} s ({server:.3f} s)")
            counts = {n for n in rows.values() if n is not None}
            shown = f"{counts.pop():,}" if len(counts) == 1 else str(rows)
            print(f"| {query} | {shown} | " + " | ".join(cells) + " |", flush=True)
        for store in stores.values():
            store.close()


if __name__ == "__main__":
    main()
