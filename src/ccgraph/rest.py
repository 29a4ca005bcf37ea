"""The saved queries as a REST API (`/queries`, `/queries/{name}`) and its OpenAPI 3 document."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.routing import BaseRoute

if TYPE_CHECKING:
    from .server import Context


def routes(context: Context) -> list[BaseRoute]:
    return []
