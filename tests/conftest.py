"""Shared fixtures: the shipped dataset is loaded once per session (it is never mutated)."""

from __future__ import annotations

import pytest
from rdflib import Dataset

from ccgraph.sources import load_dataset


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    return load_dataset()
