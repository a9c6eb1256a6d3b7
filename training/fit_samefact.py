"""Fit the same-fact pair model (src/factdiff/models/samefact.json) with cross-validation grouped by case.

Every claim pair across two articles of a real dev case (../shared/gold/dev) is one row of
``factdiff.samefact.FEATURES``; it is positive when the two claims cover a gold pair of the case
(an agreement, a conflict or a tension: the same fact, reported the same way or not). Out-of-fold
figures (leave one case out) are printed: ROC AUC, average precision, and a reliability table of
predicted probability against the observed share of gold pairs. Then the model is refitted on all
cases and written, with those figures in its ``meta``.

    python training/fit_samefact.py [--no-write]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dev import dev_cases  # noqa: E402
from bench.gold import scorer  # noqa: E402
from factdiff import samefact  # noqa: E402
from factdiff.ingest import read_inputs  # noqa: E402
from factdiff.pipeline import pair_tensors, prepare  # noqa: E402

OUT = ROOT / "src" / "factdiff" / "models" / "samefact.json"
C = 1.0  # inverse L2 strength of the logistic regression (sklearn default)


def case_rows(case: Any, encoders: str = "use") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, labels, section codes) of every cross-article claim pair of one case."""
    docs = read_inputs([str(p) for p in case.paths])
    return rows_from_prepared(case, prepare(docs, entities=False, second_encoder=encoders != "use"))


def rows_from_prepared(case: Any, prep: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``case_rows`` from articles already read (``factdiff.pipeline.Prepared``)."""
    sg = scorer()
    docs = prep.docs
    tensors = pair_tensors(prep)
    key2id = {k: next(d.id for d in docs if os.path.basename(d.source) == f) for k, f in case.gold["documents"].items()}
    text = {d.id: d.text for d in docs}

    def cover(did: str, needle: str) -> list[int]:
        spans = sg.locate(text[did], needle)
        return [i for i, c in enumerate(prep.claims[did])
                if any(sg.overlaps(s, {"start": c.start, "end": c.end}) for s in spans)]

    labels = {key: np.zeros(t.shape[:2], dtype=np.int8) for key, t in tensors.items()}
    for code, section in ((1, "agreements"), (2, "conflicts"), (3, "tensions")):
        for item in case.gold.get(section, []):
            ka, kb = [k for k in item if len(k) == 1 and k.isupper()][:2]
            da, db = key2id[ka], key2id[kb]
            ia, ib = cover(da, item[ka]), cover(db, item[kb])
            if (da, db) not in labels:
                da, db, ia, ib = db, da, ib, ia
            for i in ia:
                for j in ib:
                    labels[(da, db)][i, j] = max(labels[(da, db)][i, j], code)
    x = np.concatenate([t.reshape(-1, t.shape[-1]) for t in tensors.values()])
    y = np.concatenate([labels[k].reshape(-1) for k in tensors])
    return x, (y > 0).astype(np.int8), y


def fit(x: np.ndarray, y: np.ndarray) -> samefact.SameFactModel:
    from sklearn.linear_model import LogisticRegression

    bias = samefact.FEATURES.index("bias")
    mean, scale = x.mean(axis=0), x.std(axis=0)
    mean[bias], scale[bias] = 0.0, 1.0
    scale = np.where(scale < 1e-6, 1.0, scale)
    z = (x - mean) / scale
    lr = LogisticRegression(C=C, fit_intercept=False, max_iter=2000)
    lr.fit(z, y)
    return samefact.SameFactModel(lr.coef_[0].astype(np.float64), mean.astype(np.float64),
                                  scale.astype(np.float64), {})


def reliability(p: np.ndarray, y: np.ndarray) -> list[dict[str, Any]]:
    rows = []
    edges = [0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001]
    for lo, hi in zip(edges, edges[1:]):
        m = (p >= lo) & (p < hi)
        if m.sum():
            rows.append({"bin": f"{lo:.2f}-{min(hi, 1):.2f}", "pairs": int(m.sum()),
                         "predicted": round(float(p[m].mean()), 3), "observed": round(float(y[m].mean()), 3)})
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)

    cases = dev_cases()
    models = {}
    for encoders in samefact.ENCODERS:
        print(f"== encoders: {encoders}")
        models[encoders] = evaluate(cases, encoders)
    if not args.no_write:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps({"models": models}, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


def evaluate(cases: list[Any], encoders: str) -> dict[str, Any]:
    """Out-of-fold figures printed, then the model refitted on all cases (as JSON)."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    data = [(c.name, *case_rows(c, encoders)) for c in cases]
    oof_p, oof_y, oof_s = [], [], []
    for k, (_name, x, y, s) in enumerate(data):
        train_x = np.concatenate([d[1] for j, d in enumerate(data) if j != k])
        train_y = np.concatenate([d[2] for j, d in enumerate(data) if j != k])
        model = fit(train_x, train_y)
        oof_p.append(model.probability(x))
        oof_y.append(y)
        oof_s.append(s)
    p, y, s = np.concatenate(oof_p), np.concatenate(oof_y), np.concatenate(oof_s)
    every = np.concatenate([d[1] for d in data])
    print("90th percentile of cross-article cosines (samefact.BACKGROUND): "
          f"use {np.percentile(every[:, 0], 90):.2f}, e5 {np.percentile(every[:, 1], 90):.2f}")
    auc, ap_score = float(roc_auc_score(y, p)), float(average_precision_score(y, p))
    cos = np.concatenate([d[1][:, samefact.FEATURES.index("cos_use")] for d in data])
    auc_cos = float(roc_auc_score(y, cos))
    print(f"out-of-fold (leave one case out, {len(cases)} cases, {len(y)} pairs, {int(y.sum())} gold):")
    print(f"  ROC AUC {auc:.3f} (USE cosine alone {auc_cos:.3f}); average precision {ap_score:.3f} "
          f"(cosine {float(average_precision_score(y, cos)):.3f})")
    for code, name in ((1, "agreements"), (2, "conflicts"), (3, "tensions")):
        m = (s == code) | (s == 0)
        print(f"  {name}: AUC vs unrelated {float(roc_auc_score(s[m] == code, p[m])):.3f}")
    rel = reliability(p, y)
    for row in rel:
        print("  ", row)
    model = fit(np.concatenate([d[1] for d in data]), np.concatenate([d[2] for d in data]))
    digest = hashlib.sha256()
    for c in cases:
        digest.update((c.name + json.dumps(c.gold, sort_keys=True)).encode())
    meta = {"fitted_on": f"{len(cases)} dev cases (../shared/gold/dev), {len(y)} claim pairs",
            "data_sha256": digest.hexdigest()[:16], "regularisation_C": C,
            "out_of_fold": {"roc_auc": round(auc, 4), "average_precision": round(ap_score, 4),
                            "roc_auc_cosine": round(auc_cos, 4), "reliability": rel},
            "encoders": encoders, "command": "python training/fit_samefact.py"}
    model = samefact.SameFactModel(model.weights, model.mean, model.scale, meta)
    for name, w in zip(samefact.FEATURES, model.weights):
        print(f"  {name:>16} {w:+.3f}")
    return model.to_json()


if __name__ == "__main__":
    sys.exit(main())
