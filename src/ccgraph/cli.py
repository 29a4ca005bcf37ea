"""The `ccgraph` command: parse arguments, call the library, render. Nothing else.

Data goes to stdout, diagnostics to stderr. Exit codes are in `ccgraph.errors`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import EXIT_NONCONFORMING, EXIT_OK, CcgraphError, InputError

EXIT_INTERNAL = 70

EPILOG = """exit codes: 0 ok / the data conforms; 1 the data does not conform or a query failed;
2 usage or input error (bad option, file, parameter, date or IRI); 70 internal error."""


class Parser(argparse.ArgumentParser):
    """argparse, but usage errors raise instead of exiting, so main() renders them."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise CcgraphError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="ccgraph", description=__doc__.splitlines()[0] if __doc__ else None, epilog=EPILOG
    )
    parser.add_argument("--version", action="version", version=f"ccgraph {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True

    build = commands.add_parser(
        "build",
        help="build the embedded store from the sources and print what it holds",
        epilog=EPILOG,
        description="Build the embedded Oxigraph store (aside, then switched in atomically). "
        "Without --force, a store already built from the same sources is reused.",
    )
    build.add_argument(
        "--force", action="store_true", help="rebuild even if the sources are unchanged"
    )
    _store_options(build, with_kind=False)
    build.set_defaults(run=run_build)

    query = commands.add_parser("query", help="list, show and run saved queries", epilog=EPILOG)
    query_commands = query.add_subparsers(
        dest="query_command", metavar="ACTION", parser_class=Parser
    )
    query_commands.required = True
    listing = query_commands.add_parser("list", help="the saved queries and their summaries")
    listing.set_defaults(run=run_query_list)
    show = query_commands.add_parser("show", help="a saved query's summary, parameters and text")
    show.add_argument("name", metavar="NAME")
    show.set_defaults(run=run_query_show)
    run = query_commands.add_parser(
        "run",
        help="run a saved query",
        epilog=EPILOG,
        description="Run saved query NAME. Values are bound as checked RDF terms, never pasted "
        "into the query text.",
    )
    run.add_argument("name", metavar="NAME")
    run.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a parameter value (repeatable); see `ccgraph query show NAME`",
    )
    run.add_argument("--at", metavar="DATE", help="shorthand for --param date=DATE")
    _format_option(run)
    _store_options(run)
    run.set_defaults(run=run_query_run)

    sparql = commands.add_parser(
        "sparql",
        help="run an ad-hoc read-only SPARQL query",
        epilog=EPILOG,
        description="Run a SELECT or ASK query given as text or as a file path; updates are "
        "refused. The default graph is the union of the sources' named graphs.",
    )
    sparql.add_argument("query", metavar="QUERY_OR_FILE")
    _format_option(sparql)
    _store_options(sparql)
    sparql.set_defaults(run=run_sparql)

    export = commands.add_parser(
        "export", help="export the graph as Turtle, JSON-LD, N-Triples, TriG or RDF/XML",
        epilog=EPILOG,
        description="Export the asserted triples (with --inferred, the OWL-RL inferences too, "
        "in graph:inferred). TriG keeps one named graph per source; the other formats carry "
        "the merge. JSON-LD is compacted with the project's own @context, embedded.",
    )
    export.add_argument("--format", "-f", default="turtle",
                        choices=("turtle", "jsonld", "ntriples", "trig", "rdfxml"),
                        help="output format (default: turtle)")
    export.add_argument("--inferred", action="store_true",
                        help="add the OWL-RL inferences of ontology + data")
    export.add_argument("-o", "--output", type=Path, metavar="FILE",
                        help="write to FILE atomically (default: stdout)")
    export.set_defaults(run=run_export)

    showcase = commands.add_parser(
        "showcase",
        help="answer the showcase of saved questions (queries/showcase.yaml)",
        epilog=EPILOG,
    )
    _store_options(showcase)
    showcase.set_defaults(run=run_showcase)

    validate = commands.add_parser(
        "validate",
        help="validate data against the SHACL shapes",
        epilog=EPILOG,
        description="Validate the shipped data (or the given files) against shapes/*.ttl.",
    )
    validate.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="data files (.ttl .nt .nq .trig .jsonld .json .rdf .owl .xml, or a known .csv "
        "table; an export of ccgraph validates) or folders (their .ttl and tables) to "
        "validate instead of the shipped data/",
    )
    validate.add_argument(
        "--inference",
        choices=("none", "rdfs", "owlrl"),
        default="none",
        help="expand the data with the ontology first (default: none)",
    )
    validate.add_argument(
        "--format",
        choices=("text", "turtle", "json"),
        default="text",
        help="report format on stdout (default: text)",
    )
    validate.set_defaults(run=run_validate)

    serve = commands.add_parser(
        "serve",
        help="serve a read-only SPARQL 1.1 Protocol endpoint at /sparql",
        epilog=EPILOG,
        description="Serve the store at http://HOST:PORT/sparql (GET or POST; results by "
        "content negotiation). Read-only; SERVICE, LOAD and remote FROM are refused. Queries "
        "run in worker processes: one running longer than --timeout, or using more than "
        "--max-memory, is stopped and gets 503; a result longer than --max-rows is cut and "
        "flagged with the header X-Result-Truncated: true. See docs/security.md.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--timeout", type=float, default=10.0, metavar="S",
                       help="seconds a query may run (default: 10)")
    serve.add_argument("--max-rows", type=int, default=10000, metavar="N",
                       help="rows (or triples) returned at most (default: 10000)")
    serve.add_argument("--workers", type=int, default=4, metavar="N",
                       help="worker processes answering queries (default: 4)")
    serve.add_argument("--per-client", type=int, metavar="N",
                       help="queries one client address may run at once (default: half the "
                       "workers); the others wait their turn")
    serve.add_argument("--max-memory", type=int, default=320, metavar="MB",
                       help="memory a worker may use before its query is stopped (default: "
                       "320; Linux)")
    _store_options(serve)
    serve.set_defaults(run=run_serve)

    push = commands.add_parser(
        "push",
        help="load the graph into a remote SPARQL store (Graph Store Protocol)",
        epilog=EPILOG,
        description="Load the dataset built from the sources into the store at URL: each "
        "source's named graph, and their merge in graph:merged, each replaced whole by a "
        "Graph Store Protocol PUT; then print the triples the store holds per graph. "
        "Credentials come from CCGRAPH_STORE_USER/CCGRAPH_STORE_PASSWORD or "
        "CCGRAPH_STORE_TOKEN, the Graph Store endpoint from --gsp or CCGRAPH_STORE_GSP when "
        "it cannot be told from URL (docs/stores.md).",
    )
    push.add_argument("--store", metavar="URL", default=os.environ.get("CCGRAPH_STORE"),
                      help="the SPARQL query endpoint (default: $CCGRAPH_STORE)")
    push.add_argument("--gsp", metavar="URL",
                      help="the Graph Store endpoint (default: $CCGRAPH_STORE_GSP, or told "
                      "from the query URL for Oxigraph, Virtuoso, Fuseki and GraphDB)")
    push.add_argument("--replace", action="store_true",
                      help="replace the ccgraph graphs the store already holds (without it, "
                      "a store holding them is left alone) and delete those no longer built")
    push.set_defaults(run=run_push)
    return parser


