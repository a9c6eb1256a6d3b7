"""Command line: ``factdiff compare INPUT... [--format ...] [-o FILE]`` mirrors ``factdiff.compare``."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from typer.core import TyperCommand

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
    _emit(text, output)
    if output is not None and not quiet:
        err.print(f"wrote {output}")


DbOption = Annotated[str | None, typer.Option("--db", help="Database URL (default: $FACTDIFF_DB or "
                                                           "sqlite:///factdiff.db; postgresql://USER@HOST/DB).")]


class _RayOptionalValue(TyperCommand):
    """``--ray`` alone means a local Ray: the word after it is its value only when it looks like an address."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        from .scale import LOCAL, is_address

        out: list[str] = []
        for i, arg in enumerate(args):
            out.append(arg)
            if arg == "--ray" and (i + 1 == len(args) or not is_address(args[i + 1])):
                out.append(LOCAL)
        return super().parse_args(ctx, out)


@app.command(cls=_RayOptionalValue)
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
    ray: Annotated[str | None, typer.Option(
        "--ray", metavar="[ADDRESS]", help="Run on Ray: alone, a local Ray for this run; with an address "
        "(auto, HEAD:6379), that cluster. Needs Ray: the ray extra of factdiff (docs/SCALING.md).")] = None,
    ray_workers: Annotated[int | None, typer.Option(
        "--ray-workers", min=1, help="With --ray: actors per stage (default: the CPUs Ray has).")] = None,
) -> None:
    """Add articles to the store, group them into stories and cross-check the stories that changed."""
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, TimeRemainingColumn

    from .scale import ScaleError
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
                                compare_options=compare_options, max_bytes=max_bytes, progress=report,
                                ray=ray, ray_workers=ray_workers)
    except StoreError as exc:
        _fail(str(exc))
    except ScaleError as exc:
        _fail(str(exc))
    except (InputError, EmbeddingError) as exc:
        _fail(str(exc))
    for path in result.skipped_files:
        err.print(f"skipped {escape(path)} (a factdiff output, not an article)", highlight=False, soft_wrap=True)
    for line in result.errors:
        err.print(f"[bold red]error:[/] {escape(line)}", highlight=False, soft_wrap=True)
    if not quiet:
        err.print(f"{result.added} new articles, {result.duplicates} already stored, {result.stories_new} new stories, "
                  f"{result.merges} merges, {result.splits} splits, {result.reports} reports updated"
                  + (f"; {len(result.errors)} inputs skipped" if result.errors else ""), highlight=False,
                  soft_wrap=True)
    if result.errors:
        raise typer.Exit(1)


