"""Does the cross-encoder help compare decide "same fact"? Out of fold on the dev cases (issue 12, "Use it").

    python bench/ce_rerank.py [--candidate-p 0.10]

For every case of ../shared/gold/dev: all cross-article claim pairs with their same-fact features and gold
labels (training/fit_samefact.py's rows: a pair is positive when it covers a gold agreement, conflict or
tension); the same-fact probability p1 from a model fitted on the other cases; for the pairs that reach the
judge's candidate floor (p1 >= --candidate-p, Config.candidate_p), the shipped cross-encoder's entailment and
contradiction probabilities, both directions read; then a second-stage logistic model over
(logit p1, entailment, contradiction), again fitted on the other cases. Printed: ROC AUC among candidates of
p1, of the cross-encoder's entailment alone and of the second stage, and selected / precision / gold
agreements hit at several thresholds for p1 and for the second stage.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "training"))


def case_data(case: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[str, str]]]:
    from fit_samefact import rows_from_prepared  # type: ignore[import-not-found]

    from factdiff.ingest import read_inputs
    from factdiff.pipeline import pair_tensors, prepare

    prep = prepare(read_inputs([str(p) for p in case.paths]), entities=False)
    x, y, code = rows_from_prepared(case, prep)
    texts = [(prep.claims[da][i].text, prep.claims[db][j].text)
             for (da, db), t in pair_tensors(prep).items() for i in range(t.shape[0]) for j in range(t.shape[1])]
    if len(texts) != len(y):
        raise RuntimeError("pair order differs from fit_samefact's rows")
    return x, y, code, texts


def _stage2_features(p1: np.ndarray, probs: np.ndarray) -> np.ndarray:
    p = np.clip(p1, 1e-4, 1 - 1e-4)
    return np.column_stack([np.log(p / (1 - p)), probs[:, 0], probs[:, 2]])


def main(argv: list[str] | None = None) -> int:
    from fit_samefact import fit  # type: ignore[import-not-found]
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    from bench.common import Skip
    from bench.dev import dev_cases
    from factdiff.crossencoder import CrossEncoderError, load_crossencoder

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--candidate-p", type=float, default=0.10)
    args = ap.parse_args(argv)
    try:
        cases = dev_cases()
        ce = load_crossencoder()
    except (Skip, CrossEncoderError) as exc:
        print(f"skipped: {exc}")
        return 0
    data = {c.name: case_data(c) for c in cases}
    names = list(data)
    rows: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
    t0, n_pairs = time.time(), 0
    for n in names:
        x = np.concatenate([data[m][0] for m in names if m != n])
        y = np.concatenate([data[m][1] for m in names if m != n])
        p1 = fit(x, y).probability(data[n][0])
        idx = np.where(p1 >= args.candidate_p)[0]
        texts = data[n][3]
        probs = ce.score_pairs([texts[i] for i in idx], symmetric=True) if len(idx) else np.zeros((0, 3))
        n_pairs += len(idx)
        rows[n] = (p1[idx], probs, data[n][1][idx], data[n][2][idx])
    ce_s = time.time() - t0
    p2 = {}
    for n in names:
        xs = np.concatenate([_stage2_features(rows[m][0], rows[m][1]) for m in names if m != n])
        ys = np.concatenate([rows[m][2] for m in names if m != n])
        model = LogisticRegression(max_iter=1000).fit(xs, ys)
        p2[n] = model.predict_proba(_stage2_features(rows[n][0], rows[n][1]))[:, 1] if len(rows[n][0]) else np.zeros(0)
    y = np.concatenate([rows[n][2] for n in names])
    code = np.concatenate([rows[n][3] for n in names])
    p1_all = np.concatenate([rows[n][0] for n in names])
    p2_all = np.concatenate([p2[n] for n in names])
    ent = np.concatenate([rows[n][1][:, 0] for n in names])
    positives = sum(int(d[1].sum()) for d in data.values())
    print(f"{len(names)} cases; {n_pairs} candidate pairs (p1 >= {args.candidate_p}) hold {int(y.sum())} of "
          f"{positives} gold same-fact pairs; cross-encoder on them in {ce_s:.0f} s")
    print(f"ROC AUC among candidates: p1 {roc_auc_score(y, p1_all):.3f}, cross-encoder entailment "
          f"{roc_auc_score(y, ent):.3f}, second stage (p1 + cross-encoder) {roc_auc_score(y, p2_all):.3f}")
    print("threshold | model | selected | same-fact | precision | gold agreement pairs hit")
    for thr in (0.3, 0.4, 0.5, 0.6):
        for name, p in (("p1", p1_all), ("p1+CE", p2_all)):
            sel = p >= thr
            prec = float((y[sel] == 1).mean()) if sel.any() else 0.0
            print(f"{thr} | {name} | {int(sel.sum())} | {int((y[sel] == 1).sum())} | {prec:.2f} | "
                  f"{int((code[sel] == 1).sum())} of {int((code == 1).sum())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
