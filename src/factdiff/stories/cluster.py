"""Online story clustering: each article, in publication order, joins its best story or opens one.

Candidates come from an index, never from a scan of every story: only *active* stories (last
article within ``window`` of the stream clock) are indexed, their centroids in one matrix, and
the ``top_k`` nearest by cosine are scored. Older stories stop attracting and leave the index
(a heap on last activity), so the cost per article stays flat as the store grows.

A candidate is scored by a logistic model over a few features (``FEATURES``): cosine to the
story's centroid and mean cosine to its members (multilingual title+lead vectors), overlap of
rare names and rare words (IDF-weighted with document frequencies counted online) and the time
gap. Words count only against the story's articles in the same language (the names stand in
where the story has none). Story size is deliberately not a feature: every public data set caps
its stories at a few articles, and a model would learn that cap.

The article joins the best candidate when P(same story) passes the fitted threshold; after a
join, the grown story merges with another active story when the same model, applied story to
story, passes the (stricter) merge threshold. The weights and both thresholds are fitted by
``python -m bench.stories --fit`` on public data only and shipped in ``model.json``;
``python -m bench stories`` reports the fit out-of-sample (leave one data set out).
"""

from __future__ import annotations

import heapq
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from .features import ArticleFeatures

FEATURES = ("cos_centroid", "cos_mean", "names", "words", "gap_days")
MODEL_PATH = Path(__file__).resolve().parent / "model.json"
WINDOW_DAYS = 7.0  # a story that got no article for a week stops attracting new ones
TOP_K = 10
MAX_MEMBER_VECTORS = 32  # the most recent members kept for the closest-member cosine


@dataclass
class Model:
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    merge_threshold: float | None = None  # None: no merge step
    meta: dict[str, Any] = field(default_factory=dict)

    def prob(self, x: np.ndarray) -> np.ndarray:
        z = np.asarray(x, dtype=np.float64) @ np.asarray(self.coef) + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-z)))

    def to_json(self) -> dict[str, Any]:
        return {"features": list(FEATURES), "coef": [round(c, 6) for c in self.coef],
                "intercept": round(self.intercept, 6), "threshold": self.threshold,
                "merge_threshold": self.merge_threshold, **self.meta}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Model:
        if tuple(data.get("features", ())) != FEATURES:
            raise ValueError("story model features do not match this factdiff")
        meta = {k: v for k, v in data.items()
                if k not in ("features", "coef", "intercept", "threshold", "merge_threshold")}
        return cls(tuple(float(c) for c in data["coef"]), float(data["intercept"]), float(data["threshold"]),
                   None if data.get("merge_threshold") is None else float(data["merge_threshold"]), meta)


def load_model(path: Path = MODEL_PATH) -> Model:
    return Model.from_json(json.loads(path.read_text(encoding="utf-8")))


@dataclass
class StoryState:
    key: int
    vec_sum: np.ndarray
    vectors: list[np.ndarray]
    names: Counter[str]
    words: dict[str, Counter[str]]  # per language: word overlap means nothing across languages
    size: int
    first: datetime
    last: datetime
    languages: set[str]

    _centroid: np.ndarray | None = None
    _matrix: np.ndarray | None = None

    @property
    def centroid(self) -> np.ndarray:
        if self._centroid is None:
            self._centroid = np.asarray(self.vec_sum / max(float(np.linalg.norm(self.vec_sum)), 1e-9),
                                        dtype=np.float32)
        return self._centroid

    @property
    def matrix(self) -> np.ndarray:
        """The kept member vectors as one (n, d) array."""
        if self._matrix is None:
            self._matrix = np.stack(self.vectors)
        return self._matrix

    def changed(self) -> None:
        self._centroid = self._matrix = None


@dataclass
class Decision:
    story: int  # the story the article is in after this step (after any merge)
    score: float  # P(same story) for the story joined; 1.0 for a new story
    new: bool
    merged: list[tuple[int, int]] = field(default_factory=list)  # (kept, absorbed)


