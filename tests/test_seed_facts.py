"""Checklist: every statement of the two seeds is in the graph, in its seed's named graph.

One case per statement. The expected values are written by hand from the seed texts
(data/sources/seed-000.txt, Italian; data/sources/seed-003.txt, English), never copied
from program output. A fact is looked for in the named graph of the seed that states it
(graph:seed-000, graph:seed-003), so each check is also a check of its provenance.
"""

from __future__ import annotations

import pytest
from rdflib import Dataset, URIRef
from rdflib.namespace import RDF

from ccgraph import namespaces as ns
from ccgraph.namespaces import CCN
from ccgraph.sources import ROOT, load_dataset


def n3(term: URIRef) -> str:
    return term.n3()


PREFIXES = "\n".join(f"PREFIX {prefix}: <{iri}>" for prefix, iri in ns.PREFIXES.items())

SEED_000 = ns.graph_name("seed-000")
SEED_003 = ns.graph_name("seed-003")

# IRIs used in the queries below (SPARQL prefixed names cannot hold "/").
IT = n3(ns.country("IT"))
BE = n3(ns.country("BE"))
UCCN = n3(ns.network("uccn"))
UCCN_ITALY = n3(ns.network("uccn-italy"))
EUROCITIES = n3(ns.network("eurocities"))
GAI = n3(ns.network("gai"))
BJCEM = n3(ns.network("bjcem"))
UNESCO = n3(ns.ID["org/unesco"])
MIBACT = n3(ns.ID["org/mibact"])
CULTURE_FORUM = n3(ns.ID["unit/eurocities/culture-forum"])
PUBLIC_ART = n3(ns.ID["unit/eurocities/public-art-working-group"])
UCCN_CALL = n3(ns.ID["event/uccn-call-for-applications"])
BJCEM_BIENNIAL = n3(ns.ID["event/bjcem-biennial"])
TURIN = n3(ns.city("IT", "Turin"))
FILM = n3(ns.field("Film"))
CRAFTS = n3(ns.field("Crafts and Folk Art"))
GASTRONOMY = n3(ns.field("Gastronomy"))
MEDIA_ARTS = n3(ns.field("Media Arts"))
MEMBER = ns.role("member")
EXTERNAL_PARTNER = ns.role("external-partner")


@pytest.fixture(scope="module")
def data() -> Dataset:
    return load_dataset()


def ask(data: Dataset, query: str) -> bool:
    return bool(data.query(PREFIXES + "\n" + query).askAnswer)


# --- query builders ----------------------------------------------------------------------


def fact(graph: URIRef, case_id: str, pattern: str, outside: str = ""):
    """`pattern` holds in `graph`; `outside` (labels, types from other files) in the union."""
    return pytest.param(f"ASK {{ GRAPH {n3(graph)} {{ {pattern} }} {outside} }}", id=case_id)


def membership(network: str, member: URIRef, role: URIRef, seed: str) -> str:
    net = ns.network(network)
    return (
        f"{n3(ns.membership(net, member, role))} a ccn:Membership ; org:member {n3(member)} ; "
        f"org:organization {n3(net)} ; org:role {n3(role)} ; "
        f"prov:wasDerivedFrom {n3(ns.source(seed))} ."
    )


def claim(seed: str, case_id: str, network: str, measure: str, value: int, quote: str, **kw):
    """A size claim in its seed's graph, dated on its seed's reference date.

    kw: lang (of the quote, default "en"), extra (further triple patterns on ?claim).
    """
    source = n3(ns.source(seed))
    pattern = (
        f"?claim a ccn:SizeClaim ; ccn:aboutNetwork {n3(ns.network(network))} ; "
        f"ccn:measure {n3(ns.measure(measure))} ; ccn:claimedValue {value} ; "
        f'ccn:quote """{quote}"""@{kw.get("lang", "en")} ; ccn:asOf ?date ; '
        f"prov:wasDerivedFrom {source} . {kw.get('extra', '')}"
    )
    return fact(ns.graph_name(seed), case_id, pattern, f"{source} ccn:referenceDate ?date .")


