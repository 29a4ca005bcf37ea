"""The dated histories of the networks (data/{network}_snapshots.csv, _attestations.csv and
data/network_claims.csv) mapped to RDF: sources, attestations, complete member lists and
size claims.

- A *snapshot* (one source, or one dated event) becomes a ccn:Source with the days its
  statements speak of (ccn:onOrAfter, ccn:onOrBefore, ccn:referenceDate the last of them);
  an undated one is kept as a source and bounds nothing in time. The snapshot `torino-seed`
  is seed 003 (id:source/seed-003, data/sources.ttl), not a new source.
- Every row of an attestations table becomes a ccn:Attestation: who, in which network,
  on which days, in the source's words. A row whose words state membership (anything but
  attending a meeting, hosting an office, representing a member) also attests a
  ccn:Membership, which it creates if needed, and a row of a complete list
  (`complete_list` = yes) lies in that list, a ccn:CompleteMemberList.
- One membership per member and network: its role is the class a source states for it
  (external partner, full member, partner), else the generic member; the words of each
  source stay on its attestation.
- Places follow the gazetteer (data/gazetteer.ttl, read from the same folder): a name
  that is a label of a place of the same kind and country is that place; other places are
  minted by `ccgraph.namespaces`.

The model and its choices: docs/model.md, "Histories".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

from . import intake
from . import namespaces as ns
from .errors import InputError
from .namespaces import CCN, ID
from .tables import csv_rows, iso2
from .values import days

SEED_SNAPSHOT = "torino-seed"  # the snapshot that is seed 003
SEED_SOURCE = "seed-003"
NETWORKS = ("gai", "eurocities", "bjcem")
# words of a row that do not say the body is a member
NOT_MEMBERSHIP = ("board meeting participant", "agm participant", "secretariat host",
                  "member representative")
QUALIFIERS = ("more than", "about")
LIST_KINDS = {"Country": CCN.Country, "City": CCN.City}
SLUG = re.compile(r"[a-z0-9-]+")


def snapshot_source(network: str, snapshot: str) -> URIRef:
    """The source of a snapshot: id:source/{network}-{snapshot}, or seed 003."""
    return ns.source(SEED_SOURCE if snapshot == SEED_SNAPSHOT else f"{network}-{snapshot}")


def complete_list(network: str, snapshot: str) -> URIRef:
    return ID[f"list/{network}/{snapshot}"]


def _span(path: Path, line: int, text: str, column: str) -> tuple[Literal, Literal] | None:
    """The first and last day a date cell speaks of; None when it is undated."""
    if text.startswith("undated"):
        return None
    try:
        first, last = days(text.split(" ", 1)[0])
    except InputError as error:
        raise InputError.at(path, line, f"{column}: {error}") from None
    return Literal(first, datatype=XSD.date), Literal(last, datatype=XSD.date)


def _network(path: Path) -> tuple[str, URIRef]:
    name = path.stem.split("_", 1)[0]
    if name not in NETWORKS:
        raise InputError.at(path, None, f"unknown network {name!r} (known: {', '.join(NETWORKS)})")
    return name, ns.network(name)


def _urls(cell: str) -> Iterator[URIRef]:
    for url in filter(None, (part.strip() for part in cell.split(" ; "))):
        if re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", url):
            yield URIRef(url)


# --- snapshots ----------------------------------------------------------------------


def snapshots(path: Path) -> Graph:
    """A network's snapshots as sources (seed 003's snapshot is data/sources.ttl's)."""
    name, _ = _network(path)
    graph = ns.table_graph()
    columns = {"snapshot", "date", "date_basis", "claimed_count", "listed_count", "source_url"}
    for line, row in csv_rows(path, columns):
        if not SLUG.fullmatch(row["snapshot"]):
            raise InputError.at(path, line, f"snapshot must be a slug: {row['snapshot']!r}")
        if row["snapshot"] == SEED_SNAPSHOT:
            continue
        source = snapshot_source(name, row["snapshot"])
        graph.add((source, RDF.type, CCN.Source))
        graph.add((source, RDFS.label, Literal(f"{name}: {row['snapshot']}")))
        graph.add((source, CCN.dateBasis, Literal(row["date_basis"] or "undated", lang="en")))
        span = _span(path, line, row["date"], "date")
        if span:
            graph.add((source, CCN.onOrAfter, span[0]))
            graph.add((source, CCN.onOrBefore, span[1]))
            graph.add((source, CCN.referenceDate, span[1]))
        else:
            graph.add((source, SKOS.note, Literal(f"date: {row['date']}", lang="en")))
        if row["claimed_count"]:
            graph.add((source, SKOS.note,
                       Literal(f"claimed count: {row['claimed_count']}", lang="en")))
        for url in _urls(row["source_url"]):
            graph.add((source, DCTERMS.source, url))
    return graph


