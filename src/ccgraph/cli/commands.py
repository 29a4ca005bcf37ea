"""What each `ccgraph` verb does: call the library with the parsed arguments, write the
answer to stdout. Diagnostics go to stderr; errors are raised for `ccgraph.cli.main`."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from pathlib import Path

from .. import formats
from ..errors import EXIT_NONCONFORMING, EXIT_OK, CcgraphError, InputError, UsageError


def _open(args: argparse.Namespace, *, native: bool = False):
    from ..store import open_store

    return open_store(getattr(args, "store", None), args.data_dir, native=native)


def _output(answer, fmt: str | None, store) -> None:
    from ..results import render

    chosen = formats.terminal_name(fmt or ("table" if sys.stdout.isatty() else "csv"))
    sys.stdout.write(_table(answer, store) if chosen == "table" else render(answer, chosen))


def _table(answer, store) -> str:
    """A table for people: names for IRIs, narrowed to the terminal's width when stdout is
    one (IRIs stay in the csv, tsv, json and md formats)."""
    import shutil

    from ..labels import names
    from ..results import to_table

    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    return to_table(answer, names=names(store, (t for row in answer.rows for t in row)),
                    width=width)


def _progress(message: str) -> None:
    """A step of a long command, on stderr when it is a terminal (nothing otherwise)."""
    if sys.stderr.isatty():
        print(f"ccgraph: {message}…", file=sys.stderr, flush=True)


def run_build(args: argparse.Namespace) -> int:
    from ..store import EmbeddedStore, build
    from ..summary import summarize

    _progress("building the store from the sources (reused when they are unchanged)")
    build(args.data_dir, force=args.force)
    # the store the pointer names now: this build's, or a newer one if another build
    # finished meanwhile (this one's may then be gone)
    store = EmbeddedStore(args.data_dir, auto_build=False)
    try:
        print(summarize(store).text())
    finally:
        store.close()
    print(f"store: {store.path}")
    return EXIT_OK


def run_query_list(args: argparse.Namespace) -> int:
    from ..queries import catalogue

    for name, saved in sorted(catalogue().items()):
        print(f"{name:<24} {saved.summary}")
    return EXIT_OK


def run_query_show(args: argparse.Namespace) -> int:
    from ..queries import get

    saved = get(args.name)
    print(f"{saved.name}: {saved.summary}\n")
    if saved.description:
        print(saved.description.strip() + "\n")
    print("parameters:" if saved.params else "parameters: none")
    for p in saved.params:
        need = "required" if p.required else f"default {p.default}" if p.default else "optional"
        allowed = f"; one of {', '.join(p.allowed)}" if p.allowed else ""
        print(f"  {p.name} ({p.type}, {need}{allowed}) {p.description}".rstrip())
    print(f"columns: {', '.join(saved.columns)}\n")
    # the SPARQL without its header, which the lines above have shown
    print("\n".join(line for line in saved.text().splitlines()
                    if not line.startswith("#+ ") and line != "#+").strip())
    return EXIT_OK


def _params(pairs: Sequence[str], at: str | None) -> dict[str, str]:
    from .. import values

    params = values.pairs(pairs)
    if at is not None:
        if "date" in params:
            raise CcgraphError("give the date either with --at or with --param date=, not both")
        params["date"] = at
    return params


def run_query_run(args: argparse.Namespace) -> int:
    """A table (names for IRIs) goes through rdflib's terms; every other format takes the
    light path: the embedded store answers in pyoxigraph's terms and `queries.write` writes
    them, so no rdflib and no YAML library is imported (bench/startup.py)."""
    from ..queries import get, run, write

    get(args.name)  # an unknown name fails before the store is opened
    chosen = formats.terminal_name(args.format or ("table" if sys.stdout.isatty() else "csv"))
    if chosen == "table":
        store = _open(args)
        sys.stdout.write(_table(run(store, args.name, _params(args.param, args.at)), store))
        return EXIT_OK
    store = _open(args, native=True)
    written = io.BytesIO()  # whole, then written: a closed pipe is the reader's, not the query's
    write(store, args.name, _params(args.param, args.at), chosen, written)
    stdout = getattr(sys.stdout, "buffer", None)
    if stdout is None:  # a text stream with no bytes under it (tests)
        sys.stdout.write(written.getvalue().decode("utf-8"))
    else:
        sys.stdout.flush()
        stdout.write(written.getvalue())
        stdout.flush()
    return EXIT_OK


def run_sparql(args: argparse.Namespace) -> int:
    from ..guard import analyse, held_graphs

    text = args.query
    path = Path(text)
    if "\n" not in text and len(text) < 4096 and path.suffix in (".rq", ".sparql"):
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        text = path.read_text(encoding="utf-8")
    store = _open(args)
    form = analyse(text, held_graphs(store))  # refuses updates, SERVICE, LOAD, remote FROM
    if form == "AskQuery":
        print("true" if store.ask(text) else "false")
    elif form in ("ConstructQuery", "DescribeQuery"):
        from .. import namespaces as ns

        graph = ns.bind_prefixes(store.construct(text))
        sys.stdout.write(graph.serialize(format="turtle"))
    else:
        _output(store.select(text), args.format, store)
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    from ..export import serialize, writable_folder, write_atomically
    from ..reasoning import with_inferences
    from ..sources import load_dataset

    to_file = args.output and str(args.output) != "-"
    if to_file:
        writable_folder(args.output)  # a missing folder said at once, not after the work
    _progress("reading the sources")
    dataset = load_dataset()
    if args.inferred:
        _progress("adding the OWL-RL inferences (this takes a while)")
        dataset = with_inferences(dataset, "owlrl")
    _progress(f"writing {args.format}")
    data = serialize(dataset, args.format)
    if to_file:
        write_atomically(args.output, data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return EXIT_OK


def run_showcase(args: argparse.Namespace) -> int:
    import yaml

    from ..queries import run
    from ..sources import QUERIES_DIR

    store = _open(args)
    for item in yaml.safe_load((QUERIES_DIR / "showcase.yaml").read_text(encoding="utf-8")):
        params = {k: str(v) for k, v in (item.get("params") or {}).items()}
        shown = " ".join(f"--param {k}={v}" for k, v in params.items())
        print(f"## {item['question']}\n$ ccgraph query run {item['query']} {shown}".rstrip())
        print(_table(run(store, item["query"], params), store))
    return EXIT_OK


def _data_paths(paths: Sequence[Path]) -> list[Path]:
    """The files to read: each file given, and the data files of each folder given; a file
    named twice is read once."""
    from ..sources import data_files

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(data_files(path))
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    unique: dict[Path, Path] = {}
    for file in files:
        unique.setdefault(file.resolve(), file)
    return list(unique.values())


def run_validate(args: argparse.Namespace) -> int:
    """Validate the shipped data, or the given files: each read whole (a quad format's named
    graphs included) with the ontology and the derived attestations added as for the shipped
    data. Files that together hold no triple are an input error: nothing was validated.
    Each result names the file and line it comes from; bad input (every bad cell of the
    tables at once) is also written in a CI format when one is asked for, then exit 2."""
    from ..export import write_atomically
    from ..reports import CARRY_PROBLEMS, render, render_problems
    from ..sources import complete, data_files, load_dataset, load_files
    from ..validation import validate

    _progress("reading the data")
    reports: list[tuple[str, Path]] = []
    try:
        files = _data_paths(args.paths) if args.paths else data_files()
        reports = _report_files(args.report, files)
        if args.paths:
            given = load_files(files)
            if next(iter(given.quads((None, None, None, None))), None) is None:
                names = ", ".join(str(path) for path in files)
                raise InputError(f"{names}: nothing to validate (no triples)")
            dataset = complete(given)
        else:
            dataset = load_dataset()
    except InputError as error:
        problems = _problems(error)
        for fmt, path in reports:
            if fmt in CARRY_PROBLEMS:
                write_atomically(path, render_problems(problems, fmt).encode("utf-8"))
        if args.format in CARRY_PROBLEMS:
            sys.stdout.write(render_problems(problems, args.format))
        raise
    if args.inference != "none":
        _progress(f"adding the {args.inference} inferences (owlrl takes a while)")
    _progress("validating against the shapes")
    report = validate(dataset, inference=args.inference, sources=files)
    for fmt, path in reports:
        write_atomically(path, render(report, fmt).encode("utf-8"))
    sys.stdout.write(render(report, args.format))
    return EXIT_OK if report.conforms else EXIT_NONCONFORMING


def _report_files(reports: Sequence[tuple[str, Path]],
                  inputs: Sequence[Path]) -> list[tuple[str, Path]]:
    """`--report FORMAT=FILE`s, each file's folder checked before any work. A file named
    twice, or one of the files to validate, is a usage error (not an input error, whose
    report would be written over it)."""
    from ..export import writable_folder

    read = {path.resolve() for path in inputs}
    seen: dict[Path, str] = {}
    for fmt, path in reports:
        where = path.resolve()
        if where in read:
            raise UsageError(f"--report: {path} is a file to validate; it is not written over")
        if where in seen:
            raise UsageError(f"--report: {path} is given twice ({seen[where]} and {fmt})")
        writable_folder(path)
        seen[where] = fmt
    return list(reports)


def _problems(error: InputError) -> list:
    """The problems an input error holds (every bad cell of the tables), or itself as one."""
    from ..columns import Problem, problems_of

    return problems_of(error) or [Problem.of_error(error)]


def run_serve(args: argparse.Namespace) -> int:
    from ..web.app import create_app, listen, server

    numbers = {"--timeout": args.timeout, "--workers": args.workers,
               "--max-memory": args.max_memory,
               "--per-client": 1 if args.per_client is None else args.per_client}
    for option, value in numbers.items():
        if value <= 0:
            raise CcgraphError(f"{option} must be positive, got {value:g}")
    if args.max_rows is not None and args.max_rows < 0:
        raise CcgraphError(f"--max-rows must be 0 (no cap) or more, got {args.max_rows}")
    sock = listen(args.host, args.port)  # a busy port is a usage error, before anything else
    store = _open(args)
    app = create_app(store, timeout=args.timeout, max_rows=args.max_rows or 0,
                     workers=args.workers, per_client=args.per_client,
                     max_memory=args.max_memory * 2**20)
    close = getattr(store, "close", None)
    if close is not None:  # the workers open their own handles; this one would pin the store
        close()
    print(f"ccgraph: serving on http://{args.host}:{args.port}/ (Ctrl-C to stop)",
          file=sys.stderr)
    server(app).run(sockets=[sock])
    return EXIT_OK


def run_push(args: argparse.Namespace) -> int:
    from ..sources import load_dataset
    from ..store.remote import RemoteStore, graph_counts, is_remote

    if not args.store or not is_remote(args.store):
        raise CcgraphError("push needs --store URL (or $CCGRAPH_STORE): an http(s) URL")
    store = RemoteStore(args.store, gsp_url=args.gsp)
    _progress("reading the sources")
    dataset = load_dataset()
    _progress(f"loading every graph into {args.store}")
    counts = store.load(dataset, replace=args.replace)
    print("\n".join(graph_counts(counts)))
    return EXIT_OK
