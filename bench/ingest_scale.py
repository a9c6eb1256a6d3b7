"""Stream ingest at scale: articles/s, peak memory and flat cost per article, on SQLite and PostgreSQL.

The stream is built from the public clustering data under ../shared/data (BASIL, MEANTIME, ECB+,
UCI headlines, wikiref220; read by path, nothing copied), shuffled with a fixed seed and given one
publication time every 30 seconds of stream time (``--every``; so that the clustering's time window works
as it would on a live feed). Where the sets hold fewer articles than asked, perturbed copies fill the rest
(sentences rotated and a short suffix, so every copy is a distinct article with its own hash), shuffled
into the stream with the real ones; the table says how many.

Each configuration runs in a fresh subprocess (peak memory is that process's maximum RSS):
- ``ingest``: ``factdiff.stories.ingest`` in chunks of 1,000 without cross-checks, each call through the same
  open store (as a feed process would; each takes up the clustering state the last one left): store writes,
  title+lead embeddings and online clustering; ms per article of the first and the last 1,000
  (flat cost: candidate stories come from the time window and the vector index, not a scan); then the time a
  fresh process takes to load the clustering state of the full store.
- ``clustering alone``: ``OnlineClusterer.add`` over precomputed features, first vs last 1,000; the stream is
  clustered ``REPEATS`` times as ingest runs it (the matrix products on one BLAS thread), each run followed by
  one with the products on the machine's BLAS threads (the baseline), and each chunk timed by its fastest run
  (noise from other work on the machine only adds time); then once more with the graph index from the first
  story.
- ``rolling``: clustering alone over the same articles one every ``ROLLING_EVERY_S`` (180 s), so that stories leave
  the time window: the cost once the window is full (at 30 s, all 10,000 articles fall in one window and the
  active stories only grow).
- ``with cross-checks``: ingest of a shorter prefix with every changed story cross-checked
  (``compare`` on the story's articles), the full cost of a live stream.

``python -m bench.ingest_scale --only cluster [--n N] [--every S]`` runs one configuration by itself and
prints its row (``python -m bench ingest`` runs them all and rewrites the section of docs/EVALUATION.md).
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import ROOT, Skip, Table, vm_hwm_mb
from factdiff.stories.index import EXACT_MAX

COMMAND = "python -m bench ingest"
CHUNK = 1000
REPEATS = 3  # clustering alone: runs of the stream with the default index; each chunk's time is its fastest run
CHECKED_PREFIX = 200  # articles ingested with cross-checks (each changed story runs compare)
QUICK_N = 100
QUICK_CHECKED = 40
# stream time between two articles; --every sets it (children read it from the environment): at 30 s,
# 10,000 articles span 3.5 days, inside one clustering window (7 days), so no story ever leaves the index;
# 180 s spans 21 days, three windows, which shows the steady state of a long-running stream
EVERY_S = float(os.environ.get("FACTDIFF_BENCH_EVERY_S", "30"))
# the rolling-window row: clustering alone over the same articles spread one every ROLLING_EVERY_S, so that stories
# leave the 7-day window (10,000 articles span 20.8 days, the window holds 3,360) and the cost settles
ROLLING_EVERY_S = 180.0


def build_stream(n: int, seed: int = 0) -> tuple[list[Any], int]:
    """``n`` Documents (real ones first, then perturbed copies) and how many are copies."""
    from bench import stories as sb
    from factdiff.doc import Document

    real: list[Document] = []
    for loader in (sb._basil, sb._meantime, lambda: sb._ecb("topic"), sb._uci, sb._wikiref):
        try:
            real.extend(loader().docs)
        except Skip as exc:
            print(f"ingest bench: {exc}", file=sys.stderr)
    if not real:
        raise Skip("no clustering data under ../shared/data")
    real = [Document(id=f"r{k}", source=d.source or "unknown", text=d.text or d.title, title=d.title,
                     language=d.language) for k, d in enumerate(real)]
    rng = random.Random(seed)
    rng.shuffle(real)
    out = real[:n]
    copies = 0
    while len(out) < n:
        d = real[copies % len(real)]
        parts = [p for p in d.text.split(". ") if p]
        shift = 1 + copies // len(real)
        text = ". ".join(parts[shift % len(parts):] + parts[:shift % len(parts)]) if parts else d.text
        out.append(Document(id=f"{d.id}-c{copies}", source=d.source, text=f"{text} (copy {copies})",
                            title=d.title, language=d.language))
        copies += 1
    # copies are spread through the stream like the real articles (appended at the end, they made the
    # last chunk all joins to old stories and every first/last comparison a comparison of two workloads)
    rng.shuffle(out)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for k, d in enumerate(out):
        d.published = (start + timedelta(seconds=EVERY_S * k)).isoformat()
    return out, copies


def _reset_pg(url: str) -> None:
    """Empty the bench's PostgreSQL database (only the factdiff tables and Alembic's version table)."""
    from sqlalchemy import create_engine, text

    from factdiff.store.models import Base

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


def child(mode: str, n: int, db: str) -> dict[str, Any]:
    """One configuration, in this (fresh) process."""
    from factdiff.store import open_store
    from factdiff.stories import ingest
    from factdiff.stories.cluster import OnlineClusterer, load_model
    from factdiff.stories.features import article_features

    docs, copies = build_stream(n)
    if db.startswith("postgresql"):
        _reset_pg(db)
    out: dict[str, Any] = {"mode": mode, "n": n, "copies": copies}
    if mode == "rolling":  # clustering alone, the default index, REPEATS runs, each chunk's fastest
        feats = article_features(docs)
        best: list[float] = []
        for _ in range(REPEATS):
            c = OnlineClusterer(load_model())
            runs, _labels = time_chunks(c, feats)
            best = runs if not best else [min(a, b) for a, b in zip(best, runs, strict=True)]
        out.update(seconds=sum(p * len(feats[k * CHUNK:(k + 1) * CHUNK]) for k, p in enumerate(best)),
                   first_ms=1000 * best[0], last_ms=1000 * best[-1], stories=len(c.stories),
                   chunks_ms=[round(1000 * p, 2) for p in best])
    elif mode == "cluster":
        feats = article_features(docs)
        labels: dict[tuple[int | None, bool, str], list[int]] = {}
        fastest: dict[tuple[int | None, bool, str], list[float]] = {}
        shipped = load_model()
        # the default index REPEATS times as ingest runs it (the matrix products on one BLAS thread,
        # cluster.one_blas_thread), each run followed by one with the products on the machine's BLAS threads (the
        # baseline, interleaved so that both see the same phases of the machine) and by the baselines of the same
        # model with one thing as it was (BASELINES: "scope", a merge check that scores every candidate, the scope
        # until 2026-12-01; "split", no split step, as until 2026-12-01); each chunk's time is its fastest run
        # (timeit's rule: noise from other work on the machine only ever adds time); then the graph index from
        # the first story, once
        models = {"shipped": shipped} | {name: m for name, m in _baselines(shipped).items()}
        runs_of = [(None, True, "shipped"), (None, False, "shipped")]
        runs_of += [(None, True, name) for name in models if name != "shipped"]
        for exact_max, one, name in runs_of * REPEATS + [(0, True, "shipped")]:
            c = OnlineClusterer(models[name], exact_max=exact_max)
            runs, stories = time_chunks(c, feats, one)
            key = (exact_max, one, name)
            fastest[key] = runs if key not in fastest else [min(a, b) for a, b in zip(fastest[key], runs, strict=True)]
            per = fastest[key]
            # the same stream, the same stories every run, on one thread or several
            assert labels.setdefault(key, stories) == stories == labels.get((exact_max, True, name), stories)
            row = dict(seconds=sum(p * len(feats[k * CHUNK:(k + 1) * CHUNK]) for k, p in enumerate(per)),
                       first_ms=1000 * per[0], last_ms=1000 * per[-1], stories=len(set(stories)),
                       chunks_ms=[round(1000 * p, 2) for p in per])
            if key == (None, True, "shipped"):
                out.update(row)
            elif name != "shipped":
                out[name] = row
            else:
                out["graph" if exact_max == 0 else "threads"] = row
        out["graph"]["same_story"] = _same_story(labels[(None, True, "shipped")], labels[(0, True, "shipped")])
        from bench.stories import b_cubed

        # a softer agreement than the same set of articles (one article more or less in a large story changes the
        # set for all its members): B-cubed F1 with the default index's stories as the reference
        reference = [str(k) for k in labels[(None, True, "shipped")]]
        out["graph"]["bcubed_vs_default"] = round(b_cubed(reference, labels[(0, True, "shipped")])[2], 3)
        for name in models:
            if name != "shipped":
                out[name]["bcubed_vs_shipped"] = round(b_cubed(reference, labels[(None, True, name)])[2], 3)
    else:
        store = open_store(db)
        check = mode == "checked"
        per = []
        t_all = time.perf_counter()
        for at in range(0, len(docs), CHUNK):
            chunk = docs[at:at + CHUNK]
            t0 = time.perf_counter()
            ingest(chunk, store=store, cross_check=check)
            per.append((time.perf_counter() - t0) / len(chunk))
        out.update(seconds=time.perf_counter() - t_all, first_ms=1000 * per[0], last_ms=1000 * per[-1],
                   **store.counts())
        out["chunks_ms"] = [round(1000 * p, 2) for p in per]
        store.close()
        # what a fresh process pays before its first batch: the clustering state loaded from the full store
        from factdiff.stories.ingest import load_clusterer

        with open_store(db) as fresh:
            t0 = time.perf_counter()
            load_clusterer(fresh)
            out["load_s"] = time.perf_counter() - t0
    # VmHWM, not ru_maxrss: a child's ru_maxrss starts from its parent's peak (bench.common.vm_hwm_mb)
    peak = vm_hwm_mb()
    out["peak_mb"] = peak if peak == peak else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _baselines(shipped: Any) -> dict[str, Any]:
    """The shipped model with one thing as it was, where it differs: "scope", a merge check against every candidate
    (Model.merge_scope "candidates"); "split", no split step (Model.split_below None)."""
    out = {}
    if shipped.merge_scope != "candidates":
        out["scope"] = replace(shipped, merge_scope="candidates")
    if shipped.split_below is not None:
        out["split"] = replace(shipped, split_below=None)
    return out


def time_chunks(c: Any, feats: list[Any], one: bool = True) -> tuple[list[float], list[int]]:
    """Cluster ``feats`` with the clusterer ``c``, timed by chunks of ``CHUNK``: seconds per article of each chunk,
    and each article's story (merges followed). ``one``: the matrix products on one BLAS thread, as ingest runs
    them; False: on the machine's BLAS threads."""
    import contextlib

    from factdiff.stories.cluster import follow, one_blas_thread, story_root

    runs: list[float] = []
    parent: dict[int, int] = {}
    label: list[int] = []
    with one_blas_thread() if one else contextlib.nullcontext():  # as ingest clusters each batch
        for at in range(0, len(feats), CHUNK):
            t0 = time.perf_counter()
            for i, f in enumerate(feats[at:at + CHUNK], start=at):
                follow(c.add(f, ref=i), label, parent)
            runs.append((time.perf_counter() - t0) / len(feats[at:at + CHUNK]))
    return runs, [story_root(parent, k) for k in label]


