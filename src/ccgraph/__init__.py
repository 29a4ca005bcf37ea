"""ccgraph: a linked-data knowledge graph of the networks cities join for culture and creativity."""

from .version import __version__ as __version__


def open(store=None, location=None):  # noqa: A001
    """Open the graph; see `ccgraph.api.open`."""
    from .api import open as _open

    return _open(store, location)
