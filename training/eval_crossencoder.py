"""Evaluate a cross-encoder checkpoint (train_crossencoder.py) on the evaluation-only NLI splits.

Sets: MNLI dev-matched (TaxiNLI subset), XNLI test per language (default en fr de es; XNLI has no
Italian) plus the mean over the languages evaluated, cross-lingual XNLI test pairs (premise in one
language, hypothesis of the same item in another; XNLI test is row-aligned across its 15 languages),
ANLI R1-R3, RTE3-FR test, and contradiction F1 on DACCORD-FR (binary: contradiction vs not). Every set
is printed beside its majority-class accuracy. ``--limit N`` scores a seeded sample of N pairs per set::

    python training/eval_crossencoder.py --ckpt training/runs/ce/last.pt --limit 100
    python training/eval_crossencoder.py --ckpt training/runs/ce/best.pt --langs all --out eval.json

These splits are for reporting only: nothing here feeds back into training or model selection.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nlidata as D  # noqa: E402
from train_crossencoder import load_checkpoint, predict_logits, xnli_by_lang  # noqa: E402

CROSS_PAIRS = (("en", "fr"), ("fr", "en"), ("en", "de"), ("de", "es"), ("es", "en"), ("fr", "de"))


def _sample(n_total: int, limit: int, rng: np.random.Generator) -> np.ndarray:
    if not limit or n_total <= limit:
        return np.arange(n_total)
    return np.sort(rng.choice(n_total, limit, replace=False))


def eval_sets(langs: list[str], limit: int, seed: int) -> list[tuple[str, D.Pairs]]:
    rng = np.random.default_rng(seed)
    out: list[tuple[str, D.Pairs]] = []

    def add(name: str, p: D.Pairs) -> None:
        out.append((name, p.take(_sample(len(p), limit, rng), name)))

    add("MNLI dev-m (TaxiNLI subset)", D.load_pairs("taxinli_mnli", "mnli_dev"))
    prem, hyp, y = xnli_by_lang("test")
    for lang in langs:
        add(f"XNLI test {lang}", D.Pairs(lang, prem[lang], hyp[lang], y, [lang] * len(y)))
    # cross-lingual: for each language pair the same sampled items
    per_pair = max(1, (limit or len(y)) // len(CROSS_PAIRS))
    cp: list[str] = []
    ch: list[str] = []
    cy: list[int] = []
    cl: list[str] = []
    for a, b in CROSS_PAIRS:
        for i in _sample(len(y), per_pair, rng):
            cp.append(prem[a][i]), ch.append(hyp[b][i]), cy.append(int(y[i])), cl.append(f"{a}-{b}")
    out.append(("XNLI test cross-lingual", D.Pairs("x", cp, ch, np.array(cy), cl)))
    for r in (1, 2, 3):
        add(f"ANLI R{r}", D.load_pairs("anli_dev", f"dev_r{r}"))
    add("RTE3-FR test", D.load_pairs("rte3_fr", "test"))
    add("DACCORD-FR (contradiction F1)", D.load_pairs("daccord_fr", "all"))
    return out


def contradiction_f1(pred: np.ndarray, y: np.ndarray) -> float:
    c = D.LABEL_ID["contradiction"]
    tp = float(((pred == c) & (y == c)).sum())
    fp = float(((pred == c) & (y != c)).sum())
    fn = float(((pred != c) & (y == c)).sum())
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", type=Path, default=Path(__file__).resolve().parent / "runs" / "ce" / "best.pt")
    ap.add_argument("--limit", type=int, default=0, help="pairs per set (0 = all)")
    ap.add_argument("--langs", default="en,fr,de,es", help="XNLI test languages, comma-separated, or 'all'")
    ap.add_argument("--max-len", type=int, default=0, help="default: the checkpoint's training max length")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = ap.parse_args(argv)

    if not D.data_available():
        print(f"NLI data not found under {D.DATA_DIR}; nothing to evaluate", file=sys.stderr)
        return 2
    if not args.ckpt.is_file():
        print(f"no checkpoint at {args.ckpt}", file=sys.stderr)
        return 2
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)
    langs = list(D.XNLI_LANGS) if args.langs == "all" else [x.strip() for x in args.langs.split(",") if x.strip()]
    unknown = [x for x in langs if x not in D.XNLI_LANGS]
    if unknown:
        print(f"XNLI has no language(s) {unknown}; available: {' '.join(D.XNLI_LANGS)}", file=sys.stderr)
        return 2
    model, tok, ck = load_checkpoint(args.ckpt)
    max_len = args.max_len or int(ck["hparams"]["max_len"])
    print(f"checkpoint {args.ckpt} step {ck['step']}, max_len {max_len}, limit {args.limit or 'none'}")
    rows = []
    t_all = time.time()
    for name, p in eval_sets(langs, args.limit, args.seed):
        t0 = time.time()
        pred = predict_logits(model, tok, p.premises, p.hypotheses, max_len).argmax(1)
        majority = float(np.bincount(p.y, minlength=3).max() / len(p.y))
        row = {"set": name, "n": len(p), "acc": float((pred == p.y).mean()), "majority": majority}
        if name.startswith("DACCORD"):  # binary labels: accuracy of contradiction vs not
            c = D.LABEL_ID["contradiction"]
            row["acc"] = float(((pred == c) == (p.y == c)).mean())
            row["contradiction_f1"] = contradiction_f1(pred, p.y)
            row["f1_all_contradiction"] = contradiction_f1(np.full_like(p.y, D.LABEL_ID["contradiction"]), p.y)
        if name.endswith("cross-lingual"):
            row["per_pair"] = {
                g: float((pred[m] == p.y[m]).mean())
                for g in dict.fromkeys(p.langs)
                for m in [np.array([x == g for x in p.langs])]
            }
        row["s"] = round(time.time() - t0, 1)
        rows.append(row)
        extra = ""
        if "contradiction_f1" in row:
            f1, f1_all = row["contradiction_f1"], row["f1_all_contradiction"]
            extra = f"  contradiction F1 {f1:.3f} (all-contradiction {f1_all:.3f})"
        print(f"{name:34s} n={len(p):5d} acc {row['acc']:.3f}  majority {majority:.3f}{extra}  ({row['s']} s)",
              flush=True)
    xs = [r["acc"] for r in rows if r["set"].startswith("XNLI test ") and not r["set"].endswith("lingual")]
    summary = {"xnli_mean_over_langs": float(np.mean(xs)) if xs else None, "langs": langs}
    print(f"XNLI mean over {','.join(langs)}: {summary['xnli_mean_over_langs']:.3f}; total {time.time() - t_all:.0f} s")
    if args.out:
        res = {"ckpt": str(args.ckpt), "step": ck["step"], "limit": args.limit, "seed": args.seed, "rows": rows,
               **summary}
        args.out.write_text(json.dumps(res, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
