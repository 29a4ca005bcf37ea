"""What each column of the tables (data/*.csv) must hold, checked for every cell before any
RDF is made: every bad cell of every table is reported at once, with file, line, column,
the value and what was expected (for an enumerated column, the allowed values and the
closest one: `ccgraph.spelling`).

    check([Path("data/uccn_members.csv")])   # raises TableErrors, or returns

What is checked (docs/maintaining.md, "What the checks catch"):
- the header holds every required column (a misspelt one: did you mean …);
- years are four digits, dates YYYY-MM-DD (the histories' dates may be a year or a month,
  or `undated …`), numbers numbers, and in range;
- enumerated columns hold one of their values: the UCCN creative fields (the English
  labels of data/vocabulary.ttl; an alternative label suggests its field), the kinds of
  member, yes/no, the networks;
- ISO 3166-1 alpha-2 codes are assigned codes (with XK, the code the EU and others use for
  Kosovo), a country name agrees with its code (data/countries.csv, of the same folder),
  and every code used has a row in countries.csv when the folder has one;
- a snapshot an attestation names is in the network's snapshots table (same folder);
- no row is repeated: the same membership, attestation, claim, snapshot or country twice.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from . import intake
from .errors import InputError
from .locations import Location, shown
from .spelling import closest
from .values import days

ISO_3166_1 = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
VN VU WF WS YE YT ZA ZM ZW""".split())
USER_ASSIGNED = {"XK": "Kosovo"}
COMMON_MISTAKES = {"UK": "GB", "EL": "GR"}  # the EU's own codes for these two
KINDS = ("City", "Province", "Region", "Metropolitan city", "Country", "State",
         "Organisation", "Ministry")
NETWORKS = ("gai", "eurocities", "bjcem")
SLUG = re.compile(r"[a-z0-9-]+")


@dataclass(frozen=True)
class Problem:
    """A bad cell, row or header: where (file, line, column), what, and the value."""

    location: Location
    rule: str  # table/value, table/row, table/column; input for any other bad input
    message: str
    value: str | None = None

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"

    @classmethod
    def of_error(cls, error: Exception) -> Problem:
        """Any other input error ("file:line: message") as a problem."""
        match = re.match(r"^(?P<file>[^\n:]+?)(?::(?P<line>\d+))?: (?P<message>.*)$",
                         str(error), re.DOTALL)
        if match is None:
            return cls(Location("-"), "input", str(error))
        line = int(match["line"]) if match["line"] else None
        return cls(Location(match["file"], line), "input", match["message"])


