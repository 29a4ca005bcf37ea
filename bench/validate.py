"""Benchmark: build (load every source) plus SHACL validation of the shipped data.

Run: python bench/validate.py [--repeat N]. Prints the triple count and the median,
min and max of each phase over N fresh runs in this process (imports excluded, reported
apart). The goal (issue 2) is under 3 s for build plus validation.
"""

from __future__ import annotations

import argparse
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    started = time.perf_counter()
    import pyshacl  # noqa: F401  (imported here so its import time is reported, not measured)

    from ccgraph.sources import load_dataset
    from ccgraph.validation import load_shapes, validate

    imports = time.perf_counter() - started

    phases: dict[str, list[float]] = {"build": [], "validate": [], "total": []}
    triples = conforms = None
    for _ in range(args.repeat):
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

    print(f"triples: {triples}  conforms: {conforms}  imports: {imports:.2f} s  "
          f"runs: {args.repeat}")
    for name, values in phases.items():
        print(f"{name:<9} median {statistics.median(values):.3f} s   "
              f"min {min(values):.3f} s   max {max(values):.3f} s")


if __name__ == "__main__":
    main()