def count(network: str, role: str, kind: str, expected: int, case_id: str):
    """Exactly `expected` distinct members of `kind` with `role` in seed 003's graph."""
    query = f"""
        ASK {{
          {{ SELECT (COUNT(DISTINCT ?member) AS ?n) WHERE {{
               GRAPH {n3(SEED_003)} {{
                 ?m a ccn:Membership ; org:organization {n3(ns.network(network))} ;
                    org:role {n3(ns.role(role))} ; org:member ?member .
               }}
               ?member a {kind} .
          }} }}
          FILTER(?n = {expected})
        }}"""
    return pytest.param(query, id=case_id)


def contains(subject: str, predicates: str, words: str) -> str:
    """`subject` has a text value, under one of `predicates`, that contains `words`."""
    return f"{subject} ?p ?text . FILTER(?p IN ({predicates}) && CONTAINS(?text, '{words}'))"


# ---------------------------------------------------------------------------------------
# Seed 000 (Italian page on UCCN)
# ---------------------------------------------------------------------------------------

# "Alba – Gastronomia, Bologna – Musica, Pesaro – Musica, Fabriano – Crafts & Folk Art,
#  Roma – Film, Milano – Letteratura, Torino – Design, Parma – Gastronomia,
#  Carrara – Crafts & Folk Art"
SEED_000_CITIES = [
    ("Alba", "Gastronomy"),
    ("Bologna", "Music"),
    ("Pesaro", "Music"),
    ("Fabriano", "Crafts and Folk Art"),
    ("Rome", "Film"),
    ("Milan", "Literature"),
    ("Turin", "Design"),
    ("Parma", "Gastronomy"),
    ("Carrara", "Crafts and Folk Art"),
]

# "Cosa comporta il riconoscimento e l’ingresso nel circuito?" (four bullets)
SEED_000_BENEFITS = [
    "Visibilità e sviluppo a livello internazionale",
    "Scambio di buone pratiche e know-how",
    "Amplificazione dell’attrattività economica",
    "Concreta politica d’indirizzo e sostegno",
]

