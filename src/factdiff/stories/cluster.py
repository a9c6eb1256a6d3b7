"""Online story clustering: each article, in publication order, joins its best story or opens one.

Candidates come from an index, never from a scan of every story: only *active* stories (last
article within ``window`` of the stream clock) are indexed (``stories/index.py``: their centroids
in one matrix scanned in one pass while there are few, a graph index beyond ``index.EXACT_MAX``),
and the ``top_k`` nearest by cosine are scored. Older stories stop attracting and leave the index
(a heap on last activity), so the cost per article depends on the stories active in the window,
not on the size of the store.

Scoring a story costs the same however large it grows: a story keeps its ``members`` (K, default
``MEMBERS``) most recent members for the closest-member features (their vectors, and their words
laid end to end per language for one vectorised pass), while its centroid and name counts are
running sums over every member. A story-to-story merge check scores the smaller story's
``Model.merge_members`` most recent members against those K.

A candidate is scored by a logistic model over a few features (``FEATURES``): cosine to the
story's centroid and to its closest member (multilingual title+lead vectors); the margin of the
latter over the mean of the article's other candidates; the share of the article's rare names
and figures the story has (IDF-weighted, document frequencies counted online: a topic-mate shares
the names, seldom the figures; with the story model's ``names_by_share``, each shared name counts by the
share of the story's articles that have it, so that a large story does not draw every article that names
someone one of its members mentioned in passing); the IDF-weighted cosine of
the article's words with its closest member *in the same language*, and its margin over the
other candidates; the time gap between publication dates (0, unknown, where the article or the story has none:
an undated article is placed at the stream clock, which says nothing about when it was written). The margins
make the decision carry over between streams whose absolute cosines do not compare: where many active
stories share a topic, closeness alone means little; where the window holds one related story, it means much.
The two cosines are read relative to the stream's closeness (``CLOSENESS_HISTORY``: the median of the recent
articles' best closest-member cosines), for the same reason across streams: translations and wire copies of one
story are far closer than independent reports of one event, and a cosine that means "same story" in a stream of
independent reports means "same topic" in one of translations.

Words mean nothing across languages: where the story has no article in the article's language,
a second model fitted without the word features (``cross_coef``) scores it, so a missing feature
is neither evidence for nor against. A model may carry a word floor (``words_floor``): where
words can be compared, a story that shares fewer of them is not joined, however close the
vectors (applied where the article has two candidate stories or more). The shipped model has
none: the word features weigh in the model like the others, and the hard cut split long articles
told from other angles from their story (every story is a candidate in an undated stream), for
a gain of at most 0.005 B-cubed F1 on the event-level sets. Story size is deliberately not a
feature: every public data set caps its stories at a few articles, and a model would learn that
cap.

The article joins the best candidate when P(same story) passes the fitted threshold; after a
join, the grown story merges with another of the stories the article was scored against (the
article is what brought them together; no second index search) when the same model, applied
story to story (the mean of the smaller story's members scored against the larger), passes the
(stricter) merge threshold. Which of those stories the merge check scores is the model's
``merge_scope``: every one, or (the story model) only those the article could have joined too.

Then the split step (a model's ``split_below``; the story model has one): joins and merges only ever grow a story, so
a story that gathered two related events (an article of the second joined the first's story, and the second's
articles followed it) would stay one. After each join, a story of ``SPLIT_MIN`` members or more that keeps every
member is cut in two by 2-means over its member vectors, and split where the model, story to story as in a merge check,
scores the halves under ``split_below``: the half with the new article keeps the story's id, the other becomes a new
story (``Decision.splits``, each listing the ``Member.ref`` of the articles it moved). The halves are scored by the
model's ``split_model`` where it has one (the story model does): weights of their own over the same features, fitted on
halves and pairs of stories rather than on articles against stories, since two halves of one topic are close by
construction and what tells two events apart is the names and words they share.
The weights and the thresholds are fitted by ``python -m
bench.stories --fit`` on public data only and shipped in ``model.json`` (the threshold pair at the
centre of the grid pairs whose training scores tie with the best, ``bench.stories._choose``);
``python -m bench stories`` reports the fit out-of-sample (leave one data set out).

The topic layer (``factdiff stories --level topic``) is a second clusterer over the same article features with
its own model (``topic_model.json``), fitted the same way on data sets whose gold groups are topics of many
events; ingest keeps it in ``OnlineClusterer.topics``.
"""

from __future__ import annotations

import heapq
import json
import math
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from .features import ArticleFeatures
from .index import EXACT_MAX, CentroidIndex

FEATURES = ("cos_centroid", "cos_max", "margin", "names", "words", "words_margin", "gap_days")
WORDS = FEATURES.index("words")
WORD_FEATURES = (WORDS, FEATURES.index("words_margin"))
# the model for a story with no article in the article's language: words cannot be compared
CROSS_FEATURES = tuple(f for i, f in enumerate(FEATURES) if i not in WORD_FEATURES)
MODEL_PATH = Path(__file__).resolve().parent / "model.json"
# the topic layer: the same clusterer and features, with a model fitted on data sets whose gold groups are topics of
# many events (``factdiff stories --level topic``)
TOPIC_MODEL_PATH = Path(__file__).resolve().parent / "topic_model.json"
WINDOW_DAYS = 7.0  # a story that got no article for a week stops attracting new ones
TOP_K = 10
# K: the most recent members a story keeps (and scores) for the closest-member cosine and the word cosine;
# older members live on in the story's running sums (centroid, names) only, so the cost of scoring a story
# is bounded however large it grows
MEMBERS = 32
# with a model's ``margin_background``, the margins compare a candidate with at least this many others; missing
# ones count as a typical unrelated candidate: the mean cosine (closest member; words) of the candidates that are
# not the article's story, averaged over the six public streams' teacher-forced rows (python
# bench/stories_background.py: closest member 0.33, words 0.06)
MARGIN_OTHERS = 3
MARGIN_BACKGROUND = {"cos_max": 0.33, "words": 0.06}
# the smaller story's most recent members scored in a story-to-story merge check, for a model that does not say
# (``Model.merge_members``; the fit sets it per layer, bench/stories.py MERGE_MEMBERS)
MERGE_MEMBERS = 8
# The stream's closeness (a model's ``closeness_quantile``): how close an article's nearest story usually is in
# *this* stream, a running quantile of each article's best closest-member cosine over the last
# ``CLOSENESS_HISTORY`` articles that had a candidate (no labels). The two cosine features are read relative to it:
# story-mates are far closer in a stream of translations or wire copies (median 0.90 on MEANTIME) than in one of
# independent reports (0.78 on BASIL), so an absolute cosine that means "same story" in one means "same topic" in
# the other. Before ``CLOSENESS_MIN_SEEN`` articles, the level is ``CLOSENESS_PRIOR``.
# Candidates without an article in the article's language can be read against a closeness of their own: the
# embedding puts independent reports of one event in two languages further apart than two in one language (on the
# BASIL + dev events stream of the stories bench, a later article's cosine with its own event's story has a median
# of 0.57 across languages, against a stream closeness of 0.77: python bench/stories_dev.py), so against the
# same-language level every cross-language story-mate looked unrelated. Each article with a cross-language
# candidate adds its best cross-language cosine to a second history (``closeness_cross``); streams in one language
# never use it. A model says whether it reads cross-language candidates so (``Model.cross_closeness``); the shipped
# one does: out of sample (python bench/stories_exp.py base against nocross) BASIL + dev events 0.942 -> 0.966
# B-cubed F1, every other row of the stories bench the same.
CLOSENESS_HISTORY = 1000
# the split step (``Model.split_below``) checks a story once it has this many members: two halves of two or more
SPLIT_MIN = 4
SPLIT_ROUNDS = 10  # at most this many rounds of 2-means
CLOSENESS_MIN_SEEN = 10
CLOSENESS_PRIOR = 0.6
# An article with fewer words than a model's ``min_words`` compares no words with any story: its candidates are
# read by the model without the word features, as stories in another language are. A headline without its text
# (a feed of titles) has a handful of words (the UCI headlines: at most 12), a text's opening a hundred or more
# (BASIL, MEANTIME, wikiref220: at least 39); HEADLINE_WORDS sits between the two. The topic layer's fit reads
# headlines so (bench/stories.py MIN_WORDS): its full model then learns the word weights from texts only, where
# fitted with UCI's headlines among texts it had learned that words barely count (ECB+ topic out of sample 0.753
# -> 0.792 B-cubed F1, UCI 0.799 -> 0.781, wikiref220 0.895 -> 0.894: python bench/stories_exp.py noheadline --topic
# against base --topic)
HEADLINE_WORDS = 15
_COSINES = [FEATURES.index("cos_centroid"), FEATURES.index("cos_max")]


