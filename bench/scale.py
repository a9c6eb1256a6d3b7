"""Ray scale-out (issue 11): ``factdiff ingest`` locally vs ``--ray`` on a local Ray with 1 and 2 workers.

``python -m bench scale [--n N]`` (or ``python -m bench.scale --n N``). Each run is a fresh subprocess
that ingests the same JSONL file into a new SQLite store:

- without cross-checks, ``N`` articles (default 2,000): the stream of ``python -m bench ingest``
  (bench/ingest_scale.py: BASIL, MEANTIME, ECB+, UCI headlines and wikiref220 from ../shared/data,
  read by path, shuffled with seed 0, one article every 30 s of stream time; perturbed copies only
  where the sets hold fewer articles than asked, and the table says how many);
- with cross-checks, every article of the first ``CHECK_N / 3`` BASIL events, in publication order,
  re-dated one every 30 s (real three-outlet stories, so that stories grow and get compared).

Ray's start-up is timed on its own (``ray.init`` of a local Ray); each Ray run's time includes
starting its actors and loading their models, which a long-running cluster pays once. Per stage,
the seconds come from ``factdiff.scale.pipeline.STATS``. The machine has 2 cores, shared with
whatever else runs on it: 2 workers cannot double 1 here, the table shows what they do.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import ROOT, Skip, Table

COMMAND = "python -m bench scale"
DEFAULT_N = 2000
QUICK_N = 100
CHECK_N = 30
QUICK_CHECK_N = 12
N_ENV = "FACTDIFF_SCALE_N"  # python -m bench scale --n N passes N here


def write_stream(n: int, path: Path) -> int:
    """The ingest bench's stream of ``n`` articles as JSONL; returns how many are perturbed copies."""
    from bench.ingest_scale import build_stream

    docs, copies = build_stream(n)
    _write(docs, path)
    return copies


def write_checked_stream(n: int, path: Path) -> None:
    """About ``n`` BASIL articles in publication order: every article of the first events (three outlets each)."""
    from bench.stories import _basil

    basil = _basil()
    events: list[str] = []
    for label in basil.labels:
        if label not in events and 3 * len(events) < n:
            events.append(label)
    docs = [d for d, label in zip(basil.docs, basil.labels) if label in events]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for k, d in enumerate(docs):  # BASIL spans years: one article every 30 s keeps the events in the time window
        d.published = (start + timedelta(seconds=30 * k)).isoformat()
    _write(docs, path)


