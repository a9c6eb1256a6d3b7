"""BASIL: 100 events x 3 outlets. Are an event's three reports each other's nearest neighbours?

For every article, all other articles are ranked by similarity; its two same-event partners
should come first. Reported: mean rank of the partners (1.5 is perfect), recall@2 = mean share
of the two partners among the article's two nearest neighbours, and all@2 = share of articles
whose two nearest neighbours are exactly its two partners. Baselines in the same run: TF-IDF
cosine (vectoriser fitted on the whole collection) and mean-pooled sentence-vector cosine.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import (
    DATA,
    SEED,
    Skip,
    Table,
    article_profile,
    mean_pooled,
    save_cache,
    splitter_name,
    timer,
)
from factdiff.doc import Document

ARTICLES = DATA / "clustering" / "basil" / "articles"
MAX_SENTENCES = 20
QUICK_EVENTS = 6
QUICK_MAX_SENTENCES = 15
BACKEND = "use"


def _paragraphs(value: Any) -> list[str]:
    """body-paragraphs is a list of lists of sentences (or, in older files, its repr)."""
    if isinstance(value, str):
        import ast

        try:
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return [value]
    out = []
    for para in value or []:
        out.append(" ".join(para) if isinstance(para, list) else str(para))
    return out


def load_articles(quick: bool) -> tuple[list[Document], list[str]]:
    """(documents, event id per document), sorted; quick mode keeps QUICK_EVENTS random events."""
    if not ARTICLES.exists():
        raise Skip(f"{ARTICLES} not found")
    docs, events = [], []
    for path in sorted(ARTICLES.glob("*/*.json")):
        d = json.loads(Path(path).read_text(encoding="utf-8"))
        text = "\n\n".join(_paragraphs(d.get("body-paragraphs")))
        event = str(d.get("triplet-uuid") or path.stem.rsplit("_", 1)[0])
        docs.append(Document(id=path.stem, source=str(path), text=text, title=str(d.get("title", "")), language="en"))
        events.append(event)
    if quick:
        keep = set(random.Random(SEED).sample(sorted(set(events)), QUICK_EVENTS))
        pairs = [(d, e) for d, e in zip(docs, events, strict=True) if e in keep]
        docs, events = [d for d, _ in pairs], [e for _, e in pairs]
    return docs, events


def rank_metrics(sim: np.ndarray, events: list[str]) -> tuple[float, float, float]:
    """(mean partner rank, recall@2, all@2) from a symmetric similarity matrix."""
    n = len(events)
    ranks: list[int] = []
    recall: list[float] = []
    exact: list[bool] = []
    ev = np.array(events)
    for i in range(n):
        s = sim[i].astype(np.float64).copy()
        s[i] = -np.inf
        order = np.argsort(-s, kind="stable")
        position = np.empty(n, dtype=int)
        position[order] = np.arange(1, n + 1)
        partners = [j for j in range(n) if j != i and ev[j] == ev[i]]
        if not partners:
            continue
        ranks.extend(position[j] for j in partners)
        top = set(order[: len(partners)].tolist())
        hit = sum(j in top for j in partners)
        recall.append(hit / len(partners))
        exact.append(hit == len(partners))
    return float(np.mean(ranks)), float(np.mean(recall)), float(np.mean(exact))


def all_pairs(n: int, score: Callable[[int, int], float]) -> np.ndarray:
    """Symmetric matrix of score(i, j) over i < j."""
    m = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            m[i, j] = m[j, i] = score(i, j)
    return m


def tables(quick: bool = False) -> list[Table]:
    """One table: ours beside the two baselines."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from factdiff.similarity import similarity

    docs, events = load_articles(quick)
    max_sent = QUICK_MAX_SENTENCES if quick else MAX_SENTENCES
    with timer() as t_prof:
        profiles = [article_profile(d, BACKEND, max_sent) for d in docs]
    save_cache()
    n = len(docs)
    with timer() as t_ours:
        ours = all_pairs(n, lambda i, j: similarity(profiles[i], profiles[j]))
    dim = profiles[0].vectors.shape[1]
    zero = np.zeros(dim, np.float32)
    pooled = np.stack([v if (v := mean_pooled(p.vectors)) is not None else zero for p in profiles])
    tfidf = TfidfVectorizer(sublinear_tf=True).fit_transform([d.title + "\n" + d.text for d in docs])
    systems = {
        f"factdiff similarity ({BACKEND})": ours,
        "TF-IDF cosine (baseline)": (tfidf @ tfidf.T).toarray(),
        f"mean-pooled {BACKEND} cosine (baseline)": pooled @ pooled.T,
    }
    rows = [[name, *rank_metrics(m, events)] for name, m in systems.items()]
    pairs = n * (n - 1) // 2
    notes = [
        f"{n} articles, {len(set(events))} events; each article ranks the other {n - 1}. Mean partner rank: "
        "1.5 is perfect. recall@2 = mean share of the 2 same-event partners among the 2 nearest neighbours; "
        "all@2 = share of articles whose 2 nearest neighbours are both partners.",
        f"Profiles: first {max_sent} sentences + title per article ({splitter_name()}), entities by the "
        f"capitalised-word fallback; {t_prof[0]:.0f} s to build (embedding, cached vectors reused); "
        f"{pairs} pairs scored in {t_ours[0]:.1f} s ({1000 * t_ours[0] / max(pairs, 1):.3f} ms/pair).",
    ]
    if quick:
        notes.append(f"--quick: {QUICK_EVENTS} events drawn with random.Random({SEED}).")
    cmd = "python -m bench basil" + (" --quick" if quick else "")
    return [
        Table(
            "BASIL: same-event retrieval",
            cmd,
            ["system", "mean partner rank", "recall@2", "all@2"],
            rows,
            notes,
        )
    ]


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Rows for callers that want plain dicts."""
    return [dict(zip(t.columns, r, strict=True)) for t in tables(quick) for r in t.rows]
