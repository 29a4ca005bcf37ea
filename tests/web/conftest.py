"""The web tests' client: the app over the embedded store of the shipped data, in process
(one per test module)."""

from __future__ import annotations

import warnings

import pytest

from ccgraph.web.app import create_app

with warnings.catch_warnings():  # starlette >= 1 prefers httpx2; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


@pytest.fixture(scope="module")
def client(stores):
    with TestClient(create_app(stores["embedded"])) as test_client:
        yield test_client

