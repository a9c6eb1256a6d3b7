"""The "same fact" decision: a calibrated pair model over cheap, language-independent features.

For two articles, every claim pair gets a feature vector: cosine of two multilingual encoders,
the cosine's *margin* over each claim's nearest neighbours (bitext mining's trick: a pair that
stands out from both claims' other candidates is a translation or paraphrase, whatever the raw
cosine's scale in that language pair), ranks, shared numbers, shared names (fuzzy, accent- and
case-blind, so that "Poutine" meets "Putin"), shared measured things, figures and dates as the
language modules read them ("neuf morts" meets "9 dead", "150 minutes" meets "2.5 hours": on the dev
cases the out-of-fold average precision is about 0.34 without them, 0.43 with), story-IDF word overlap, and
where the claims sit in their articles. A logistic model (weights in ``models/samefact.json``, fitted by
``training/fit_samefact.py`` with cross-validation grouped by case) turns them into the
probability that both claims report the same fact, agreeing or not.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

from .doc import Claim
from .text import strip_accents

if TYPE_CHECKING:
    from .cues import ClaimCues

FEATURES = (
    "cos_use", "cos_e5", "margin_use", "margin_e5", "top_use", "top_e5", "mutual",
    "cos_sentence", "margin_sentence", "cos_context", "margin_context", "lexical",
    "names", "names_only_one", "numbers", "numbers_clash", "measured", "figures", "dates",
    "position", "length", "same_language", "bias",
)
_SAME_LANGUAGE = FEATURES.index("same_language")
MARGIN_K = 3  # neighbours averaged for the margin
# A short article has fewer than MARGIN_K neighbours: the missing ones count as a typical good
# neighbour, the 90th percentile of cross-article claim cosines (measured on the dev cases by
# training/fit_samefact.py, which prints it), so that one-sentence articles are not all "margins of 1".
BACKGROUND = {"use": 0.35, "e5": 0.84}

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"(?<![\w])[A-ZÀ-ÖØ-ÞĀ-ſ][\w'’-]+")
_WORD = re.compile(r"[^\W\d_]{3,}")


@dataclass(frozen=True)
class ClaimSketch:
    """What the pair features read of one claim, computed once."""

    numbers: frozenset[str]
    names: frozenset[str]
    words: frozenset[str]
    position: float  # 0 = first claim of the article, 1 = last
    length: int
    # from the claim's cues (factdiff.cues.ClaimCues), whatever the language or the way a figure is written:
    measured: frozenset[str] = frozenset()  # what its figures measure, (dimension, unit): "9 dead" / "neuf morts"
    figures: frozenset[str] = frozenset()  # its figures' values with their dimension: "2.5 h" / "150 minutes"
    dates: frozenset[str] = frozenset()  # its days of the month, weekdays and clock times


def _name_key(token: str) -> str:
    """Names compared by their first five letters without accents: inflections and exonyms meet
    ("Putins" / "Putin", "Ronaldos" / "Ronaldo", "Moskau" / "Moscou" do not, which is safe)."""
    return strip_accents(token.lower())[:5]


def _number_key(token: str) -> str:
    digits = re.sub(r"[.,](?=\d{3}\b)", "", token)  # 11.000 / 11,000 -> 11000
    return digits.replace(",", ".").rstrip("0").rstrip(".") if "." in digits or "," in digits else digits


def sketch(claims: list[Claim], cues: list[ClaimCues] | None = None) -> list[ClaimSketch]:
    n = max(len(claims) - 1, 1)
    out = []
    for k, c in enumerate(claims):
        measured, figures, dates = _cue_terms(cues[k]) if cues is not None else (frozenset(),) * 3
        text = c.text
        starts = {m.start() for m in re.finditer(r"(?:^|[.!?:;]\s+|[\"“«(]\s*)\S", text)}
        names = {_name_key(m.group()) for m in _NAME.finditer(text) if m.start() not in starts or len(m.group()) > 3}
        out.append(ClaimSketch(
            numbers=frozenset(_number_key(m.group()) for m in _NUMBER.finditer(text)),
            names=frozenset(x for x in names if len(x) >= 3),
            words=frozenset(strip_accents(w.lower())[:6] for w in _WORD.findall(text)),
            position=k / n,
            length=len(text),
            measured=measured, figures=figures, dates=dates,
        ))
    return out


def _cue_terms(cues: ClaimCues) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """What a claim measures, its figures and its dates, as terms two claims can share."""
    qs = cues.quantities
    d = cues.dates
    return (frozenset(f"{q.dimension}:{q.unit}" for q in qs),
            frozenset(f"{q.dimension}:{q.value:.6g}" for q in qs),
            frozenset([f"d{m}-{day}" for m, day in d.days] + [f"w{w}" for w in d.weekdays]
                      + [f"c{t}" for t in d.clock]))


def _idf(sketches: list[list[ClaimSketch]], attr: str) -> dict[str, float]:
    counts: dict[str, int] = {}
    total = 0
    for doc in sketches:
        for s in doc:
            total += 1
            for x in getattr(s, attr):
                counts[x] = counts.get(x, 0) + 1
    return {x: math.log((total + 1) / (k + 0.5)) for x, k in counts.items()}


def _margin(cos: np.ndarray, background: float) -> np.ndarray:
    """cos(a, b) over the mean of each side's k best cosines (ratio margin, Artetxe & Schwenk 2019)."""
    k_a, k_b = min(MARGIN_K, cos.shape[1]), min(MARGIN_K, cos.shape[0])
    top_a = (-np.sort(-cos, axis=1)[:, :k_a].sum(axis=1) + (MARGIN_K - k_a) * background) / MARGIN_K
    top_b = (-np.sort(-cos, axis=0)[:k_b, :].sum(axis=0) + (MARGIN_K - k_b) * background) / MARGIN_K
    denom = (top_a[:, None] + top_b[None, :]) / 2
    return cos / np.maximum(denom, 1e-3)


