"""`python -m bench [NAME ...] [--quick] [--no-write]`: run the benchmarks, print tables, rewrite the doc.

Every benchmark module exposes ``tables(quick) -> list[Table]`` (ours) or ``run(quick) ->
list[dict]`` (bench/nli_eval.py, bench/coref.py); the latter's rows become one table. A full
(non-quick) run rewrites the sections it ran in docs/EVALUATION.md and keeps the others, so a
single benchmark can be refreshed alone. Exit status: 1 when a seed or dev gold floor dropped (or
the gold or dev benchmark could not run) in --quick mode, else 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import platform
import re
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from bench.common import CACHE_STATS, ROOT, Skip, Table, fmt, rows_to_table, save_cache

DOC = ROOT / "docs" / "EVALUATION.md"


@dataclass
class Bench:
    name: str
    module: str
    title: str
    external: bool = False  # another engineer's module: run(quick) -> list[dict]


BENCHES = [
    Bench("gold", "bench.gold", "Gold annotations (seeds and examples/)"),
    Bench("dev", "bench.dev", "Real multi-outlet cases (../shared/gold/dev)"),
    Bench("semeval", "bench.semeval", "Article similarity: SemEval-2022 Task 8"),
    Bench("basil", "bench.basil", "Article similarity: BASIL same-event retrieval"),
    Bench("nli", "bench.nli_eval", "NLI accuracy", external=True),
    Bench("crossencoder", "bench.crossencoder", "Cross-encoder (multilingual NLI, issue 12)"),
    Bench("coref", "bench.coref", "Entity coreference", external=True),
    Bench("speed", "bench.speed", "Speed and memory"),
    Bench("embedders", "bench.embedders", "Embedding backends on the gold files", external=True),
    Bench("alarms", "bench.alarms", "Flags on same-event reports"),
    Bench("translations", "bench.translations", "Translated articles"),
    Bench("stories", "bench.stories", "Story clustering of article streams"),
    Bench("web", "bench.web", "Web UI at 10,000 articles (factdiff serve)"),
    Bench("ingest", "bench.ingest_scale", "Stream ingest at scale"),
    Bench("scale", "bench.scale", "Scale-out on Ray (factdiff ingest --ray)"),
]


@dataclass
class Outcome:
    bench: Bench
    tables: list[Table]
    message: str = ""  # "not available: ..." or "failed: ..."
    seconds: float = 0.0
    failed: bool = False


def run_bench(bench: Bench, quick: bool, fit: bool) -> Outcome:
    """Run one benchmark; a missing module or data set is a message, a crash is a failure."""
    start = time.perf_counter()
    try:
        module = importlib.import_module(bench.module)
    except ImportError as exc:
        return Outcome(bench, [], f"not available ({bench.module}: {exc})")
    try:
        if bench.external or not hasattr(module, "tables"):
            run: Callable[[bool], list[dict[str, object]]] = module.run
            rows = run(quick)
            command = f"python -m bench {bench.name}" + (" --quick" if quick else "")
            other_doc = {"nli": "docs/EVALUATION-nli.md", "coref": "docs/EVALUATION-entities.md"}.get(bench.name)
            notes = [f"Rows returned by {bench.module}.run(); details in {other_doc}."] if other_doc else []
            notes += getattr(module, "NOTES", [])
            tables = [rows_to_table(bench.title, command, rows, notes)]
        elif bench.name == "semeval":
            tables = module.tables(quick, fit=fit)
        else:
            tables = module.tables(quick)
    except Skip as exc:
        return Outcome(bench, [], f"not available: {exc}", time.perf_counter() - start)
    except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others
        traceback.print_exc()
        return Outcome(bench, [], f"failed: {type(exc).__name__}: {exc}", time.perf_counter() - start, failed=True)
    finally:
        save_cache()
    return Outcome(bench, tables, "", time.perf_counter() - start)


def print_outcome(outcome: Outcome) -> None:
    """Rich tables on the terminal."""
    from rich.console import Console
    from rich.table import Table as RichTable

    console = Console(width=max(120, Console().width))
    if outcome.message:
        console.print(f"[bold]{outcome.bench.title}[/bold]: {outcome.message}")
        return
    for t in outcome.tables:
        rt = RichTable(title=f"{t.title}  ({outcome.seconds:.0f} s)", title_justify="left")
        for c in t.columns:
            rt.add_column(c)
        for row in t.rows:
            rt.add_row(*(fmt(v) for v in row))
        console.print(rt)
        console.print(f"[dim]$ {t.command}[/dim]")
        for note in t.notes:
            console.print(f"[dim]- {note}[/dim]")
        console.print()


def _md_cell(value: object) -> str:
    return fmt(value).replace("|", "\\|").replace("\n", " ")


def markdown(outcome: Outcome) -> str:
    """One benchmark's section, between markers so later single-benchmark runs can replace it."""
    name = outcome.bench.name
    lines = [f"<!-- bench:{name} -->", f"## {outcome.bench.title}", ""]
    if outcome.message:
        lines += [f"`python -m bench {name}`: {outcome.message}", ""]
    for t in outcome.tables:
        lines += [f"### {t.title}", "", f"Command: `{t.command}` ({outcome.seconds:.0f} s)", ""]
        if t.rows:
            lines.append("| " + " | ".join(t.columns) + " |")
            lines.append("|" + "---|" * len(t.columns))
            lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in t.rows]
            lines.append("")
        lines += [f"- {n}" for n in t.notes] + [""]
    lines.append(f"<!-- /bench:{name} -->")
    return "\n".join(lines)


