"""Benchmark: saved queries on the embedded store, before and after issue 11.

1. `ccgraph query run members-at --param network=uccn --format csv` as a fresh process,
   store already built: median wall and CPU time over --repeat runs, and the import time
   of the query path (and that pyshacl, owlrl and server libraries are not imported on
   it).
2. On the shipped data, then for each of --sizes on a store of the shipped data plus
   about that many synthetic triples (bench/synthetic.py) and the time bounds
   ccgraph.bounds.derive draws from them: in one run, each saved query as it was before
   issue 11 (bench/baseline/) and as it is now (a copy of queries/ made at the start),
   the two measured in turn, with the ratio; then every saved query at every size (the
   "after" figures, and those of the queries with no baseline).

Times are CPU seconds of this process (time.process_time: the embedded store evaluates
in the calling thread, so another process on the machine does not count), the median of
--repeat runs after one untimed run; each run includes the parameter lookups a saved
query makes and the conversion of every row to rdflib terms.

Run: python bench/queries.py [--repeat N] [--sizes 100000 1000000] [--workdir DIR]
[--only QUERY ...] (--workdir keeps the synthetic stores for the next run, and for
bench/remote.py).
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

BASELINE_DIR = Path(__file__).parent / "baseline"  # the queries before issue 11 (68a60a3)
PARAMS = {  # the parameters each saved query is benchmarked with
    "members-at": {"network": "uccn", "date": "2022-01-01"},
    "networks-of": {"member": "Turin", "date": "2022-01-01"},
    "shared-members": {"network_a": "gai", "network_b": "uccn", "date": "2022-01-01"},
    "joined-between": {"network": "uccn", "from": "2019-01-01", "to": "2020-01-01"},
    "field-counts": {"date": "2022-01-01"},
    "country-counts": {"network": "uccn", "date": "2022-01-01"},
    "multi-network": {"date": "2022-01-01"},
    "claims-check": {},
    "field-changes": {},
    "seats": {},
    "timeline": {"network": "uccn"},
    "countries-with-field": {"network": "bjcem", "field": "Music"},
    "coverage": {"network": "gai", "date": "2022-01-01"},
}


def measure(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """(median CPU seconds, median wall seconds, the last result) of `repeat` calls, after
    one untimed call (so that no query pays for the caches another one filled)."""
    cpu, wall, result = [], [], fn()
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        result = fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu), statistics.median(wall), result


def answer(store, query, values: Mapping[str, str]):
    """Run a SavedQuery (of the catalogue, or of bench/baseline/) with those of `values`
    it declares, as `ccgraph.queries.run` does."""
    from ccgraph.errors import QueryError
    from ccgraph.queries import resolve

    declared = {p.name for p in query.params}
    bindings = resolve(query, {k: v for k, v in values.items() if k in declared}, store)
    result = store.select(query.render(bindings, store.binding))
    if result.variables != query.columns:
        raise QueryError(f"{query.name} answered {result.variables}, not {query.columns}")
    return result


def snapshot(workdir: Path) -> Path:
    """A copy of queries/ (fragments included) to measure, so that a query edited while the
    benchmark runs does not mix two versions into its figures; its digest is printed."""
    from ccgraph.sources import QUERIES_DIR, digest

    target = Path(tempfile.mkdtemp(prefix="queries-", dir=workdir))
    shutil.copytree(QUERIES_DIR, target, dirs_exist_ok=True)
    files = sorted(target.rglob("*.rq"))
    print(f"queries/ as of {time.strftime('%Y-%m-%d %H:%M:%S')}: {len(files)} files, "
          f"sha256 {digest(files)[:16]}")
    return target


def catalogues(directory: Path) -> tuple[dict, dict]:
    """(the saved queries in `directory`, a snapshot of queries/, and the saved queries
    before issue 11), by name."""
    from ccgraph.queries import catalogue

    return catalogue(directory), catalogue(BASELINE_DIR)


def fresh_process(repeat: int, data_dir: Path) -> None:
    env = {**os.environ, "CCGRAPH_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-m", "ccgraph.cli", "query", "run", "members-at",
               "--param", "network=uccn", "--format", "csv"]
    subprocess.run(command, env=env, check=True, capture_output=True)  # builds the store
    walls, cpus = [], []
    for _ in range(repeat):
        used, started = _children_cpu(), time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        walls.append(time.perf_counter() - started)
        cpus.append(_children_cpu() - used)
    probe = ("import sys, time; t = time.perf_counter(); import ccgraph.cli, ccgraph.queries, "
             "ccgraph.store, ccgraph.results, pyoxigraph; "
             "print(f'{time.perf_counter() - t:.3f}', "
             "sorted(m for m in ('pyshacl', 'owlrl', 'fastapi', 'starlette', 'uvicorn') "
             "if m in sys.modules))")
    imports = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                             check=True).stdout.strip()
    print(f"fresh process, members-at uccn csv: median {statistics.median(walls):.3f} s wall, "
          f"{statistics.median(cpus):.3f} s CPU, over {repeat} runs")
    print(f"query-path import time: {imports.split()[0]} s; heavy modules imported: "
          f"{' '.join(imports.split()[1:])}")


def _children_cpu() -> float:
    """CPU seconds of this process's finished children so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