SEED_000_FACTS = [
    fact(
        SEED_000,
        "000-uccn-is-a-network",
        f'{UCCN} a ccn:Network ; rdfs:label "UNESCO Creative Cities Network"@en ; '
        'skos:altLabel "UCCN" .',
    ),
    fact(SEED_000, "000-uccn-founded-2004", f'{UCCN} ccn:foundingDate "2004"^^xsd:gYear .'),
    fact(
        SEED_000,
        "000-uccn-founded-by-unesco",
        f"{UCCN} ccn:founder {UNESCO} . "
        f'{UNESCO} a org:FormalOrganization ; rdfs:label "UNESCO"@en .',
    ),
    fact(
        SEED_000,
        "000-uccn-aim",
        contains(UCCN, "dcterms:description", "promuovere la collaborazione fra città"),
    ),
    fact(
        SEED_000,
        "000-cities-invited-to-cross-field-projects",
        contains(UCCN, "skos:note", "progetti trasversali fra diversi settori creativi"),
    ),
    fact(SEED_000, "000-field-name-film", f'{FILM} skos:altLabel "Film"@it .'),
    fact(SEED_000, "000-field-name-crafts", f'{CRAFTS} skos:altLabel "Crafts & Folk Art"@it .'),
    claim(
        "seed-000",
        "000-claim-7-fields",
        "uccn",
        "fields",
        7,
        "i 7 settori proposti – Musica, Film, Letteratura, Gastronomia, Design, Media Arts, "
        "Crafts & Folk Art",
        lang="it",
    ),
    claim(
        "seed-000",
        "000-claim-180-cities",
        "uccn",
        "members",
        180,
        "180 Città, 72 paesi nel mondo",
        lang="it",
        extra="?claim ccn:countsKind ccn:City .",
    ),
    claim(
        "seed-000",
        "000-claim-72-countries",
        "uccn",
        "countries",
        72,
        "180 Città, 72 paesi nel mondo",
        lang="it",
    ),
    claim(
        "seed-000",
        "000-claim-9-italian-cities",
        "uccn",
        "members",
        9,
        "Dal 2017, fanno parte del circuito 9 città italiane, diverse per dimensioni, "
        "partecipazione e collaborazioni attive",
        lang="it",
        extra=f"?claim ccn:countsCountry {IT} ; ccn:countsKind ccn:City .",
    ),
    *(
        fact(
            SEED_000,
            f"000-uccn-{ns.slug(city)}-{ns.slug(field)}",
            membership("uccn", ns.city("IT", city), ns.field(field), "seed-000"),
        )
        for city, field in SEED_000_CITIES
    ),
    fact(
        SEED_000,
        "000-call-every-two-years-by-unesco",
        f"{UCCN_CALL} a ccn:RecurringEvent ; ccn:organizedBy {UNESCO} ; "
        'ccn:frequency "P2Y"^^xsd:duration .',
    ),
    fact(SEED_000, "000-next-call-spring-2019", contains(UCCN_CALL, "skos:note", "primavera 2019")),
    fact(
        SEED_000,
        "000-dossier-of-candidature",
        contains(UCCN_CALL, "dcterms:description", "redigendo un Dossier di candidatura"),
    ),
    fact(
        SEED_000,
        "000-what-the-dossier-is",
        contains(UCCN_CALL, "skos:note", "Il Dossier è al contempo"),
    ),
    *(
        fact(SEED_000, f"000-benefit-{n}", contains(UCCN, "skos:note", words))
        for n, words in enumerate(SEED_000_BENEFITS, start=1)
    ),
    fact(
        SEED_000,
        "000-lab-2030-publication",
        contains(UCCN, "skos:note, skos:editorialNote", "LAB.2030"),
    ),
]


# ---------------------------------------------------------------------------------------
# Seed 003 (City of Turin, English page on its networks)
# ---------------------------------------------------------------------------------------

# "Alba (gastronomy), Biella (crafts and folk art), Bergamo (gastronomy), Bologna (music),
#  Fabriano (hcrafts and folk art), Parma (gastronomy), Rome (cinema), Turin (design)"
SEED_003_ITALIAN_COORDINATION = [
    ("Alba", "Gastronomy"),
    ("Biella", "Crafts and Folk Art"),
    ("Bergamo", "Gastronomy"),
    ("Bologna", "Music"),
    ("Fabriano", "Crafts and Folk Art"),
    ("Parma", "Gastronomy"),
    ("Rome", "Film"),
    ("Turin", "Design"),
]

# "the Municipalities of Ancona, ..., Trieste; the Province of Matera; and the Piedmont Region"
GAI_MUNICIPALITIES = (
    "Ancona, Asti, Bari, Bologna, Cagliari, Campobasso, Como, Cosenza, Ferrara, Florence, "
    "Forlì, Genoa, Mantua, Messina, Milan, Modena, Naples, Padua, Parma, Pavia, Perugia, Pisa, "
    "Prato, Ravenna, Reggio Emilia, Rome, Salerno, Siena, Turin, Trent, Trieste"
).split(", ")
GAI_OTHER_MEMBERS = [
    (ns.place(CCN.Province, "IT", "Matera"), "ccn:Province", "Province of Matera"),
    (ns.place(CCN.Region, "IT", "Piedmont"), "ccn:Region", "Piedmont Region"),
]

