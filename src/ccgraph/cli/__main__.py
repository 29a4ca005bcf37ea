"""`python -m ccgraph.cli`: the `ccgraph` command."""

import sys

from . import main

if __name__ == "__main__":
    sys.exit(main())
