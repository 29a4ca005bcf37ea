"""Issue 13, point 2: the terminal is for people. Run through a real pseudo-terminal of 80
and 120 columns: tables show names, not IRIs, fit the width, and leave out a column that
repeats another; long steps say what they do on stderr, and nothing when it is not a
terminal. Expected names and counts come from the sources (data/uccn_members.csv,
data/network_claims.csv), not from the program."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

import pytest

CCGRAPH = [sys.executable, "-m", "ccgraph"]


def in_terminal(args: list[str], columns: int) -> tuple[int, str]:
    """(exit code, what the terminal showed) of `ccgraph ARGS` in a pseudo-terminal of
    `columns` columns (stdout and stderr both on it)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    process = subprocess.Popen([*CCGRAPH, *args], stdin=slave, stdout=slave, stderr=slave,
                               env=env, close_fds=True)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal is closed once the program ends
            break
        if not chunk:
            break
        shown += chunk
    process.wait(120)
    os.close(master)
    return process.returncode, shown.decode("utf-8").replace("\r\n", "\n")


@pytest.mark.parametrize("columns", [80, 120])
def test_a_table_shows_names_and_fits_the_terminal(columns):
    # data/uccn_members.csv: by 2005-06-01 Edinburgh (Literature, October 2004), and, known
    # only to the year 2005, Aswan, Berlin, Buenos Aires and Popayán
    code, shown = in_terminal(["query", "run", "members-at", "--param", "network=uccn",
                               "--at", "2005-06-01"], columns)
    assert code == 0, shown
    lines = shown.rstrip("\n").splitlines()
    assert all(len(line) <= columns for line in lines), [len(line) for line in lines]
    assert "https://" not in shown and "id/city" not in shown
    header = lines[0].split()
    assert header[0] == "member" and "label" not in header  # the label repeats the name
    assert "field" in header and "role" not in header  # a UCCN role is its field
    members = {line.split("  ")[0].strip() for line in lines[2:-1]}
    assert members == {"Edinburgh", "Aswan", "Berlin", "Buenos Aires", "Popayán"}
    assert lines[-1] == "(5 rows)"


@pytest.mark.parametrize("columns", [80, 120])
def test_claims_check_shows_the_words_and_the_measure(columns):
    code, shown = in_terminal(["query", "run", "claims-check"], columns)
    assert code == 0, shown
    lines = shown.rstrip("\n").splitlines()
    assert all(len(line) <= columns for line in lines)
    assert "https://" not in shown
    # data/network_claims.csv, bjcem-founding-2001: 23 members, "23 founders" (the cells
    # wrap within their column)
    if columns >= 120:
        assert any("23 members: “23" in line for line in lines)
        assert any(line.split("  ")[0] == "des jeunes" for line in lines)  # BJCEM's name
    assert shown.count("“") >= 80  # the words of the 80 claims of network_claims.csv


def test_a_pipe_gets_every_iri_and_every_column():
    shown = subprocess.run([*CCGRAPH, "query", "run", "members-at", "--param", "network=uccn",
                            "--at", "2005-06-01"], capture_output=True, text=True)
    assert shown.returncode == 0
    header, *rows = shown.stdout.splitlines()
    assert header == "member,label,kind,country,field,role,start,end,status"
    assert "https://w3id.org/ccgraph/id/city/gb/edinburgh,Edinburgh" in shown.stdout
    assert len(rows) == 5


def test_long_steps_say_what_they_do_only_on_a_terminal():
    code, shown = in_terminal(["validate"], 100)
    assert code == 0, shown
    assert "ccgraph: reading the data…" in shown
    assert "ccgraph: validating against the shapes…" in shown
    piped = subprocess.run([*CCGRAPH, "validate"], capture_output=True, text=True)
    assert piped.returncode == 0 and piped.stderr == ""
