"""The environment's faults are usage errors, not bugs (issue 9, point 5): a busy port for
`serve`, a store removed under a running server. One line, exit 2 (or a 503 while the
store is gone), never exit 70, never a log dump."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))

import endpoint  # noqa: E402  (bench/endpoint.py)

CCGRAPH = [sys.executable, "-m", "ccgraph.cli"]


def test_busy_port_is_one_line_and_exit_2(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([*CCGRAPH, "serve", "--port", str(port), "--data-dir",
                                 str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr == (f"ccgraph: error: port {port} on 127.0.0.1 is in use: stop the "
                             "program using it or choose another with --port\n")
    assert not list(tmp_path.iterdir())  # nothing was built: the port is checked first


@pytest.mark.parametrize("option, value", [("--workers", "0"), ("--timeout", "-1"),
                                           ("--max-memory", "0"), ("--per-client", "0")])
def test_serve_options_must_be_positive(tmp_path, option, value):
    result = subprocess.run([*CCGRAPH, "serve", option, value, "--data-dir", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith(f"ccgraph: error: {option} must be positive")
    assert result.stderr.count("\n") == 1


def test_store_removed_under_a_running_server(tmp_path):
    data = tmp_path / "data"
    subprocess.run([*CCGRAPH, "build", "--data-dir", str(data)], check=True,
                   capture_output=True, timeout=120)
    with endpoint.serving(data) as (url, process):
        assert endpoint.sparql(url, endpoint.TRIVIAL).status_code == 200
        shutil.rmtree(data)
        gone = endpoint.sparql(url, "SELECT * { ?s ?p ?o } LIMIT 1")
        assert gone.status_code == 503, gone.text
        assert gone.text.count("\n") == 1 and "ccgraph build" in gone.text, gone.text
        subprocess.run([*CCGRAPH, "build", "--data-dir", str(data)], check=True,
                       capture_output=True, timeout=120)
        again = endpoint.sparql(url, "SELECT * { ?s ?p ?o } LIMIT 1")
        assert again.status_code == 200, again.text
        assert process.poll() is None
    assert b"Traceback" not in process.stderr.read()
