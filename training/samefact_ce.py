"""A same-fact cross-encoder: multilingual-e5-small reading two claims together, fine-tuned to say whether
they report the same fact (agreeing or not), as one more input of the same-fact model (issue 8).

Not imported by the factdiff package. Three steps:

    python training/samefact_ce.py build            # here (CPU): pairs + bundle -> training/gpu/samefact_ce.pkl.xz
    python training/samefact_ce.py train --name public --data public --epochs 2 --batch 16 --max-len 96 \
        --out out/samefact-ce/runs                  # CPU, ~47 min; on a GPU: training/gpu_samefact_ce.sh
    python training/samefact_ce.py eval out/samefact-ce/runs public   # with and without it, out of fold

Pairs (claims as factdiff cuts them, so the model sees what it will judge):

- **dev** (``../shared/gold/dev``): every cross-article claim pair that is a gold pair (agreement, conflict,
  tension: positive) or on the shortlist (each claim's ``SHORT_K`` nearest by USE + e5 cosine, either side:
  negative unless gold). Used only out of fold: fold k of ``FOLDS`` (cases in name order, every ``FOLDS``-th)
  is scored by a model trained without it.
- **ECB+** (English news, CC BY 3.0): claim pairs of three documents per sub-topic (``ecb_pairs.py``'s
  draw); positive when their sentences mention one cross-document event instance, negative (shortlisted
  only) when both lie in annotated sentences and share none; more negatives from one document of each of a
  topic's two sub-topics (two events of one kind, as ECB+ was built).
- **MEANTIME** (Wikinews in en, es, it, nl, CC BY 4.0): sentence pairs across documents and languages of one
  corpus; positive when they mention one event instance, negative (two per positive, seeded) when both mention
  events and share none. Translations of one article are included: that is where the cross-lingual pairs are.

The train step trains a binary head (logit: same fact) on mean-pooled e5, word table frozen, as
``train_crossencoder.py`` does for NLI, and writes the logits of the dev pairs it did not see.

Result so far (2026-11-29, training/README.md "Same-fact cross-encoder"): trained on the public pairs only
(``train --data public``, 2 epochs on this CPU, 47 minutes; the GPU lent to the task could not be started),
it ranks the dev shortlist at AUC 0.647 (AP 0.156, 247 gold of 4,288), and as one more feature it lowers the
same-fact model's out-of-fold AP (0.453 -> 0.449). Not shipped. The runs that add dev folds (``--fold k``)
need a GPU session: ``training/gpu_samefact_ce.sh`` runs them all side by side.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import pickle
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "training"))

BUNDLE = ROOT / "training" / "gpu" / "samefact_ce.pkl.xz"
CACHE = ROOT / "out" / "samefact-ce"
SHARED = Path(os.environ.get("FACTDIFF_SHARED", ROOT.parent / "shared"))
MEANTIME = SHARED / "data" / "coref" / "meantime"
SHORT_K = 4
FOLDS = 4
SEED = 7
MAX_TEXT_TOKENS = 96


def shortlist(t: np.ndarray, k: int = SHORT_K) -> np.ndarray:
    """(na, nb) bool: b among a's k nearest or a among b's (USE + e5 cosine)."""
    from factdiff.samefact import FEATURES

    s = t[..., FEATURES.index("cos_use")] + t[..., FEATURES.index("cos_e5")]
    ra = np.argsort(np.argsort(-s, axis=1, kind="stable"), axis=1)
    rb = np.argsort(np.argsort(-s, axis=0, kind="stable"), axis=0)
    return (ra < k) | (rb < k)


# ------------------------------------------------------------------------------------------------- pairs
def dev_pairs() -> tuple[list[dict[str, Any]], dict[str, dict[str, np.ndarray]]]:
    """Pairs of the dev cases, and each case's feature rows (as fit_samefact builds them) for ``eval``."""
    from fit_samefact import rows_from_prepared  # type: ignore[import-not-found]

    from bench.dev import dev_cases
    from factdiff.ingest import read_inputs
    from factdiff.pipeline import pair_tensors, prepare

    pairs: list[dict[str, Any]] = []
    rows: dict[str, dict[str, np.ndarray]] = {}
    for n, case in enumerate(sorted(dev_cases(), key=lambda c: c.name)):
        prep = prepare(read_inputs([str(p) for p in case.paths]), entities=False, second_encoder=True)
        x, y, s = rows_from_prepared(case, prep)
        short = np.zeros(len(y), bool)
        offset = 0
        shapes = []
        for (da, db), t in pair_tensors(prep).items():
            na, nb = t.shape[:2]
            shapes.append((na, nb))
            m = shortlist(t).reshape(-1)
            short[offset: offset + na * nb] = m
            for r in np.nonzero(m | (s[offset: offset + na * nb] > 0))[0]:
                i, j = divmod(int(r), nb)
                pairs.append({"src": "dev", "group": case.name, "fold": n % FOLDS, "row": offset + int(r),
                              "a": prep.claims[da][i].text, "b": prep.claims[db][j].text,
                              "y": int(s[offset + r] > 0), "short": bool(m[r])})
            offset += na * nb
        rows[case.name] = {"x": x, "y": y, "s": s, "short": short, "shapes": np.array(shapes)}
        print(f"  dev {case.name}: {int(short.sum())} shortlisted of {len(y)}, gold {int(y.sum())} "
              f"({int((y[short] > 0).sum())} shortlisted)", flush=True)
    return pairs, rows


