"""Issue 15 (3): a table value that cannot become a term is caught before any RDF is made,
reported with file, line, column, the value and what was expected (for an enumerated
column, the allowed values and the closest), every one of them in one run, exit 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ccgraph import columns
from ccgraph.cli import main
from ccgraph.columns import ISO_3166_1, TableErrors
from ccgraph.sources import DATA_DIR, data_files, load_dataset, load_files

FIELDS = ("Architecture, Crafts and Folk Art, Design, Film, Gastronomy, Literature, "
          "Media Arts, Music")


def test_the_shipped_tables_have_no_bad_value():
    columns.check(data_files(), DATA_DIR / "vocabulary.ttl")


def test_iso_3166_1_has_its_249_codes():
    # ISO 3166-1 assigns 249 alpha-2 codes; UK and EL are only reserved, XK user-assigned
    assert len(ISO_3166_1) == 249
    assert {"GB", "GR", "IT", "SS", "BQ"} <= ISO_3166_1
    assert not {"UK", "EL", "XK", "EU"} & ISO_3166_1


def edit(path: Path, line: int, old: str, new: str) -> None:
    """Replace `old` by `new` in line `line` (1-based) of the file, checking it is there."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line - 1], (line, lines[line - 1])
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    return folder


def test_every_bad_value_of_every_table_in_one_run(data: Path, capsys):
    members = data / "uccn_members.csv"
    # the rows as data/uccn_members.csv has them: 2 Edinburgh, 3 Aswan, 4 Berlin,
    # 5 Buenos Aires (Design 2005), 6 and on
    edit(members, 2, ",2004,", ",20x5,")  # a year that is not one
    edit(members, 3, "Crafts and Folk Art", "Musik")  # not a field
    edit(members, 4, "Germany,DE,", "United Kingdom,UK,")  # not an ISO code
    edit(members, 5, "Argentina,AR,", "Argentina,BR,")  # a name that is not its code's
    lines = members.read_text(encoding="utf-8").splitlines(keepends=True)
    members.write_text("".join(lines + [lines[5]]), encoding="utf-8")  # row 6, twice
    gai = data / "gai_attestations.csv"
    edit(gai, 1, "attested_on,", "atested_on,")  # a required column misspelt
    code = main(["validate", str(data)])
    assert code == 2
    err = capsys.readouterr().err
    m, g = str(members), str(gai)
    sixth = lines[5].split(",")
    assert err.splitlines() == [
        "ccgraph: error: 6 problems in the tables:",
        f"{g}:1: column attested_on: missing required column 'attested_on' "
        "(is 'atested_on' it, misspelt?)",
        f"{m}:2: column designation_year: '20x5': expected a four-digit year",
        f"{m}:3: column field: 'Musik': expected a creative field, one of {FIELDS} "
        "(did you mean 'Music'?)",
        f"{m}:4: column country_iso2: 'UK': expected an ISO 3166-1 alpha-2 code, two capital "
        "letters such as IT (did you mean 'GB'?)",
        f"{m}:5: column country: 'Argentina': expected the name of BR in countries.csv: "
        "Brazil; Argentina is AR",
        f"{m}:{len(lines) + 1}: column city: duplicated row: the same membership as line 6 "
        f"({sixth[0]}, {sixth[2]}, {sixth[3]})",
    ]


def test_errors_are_raised_before_any_rdf_and_carry_their_cells(data: Path):
    edit(data / "uccn_members.csv", 3, "Crafts and Folk Art", "Cinema")
    with pytest.raises(TableErrors) as caught:
        load_files([data / "uccn_members.csv"])
    [problem] = caught.value.problems
    assert (problem.location.line, problem.location.row, problem.location.column) == (3, 2, "field")
    assert problem.value == "Cinema"
    assert problem.message.endswith("(did you mean 'Film'?)")  # an alternative label of Film


def test_enumerations_and_references_of_the_histories(data: Path):
    gai = data / "gai_attestations.csv"
    # line 2: Turin, City, IT, 1997-07-25, torino-1997, yes, ...
    edit(gai, 2, "Turin,City,IT,1997-07-25,torino-1997,yes,",
         "Turin,Cty,IT,1997-07-35,torino-1998,yess,")
    with pytest.raises(TableErrors) as caught:
        load_files([gai, data / "gai_snapshots.csv"])
    found = {(p.location.line, p.location.column): p.message for p in caught.value.problems}
    assert set(found) == {(2, "kind"), (2, "attested_on"), (2, "complete_list"),
                          (2, "snapshot")}
    assert "(did you mean 'City'?)" in found[(2, "kind")]
    assert "(did you mean 'yes'?)" in found[(2, "complete_list")]
    assert found[(2, "snapshot")] == ("'torino-1998': expected a snapshot of "
                                      "gai_snapshots.csv (did you mean 'torino-1997'?)")


def test_a_country_with_no_row_in_countries_csv(data: Path):
    edit(data / "uccn_members.csv", 2, "United Kingdom,GB,", "Monaco,MC,")
    with pytest.raises(TableErrors) as caught:
        load_dataset([data / "uccn_members.csv", data / "countries.csv"])
    [problem] = caught.value.problems
    assert problem.location.column == "country_iso2"
    assert "add a row for MC there" in problem.message


def test_one_problem_is_one_line(data: Path):
    edit(data / "uccn_members.csv", 2, ",2004,", ",2o04,")
    with pytest.raises(TableErrors) as caught:
        load_files([data / "uccn_members.csv"])
    assert str(caught.value) == (f"{data / 'uccn_members.csv'}:2: column designation_year: "
                                 "'2o04': expected a four-digit year")