# --- attestations -------------------------------------------------------------------


@lru_cache(maxsize=4)
def _gazetteer(path: Path) -> dict[tuple[str, str, str], URIRef]:
    """(class, country IRI, lower-case label) -> place, for the places of a gazetteer file."""
    graph = ns.table_graph()
    if path.is_file():
        intake.parse(path, "turtle", graph)
    places: dict[tuple[str, str, str], URIRef] = {}
    for place, _, country in graph.triples((None, CCN.country, None)):
        for kind in graph.objects(place, RDF.type):
            for label in (*graph.objects(place, RDFS.label), *graph.objects(place, SKOS.altLabel)):
                places[(str(kind), str(country), str(label).lower())] = URIRef(str(place))
    return places


def _member(path: Path, line: int, row: dict[str, str], graph: Graph) -> URIRef:
    """The place or body a row names, with its type, English label and country."""
    code = iso2(path, line, row["country_iso2"])
    country = ns.country(code)
    kind, name = row["kind"], row["member"]
    if kind in ("Country", "State"):  # a state member is its country (San Marino)
        return country
    if kind == "Organisation" and name.startswith("GAI "):
        graph.add((ns.network("gai"), CCN.country, country))
        return ns.network("gai")
    if kind in ("Organisation", "Ministry"):
        body = ID[f"org/{ns.slug(name)}"]
        graph.add((body, RDF.type, ORG.FormalOrganization))
        graph.add((body, RDFS.label, Literal(name, lang="en")))
        graph.add((body, CCN.country, country))
        return body
    classes = {"City": CCN.City, "Province": CCN.Province, "Region": CCN.Region,
               "Metropolitan city": CCN.Province}  # a metropolitan city is province-level
    if kind not in classes:
        raise InputError.at(path, line, f"unknown kind {kind!r}")
    place_class = classes[kind]
    short = name.removeprefix("Province of ").removesuffix(" Region")
    known = _gazetteer(path.parent / "gazetteer.ttl")
    found = [known[key] for key in ((str(place_class), str(country), n.lower())
                                    for n in (name, short)) if key in known]
    place = found[0] if found else ns.place(place_class, code, short)
    graph.add((place, RDF.type, place_class))
    graph.add((place, CCN.country, country))
    if not found:
        graph.add((place, RDFS.label, Literal(name, lang="en")))
    return place


def _states_membership(words: str) -> bool:
    parts = [part.strip().lower() for part in words.split(";") if part.strip()]
    return any(not part.startswith(NOT_MEMBERSHIP) for part in parts)


def _stated_role(words: str) -> URIRef | None:
    """The class of membership a row's words state, if any."""
    text = words.lower()
    if "external" in text:
        return ns.role("external-partner")
    if "full member" in text:
        return ns.role("full-member")
    if "associate partner" in text:
        return ns.role("partner")
    return None


