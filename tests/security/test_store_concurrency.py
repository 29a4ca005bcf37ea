"""The embedded store under concurrent processes, kills and faults of the environment
(issue 9, point 3). Real `ccgraph` processes over a copy of the project's sources, real
locks, real `kill -9`, and real read-only or full folders: no mocks."""

from __future__ import annotations

import json
import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from ccgraph.store import EmbeddedStore, StoreError
from projects import BULK_TABLES, COUNT_CITIES, NEW_CITY, copy_sources

# Turin leads GAI (data/gai_attestations.csv: the 2025-12-18 assembly)
QUERY = ("query", "run", "members-at", "--param", "network=gai")
TURIN = "https://w3id.org/ccgraph/id/city/it/turin,"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the sources without their bulk tables (tests/projects.py): the locks, kills
    and faults of the store do not depend on how much data it holds, and each of the
    many builds here takes half the time."""
    copy_sources(tmp_path)
    for name in BULK_TABLES:
        (tmp_path / "data" / name).unlink()
    return tmp_path



def environ(project: Path, data: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "CCGRAPH_HOME": str(project),
           "CCGRAPH_DATA_DIR": str(data or project / "store")}
    env.pop("CCGRAPH_STORE", None)
    return env


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "ccgraph.cli", *args]


def ccgraph(project: Path, *args: str, data: Path | None = None, **options):
    return subprocess.run(command(*args), capture_output=True, text=True, timeout=120,
                          env=environ(project, data), check=False, **options)


def touch(project: Path, mark: str) -> None:
    """A change of the sources' fingerprint that changes no answer."""
    with (project / "data" / "gazetteer.ttl").open("a", encoding="utf-8") as handle:
        handle.write(f"# {mark}\n")


def pointer(location: Path) -> str:
    return (location / "current").read_text().strip()


def only_the_current_store(location: Path) -> None:
    current = pointer(location)
    assert sorted(p.name for p in location.iterdir()) == [
        "build.lock", "current", current, f"{current}.lock"
    ]


def cities(store: EmbeddedStore) -> int:
    return int(store.select(COUNT_CITIES).rows[0][0])  # type: ignore[arg-type]


# --- one builder at a time ----------------------------------------------------------


