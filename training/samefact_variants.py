"""Variants of the same-fact model that were measured and not shipped, out of fold (leave one dev case out).

    python training/samefact_variants.py [VARIANT ...]  # logistic (shipped) vs gradient boosting vs + chunk cosine
                                                    # vs + character n-gram cosine

Rows are every cross-article claim pair of the dev cases (../shared/gold/dev), with the features of
``factdiff.samefact`` (as ``training/fit_samefact.py`` builds them, encoders "use"). Printed per variant: ROC AUC,
average precision, and how many gold pairs are ranked above each precision level. Variants:

- ``logistic``: the shipped logistic model without its close-pair term (``fit_samefact.fit(close=False)``).
- ``boosting``: scikit-learn's HistGradientBoostingClassifier on the same features.
- ``chunks``: the logistic model with one more feature, the best cosine between any two chunks of the two
  claims (chunks: comma/semicolon/bracket pieces and "and"-clauses of three words or more, longer ones in
  windows of eight words), for claims that share a fact in one clause only.
- ``monotone``: the logistic model with the weights of closeness, shared names, figures and dates held
  non-negative (``fit_samefact.MONOTONE``): the shipped fit gives the cosines negative weights beside their
  margins, so a translation, closer than any dev pair, can score lower than a loose paraphrase.
- ``translations``: the logistic model with rows from MEANTIME translations added to each fold's training
  (``fit_samefact.translation_rows``: English original vs its es/it/nl translation, counterpart sentences
  positive; the articles ``python -m bench translations`` measures on are left out).
- ``close``: the logistic model with the close-pair term fitted on MEANTIME translations
  (``fit_samefact.fit_close``; shipped since 2026-11-30): on the dev cases it only moves the few pairs closer than
  its knot.
- ``chargrams``: the logistic model with one more feature, the TF-IDF cosine of the two claims' character
  3-5-grams (inside words, accents and case removed, IDF over the case's claims): cognates and names across
  languages ("Beresheet" / "Bereshit") without a dictionary.
"""

from __future__ import annotations

import itertools
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "training"))

from fit_samefact import fit, rows_from_prepared  # noqa: E402

from bench.dev import dev_cases  # noqa: E402

_SPLIT = re.compile(r"\s*[,;:()«»\"“”—–]\s*|\s+(?:and|y|et|und|e|en|ve|dan|i)\s+")
WINDOW = 8


def chunks(text: str) -> list[str]:
    parts = [p for p in _SPLIT.split(text) if len(p.split()) >= 3]
    out = []
    for p in parts:
        ws = p.split()
        if len(ws) <= WINDOW + 3:
            out.append(p)
        else:
            out.extend(" ".join(ws[s:s + WINDOW]) for s in range(0, len(ws) - WINDOW // 2, WINDOW // 2))
    return out or [text]


def chunk_cosines(prep: Any) -> np.ndarray:
    """Per claim pair (in ``pair_tensors`` order): the best cosine between a chunk of each claim."""
    emb = prep.embedder
    ids = [d.id for d in prep.docs]
    vec = {}
    for d in ids:
        per_claim = [chunks(c.text) for c in prep.claims[d]]
        flat = [t for cs in per_claim for t in cs]
        owner = np.array([k for k, cs in enumerate(per_claim) for _ in cs], dtype=np.int64)
        vec[d] = (emb.encode(flat) if flat else np.zeros((0, emb.dim), np.float32), owner)
    out = []
    for da, db in itertools.combinations(ids, 2):
        if not prep.claims[da] or not prep.claims[db]:
            continue
        (va, oa), (vb, ob) = vec[da], vec[db]
        best = np.full((len(prep.claims[da]), len(prep.claims[db])), -1.0)
        np.maximum.at(best, (np.repeat(oa, len(ob)), np.tile(ob, len(oa))), (va @ vb.T).ravel())
        out.append(best.reshape(-1))
    return np.concatenate(out)


def chargram_cosines(prep: Any) -> np.ndarray:
    """Per claim pair (in ``pair_tensors`` order): TF-IDF cosine of character 3-5-grams."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from factdiff.text import strip_accents

    ids = [d.id for d in prep.docs]
    texts = {d: [strip_accents(c.text.lower()) for c in prep.claims[d]] for d in ids}
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    vec.fit([t for d in ids for t in texts[d]])
    m = {d: vec.transform(texts[d]) for d in ids}
    return np.concatenate([(m[da] @ m[db].T).toarray().reshape(-1) for da, db in itertools.combinations(ids, 2)
                           if prep.claims[da] and prep.claims[db]])


def rows() -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    from factdiff.ingest import read_inputs
    from factdiff.pipeline import prepare

    data = []
    for case in dev_cases():
        prep = prepare(read_inputs([str(p) for p in case.paths]), entities=False)
        x, y, _ = rows_from_prepared(case, prep)
        data.append((x, y, chunk_cosines(prep), chargram_cosines(prep)))
    return data


def out_of_fold(data: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]], variant: str
                ) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.ensemble import HistGradientBoostingClassifier

    def features(d: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
        extra = {"chunks": 2, "chargrams": 3}.get(variant)
        if extra is None:
            return d[0]
        return np.concatenate([d[0], d[extra][:, None]], axis=1)  # after the bias: fit() finds it by position

    extra_x: list[np.ndarray] = []
    extra_y: list[np.ndarray] = []
    if variant == "translations":
        from fit_samefact import translation_rows

        for x, y in translation_rows():
            extra_x.append(x)
            extra_y.append(y)
    ps, ys = [], []
    for k, held in enumerate(data):
        tx = np.concatenate([features(d) for j, d in enumerate(data) if j != k] + extra_x)
        ty = np.concatenate([d[1] for j, d in enumerate(data) if j != k] + extra_y)
        if variant == "boosting":
            m = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15,
                                               min_samples_leaf=50, l2_regularization=1.0, random_state=0)
            ps.append(m.fit(tx, ty).predict_proba(features(held))[:, 1])
        else:
            ps.append(fit(tx, ty, monotone=variant == "monotone", close=variant == "close")
                      .probability(features(held)))
        ys.append(held[1])
    return np.concatenate(ps), np.concatenate(ys)


def main() -> int:
    from sklearn.metrics import average_precision_score, roc_auc_score

    data = rows()
    names = sys.argv[1:] or ["logistic", "boosting", "chunks", "chargrams", "monotone", "translations", "close"]
    for variant in names:
        p, y = out_of_fold(data, variant)
        order = np.argsort(-p)
        tp = np.cumsum(y[order])
        precision = tp / np.arange(1, len(y) + 1)
        above = {t: int(tp[np.flatnonzero(precision >= t).max()]) if (precision >= t).any() else 0
                 for t in (0.5, 0.6, 0.7)}
        print(f"{variant:9s} ROC AUC {roc_auc_score(y, p):.3f}  average precision {average_precision_score(y, p):.3f}  "
              f"gold pairs ranked at precision >= 0.5/0.6/0.7: {above[0.5]}/{above[0.6]}/{above[0.7]} "
              f"of {int(y.sum())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