def _format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        "-f",
        choices=("table", "csv", "tsv", "json", "md"),
        help="output format (default: table on a terminal, csv otherwise); "
        "json is the SPARQL 1.1 Query Results JSON format",
    )


def _store_options(parser: argparse.ArgumentParser, with_kind: bool = True) -> None:
    if with_kind:
        parser.add_argument(
            "--store",
            metavar="STORE",
            help="embedded (the Oxigraph store, default), memory (rdflib), or the http(s) URL "
            "of a SPARQL endpoint holding the graph (see `ccgraph push`); default: "
            "$CCGRAPH_STORE, else embedded",
        )
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="where the embedded store lives (default: $CCGRAPH_DATA_DIR or "
        "the per-user data directory)",
    )


def _open(args: argparse.Namespace):
    from .store import open_store

    return open_store(getattr(args, "store", None), args.data_dir)


def _output(answer, fmt: str | None) -> None:
    from .results import render

    sys.stdout.write(render(answer, fmt or ("table" if sys.stdout.isatty() else "csv")))


def run_build(args: argparse.Namespace) -> int:
    from .store import EmbeddedStore, build
    from .summary import summarize

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
    from .queries import catalogue

    for name, saved in sorted(catalogue().items()):
        print(f"{name:<24} {saved.summary}")
    return EXIT_OK


def run_query_show(args: argparse.Namespace) -> int:
    from .queries import get

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
    print(saved.text().rstrip())
    return EXIT_OK


