"""Resource IRIs and the documents that describe them: `/id/...` 303 to `/doc/...`, HTML pages,
the ontology, the JSON-LD context, VoID/DCAT."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.routing import BaseRoute

if TYPE_CHECKING:
    from .server import Context


def routes(context: Context) -> list[BaseRoute]:
    return []