# "present in the following countries: ..." as (ISO code, English label of the country);
# the seed writes "the Lebanon", "Republic of San Marino" and "the United Kingdom".
BJCEM_COUNTRIES = [
    ("AL", "Albania"),
    ("BA", "Bosnia and Herzegovina"),
    ("HR", "Croatia"),
    ("CY", "Cyprus"),
    ("EG", "Egypt"),
    ("FR", "France"),
    ("GR", "Greece"),
    ("IT", "Italy"),
    ("LB", "Lebanon"),
    ("MT", "Malta"),
    ("ME", "Montenegro"),
    ("MA", "Morocco"),
    ("PS", "Palestine"),
    ("PT", "Portugal"),
    ("SM", "San Marino"),
    ("RS", "Serbia"),
    ("SI", "Slovenia"),
    ("ES", "Spain"),
    ("TN", "Tunisia"),
    ("TR", "Turkey"),
    ("GB", "United Kingdom"),
]
# "It cooperates with external partners, Algeria, Austria, Israel and Kosovo."
BJCEM_EXTERNAL_PARTNERS = [("DZ", "Algeria"), ("AT", "Austria"), ("IL", "Israel"), ("XK", "Kosovo")]


def place_is(iri: URIRef, kind: str, label: str, country: str) -> str:
    return f'{n3(iri)} a {kind} ; rdfs:label "{label}"@en ; ccn:country {country} .'


def country_is(code: str, label: str) -> str:
    country = n3(ns.country(code))
    return f'{country} a ccn:Country ; ccn:isoCode "{code}" ; rdfs:label "{label}"@en .'