@dataclass
class Model:
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    merge_threshold: float | None = None  # None: no merge step
    meta: dict[str, Any] = field(default_factory=dict)
    cross_coef: tuple[float, ...] | None = None  # over CROSS_FEATURES; None: words missing count as 0
    cross_intercept: float = 0.0
    words_floor: float = 0.0  # a story with articles in the language but fewer shared words than this: P = 0
    # True: the margins count missing candidates (below MARGIN_OTHERS) as a typical unrelated one; False: a lone
    # candidate's margin is its whole cosine (the fit chooses, by B-cubed F1 on its training streams)
    margin_background: bool = False
    # the quantile of the stream's closeness (CLOSENESS_HISTORY) subtracted from the two cosine features;
    # None: the cosines as they are
    closeness_quantile: float | None = None
    # the names feature, article against story: each shared name counts by the share of the story's articles that
    # have it, against its most common name (a name one member of a large story mentioned in passing counts
    # little); False: a shared name counts whole
    names_by_share: bool = False
    # what the margins subtract from a candidate's cosine: "mean", the mean of the article's other candidates;
    # "runner_up", the best other candidate (the best candidate stands out by its lead over the second, every other
    # candidate by its distance below the best), so that an article close to nothing in particular, the first of a
    # new event, does not stand out just by being less far from one story than from the rest
    margin_over: str = "mean"
    # a merge check scores the smaller story's this many most recent members against the larger one
    merge_members: int = MERGE_MEMBERS
    # True: a candidate without an article in the article's language is read against the cross-language closeness
    # (``OnlineClusterer.level_cross``); False: every candidate against the one level
    cross_closeness: bool = False
    # which of the article's other candidates a merge check (after a join) scores against the grown story:
    # "candidates", every one; "joinable", those the article could have joined too (P >= ``threshold``): the
    # article ties those stories together, not the ones it was merely scored against (MERGE_SCOPE)
    merge_scope: str = "candidates"
    # the split step: after a join, a story of ``SPLIT_MIN`` members or more (every one kept) is cut in two by
    # 2-means over its member vectors, and split where the model, story to story, gives the halves P(same story)
    # under this; None: no split step
    split_below: float | None = None
    # the split step's own story-to-story model (``SplitModel``): the halves are scored by it rather than by the
    # join weights above; None: by the join weights
    split_model: SplitModel | None = None
    # an article with fewer words than this compares none (HEADLINE_WORDS); 1: every article with a word does
    min_words: int = 1

    def split_prob(self, x: np.ndarray, same_language: np.ndarray | None = None) -> np.ndarray:
        """P(one story) of a split's halves (rows as ``OnlineClusterer._halves_rows`` reads them): the split model's
        where the model has one, else the join model's."""
        if self.split_model is None:
            return self.prob(x, same_language)
        m = self.split_model
        return Model(m.coef, m.intercept, 0.5, cross_coef=m.cross_coef, cross_intercept=m.cross_intercept).prob(
            x, same_language, floor=False)

    def prob(self, x: np.ndarray, same_language: np.ndarray | None = None, floor: bool = True) -> np.ndarray:
        """P(same story) per row; rows with ``same_language`` False use the model without words; ``floor``
        False: the word floor is not applied."""
        x = np.asarray(x, dtype=np.float64)
        z = x @ np.asarray(self.coef) + self.intercept
        if self.cross_coef is not None and same_language is not None and not np.all(same_language):
            cross = ~np.asarray(same_language, dtype=bool)
            zc = np.delete(x[cross], WORD_FEATURES, axis=1) @ np.asarray(self.cross_coef) + self.cross_intercept
            z = np.where(cross, 0.0, z)
            z[cross] = zc
        p = 1.0 / (1.0 + np.exp(-z))
        if self.words_floor > 0 and floor:
            comparable = np.ones(len(x), dtype=bool) if same_language is None else np.asarray(same_language, bool)
            p = np.where(comparable & (x[:, WORDS] < self.words_floor), 0.0, p)
        return np.asarray(p)

    def to_json(self) -> dict[str, Any]:
        out = {"features": list(FEATURES), "coef": [round(c, 6) for c in self.coef],
               "intercept": round(self.intercept, 6), "threshold": self.threshold,
               "merge_threshold": self.merge_threshold}
        if self.words_floor:
            out["words_floor"] = round(self.words_floor, 6)
        if self.margin_background:
            out["margin_background"] = True
        if self.closeness_quantile is not None:
            out["closeness_quantile"] = self.closeness_quantile
        if self.names_by_share:
            out["names_by_share"] = True
        if self.margin_over != "mean":
            out["margin_over"] = self.margin_over
        if self.merge_members != MERGE_MEMBERS:
            out["merge_members"] = self.merge_members
        if self.cross_closeness:
            out["cross_closeness"] = True
        if self.merge_scope != "candidates":
            out["merge_scope"] = self.merge_scope
        if self.split_below is not None:
            out["split_below"] = self.split_below
        if self.split_model is not None:
            out["split_model"] = self.split_model.to_json()
        if self.min_words != 1:
            out["min_words"] = self.min_words
        if self.cross_coef is not None:
            out |= {"cross_features": list(CROSS_FEATURES), "cross_coef": [round(c, 6) for c in self.cross_coef],
                    "cross_intercept": round(self.cross_intercept, 6)}
        return out | self.meta

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Model:
        if tuple(data.get("features", ())) != FEATURES:
            raise ValueError("story model features do not match this factdiff")
        if "cross_coef" in data and tuple(data.get("cross_features", ())) != CROSS_FEATURES:
            raise ValueError("story model cross-language features do not match this factdiff")
        known = ("features", "coef", "intercept", "threshold", "merge_threshold", "cross_features", "cross_coef",
                 "cross_intercept", "words_floor", "margin_background", "closeness_quantile",
                 "names_by_share", "margin_over", "merge_members", "cross_closeness", "merge_scope", "split_below",
                 "split_model", "min_words")
        meta = {k: v for k, v in data.items() if k not in known}
        cross = data.get("cross_coef")
        return cls(tuple(float(c) for c in data["coef"]), float(data["intercept"]), float(data["threshold"]),
                   None if data.get("merge_threshold") is None else float(data["merge_threshold"]), meta,
                   None if cross is None else tuple(float(c) for c in cross), float(data.get("cross_intercept", 0.0)),
                   float(data.get("words_floor", 0.0)), bool(data.get("margin_background", False)),
                   None if data.get("closeness_quantile") is None else float(data["closeness_quantile"]),
                   bool(data.get("names_by_share", False)), _margin_over(data.get("margin_over", "mean")),
                   _positive_int("merge_members", data.get("merge_members", MERGE_MEMBERS)),
                   bool(data.get("cross_closeness", False)),
                   _merge_scope(data.get("merge_scope", "candidates")), _split_below(data.get("split_below")),
                   None if data.get("split_model") is None else SplitModel.from_json(data["split_model"]),
                   _positive_int("min_words", data.get("min_words", 1)))