def together(project: Path, args: tuple[str, ...], times: int = 6) -> set[str]:
    """Run `ccgraph args` in `times` processes at once; the outputs, all of exit code 0."""
    runs = [subprocess.Popen(command(*args), env=environ(project), text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(times)]
    results = [(run.wait(120), *run.communicate()) for run in runs]
    assert [code for code, _, _ in results] == [0] * times, [err for _, _, err in results]
    return {out for _, out, _ in results}


def test_concurrent_processes_after_a_change_build_once_and_agree(project: Path):
    location = project / "store"
    answers = set()
    for round_ in range(2):
        touch(project, f"round {round_}")
        outputs = together(project, QUERY)
        assert len(outputs) == 1
        answers |= outputs
        only_the_current_store(location)  # the one builder removed the store before
    assert len(answers) == 1 and TURIN in answers.pop()

    touch(project, "builds")  # six builds at once: one builds, five find its store
    (built,) = together(project, ("build",))
    assert f"store: {location / pointer(location)}\n" in built


# --- kills --------------------------------------------------------------------------


def test_builds_killed_at_random_points_leave_a_store_that_answers(project: Path):
    location = project / "store"
    before = ccgraph(project, *QUERY)
    assert before.returncode == 0, before.stderr
    started = time.monotonic()
    assert ccgraph(project, "build", "--force").returncode == 0
    duration = time.monotonic() - started
    seed = random.randrange(2**32)
    pick = random.Random(seed)
    queries = []
    for _ in range(6):
        build = subprocess.Popen(command("build", "--force"), env=environ(project),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(pick.uniform(0, duration))
        build.send_signal(signal.SIGKILL)
        build.wait()
        # the query after the kill (it runs alongside the next build, to save time)
        queries.append(subprocess.Popen(command(*QUERY), env=environ(project), text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    for kill, query in enumerate(queries):
        out, err = query.communicate(timeout=120)
        assert (query.returncode, out) == (0, before.stdout), (seed, kill, err)
    final = ccgraph(project, "build")
    assert final.returncode == 0, final.stderr
    only_the_current_store(location)


# --- readers during rebuilds ----------------------------------------------------------

READER = r"""
import sys, time
from pathlib import Path
from ccgraph.store import EmbeddedStore

location, ready, stop = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
follower = EmbeddedStore(location, auto_build=False)  # long-lived, follows the rebuilds
answers, generations, opens, failures = set(), set(), 0, []
while not stop.exists():
    try:
        fresh = EmbeddedStore(location, auto_build=False)
        answers.add(fresh.select(COUNT).rows[0][0])
        fresh.close()
        opens += 1
        follower.refresh()
        generations.add(follower.path.name)
        answers.add(follower.select(COUNT).rows[0][0])
        ready.touch()
        time.sleep(0.02)  # leave the builds some of the CPU
    except Exception as error:
        failures.append(f"{type(error).__name__}: {error}")
print(opens, len(generations), len(answers), len(failures))
print(*failures[:5], sep="\n")
sys.exit(1 if failures or len(answers) != 1 else 0)
"""


READERS = 3  # on two cores, more readers only slow the rebuilds they watch


def test_readers_never_fail_while_stores_are_rebuilt(project: Path, tmp_path: Path):
    location = project / "store"
    assert ccgraph(project, "build").returncode == 0
    stop = tmp_path / "stop"
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(location),
                                 str(tmp_path / f"ready-{n}"), str(stop)],
                                env=environ(project), text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for n in range(READERS)]
    while not all((tmp_path / f"ready-{n}").exists() for n in range(READERS)):
        assert all(reader.poll() is None for reader in readers)
        time.sleep(0.05)
    for _ in range(2):
        rebuild = ccgraph(project, "build", "--force")
        assert rebuild.returncode == 0, rebuild.stderr
    time.sleep(0.3)  # time for every reader to follow the last rebuild
    stop.touch()
    reports = [(reader.wait(60), *reader.communicate()) for reader in readers]
    assert [code for code, _, _ in reports] == [0] * READERS, reports
    for _, out, _ in reports:
        opens, generations, _, _ = map(int, out.split()[:4])
        assert opens > 5 and generations >= 2, out
    # what the readers held is removed by the next build once they are gone
    assert ccgraph(project, "build").returncode == 0
    only_the_current_store(location)


# --- a long-lived process follows rebuilds ------------------------------------------


def test_a_long_lived_store_follows_a_rebuild(project: Path):
    location = project / "store"
    assert ccgraph(project, "build").returncode == 0
    store = EmbeddedStore(location, auto_build=False)
    old = store.path
    known = cities(store)
    assert known > 50  # GAI's and the seeds' cities
    assert (store.generation(), store.refresh()) == (old.name, False)

    with (project / "data" / "gazetteer.ttl").open("a", encoding="utf-8") as handle:
        handle.write(NEW_CITY)
    assert ccgraph(project, "build").returncode == 0
    new = location / pointer(location)
    assert new != old and old.is_dir()  # still open here: the build left it
    assert (store.generation(), store.path, cities(store)) == (new.name, old, known)

    pinned = EmbeddedStore.from_path(old)  # another holder of the old store
    assert store.refresh() is True and store.refresh() is False
    assert (store.path, cities(store)) == (new, known + 1)
    assert pinned.refresh() is False and cities(pinned) == known
    assert ccgraph(project, "build").returncode == 0
    assert old.is_dir()  # the pinned store still has it open

    pinned.close()
    assert ccgraph(project, "build").returncode == 0
    assert not old.exists() and not (location / f"{old.name}.lock").exists()
    only_the_current_store(location)
    assert cities(store) == known + 1
    store.close()
    with pytest.raises(StoreError, match="closed"):
        cities(store)


def test_a_store_removed_under_a_running_process(project: Path):
    location = project / "store"
    assert ccgraph(project, "build").returncode == 0
    store = EmbeddedStore(location, auto_build=False)
    known = cities(store)
    shutil.rmtree(store.path)  # by hand, not by a build
    assert cities(store) == known  # the open files still answer
    with pytest.raises(StoreError) as removed:
        store.refresh()
    assert str(removed.value) == (
        f"the store {store.path} was removed while in use (run `ccgraph build`)"
    )
    (location / "current").unlink()
    with pytest.raises(StoreError, match=f"no store in {location} any more"):
        store.refresh()
    store.close()
    after = ccgraph(project, "sparql", COUNT_CITIES, "--format", "csv")  # a new process
    assert (after.returncode, after.stdout.split()) == (0, ["n", str(known)]), after.stderr


# --- faults of the environment --------------------------------------------------------


@cache
def namespace() -> tuple[str, ...] | None:
    """How to run a command in a private mount namespace where it may mount, if this
    system allows one (a user namespace, or root's own)."""
    if shutil.which("unshare") is None:
        return None
    for prefix in (("unshare", "--map-root-user", "--mount"), ("unshare", "--mount")):
        mount = f"mount -t tmpfs -o size=64k tmpfs {shlex.quote(tempfile.gettempdir())}"
        probe = subprocess.run([*prefix, "sh", "-c", mount], capture_output=True, check=False)
        if probe.returncode == 0:
            return prefix
    return None


DRIVER = r"""
import json, subprocess, sys
from pathlib import Path
folder, steps = Path(sys.argv[1]), json.loads(sys.argv[2])
runs = [subprocess.run([sys.executable, "-m", "ccgraph.cli", *step], capture_output=True,
                       text=True, check=False) for step in steps]
print(json.dumps({"runs": [(r.returncode, r.stdout, r.stderr) for r in runs],
                  "listing": sorted(p.name for p in folder.iterdir())}))
"""


def in_fault(project: Path, folder: Path, mount: str | None, steps: list[list[str]],
             fallback: Callable[[], None] | None = None, undo: Callable[[], None] | None = None,
             **options):
    """Run the ccgraph commands `steps` in turn with the data directory `folder`, after the
    shell commands `mount` made the fault in a private mount namespace (or, where none
    can be made, after `fallback` made it); the results and the folder's listing."""
    arguments = [sys.executable, "-c", DRIVER, str(folder), json.dumps(steps)]
    prefix = namespace()
    if prefix is not None and mount is not None:
        arguments = [*prefix, "sh", "-c", f'{mount} && exec "$@"', "sh", *arguments]
    else:
        assert fallback is not None, "no way to make this fault here"
        fallback()
    try:
        done = subprocess.run(arguments, capture_output=True, text=True, check=False,
                              timeout=120, env=environ(project, folder), **options)
    finally:
        if undo is not None and (prefix is None or mount is None):
            undo()
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    return [tuple(run) for run in report["runs"]], report["listing"]


def read_only(project: Path, folder: Path, steps: list[list[str]]):
    """A read-only data directory: a read-only bind mount, else (not root) mode 555."""
    q = shlex.quote(str(folder))
    mount = f"mount --bind {q} {q} && mount -o remount,bind,ro {q}"
    can_chmod = os.geteuid() != 0
    return in_fault(project, folder, mount, steps,
                    fallback=(lambda: folder.chmod(0o555)) if can_chmod else None,
                    undo=lambda: folder.chmod(0o755))


def one_error_line(run, *fragments: str) -> None:
    code, _, stderr = run
    assert code == 2, stderr
    assert stderr.count("\n") == 1 and stderr.startswith("ccgraph: error: "), stderr
    assert "Traceback" not in stderr and all(f in stderr for f in fragments), stderr


def test_a_folder_under_a_file(project: Path):
    folder = project / "not-a-folder" / "store"
    folder.parent.write_text("a file\n")
    for args in (["build"], list(QUERY)):
        run = ccgraph(project, *args, data=folder)
        one_error_line(
            (run.returncode, run.stdout, run.stderr),
            f"cannot write the store in {folder}: Not a directory",
            "choose a writable folder with --data-dir or CCGRAPH_DATA_DIR",
        )


def test_a_read_only_folder_without_a_store(project: Path):
    folder = project / "store"
    folder.mkdir()
    runs, listing = read_only(project, folder, [["build"], list(QUERY)])
    for run in runs:
        one_error_line(run, f"cannot write the store in {folder}: ",
                       "(choose a writable folder with --data-dir or CCGRAPH_DATA_DIR)")
    assert listing == []


def test_a_read_only_folder_with_a_store(project: Path):
    folder = project / "store"
    before = ccgraph(project, *QUERY)
    assert before.returncode == 0, before.stderr
    listing = sorted(p.name for p in folder.iterdir())

    runs, after = read_only(project, folder, [list(QUERY), ["build"], ["build", "--force"]])
    assert runs[0][:2] == (0, before.stdout) and runs[0][2] == ""  # readers need no writes
    assert runs[1][0] == 0 and "store: " in runs[1][1]  # the store is current: nothing to do
    one_error_line(runs[2], f"cannot write the store in {folder}: ")
    assert after == listing

    touch(project, "changed")  # the sources changed; the store cannot follow
    runs, after = read_only(project, folder, [list(QUERY), ["build"]])
    code, out, warning = runs[0]
    assert (code, out) == (0, before.stdout)
    assert warning.count("\n") == 1 and "answering from the previous store" in warning
    one_error_line(runs[1], f"cannot write the store in {folder}: ")
    assert after == listing


def test_a_full_folder(project: Path, tmp_path: Path):
    """A forced rebuild on a disk with room for one store: an error, the previous store
    still answering, nothing left over."""
    built = tmp_path / "built"
    before = ccgraph(project, *QUERY, data=built)
    assert before.returncode == 0, before.stderr
    size = sum(p.stat().st_size for p in built.rglob("*"))
    folder = tmp_path / "full"
    folder.mkdir()
    mount = (f"mount -t tmpfs -o size={size // 1024 + 256}k tmpfs {shlex.quote(str(folder))}"
             f" && cp -a {shlex.quote(str(built))}/. {shlex.quote(str(folder))}/")
    # without a namespace, a file-size limit makes the same kind of write fail
    runs, listing = in_fault(project, folder, mount, [["build", "--force"], list(QUERY)],
                             fallback=lambda: shutil.copytree(built, folder, dirs_exist_ok=True),
                             preexec_fn=None if namespace() else _file_size_limit)
    one_error_line(runs[0], f"cannot write the store in {folder}: ")
    assert any(reason in runs[0][2] for reason in ("No space left on device", "File too large"))
    assert runs[1][:2] == (0, before.stdout)
    assert listing == sorted(p.name for p in built.iterdir())


def _file_size_limit() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
