"""The `ccgraph` command: parse arguments, call the library, render. Nothing else.

Data goes to stdout, diagnostics to stderr. Exit codes are in `ccgraph.errors`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import EXIT_NONCONFORMING, EXIT_OK, EXIT_USAGE, CcgraphError, InputError

EXIT_INTERNAL = 70

EPILOG = """exit codes: 0 ok / the data conforms; 1 the data does not conform or a query failed;
2 usage or input error (bad option, file, parameter, date or IRI); 70 internal error."""


class Parser(argparse.ArgumentParser):
    """argparse, but usage errors raise instead of exiting, so main() renders them."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise CcgraphError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="ccgraph", description=__doc__.splitlines()[0] if __doc__ else None,
                    epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"ccgraph {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True

    build = commands.add_parser("build", help="load every source and print what the graph holds",
                                epilog=EPILOG)
    build.set_defaults(run=run_build)

    validate = commands.add_parser(
        "validate", help="validate data against the SHACL shapes", epilog=EPILOG,
        description="Validate the shipped data (or the given files) against shapes/*.ttl.",
    )
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                          help="data files or folders to validate instead of the shipped data/")
    validate.add_argument("--inference", choices=("none", "rdfs", "owlrl"), default="none",
                          help="expand the data with the ontology first (default: none)")
    validate.add_argument("--format", choices=("text", "turtle", "json"), default="text",
                          help="report format on stdout (default: text)")
    validate.set_defaults(run=run_validate)
    return parser


def run_build(args: argparse.Namespace) -> int:
    from .sources import load_dataset
    from .summary import summarize

    print(summarize(load_dataset()).text())
    return EXIT_OK


def _data_paths(paths: Sequence[Path]) -> list[Path]:
    from .sources import data_files

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(data_files(path))
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    return files


def run_validate(args: argparse.Namespace) -> int:
    from .sources import load_dataset
    from .validation import validate

    dataset = load_dataset(_data_paths(args.paths) if args.paths else None)
    report = validate(dataset, inference=args.inference)
    if args.format == "turtle":
        sys.stdout.write(report.graph.serialize(format="turtle"))
    elif args.format == "json":
        json.dump(report_json(report), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(report.text())
    return EXIT_OK if report.conforms else EXIT_NONCONFORMING


def report_json(report) -> dict:
    def term(node):
        return None if node is None else str(node)

    return {
        "conforms": report.conforms,
        "counts": report.counts(),
        "results": [
            {
                "severity": term(r.severity),
                "focus": term(r.focus),
                "path": term(r.path),
                "component": term(r.component),
                "shape": term(r.shape),
                "value": term(r.value),
                "message": r.message,
            }
            for r in report.results
        ],
    }


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return args.run(args)
    except CcgraphError as error:
        print(f"ccgraph: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # a bug: one line unless asked for the traceback
        if os.environ.get("CCGRAPH_DEBUG"):
            raise
        print(f"ccgraph: internal error: {type(error).__name__}: {error} "
              "(set CCGRAPH_DEBUG=1 for the traceback)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())

__all__ = ["main", "build_parser", "EXIT_USAGE", "EXIT_NONCONFORMING"]