def ecb_pairs_rows(per_subtopic: int = 3) -> list[dict[str, Any]]:
    import ecb_pairs as E  # type: ignore[import-not-found]

    from factdiff.pipeline import pair_tensors, prepared_from

    docs = E.load_docs()
    cases = E.draw_cases(docs, per_subtopic, E.SEED)
    arts = E.annotate_all([d for c in cases for d in c])
    out: list[dict[str, Any]] = []
    for case in cases:
        prep = prepared_from([arts[d.name] for d in case], entities=False)
        by_id = {d.name: d for d in case}
        for (da, db), t in pair_tensors(prep).items():
            la = E._claim_labels(by_id[da], prep.claims[da])
            lb = E._claim_labels(by_id[db], prep.claims[db])
            m = shortlist(t)
            for i, a in enumerate(la):
                for j, b in enumerate(lb):
                    if a is None or b is None:
                        continue
                    pos = bool(a & b)
                    if pos or m[i, j]:
                        out.append({"src": "ecb", "group": case[0].subtopic, "fold": -1, "row": -1,
                                    "a": prep.claims[da][i].text, "b": prep.claims[db][j].text,
                                    "y": int(pos), "short": bool(m[i, j])})
    # hard negatives: the two sub-topics of a topic are two events of one kind (ECB+'s design); claims of
    # a document of each, shortlisted, both in annotated sentences
    by_topic: dict[str, list[list[Any]]] = defaultdict(list)
    for case in cases:
        by_topic[case[0].topic].append(case)
    hard = 0
    for topic, subs in sorted(by_topic.items()):
        if len(subs) < 2:
            continue
        da_doc, db_doc = subs[0][0], subs[1][0]
        prep = prepared_from([arts[da_doc.name], arts[db_doc.name]], entities=False)
        for (da, db), t in pair_tensors(prep).items():
            by_id = {da_doc.name: da_doc, db_doc.name: db_doc}
            la = E._claim_labels(by_id[da], prep.claims[da])
            lb = E._claim_labels(by_id[db], prep.claims[db])
            m = shortlist(t)
            for i, a in enumerate(la):
                for j, b in enumerate(lb):
                    if a is not None and b is not None and m[i, j] and not (a & b):
                        out.append({"src": "ecb", "group": f"{topic}x", "fold": -1, "row": -1,
                                    "a": prep.claims[da][i].text, "b": prep.claims[db][j].text,
                                    "y": 0, "short": True})
                        hard += 1
    print(f"  ECB+: {hard} negatives across the two sub-topics of a topic", flush=True)
    return out


_NO_SPACE_BEFORE = re.compile(r" ([,.;:!?)\]%»”]|'s\b|n't\b)")
_NO_SPACE_AFTER = re.compile(r"([(\[«“¿¡]) ")


