"""Article similarity: do two reports tell the same story?

Each article is summarised once into an :class:`ArticleProfile` (claim vectors, entity keys,
numbers, content words, title vector); :func:`similarity` then compares two profiles with a
handful of cheap features (one small matrix product and a few set overlaps, well under a
millisecond for 60 claims a side), so that all pairs over hundreds of articles stay cheap.

The features are combined linearly with weights fitted on the SemEval-2022 Task 8 sample
(``../shared/data/semeval_t8``, target ``(4 - Overall) / 3``) by least squares; the
benchmark reports only held-out cross-validation folds. Refit with ``python -m bench semeval
--fit`` (prints the constants to paste into ``WEIGHTS`` below). What carries the score is
``story_x`` = the best of title-title, body-body (content centroid) and title-body cosines:
either the headlines or the bodies agree, which survives a useless headline or a scraped stub
body; ``gist`` (a position-weighted body vector plus half the title) adds the lead's weight and
``centroid`` enters negatively, pulling down pairs whose whole bodies share only a topic
(held-out Pearson 0.81 with USE against 0.64 for plain mean-pooled vectors; see
docs/EVALUATION.md). Word overlap is deliberately not used: it is meaningless across languages
and, gated to same-language pairs, got a negative or near-zero weight on SemEval and cost BASIL
retrieval in every combination tried.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from factdiff.doc import Document
from factdiff.text import strip_accents

# Feature order used by WEIGHTS; see features() for their definitions.
FEATURES = (
    "coverage",
    "aligned",
    "centroid",
    "title",
    "entities",
    "numbers",
    "lexical",
    "lead",
    "best5",
    "story",
    "story_x",
    "gist",
)
LEAD_CLAIMS = 5  # the lead: title + first claims, where a news story says what it is about
BEST_K = 5
# The gist vector: content claims weighted 1 / (1 + i / GIST_DECAY) by position i (the inverted
# pyramid: early claims say what the story is, later ones add colour), plus GIST_TITLE x title.
# Not tuned finely: decay 1..5 and title weight 0.25..0.75 all give held-out Pearson 0.807..0.812.
GIST_DECAY = 3.0
GIST_TITLE = 0.5

# Features each backend's model uses (chosen by cross-validated Pearson on the SemEval sample,
# from a search over subsets of up to 4 features, with BASIL retrieval as a veto; the others get
# weight 0).
USED: dict[str, tuple[str, ...]] = {
    "use": ("centroid", "story_x", "gist"),
    "e5": ("title", "entities", "lead"),
}
# Fitted by `python -m bench semeval --fit` on all 110 SemEval sample pairs (first 30 sentences
# + title per article, factdiff.text sentences); intercept first, then one weight per feature in FEATURES order.
WEIGHTS: dict[str, tuple[float, ...]] = {
    "use": (-0.1527, 0.0, 0.0, -0.6361, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.4141, 0.3857),
    "e5": (-1.9107, 0.0, 0.0, 0.0, 2.0359, 0.3579, 0.0, 0.0, 0.6018, 0.0, 0.0, 0.0, 0.0),
}
# Cosine above which a claim counts as told by the other article (per backend: e5's cosines
# sit much higher than USE's for unrelated text).
ALIGN_THRESHOLD: dict[str, float] = {"use": 0.55, "e5": 0.86}
# Not fitted (no gold data has contradiction counts): each contradiction found between the
# two articles marks a pair of aligned claims that do not tell the same thing; small nudge.
CONTRADICTION_PENALTY = 0.02
MAX_CONTRADICTION_PENALTY = 0.1

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"\b[A-ZÀ-ÖØ-ÞĄĆĘŁŃÓŚŹŻ][\w'’-]*(?:\s+(?:[A-ZÀ-ÖØ-ÞĄĆĘŁŃÓŚŹŻ][\w'’-]*))*", re.UNICODE)
# Capitalised words that are not names: sentence starters and function words in en/de/es/fr/pl.
_NOT_NAMES = frozenset(
    """
    the a an and but or if in on at of for to from by with as this that these those it its he she
    they we you i his her their our my there here when where what who why how after before while
    also however mr mrs ms dr monday tuesday wednesday thursday friday saturday sunday said says
    der die das ein eine und oder aber in im am auf von mit für zu es er sie wir ich nach vor
    el la los las un una y o pero en de del con por para es lo se su al
    le les une et ou mais dans du des au aux pour par avec ce il elle ils nous
    w z i na do od po się nie to jest że jak
    """.split()
)
# Page furniture that scraped articles carry; such lines stay out of the article's centroid.
_BOILERPLATE = re.compile(
    r"advertis|read more|sign up|newsletter|cookie|subscribe|photo:|image \d|getty|copyright|all rights"
    r"|click|©|follow us|share this",
    re.IGNORECASE,
)
_MIN_CONTENT_WORDS = 6
# Short content words are mostly function words in the five languages we see.
_MIN_WORD = 4


def fold(text: str) -> str:
    """Lowercase and strip accents so that Zelenskyy/Zélensky-style variants meet."""
    return strip_accents(text.lower())


def extract_names(text: str) -> set[str]:
    """Capitalised word runs as lowercase keys: a spaCy-free stand-in for named entities."""
    names: set[str] = set()
    for m in _NAME.finditer(text):
        words = [w for w in m.group(0).split() if fold(w) not in _NOT_NAMES]
        if words:
            names.add(fold(" ".join(words)))
    return names


def extract_numbers(text: str) -> set[str]:
    """Numbers as written without separators; single digits are too common to tell stories apart."""
    out: set[str] = set()
    for m in _NUMBER.finditer(text):
        digits = re.sub(r"[.,]", "", m.group(0))
        if len(digits) >= 2:
            out.add(digits.lstrip("0") or "0")
    return out


def content_words(text: str) -> Counter[str]:
    """Counts of folded words of at least four letters (a cheap, language-agnostic filter)."""
    words = (fold(w) for w in _WORD.findall(text))
    return Counter(w for w in words if len(w) >= _MIN_WORD and w not in _NOT_NAMES)


def name_keys(names: set[str]) -> set[str]:
    """Each name and its words as 5-letter stems, so 'Putin'/'Putina' and 'Bennett'/'Naftali Bennett' meet."""
    keys: set[str] = set()
    for name in names:
        for word in fold(name).split():
            if len(word) >= 3 and word not in _NOT_NAMES:
                keys.add(word[:5])
    return keys


@dataclass
class ArticleProfile:
    """What similarity() needs of one article, computed once."""

    doc: str
    language: str
    claims: list[str]
    vectors: np.ndarray  # (n, d), L2-normalised rows, one per claim
    entities: set[str]  # lowercase, accent-folded entity names
    numbers: set[str]
    words: Counter[str] = field(default_factory=Counter)
    title_vector: np.ndarray | None = None  # (d,), normalised; None when the article has no title
    backend: str = "use"
    entity_keys: set[str] = field(default_factory=set)
    centroid: np.ndarray | None = None  # normalised mean of the content claims (not captions, buttons)
    lead: np.ndarray | None = None  # normalised mean of the title and the first LEAD_CLAIMS claims
    gist: np.ndarray | None = None  # position-weighted content claims + GIST_TITLE x title, normalised
    word_weights: dict[str, float] = field(default_factory=dict)  # 1 + log(count), precomputed
    word_norm: float = 0.0


def build_profile(
    doc: Document,
    claims: list[str],
    vectors: np.ndarray,
    entity_names: set[str] | None = None,
    title_vector: np.ndarray | None = None,
    backend: str = "use",
) -> ArticleProfile:
    """Summarise one article; ``entity_names`` None falls back to capitalised-word extraction.

    ``title_vector`` None with a non-empty ``doc.title`` encodes the title with ``backend``'s
    embedder (already loaded by whoever made ``vectors``): the title is the strongest single
    cue of which story an article tells.
    """
    if title_vector is None and doc.title.strip() and len(claims):
        title_vector = _encode_title(doc.title, backend)
    vectors = (
        np.asarray(vectors, dtype=np.float32).reshape(len(claims), -1)
        if claims
        else (np.zeros((0, vectors.shape[-1] if vectors.ndim == 2 else 1), dtype=np.float32))
    )
    body = " ".join(claims)
    names = {fold(n) for n in entity_names} if entity_names is not None else extract_names(doc.title + "\n" + body)
    words = content_words(doc.title + " " + body)
    weights = _log_tf(words)
    centroid = lead = gist = None
    if len(vectors):
        content = [i for i, c in enumerate(claims) if _is_content(c)] or list(range(len(claims)))
        centroid = _unit(vectors[content].mean(axis=0))
        decay = 1.0 / (1.0 + np.arange(len(content), dtype=np.float32) / GIST_DECAY)
        gist_sum = (vectors[content] * decay[:, None]).sum(axis=0) / float(decay.sum())
        if title_vector is not None:
            gist_sum = gist_sum + GIST_TITLE * np.asarray(title_vector, dtype=np.float32)
        gist = _unit(gist_sum)
        head = vectors[:LEAD_CLAIMS]
        if title_vector is not None:
            head = np.vstack([head, title_vector[None, :]])
        lead = _unit(head.mean(axis=0))
    return ArticleProfile(
        doc=doc.id,
        language=doc.language,
        claims=list(claims),
        vectors=vectors,
        entities=names,
        numbers=extract_numbers(doc.title + "\n" + body),
        words=words,
        title_vector=title_vector,
        backend=backend,
        entity_keys=name_keys(names),
        centroid=centroid,
        lead=lead,
        gist=gist,
        word_weights=weights,
        word_norm=math.sqrt(sum(v * v for v in weights.values())),
    )


def _is_content(claim: str) -> bool:
    """A claim that says something, not a caption, button or newsletter line."""
    return len(claim.split()) >= _MIN_CONTENT_WORDS and not _BOILERPLATE.search(claim)


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / max(float(np.linalg.norm(v)), 1e-9)).astype(np.float32)


def _encode_title(title: str, backend: str) -> np.ndarray | None:
    try:
        from factdiff.embed import get_embedder

        return np.asarray(get_embedder(backend).encode([" ".join(title.split())])[0], dtype=np.float32)
    except Exception:  # noqa: BLE001 - no title vector is a weaker profile, not an error
        return None


def _log_tf(words: Counter[str]) -> dict[str, float]:
    return {w: 1.0 + math.log(c) for w, c in words.items()}


def _overlap(a: set[str], b: set[str]) -> float:
    """Share of the smaller set found in the other: a short article fully inside a long one scores 1."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def features(a: ArticleProfile, b: ArticleProfile) -> np.ndarray:
    """The feature vector (FEATURES order), each roughly in [0, 1]."""
    out = np.zeros(len(FEATURES), dtype=np.float64)
    if len(a.vectors) and len(b.vectors):
        sims = a.vectors @ b.vectors.T
        best_a, best_b = sims.max(axis=1), sims.max(axis=0)
        out[0] = (float(best_a.mean()) + float(best_b.mean())) / 2
        tau = ALIGN_THRESHOLD.get(a.backend, 0.6)
        out[1] = (float((best_a >= tau).mean()) + float((best_b >= tau).mean())) / 2
        k_a, k_b = min(BEST_K, len(best_a)), min(BEST_K, len(best_b))
        out[8] = (float(np.sort(best_a)[-k_a:].mean()) + float(np.sort(best_b)[-k_b:].mean())) / 2
    if a.centroid is not None and b.centroid is not None:
        out[2] = float(a.centroid @ b.centroid)
    ta = a.title_vector if a.title_vector is not None else (a.vectors[0] if len(a.vectors) else None)
    tb = b.title_vector if b.title_vector is not None else (b.vectors[0] if len(b.vectors) else None)
    if ta is not None and tb is not None:
        out[3] = float(ta @ tb)
    # Either the headlines or the bodies agree: robust to a useless headline or a stub body.
    out[9] = max(out[2], out[3])
    # The same, also letting one article's headline meet the other's body (a stub page's title
    # against a full report's content).
    out[10] = out[9]
    if ta is not None and tb is not None and a.centroid is not None and b.centroid is not None:
        out[10] = max(out[9], float(ta @ b.centroid), float(tb @ a.centroid))
    if a.gist is not None and b.gist is not None:
        out[11] = float(a.gist @ b.gist)
    out[4] = _overlap(a.entity_keys, b.entity_keys)
    out[5] = _overlap(a.numbers, b.numbers)
    if a.word_norm and b.word_norm:
        wa, wb = a.word_weights, b.word_weights
        small, big = (wa, wb) if len(wa) < len(wb) else (wb, wa)
        dot = sum(v * big[w] for w, v in small.items() if w in big)
        out[6] = dot / (a.word_norm * b.word_norm)
    if a.lead is not None and b.lead is not None:
        out[7] = float(a.lead @ b.lead)
    return out


def score_features(x: np.ndarray, backend: str = "use") -> float:
    """Apply the shipped linear weights and clip to [0, 1]."""
    w = WEIGHTS.get(backend, WEIGHTS["use"])
    return float(min(1.0, max(0.0, w[0] + float(np.dot(w[1:], x)))))


def similarity(a: ArticleProfile, b: ArticleProfile, contradictions: int = 0) -> float:
    """In [0, 1], higher = the two articles tell more of the same story; symmetric."""
    score = score_features(features(a, b), a.backend)
    penalty = min(MAX_CONTRADICTION_PENALTY, CONTRADICTION_PENALTY * max(0, contradictions))
    return max(0.0, score - penalty)
