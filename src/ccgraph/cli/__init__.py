"""The `ccgraph` command: parse arguments, call the library, render. Nothing else.

Data goes to stdout, diagnostics to stderr. Exit codes are in `ccgraph.errors`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from ..errors import EXIT_INTERNAL, EXIT_OK, CcgraphError
from .parser import build_parser

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
        if not (sys.argv[1:] if argv is None else argv):  # `ccgraph` alone: the commands
            parser.print_help()
            return EXIT_OK
        args = parser.parse_args(argv)
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
        print(
            f"ccgraph: internal error: {type(error).__name__}: {error} "
            "(set CCGRAPH_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