SEED_003_FACTS = [
    # --- UNESCO Creative Cities Network ----------------------------------------------------
    fact(
        SEED_003,
        "003-uccn-created-2004",
        f'{UCCN} a ccn:Network ; ccn:foundingDate "2004"^^xsd:gYear ; skos:altLabel "UCCN" .',
    ),
    fact(
        SEED_003,
        "003-uccn-aim",
        contains(UCCN, "dcterms:description", "creativity as a strategic factor"),
    ),
    claim(
        "seed-003",
        "003-claim-180-cities",
        "uccn",
        "members",
        180,
        "The 180 cities that compose the network",
        extra="?claim ccn:countsKind ccn:City .",
    ),
    fact(SEED_003, "003-clusters-sentence", contains(UCCN, "skos:note", "called “clusters”")),
    fact(SEED_003, "003-cluster-cinema", f'{FILM} skos:altLabel "Cinema"@en .'),
    fact(SEED_003, "003-cluster-new-media", f'{MEDIA_ARTS} skos:altLabel "New media"@en .'),
    fact(SEED_003, "003-cluster-gastonomy", f'{GASTRONOMY} skos:altLabel "Gastonomy"@en .'),
    fact(SEED_003, "003-cluster-crafts", f'{CRAFTS} skos:altLabel "Crafts and folk art"@en .'),
    # --- the coordination of the Italian creative cities ------------------------------------
    fact(
        SEED_003,
        "003-uccn-italy",
        f"{UCCN_ITALY} a ccn:Network ; ccn:groupsMembersOf {UCCN} ; "
        'rdfs:label "Coordination of Italian UNESCO Creative Cities"@en , '
        '"Coordinamento delle Città Creative UNESCO italiane"@it .',
    ),
    fact(
        SEED_003,
        "003-uccn-italy-constituted",
        contains(UCCN_ITALY, "dcterms:description", "we constituted a coordination"),
    ),
    *(
        fact(
            SEED_003,
            f"003-uccn-italy-{ns.slug(city)}-{ns.slug(field)}",
            membership("uccn-italy", ns.city("IT", city), ns.field(field), "seed-003"),
        )
        for city, field in SEED_003_ITALIAN_COORDINATION
    ),
    # the components "received the entitlement": they are UCCN members in their field
    *(
        fact(
            SEED_003,
            f"003-uccn-{ns.slug(city)}-{ns.slug(field)}",
            membership("uccn", ns.city("IT", city), ns.field(field), "seed-003"),
        )
        for city, field in SEED_003_ITALIAN_COORDINATION
    ),
    pytest.param(
        f"""ASK {{ {{ SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{
               GRAPH {n3(SEED_003)} {{ ?m org:organization {UCCN_ITALY} }} }} }}
             FILTER(?n = 8) }}""",
        id="003-uccn-italy-has-8-components",
    ),
    # --- Eurocities (unnamed in the seed) --------------------------------------------------
    fact(
        SEED_003,
        "003-eurocities-founded-1986",
        f'{EUROCITIES} a ccn:Network ; rdfs:label "Eurocities"@en ; '
        'ccn:foundingDate "1986"^^xsd:gYear .',
    ),
    fact(
        SEED_003,
        "003-eurocities-main-european-cities",
        contains(EUROCITIES, "dcterms:description", "network of the main European cities"),
    ),
    fact(
        SEED_003,
        "003-eurocities-identification-explained",
        contains(EUROCITIES, "skos:editorialNote", "founded in 1986"),
    ),
    claim(
        "seed-003",
        "003-claim-135-big-cities",
        "eurocities",
        "members",
        135,
        "135 big cities",
        extra=f"?claim ccn:countsRole {n3(ns.role('full-member'))} .",
    ),
    claim(
        "seed-003",
        "003-claim-45-partner-cities",
        "eurocities",
        "members",
        45,
        "45 partner cities",
        extra=f"?claim ccn:countsRole {n3(ns.role('partner'))} .",
    ),
    claim(
        "seed-003",
        "003-claim-130-million-citizens",
        "eurocities",
        "citizens",
        130000000,
        "130 million citizens",
    ),
    claim("seed-003", "003-claim-39-countries", "eurocities", "countries", 39, "39 countries"),
    claim("seed-003", "003-claim-6-forums", "eurocities", "forums", 6, "6 forums themes"),
    fact(
        SEED_003,
        "003-forums-work-with-work-groups",
        contains(EUROCITIES, "skos:note", "platform for the sharing of know-how and ideas"),
    ),
    fact(
        SEED_003,
        "003-culture-forum-of-eurocities",
        f'{CULTURE_FORUM} a ccn:Forum ; rdfs:label "Culture Forum"@en ; org:unitOf {EUROCITIES} .',
    ),
    fact(
        SEED_003,
        "003-public-art-group-of-culture-forum-coordinated-by-turin",
        f"{PUBLIC_ART} a ccn:WorkingGroup ; org:unitOf {CULTURE_FORUM} ; "
        f"ccn:coordinatedBy {TURIN} .",
    ),
    fact(
        SEED_003,
        "003-eurocities-turin",
        membership("eurocities", ns.city("IT", "Turin"), MEMBER, "seed-003"),
    ),
    # --- GAI -------------------------------------------------------------------------------
    fact(
        SEED_003,
        "003-gai-names",
        f'{GAI} a ccn:Network ; skos:altLabel "GAI" ; '
        'rdfs:label "GAI – Association for the Circuit of Young Italian Artists"@en , '
        '"Associazione per il Circuito dei Giovani Artisti Italiani"@it .',
    ),
    fact(SEED_003, "003-gai-established-1997", f'{GAI} ccn:foundingDate "1997"^^xsd:gYear .'),
    fact(SEED_003, "003-gai-nonprofit", contains(GAI, "dcterms:description", "nonprofit")),
    fact(
        SEED_003,
        "003-gai-aim",
        contains(GAI, "dcterms:description", "supporting the new artistic generations"),
    ),
    fact(
        SEED_003,
        "003-gai-services-to-youths",
        contains(GAI, "skos:note", "for the benefit of the youths"),
    ),
    fact(
        SEED_003,
        "003-gai-recognized-by-mibact",
        f"{GAI} ccn:recognizedBy {MIBACT} . {MIBACT} a org:FormalOrganization ; "
        'rdfs:label "MiBACT – Ministry of Cultural Heritage and Activities and Tourism"@en , '
        '"Ministero per i beni e le attività culturali e per il turismo"@it .',
    ),
    fact(SEED_003, "003-gai-presidency-turin", f"{GAI} ccn:presidency {TURIN} ."),
    fact(SEED_003, "003-gai-secretariat-turin", f"{GAI} ccn:secretariat {TURIN} ."),
    claim(
        "seed-003",
        "003-claim-33-administrations",
        "gai",
        "members",
        33,
        "As of today it gathers 33 Public Administrations",
    ),
    fact(
        SEED_003,
        "003-claim-31-municipalities",
        f"?claim a ccn:SizeClaim ; ccn:aboutNetwork {GAI} ; "
        f"ccn:measure {n3(ns.measure('members'))} ; ccn:countsKind ccn:City ; "
        f"ccn:claimedValue 31 ; prov:wasDerivedFrom {n3(ns.source('seed-003'))} .",
    ),
    *(
        fact(
            SEED_003,
            f"003-gai-{ns.slug(name)}",
            membership("gai", ns.city("IT", name), MEMBER, "seed-003"),
            place_is(ns.city("IT", name), "ccn:City", name, IT),
        )
        for name in GAI_MUNICIPALITIES
    ),
    *(
        fact(
            SEED_003,
            f"003-gai-{ns.slug(label)}",
            membership("gai", member, MEMBER, "seed-003"),
            place_is(member, kind, label, IT),
        )
        for member, kind, label in GAI_OTHER_MEMBERS
    ),
    count("gai", "member", "?any", 33, "003-gai-has-33-administrations"),
    count("gai", "member", "ccn:City", 31, "003-gai-has-31-municipalities"),
    # --- BJCEM -----------------------------------------------------------------------------
    fact(
        SEED_003,
        "003-bjcem-names",
        f'{BJCEM} a ccn:Network ; skos:altLabel "BJCEM" ; rdfs:label '
        '"BJCEM – Biennale des jeunes créateurs de l\'Europe et de la Méditerranée"@fr .',
    ),
    fact(SEED_003, "003-bjcem-english-label", f"{BJCEM} rdfs:label ?l . FILTER(LANG(?l) = 'en')"),
    fact(
        SEED_003,
        "003-bjcem-international-association-mediterranean-network",
        contains(BJCEM, "dcterms:description", "International Association is a Mediterranean"),
    ),
    fact(
        SEED_003,
        "003-bjcem-established-july-2001",
        f'{BJCEM} ccn:foundingDate "2001-07"^^xsd:gYearMonth .',
    ),
    fact(
        SEED_003,
        "003-bjcem-seat-brussels",
        f"{BJCEM} ccn:seat ?seat .",
        f'?seat a ccn:City ; rdfs:label "Brussels"@en ; ccn:country {BE} .',
    ),
    fact(SEED_003, "003-bjcem-general-secretariat-turin", f"{BJCEM} ccn:secretariat {TURIN} ."),
    fact(
        SEED_003,
        "003-bjcem-biennial",
        f"{BJCEM_BIENNIAL} a ccn:RecurringEvent ; ccn:organizedBy {BJCEM} ; "
        'ccn:frequency "P2Y"^^xsd:duration . '
        + contains(BJCEM_BIENNIAL, "dcterms:description", "every two years in a different city"),
    ),
    fact(
        SEED_003,
        "003-bjcem-biennial-hundreds-of-young-talents",
        contains(BJCEM_BIENNIAL, "dcterms:description", "hundreds of young talents"),
    ),
    *(
        fact(
            SEED_003,
            f"003-bjcem-{code.lower()}",
            membership("bjcem", ns.country(code), MEMBER, "seed-003"),
            country_is(code, label),
        )
        for code, label in BJCEM_COUNTRIES
    ),
    *(
        fact(
            SEED_003,
            f"003-bjcem-external-partner-{code.lower()}",
            membership("bjcem", ns.country(code), EXTERNAL_PARTNER, "seed-003"),
            country_is(code, label),
        )
        for code, label in BJCEM_EXTERNAL_PARTNERS
    ),
    count("bjcem", "member", "ccn:Country", 21, "003-bjcem-in-21-countries"),
    count("bjcem", "external-partner", "ccn:Country", 4, "003-bjcem-4-external-partners"),
]


