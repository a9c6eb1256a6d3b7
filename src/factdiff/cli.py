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
    no_entities: Annotated[bool, typer.Option(
        "--no-entities", help="Leave entities out of the report (verdicts do not change).")] = False,
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


DbOption = Annotated[str | None, typer.Option("--db", help="Database URL (default: $FACTDIFF_DB or "
                                                           "sqlite:///factdiff.db; postgresql://USER@HOST/DB).")]


@app.command()
def ingest(
    sources: Annotated[list[str], typer.Argument(help="Articles: files, directories, JSONL (id, title, source, url, "
                                                      "published, language, text), '-' for stdin.")],
    db: DbOption = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Articles per transaction.")] = 32,
    no_check: Annotated[bool, typer.Option("--no-check", help="Group into stories only; no cross-check reports.")]
    = False,
    no_nli: Annotated[bool, typer.Option("--no-nli", help="Cross-check without the NLI model.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display or batch lines.")] = False,
    max_bytes: Annotated[int, typer.Option("--max-bytes", help="Largest article read, in bytes.")] = MAX_BYTES,
) -> None:
    """Add articles to the store, group them into stories and cross-check the stories that changed."""
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, TimeRemainingColumn

    from .store import StoreError
    from .stories import IngestResult
    from .stories import ingest as run_ingest

    logging.basicConfig(level=logging.WARNING, format="factdiff: %(message)s")
    show = not quiet and err.is_terminal
    start = time.perf_counter()
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), console=err, transient=True,
                      disable=not show) as progress:
            task = progress.add_task("ingesting", total=None, rate="")

            def report(res: IngestResult, total: int) -> None:
                done = res.added + res.duplicates
                rate = done / max(time.perf_counter() - start, 1e-9)
                line = (f"batch {res.batches}: {done}/{total} articles, {res.added} new, {res.duplicates} duplicates, "
                        f"{res.stories_new} new stories, {res.reports} reports, {rate:.1f} articles/s")
                if show:
                    progress.update(task, total=total, completed=done, rate=f"{rate:.1f}/s",
                                    description=f"{res.added} new, {res.stories_new} stories")
                elif not quiet:
                    err.print(line, highlight=False, soft_wrap=True)

            compare_options = {"nli": not no_nli}
            result = run_ingest(sources, db, batch_size=batch_size, cross_check=not no_check,
                                compare_options=compare_options, max_bytes=max_bytes, progress=report)
    except StoreError as exc:
        _fail(str(exc))
    except (InputError, EmbeddingError) as exc:
        _fail(str(exc))
    for path in result.skipped_files:
        err.print(f"skipped {escape(path)} (a factdiff output, not an article)", highlight=False, soft_wrap=True)
    for line in result.errors:
        err.print(f"[bold red]error:[/] {escape(line)}", highlight=False, soft_wrap=True)
    if not quiet:
        err.print(f"{result.added} new articles, {result.duplicates} already stored, {result.stories_new} new stories, "
                  f"{result.merges} merges, {result.reports} reports updated"
                  + (f"; {len(result.errors)} inputs skipped" if result.errors else ""), highlight=False,
                  soft_wrap=True)
    if result.errors:
        raise typer.Exit(1)


@app.command()
def stories(
    db: DbOption = None,
    since: Annotated[str | None, typer.Option("--since", help="Only stories active since this date.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="terminal or json.")] = "terminal",
) -> None:
    """List the stories in the store, latest activity first."""
    import json

    from rich.table import Table

    from .store import StoreError
    from .stories import list_stories

    if fmt not in ("terminal", "json"):
        _fail(f"unknown format {fmt!r}; choose terminal or json")
    try:
        data = list_stories(db, since)
    except StoreError as exc:
        _fail(str(exc))
    if fmt == "json":
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        return
    out = Console(color_system="auto" if sys.stdout.isatty() else None, width=120)
    table = Table(title=f"{len(data['stories'])} stories")
    for col in ("id", "title", "articles", "languages", "contradictions", "last seen"):
        table.add_column(col)
    for st in data["stories"]:
        table.add_row(str(st["id"]), escape(st["title"][:70]), str(len(st["articles"])), " ".join(st["languages"]),
                      str(st["contradictions"]), st["last_seen"])
    out.print(table)


@app.command()
def story(
    story_id: Annotated[int, typer.Argument(help="Story id (from `factdiff stories`).")],
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"One of {', '.join(FORMATS)}.")] = "terminal",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
) -> None:
    """Render one story's cross-check report with the same renderers as compare."""
    import json

    from .store import StoreError
    from .stories import StoryNotFound, report_from_json
    from .stories import story as get_story

    if fmt not in FORMATS:
        _fail(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    try:
        found = get_story(story_id, db)
    except (StoreError, StoryNotFound) as exc:
        _fail(str(exc))
    data = found.pop("report")
    if data is None:
        err.print(f"story {found['id']} has {len(found['articles'])} article(s) and no cross-check report yet",
                  highlight=False, soft_wrap=True)
        text = json.dumps({**found, "report": None}, ensure_ascii=False, indent=1) + "\n" if fmt == "json" else ""
    elif fmt == "json":
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    else:
        text = render(report_from_json(data), fmt, color=output is None and sys.stdout.isatty())
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            _fail(f"cannot write {output}: {exc.strerror}")
    else:
        sys.stdout.write(text)


def _fail(message: str) -> None:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