class TableErrors(InputError):
    """Bad cells in the tables: every one of them, in `problems`."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = [str(p) for p in problems]
        head = [] if len(lines) == 1 else [f"{len(lines)} problems in the tables:"]
        super().__init__("\n".join(head + lines))


def problems_of(error: Exception) -> list[Problem]:
    return list(getattr(error, "problems", []))


# --- cell checks: each returns what was expected, or None -------------------------------

Check = Callable[[str, "Folder"], str | None]


def year(value: str, _: Folder) -> str | None:
    return None if re.fullmatch(r"\d{4}", value) else "a four-digit year"


def day(value: str, _: Folder) -> str | None:
    try:
        date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else 1 / 0
    except (ValueError, ZeroDivisionError):
        return "a date YYYY-MM-DD"
    return None


def partial(value: str, _: Folder) -> str | None:
    """A history's date, as `values.days` reads it (a day, month or year, or a range A/B;
    a note may follow after a space), or `undated …`."""
    if value.startswith("undated"):
        return None
    try:
        days(value.split(" ", 1)[0])
    except InputError:
        return "a date YYYY, YYYY-MM or YYYY-MM-DD, or a range of them A/B, or 'undated …'"
    return None


def number(limit: int) -> Check:
    def check(value: str, _: Folder) -> str | None:
        try:
            ok = abs(float(value)) <= limit and re.fullmatch(r"[+-]?\d+(\.\d+)?", value)
        except ValueError:
            ok = False
        return None if ok else f"a decimal number in [-{limit}, {limit}]"
    return check


def whole(value: str, _: Folder) -> str | None:
    return None if value.isdigit() else "a whole number"


def slug(value: str, _: Folder) -> str | None:
    return None if SLUG.fullmatch(value) else "a slug: lower-case letters, digits and -"


def filled(value: str, _: Folder) -> str | None:
    return "a value (it must not be empty)" if not value else None


def one_of(*allowed: str) -> Check:
    def check(value: str, _: Folder) -> str | None:
        return None if value in allowed else _choices(value, allowed)
    return check


def optional(check: Check) -> Check:
    return lambda value, folder: None if not value else check(value, folder)


def field(value: str, folder: Folder) -> str | None:
    fields = folder.fields()
    if value in fields.values():
        return None
    hint = fields.get(value.lower())  # an alternative label of a field
    if hint:
        return f"one of {', '.join(sorted(set(fields.values())))} (did you mean {hint!r}?)"
    return _choices(value, sorted(set(fields.values())), "a creative field, ")


def iso2(value: str, folder: Folder) -> str | None:
    if value in ISO_3166_1 or value in USER_ASSIGNED:
        if folder.countries is not None and value not in folder.countries:
            return f"a country of {folder.countries_file}: add a row for {value} there"
        return None
    guess = COMMON_MISTAKES.get(value.upper()) or (value.upper() if value.upper() in ISO_3166_1
                                                    else closest(value, ISO_3166_1))
    hint = f" (did you mean {guess!r}?)" if guess else ""
    return f"an ISO 3166-1 alpha-2 code, two capital letters such as IT{hint}"


def _choices(value: str, allowed: Iterable[str], what: str = "") -> str:
    allowed = list(allowed)
    guess = closest(value, allowed)
    hint = f" (did you mean {guess!r}?)" if guess else ""
    return f"{what}one of {', '.join(allowed)}{hint}"


# --- the tables ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    columns: dict[str, Check]  # every required column, with its check
    key: tuple[str, ...] = ()  # what may not repeat
    what: str = "row"  # what the key names, for the duplicate's message


ATTESTATIONS = Table(
    {"member": filled, "kind": one_of(*KINDS), "country_iso2": iso2, "attested_on": partial,
     "snapshot": slug, "complete_list": one_of("yes", "no"), "role": filled,
     "source_url": lambda v, f: None, "quote": lambda v, f: None},
    ("member", "kind", "country_iso2", "snapshot"), "attestation")
SNAPSHOTS = Table(
    {"snapshot": slug, "date": partial, "date_basis": lambda v, f: None,
     "claimed_count": lambda v, f: None, "listed_count": lambda v, f: None,
     "source_url": lambda v, f: None},
    ("snapshot",), "snapshot")
TABLES: dict[str, Table] = {
    "uccn_members": Table(
        {"city": filled, "country_iso2": iso2, "field": field, "designation_year": year,
         "designation_date": optional(day), "end_year": optional(year),
         "note": lambda v, f: None, "lat": optional(number(90)), "lon": optional(number(180)),
         "sources": lambda v, f: None},
        ("city", "country_iso2", "field"), "membership"),
    "countries": Table({"iso2": iso2, "name_en": filled, "name_it": lambda v, f: None,
                        "note": lambda v, f: None}, ("iso2",), "country"),
    "uccn_totals": Table(
        {"claim": slug, "measure": slug, "value": whole, "field": optional(field),
         "as_of": day, "basis": lambda v, f: None, "quote": filled,
         "cited": lambda v, f: None}, ("claim",), "claim"),
    "network_claims": Table(
        {"claim": slug, "network": one_of(*NETWORKS), "snapshot": slug, "measure": slug,
         "value": whole, "qualifier": optional(one_of("more than", "about")),
         "kind": optional(one_of("City")), "role": lambda v, f: None,
         "as_of": optional(partial), "quote": lambda v, f: None},
        ("network", "snapshot", "claim"), "claim"),
    **{f"{n}_attestations": ATTESTATIONS for n in NETWORKS},
    **{f"{n}_snapshots": SNAPSHOTS for n in NETWORKS},
}


class Folder:
    """What the checks of a table look up: the creative fields, and the countries and
    snapshots tables next to it."""

    def __init__(self, folder: Path, vocabulary: Path) -> None:
        self.folder, self.vocabulary = folder, vocabulary
        self._snapshots: dict[str, set[str] | None] = {}
        self.countries_file = folder / "countries.csv"
        self.countries: dict[str, list[str]] | None = None  # code -> its names
        self.codes: dict[str, str] = {}  # a name, case folded -> its code
        if self.countries_file.is_file():
            self.countries = {}
            for row in _rows(self.countries_file):
                names = [n for n in (row.get("name_en", ""), row.get("name_it", "")) if n]
                self.countries[row.get("iso2", "")] = names
                self.codes.update((n.casefold(), row.get("iso2", "")) for n in names)

    def fields(self) -> dict[str, str]:
        return _fields(self.vocabulary)

    def snapshots(self, network: str) -> set[str] | None:
        if network not in self._snapshots:
            path = self.folder / f"{network}_snapshots.csv"
            self._snapshots[network] = ({row.get("snapshot", "") for row in _rows(path)}
                                        if path.is_file() else None)
        return self._snapshots[network]


@lru_cache(maxsize=4)
def _fields(vocabulary: Path) -> dict[str, str]:
    """English label of each creative field (in the Turtle file `vocabulary`) -> itself;
    each other label (lower case) -> the field's English label."""
    from rdflib import Graph
    from rdflib.namespace import SKOS

    graph = Graph()
    intake.parse(vocabulary, "turtle", graph)
    labels: dict[str, str] = {}
    for concept in set(graph.subjects(SKOS.inScheme, None)):
        if "/id/field/" not in str(concept):
            continue
        english = [str(x) for x in graph.objects(concept, SKOS.prefLabel)
                   if getattr(x, "language", None) == "en"]
        if english:
            labels[english[0]] = english[0]
            for other in (*graph.objects(concept, SKOS.prefLabel),
                          *graph.objects(concept, SKOS.altLabel)):
                labels.setdefault(str(other).lower(), english[0])
    return labels


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [{k: (v or "").strip() for k, v in row.items() if k}
                for row in csv.DictReader(handle)]


