"""Evaluate factdiff's shipped NLI model on the held-out splits, beside two baselines, and time it.

    python bench/nli_eval.py            # full run (all held-out pairs; XNLI test in full)
    python bench/nli_eval.py --quick    # seeded subsample, < 60 s, for CI smoke

Baselines, in the same run: majority class of the training data, and cosine thresholds (two cut points
on premise/hypothesis embedding cosine, class order and cuts fit on a seeded sample of training pairs).
Throughput and memory are measured in a fresh subprocess so the evaluation's embedding cache does not
inflate peak RSS. Reads ../shared/data/nli by path; skips with a message where it is absent.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "training"))
import nlidata as D  # noqa: E402

CONTRA = D.LABEL_ID["contradiction"]


def _metric(name: str, pred: np.ndarray, y: np.ndarray) -> tuple[str, float]:
    if name.startswith("DACCORD"):
        tp = float(((pred == CONTRA) & (y == CONTRA)).sum())
        prec = tp / max(float((pred == CONTRA).sum()), 1.0)
        rec = tp / max(float((y == CONTRA).sum()), 1.0)
        return "contradiction F1", 2 * prec * rec / max(prec + rec, 1e-9)
    return "accuracy", float((pred == y).mean())


class CosineBaseline:
    """Three classes from two cosine cut points; the class order is fit too (6 orders tried)."""

    def fit(self, cos: np.ndarray, y: np.ndarray) -> CosineBaseline:
        qs = np.quantile(cos, np.linspace(0.02, 0.98, 49))
        best = (-1.0, (0, 1, 2), 0.0, 0.0)
        for order in itertools.permutations(range(3)):
            for i, lo in enumerate(qs):
                for hi in qs[i:]:
                    pred = np.where(cos < lo, order[0], np.where(cos < hi, order[1], order[2]))
                    acc = float((pred == y).mean())
                    if acc > best[0]:
                        best = (acc, order, float(lo), float(hi))
        self.train_acc, self.order, self.lo, self.hi = best
        return self

    def predict(self, cos: np.ndarray) -> np.ndarray:
        o = self.order
        return np.where(cos < self.lo, o[0], np.where(cos < self.hi, o[1], o[2]))


def run(quick: bool = False) -> list[dict]:
    """Evaluate the shipped model and the baselines; one row per held-out split (plus XNLI mean)."""
    from factdiff.nli import load_nli

    if not D.data_available():
        print(f"SKIP: NLI data not found under {D.DATA_DIR}", file=sys.stderr)
        return []
    model = load_nli()
    cache = D.EmbeddingCache(model.backend)

    # baselines are fit on training data only
    train = D.concat([D.load_pairs(s, sp) for s, sp in D.TRAIN_SOURCES], "train")
    majority = int(np.bincount(train.y, minlength=3).argmax())
    rng = np.random.default_rng(0)
    idx = np.sort(rng.choice(len(train), 2000 if quick else 20000, replace=False))
    tr = train.take(idx)
    cos_tr = np.einsum("ij,ij->i", cache.embed(tr.premises, verbose=False), cache.embed(tr.hypotheses, verbose=False))
    cosine = CosineBaseline().fit(cos_tr, tr.y)

    rows: list[dict] = []
    xnli_rows: list[dict] = []
    for p in D.heldout_sets(quick=quick):
        u = cache.embed(p.premises, verbose=False)
        v = cache.embed(p.hypotheses, verbose=False)
        cache.save()
        pred = model.predict_embeddings(u, v).argmax(1)
        metric, score = _metric(p.name, pred, p.y)
        _, maj = _metric(p.name, np.full(len(p), majority), p.y)
        _, cos = _metric(p.name, cosine.predict(np.einsum("ij,ij->i", u, v)), p.y)
        row = {"dataset": p.name, "n": len(p), "metric": metric, "model": score, "majority": maj, "cosine": cos}
        rows.append(row)
        if p.name.startswith("XNLI"):
            xnli_rows.append(row)
    if xnli_rows:
        mean = {k: float(np.mean([r[k] for r in xnli_rows])) for k in ("model", "majority", "cosine")}
        rows.append(
            {"dataset": "XNLI test mean (15 langs)", "n": sum(r["n"] for r in xnli_rows), "metric": "accuracy", **mean}
        )
    return rows


def _timed_pairs_per_s(model: object, prem: list[str], hyp: list[str], batch: int) -> float:
    predict = model.predict  # type: ignore[attr-defined]
    t0 = time.perf_counter()
    for i in range(0, len(prem), batch):
        predict(prem[i : i + batch], hyp[i : i + batch])
    return len(prem) / (time.perf_counter() - t0)


def throughput(n_batches: int = 20, batch: int = 32) -> dict:
    """Warm pairs/s at batch 32 with and without embedding, load time and peak RSS (own process).

    Pairs are MNLI dev-m rows (English, news-length sentences) the process has not embedded before,
    since the embedder caches vectors per process.
    """
    t0 = time.perf_counter()
    from factdiff.nli import load_nli

    model = load_nli()
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    model.predict(["The cat sat on the mat."], ["A cat is sitting."])  # loads the embedder
    embedder_load_s = time.perf_counter() - t0
    rss_loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    mnli = D.load_pairs("taxinli_mnli", "mnli_dev")
    order = np.random.default_rng(1).permutation(len(mnli))
    need = 2 * n_batches * batch + batch
    prem = [mnli.premises[i] for i in order[:need]]
    hyp = [mnli.hypotheses[i] for i in order[:need]]
    model.predict(prem[:batch], hyp[:batch])  # warm-up on pairs excluded from timing
    half = batch + n_batches * batch
    with_emb = _timed_pairs_per_s(model, prem[batch:half], hyp[batch:half], batch)
    # the same, with the USE encoder limited to one BLAS thread (its default is 4; on 2 busy cores
    # oversubscription dominates); a what-if for factdiff.embed, which this bench does not own
    emb = model._embedder
    backend = getattr(getattr(emb, "_model", None), "_backend", None)
    with_emb_1t = float("nan")
    if backend is not None and hasattr(backend, "threads"):
        old = backend.threads
        backend.threads = 1
        with_emb_1t = _timed_pairs_per_s(model, prem[half:], hyp[half:], batch)
        backend.threads = old
    u = np.random.default_rng(0).standard_normal((batch, model.dim)).astype(np.float32)
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    model.predict_embeddings(u, u[::-1])
    reps = 2000
    t0 = time.perf_counter()
    for _ in range(reps):
        model.predict_embeddings(u, u[::-1])
    head_only = reps * batch / (time.perf_counter() - t0)
    return {
        "model_load_s": load_s,
        "embedder_first_call_s": embedder_load_s,
        "pairs_per_s_batch32_with_embedding": with_emb,
        "pairs_per_s_batch32_with_embedding_use_1_blas_thread": with_emb_1t,
        "pairs_per_s_batch32_head_only": head_only,
        "peak_rss_mb_after_load": rss_loaded,
        "peak_rss_mb_end": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "pairs_timed_each": n_batches * batch,
        "cpu_count": os.cpu_count(),
        "load_avg_1min": os.getloadavg()[0],
    }


def _fmt(x: float) -> str:
    return f"{x:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="seeded subsample for CI (< 60 s)")
    ap.add_argument("--no-throughput", action="store_true")
    ap.add_argument("--throughput-only", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--json", type=Path, help="also write the rows here")
    args = ap.parse_args(argv)
    if not D.data_available():
        print(f"SKIP: NLI data not found under {D.DATA_DIR}")
        return 0
    if args.throughput_only:
        print(json.dumps(throughput(n_batches=2 if args.quick else 20)))
        return 0
    # throughput first, in a child started while this process is still small: Linux carries the
    # parent's peak RSS into a forked child's ru_maxrss
    tp: dict = {}
    if not args.no_throughput:
        cmd = [sys.executable, __file__, "--throughput-only"] + (["--quick"] if args.quick else [])
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        tp = json.loads(out.stdout.strip().splitlines()[-1])
        for k, val in tp.items():
            print(f"{k:40} {val:.3f}" if isinstance(val, float) else f"{k:40} {val}")
    t0 = time.time()
    rows = run(quick=args.quick)
    from factdiff.nli import load_nli

    info = load_nli().info
    print(
        f"NLI model: backend={info['backend']} T={info['temperature']} seed={info['seed']}"
        f" data={str(info['train_data_hash'])[:12]}  ({'quick' if args.quick else 'full'} run)"
    )
    print(f"{'dataset':32} {'n':>6} {'metric':17} {'model':>6} {'majority':>8} {'cosine':>6}")
    for r in rows:
        print(
            f"{r['dataset']:32} {r['n']:>6} {r['metric']:17} {_fmt(r['model']):>6} {_fmt(r['majority']):>8}"
            f" {_fmt(r['cosine']):>6}"
        )
    print(f"evaluation took {time.time() - t0:.0f}s")
    result: dict = {"rows": rows, "throughput": tp}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