@app.command()
def stories(
    db: DbOption = None,
    since: Annotated[str | None, typer.Option("--since", help="Only stories active since this date.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="terminal or json.")] = "terminal",
    level: Annotated[str, typer.Option("--level", help="story (one event each) or topic (stories of one topic, "
                                                       "e.g. every report on one trial, its verdict and appeal).")]
    = "story",
) -> None:
    """List the stories (or topics) in the store, latest activity first."""
    import json

    from rich.table import Table

    from .store import StoreError
    from .stories import LEVELS, list_stories

    if fmt not in ("terminal", "json"):
        _fail(f"unknown format {fmt!r}; choose terminal or json")
    if level not in LEVELS:
        _fail(f"unknown level {level!r}; choose {' or '.join(LEVELS)}")
    try:
        data = list_stories(db, since, level=level)
    except StoreError as exc:
        _fail(str(exc))
    if fmt == "json":
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        return
    from .render import terminal_width

    out = Console(color_system="auto" if sys.stdout.isatty() else None, width=terminal_width())
    key = "topics" if level == "topic" else "stories"
    table = Table(title=f"{len(data[key])} {key}")
    for col in ("id", "title", "articles") + (("stories",) if level == "topic" else ()) + (
            "languages", "contradictions", "last seen"):
        table.add_column(col)
    for st in data[key]:
        table.add_row(str(st["id"]), escape(st["title"][:70]), str(len(st["articles"])),
                      *([" ".join(str(i) for i in st["stories"][:8]) + (" ..." if len(st["stories"]) > 8 else "")]
                        if level == "topic" else []),
                      " ".join(st["languages"]), str(st["contradictions"]), st["last_seen"])
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
    _emit(text, output)


@app.command("render")
def render_cmd(
    report_path: Annotated[str, typer.Argument(help="A JSON report (`factdiff compare -f json`), '-' for stdin.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"One of {', '.join(FORMATS)}.")] = "html",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
) -> None:
    """Render a stored JSON report again (html, markdown, terminal, json) without recomputing it."""
    import json

    from .report import Report, ReportFormatError

    if fmt not in FORMATS:
        _fail(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    try:
        raw = sys.stdin.buffer.read() if report_path == "-" else Path(report_path).read_bytes()
    except OSError as exc:
        _fail(f"cannot read {report_path}: {exc.strerror}")
    try:
        report = Report.from_json(json.loads(raw.decode("utf-8")))
    except UnicodeDecodeError:
        _fail(f"{report_path} is not UTF-8 text (a JSON report is expected)")
    except json.JSONDecodeError as exc:
        _fail(f"{report_path} is not JSON (line {exc.lineno}: {exc.msg})")
    except ReportFormatError as exc:
        _fail(f"{report_path}: {exc}")
    text = render(report, fmt, color=output is None and sys.stdout.isatty())
    _emit(text, output)


@app.command()
def pair(
    texts: Annotated[list[str] | None, typer.Argument(help="TEXT_A TEXT_B: the two statements to judge.")] = None,
    jsonl: Annotated[str | None, typer.Option(
        "--jsonl", help='A file of {"a": ..., "b": ...} lines ("-" for stdin); one JSON verdict per line out.')] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="terminal or json.")] = "terminal",
    no_nli: Annotated[bool, typer.Option("--no-nli", help="Judge without the cross-encoder.")] = False,
) -> None:
    """Judge two statements: agree, contradict, tension or unrelated (compare's judge, then the cross-encoder)."""
    import json

    from .pairjudge import judge_jsonl
    from .pairjudge import pair as judge_pair

    logging.basicConfig(level=logging.WARNING, format="factdiff: %(message)s")
    if fmt not in ("terminal", "json"):
        _fail(f"unknown format {fmt!r}; choose terminal or json")
    if jsonl is not None:
        if texts:
            _fail("give either TEXT_A TEXT_B or --jsonl FILE, not both")
        try:
            stream = sys.stdin.buffer if jsonl == "-" else open(jsonl, "rb")
        except OSError as exc:
            _fail(f"cannot read {jsonl}: {exc.strerror}")
        errors = 0
        with stream:
            for rec in judge_jsonl(stream, nli=not no_nli):
                errors += "error" in rec
                sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
                sys.stdout.flush()
        if errors:
            err.print(f"{errors} line(s) could not be judged (see their error records)", highlight=False)
            raise typer.Exit(1)
        return
    if not texts or len(texts) != 2:
        _fail("pair needs two texts: factdiff pair TEXT_A TEXT_B (or --jsonl FILE)")
    assert texts is not None
    try:
        verdict = judge_pair(texts[0], texts[1], nli=not no_nli)
    except (InputError, EmbeddingError) as exc:
        _fail(str(exc))
    if fmt == "json":
        sys.stdout.write(json.dumps(verdict.to_json(), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(f"{verdict.label} ({verdict.kind}, confidence {verdict.confidence:.2f}, "
                         f"{verdict.decided_by}): {verdict.explanation}\n")


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (default: this machine only).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8000,
    allow_ingest: Annotated[bool, typer.Option("--allow-ingest", help="Let POST /api/ingest add articles to the "
                                                                      "store (read-only otherwise).")] = False,
    allow_fetch: Annotated[bool, typer.Option("--allow-fetch", help="Let /compare download URLs (public "
                                                                    "addresses only).")] = False,
) -> None:
    """Browse the store in a web browser: stories, articles side by side, search, compare pasted texts."""
    import ipaddress

    import uvicorn

    from .store import StoreError, resolve_url
    from .web import create_app

    logging.basicConfig(level=logging.WARNING, format="factdiff: %(message)s")
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = False
    # on a loopback address only loopback names may reach it (a rebound DNS name cannot)
    allowed = ["127.0.0.1", "localhost", "::1", "[::1]"] if loopback else None
    try:
        url = resolve_url(db)
        if url.startswith("sqlite") and not _sqlite_exists(url):
            _fail(f"no database at {url.split(':///', 1)[-1]}: fill one with `factdiff ingest FILE.jsonl --db {url}`")
        web_app = create_app(db, allow_ingest=allow_ingest, allow_fetch=allow_fetch, allowed_hosts=allowed)
    except StoreError as exc:
        _fail(str(exc))
    if not loopback:
        err.print(f"warning: listening on {escape(host)}: anyone who can reach this address can read the store",
                  highlight=False, soft_wrap=True)
    err.print(f"factdiff: serving {escape(web_app.state.store.url.split('@')[-1])} on http://{escape(host)}:{port}/"
              + (" (ingest enabled)" if allow_ingest else "") + (" (URL fetching enabled)" if allow_fetch else ""),
              highlight=False, soft_wrap=True)
    try:
        uvicorn.run(web_app, host=host, port=port, log_level="warning", server_header=False,
                    limit_concurrency=64, timeout_keep_alive=5)
    except OSError as exc:
        _fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")


def _sqlite_exists(url: str) -> bool:
    """Whether a SQLite URL names an existing file (an in-memory database counts as existing)."""
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    return not database or database == ":memory:" or Path(database).is_file()


def _emit(text: str, output: Path | None) -> None:
    """Write to ``output`` (one clear line if it cannot be written) or to standard output."""
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