# ---------------------------------------------------------------------------------------
# The two sources and their dates
# ---------------------------------------------------------------------------------------

SOURCE_FACTS = [
    pytest.param(
        f"""ASK {{ {n3(ns.source("seed-000"))} a ccn:Source ;
                   dcterms:language "it"^^xsd:language ;
                   ccn:writtenAfter "2017-10-31"^^xsd:date ;
                   ccn:writtenBefore "2019-03-01"^^xsd:date ;
                   ccn:referenceDate "2019-03-01"^^xsd:date ;
                   ccn:localCopy "data/sources/seed-000.txt" ; ccn:dateBasis ?basis . }}""",
        id="source-seed-000-dated",
    ),
    pytest.param(
        f"""ASK {{ {n3(ns.source("seed-003"))} a ccn:Source ;
                   dcterms:language "en"^^xsd:language ; dcterms:publisher {TURIN} ;
                   ccn:writtenAfter "2019-10-30"^^xsd:date ;
                   ccn:writtenBefore "2021-03-01"^^xsd:date ;
                   ccn:referenceDate "2021-03-01"^^xsd:date ;
                   ccn:localCopy "data/sources/seed-003.txt" ; ccn:dateBasis ?basis . }}""",
        id="source-seed-003-dated",
    ),
]


@pytest.mark.parametrize("query", SEED_000_FACTS + SEED_003_FACTS + SOURCE_FACTS)
def test_fact(data: Dataset, query: str) -> None:
    assert ask(data, query), query


