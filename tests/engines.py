"""Real SPARQL 1.1 engines on 127.0.0.1 for the remote-store tests (support module, no tests).

`oxigraph_server(tmp)` and `virtuoso_server(tmp)` are context managers: each installs its
engine when missing, starts it on free loopback ports with its database in `tmp`, waits
until it answers a query, yields an `Engine`, and stops it (terminate, wait, kill) on the
way out, so nothing is left running. A server that does not come up raises RuntimeError
with the tail of its log.

- **Oxigraph** (`pip install oxigraph` into this interpreter's environment; the `oxigraph`
  command). Query `/query`, update `/update`, Graph Store Protocol `/store`. Oxigraph
  server has no authentication at all, so it runs open (`env` is empty); the client's
  Basic/Bearer handling is tested against Virtuoso (below) or a stub, not here.
- **Virtuoso Open Source 7** (Debian's `virtuoso-opensource`; `virtuoso-t` and `isql-vt`),
  started from our own `virtuoso.ini` with every file in `tmp`, the SQL port and the HTTP
  port bound to 127.0.0.1, small buffers, `ResultSetMaxRows` raised well above the
  shipped 10,000 (Virtuoso silently truncates SELECT answers at that cap), and the query
  cost estimator off (`MaxQueryCostEstimationTime = 0`: with nine `default-graph-uri` it
  refuses members-at with "estimated execution time 408 (sec) exceeds the limit of 400",
  though the query runs in well under a second).
  Virtuoso's own authenticated endpoints (`/sparql-auth`, `/sparql-graph-crud-auth`) take
  HTTP Digest only: a Basic header there gets a bare 401. Our client speaks Basic and
  Bearer, so we define two virtual directories of our own over the same handlers with
  `sec => 'basic'`: `/sparql-basic` (query and update) and `/sparql-graph-crud-basic`
  (Graph Store Protocol), checked by Virtuoso's `DB.DBA.HP_AUTH_SPARQL_USER` against a SQL
  user `ccgraph` that has the `SPARQL_UPDATE` role; its credentials go in `env`. Virtuoso
  still sends a `WWW-Authenticate: Digest` challenge when no credentials come, so the
  client must send Basic pre-emptively (httpx's `auth=(user, password)` does). The
  anonymous `/sparql` stays read-only (user `SPARQL`); the alternative, the anonymous
  `/sparql-graph-crud` after `GRANT SPARQL_UPDATE TO "SPARQL"`, would let anybody on the
  machine overwrite the store and would leave the client's auth untested. Virtuoso has
  no Bearer tokens without its OAuth packages, so Bearer is not tested here.

`Engine.env` holds the environment variables the client reads its credentials from
(`ccgraph.store.remote`): `USER_ENV`/`PASSWORD_ENV` (HTTP Basic) or `TOKEN_ENV` (Bearer).
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from installs import installing

USER_ENV = "CCGRAPH_STORE_USER"
PASSWORD_ENV = "CCGRAPH_STORE_PASSWORD"
TOKEN_ENV = "CCGRAPH_STORE_TOKEN"

START_TIMEOUT = 120.0  # seconds; Virtuoso's first start builds its database
STOP_TIMEOUT = 30.0
VIRTUOSO_USER = "ccgraph"
VIRTUOSO_PASSWORD = "ccgraph-test"  # a throwaway store on loopback, gone after the test


@dataclass(frozen=True)
class Engine:
    """Where a running engine answers, and the auth environment the client should use."""

    name: str
    query_url: str
    update_url: str | None
    gsp_url: str
    env: dict[str, str] = field(default_factory=dict)


# --- helpers --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _answers(url: str, headers: dict[str, str] | None = None) -> bool:
    """True once `url?query=ASK{}` gives 200."""
    probe = f"{url}?{urllib.parse.urlencode({'query': 'ASK {}'})}"
    request = urllib.request.Request(
        probe, headers={"Accept": "application/sparql-results+json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _wait(process: subprocess.Popen, url: str, name: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode} before answering:\n"
                               + "\n".join(_tail(log) for log in logs))
        if _answers(url):
            return
        time.sleep(0.25)
    raise RuntimeError(f"{name} did not answer {url} within {START_TIMEOUT:.0f}s:\n"
                       + "\n".join(_tail(log) for log in logs))


def _stop(process: subprocess.Popen) -> None:
    """Terminate the server's process group, wait, then kill it if it is still there."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def _running(command: list[str], log: Path, cwd: Path) -> Iterator[subprocess.Popen]:
    with open(log, "ab") as out:
        process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        _stop(process)


