"""Benchmark: `ccgraph serve` under attack (issue 9, point 2).

A real `ccgraph serve` process over the built store; an attacker on 127.0.0.2 keeps 8
never-ending queries and 4 queries of 30 KB in flight, while a user on 127.0.0.1 sends
trivial queries (`ASK {}`) one after another. Printed, side by side in one run:

1. the user's latency without the attack and during it (median, 90th percentile, max, and
   their ratio), and the share answered within 2 s;
2. how long after the attack's queries were stopped a trivial query takes;
3. the memory of the server's processes (server, fork server, workers: resident set
   sizes summed) at rest and at its peak with 4 huge results in flight (two cartesian
   products that stream, two that must be sorted whole), from 4 addresses at once.

Run: python bench/endpoint.py [--timeout S] [--data-dir DIR]   (Linux: /proc, 127.0.0.0/8)
The scenario's functions are used by tests/security/test_load.py as well.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

NEVER_ENDING = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TRIVIAL = "ASK {}"
HUGE = [
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }",
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?f ?c ?a ?d",
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY DESC(?i) ?c",
]
ATTACKER, USER = "127.0.0.2", "127.0.0.1"


def big_query(size: int = 30 * 1024) -> str:
    """A SELECT of about `size` bytes: an IN list of strings (rdflib took 15-40 s to parse
    one of 39 KB, on the event loop, before the worker processes)."""
    words, length, number = [], 0, 0
    while length < size:
        word = f'"value number {number}"'
        words.append(word)
        length += len(word) + 2
        number += 1
    return f"SELECT ?s WHERE {{ ?s ?p ?o FILTER(STR(?o) IN ({', '.join(words)})) }}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(data_dir: Path, *options: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """`ccgraph serve` as its own process on a free port; (its URL, the process)."""
    port = free_port()
    command = [sys.executable, "-m", "ccgraph.cli", "serve", "--port", str(port),
               "--data-dir", str(data_dir), *options]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"ccgraph serve stopped: {process.stderr.read().decode()}")
            with contextlib.suppress(httpx.HTTPError):
                if sparql(url, TRIVIAL).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("ccgraph serve did not answer within 60 s")
            time.sleep(0.1)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def sparql(url: str, query: str, address: str = USER, timeout: float = 120) -> httpx.Response:
    """POST `query` to url/sparql from the local `address` (any of 127.0.0.0/8)."""
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(transport=transport, timeout=timeout) as client:
        return client.post(f"{url}/sparql", content=query.encode(),
                           headers={"Content-Type": "application/sparql-query",
                                    "Accept": "application/sparql-results+json"})


def latencies(url: str, count: int, pause: float = 0.1) -> list[float]:
    """Seconds each of `count` trivial queries took (a failed one counts as infinite)."""
    seconds = []
    for _ in range(count):
        start = time.monotonic()
        try:
            ok = sparql(url, TRIVIAL, timeout=30).status_code == 200
        except httpx.HTTPError:
            ok = False
        seconds.append(time.monotonic() - start if ok else float("inf"))
        time.sleep(pause)
    return seconds


def in_flight(url: str, queries: list[str], addresses: list[str]) -> tuple[list, list]:
    """Start every query in its own thread (query i from addresses[i % len]); the threads
    and the list their statuses land in."""
    statuses: list[int] = []

    def send(query: str, address: str) -> None:
        try:
            statuses.append(sparql(url, query, address).status_code)
        except httpx.HTTPError:
            statuses.append(0)

    threads = [threading.Thread(target=send, args=(q, addresses[i % len(addresses)]))
               for i, q in enumerate(queries)]
    for thread in threads:
        thread.start()
    return threads, statuses


def siege(url: str, trivial: int = 25) -> dict:
    """The attack of point 2 with the user's trivial queries during it, then one after."""
    attack = [NEVER_ENDING] * 8 + [big_query()] * 4
    threads, statuses = in_flight(url, attack, [ATTACKER])
    time.sleep(0.3)  # the attack is in flight
    during = latencies(url, trivial)
    for thread in threads:
        thread.join()
    after = latencies(url, 1, pause=0)[0]
    return {"during": during, "attack": sorted(statuses), "after": after}


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and its descendants, summed."""
    total = 0
    for process in descendants(pid):
        with contextlib.suppress(OSError, ValueError, IndexError):
            pages = int(Path(f"/proc/{process}/statm").read_text().split()[1])
            total += pages * os.sysconf("SC_PAGE_SIZE")
    return total


def huge_results(url: str, pid: int) -> dict:
    """Peak memory of the server's processes with the 4 HUGE queries in flight, each from
    its own address (so all 4 run at once)."""
    rest = tree_rss(pid)
    threads, statuses = in_flight(url, HUGE, [f"127.0.0.{n}" for n in range(3, 7)])
    peak = rest
    while any(thread.is_alive() for thread in threads):
        peak = max(peak, tree_rss(pid))
        time.sleep(0.05)
    return {"rest": rest, "peak": peak, "statuses": sorted(statuses)}


def _figures(seconds: list[float]) -> tuple[float, float, float]:
    ordered = sorted(seconds)
    return (statistics.median(ordered), ordered[int(0.9 * (len(ordered) - 1))], ordered[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=5.0, help="the server's --timeout")
    parser.add_argument("--data-dir", type=Path, help="a built store (default: build one)")
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="ccgraph-bench-"))
    if args.data_dir is None:
        subprocess.run([sys.executable, "-m", "ccgraph.cli", "build", "--data-dir",
                        str(data_dir)], check=True, stdout=subprocess.DEVNULL)
    with serving(data_dir, "--timeout", str(args.timeout)) as (url, process):
        quiet = latencies(url, 25)
        result = siege(url)
        memory = huge_results(url, process.pid)
    calm, busy = _figures(quiet), _figures(result["during"])
    within = sum(s <= 2 for s in result["during"]) / len(result["during"])
    print(f"ccgraph serve --timeout {args.timeout:g}: trivial queries (ASK {{}}) from one "
          "address while another keeps 8 never-ending and 4 x 30 KB queries in flight")
    print(f"{'':<16}{'median':>10}{'p90':>10}{'max':>10}")
    print(f"{'no attack':<16}" + "".join(f"{s * 1000:>8.1f}ms" for s in calm))
    print(f"{'under attack':<16}" + "".join(f"{s * 1000:>8.1f}ms" for s in busy))
    print(f"{'ratio':<16}" + "".join(f"{b / c:>9.1f}x" for b, c in zip(busy, calm, strict=True)))
    print(f"answered within 2 s under attack: {within:.0%}; attack statuses: "
          f"{result['attack']}")
    print(f"after the attack's timeouts, a trivial query: {result['after'] * 1000:.0f} ms")
    print(f"memory of the server's processes: {memory['rest'] / 2**20:.0f} MB at rest, "
          f"{memory['peak'] / 2**20:.0f} MB at peak with 4 huge results in flight "
          f"(x{memory['peak'] / memory['rest']:.1f}); statuses {memory['statuses']}")


if __name__ == "__main__":
    main()