@pytest.mark.parametrize("seed", ["seed-000", "seed-003"])
def test_local_copy_of_seed_exists(seed: str) -> None:
    assert (ROOT / "data" / "sources" / f"{seed}.txt").is_file()


@pytest.mark.parametrize("seed", ["seed-000", "seed-003"])
def test_every_seed_membership_and_claim_is_derived_from_its_seed(data: Dataset, seed: str) -> None:
    """Each membership or claim stated in a seed's graph names that seed as its source there."""
    query = f"""
        SELECT ?x WHERE {{
          GRAPH {n3(ns.graph_name(seed))} {{
            {{ ?x a ccn:Membership }} UNION {{ ?x a ccn:SizeClaim }}
            FILTER NOT EXISTS {{ ?x prov:wasDerivedFrom {n3(ns.source(seed))} }}
          }}
        }}"""
    assert [row.x for row in data.query(PREFIXES + query)] == []


@pytest.mark.parametrize(
    "seed, memberships, claims",
    [
        # seed 000: the 9 UCCN cities; 7 fields, 180 cities, 72 countries, 9 Italian cities
        pytest.param("seed-000", 9, 4, id="seed-000"),
        # seed 003: 8 coordination + 8 UCCN + Turin in Eurocities + 33 GAI + 21 + 4 BJCEM;
        # 180 cities; 135, 45, 130 million, 39, 6 forums; 33, 31
        pytest.param("seed-003", 8 + 8 + 1 + 33 + 21 + 4, 1 + 5 + 2, id="seed-003"),
    ],
)
def test_no_membership_or_claim_beyond_the_seed(
    data: Dataset, seed: str, memberships: int, claims: int
) -> None:
    graph = data.graph(ns.graph_name(seed))
    assert len(set(graph.subjects(RDF.type, CCN.Membership))) == memberships
    assert len(set(graph.subjects(RDF.type, CCN.SizeClaim))) == claims


@pytest.mark.parametrize("seed", ["seed-000", "seed-003"])
def test_seed_gives_no_membership_dates(data: Dataset, seed: str) -> None:
    """Neither seed dates a single membership, so none may appear in its graph."""
    graph = data.graph(ns.graph_name(seed))
    assert list(graph.triples((None, CCN.startDate, None))) == []
    assert list(graph.triples((None, CCN.endDate, None))) == []