class OnlineClusterer:
    """The clustering state: active stories, their index, document frequencies, the stream clock."""

    def __init__(self, model: Model | None = None, window_days: float = WINDOW_DAYS, top_k: int = TOP_K,
                 merge: bool = True) -> None:
        self.model = model or load_model()
        self.window = timedelta(days=window_days)
        self.top_k = top_k
        self.merge = merge and self.model.merge_threshold is not None
        self.stories: dict[int, StoryState] = {}  # active stories only
        self.df_names: Counter[str] = Counter()
        self.df_words: Counter[str] = Counter()
        self.n_docs = 0
        self.clock: datetime | None = None
        self.next_key = 1
        self._heap: list[tuple[datetime, int]] = []  # (last seen, story) with stale entries skipped
        self._dim = 0
        self._matrix = np.zeros((0, 0), dtype=np.float32)
        self._rows: dict[int, int] = {}
        self._row_keys: list[int] = []

    # --- index ------------------------------------------------------------------------------

    def _index_put(self, st: StoryState) -> None:
        if self._dim == 0:
            self._dim = len(st.vec_sum)
            self._matrix = np.zeros((64, self._dim), dtype=np.float32)
        row = self._rows.get(st.key)
        if row is None:
            row = len(self._row_keys)
            if row >= len(self._matrix):
                grown = np.zeros((len(self._matrix) * 2, self._dim), dtype=np.float32)
                grown[:row] = self._matrix[:row]
                self._matrix = grown
            self._rows[st.key] = row
            self._row_keys.append(st.key)
        self._matrix[row] = st.centroid

    def _index_drop(self, key: int) -> None:
        row = self._rows.pop(key, None)
        if row is None:
            return
        last = len(self._row_keys) - 1
        if row != last:  # move the last row into the hole
            moved = self._row_keys[last]
            self._matrix[row] = self._matrix[last]
            self._row_keys[row] = moved
            self._rows[moved] = row
        self._row_keys.pop()

    def _expire(self) -> None:
        if self.clock is None:
            return
        horizon = self.clock - self.window
        while self._heap and self._heap[0][0] < horizon:
            last, key = heapq.heappop(self._heap)
            st = self.stories.get(key)
            if st is not None and st.last == last:
                del self.stories[key]
                self._index_drop(key)

    def candidates(self, vec: np.ndarray, exclude: int | None = None) -> list[int]:
        n = len(self._row_keys)
        if n == 0:
            return []
        sims = self._matrix[:n] @ vec
        k = min(self.top_k + (exclude is not None), n)
        top = np.argpartition(-sims, k - 1)[:k] if k < n else np.arange(n)
        ordered = top[np.argsort(-sims[top], kind="stable")]
        return [self._row_keys[i] for i in ordered if self._row_keys[i] != exclude][: self.top_k]

    # --- features ---------------------------------------------------------------------------

    def _idf(self, df: Counter[str], term: str) -> float:
        # smoothed IDF (as scikit-learn's): a term every article has still counts a little, a rare one much more
        return math.log((self.n_docs + 1) / (df.get(term, 0) + 1)) + 1.0

    def _weights(self, df: Counter[str], terms: frozenset[str] | set[str]) -> tuple[dict[str, float], float]:
        w = {t: self._idf(df, t) for t in terms}
        return w, sum(w.values())

    @staticmethod
    def _shared(weights: tuple[dict[str, float], float], theirs: Counter[str]) -> float:
        w, total = weights
        return sum(v for t, v in w.items() if t in theirs) / total if total else 0.0

    def _overlap(self, df: Counter[str], mine: frozenset[str] | set[str], theirs: Counter[str]) -> float:
        return self._shared(self._weights(df, mine), theirs)

    def features_many(self, f: ArticleFeatures, keys: list[int]) -> np.ndarray:
        """Feature rows of the article against each of the stories ``keys``."""
        names, words = self._weights(self.df_names, f.names), self._weights(self.df_words, f.words)
        t = f.time or self.clock
        rows = []
        for k in keys:
            st = self.stories[k]
            gap = abs((t - st.last).total_seconds()) / 86400 if t is not None else 0.0
            shared_names = self._shared(names, st.names)
            same_lang = st.words.get(f.language)
            # no article of the story in this language: words cannot be compared, the names stand in for them
            shared_words = self._shared(words, same_lang) if same_lang is not None else shared_names
            rows.append((float(st.centroid @ f.vector), float(st.vec_sum @ f.vector) / st.size, shared_names,
                         shared_words, math.log1p(gap)))
        return np.array(rows, dtype=np.float64).reshape(len(keys), len(FEATURES))

    def features(self, f: ArticleFeatures, st: StoryState) -> np.ndarray:
        return self.features_many(f, [st.key])[0] if st.key in self.stories else np.zeros(len(FEATURES))

    def story_features(self, a: StoryState, b: StoryState) -> np.ndarray:
        """The same features, story to story (the smaller story plays the article)."""
        small, big = (a, b) if a.size <= b.size else (b, a)
        va, vb = small.matrix, big.matrix
        gap = abs((small.last - big.last).total_seconds()) / 86400
        names = self._overlap(self.df_names, set(small.names), big.names)
        common = [lang for lang in small.words if lang in big.words]
        words = max((self._overlap(self.df_words, set(small.words[lang]), big.words[lang]) for lang in common),
                    default=names)
        return np.array([float(small.centroid @ big.centroid), float((va @ vb.T).mean()), names, words,
                         math.log1p(gap)])

    # --- the stream ---------------------------------------------------------------------------

    def observe(self, f: ArticleFeatures) -> None:
        """Count the article's terms and advance the clock (before scoring it)."""
        self.n_docs += 1
        self.df_names.update(f.names)
        self.df_words.update(f.words)
        if f.time is not None and (self.clock is None or f.time > self.clock):
            self.clock = f.time
        self._expire()

    def score(self, f: ArticleFeatures) -> list[tuple[int, float]]:
        """(story, P(same story)) for the candidate stories, best first."""
        keys = self.candidates(f.vector)
        if not keys:
            return []
        p = self.model.prob(self.features_many(f, keys))
        order = np.argsort(-p, kind="stable")
        return [(keys[i], float(p[i])) for i in order]

    def add(self, f: ArticleFeatures) -> Decision:
        self.observe(f)
        scored = self.score(f)
        if scored and scored[0][1] >= self.model.threshold:
            key, p = scored[0]
            self._join(key, f)
            decision = Decision(key, p, False)
            if self.merge:
                decision.merged = self._merge_from(key)
                if decision.merged:
                    decision.story = decision.merged[-1][0]
            return decision
        key = self.open_story(f)
        return Decision(key, 1.0, True)

    def open_story(self, f: ArticleFeatures, key: int | None = None) -> int:
        if key is None:
            key = self.next_key
        self.next_key = max(self.next_key, key + 1)
        t = f.time or self.clock or datetime(1970, 1, 1)
        st = StoryState(key, f.vector.astype(np.float32).copy(), [f.vector], Counter(f.names),
                        {f.language: Counter(f.words)}, 1, t, t, {f.language})
        self.stories[key] = st
        self._touch(st)
        return key

    def _join(self, key: int, f: ArticleFeatures) -> None:
        st = self.stories[key]
        st.vec_sum = st.vec_sum + f.vector
        st.vectors = (st.vectors + [f.vector])[-MAX_MEMBER_VECTORS:]
        st.names.update(f.names)
        st.words.setdefault(f.language, Counter()).update(f.words)
        st.size += 1
        st.languages.add(f.language)
        t = f.time or self.clock
        if t is not None:
            st.first = min(st.first, t)
            st.last = max(st.last, t)
        self._touch(st)

    def _touch(self, st: StoryState) -> None:
        st.changed()
        heapq.heappush(self._heap, (st.last, st.key))
        self._index_put(st)

    def _merge_from(self, key: int) -> list[tuple[int, int]]:
        merged: list[tuple[int, int]] = []
        assert self.model.merge_threshold is not None
        while True:
            st = self.stories[key]
            others = self.candidates(st.centroid, exclude=key)
            if not others:
                return merged
            x = np.stack([self.story_features(st, self.stories[o]) for o in others])
            p = self.model.prob(x)
            best = int(np.argmax(p))
            if p[best] < self.model.merge_threshold:
                return merged
            other = self.stories[others[best]]
            kept, gone = (st, other) if (st.size, -st.key) >= (other.size, -other.key) else (other, st)
            self._absorb(kept, gone)
            merged.append((kept.key, gone.key))
            key = kept.key

    def _absorb(self, kept: StoryState, gone: StoryState) -> None:
        kept.vec_sum = kept.vec_sum + gone.vec_sum
        kept.vectors = (kept.vectors + gone.vectors)[-MAX_MEMBER_VECTORS:]
        kept.names.update(gone.names)
        for lang, words in gone.words.items():
            kept.words.setdefault(lang, Counter()).update(words)
        kept.size += gone.size
        kept.languages |= gone.languages
        kept.first = min(kept.first, gone.first)
        kept.last = max(kept.last, gone.last)
        del self.stories[gone.key]
        self._index_drop(gone.key)
        self._touch(kept)

    def restore(self, key: int, members: list[ArticleFeatures]) -> None:
        """Rebuild one active story from its stored members (oldest first) after a restart."""
        st: StoryState | None = None
        for f in members:
            if st is None:
                self.open_story(f, key)
                st = self.stories[key]
            else:
                self._join(key, f)


def cluster_stream(features: list[ArticleFeatures], model: Model | None = None, **kw: Any) -> list[int]:
    """Story labels for a stream (in the given order), merges applied: the in-memory path the bench uses."""
    c = OnlineClusterer(model, **kw)
    label: list[int] = []
    parent: dict[int, int] = {}
    for f in features:
        d = c.add(f)
        label.append(d.story)
        for kept, gone in d.merged:
            parent[gone] = kept

    def root(k: int) -> int:
        while k in parent:
            k = parent[k]
        return k

    return [root(k) for k in label]