def attestations(path: Path) -> Graph:
    """A network's attestations, the memberships they attest and its complete lists."""
    name, network = _network(path)
    graph = ns.table_graph()
    columns = {"member", "kind", "country_iso2", "attested_on", "snapshot", "complete_list",
               "role", "source_url", "quote"}
    rows = []
    for line, row in csv_rows(path, columns):
        if not SLUG.fullmatch(row["snapshot"]):
            raise InputError.at(path, line, f"snapshot must be a slug: {row['snapshot']!r}")
        if row["complete_list"] not in ("yes", "no"):
            raise InputError.at(path, line, "complete_list must be yes or no")
        rows.append((line, row, _member(path, line, row, graph)))
    roles: dict[URIRef, set[URIRef]] = {}
    for _, row, member in rows:
        stated = _stated_role(row["role"])
        if _states_membership(row["role"]) and stated is not None:
            roles.setdefault(member, set()).add(stated)
    # a complete list whose entries are all of one kind (BJCEM's lists of member
    # countries) is complete for members of that kind only
    kinds: dict[str, set[str]] = {}
    for _, row, _ in rows:
        if row["complete_list"] == "yes":
            kinds.setdefault(row["snapshot"], set()).add(row["kind"])
    for snapshot, listed_kinds in kinds.items():
        if len(listed_kinds) == 1 and (kind := LIST_KINDS.get(next(iter(listed_kinds)))):
            graph.add((complete_list(name, snapshot), CCN.listsKind, kind))
    seen: set[URIRef] = set()
    for line, row, member in rows:
        snapshot = row["snapshot"]
        source = snapshot_source(name, snapshot)
        path_of_member = str(member).removeprefix(str(ID))
        attestation = ID[f"attestation/{name}/{snapshot}/{path_of_member}"]
        if attestation in seen:
            raise InputError.at(path, line, f"{row['member']} is listed twice in {snapshot}")
        seen.add(attestation)
        graph.add((attestation, RDF.type, CCN.Attestation))
        graph.add((attestation, CCN.attestedMember, member))
        graph.add((attestation, CCN.aboutNetwork, network))
        graph.add((attestation, CCN.statedRole, Literal(row["role"])))
        if row["quote"]:
            graph.add((attestation, CCN.quote, Literal(row["quote"])))
        for url in _urls(row["source_url"]):
            graph.add((attestation, DCTERMS.source, url))
        graph.add((attestation, PROV.wasDerivedFrom, source))
        span = _span(path, line, row["attested_on"], "attested_on")
        if span:
            graph.add((attestation, CCN.onOrAfter, span[0]))
            graph.add((attestation, CCN.onOrBefore, span[1]))
        if row["complete_list"] == "yes":  # an undated list bounds nothing in time
            listing = complete_list(name, snapshot)
            graph.add((listing, RDF.type, CCN.CompleteMemberList))
            graph.add((listing, CCN.aboutNetwork, network))
            if span:
                graph.add((listing, CCN.onOrAfter, span[0]))
                graph.add((listing, CCN.onOrBefore, span[1]))
            graph.add((listing, PROV.wasDerivedFrom, source))
            graph.add((attestation, CCN.inList, listing))
        if not _states_membership(row["role"]):
            graph.add((attestation, SKOS.editorialNote, Literal(
                "The source does not say that this body is a member: no membership is "
                "attested.", lang="en")))
            continue
        for role in sorted(roles.get(member) or {ns.role("member")}):
            membership = ns.membership(network, member, role)
            graph.add((membership, RDF.type, CCN.Membership))
            graph.add((membership, ORG.member, member))
            graph.add((membership, ORG.organization, network))
            graph.add((membership, ORG.role, role))
            graph.add((membership, PROV.wasDerivedFrom, source))
            graph.add((attestation, CCN.attests, membership))
    return graph


# --- size claims --------------------------------------------------------------------


def claims(path: Path) -> Graph:
    """The sizes the snapshots claim, as size claims (data/network_claims.csv)."""
    graph = ns.table_graph()
    columns = {"claim", "network", "snapshot", "measure", "value", "qualifier", "kind",
               "role", "as_of", "quote"}
    for line, row in csv_rows(path, columns):
        if not SLUG.fullmatch(row["claim"]):
            raise InputError.at(path, line, f"claim must be a slug: {row['claim']!r}")
        if row["network"] not in NETWORKS:
            raise InputError.at(path, line, f"unknown network {row['network']!r}")
        if not row["value"].isdigit():
            raise InputError.at(path, line, f"value must be a whole number: {row['value']!r}")
        if row["qualifier"] and row["qualifier"] not in QUALIFIERS:
            raise InputError.at(path, line, f"qualifier must be empty or one of {QUALIFIERS}")
        if row["kind"] not in ("", "City"):
            raise InputError.at(path, line, f"kind must be empty or City: {row['kind']!r}")
        source = snapshot_source(row["network"], row["snapshot"])
        claim = ns.claim(str(source).rsplit("/", 1)[1], row["claim"])
        graph.add((claim, RDF.type, CCN.SizeClaim))
        graph.add((claim, CCN.aboutNetwork, ns.network(row["network"])))
        graph.add((claim, CCN.measure, ns.measure(row["measure"])))
        graph.add((claim, CCN.claimedValue, Literal(int(row["value"]))))
        if row["qualifier"]:
            graph.add((claim, CCN.qualifier, Literal(row["qualifier"])))
        if row["kind"]:
            graph.add((claim, CCN.countsKind, CCN.City))
        if row["role"]:
            graph.add((claim, CCN.countsRole, ns.role(row["role"])))
        if row["as_of"]:
            span = _span(path, line, row["as_of"], "as_of")
            assert span is not None
            graph.add((claim, CCN.asOf, span[1]))
        graph.add((claim, CCN.quote, Literal(row["quote"])))
        graph.add((claim, PROV.wasDerivedFrom, source))
    return graph


MAPPERS: dict[str, Callable[[Path], Graph]] = {
    **{f"{network}_snapshots": snapshots for network in NETWORKS},
    **{f"{network}_attestations": attestations for network in NETWORKS},
    "network_claims": claims,
}
