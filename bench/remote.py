"""Benchmark: the remote backend against the embedded store, on the shipped data.

1. `RemoteStore.load` (what `ccgraph push --replace` does after building the dataset):
   median wall time over --repeat runs.
2. Each saved query's in-process median over --repeat runs, on the remote store and on
   the embedded store, and the ratio.

The remote store is any SPARQL endpoint given by --store (and --gsp, credentials in the
environment as for ccgraph itself). For an Oxigraph server:

    oxigraph serve --location /tmp/ox --bind 127.0.0.1:7878 &
    python bench/remote.py --store http://127.0.0.1:7878/query
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from queries import PARAMS, median_time  # noqa: E402  (bench/queries.py: the same parameters)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, help="the SPARQL query endpoint")
    parser.add_argument("--gsp", help="the Graph Store endpoint, if not told from --store")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from ccgraph import queries
    from ccgraph.sources import load_dataset
    from ccgraph.store import EmbeddedStore
    from ccgraph.store.remote import RemoteStore

    dataset = load_dataset()
    remote = RemoteStore(args.store, gsp_url=args.gsp)
    load = median_time(lambda: remote.load(dataset, replace=True), args.repeat)
    print(f"load ({len(list(dataset.graphs())) - 1} graphs and their merge): "
          f"median {load:.2f} s over {args.repeat} runs")

    embedded = EmbeddedStore()
    print("\n| query | remote (s) | embedded (s) | ratio |\n|---|---:|---:|---:|")
    for name, values in PARAMS.items():
        queries.run(remote, name, values)  # warm both
        queries.run(embedded, name, values)
        far = median_time(lambda n=name, v=values: queries.run(remote, n, v), args.repeat)
        near = median_time(lambda n=name, v=values: queries.run(embedded, n, v), args.repeat)
        print(f"| {name} | {far:.4f} | {near:.4f} | {far / near:.1f} |")


if __name__ == "__main__":
    main()