def _params(pairs: Sequence[str], at: str | None) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise CcgraphError(f"--param takes KEY=VALUE, got {pair!r}")
        if key in values:
            raise CcgraphError(f"--param {key} is given twice")
        values[key] = value
    if at is not None:
        if "date" in values:
            raise CcgraphError("give the date either with --at or with --param date=, not both")
        values["date"] = at
    return values


def run_query_run(args: argparse.Namespace) -> int:
    from .queries import get, run

    get(args.name)  # an unknown name fails before the store is opened
    answer = run(_open(args), args.name, _params(args.param, args.at))
    _output(answer, args.format)
    return EXIT_OK


def run_sparql(args: argparse.Namespace) -> int:
    from .guard import analyse, held_graphs

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
        from . import namespaces as ns

        graph = ns.bind_prefixes(store.construct(text))
        sys.stdout.write(graph.serialize(format="turtle"))
    else:
        _output(store.select(text), args.format)
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    from .export import serialize, write_atomically
    from .reasoning import with_inferences
    from .sources import load_dataset

    dataset = load_dataset()
    if args.inferred:
        dataset = with_inferences(dataset, "owlrl")
    data = serialize(dataset, args.format)
    if args.output:
        write_atomically(args.output, data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return EXIT_OK


def run_showcase(args: argparse.Namespace) -> int:
    import yaml

    from .queries import run
    from .results import to_table
    from .sources import QUERIES_DIR

    store = _open(args)
    for item in yaml.safe_load((QUERIES_DIR / "showcase.yaml").read_text(encoding="utf-8")):
        params = {k: str(v) for k, v in (item.get("params") or {}).items()}
        shown = " ".join(f"--param {k}={v}" for k, v in params.items())
        print(f"## {item['question']}\n$ ccgraph query run {item['query']} {shown}".rstrip())
        print(to_table(run(store, item["query"], params)))
    return EXIT_OK


def _data_paths(paths: Sequence[Path]) -> list[Path]:
    """The files to read: each file given, and the data files of each folder given; a file
    named twice is read once."""
    from .sources import data_files

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
    data. Files that together hold no triple are an input error: nothing was validated."""
    from .sources import completed, load_dataset, load_files
    from .validation import validate

    if args.paths:
        files = _data_paths(args.paths)
        given = load_files(files)
        if next(iter(given.quads((None, None, None, None))), None) is None:
            names = ", ".join(str(path) for path in files)
            raise InputError(f"{names}: nothing to validate (no triples)")
        dataset = completed(given)
    else:
        dataset = load_dataset()
    report = validate(dataset, inference=args.inference)
    if args.format == "turtle":
        sys.stdout.write(report.graph.serialize(format="turtle"))
    elif args.format == "json":
        json.dump(report_json(report), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(report.text())
    return EXIT_OK if report.conforms else EXIT_NONCONFORMING


def report_json(report) -> dict:
    def term(node):
        return None if node is None else str(node)

    return {
        "conforms": report.conforms,
        "counts": report.counts(),
        "results": [
            {
                "severity": term(r.severity),
                "focus": term(r.focus),
                "path": term(r.path),
                "component": term(r.component),
                "shape": term(r.shape),
                "value": term(r.value),
                "message": r.message,
            }
            for r in report.results
        ],
    }


def run_serve(args: argparse.Namespace) -> int:
    from .server import create_app, listen, server

    numbers = {"--timeout": args.timeout, "--max-rows": args.max_rows,
               "--workers": args.workers, "--max-memory": args.max_memory,
               "--per-client": 1 if args.per_client is None else args.per_client}
    for option, value in numbers.items():
        if value <= 0:
            raise CcgraphError(f"{option} must be positive, got {value:g}")
    sock = listen(args.host, args.port)  # a busy port is a usage error, before anything else
    store = _open(args)
    app = create_app(store, timeout=args.timeout, max_rows=args.max_rows,
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
    from .remote import RemoteStore, graph_counts, is_remote
    from .sources import load_dataset

    if not args.store or not is_remote(args.store):
        raise CcgraphError("push needs --store URL (or $CCGRAPH_STORE): an http(s) URL")
    store = RemoteStore(args.store, gsp_url=args.gsp)
    counts = store.load(load_dataset(), replace=args.replace)
    print("\n".join(graph_counts(counts)))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return args.run(args)
    except CcgraphError as error:
        print(f"ccgraph: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # a bug: one line unless asked for the traceback
        if os.environ.get("CCGRAPH_DEBUG"):
            raise
        print(
            f"ccgraph: internal error: {type(error).__name__}: {error} "
            "(set CCGRAPH_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