def _same_story(a: list[int], b: list[int]) -> int:
    """Articles whose story (as a set of articles) is the same in the two labellings."""
    sa: dict[int, set[int]] = {}
    sb: dict[int, set[int]] = {}
    for i, (x, y) in enumerate(zip(a, b)):
        sa.setdefault(x, set()).add(i)
        sb.setdefault(y, set()).add(i)
    return sum(1 for i in range(len(a)) if sa[a[i]] == sb[b[i]])


def _run_child(mode: str, n: int, db: str, every: float | None = None) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "bench.ingest_scale", "--child", mode, str(n), db]
    env = os.environ.copy() | ({} if every is None else {"FACTDIFF_BENCH_EVERY_S": str(every)})
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{mode} on {db.split(':')[0]} failed: {proc.stderr.strip().splitlines()[-1:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def tables(quick: bool = False, n: int | None = None, only: str | None = None) -> list[Table]:
    """The table; ``only`` (``ingest``, ``cluster`` or ``checked``) runs that configuration alone."""
    import tempfile

    n = n or (QUICK_N if quick else 10_000)
    rows: list[list[Any]] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        dbs = [("SQLite", f"sqlite:///{tmp}/scale.db")]
        pg = os.environ.get("FACTDIFF_BENCH_PG") or os.environ.get("FACTDIFF_TEST_PG")
        if pg:
            dbs.append(("PostgreSQL", pg))
        elif only in (None, "ingest"):
            notes.append("PostgreSQL: not measured (set FACTDIFF_BENCH_PG or FACTDIFF_TEST_PG to a test database; "
                         "its factdiff tables are dropped first).")
        copies = 0
        for name, db in dbs if only in (None, "ingest") else []:
            r = _run_child("ingest", n, db if name != "SQLite" else f"sqlite:///{tmp}/ingest.db")
            copies = r["copies"]
            rows.append([f"ingest without cross-checks ({name})", r["n"], round(r["n"] / r["seconds"], 1),
                         round(r["first_ms"], 1), round(r["last_ms"], 1),
                         round(r["last_ms"] / r["first_ms"], 2), _after_first(r), round(r["peak_mb"]), r["stories"]])
            notes.append(f"ms per article, chunk by chunk, ingest ({name}): {r['chunks_ms']}; a fresh process loads "
                         f"the clustering state of the full store in {r['load_s']:.2f} s before its first batch")
        if only in (None, "cluster"):
            r = _run_child("cluster", n, "none")
            copies = r["copies"]
            rows.append(_cluster_row("clustering alone (features precomputed)", r["n"], r, round(r["peak_mb"])))
            notes.append(f"ms per article, chunk by chunk, clustering alone: {r['chunks_ms']} (each chunk's fastest of "
                         f"{REPEATS} runs of the whole stream, which give the same stories; articles/s from their sum)")
            b = r["threads"]
            rows.append(_cluster_row("clustering alone, BLAS on the machine's threads (baseline)", r["n"], b))
            notes.append(f"ms per article, chunk by chunk, BLAS on the machine's threads: {b['chunks_ms']} (the same "
                         f"stories; its runs interleaved with those on one thread, fastest of {REPEATS}): clustering "
                         f"alone as ingest runs it is {b['seconds'] / r['seconds']:.2f}x as fast")
            for key, label, model, shipped in MODEL_BASELINES:
                if key not in r:
                    continue
                bl = r[key]
                rows.append(_cluster_row(f"clustering alone, {label} (baseline)", r["n"], bl))
                notes.append(f"ms per article, chunk by chunk, {label}: {bl['chunks_ms']} ({model}; its runs "
                             f"interleaved with the shipped model's, fastest of {REPEATS}; other stories, B-cubed F1 "
                             f"{bl['bcubed_vs_shipped']} against the shipped model's): {shipped} clusters "
                             f"{bl['seconds'] / r['seconds']:.2f}x as fast")
            g = r["graph"]
            rows.append(_cluster_row("clustering alone, graph index from the first story", r["n"], g))
            notes.append(f"ms per article, chunk by chunk, graph index from the first story: {g['chunks_ms']}; "
                         f"{g['same_story']} of {r['n']} articles end in the same story as with the default index "
                         f"(exact scan up to {EXACT_MAX} active stories, the graph beyond: factdiff.stories.index); "
                         f"B-cubed F1 of the graph index's stories against the default index's: "
                         f"{g.get('bcubed_vs_default', 'n/a')}")
            if ROLLING_EVERY_S != EVERY_S:
                r = _run_child("rolling", n, "none", ROLLING_EVERY_S)
                rows.append(_cluster_row(f"clustering alone, one article every {ROLLING_EVERY_S:g} s (the window "
                                         "rolls)", r["n"], r, round(r["peak_mb"])))
                window = int(7 * 86400 / ROLLING_EVERY_S)
                chunks = r["chunks_ms"]
                settled = chunks[-(len(chunks) - window // CHUNK - 1):] if len(chunks) > window // CHUNK + 1 else []
                notes.append(f"ms per article, chunk by chunk, one article every {ROLLING_EVERY_S:g} s: {chunks} "
                             f"(fastest of {REPEATS}; the 7-day window holds {window} articles, so from chunk "
                             f"{window // CHUNK + 2} on every chunk clusters against a full window"
                             + (f": those chunks' highest/lowest {max(settled) / min(settled):.2f}" if settled else "")
                             + ")")
        if only in (None, "checked"):
            m = min(n, QUICK_CHECKED if quick else CHECKED_PREFIX)
            r = _run_child("checked", m, f"sqlite:///{tmp}/checked.db")
            rows.append([f"ingest with cross-checks, first {m} (SQLite)", r["n"], round(r["n"] / r["seconds"], 2),
                         round(r["first_ms"], 1), "", "", "", round(r["peak_mb"]), r["stories"]])
    notes.append(f"Stream of {n} articles from BASIL, MEANTIME, ECB+, UCI headlines and wikiref220 (../shared/data), "
                 f"shuffled (seed 0), one every {EVERY_S:g} s of stream time; {copies} of them are perturbed copies "
                 "(sentences rotated, a suffix added) because the sets hold fewer articles. Chunks of "
                 f"{CHUNK} articles; first/last = ms per article in the first and the last chunk (goal: within "
                 "1.5x); last/2nd = the last chunk against the second (the first starts from an empty store: no "
                 "story to score or merge, so it is cheaper whatever the index does); ingest runs "
                 "``factdiff.stories.ingest`` once per chunk through one open store, as a feed process would, and "
                 "each call takes up the clustering state the last one left (``clusterer_for``); a fresh process "
                 "loads it from the database first (the time above). Peak = the subprocess's "
                 "maximum RSS (goal <= 1.5 GB). With cross-checks, every story that "
                 "gained an article is compared again, so its cost depends on how many stories grow.")
    command = COMMAND if only is None else f"python -m bench.ingest_scale --only {only}"
    if quick:
        command += " --quick"
    elif n != 10_000:
        command += f" --n {n}"
    return [Table("Stream ingest at scale", command,
                  ["run", "articles", "articles/s", "first ms/article", "last ms/article", "last/first",
                   "last/2nd", "peak MB", "stories"], rows, notes)]


# the shipped story model against itself with one setting as it was (``_baselines``): the result key, the row and
# note label, what the baseline model is, what the shipped model does instead
MODEL_BASELINES = (
    ("scope", "merge check against every candidate",
     "the shipped model with merge_scope 'candidates', the scope until 2026-12-01",
     "the shipped model's merge check, only the stories the article could have joined too,"),
    ("split", "no split step", "the shipped model with split_below None, as until 2026-12-01",
     "the shipped model, split step included,"),
)


def _cluster_row(label: str, n: int, r: dict[str, Any], peak: Any = "") -> list[Any]:
    """A clustering-alone table row from one configuration's timings."""
    return [label, n, round(n / r["seconds"], 1), round(r["first_ms"], 2), round(r["last_ms"], 2),
            round(r["last_ms"] / r["first_ms"], 2), _after_first(r), peak, r["stories"]]


def _after_first(r: dict[str, Any]) -> Any:
    """Last chunk over the second: the cost once the store is no longer empty."""
    chunks = r.get("chunks_ms") or []
    return round(chunks[-1] / chunks[1], 2) if len(chunks) > 2 and chunks[1] else ""


def main() -> None:
    global EVERY_S
    if len(sys.argv) >= 5 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], int(sys.argv[3]), sys.argv[4])))
        return
    import argparse

    from bench.common import fmt

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=None, help="articles in the stream (default 10,000; --quick 100)")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", choices=("ingest", "cluster", "checked"),
                    help="run one configuration (cluster: clustering alone, over precomputed features)")
    ap.add_argument("--every", type=float, default=None,
                    help=f"seconds of stream time between two articles (default {EVERY_S:g})")
    args = ap.parse_args()
    if args.every is not None:
        EVERY_S = args.every
        os.environ["FACTDIFF_BENCH_EVERY_S"] = str(args.every)  # the children build the same stream
    for table in tables(args.quick, args.n, args.only):
        print(" | ".join(table.columns))
        for row in table.rows:
            print(" | ".join(fmt(v) for v in row))
        for note in table.notes:
            print(note)


if __name__ == "__main__":
    main()