# --- the synthetic stores -----------------------------------------------------------


def derived_bounds(synthetic: bytes, dataset) -> bytes:
    """The time bounds of the synthetic memberships, as N-Triples: the synthetic triples
    and the networks' founding dates in an rdflib Dataset, through ccgraph.bounds.derive
    (the build's own rule)."""
    from rdflib import URIRef

    from ccgraph import bounds
    from ccgraph import namespaces as ns
    from ccgraph.namespaces import CCN

    evidence = ns.new_dataset()
    graph = evidence.graph(URIRef("urn:x-ccgraph-bench:synthetic"))
    graph.parse(data=synthetic.decode("utf-8"), format="nt")
    graph.addN((s, p, o, graph) for s, p, o in dataset.triples((None, CCN.foundingDate, None)))
    return bounds.derive(evidence).serialize(format="nt", encoding="utf-8")


def synthetic_store(size: int, workdir: Path) -> tuple[Path, Path, Path]:
    """(a store folder, an N-Triples file, an N-Quads file): the store holds the shipped
    dataset as the build loads it (the N-Quads file: its named graphs, their merge in the
    default graph) plus, in the default graph, about `size` synthetic triples, their
    derived bounds and the size claims' counts over them all (the N-Triples file; the
    N-Quads file leaves the shipped counts out), so that remote stores can be loaded
    alike. Kept in `workdir` and reused."""
    import pyoxigraph as ox

    from ccgraph import counts
    from ccgraph.namespaces import CCN
    from ccgraph.sources import load_dataset
    from ccgraph.store import merged
    from synthetic import triples

    path = workdir / f"synthetic-{size}"
    extra, shipped = path.with_suffix(".nt"), path.with_suffix(".nq")
    if (path / "complete").is_file():
        return path, extra, shipped
    dataset = load_dataset()
    for counted in (CCN.certainCount, CCN.possibleCount):  # counted again over it all below
        dataset.remove((None, counted, None, None))
    synthetic = "".join(line + "\n" for line in triples(size)).encode()
    started = time.process_time()
    derived = derived_bounds(synthetic, dataset)
    seconds, lines = time.process_time() - started, (synthetic.count(10), derived.count(10))
    print(f"synthetic {size:,}: {lines[0]:,} triples; ccgraph.bounds.derive: {lines[1]:,} "
          f"triples in {seconds:.1f} s CPU", file=sys.stderr)
    extra.write_bytes(synthetic + derived)
    shipped.write_bytes(dataset.serialize(format="nquads", encoding="utf-8"))
    del synthetic, derived
    gc.collect()
    store = ox.Store(str(path))
    store.bulk_load(path=str(shipped), format=ox.RdfFormat.N_QUADS)
    real = merged(dataset).serialize(format="nt", encoding="utf-8")
    store.bulk_load(real, ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    store.bulk_load(path=str(extra), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    started = time.process_time()  # what the build does after the bounds: ccgraph.counts
    claims = counts.triples(counts.tally(store)).serialize(format="nt", encoding="utf-8")
    print(f"synthetic {size:,}: ccgraph.counts: {claims.count(10):,} triples in "
          f"{time.process_time() - started:.1f} s CPU", file=sys.stderr)
    store.bulk_load(claims, ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    with open(extra, "ab") as out:  # for the remote stores
        out.write(claims)
    store.flush()
    store.optimize()
    del store
    (path / "complete").touch()
    return path, extra, shipped


# --- measuring ------------------------------------------------------------------------


def in_process(store, repeat: int, queries: dict) -> dict[str, tuple[float, int]]:
    """Median CPU seconds and rows of each saved query of PARAMS that `queries` holds."""
    out = {}
    for name, params in PARAMS.items():
        if name in queries:
            cpu, _, result = measure(lambda q=queries[name], p=params: answer(store, q, p),
                                     repeat)
            out[name] = (cpu, len(result.rows))
    return out


def before_after(store, repeat: int, now: dict, before: dict) -> dict[str, dict]:
    """Each saved query with a baseline, before and after: one untimed run of each, then
    `repeat` runs of the two in turn (so that a change of load on the machine falls on
    both alike); median CPU seconds and rows."""
    results: dict[str, dict[str, tuple[float, int]]] = {"before": {}, "after": {}}
    for name, params in PARAMS.items():
        if name not in before or name not in now:
            continue
        pair = {"before": before[name], "after": now[name]}
        rows = {tag: len(answer(store, query, params).rows) for tag, query in pair.items()}
        times: dict[str, list[float]] = {"before": [], "after": []}
        for _ in range(repeat):
            for tag, query in pair.items():
                started = time.process_time()
                answer(store, query, params)
                times[tag].append(time.process_time() - started)
        for tag in pair:
            results[tag][name] = (statistics.median(times[tag]), rows[tag])
    return results


def print_before_after(label: str, results: dict) -> None:
    before, after = results["before"], results["after"]
    print(f"\n{label}: CPU seconds (median), before issue 11 (bench/baseline/) and after\n")
    print("| query | before | after | before / after | rows before | rows after |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in before:
        (b, rb), (a, ra) = before[name], after[name]
        print(f"| {name} | {b:.3f} s | {a:.3f} s | {b / a:.1f}× | {rb:,} | {ra:,} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--workdir", type=Path, help="keep the built stores here")
    parser.add_argument("--no-fresh", action="store_true", help="skip point 1")
    parser.add_argument("--only", nargs="*", choices=sorted(PARAMS), metavar="QUERY",
                        help="measure these saved queries only")
    args = parser.parse_args()
    for name in set(PARAMS) - set(args.only or PARAMS):
        del PARAMS[name]

    from ccgraph.store import EmbeddedStore

    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        now, before = catalogues(snapshot(workdir))
        if not args.no_fresh:
            fresh_process(args.repeat, workdir / "store")
        shipped = EmbeddedStore(workdir / "store")
        compared = before_after(shipped, args.repeat, now, before)
        print_before_after(f"shipped data ({len(shipped):,} quads)", compared)
        rest = {name: query for name, query in now.items() if name not in compared["after"]}
        columns = {"shipped": {**compared["after"], **in_process(shipped, args.repeat, rest)}}
        sizes = {"shipped": len(shipped)}
        for size in args.sizes:
            store = EmbeddedStore.from_path(synthetic_store(size, workdir)[0])
            label = f"{len(store):,} quads"
            sizes[label] = len(store)
            compared = before_after(store, args.repeat, now, before)
            print_before_after(f"synthetic {size:,} (store of {label})", compared)
            rest = {name: query for name, query in now.items() if name not in compared["after"]}
            columns[label] = {**compared["after"], **in_process(store, args.repeat, rest)}
            store.close()
    names = list(columns)
    print("\nevery saved query: CPU seconds (median), rows\n")
    print("| query | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for query in PARAMS:
        cells = [f"{columns[n][query][0]:.3f} s ({columns[n][query][1]:,})" for n in names]
        print(f"| {query} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
