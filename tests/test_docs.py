"""The docs cannot drift: docs/cli.md is the CLI's own --help output, and the README's
Python snippets and shell commands are run.

Regenerate docs/cli.md with:  CCGRAPH_WRITE_DOCS=1 pytest tests/test_docs.py
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys

import pytest

from ccgraph.cli import build_parser
from ccgraph.sources import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
CLI_DOC = ROOT / "docs" / "cli.md"


def _subparsers(parser: argparse.ArgumentParser, prefix: str):
    yield prefix, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _subparsers(sub, f"{prefix} {name}")


def cli_markdown() -> str:
    os.environ["COLUMNS"] = "100"  # argparse wraps to the terminal: fix it
    parts = ["# ccgraph command line\n\nGenerated from `--help` by `tests/test_docs.py`; "
             "do not edit by hand.\n"]
    for name, parser in _subparsers(build_parser(), "ccgraph"):
        parser.prog = name
        parts.append(f"## `{name}`\n\n```text\n{parser.format_help().rstrip()}\n```\n")
    return "\n".join(parts)


def test_cli_doc_is_the_help_output():
    expected = cli_markdown()
    if os.environ.get("CCGRAPH_WRITE_DOCS"):
        CLI_DOC.write_text(expected, encoding="utf-8")
    assert CLI_DOC.read_text(encoding="utf-8") == expected, (
        "docs/cli.md is stale: CCGRAPH_WRITE_DOCS=1 pytest tests/test_docs.py"
    )


PYTHON_SNIPPETS = re.findall(r"```python\n(.*?)```", README, flags=re.S)


@pytest.mark.parametrize("snippet", PYTHON_SNIPPETS, ids=lambda s: s.splitlines()[0][:40])
def test_readme_python_snippet_runs(snippet):
    exec(compile(snippet, "README.md", "exec"), {})


TOUR = [
    line.split("#")[0].strip()
    for block in re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    for line in block.splitlines()
    if line.startswith("ccgraph ")
]


@pytest.mark.parametrize("command", TOUR)
def test_readme_tour_command_runs(command):
    args = shlex.split(command)[1:]
    result = subprocess.run([sys.executable, "-m", "ccgraph.cli", *args], capture_output=True,
                            text=True, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