@dataclass(frozen=True)
class SplitModel:
    """The split step's story-to-story weights (``Model.split_model``): a logistic over ``FEATURES`` as a split's
    halves are read (no time gap, margins against nothing), and one over ``CROSS_FEATURES`` for halves without
    an article in a common language. Fitted on rows of the kind the split step scores (``bench.stories``
    ``split_rows``): a gold story's two halves (one story) against a gold story and another candidate story of the
    article that joined it (two stories), so that what tells two halves apart is learned from halves, not from
    articles against stories, where the cosines and margins decide."""

    coef: tuple[float, ...]
    intercept: float
    cross_coef: tuple[float, ...]
    cross_intercept: float

    def to_json(self) -> dict[str, Any]:
        return {"coef": [round(c, 6) for c in self.coef], "intercept": round(self.intercept, 6),
                "cross_coef": [round(c, 6) for c in self.cross_coef],
                "cross_intercept": round(self.cross_intercept, 6)}

    @classmethod
    def from_json(cls, data: Any) -> SplitModel:
        try:
            coef = tuple(float(c) for c in data["coef"])
            cross = tuple(float(c) for c in data["cross_coef"])
            out = cls(coef, float(data["intercept"]), cross, float(data["cross_intercept"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"story model split_model is malformed: {exc}") from None
        if len(coef) != len(FEATURES) or len(cross) != len(CROSS_FEATURES):
            raise ValueError("story model split_model weights do not match this factdiff's features")
        return out


MARGIN_OVER = ("mean", "runner_up")


def _margin_over(value: Any) -> str:
    if value not in MARGIN_OVER:
        raise ValueError(f"story model margin_over {value!r} is not one of {', '.join(MARGIN_OVER)}")
    return str(value)


MERGE_SCOPE = ("candidates", "joinable")


def _merge_scope(value: Any) -> str:
    if value not in MERGE_SCOPE:
        raise ValueError(f"story model merge_scope {value!r} is not one of {', '.join(MERGE_SCOPE)}")
    return str(value)


def _split_below(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 < value < 1.0:
        raise ValueError(f"story model split_below {value!r} is not a probability between 0 and 1")
    return float(value)


def _positive_int(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"story model {key} {value!r} is not a positive whole number")
    return value


def load_model(path: Path = MODEL_PATH) -> Model:
    return Model.from_json(json.loads(path.read_text(encoding="utf-8")))


def load_topic_model() -> Model:
    return load_model(TOPIC_MODEL_PATH)


@dataclass(eq=False)  # one member is one article: compared by identity
class Member:
    """What the story keeps of one recent member: for the closest-member features, and (while the story keeps every
    member) to rebuild either half of a split."""

    language: str
    words: frozenset[str]
    ids: np.ndarray | None = None  # the words as vocabulary ids, filled on first use
    names: frozenset[str] = frozenset()
    time: datetime | None = None  # where the stream placed it (its publication time, else the stream clock)
    dated: datetime | None = None  # its publication time (None: undated)
    ref: Any = None  # the caller's reference to the article (the store's article id; a position in a stream)


@dataclass
class Packed:
    """A story's kept members in one language, their word ids laid end to end (scored in one vectorised pass)."""

    peers: int  # members in the language with words (0: words cannot be compared)
    ids: np.ndarray  # int64: the word ids of the members that have any, concatenated
    starts: np.ndarray  # int64: where each of those members' ids begin in ``ids``


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
    members: list[Member] = field(default_factory=list)  # the recent ones (at most K), as ``vectors``
    # the latest time a member was published at (``last`` also counts undated members, placed at the stream
    # clock); None: no member has a date, so the time gap to the story is unknown
    dated: datetime | None = None

    _centroid: np.ndarray | None = None
    _matrix: np.ndarray | None = None
    _packed: dict[str, Packed] = field(default_factory=dict)  # per language, built on first use
    # the names as vocabulary ids, built on first use and then extended by each new name (a story's names only
    # grow), so that a large story's are not walked again after every article it gains
    _name_ids: np.ndarray | None = None
    _top_name: int | None = None  # the count of the most common name, computed on first use

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

    @property
    def top_name(self) -> int:
        """How many of the story's articles have its most common name (0: no names); computed once per change,
        so that scoring the story does not walk its names."""
        if self._top_name is None:
            self._top_name = max(self.names.values(), default=0)
        return self._top_name

    def changed(self) -> None:
        self._centroid = self._matrix = self._top_name = None
        self._packed = {}


@dataclass
class Split:
    """A story cut in two after an article joined it (``Model.split_below``)."""

    story: int  # the story that keeps its id: the half with the article
    new: int  # the story the other half opened
    moved: list[Any]  # the ``Member.ref`` of each article moved to ``new``, oldest first
    score: float  # P(same story) of the two halves, story to story


@dataclass
class Decision:
    story: int  # the story the article is in after this step (after any merge)
    score: float  # P(same story) for the story joined; 1.0 for a new story
    new: bool
    merged: list[tuple[int, int]] = field(default_factory=list)  # (kept, absorbed)
    # the article's best closest-member cosine among its candidates (None: no candidate), the value it added to
    # the stream's closeness (OnlineClusterer.closeness); stored with the membership so that a restart restores it
    closeness: float | None = None
    # its best cross-language candidate's cosine (None: none), the value it added to ``closeness_cross``
    closeness_cross: float | None = None
    splits: list[Split] = field(default_factory=list)  # the story the article joined, cut in two after the join
    member: Member | None = None  # what the story keeps of the article (a caller may set its ``ref`` afterwards)


class OnlineClusterer:
    """The clustering state: active stories, their index, document frequencies, the stream clock."""

    def __init__(self, model: Model | None = None, window_days: float = WINDOW_DAYS, top_k: int = TOP_K,
                 merge: bool = True, members: int = MEMBERS, exact_max: int | None = None) -> None:
        self.model = model or load_model()
        self.window = timedelta(days=window_days)
        self.top_k = top_k
        self.members = members  # K: the most recent members each story keeps and scores
        self.merge = merge and self.model.merge_threshold is not None
        self.stories: dict[int, StoryState] = {}  # active stories only
        self.df_names: Counter[str] = Counter()
        self.df_words: Counter[str] = Counter()
        self.n_docs = 0
        self.clock: datetime | None = None
        # a coarser clusterer fed the same articles (the topic layer), where the caller keeps one
        self.topics: OnlineClusterer | None = None
        self._leap: datetime | None = None  # a time past the window ahead of the clock, not yet confirmed
        self.next_key = 1
        self._heap: list[tuple[datetime, int]] = []  # (last seen, story) with stale entries skipped
        self.index = CentroidIndex(EXACT_MAX if exact_max is None else exact_max)
        # word document frequencies as an array (mirrors df_words; rebuilt when df_words was filled from outside)
        self._vocab: dict[str, int] = {}
        self._df_arr = np.zeros(1024, dtype=np.float64)
        self._name_vocab: dict[str, int] = {}
        self._df_names_arr = np.zeros(1024, dtype=np.float64)
        self._df_docs = 0  # n_docs when _df_arr last matched df_words
        # log(df + 1) of each word and name (the part of the IDF that changes only with the term's own count)
        self._log_df = np.zeros(1024, dtype=np.float64)
        self._log_df_names = np.zeros(1024, dtype=np.float64)
        self._name_marks = np.zeros(0, dtype=bool)  # per name id: the names of one story (False between calls)
        self._bits = np.zeros(0, dtype=np.uint64)  # per vocabulary id: which query has the word (zero between calls)
        # each recent article's best closest-member cosine, oldest first (CLOSENESS_HISTORY): the stream's closeness
        self.closeness: deque[float] = deque(maxlen=CLOSENESS_HISTORY)
        self._level: float | None = None  # the closeness level, cached until the history changes
        self.raw_closeness: float | None = None  # the last scored article's best closest-member cosine
        # the same for candidates without an article in the article's language (CLOSENESS_HISTORY)
        self.closeness_cross: deque[float] = deque(maxlen=CLOSENESS_HISTORY)
        self._level_cross: float | None = None
        self.raw_closeness_cross: float | None = None
        # kept by the store's ingest (factdiff.stories.ingest): the highest stored article this state has counted,
        # and how many articles its last saved document frequencies counted (ClusteringState)
        self.last_article: int | None = None
        self.saved_docs = 0

    # --- index ------------------------------------------------------------------------------

    def _index_put(self, st: StoryState) -> None:
        self.index.put(st.key, st.centroid)

    def _index_drop(self, key: int) -> None:
        self.index.drop(key)

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

    def candidates(self, vec: np.ndarray, exclude: int | None = None, time: datetime | None = None) -> list[int]:
        """The stories nearest ``vec`` in the index; with the article's ``time``, only those active within the
        window before it (the clock may lag behind an article whose leap is not confirmed yet)."""
        keys = self.index.nearest(vec, self.top_k, exclude)
        if time is None:
            return keys
        since = time - self.window
        return [k for k in keys if self.stories[k].last >= since]

    # --- document frequencies ---------------------------------------------------------------

    def _idf(self, df: Counter[str], term: str) -> float:
        # smoothed IDF (as scikit-learn's): a term every article has still counts a little, a rare one much more
        return math.log((self.n_docs + 1) / (df.get(term, 0) + 1)) + 1.0

    def _weights(self, df: Counter[str], terms: frozenset[str] | set[str]) -> tuple[dict[str, float], float]:
        w = {t: self._idf(df, t) for t in terms}
        return w, sum(w.values())

    @staticmethod
    def _shared(weights: tuple[dict[str, float], float], theirs: Counter[str], top: int | None = None) -> float:
        """The IDF-weighted share of the article's terms (``weights``) that the story's counts ``theirs`` hold;
        with ``top`` (the count of the story's most common term: Model.names_by_share), each shared term counts
        by how many of the story's articles have it against that."""
        w, total = weights
        if not total:
            return 0.0
        if top is None:
            return sum(v for t, v in w.items() if t in theirs) / total
        return sum(v * theirs[t] / top for t, v in w.items() if t in theirs) / total if top else 0.0

    def _overlap(self, df: Counter[str], mine: frozenset[str] | set[str], theirs: Counter[str]) -> float:
        return self._shared(self._weights(df, mine), theirs)

    def _word_ids(self, words: frozenset[str], grow: bool = False) -> np.ndarray:
        if grow:
            for w in words:
                if w not in self._vocab:
                    self._vocab[w] = len(self._vocab)
        return np.fromiter((i for w in words if (i := self._vocab.get(w)) is not None), dtype=np.int64)

    def _sync_df(self) -> None:
        """Rebuild the arrays of word and name frequencies when df_words and df_names were counted from
        outside (a restart)."""
        if self._df_docs == self.n_docs:
            return
        self._df_arr = _frequencies(self.df_words, self._vocab)
        self._df_names_arr = _frequencies(self.df_names, self._name_vocab)
        self._log_df, self._log_df_names = np.log(self._df_arr + 1), np.log(self._df_names_arr + 1)
        self._df_docs = self.n_docs

    def _story_name_ids(self, st: StoryState) -> np.ndarray:
        """The story's names as vocabulary ids (built once, then extended as it gains names: :meth:`_new_names`)."""
        if st._name_ids is None:
            vocab = self._name_vocab
            st._name_ids = np.fromiter((i for n in st.names if (i := vocab.get(n)) is not None), dtype=np.int64)
        return st._name_ids

    def _new_names(self, st: StoryState, names: list[str]) -> None:
        """Extend the story's name ids (where built) by ``names``, which it did not have."""
        if st._name_ids is not None and names:
            vocab = self._name_vocab
            st._name_ids = np.concatenate([st._name_ids, np.fromiter(
                (i for n in names if (i := vocab.get(n)) is not None), dtype=np.int64)])

    def _name_idf(self, ids: np.ndarray) -> np.ndarray:
        """IDF of the names ``ids`` (as :meth:`_idf`, for those only)."""
        return np.asarray((math.log(self.n_docs + 1) + 1.0) - self._log_df_names[ids])

    def _names_shared(self, small: StoryState, theirs: list[StoryState]) -> np.ndarray:
        """IDF-weighted share of the names of the story ``small`` that each of the stories ``theirs`` also has."""
        return self._shares([small] * len(theirs), theirs)

    def _shares(self, mine: list[StoryState], theirs: list[StoryState]) -> np.ndarray:
        """Pair by pair, the IDF-weighted share of the names of ``mine[i]`` that ``theirs[i]`` also has.

        One side is one story throughout (one story against many): its names are marked in a scratch array indexed
        by name id and the other side's names looked up in it, a few array operations however many pairs."""
        n = len(mine)
        if not n:
            return np.zeros(0)
        one_mine = all(s is mine[0] for s in mine)
        if not one_mine and not all(t is theirs[0] for t in theirs):
            raise ValueError("one side of the pairs must be one story")
        if len(self._name_marks) < len(self._df_names_arr):
            self._name_marks = np.zeros(len(self._df_names_arr), dtype=bool)
        marked = self._story_name_ids(mine[0] if one_mine else theirs[0])
        walked = [self._story_name_ids(t) for t in (theirs if one_mine else mine)]
        ids = np.concatenate(walked)
        pair = np.repeat(np.arange(n), [len(w) for w in walked])
        self._name_marks[marked] = True
        hit = self._name_marks[ids]
        self._name_marks[marked] = False
        if one_mine:  # theirs' names walked: the shared ones weigh, over mine's total
            total = np.full(n, float(self._name_idf(marked).sum()))
            shared = np.bincount(pair[hit], weights=self._name_idf(ids[hit]), minlength=n)
        else:  # mine's names walked (theirs all one story)
            idf = self._name_idf(ids)
            total = np.bincount(pair, weights=idf, minlength=n)
            shared = np.bincount(pair[hit], weights=idf[hit], minlength=n)
        return np.divide(shared, total, out=np.zeros(n), where=total > 0)

    def _idf2(self, ids: np.ndarray) -> np.ndarray:
        """Squared IDF of the words ``ids`` (vocabulary ids): computed for those only, never the vocabulary."""
        return np.asarray(((math.log(self.n_docs + 1) + 1.0) - self._log_df[ids]) ** 2)

    def _packed(self, st: StoryState, language: str) -> Packed:
        """The story's kept members in ``language`` as one array of word ids (at most K members, cached)."""
        p = st._packed.get(language)
        if p is None:
            self._sync_df()  # a member's words get ids from the vocabulary, which a restart fills from outside
            peers = [m for m in st.members if m.language == language and m.words]
            parts = [ids for m in peers if len(ids := self._ids_of(m))]
            if parts:
                starts = np.cumsum([0] + [len(x) for x in parts[:-1]], dtype=np.int64)
                p = Packed(len(peers), np.concatenate(parts), starts)
            else:
                p = Packed(len(peers), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
            st._packed[language] = p
        return p

    def _word_cosines(self, queries: list[np.ndarray], ids: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """IDF-weighted cosines of word sets: a (members, queries) array, one row per member whose word ids
        begin at ``starts`` in ``ids`` (each non-empty), one column per query (an article's word ids).

        One vectorised pass over the members' ids, whatever the vocabulary size: a bit per query marks its
        words in a scratch array indexed by vocabulary id (cleared again before returning), and only the
        members' words that some query has are summed."""
        out = np.zeros((len(starts), len(queries)))
        if not len(starts) or not queries:
            return out
        self._sync_df()
        w = self._idf2(ids)
        norms = np.sqrt(np.add.reduceat(w, starts))
        if len(self._bits) < len(self._df_arr):
            self._bits = np.zeros(len(self._df_arr), dtype=np.uint64)
        for at in range(0, len(queries), 64):
            chunk = queries[at:at + 64]
            n = len(chunk)
            sizes = np.array([len(q) for q in chunk], dtype=np.int64)
            if not sizes.any():
                continue
            words = np.concatenate(chunk)
            np.bitwise_or.at(self._bits, words, np.repeat(np.left_shift(np.uint64(1), np.arange(n, dtype=np.uint64)),
                                                          sizes))
            marks = self._bits[ids]
            self._bits[words] = 0
            hit = np.flatnonzero(marks)
            if not len(hit):
                continue
            member = np.searchsorted(starts, hit, side="right") - 1
            has = (marks[hit, None] >> np.arange(n, dtype=np.uint64)) & np.uint64(1)
            dots = np.bincount((member[:, None] * n + np.arange(n)).ravel(), weights=(has * w[hit, None]).ravel(),
                               minlength=len(starts) * n).reshape(len(starts), n)
            mine = np.zeros(n)  # each query's norm (an empty query has none: its cosines stay 0)
            some = sizes > 0
            mine[some] = np.sqrt(np.add.reduceat(self._idf2(words), (np.cumsum(sizes) - sizes)[some]))
            out[:, at:at + n] = np.divide(dots, norms[:, None] * mine[None, :], out=np.zeros_like(dots),
                                          where=mine[None, :] > 0)
        return out

    # --- features ---------------------------------------------------------------------------

    def features_many(self, f: ArticleFeatures, keys: list[int]) -> np.ndarray:
        """Feature rows of the article against each of the stories ``keys``."""
        return self._features_and_language(f, keys)[0]

    def level(self) -> float:
        """The stream's closeness level subtracted from the cosine features (0 where the model reads them as
        they are): the model's quantile of the recent articles' best closest-member cosines."""
        q = self.model.closeness_quantile
        if q is None:
            return 0.0
        if self._level is None:
            self._level = _quantile(self.closeness, q)
        return self._level

    def level_cross(self) -> float:
        """The level for candidates without an article in the article's language: the same quantile of the
        recent articles' best cross-language cosines (``closeness_cross``)."""
        q = self.model.closeness_quantile
        if q is None:
            return 0.0
        if self._level_cross is None:
            self._level_cross = _quantile(self.closeness_cross, q)
        return self._level_cross

    def _levels(self, same: np.ndarray) -> np.ndarray:
        """Per row, the level its cosines are read against (``same``: the story has the article's language); the
        one level for every row unless the model reads cross-language candidates apart (``cross_closeness``)."""
        if not self.model.cross_closeness or same.all():
            return np.full(len(same), self.level())
        return np.where(same, self.level(), self.level_cross())

    def remember(self, closeness: float | None, cross: float | None = None) -> None:
        """Add one article's best closest-member cosine to the stream's closeness (None: it had no candidate), and
        its best cross-language one to ``closeness_cross`` (None: no cross-language candidate)."""
        if closeness is not None:
            self.closeness.append(closeness)
            self._level = None
        if cross is not None:
            self.closeness_cross.append(cross)
            self._level_cross = None

    def _features_and_language(self, f: ArticleFeatures, keys: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Feature rows, and whether each story has an article in the article's language (words comparable).

        The two cosine columns are relative to the stream's closeness (``level``; for a story without an article
        in the article's language, ``level_cross`` where the model says so); ``raw_closeness`` then holds the best
        closest-member cosine as it was, ``raw_closeness_cross`` the best of the cross-language candidates (None:
        none)."""
        names = self._weights(self.df_names, f.names)
        rows, same, packs = [], [], []
        for i, k in enumerate(keys):
            st = self.stories[k]
            gap = _gap_days(f.time, st.dated)
            shared_names = self._shared(names, st.names, st.top_name if self.model.names_by_share else None)
            p = self._packed(st, f.language) if len(f.words) >= self.model.min_words else None
            same.append(p is not None and p.peers > 0)  # no words on either side: nothing to compare
            if p is not None and len(p.starts):
                packs.append((i, p))
            rows.append((float(st.centroid @ f.vector), float(np.max(st.matrix @ f.vector)), 0.0, shared_names, 0.0,
                         0.0, math.log1p(gap)))
        x = np.array(rows, dtype=np.float64).reshape(len(keys), len(FEATURES))
        if packs:  # the word cosine with each story's closest member: every candidate's members in one pass
            ids, starts, first = _concat([p for _, p in packs])
            cos = self._word_cosines([self._word_ids(f.words)], ids, starts)[:, 0]
            x[[i for i, _ in packs], WORDS] = np.maximum.reduceat(cos, first)
        comparable = np.array(same, dtype=bool)
        _margins(x, comparable, self.model.margin_background, self.model.margin_over)
        raw = x[:, FEATURES.index("cos_max")]
        self.raw_closeness = float(raw.max()) if len(x) else None
        self.raw_closeness_cross = None if comparable.all() else float(raw[~comparable].max())
        x[:, _COSINES] -= self._levels(comparable)[:, None]
        return x, comparable

    def features(self, f: ArticleFeatures, st: StoryState) -> np.ndarray:
        """The article against one story (its margin over the article's other candidates)."""
        if st.key not in self.stories:
            return np.zeros(len(FEATURES))
        keys = [st.key] + [k for k in self.candidates(f.vector, time=f.time) if k != st.key]
        return self.features_many(f, keys)[0]

    def _story_rows(self, st: StoryState, others: list[StoryState]) -> tuple[np.ndarray, np.ndarray]:
        """Story-to-story feature rows of ``st`` against each of ``others`` (margins left at 0), and per pair
        whether words compare.

        In each pair the smaller story (``st`` on a tie) plays the article: each of its ``Model.merge_members``
        most recent members is scored against the larger story as an article would be (the larger story's
        centroid and its kept members), and the rows are averaged; the word cosine is averaged over the
        members with peers in their language where at least half have some. Each side is done in a few
        array operations: ``st``'s rows once against all the larger stories, all the smaller stories' rows
        at once against ``st``."""
        x = np.zeros((len(others), len(FEATURES)))
        same = np.zeros(len(others), dtype=bool)
        larger = [i for i, o in enumerate(others) if st.size <= o.size]
        smaller = [i for i, o in enumerate(others) if st.size > o.size]
        if larger:
            x[larger], same[larger] = self._rows_as_smaller(st, [others[i] for i in larger])
        if smaller:
            x[smaller], same[smaller] = self._rows_as_larger(st, [others[i] for i in smaller])
        x[:, FEATURES.index("gap_days")] = [math.log1p(_gap_days(st.dated, o.dated)) for o in others]
        x[:, _COSINES] -= self._levels(same)[:, None]
        return x, same

    def _rows_as_smaller(self, small: StoryState, bigs: list[StoryState]) -> tuple[np.ndarray, np.ndarray]:
        """``small``'s recent members against each of the larger stories ``bigs``: mean rows, words comparable."""
        last = self.model.merge_members
        mine = small.members[-last:]
        vecs = small.matrix[-last:]
        r = len(mine)
        mats = [b.matrix for b in bigs]
        sims = np.concatenate(mats) @ vecs.T  # (all kept members of all bigs, r)
        sizes = np.array([len(m) for m in mats], dtype=np.int64)
        cos_max = np.maximum.reduceat(sims, np.cumsum(sizes) - sizes, axis=0).T.astype(np.float64)
        cos_centroid = (vecs @ np.stack([b.centroid for b in bigs]).T).astype(np.float64)
        words = np.zeros((r, len(bigs)))
        peers = np.zeros((r, len(bigs)), dtype=bool)
        by_language: dict[str, list[int]] = {}
        for j, m in enumerate(mine):
            if m.words:
                by_language.setdefault(m.language, []).append(j)
        for language, js in by_language.items():
            packs = [self._packed(b, language) for b in bigs]
            peers[js] = [p.peers > 0 for p in packs]
            scored = [k for k, p in enumerate(packs) if len(p.starts)]
            if scored:
                ids, starts, first = _concat([packs[k] for k in scored])
                cos = self._word_cosines([self._ids_of(mine[j]) for j in js], ids, starts)  # (members, len(js))
                words[np.ix_(js, scored)] = np.maximum.reduceat(cos, first, axis=0).T
        x = np.zeros((len(bigs), len(FEATURES)))
        x[:, FEATURES.index("cos_centroid")] = cos_centroid.sum(axis=0) / r
        x[:, FEATURES.index("cos_max")] = cos_max.sum(axis=0) / r
        x[:, FEATURES.index("names")] = self._names_shared(small, bigs)
        return _mean_words(x, words.sum(axis=0), (words * peers).sum(axis=0), peers.sum(axis=0), np.full(len(bigs), r))

    def _rows_as_larger(self, big: StoryState, smalls: list[StoryState]) -> tuple[np.ndarray, np.ndarray]:
        """Each of the smaller stories ``smalls``, its recent members against ``big``: mean rows, words comparable."""
        last = self.model.merge_members
        mine = [m for o in smalls for m in o.members[-last:]]
        counts = np.array([min(len(o.members), last) for o in smalls])
        begins = np.cumsum(counts) - counts
        vecs = np.concatenate([o.matrix[-last:] for o in smalls])  # (all rows, d)
        cos_centroid = (vecs @ big.centroid).astype(np.float64)
        cos_max = np.max(vecs @ big.matrix.T, axis=1).astype(np.float64)
        words = np.zeros(len(mine))
        peers = np.zeros(len(mine), dtype=bool)
        by_language: dict[str, list[int]] = {}
        for j, m in enumerate(mine):
            if m.words:
                by_language.setdefault(m.language, []).append(j)
        for language, js in by_language.items():
            p = self._packed(big, language)
            peers[js] = p.peers > 0
            if len(p.starts):
                words[js] = self._word_cosines([self._ids_of(mine[j]) for j in js], p.ids, p.starts).max(axis=0)
        x = np.zeros((len(smalls), len(FEATURES)))
        x[:, FEATURES.index("cos_centroid")] = np.add.reduceat(cos_centroid, begins) / counts
        x[:, FEATURES.index("cos_max")] = np.add.reduceat(cos_max, begins) / counts
        x[:, FEATURES.index("names")] = self._shares(smalls, [big] * len(smalls))
        return _mean_words(x, np.add.reduceat(words, begins), np.add.reduceat(words * peers, begins),
                           np.add.reduceat(peers.astype(np.int64), begins), counts)

    def _ids_of(self, m: Member) -> np.ndarray:
        """The member's words as vocabulary ids (computed once)."""
        if m.ids is None:
            m.ids = self._word_ids(m.words)
        return m.ids

    def story_features(self, a: StoryState, b: StoryState) -> np.ndarray:
        """The same features, story to story (the smaller story plays the article; no margin)."""
        return self._story_rows(a, [b])[0][0]

    # --- the stream ---------------------------------------------------------------------------

    def observe(self, f: ArticleFeatures) -> None:
        """Count the article's terms and advance the clock (before scoring it)."""
        self._sync_df()
        self.n_docs += 1
        self.df_names.update(f.names)
        self.df_words.update(f.words)
        for name in f.names:
            if name not in self._name_vocab:
                self._name_vocab[name] = len(self._name_vocab)
        if len(self._name_vocab) > len(self._df_names_arr):
            self._df_names_arr, self._log_df_names = _grown(self._df_names_arr, len(self._name_vocab)), _grown(
                self._log_df_names, len(self._name_vocab))
        name_ids = np.array([self._name_vocab[n] for n in f.names], dtype=np.int64)
        self._df_names_arr[name_ids] += 1
        self._log_df_names[name_ids] = np.log(self._df_names_arr[name_ids] + 1)
        ids = self._word_ids(f.words, grow=True)
        if len(self._vocab) > len(self._df_arr):
            self._df_arr, self._log_df = _grown(self._df_arr, len(self._vocab)), _grown(self._log_df, len(self._vocab))
        self._df_arr[ids] += 1
        self._log_df[ids] = np.log(self._df_arr[ids] + 1)
        self._df_docs = self.n_docs
        self.advance(f.time)
        self._expire()

    def advance(self, t: datetime | None) -> None:
        """Move the stream clock to ``t`` if it is later. A leap of more than the window (a quiet spell, or one
        article with a wrong date: a year's typo would expire every story at once) moves it only once a second
        article confirms it, within the window of the first; an unconfirmed leap is forgotten."""
        if t is None:
            return
        if self.clock is None or t <= self.clock + self.window:
            if self.clock is None or t > self.clock:
                self.clock = t
            self._leap = None
        elif self._leap is not None and abs(t - self._leap) <= self.window:
            self.clock = max(t, self._leap)
            self._leap = None
        else:
            self._leap = t

    def score(self, f: ArticleFeatures) -> list[tuple[int, float]]:
        """(story, P(same story)) for the candidate stories, best first; ``raw_closeness`` holds the article's
        best closest-member cosine (None: no candidate)."""
        keys = self.candidates(f.vector, time=f.time)
        self.raw_closeness = self.raw_closeness_cross = None
        if not keys:
            return []
        x, same = self._features_and_language(f, keys)
        # the word floor keeps topic-mates apart where the window holds several related stories; a story
        # alone near the article is weighed by the model on every feature (the margins say it stands alone)
        p = self.model.prob(x, same, floor=len(keys) > 1)
        order = np.argsort(-p, kind="stable")
        return [(keys[i], float(p[i])) for i in order]

    def add(self, f: ArticleFeatures, ref: Any = None) -> Decision:
        """Cluster one article (its story joined or opened, then any merge and split): ``ref`` is the caller's
        reference to it, what a later split lists among the articles it moved (``Split.moved``)."""
        self.observe(f)
        scored = self.score(f)
        closeness, cross = self.raw_closeness, self.raw_closeness_cross
        if scored and scored[0][1] >= self.model.threshold:
            key, p = scored[0]
            member = self._join(key, f, ref)
            decision = Decision(key, p, False, closeness=closeness, closeness_cross=cross, member=member)
            if self.merge:
                decision.merged = self._merge_from(key, self.merge_candidates(scored))
                if decision.merged:
                    decision.story = decision.merged[-1][0]
            if self.model.split_below is not None:
                cut = self._split(decision.story, member)
                if cut is not None:
                    decision.splits.append(cut)
        else:
            key = self.open_story(f, ref=ref)
            decision = Decision(key, 1.0, True, closeness=closeness, closeness_cross=cross,
                                member=self.stories[key].members[-1])
        self.remember(closeness, cross)  # after the merge check: the level stays the one this article was scored at
        return decision

    def merge_candidates(self, scored: list[tuple[int, float]]) -> list[int]:
        """The stories a merge check scores after the article joined ``scored[0]`` (``Model.merge_scope``)."""
        if self.model.merge_scope == "joinable":
            return [k for k, p in scored[1:] if p >= self.model.threshold]
        return [k for k, _ in scored[1:]]

    def open_story(self, f: ArticleFeatures, key: int | None = None, ref: Any = None) -> int:
        if key is None:
            key = self.next_key
        self.next_key = max(self.next_key, key + 1)
        t = f.time or self.clock or datetime(1970, 1, 1)
        st = StoryState(key, f.vector.astype(np.float32).copy(), [f.vector], Counter(f.names),
                        {f.language: Counter(f.words)}, 1, t, t, {f.language},
                        [Member(f.language, f.words, names=f.names, time=t, dated=f.time, ref=ref)], dated=f.time)
        self.stories[key] = st
        self._touch(st)
        return key

    def _join(self, key: int, f: ArticleFeatures, ref: Any = None) -> Member:
        st = self.stories[key]
        member = Member(f.language, f.words, names=f.names, time=f.time or self.clock, dated=f.time, ref=ref)
        st.vec_sum = st.vec_sum + f.vector
        st.vectors = (st.vectors + [f.vector])[-self.members:]
        st.members = (st.members + [member])[-self.members:]
        self._new_names(st, [n for n in f.names if n not in st.names])
        st.names.update(f.names)
        st.words.setdefault(f.language, Counter()).update(f.words)
        st.size += 1
        st.languages.add(f.language)
        t = f.time or self.clock
        if t is not None:
            st.first = min(st.first, t)
            st.last = max(st.last, t)
        if f.time is not None:
            st.dated = f.time if st.dated is None else max(st.dated, f.time)
        self._touch(st)
        return member

    def _touch(self, st: StoryState) -> None:
        st.changed()
        heapq.heappush(self._heap, (st.last, st.key))
        self._index_put(st)

    def _merge_from(self, key: int, near: list[int]) -> list[tuple[int, int]]:
        """Merge the story ``key``, which an article just joined, with the article's other candidate stories
        (``near``) while the story-to-story model says they are one story: the article that joined is what
        brought them together, so the stories it was scored against are those that may now converge."""
        merged: list[tuple[int, int]] = []
        assert self.model.merge_threshold is not None
        while True:
            st = self.stories[key]
            others = [k for k in near if k != key and k in self.stories]
            if not others:
                return merged
            x, same = self._story_rows(st, [self.stories[k] for k in others])
            _margins(x, same, self.model.margin_background, self.model.margin_over)
            p = self.model.prob(x, same)
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
        kept.vectors = (kept.vectors + gone.vectors)[-self.members:]
        kept.members = (kept.members + gone.members)[-self.members:]
        self._new_names(kept, list(gone.names.keys() - kept.names.keys()))
        kept.names.update(gone.names)
        for lang, words in gone.words.items():
            kept.words.setdefault(lang, Counter()).update(words)
        kept.size += gone.size
        kept.languages |= gone.languages
        kept.first = min(kept.first, gone.first)
        kept.last = max(kept.last, gone.last)
        kept.dated = max((t for t in (kept.dated, gone.dated) if t is not None), default=None)
        del self.stories[gone.key]
        self._index_drop(gone.key)
        self._touch(kept)

    def _split(self, key: int, member: Member) -> Split | None:
        """Cut the story ``key``, which the article ``member`` just joined, in two where the model says its halves
        are two stories (``Model.split_below``): the half with the article keeps the key, the other opens a story.

        Only a story of ``SPLIT_MIN`` members or more that keeps every member (at most K): its halves are then
        rebuilt exactly from their members. The halves are 2-means over the member vectors, seeded by the two least
        alike members; they are scored as a merge check scores two stories (the model story to story, margins
        against nothing else), so a split undoes what a merge check would not have joined. Where the window holds
        two related events, an article of the second that joined the first's story starts a drift the joins alone
        never undo; the split step lets the two part once each has members enough to tell them apart."""
        assert self.model.split_below is not None
        st = self.stories.get(key)
        if st is None or st.size < SPLIT_MIN or st.size > len(st.members):
            return None
        at = next((i for i, m in enumerate(st.members) if m is member), None)
        if at is None:
            return None
        mat = st.matrix.astype(np.float64)
        assign = two_means(mat)
        if assign is None:
            return None
        mine = int(assign[at])
        keep = [i for i in range(len(mat)) if assign[i] == mine]
        other = [i for i in range(len(mat)) if assign[i] != mine]
        if not other:
            return None
        kept, cut = self._half(st, keep, st.key), self._half(st, other, self.next_key)
        x, same = self._halves_rows(kept, cut)
        p = float(self.model.split_prob(x, same)[0])
        if p >= self.model.split_below:
            return None
        self.next_key += 1
        for half in (kept, cut):
            for m in half.members:  # the word counts, which scoring the halves did not need
                half.words.setdefault(m.language, Counter()).update(m.words)
            self.stories[half.key] = half
            self._touch(half)
        return Split(kept.key, cut.key, [m.ref for m in cut.members], p)

    def _halves_rows(self, kept: StoryState, cut: StoryState) -> tuple[np.ndarray, np.ndarray]:
        """The feature row of a split's two halves, story to story as a merge check scores two stories, but with no
        time gap: the halves were joined side by side, so the gap between their latest members says which half was
        joined last, not how far apart their events are (and an undated stream has none). Read so, a split fitted
        on dated streams carries over to undated ones: the fit on BASIL and MEANTIME keeps split 0.7 (mean training
        B-cubed F1 0.9916), ECB+ (undated) sub-topics 0.852 out of sample; with the gap, it keeps 0.3 (0.9931),
        ECB+ 0.742, against 0.762 with no split step (PYTHONPATH=src:. python bench/stories_split.py [--own-gap];
        2026-12-01, features version 5)."""
        x, same = self._story_rows(kept, [cut])
        x[:, FEATURES.index("gap_days")] = 0.0
        _margins(x, same, self.model.margin_background, self.model.margin_over)
        return x, same

    def _half(self, st: StoryState, rows: list[int], key: int) -> StoryState:
        """The story ``st``'s members ``rows`` (in order) as a story of their own, as joining them one by one
        would have built it, but for its word counts (``StoryState.words``: filled by :meth:`_split` once it
        splits; scoring a story reads its members' words)."""
        members = [st.members[i] for i in rows]
        vectors = [st.vectors[i] for i in rows]
        vec_sum = vectors[0].astype(np.float32).copy()
        for v in vectors[1:]:
            vec_sum = vec_sum + v
        names: Counter[str] = Counter()
        for m in members:
            names.update(m.names)
        times = [m.time for m in members if m.time is not None] or [st.first]
        return StoryState(key, vec_sum, vectors, names, {}, len(members), min(times), max(times),
                          {m.language for m in members}, members,
                          dated=max((m.dated for m in members if m.dated is not None), default=None))

    def restore(self, key: int, members: list[ArticleFeatures], refs: list[Any] | None = None,
                published: list[datetime | None] | None = None) -> None:
        """Rebuild one active story from its stored members (oldest first) after a restart: ``refs``, their
        references (``Member.ref``); ``published``, their publication times where each ``time`` is where the
        stream placed it."""
        st: StoryState | None = None
        for i, f in enumerate(members):
            ref = None if refs is None else refs[i]
            if st is None:
                self.open_story(f, key, ref=ref)
                st = self.stories[key]
            else:
                self._join(key, f, ref)
        if st is not None and published is not None:
            for m, t in zip(st.members, published[-len(st.members):], strict=True):
                m.dated = t
            st.dated = max((t for t in published if t is not None), default=None)


def two_means(mat: np.ndarray) -> np.ndarray | None:
    """The split step's two halves of a story's member vectors (rows of ``mat``): 2-means seeded by the two least
    alike members, at most ``SPLIT_ROUNDS`` rounds; each row's half (0 or 1), or None where every row falls in one."""
    sims = mat @ mat.T
    a, b = np.unravel_index(int(np.argmin(sims)), sims.shape)
    centres = mat[[a, b]]
    assign = None
    for _ in range(SPLIT_ROUNDS):
        new = np.argmax(mat @ centres.T, axis=1)
        if assign is not None and (new == assign).all():
            break
        assign = new
        if assign.min() == assign.max():
            return None
        centres = np.stack([mat[assign == j].mean(axis=0) for j in (0, 1)])
    return assign


def _gap_days(a: datetime | None, b: datetime | None) -> float:
    """Days between two publication times; 0 where either is unknown (an undated article or story: the gap is
    no evidence either way, rather than the distance to wherever the stream clock stood)."""
    return 0.0 if a is None or b is None else abs((a - b).total_seconds()) / 86400


def _frequencies(counts: Counter[str], vocab: dict[str, int]) -> np.ndarray:
    """``counts`` as an array indexed by ``vocab`` ids (terms new to ``vocab`` are given ids), with room to grow."""
    for term in counts:
        if term not in vocab:
            vocab[term] = len(vocab)
    arr = np.zeros(max(1024, 2 * len(vocab)), dtype=np.float64)
    for term, n in counts.items():
        arr[vocab[term]] = n
    return arr


def _grown(arr: np.ndarray, size: int) -> np.ndarray:
    """``arr`` with room for twice ``size`` entries (the new ones 0)."""
    out = np.zeros(2 * size, dtype=arr.dtype)
    out[:len(arr)] = arr
    return out


def _concat(packs: list[Packed]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Several stories' packed members as one: word ids, where each member begins, where each story begins
    (in members)."""
    sizes = [len(p.ids) for p in packs]
    offsets = np.cumsum(sizes) - sizes
    starts = np.concatenate([p.starts + o for p, o in zip(packs, offsets, strict=True)])
    members = [len(p.starts) for p in packs]
    return np.concatenate([p.ids for p in packs]), starts, np.cumsum(members) - members


def _mean_words(x: np.ndarray, words: np.ndarray, words_with_peers: np.ndarray, with_peers: np.ndarray,
                rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fill the word column of story-to-story rows: over the members with peers in their language where at
    least half of the members have some (words comparable), else over all members (mostly zeros)."""
    same = with_peers >= 0.5 * rows
    x[:, WORDS] = np.where(same, words_with_peers / np.maximum(with_peers, 1), words / rows)
    return x, same


def _margin(col: np.ndarray, background: float | None, over: str = "mean") -> np.ndarray:
    """Each value minus the mean of the others (``over`` "mean") or minus the best of the others ("runner_up").
    With a ``background``, fewer than ``MARGIN_OTHERS`` others count the missing ones as a typical unrelated
    candidate: a lone candidate stands out by its distance from that, not by its whole value; without, a lone
    candidate's margin is its value."""
    others = len(col) - 1
    missing = 0 if background is None else max(0, MARGIN_OTHERS - others)
    if others < 1 and not missing:
        return col.copy()
    if over == "runner_up":
        pool = np.concatenate([col, np.full(missing, background or 0.0)])  # missing is 0 without a background
        top = np.sort(pool)[::-1][:2]  # the best and the second best value
        return np.asarray(col - np.where(col >= top[0], top[1], top[0]))
    if background is None:
        return np.asarray(col - (col.sum() - col) / others)
    return np.asarray(col - (col.sum() - col + missing * background) / (others + missing))


def _margins(x: np.ndarray, same: np.ndarray, background: bool = False, over: str = "mean") -> None:
    """Fill the margin columns: how far each candidate stands out from the article's other candidates.

    The closest-member cosine minus the mean (or the best, ``over`` "runner_up") of the other candidates' (with
    ``background``, missing ones below three count as a typical unrelated candidate; without, a lone candidate's
    margin is its cosine), and the same for the word cosine among the candidates with an article in the language.

    How far a story stands out from the article's other candidates carries over between streams where
    absolute cosines do not: where many stories share a topic (all of them close), closeness alone means
    little; where the window holds a single related story, it means much."""
    bg = MARGIN_BACKGROUND if background else {}
    x[:, FEATURES.index("margin")] = _margin(x[:, FEATURES.index("cos_max")], bg.get("cos_max"), over)
    if same.any():
        x[same, FEATURES.index("words_margin")] = _margin(x[same, WORDS], bg.get("words"), over)


def _quantile(history: deque[float], q: float) -> float:
    """A closeness level: the quantile ``q`` of a history, the prior before ``CLOSENESS_MIN_SEEN`` values."""
    if len(history) < CLOSENESS_MIN_SEEN:
        return CLOSENESS_PRIOR
    return float(np.quantile(np.fromiter(history, dtype=np.float64), q))


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the clustering's matrix products on one BLAS thread (threadpoolctl; the caller's setting is restored on
    exit).

    Every product here is small: a few hundred kept member vectors, or the index's active centroids (a few thousand
    rows). A threaded BLAS splits even these across its threads, which then wait on one another (and spin while
    they wait, taking a core from whatever else runs). ``python -m bench ingest`` times clustering alone both ways,
    interleaved. Callers wrap a batch of :meth:`OnlineClusterer.add` calls (entering costs under a millisecond),
    not each article, and not the embedding of the articles, which sets its own threads (``factdiff.embed``)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"):
        yield


def cluster_stream(features: list[ArticleFeatures], model: Model | None = None, **kw: Any) -> list[int]:
    """Story labels for a stream (in the given order), merges applied: the in-memory path the bench uses."""
    c = OnlineClusterer(model, **kw)
    label: list[int] = []
    parent: dict[int, int] = {}
    with one_blas_thread():
        for i, f in enumerate(features):
            follow(c.add(f, ref=i), label, parent)
    return [story_root(parent, k) for k in label]


def follow(d: Decision, label: list[int], parent: dict[int, int]) -> None:
    """Record the decision for the next article of a stream whose articles were added with their positions as
    ``ref``: its story appended to ``label``, merges in ``parent`` (merged story -> the story that kept it), the
    articles a split moved relabelled. :func:`story_root` then gives each article's story."""
    label.append(d.story)
    for kept, gone in d.merged:
        parent[gone] = kept
    for cut in d.splits:
        for j in cut.moved:
            label[j] = cut.new


def story_root(parent: dict[int, int], key: int) -> int:
    """The story ``key`` ended in, following merges (``parent``: merged story -> the story that kept it)."""
    while key in parent:
        key = parent[key]
    return key