def _top(cos: np.ndarray) -> np.ndarray:
    """1 where b is a's best match or a is b's best match, 0.5 where second, else 0."""
    rank_a = (cos[:, :, None] < cos[:, None, :]).sum(axis=2) if cos.shape[1] <= 400 else \
        np.argsort(np.argsort(-cos, axis=1), axis=1)
    rank_b = (cos.T[:, :, None] < cos.T[:, None, :]).sum(axis=2).T if cos.shape[0] <= 400 else \
        np.argsort(np.argsort(-cos, axis=0), axis=0)
    best = np.minimum(rank_a, rank_b)
    return np.where(best == 0, 1.0, np.where(best == 1, 0.5, 0.0))


def features(ca: list[Claim], cb: list[Claim], sa: list[ClaimSketch], sb: list[ClaimSketch],
             use: tuple[np.ndarray, np.ndarray], e5: tuple[np.ndarray, np.ndarray] | None,
             idf: dict[str, dict[str, float]], sentence: tuple[np.ndarray, np.ndarray],
             context: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """(len(ca), len(cb), len(FEATURES)) feature tensor for one pair of articles.

    ``use``/``e5``: claim vectors; ``sentence``: the vector of each claim's whole sentence;
    ``context``: that sentence with half of the one before (which event a split-off claim or a
    "it lasted two hours" belongs to)."""
    cu = use[0] @ use[1].T
    ce = e5[0] @ e5[1].T if e5 is not None else cu
    out = np.zeros((len(ca), len(cb), len(FEATURES)), dtype=np.float32)
    col = {name: k for k, name in enumerate(FEATURES)}
    out[..., col["cos_use"]] = cu
    out[..., col["cos_e5"]] = ce
    out[..., col["margin_use"]] = _margin(cu, BACKGROUND["use"])
    out[..., col["margin_e5"]] = _margin(ce, BACKGROUND["e5"] if e5 is not None else BACKGROUND["use"])
    out[..., col["top_use"]] = _top(cu)
    out[..., col["top_e5"]] = _top(ce)
    both = cu + ce
    out[..., col["mutual"]] = (both == both.max(axis=1, keepdims=True)) & (both == both.max(axis=0, keepdims=True))
    for name, (xa, xb) in (("sentence", sentence), ("context", context)):
        cs = xa @ xb.T
        out[..., col[f"cos_{name}"]] = cs
        out[..., col[f"margin_{name}"]] = _margin(cs, BACKGROUND["use"])
    same_lang = float(bool(ca and cb and ca[0].language == cb[0].language))
    wi, ni = idf["words"], idf["names"]
    # IDF-weighted overlap (Dice) of each pair's words and names: the weight the two claims share over the
    # mean of their weights, every pair at once
    for name, attr, weights in (("lexical", "words", wi), ("names", "names", ni)):
        terms_a, terms_b = [getattr(x, attr) for x in sa], [getattr(y, attr) for y in sb]
        shared = _shared_weight(terms_a, terms_b, weights)
        totals = _totals(terms_a, weights)[:, None] + _totals(terms_b, weights)[None, :]
        out[..., col[name]] = np.divide(2 * shared, totals, out=np.zeros_like(shared), where=shared > 0)
    has_a = np.array([bool(x.names) for x in sa])
    has_b = np.array([bool(y.names) for y in sb])
    out[..., col["names_only_one"]] = has_a[:, None] != has_b[None, :]
    num_a, num_b = [x.numbers for x in sa], [y.numbers for y in sb]
    common = _shared_weight(num_a, num_b, {}) > 0
    out[..., col["numbers"]] = common
    out[..., col["numbers_clash"]] = np.array([bool(x) for x in num_a])[:, None] & \
        np.array([bool(y) for y in num_b])[None, :] & ~common
    for name in ("measured", "figures", "dates"):  # a shared term, however each language writes it
        out[..., col[name]] = _shared_weight([getattr(x, name) for x in sa], [getattr(y, name) for y in sb], {}) > 0
    pos_a, pos_b = np.array([x.position for x in sa]), np.array([y.position for y in sb])
    out[..., col["position"]] = np.abs(pos_a[:, None] - pos_b[None, :])
    len_a, len_b = np.array([x.length for x in sa], float), np.array([y.length for y in sb], float)
    out[..., col["length"]] = np.abs(np.log((len_a[:, None] + 20) / (len_b[None, :] + 20)))
    out[..., col["same_language"]] = same_lang
    out[..., col["bias"]] = 1.0
    return out


def _totals(sets: list[frozenset[str]], weights: dict[str, float]) -> np.ndarray:
    """Each set's summed weight (a term without one weighs 1)."""
    return np.array([sum(weights.get(t, 1.0) for t in x) for x in sets], dtype=np.float64)


def _shared_weight(xa: list[frozenset[str]], xb: list[frozenset[str]], weights: dict[str, float]) -> np.ndarray:
    """(len(xa), len(xb)): the summed weight of the terms each pair of sets shares (a term without a weight
    weighs 1). One block update per term the two sides share, not one Python step per pair: a long article
    has thousands of claims."""
    out = np.zeros((len(xa), len(xb)), dtype=np.float64)
    where_b: dict[str, list[int]] = {}
    for j, y in enumerate(xb):
        for t in y:
            where_b.setdefault(t, []).append(j)
    where_a: dict[str, list[int]] = {}
    for i, x in enumerate(xa):
        for t in x:
            if t in where_b:
                where_a.setdefault(t, []).append(i)
    for t, rows in where_a.items():
        out[np.ix_(rows, where_b[t])] += weights.get(t, 1.0)
    return out


def story_idf(sketches: list[list[ClaimSketch]]) -> dict[str, dict[str, float]]:
    return {attr: _idf(sketches, attr) for attr in ("words", "names")}


@dataclass(frozen=True)
class SameFactModel:
    weights: np.ndarray  # one per feature, ``bias`` included
    mean: np.ndarray
    scale: np.ndarray
    meta: dict[str, Any]
    # (knot, weight): across languages, the logit gains weight * (cos_use - knot) above the knot. The dev cases
    # (reports by different outlets) hold no pair as close as a sentence and its translation, so the weights above
    # say nothing of that range; this term is fitted on translations (training/fit_samefact.py, MEANTIME) on top
    # of them. Within one language, sentences about one person or place are that close without being one fact
    # ("X ran for president in 2008" / "X was governor from 1996 to 2007"), so it does not apply there
    close: tuple[float, float] | None = None

    def probability(self, feats: np.ndarray) -> np.ndarray:
        z = ((feats - self.mean) / self.scale) @ self.weights
        if self.close is not None:
            knot, weight = self.close
            across = feats[..., _SAME_LANGUAGE] < 0.5
            z = z + np.where(across, weight * np.maximum(feats[..., 0] - knot, 0.0), 0.0)
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def to_json(self) -> dict[str, Any]:
        out = {"features": list(FEATURES), "weights": self.weights.round(6).tolist(),
               "mean": self.mean.round(6).tolist(), "scale": self.scale.round(6).tolist()}
        if self.close is not None:
            out["close"] = {"feature": FEATURES[0], "knot": round(self.close[0], 4),
                            "weight": round(self.close[1], 4)}
        return out | {"meta": self.meta}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SameFactModel:
        if list(data["features"]) != list(FEATURES):
            raise ValueError("the same-fact model was fitted on other features; refit it "
                             "(python training/fit_samefact.py)")
        close = data.get("close")
        if close and close.get("feature", FEATURES[0]) != FEATURES[0]:
            raise ValueError("the same-fact model's close-pair term reads another feature; refit it "
                             "(python training/fit_samefact.py --close-only)")
        return cls(np.asarray(data["weights"], np.float64), np.asarray(data["mean"], np.float64),
                   np.asarray(data["scale"], np.float64), dict(data.get("meta", {})),
                   (float(close["knot"]), float(close["weight"])) if close else None)


ENCODERS = ("use", "use+e5")  # which sentence encoders feed the features; one fitted model each


@functools.cache
def load_model(encoders: str = "use") -> SameFactModel:
    """The shipped model for ``encoders`` (models/samefact.json), loaded once per process.

    With ``"use"`` alone the e5 columns repeat the USE ones (``features(e5=None)``), and the model
    was fitted that way."""
    if encoders not in ENCODERS:
        raise ValueError(f"unknown encoders {encoders!r}; choose one of {', '.join(ENCODERS)}")
    text = resources.files("factdiff").joinpath("models/samefact.json").read_text(encoding="utf-8")
    return SameFactModel.from_json(json.loads(text)["models"][encoders])
