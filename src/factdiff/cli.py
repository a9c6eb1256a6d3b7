"""Command line: ``factdiff compare INPUT... [--format ...] [-o FILE]`` mirrors ``factdiff.compare``."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from . import __version__
from .embed import BACKENDS, DEFAULT_BACKEND, EmbeddingError
from .ingest import MAX_BYTES, InputError
from .render import FORMATS, render

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Cross-check news reports of one event: agreements, contradictions, unique facts.")
err = Console(stderr=True)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"factdiff {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Cross-check news reports of one event."""


@app.command()
def compare(
    inputs: Annotated[list[str], typer.Argument(help="Articles: text/HTML/JSONL files, directories, '-' for stdin.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"One of {', '.join(FORMATS)}.")] = "terminal",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    backend: Annotated[str, typer.Option(help=f"Embedding backend: {', '.join(BACKENDS)}.")] = DEFAULT_BACKEND,
    no_nli: Annotated[bool, typer.Option("--no-nli", help="Judge without the NLI model.")] = False,
    no_entities: Annotated[bool, typer.Option("--no-entities", help="Skip entity resolution and roles.")] = False,
    fetch: Annotated[bool, typer.Option("--fetch", help="Allow http(s) URLs as inputs (downloads them).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    max_bytes: Annotated[int, typer.Option("--max-bytes", help="Largest article read, in bytes.")] = MAX_BYTES,
) -> None:
    """Cross-check two or more articles about one event."""
    if fmt not in FORMATS:
        _fail(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if backend not in BACKENDS:
        _fail(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    from .pipeline import compare as run_compare

    logging.basicConfig(level=logging.WARNING, format="factdiff: %(message)s")
    show = not quiet and err.is_terminal
    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                      console=err, transient=True, disable=not show) as progress:
            task = progress.add_task("starting", total=None)
            report = run_compare(inputs, backend=backend, nli=not no_nli, entities=not no_entities,
                                 fetch=fetch, max_bytes=max_bytes,
                                 progress=lambda msg: progress.update(task, description=msg))
    except (InputError, EmbeddingError) as exc:
        _fail(str(exc))
    color = output is None and sys.stdout.isatty()
    text = render(report, fmt, color=color)
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            _fail(f"cannot write {output}: {exc.strerror}")
        if not quiet:
            err.print(f"wrote {output}")
    else:
        sys.stdout.write(text)


def _fail(message: str) -> None:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