def check(paths: Iterable[Path], vocabulary: Path) -> None:
    """Check every table among `paths` (others are left alone) against the creative fields
    of `vocabulary` (data/vocabulary.ttl); TableErrors lists every problem in all of them."""
    folders: dict[Path, Folder] = {}
    problems = [p for path in paths if path.suffix == ".csv" and path.stem in TABLES
                for p in check_table(path, folders.setdefault(
                    path.parent, Folder(path.parent, vocabulary)))]
    if problems:
        raise TableErrors(problems)


def check_table(path: Path, folder: Folder) -> list[Problem]:
    """The problems of one table (`folder`: the one it is in)."""
    table, name = TABLES[path.stem], shown(path)
    problems: list[Problem] = []
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError:
        return problems  # the mapper reports it, as before
    with handle:
        reader = csv.DictReader(handle)
        header = [h for h in reader.fieldnames or () if h]
        for missing in sorted(set(table.columns) - set(header)):
            guess = closest(missing, set(header) - set(table.columns))
            hint = f" (is {guess!r} it, misspelt?)" if guess else ""
            problems.append(Problem(Location(name, 1, missing), "table/column",
                                    f"missing required column {missing!r}{hint}"))
        if problems:
            return problems
        seen: dict[tuple[str, ...], int] = {}
        start = reader.line_num + 1
        for number, raw in enumerate(reader, 1):
            row = {k: (v or "").strip() for k, v in raw.items() if k}

            found = [(column, expected, "table/value")
                     for column, checker in table.columns.items()
                     if (expected := checker(row[column], folder))]
            found += [(column, expected, "table/row")
                      for column, expected in _row_checks(path.stem, row, folder)]
            for column, expected, rule in found:
                value = row.get(column, "")
                problems.append(Problem(Location(name, start, column, number), rule,
                                        f"{value!r}: expected {expected}", value))
            key = tuple(row[c].casefold() for c in table.key)
            if key and all(key):
                if key in seen:
                    column = table.key[0]
                    problems.append(Problem(
                        Location(name, start, column, number), "table/row",
                        f"duplicated row: the same {table.what} as line {seen[key]} "
                        f"({', '.join(row[c] for c in table.key)})", row[column]))
                else:
                    seen[key] = start
            start = reader.line_num + 1
    return problems


def _row_checks(stem: str, row: dict[str, str], folder: Folder) -> list[tuple[str, str]]:
    """What a row's cells must agree on: (column, what was expected)."""
    found = []
    if stem == "uccn_members":
        code, name = row["country_iso2"], row.get("country", "")
        names = (folder.countries or {}).get(code)
        if name and names and name.casefold() not in {n.casefold() for n in names}:
            other = folder.codes.get(name.casefold())
            hint = f"; {name} is {other}" if other else ""
            found.append(("country", f"the name of {code} in {folder.countries_file.name}: "
                          f"{' or '.join(names)}{hint}"))
        if row["designation_date"][:4] not in ("", row["designation_year"]):
            found.append(("designation_date", f"a day in designation_year "
                          f"{row['designation_year']}"))
        if row["end_year"] and year(row["end_year"], folder) is None and \
                row["end_year"] < row["designation_year"]:
            found.append(("end_year", f"a year on or after designation_year "
                          f"{row['designation_year']}"))
        if bool(row["lat"]) != bool(row["lon"]):
            found.append(("lat" if not row["lat"] else "lon", "both lat and lon, or neither"))
    if stem.endswith("_attestations"):
        known = folder.snapshots(stem.split("_", 1)[0])
        if known is not None and row["snapshot"] and row["snapshot"] not in known:
            found.append(("snapshot", f"a snapshot of {stem.split('_', 1)[0]}_snapshots.csv"
                          f"{_hint(row['snapshot'], known)}"))
    return found


def _hint(value: str, known: Iterable[str]) -> str:
    guess = closest(value, known)
    return f" (did you mean {guess!r}?)" if guess else ""