# --- Oxigraph -------------------------------------------------------------------------


def oxigraph_command() -> str:
    """The `oxigraph` command of this interpreter's environment, installed if missing."""
    beside = Path(sys.executable).parent / "oxigraph"
    with installing("pip"):
        if not beside.exists() and not shutil.which("oxigraph"):
            result = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "oxigraph"],
                                    capture_output=True, text=True)
            if result.returncode != 0:
                raise RuntimeError("could not install oxigraph with pip:\n"
                                   f"{result.stderr[-2000:]}")
    if beside.exists():
        return str(beside)
    found = shutil.which("oxigraph")
    if not found:
        raise RuntimeError("pip installed oxigraph but no `oxigraph` command was found")
    return found


@contextlib.contextmanager
def oxigraph_server(tmp_dir: str | os.PathLike[str]) -> Iterator[Engine]:
    tmp = Path(tmp_dir)
    tmp.mkdir(parents=True, exist_ok=True)
    command = oxigraph_command()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp / "oxigraph.log"
    args = [command, "serve", "--location", str(tmp / "oxigraph-db"),
            "--bind", f"127.0.0.1:{port}"]
    with _running(args, log, tmp) as process:
        _wait(process, f"{base}/query", "oxigraph", [log])
        yield Engine("oxigraph", f"{base}/query", f"{base}/update", f"{base}/store", {})


# --- Virtuoso -------------------------------------------------------------------------


def virtuoso_binaries() -> tuple[str, str]:
    """(virtuoso-t, isql-vt), installing Debian's virtuoso-opensource if missing."""
    with installing("apt"):
        return _find_virtuoso() or _install_virtuoso()


def _install_virtuoso() -> tuple[str, str]:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    steps = [["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q",
                                           "virtuoso-opensource"]]
    for step in steps:
        try:
            result = subprocess.run(step, capture_output=True, text=True, env=env)
        except OSError as error:
            raise RuntimeError(f"cannot install Virtuoso: {' '.join(step)}: {error}") from None
        if result.returncode != 0:
            raise RuntimeError(f"cannot install Virtuoso: `{' '.join(step)}` exited with "
                               f"{result.returncode}:\n{result.stderr[-2000:]}")
    found = _find_virtuoso()
    if not found:
        raise RuntimeError("virtuoso-opensource is installed but virtuoso-t/isql-vt were not "
                           "found")
    return found


def _find_virtuoso() -> tuple[str, str] | None:
    server = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt")
    if not (server and isql) and shutil.which("dpkg"):
        listing = subprocess.run(["dpkg", "-L", "virtuoso-opensource-7-bin"],
                                 capture_output=True, text=True).stdout.split()
        server = server or next((p for p in listing if p.endswith("/virtuoso-t")), None)
        isql = isql or next((p for p in listing if p.endswith("/isql-vt")), None)
    return (server, isql) if server and isql else None


VIRTUOSO_INI = """\
[Database]
DatabaseFile       = {db}/virtuoso.db
ErrorLogFile       = {db}/virtuoso.log
LockFile           = {db}/virtuoso.lck
TransactionFile    = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {db}/virtuoso-temp.db
TransactionFile    = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort           = 127.0.0.1:{sql_port}
LiteMode             = 0
DisableUnixSocket    = 1
DisableTcpSocket     = 0
MaxClientConnections = 10
CheckpointInterval   = 60
O_DIRECT             = 0
CaseMode             = 2
MaxStaticCursorRows  = 5000
AllowOSCalls         = 0
DirsAllowed          = ., {db}
ThreadsPerQuery      = 2
AsyncQueueMaxThreads = 4
NumberOfBuffers      = 10000
MaxDirtyBuffers      = 6000
MaxQueryMem          = 256M

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = {db}/vsp
MaxClientConnections = 10
ServerThreads        = 10
DavRoot              = DAV
EnabledDavVSP        = 0
HTTPProxyEnabled     = 0
MaxKeepAlives        = 10
KeepAliveTimeout     = 10
Charset              = UTF-8
EnabledGzipContent   = 0

[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0

[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 60
"""

