"""Benchmark: saved queries on the embedded store.

1. `ccgraph query run members-at --param network=uccn --format csv` as a fresh process,
   store already built: median wall time over --repeat runs, and the import time of the
   query path (and that pyshacl, owlrl and server libraries are not imported on it).
2. Each saved query's in-process median on the shipped data.
3. Each saved query's median on the shipped data plus synthetic data of about 100k and
   1M triples (bench/synthetic.py): none may grow faster than the data.

Run: python bench/queries.py [--repeat N] [--sizes 100000 1000000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

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
}


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def fresh_process(repeat: int, data_dir: Path) -> None:
    env = {**os.environ, "CCGRAPH_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-m", "ccgraph.cli", "query", "run", "members-at",
               "--param", "network=uccn", "--format", "csv"]
    subprocess.run(command, env=env, check=True, capture_output=True)  # builds the store
    wall = median_time(lambda: subprocess.run(command, env=env, check=True,
                                              capture_output=True), repeat)
    probe = ("import sys, time; t = time.perf_counter(); import ccgraph.cli, ccgraph.queries, "
             "ccgraph.store, ccgraph.results, pyoxigraph; "
             "print(f'{time.perf_counter() - t:.3f}', "
             "sorted(m for m in ('pyshacl', 'owlrl', 'fastapi', 'starlette', 'uvicorn') "
             "if m in sys.modules))")
    imports = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                             check=True).stdout.strip()
    print(f"fresh process, members-at uccn csv: median {wall:.3f} s over {repeat} runs")
    print(f"query-path import time: {imports.split()[0]} s; heavy modules imported: "
          f"{' '.join(imports.split()[1:])}")


def synthetic_store(size: int, workdir: Path) -> Path:
    import pyoxigraph as ox

    from ccgraph.sources import load_dataset
    from ccgraph.store import merged
    from synthetic import triples

    path = workdir / f"synthetic-{size}"
    store = ox.Store(str(path))
    dataset = load_dataset()
    store.bulk_load(dataset.serialize(format="nquads").encode(), ox.RdfFormat.N_QUADS)
    real = merged(dataset).serialize(format="nt").encode()
    store.bulk_load(real, ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    data = "\n".join(triples(size)).encode()
    store.bulk_load(data, ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    store.flush()
    store.optimize()
    del store
    return path


def in_process(store, repeat: int) -> dict[str, float]:
    from ccgraph.queries import run

    return {name: median_time(lambda n=name, p=params: run(store, n, p), repeat)
            for name, params in PARAMS.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    args = parser.parse_args()

    from ccgraph.store import EmbeddedStore

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        fresh_process(args.repeat, workdir / "store")
        columns = {"shipped": in_process(EmbeddedStore(workdir / "store"), args.repeat)}
        sizes = {"shipped": len(EmbeddedStore(workdir / "store"))}
        for size in args.sizes:
            store = EmbeddedStore.from_path(synthetic_store(size, workdir))
            sizes[f"{size:,}"] = len(store)
            columns[f"{size:,}"] = in_process(store, args.repeat)
    names = list(columns)
    print("\nin-process median per saved query (seconds); quads in store: "
          + ", ".join(f"{k} = {v:,}" for k, v in sizes.items()))
    print(f"{'query':<22}" + "".join(f"{n:>12}" for n in names))
    for query in PARAMS:
        print(f"{query:<22}" + "".join(f"{columns[n][query]:>12.4f}" for n in names))


if __name__ == "__main__":
    main()