def meantime_pairs(neg_per_pos: int = 2, max_pos_per_topic: int = 3000) -> list[dict[str, Any]]:
    """Sentence pairs across MEANTIME documents of one corpus that mention one event instance (positive), or
    events that share none (negative)."""
    sents: dict[tuple[str, str, int], list[str]] = defaultdict(list)
    events: dict[tuple[str, str, int], set[str]] = defaultdict(set)
    topic_of: dict[tuple[str, str, int], str] = {}
    for lang in ("en", "es", "it", "nl"):
        base = MEANTIME / lang
        if not (base / "event_mentions.json").exists():
            print(f"MEANTIME {lang} not found under {base}: skipped", file=sys.stderr)
            continue
        with (base / "meantime.conll").open(encoding="utf-8") as fh:
            for line in fh:
                parts = line.rstrip("\n").split("\t")
                if line.startswith("#") or len(parts) < 4:
                    continue
                sents[(lang, parts[0], int(parts[1]))].append(parts[3])
        for m in json.loads((base / "event_mentions.json").read_text(encoding="utf-8")):
            key = (lang, m["conll_doc_key"], int(m["sent_id"]))
            events[key].add(re.sub(r"^(cross_intra_|cross_|intra_)", "", m["coref_chain"]))
            topic_of[key] = m["topic"]
    text = {k: _NO_SPACE_AFTER.sub(r"\1", _NO_SPACE_BEFORE.sub(r"\1", " ".join(v))) for k, v in sents.items()}
    rng = random.Random(SEED)
    out: list[dict[str, Any]] = []
    by_topic: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for k in sorted(events):
        if k in text:
            by_topic[topic_of[k]].append(k)
    for topic, keys in sorted(by_topic.items()):
        pos, neg = [], []
        for x in range(len(keys)):
            for z in range(x + 1, len(keys)):
                a, b = keys[x], keys[z]
                if a[:2] == b[:2]:
                    continue  # same document
                (pos if events[a] & events[b] else neg).append((a, b))
        rng.shuffle(pos)
        pos = pos[:max_pos_per_topic]
        neg = rng.sample(neg, min(len(neg), neg_per_pos * len(pos)))
        for y, items in ((1, pos), (0, neg)):
            for a, b in items:
                if rng.random() < 0.5:
                    a, b = b, a
                out.append({"src": "meantime", "group": topic, "fold": -1, "row": -1,
                            "a": text[a], "b": text[b], "y": y, "short": False})
        print(f"  MEANTIME {topic}: {len(pos)} positive, {len(neg)} negative pairs", flush=True)
    return out


def build(args: argparse.Namespace) -> int:
    import ecb_pairs  # type: ignore[import-not-found]

    from bench.common import Skip

    try:
        return _build(args)
    except (Skip, ecb_pairs.Skip) as exc:  # ../shared is not there
        print(f"samefact_ce: {exc}", file=sys.stderr)
        return 2


def _build(args: argparse.Namespace) -> int:
    from gpu_bundle import pack_texts  # type: ignore[import-not-found]

    clock = time.perf_counter()
    CACHE.mkdir(parents=True, exist_ok=True)
    dev, rows = dev_pairs()
    with lzma.open(CACHE / "dev-rows.pkl.xz", "wb") as f:
        pickle.dump(rows, f, protocol=pickle.HIGHEST_PROTOCOL)
    if args.rows_only:
        return 0
    print(f"dev: {len(dev)} pairs, {sum(p['y'] for p in dev)} positive ({time.perf_counter() - clock:.0f} s)",
          flush=True)
    ecb = ecb_pairs_rows()
    print(f"ECB+: {len(ecb)} pairs, {sum(p['y'] for p in ecb)} positive ({time.perf_counter() - clock:.0f} s)",
          flush=True)
    mt = meantime_pairs()
    print(f"MEANTIME: {len(mt)} pairs, {sum(p['y'] for p in mt)} positive", flush=True)
    pairs = dev + ecb + mt
    table: dict[str, int] = {}
    for p in pairs:
        p["a"] = table.setdefault(p["a"], len(table))
        p["b"] = table.setdefault(p["b"], len(table))
    bundle = pack_texts(sorted(table, key=table.__getitem__), MAX_TEXT_TOKENS)
    bundle["pairs"] = {k: np.array([p[k] for p in pairs]) for k in ("src", "group", "fold", "row", "a", "b", "y",
                                                                     "short")}
    BUNDLE.parent.mkdir(parents=True, exist_ok=True)
    with lzma.open(BUNDLE, "wb", preset=6) as f:
        pickle.dump(bundle, f, protocol=pickle.HIGHEST_PROTOCOL)
    print(f"wrote {BUNDLE.relative_to(ROOT)} ({BUNDLE.stat().st_size / 2**20:.1f} MiB): {len(table)} texts, "
          f"{len(pairs)} pairs ({time.perf_counter() - clock:.0f} s)")
    return 0


