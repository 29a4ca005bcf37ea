"""Issue 13, point 1: the wheel works outside the checkout.

The wheel is built from this checkout (`pip wheel`, hatchling fetched by pip as a user's
pip would), installed non-editable with its `server` extra into a fresh virtual
environment (by this environment's pip), and run from a folder that is not the checkout,
with no CCGRAPH_HOME: it carries the ontology, shapes, data and queries itself. Expected
answers come from the sources (data/gai_attestations.csv, the queries folder), not from
the program.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from ccgraph.sources import ROOT

FOLDERS = ("ontology", "shapes", "data", "queries")


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the wheel, the fresh environment's bin folder, a folder outside the checkout, env)."""
    tmp = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                            str(tmp / "dist"), str(ROOT)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    [wheel] = (tmp / "dist").glob("ccgraph-*.whl")
    # a fresh environment without pip of its own (seeding one costs seconds); this pip
    # installs into it
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp / "venv")],
                   check=True)
    bin_dir = tmp / "venv" / "bin"
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(bin_dir / "python"),
                              "install", "-q", f"{wheel}[server]"], capture_output=True,
                             text=True)
    assert install.returncode == 0, install.stderr[-2000:]
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("CCGRAPH_HOME", "PYTHONPATH", "VIRTUAL_ENV")}
    env["CCGRAPH_DATA_DIR"] = str(tmp / "store")
    return wheel, bin_dir, elsewhere, env


def run(installed, *args: str) -> subprocess.CompletedProcess:
    _, bin_dir, elsewhere, env = installed
    return subprocess.run([str(bin_dir / "ccgraph"), *args], cwd=elsewhere, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_wheel_carries_the_folders_and_py_typed(installed):
    wheel = installed[0]
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in FOLDERS:
        shipped = {p.relative_to(ROOT).as_posix() for p in (ROOT / folder).rglob("*")
                   if p.is_file()}
        assert shipped, folder
        assert {f"ccgraph/home/{name}" for name in shipped} <= names, folder
    assert "ccgraph/py.typed" in names
    # the pages' templates and static files, the vendored query editor among them
    for name in ("web/templates/editor.html", "web/static/editor.js", "web/static/style.css",
                 "web/static/yasgui/yasgui.min.js", "web/static/yasgui/yasgui.min.css",
                 "web/static/yasgui/LICENSE.txt"):
        assert f"ccgraph/{name}" in names, name
    assert "ccgraph/__main__.py" in names


def test_the_installed_package_reads_its_own_folders(installed):
    _, bin_dir, elsewhere, env = installed
    probe = subprocess.run([str(bin_dir / "python"), "-c",
                            "import ccgraph.sources as s; print(s.ROOT)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True)
    root = Path(probe.stdout.strip())
    assert root.name == "home" and "site-packages" in root.parts, probe.stdout + probe.stderr
    assert not root.is_relative_to(ROOT)


def test_build_validate_and_a_saved_query_from_another_folder(installed):
    build = run(installed, "build")
    assert build.returncode == 0, build.stderr
    validate = run(installed, "validate")
    assert validate.returncode == 0, validate.stdout + validate.stderr
    # data/gai_attestations.csv: Turin, Ancona and Bari are on the complete list of the
    # founding assembly (1997-07-25, snapshot torino-1997)
    answer = run(installed, "query", "run", "members-at", "--param", "network=gai",
                 "--param", "date=1997-07-25", "--format", "csv")
    assert answer.returncode == 0, answer.stderr
    assert {"Turin", "Ancona", "Bari"} <= {line.split(",")[1] for line in
                                              answer.stdout.splitlines()[1:]}
    listed = run(installed, "query", "list")
    assert listed.returncode == 0
    saved = {p.stem for p in (ROOT / "queries").glob("*.rq")}
    assert {line.split()[0] for line in listed.stdout.splitlines() if line.strip()} == saved


def test_python_m_ccgraph(installed):
    _, bin_dir, elsewhere, env = installed
    shown = subprocess.run([str(bin_dir / "python"), "-m", "ccgraph", "query", "show",
                            "coverage"], cwd=elsewhere, env=env, capture_output=True,
                           text=True)
    assert shown.returncode == 0, shown.stderr
    assert "complete member lists" in shown.stdout
    wrong = subprocess.run([str(bin_dir / "python"), "-m", "ccgraph", "no-such-command"],
                           cwd=elsewhere, env=env, capture_output=True, text=True)
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr


def test_serve_answers_a_request(installed):
    assert run(installed, "build").returncode == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _, bin_dir, elsewhere, env = installed
    server = subprocess.Popen([str(bin_dir / "ccgraph"), "serve", "--port", str(port)],
                              cwd=elsewhere, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/doc/network/gai.ttl"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    body = response.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        # data/seed-003.ttl: the association's Italian name
        assert "Associazione per il Circuito dei Giovani Artisti Italiani" in body
    finally:
        server.terminate()
        server.wait(30)
