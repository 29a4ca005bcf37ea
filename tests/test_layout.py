"""The package's layout holds (issue 10): layers point one way, no import cycle anywhere
(imports inside functions count), no module over 400 lines, and the CLI's saved-query
path stays light. Read from the source with `ast`, not from what happens to be imported."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "src" / "ccgraph"
WEB_STACK = ("starlette", "uvicorn", "jinja2")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str) -> set[str]:
    """The ccgraph modules (and third-party top-level names) `name` imports, anywhere in it."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            for alias in node.names:
                candidate = f"{stem}.{alias.name}"
                found.add(candidate if candidate in MODULES else stem)
    return found


def graph() -> dict[str, set[str]]:
    return {name: {i for i in imports(name) if i in MODULES and i != name} for name in MODULES}


def test_no_import_cycle():
    edges = graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for target in sorted(edges[name]):
            if state.get(target) == 1:
                cycles.append(trail[trail.index(target):] + [target])
            elif target not in state:
                visit(target, [*trail, target])
        state[name] = 2

    for name in MODULES:
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_the_library_never_imports_the_web_adapter_or_the_cli():
    for name in MODULES:
        if name.startswith(("ccgraph.web", "ccgraph.cli")) or name == "ccgraph.__main__":
            continue  # the adapters, and `python -m ccgraph`, which runs the CLI
        wrong = {i for i in imports(name) if i.startswith(("ccgraph.web", "ccgraph.cli"))}
        stack = {i for i in imports(name) if i.split(".")[0] in WEB_STACK}
        assert not wrong and not stack, (name, wrong | stack)


def test_only_the_web_adapter_imports_the_web_stack():
    outside = {name for name in MODULES if not name.startswith("ccgraph.web")
               and any(i.split(".")[0] in WEB_STACK for i in imports(name))}
    assert outside == set()


def test_store_backends_live_behind_one_package():
    backends = {"ccgraph.store.embedded", "ccgraph.store.memory", "ccgraph.store.remote"}
    assert backends <= set(MODULES)
    for name in MODULES:
        if not name.startswith("ccgraph.store"):
            assert not imports(name) & backends - {"ccgraph.store.remote"}, name


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_over_400_lines(name):
    assert len(MODULES[name].read_text(encoding="utf-8").splitlines()) <= 400


def test_saved_query_path_stays_light():
    code = ("import sys, ccgraph.cli; ccgraph.cli.build_parser(); "
            "import ccgraph.queries, ccgraph.store, ccgraph.results, ccgraph.api; "
            "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('starlette', 'uvicorn', 'jinja2', 'pyshacl', 'owlrl', 'httpx'))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.split()
    assert loaded == []