# ------------------------------------------------------------------------------------------------- train
def train(args: argparse.Namespace) -> int:
    import torch
    from torch import nn
    from train_crossencoder import build_model, load_bundle, lr_factor  # type: ignore[import-not-found]

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)  # 3-8x faster training on this CPU (training/README.md)
    bundle = load_bundle(args.bundle)
    P = bundle["pairs"]
    src, fold = P["src"], P["fold"]
    if args.data == "public":
        use = src != "dev"
        score = src == "dev"
    elif args.fold >= 0:
        use = (src != "dev") | (fold != args.fold)
        score = (src == "dev") & (fold == args.fold)
    else:  # every dev case too: the model to ship, nothing left to score out of fold
        use = np.ones(len(src), bool)
        score = np.zeros(len(src), bool)
    if args.no_meantime:
        use &= src != "meantime"
    if args.dev_only:
        use &= src == "dev"
    model, tok = build_model(args.dropout, bundle)
    model.head = nn.Linear(model.encoder.cfg.hidden, 1)
    device = torch.device(args.device)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
    model.to(device)
    idx = np.nonzero(use)[0]
    if args.max_pairs:  # a smoke test on the CPU
        rng0 = np.random.default_rng(args.seed)
        idx = np.sort(rng0.choice(idx, min(args.max_pairs, len(idx)), replace=False))
        score &= np.cumsum(score) <= args.max_pairs
    y_all = P["y"].astype(np.float32)
    seqs = tok.encode_pair(list(P["a"]), list(P["b"]), args.max_len)
    weight = np.where(src == "dev", args.dev_weight, 1.0).astype(np.float32)
    steps_per_epoch = (len(idx) + args.batch - 1) // args.batch
    total = steps_per_epoch * args.epochs
    body = [p for n, p in model.named_parameters() if not n.startswith("head.") and p.requires_grad]
    opt = torch.optim.AdamW([{"params": body, "lr": args.lr, "base_lr": args.lr},
                             {"params": list(model.head.parameters()), "lr": args.head_lr, "base_lr": args.head_lr}],
                            weight_decay=0.01)
    bce = nn.BCEWithLogitsLoss(reduction="none")
    print(f"{args.name}: {len(idx)} training pairs ({int(y_all[idx].sum())} positive), {total} steps, "
          f"{int(score.sum())} to score", flush=True)
    rng = np.random.default_rng(args.seed)
    step, t0 = 0, time.time()
    model.train()
    for epoch in range(args.epochs):
        order = rng.permutation(idx)
        loss_sum = 0.0
        for s in range(0, len(order), args.batch):
            b = order[s: s + args.batch]
            ids, mask = tok.pad_batch([seqs[i] for i in b])
            f = lr_factor(step, max(1, total // 10), total, floor=0.0)
            for g in opt.param_groups:
                g["lr"] = g["base_lr"] * f
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
                logit = model(ids.to(device), mask.to(device)).squeeze(1).float()
            loss = (bce(logit, torch.from_numpy(y_all[b]).to(device))
                    * torch.from_numpy(weight[b]).to(device)).mean()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            opt.zero_grad(set_to_none=True)
            loss_sum += float(loss.detach())
            step += 1
            if step % 50 == 0:
                print(f"{args.name}: step {step}/{total} ({time.time() - t0:.0f} s)", flush=True)
        print(f"{args.name}: epoch {epoch + 1} loss {loss_sum / steps_per_epoch:.4f} "
              f"({time.time() - t0:.0f} s)", flush=True)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if score.any():
        which = np.nonzero(score)[0]
        logits = _predict(model, tok, [seqs[i] for i in which], device)
        np.save(out / f"{args.name}.npy", np.stack([which.astype(np.float64), logits.astype(np.float64)]))
        ys = y_all[which]
        print(f"{args.name}: scored {len(which)} dev pairs; AP {_ap(logits, ys):.3f}", flush=True)
    if args.save:
        state = {k: v.half().cpu() for k, v in model.state_dict().items() if k != "encoder.word"}
        torch.save({"model": state, "step": step, "hparams": vars(args) | {"bundle": str(args.bundle)}},
                   out / f"{args.name}.pt")
    return 0


def _predict(model: Any, tok: Any, seqs: list[list[int]], device: Any, batch: int = 256) -> np.ndarray:
    import torch

    model.eval()
    order = np.argsort([len(s) for s in seqs], kind="stable")
    out = np.zeros(len(seqs), np.float32)
    with torch.inference_mode():
        for s in range(0, len(order), batch):
            b = order[s: s + batch]
            ids, mask = tok.pad_batch([seqs[i] for i in b])
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
                out[b] = model(ids.to(device), mask.to(device)).squeeze(1).float().cpu().numpy()
    return out


def _ap(score: np.ndarray, y: np.ndarray) -> float:
    """Average precision without sklearn (the GPU machine may lack it)."""
    order = np.argsort(-score, kind="stable")
    ys = y[order]
    hits = np.cumsum(ys)
    prec = hits / np.arange(1, len(ys) + 1)
    return float((prec * ys).sum() / max(ys.sum(), 1))


# -------------------------------------------------------------------------------------------------- eval
def evaluate(args: argparse.Namespace) -> int:
    """Leave-one-case-out same-fact model with the cross-encoder's logit as one more feature (0 where the
    pair is not shortlisted, plus a flag), beside the model without it."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score, roc_auc_score

    with lzma.open(CACHE / "dev-rows.pkl.xz", "rb") as f:
        rows = pickle.load(f)  # noqa: S301 - our own cache
    with lzma.open(BUNDLE, "rb") as f:
        P = pickle.load(f)["pairs"]  # noqa: S301
    names = sorted(rows)
    ys = np.concatenate([rows[n]["y"] for n in names])

    def oof(feats: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        out = {}
        for k in names:
            tx = np.concatenate([feats[n] for n in names if n != k])
            ty = np.concatenate([rows[n]["y"] for n in names if n != k])
            mean, scale = tx.mean(0), tx.std(0)
            scale = np.where(scale < 1e-6, 1.0, scale)
            lr = LogisticRegression(C=1.0, max_iter=3000).fit((tx - mean) / scale, ty)
            out[k] = lr.predict_proba((feats[k] - mean) / scale)[:, 1]
        return out

    def show(name: str, pk: dict[str, np.ndarray], scored: int) -> None:
        p = np.concatenate([pk[n] for n in names])
        print(f"  same-fact model {name:>14}: OOF AP {average_precision_score(ys, p):.3f} "
              f"AUC {roc_auc_score(ys, p):.3f}; gold/other at p>=0.5: {int(((p >= 0.5) & (ys > 0)).sum())}"
              f"/{int(((p >= 0.5) & (ys == 0)).sum())}, at p>=0.1: {int(((p >= 0.1) & (ys > 0)).sum())}"
              f"/{int(((p >= 0.1) & (ys == 0)).sum())}; {scored} pairs read by the cross-encoder")

    for run in args.runs:
        files = sorted(Path(args.dir).glob(f"{run}*.npy"))
        ce = {n: np.zeros(len(rows[n]["y"]), np.float32) for n in names}
        seen = {n: np.zeros(len(rows[n]["y"]), bool) for n in names}
        for path in files:
            which, logit = np.load(path)
            for w, z in zip(which.astype(int), logit):
                g = str(P["group"][w])
                ce[g][int(P["row"][w])] = z
                seen[g][int(P["row"][w])] = True
        print(f"== {run}: {len(files)} files, {sum(int(v.sum()) for v in seen.values())} dev pairs scored")
        sh = np.concatenate([rows[n]["short"] for n in names])
        z_all = np.concatenate([ce[n] for n in names])
        print(f"  cross-encoder alone on the shortlist: AP {average_precision_score(ys[sh], z_all[sh]):.3f} "
              f"AUC {roc_auc_score(ys[sh], z_all[sh]):.3f} ({int(ys[sh].sum())} gold of {int(sh.sum())})")

        base = oof({n: rows[n]["x"] for n in names})
        show("without", base, 0)
        gates = [(f"p1>={lo:g}", {n: rows[n]["short"] & (base[n] >= lo) for n in names}) for lo in args.bands]
        gates += [(f"k={k}", {n: _short_k(rows[n], k) for n in names}) for k in args.ks]
        gates += [(f"k={k}, p1>={lo:g}", {n: _short_k(rows[n], k) & (base[n] >= lo) for n in names})
                  for k in args.ks for lo in args.bands if lo > 0]
        for label, gate in gates:
            feats = {n: np.column_stack([rows[n]["x"], np.where(gate[n], ce[n], 0.0), gate[n].astype(np.float32)])
                     for n in names}
            show(f"with, {label}", oof(feats), sum(int(g.sum()) for g in gate.values()))
    return 0


def _short_k(rows: dict[str, np.ndarray], k: int) -> np.ndarray:
    """The shortlist with each claim's k nearest, from the case's feature rows (one block per article pair)."""
    out = []
    offset = 0
    for na, nb in rows["shapes"]:
        out.append(shortlist(rows["x"][offset: offset + na * nb].reshape(na, nb, -1), k).reshape(-1))
        offset += na * nb
    return np.concatenate(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    bp = sub.add_parser("build")
    bp.add_argument("--rows-only", action="store_true", help="only the dev rows for eval (out/samefact-ce/)")
    t = sub.add_parser("train")
    t.add_argument("--bundle", type=Path, default=BUNDLE)
    t.add_argument("--name", required=True)
    t.add_argument("--data", choices=("public", "dev"), default="dev")
    t.add_argument("--fold", type=int, default=-1, help="dev fold to hold out (-1: none, train on all)")
    t.add_argument("--no-meantime", action="store_true")
    t.add_argument("--dev-only", action="store_true", help="train on the other dev folds alone")
    t.add_argument("--epochs", type=int, default=3)
    t.add_argument("--batch", type=int, default=32)
    t.add_argument("--lr", type=float, default=3e-5)
    t.add_argument("--head-lr", type=float, default=5e-4)
    t.add_argument("--dropout", type=float, default=0.1)
    t.add_argument("--dev-weight", type=float, default=1.0)
    t.add_argument("--max-len", type=int, default=128)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--device", default="cpu")
    t.add_argument("--threads", type=int, default=1)
    t.add_argument("--out", default="/tmp/samefact-ce")
    t.add_argument("--save", action="store_true", help="also write the trained weights (fp16)")
    t.add_argument("--max-pairs", type=int, default=0, help="CPU smoke test: train on this many pairs only")
    e = sub.add_parser("eval")
    e.add_argument("dir")
    e.add_argument("runs", nargs="+", help="run name prefixes (files DIR/PREFIX*.npy)")
    e.add_argument("--bands", type=float, nargs="+", default=[0.0, 0.01, 0.02, 0.05, 0.1],
                   help="read by the cross-encoder only where the model without it gives at least this")
    e.add_argument("--ks", type=int, nargs="*", default=[1, 2, 3],
                   help="read by the cross-encoder only among each claim's k nearest")
    args = ap.parse_args(argv)
    return {"build": build, "train": train, "eval": evaluate}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
