"""Benchmark: a saved query as a fresh process, beside a bare pyoxigraph process (issue 13).

Side by side, interleaved over --repeat runs (after one untimed run of each):

(a) bare: a Python process that imports pyoxigraph, opens the same store read-only, runs
    the same members-at query (the text ccgraph runs, its network bound) and writes the
    answer as CSV with Oxigraph's writer: the least a process can do for that answer;
(b) ccgraph: `ccgraph query run members-at --param network=uccn --format csv`, a fresh
    process: the command line, the store's freshness check and reader lock, the query's
    header and fragments, the network's lookup, the query, the CSV.

For each: min, median and max wall seconds, and the CPU seconds of the child process
(user + system, from getrusage(RUSAGE_CHILDREN)); then the ratio of the medians, b / a
(the target of issue 13: at most 2.5). The two outputs must be the same bytes. With
--importtime N, the N slowest imports of (b) by `python -X importtime` (cumulative
microseconds), and which of rdflib, yaml, pyshacl, owlrl, httpx, starlette it imported.

The store is the one ccgraph uses ($CCGRAPH_DATA_DIR, else the user's data folder, or
--data-dir), built first if needed. Both processes run with their bytecode cached, as an
installed package has it: in a temporary PYTHONPYCACHEPREFIX (so nothing is written into
the checkout), filled by the untimed runs, even where PYTHONDONTWRITEBYTECODE is set;
--no-bytecode-cache runs them in the environment as it is.

Run: python bench/startup.py [--repeat N] [--importtime N] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAVY = ("rdflib", "yaml", "pyshacl", "owlrl", "httpx", "starlette")
PARAMS = ["--param", "network=uccn"]

BARE = """import sys
import pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
with open(sys.argv[2], encoding="utf-8") as f:
    query = f.read()
store.query(query).serialize(sys.stdout.buffer, ox.QueryResultsFormat.CSV)
"""


def ccgraph_command() -> list[str]:
    """The `ccgraph` console script beside this Python, else `python -m ccgraph`."""
    script = Path(sys.executable).with_name("ccgraph")
    if script.is_file():
        return [str(script)]
    found = shutil.which("ccgraph")
    return [found] if found else [sys.executable, "-m", "ccgraph"]


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, bytes]:
    """(wall seconds, CPU seconds, stdout) of one run of `command`."""
    cpu, started = children_cpu(), time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, check=True)
    return time.perf_counter() - started, children_cpu() - cpu, done.stdout


def store_and_query(env: dict[str, str]) -> tuple[Path, str]:
    """The folder of the store ccgraph answers from, and members-at's text with the network
    bound, as ccgraph runs it."""
    os.environ.update(env)
    from ccgraph.queries import get, resolve
    from ccgraph.store import EmbeddedStore

    store = EmbeddedStore(native=True)
    try:
        query = get("members-at")
        text = query.render(resolve(query, {"network": "uccn"}, store), store.binding)
        return store.path, text
    finally:
        store.close()


def importtime(command: list[str], env: dict[str, str], top: int) -> None:
    python = [sys.executable, "-X", "importtime", "-m", "ccgraph", *command]
    lines = [line for line in subprocess.run(python, env=env, capture_output=True, text=True,
                                             check=True).stderr.splitlines()
             if line.startswith("import time:") and "|" in line]
    rows = []
    for line in lines:
        _, total, name = line.removeprefix("import time:").split("|")
        if total.strip().isdigit():  # (not the header line)
            rows.append((int(total), name.strip()))
    rows.sort(reverse=True)
    print(f"\nslowest imports of `python -X importtime -m ccgraph {' '.join(command)}` "
          "(cumulative µs):")
    for total, name in rows[:top]:
        print(f"  {total:>8}  {name}")
    names = {name.split(".")[0] for _, name in rows}
    print(f"modules imported: {len(rows)}; of {', '.join(HEAVY)}: "
          f"{', '.join(sorted(names & set(HEAVY))) or 'none'}")


def summary(label: str, walls: list[float], cpus: list[float]) -> None:
    print(f"{label:<9} wall min {min(walls):.3f}  median {statistics.median(walls):.3f}  "
          f"max {max(walls):.3f} s   CPU min {min(cpus):.3f}  median "
          f"{statistics.median(cpus):.3f}  max {max(cpus):.3f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of each (20)")
    parser.add_argument("--importtime", type=int, default=0, metavar="N",
                        help="also show the N slowest imports of the ccgraph process")
    parser.add_argument("--data-dir", type=Path, help="the store's folder (default: ccgraph's)")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="leave PYTHONDONTWRITEBYTECODE and PYTHONPYCACHEPREFIX as they are")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ccgraph-bench-") as cache:
        env = dict(os.environ)
        if not args.no_bytecode_cache:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = cache
        if args.data_dir:
            env["CCGRAPH_DATA_DIR"] = str(args.data_dir)
        return measure(args, env)


def measure(args: argparse.Namespace, env: dict[str, str]) -> int:
    arguments = ["query", "run", "members-at", *PARAMS, "--format", "csv"]
    ccgraph = [*ccgraph_command(), *arguments]
    subprocess.run(ccgraph, env=env, capture_output=True, check=True)  # builds if needed
    path, text = store_and_query(env)
    with tempfile.TemporaryDirectory() as folder:
        query_file = Path(folder) / "members-at.rq"
        query_file.write_text(text, encoding="utf-8")
        bare = [sys.executable, "-c", BARE, str(path), str(query_file)]
        outputs = {"bare": timed(bare, env)[2], "ccgraph": timed(ccgraph, env)[2]}
        if outputs["bare"] != outputs["ccgraph"]:
            raise SystemExit("the two processes wrote different answers")
        times: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in outputs}
        for _ in range(args.repeat):
            for label, command in (("bare", bare), ("ccgraph", ccgraph)):
                wall, cpu, _ = timed(command, env)
                times[label][0].append(wall)
                times[label][1].append(cpu)
    cached = "as it is" if args.no_bytecode_cache else "cached in a temporary folder"
    print(f"{time.strftime('%Y-%m-%d %H:%M %Z')}; {os.cpu_count()} CPUs; load average "
          f"{os.getloadavg()[0]:.2f}; Python {sys.version.split()[0]}; bytecode {cached}")
    print(f"store {path}")
    rows = outputs["bare"].count(b"\n") - 1
    print(f"members-at, network uccn, CSV: {rows} rows, "
          f"{len(outputs['bare'])} bytes, the same from both; {args.repeat} runs each, "
          "interleaved")
    print("(a) bare: python -c <import pyoxigraph, open read-only, query, CSV>")
    print(f"(b) ccgraph: ccgraph {' '.join(arguments)}")
    for label in ("bare", "ccgraph"):
        summary(label, *times[label])
    wall = statistics.median(times["ccgraph"][0]) / statistics.median(times["bare"][0])
    cpu = statistics.median(times["ccgraph"][1]) / statistics.median(times["bare"][1])
    print(f"ratio b/a of the medians: wall {wall:.2f}, CPU {cpu:.2f} (target: at most 2.5)")
    if args.importtime:
        importtime(arguments, env, args.importtime)
    return 0


if __name__ == "__main__":
    sys.exit(main())