def _write(docs: list[Any], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for k, d in enumerate(docs):
            fh.write(json.dumps({"id": d.id or f"a{k}", "source": d.source, "title": d.title, "text": d.text or d.title,
                                 "language": d.language, "published": d.published}, ensure_ascii=False) + "\n")


def child(mode: str, workers: int, stream: str, db: str, check: bool) -> dict[str, Any]:
    """One run in this (fresh) process."""
    from factdiff.stories import ingest

    out: dict[str, Any] = {"mode": mode, "workers": workers}
    if mode == "ray":
        from factdiff.scale import start_ray

        t0 = time.perf_counter()
        start_ray(num_cpus=os.cpu_count())
        out["ray_start_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = ingest([stream], db, cross_check=check, ray=mode == "ray", ray_workers=workers or None)
    out["seconds"] = time.perf_counter() - t0
    out.update(added=res.added, stories_new=res.stories_new, reports=res.reports, errors=len(res.errors))
    if mode == "ray":
        from factdiff.scale.pipeline import STATS

        out["stages"] = dict(STATS)
        import ray

        ray.shutdown()
    from factdiff.stories import list_stories

    out["membership"] = sorted(sorted(a["id"] for a in s["articles"]) for s in list_stories(db)["stories"])
    return out


def _run(mode: str, workers: int, stream: Path, db: str, check: bool) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "bench.scale", "--child", mode, str(workers), str(stream), db] + (
        ["--check"] if check else [])
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=os.environ.copy(), check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{mode} x{workers} failed: {proc.stderr.strip().splitlines()[-3:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def tables(quick: bool = False, n: int | None = None) -> list[Table]:
    from factdiff.scale import ray_available

    if not ray_available():
        raise Skip('Ray is not installed (pip install "factdiff[ray]")')
    n = n or int(os.environ.get(N_ENV, "0")) or (QUICK_N if quick else DEFAULT_N)
    check_n = QUICK_CHECK_N if quick else CHECK_N
    rows: list[list[Any]] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        stream, checked = Path(tmp) / "stream.jsonl", Path(tmp) / "basil.jsonl"
        copies = write_stream(n, stream)
        write_checked_stream(check_n, checked)
        runs = [("local", 0, stream, False), ("ray", 1, stream, False), ("ray", 2, stream, False),
                ("local", 0, checked, True), ("ray", 2, checked, True)]
        results = []
        for k, (mode, workers, path, check) in enumerate(runs):
            r = _run(mode, workers, path, f"sqlite:///{tmp}/run{k}.db", check)
            results.append(r)
            count = n if path == stream else sum(1 for _ in checked.open(encoding="utf-8"))
            st = r.get("stages", {})
            rows.append([
                ("local" if mode == "local" else f"--ray, {workers} worker{'s' * (workers > 1)}")
                + (" + cross-checks" if check else ""), count, round(r["seconds"], 1),
                round(count / r["seconds"], 2), round(r["ray_start_s"], 1) if "ray_start_s" in r else "",
                round(st["annotate"], 1) if st else "", round(st["embed_wait"], 1) if st else "",
                round(1000 * st["write"] / count, 2) if st else "", round(st["check"], 1) if st else "",
                r["stories_new"], r["reports"]])
        same = results[0]["membership"] == results[1]["membership"] == results[2]["membership"]
        same_checked = results[3]["membership"] == results[4]["membership"]
    notes.append(f"Without cross-checks: {n} articles from the `python -m bench ingest` stream (BASIL, MEANTIME, "
                 "ECB+, UCI headlines, wikiref220 under ../shared/data, shuffled with seed 0, one every 30 s); "
                 f"{copies} perturbed copies. Stories identical in all three runs: {'yes' if same else 'NO'}.")
    notes.append(f"With cross-checks: every article of the first {check_n // 3} BASIL events (three outlets each), in "
                 "publication order, re-dated one every 30 s (BASIL spans years; the clustering window is 7 days); "
                 "every story that gained an article is compared again after each batch, as "
                 "the local path does; default compare options (NLI on). Stories "
                 f"identical: {'yes' if same_checked else 'NO'}.")
    notes.append("seconds: the ingest call, in a fresh process (model loads included; for --ray also starting the "
                 "actors, but not ray.init, which is the Ray start column). annotate: reading and annotating on "
                 "the actor pool (wall); embed wait: the driver waiting for encoded batches; driver ms/article: "
                 "the sequential part (dedup, clustering, one transaction per batch); check: cross-checks (wall).")
    notes.append(f"Machine: {os.cpu_count()} CPUs shared with other jobs; local Ray started with all of them.")
    return [Table("factdiff ingest: local vs --ray", COMMAND + (f" --n {n}" if n != DEFAULT_N else ""),
                  ["run", "articles", "seconds", "articles/s", "Ray start s", "annotate s", "embed wait s",
                   "driver ms/article", "check s", "stories", "reports"], rows, notes)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=None, help=f"articles without cross-checks (default {DEFAULT_N})")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--child", nargs=4, metavar=("MODE", "WORKERS", "STREAM", "DB"), help=argparse.SUPPRESS)
    ap.add_argument("--check", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        mode, workers, stream, db = args.child
        print(json.dumps(child(mode, int(workers), stream, db, args.check)))
        return
    from bench.common import fmt

    for table in tables(args.quick, args.n):
        print(" | ".join(table.columns))
        for row in table.rows:
            print(" | ".join(fmt(v) for v in row))
        for note in table.notes:
            print("-", note)


if __name__ == "__main__":
    main()
