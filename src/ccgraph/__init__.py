"""ccgraph: a linked-data knowledge graph of the networks cities join for culture and creativity."""

__version__ = "0.1.0"


def open(store=None, location=None):  # noqa: A001
    """Open the graph; see `ccgraph.api.open`."""
    from .api import open as _open

    return _open(store, location)
