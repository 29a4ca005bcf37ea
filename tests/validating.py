"""`ccgraph validate` run once in this process for reports in several formats (support
module, no tests): one format on stdout, the others written with `--report`."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from ccgraph.cli import main


def reports(args: list[str], stdout: str, written: list[str], folder: Path) -> tuple[int, dict]:
    """`ccgraph validate ARGS --format STDOUT --report F=folder/report.F` for each F in
    `written`: the exit code and every format's report, {format: text}."""
    files = {fmt: folder / f"report.{fmt}" for fmt in written}
    extra = [arg for fmt, path in files.items() for arg in ("--report", f"{fmt}={path}")]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["validate", *args, "--format", stdout, *extra])
    return code, {stdout: out.getvalue(),
                  **{fmt: path.read_text(encoding="utf-8") for fmt, path in files.items()}}
