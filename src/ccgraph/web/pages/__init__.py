"""The HTML pages: what each one shows, read from the store with SPARQL (`model`), rendered
with the Jinja2 templates in `web/templates/` (`html`: autoescaped; no script, nothing
loaded from the network).

- a place (city, province, region): its names in every language, its country, its
  coordinates, its memberships as a timeline drawn from their time bounds (the certain
  part solid, the possible parts hatched, each saying why), with role and sources; a
  country: its own memberships, and the places in it with theirs (`places`);
- a network: its offices (seat, secretariat, presidency), its members valid at a date
  (saved query `members-at`: certain, or marked possible with the reason), and its
  history: its complete member lists, the size claims of the sources (`claims-check`)
  and its sources in date order; a creative field: the members holding it at a date,
  network by network (`networks`);
- any other resource: its statements, and the resources that point to it (`resources`,
  which chooses the page by the resource's class);
- a size claim: its words, its measure, and what the graph counts (`claims`);
- the answer of a saved query: its form, offering the networks, fields and countries the
  store knows, and its rows, resources shown by name (`saved`);
- the home page: the networks, the creative fields, a search of labels (`front`);
- the documentation of the ontology (`vocabulary`); the error page (`html`).

Links go to local `/id/...` paths (which 303 to `/doc/...`), so the pages work on any host,
and show names, never IRIs: a resource's label (English preferred), or, for the records
that have none (memberships, attestations, complete lists, size claims), a name made of
their parts (`ccgraph.labels.name_map`).
Dates are shown at their precision: a year stays a year, a month a month.
Every value reaches a query as a checked RDF term (`queries.values_block`), never as text.
"""

from __future__ import annotations

from .front import home
from .html import ENV, error, local
from .resources import resource
from .saved import answer, choices
from .vocabulary import ontology

__all__ = ["ENV", "answer", "choices", "error", "home", "local", "ontology", "resource"]
