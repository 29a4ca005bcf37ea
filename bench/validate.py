"""Benchmark: build and SHACL validation, on the shipped data and on synthetic graphs.

Run: python bench/validate.py [--repeat N] [--sizes 20000 250000 1000000] [--rdflib-up-to N]

1. The shipped data: the median, min and max of each phase over --repeat fresh runs in this
   process (imports excluded, reported apart). The goal (issue 2) is under 3 s for build
   plus validation.
2. Issue 14: for each of --sizes, the graph of the query benchmarks (bench/queries.py,
   `synthetic_store`): the shipped data plus about that many synthetic triples
   (bench/synthetic.py) and the time bounds ccgraph.bounds.derive draws from them. Build
   and validation are measured side by side, in turn, --repeat times:
   - build: load the shipped sources (ccgraph.sources.load_dataset), generate the
     synthetic triples, derive their bounds (the build's own rule, in rdflib), load it all
     into an in-memory Oxigraph store (the shipped merge and the synthetic triples, in its
     default graph, as `synthetic_store` does);
   - validate: ccgraph.validation.validate on that store (its default graph), and, up to
     --rdflib-up-to triples, on an rdflib Dataset of the same triples (the input of
     `ccgraph validate`), the Oxigraph copy it makes included.
   Times are CPU seconds of this process (time.process_time), medians over the runs;
   the ratio validate / build is printed, with the issue's goals: at most 10x the build
   at about 250k quads, at most 60 s at about 1M.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def shipped(repeat: int) -> None:
    started = time.perf_counter()
    import pyshacl  # noqa: F401  (imported here so its import time is reported, not measured)

    from ccgraph.sources import load_dataset
    from ccgraph.validation import load_shapes, validate

    imports = time.perf_counter() - started

    phases: dict[str, list[float]] = {"build": [], "validate": [], "total": []}
    triples = conforms = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        dataset = load_dataset()
        t1 = time.perf_counter()
        report = validate(dataset, shapes=load_shapes())
        t2 = time.perf_counter()
        phases["build"].append(t1 - t0)
        phases["validate"].append(t2 - t1)
        phases["total"].append(t2 - t0)
        triples = len(set(dataset.triples((None, None, None))))
        conforms = report.conforms

    print(f"shipped data: triples: {triples}  conforms: {conforms}  imports: {imports:.2f} s  "
          f"runs: {repeat}  (wall seconds)")
    for name, values in phases.items():
        print(f"  {name:<9} median {statistics.median(values):.3f} s   "
              f"min {min(values):.3f} s   max {max(values):.3f} s")


def build(size: int):
    """(store, rdflib Dataset-maker, CPU seconds by phase): the synthetic graph of `size`."""
    import pyoxigraph as ox

    from ccgraph.sources import load_dataset
    from ccgraph.store import merged
    from queries import derived_bounds
    from synthetic import triples

    seconds = {}
    t = time.process_time()
    dataset = load_dataset()
    seconds["load sources"] = time.process_time() - t
    t = time.process_time()
    lines = "".join(line + "\n" for line in triples(size)).encode()
    seconds["generate"] = time.process_time() - t
    t = time.process_time()
    derived = derived_bounds(lines, dataset)
    seconds["derive bounds"] = time.process_time() - t
    t = time.process_time()
    store = ox.Store()
    store.bulk_load(merged(dataset).serialize(format="nt", encoding="utf-8"),
                    ox.RdfFormat.N_TRIPLES)
    store.bulk_load(lines + derived, ox.RdfFormat.N_TRIPLES)
    seconds["load store"] = time.process_time() - t
    return store, (dataset, lines + derived), seconds


def as_dataset(parts) -> object:
    """The rdflib Dataset `ccgraph validate` would be given: the shipped named graphs and
    one graph of the synthetic triples."""
    from rdflib import URIRef

    from ccgraph import namespaces as ns

    dataset, extra = parts
    copy = ns.new_dataset()
    copy.addN(dataset.quads((None, None, None, None)))
    copy.graph(URIRef("urn:x-ccgraph-bench:synthetic")).parse(data=extra.decode(), format="nt")
    return copy


def synthetic(sizes: list[int], repeat: int, rdflib_up_to: int) -> None:
    from ccgraph.validation import load_shapes, validate

    shapes = load_shapes()
    rows = []
    for size in sizes:
        runs: dict[str, list[float]] = {}
        quads = counts = None
        for _ in range(repeat):  # build, then validate, in turn
            store, parts, seconds = build(size)
            for name, value in seconds.items():
                runs.setdefault(name, []).append(value)
            runs.setdefault("build", []).append(sum(seconds.values()))
            t = time.process_time()
            report = validate(store, shapes=shapes)
            runs.setdefault("validate (store)", []).append(time.process_time() - t)
            quads, counts = len(store), report.counts()
            if size <= rdflib_up_to:
                data = as_dataset(parts)
                t = time.process_time()
                again = validate(data, shapes=shapes)
                runs.setdefault("validate (rdflib)", []).append(time.process_time() - t)
                assert again.results == report.results, "store and Dataset disagree"
                del data
            del store, parts, report
            gc.collect()
        median = {name: statistics.median(values) for name, values in runs.items()}
        rows.append((size, quads, counts, median))
        phases = ", ".join(f"{n} {median[n]:.1f} s" for n in
                           ("load sources", "generate", "derive bounds", "load store"))
        print(f"\nsynthetic {size:,}: {quads:,} quads in the store; results {counts}; "
              f"runs: {repeat}\n  build {median['build']:.1f} s CPU ({phases})")
        for name in ("validate (store)", "validate (rdflib)"):
            if name in median:
                print(f"  {name:<18} {median[name]:.1f} s CPU   "
                      f"validate / build {median[name] / median['build']:.2f}")
        sys.stdout.flush()
    print("\n| synthetic | quads | build | validate (store) | ratio | validate (rdflib) | ratio |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size, quads, _, m in rows:
        rdflib = m.get("validate (rdflib)")
        tail = f"{rdflib:.1f} s | {rdflib / m['build']:.2f} |" if rdflib else "– | – |"
        print(f"| {size:,} | {quads:,} | {m['build']:.1f} s | {m['validate (store)']:.1f} s | "
              f"{m['validate (store)'] / m['build']:.2f} | {tail}")
    for _, quads, _, m in rows:
        worst = max(m.get("validate (rdflib)", 0), m["validate (store)"])
        if 200_000 <= quads <= 400_000:
            print(f"goal at {quads:,} quads: validate <= 10x build: {worst / m['build']:.2f}x "
                  f"({'met' if worst <= 10 * m['build'] else 'MISSED'})")
        if 800_000 <= quads <= 1_500_000:
            print(f"goal at {quads:,} quads: validate <= 60 s: {worst:.1f} s "
                  f"({'met' if worst <= 60 else 'MISSED'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="*", default=[20_000, 250_000, 1_000_000],
                        help="synthetic triples (none: the shipped data only)")
    parser.add_argument("--rdflib-up-to", type=int, default=300_000,
                        help="also validate an rdflib Dataset up to this many synthetic triples")
    parser.add_argument("--skip-shipped", action="store_true")
    args = parser.parse_args()
    if not args.skip_shipped:
        shipped(args.repeat)
    synthetic(args.sizes, args.repeat, args.rdflib_up_to)


if __name__ == "__main__":
    main()