def _git_commit() -> str:
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return sha + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def write_doc(outcomes: list[Outcome], total: float) -> None:
    """Rewrite docs/EVALUATION.md: fresh header, fresh sections for what ran, old sections kept."""
    old = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    sections = {o.bench.name: markdown(o) for o in outcomes}
    for b in BENCHES:
        if b.name not in sections:
            m = re.search(rf"<!-- bench:{b.name} -->.*?<!-- /bench:{b.name} -->", old, re.S)
            if m:
                sections[b.name] = m.group(0)
    ran = ", ".join(o.bench.name for o in outcomes)
    header = [
        "# factdiff evaluation",
        "",
        "Generated by `python -m bench` (bench/__main__.py); do not edit by hand. Every table names the",
        "command that reproduces it and shows the baseline measured in the same run beside ours.",
        "",
        f"- Last run: {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')} ({ran}; {total:.0f} s)",
        f"- Machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs (shared with other jobs), Python {platform.python_version()}",
        f"- Git commit: {_git_commit()}",
        f"- Sentence vectors for the bench's own profiles (semeval, basil, gold baseline): "
        f"{CACHE_STATS['encoded']} encoded, {CACHE_STATS['reused']} reused from out/bench-cache/ (git-ignored; "
        "`FACTDIFF_BENCH_CACHE=0` disables it). The cache changes no score, only time: "
        "`FACTDIFF_BENCH_CACHE=0 python -m bench --no-write` ran the whole suite in 300 s here (semeval 211 s, "
        "both backends); timings in the speed section never use it.",
        "- Sections not re-run keep their previous figures; each section's command says how to refresh it.",
        "- Hand-judged precision of printed verdicts (issue 8): [EVALUATION-handjudged.md](EVALUATION-handjudged.md), "
        "`python bench/handjudge.py`; entity variants on the dev cases: `python bench/entities_dev.py`; figures "
        "read on the dev gold items: `python bench/quantities_dev.py`.",
        "",
    ]
    body = [sections[b.name] for b in BENCHES if b.name in sections]
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text("\n".join(header) + "\n" + "\n\n".join(body) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    names = [b.name for b in BENCHES]
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("benchmarks", nargs="*", metavar="NAME", help=f"which to run (default: all): {', '.join(names)}")
    ap.add_argument("--quick", action="store_true", help="fast subset for CI (< 3 min); checks the seed floors")
    ap.add_argument("--no-write", action="store_true", help="do not rewrite docs/EVALUATION.md")
    ap.add_argument("--fit", action="store_true", help="semeval: print refitted similarity weights")
    ap.add_argument("--limit", type=int, help="crossencoder: pairs per NLI set (default 300, seeded)")
    ap.add_argument("--n", type=int, help="scale: articles in the stream (default 2000)")
    args = ap.parse_args(argv)
    unknown = [n for n in args.benchmarks if n not in names]
    if unknown:
        ap.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(names)}")
    chosen = [b for b in BENCHES if not args.benchmarks or b.name in args.benchmarks]
    if args.limit:
        os.environ["FACTDIFF_CE_LIMIT"] = str(args.limit)
    if args.n:
        os.environ["FACTDIFF_SCALE_N"] = str(args.n)
    start = time.perf_counter()
    outcomes = []
    for bench in chosen:
        outcome = run_bench(bench, args.quick, args.fit)
        print_outcome(outcome)
        outcomes.append(outcome)
    total = time.perf_counter() - start
    print(f"total {total:.0f} s")
    if not args.no_write and not args.quick:
        write_doc(outcomes, total)
        print(f"wrote {DOC.relative_to(ROOT)}")
    status = 0
    if args.quick:
        for o in outcomes:
            if o.bench.name not in ("gold", "dev", "translations"):
                continue
            if o.failed or o.message:
                print(f"{o.bench.name} floors could not be checked: {o.message}", file=sys.stderr)
                status = 1
            elif not all(t.ok for t in o.tables):
                print(f"{o.bench.name} floors dropped (see the table above)", file=sys.stderr)
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