VIRTUOSO_SETUP = [
    f"DB.DBA.USER_CREATE ('{VIRTUOSO_USER}', '{VIRTUOSO_PASSWORD}')",
    f'GRANT SPARQL_UPDATE TO "{VIRTUOSO_USER}"',
    # Basic-auth twins of /sparql-auth and /sparql-graph-crud-auth (which are Digest-only)
    "DB.DBA.VHOST_DEFINE (lpath => '/sparql-basic', ppath => '/!sparql/', is_dav => 1,"
    " vsp_user => 'dba', sec => 'basic', realm => 'SPARQL',"
    " auth_fn => 'DB.DBA.HP_AUTH_SPARQL_USER', opts => vector ('noinherit', 1))",
    "DB.DBA.VHOST_DEFINE (lpath => '/sparql-graph-crud-basic', ppath => '/!sparql-graph-crud/',"
    " is_dav => 1, vsp_user => 'dba', sec => 'basic', realm => 'SPARQL',"
    " auth_fn => 'DB.DBA.HP_AUTH_SPARQL_USER',"
    " opts => vector ('noinherit', 1, 'exec_as_get', 1))",
]


@contextlib.contextmanager
def virtuoso_server(tmp_dir: str | os.PathLike[str]) -> Iterator[Engine]:
    tmp = Path(tmp_dir)
    db = tmp / "virtuoso"
    (db / "vsp").mkdir(parents=True, exist_ok=True)
    server, isql = virtuoso_binaries()
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    ini = db / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(db=db, sql_port=sql_port, http_port=http_port))
    base = f"http://127.0.0.1:{http_port}"
    out, log = db / "virtuoso-t.out", db / "virtuoso.log"
    with _running([server, "+foreground", "+configfile", str(ini)], out, db) as process:
        _wait(process, f"{base}/sparql", "virtuoso", [out, log])
        for statement in VIRTUOSO_SETUP:
            result = subprocess.run(
                [isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={statement}"],
                capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
            if result.returncode != 0 or "*** Error" in result.stdout + result.stderr:
                raise RuntimeError(f"virtuoso setup failed on {statement!r}:\n"
                                   f"{result.stdout}{result.stderr}")
        token = base64.b64encode(f"{VIRTUOSO_USER}:{VIRTUOSO_PASSWORD}".encode()).decode()
        if not _answers(f"{base}/sparql-basic", {"Authorization": f"Basic {token}"}):
            raise RuntimeError("virtuoso: /sparql-basic refuses the test user's Basic auth:\n"
                               + _tail(log))
        yield Engine("virtuoso", f"{base}/sparql-basic", f"{base}/sparql-basic",
                     f"{base}/sparql-graph-crud-basic",
                     {USER_ENV: VIRTUOSO_USER, PASSWORD_ENV: VIRTUOSO_PASSWORD})


# --- which engines the suite runs against -----------------------------------------------

VIRTUOSO_ENV = "CCGRAPH_TEST_VIRTUOSO"
ENGINES = {"oxigraph": oxigraph_server, "virtuoso": virtuoso_server}
# An Oxigraph server always; Virtuoso when CCGRAPH_TEST_VIRTUOSO=1 (.ci/run sets it).
REMOTE_BACKENDS: tuple[str, ...] = ("oxigraph",) + (
    ("virtuoso",) if os.environ.get(VIRTUOSO_ENV) == "1" else ()
)
# Every backend: rdflib's memory store, the embedded store and the remote engines.
BACKENDS: tuple[str, ...] = ("memory", "embedded", *REMOTE_BACKENDS)
# All but the memory store. rdflib takes seconds for a saved query that the others answer
# in milliseconds (members-at 5-6 s against 0.01 s on the shipped data), so the memory
# store answers a representative subset: every saved query and parameter kind in
# tests/test_queries.py's backends-agree cases (against the embedded store's hand-checked
# answers); the hostile values of members-at and a hostile literal bound past the checks;
# and, checked by hand, GAI at its dates, the Eurocities founders, the counts inside a
# designation year and coverage (tests/test_certainty*.py). The other hand-checked cases
# run on these.
FAST_BACKENDS: tuple[str, ...] = ("embedded", *REMOTE_BACKENDS)


def start(name: str, tmp_dir: str | os.PathLike[str]) -> contextlib.AbstractContextManager[Engine]:
    """Start engine `name` (a key of ENGINES) with its database in `tmp_dir`."""
    return ENGINES[name](tmp_dir)
