"""ccgraph: a linked-data knowledge graph of the networks cities join for culture and creativity."""

__version__ = "0.1.0"
