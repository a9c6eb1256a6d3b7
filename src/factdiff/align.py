"""Alignment: which claims of one article may talk about the same fact as claims of another.

The same-fact model (samefact.py) gives every cross-article claim pair a probability; only
the best few counterparts of each claim (plus pairs that structured cues single out, such as
two durations or the same verb with opposite polarity) go on to the judge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .cues import ClaimCues
from .doc import Claim

if TYPE_CHECKING:
    from .quantities import Quantity


@dataclass(frozen=True)
class Thresholds:
    """Cosine thresholds of one embedding backend (their scales differ)."""

    candidate: float  # below this a pair is not sent to the judge on similarity alone
    structured: float  # floor for pairs singled out by structured cues
    related: float  # same fact: quantities and dates may be compared
    agree: float  # same fact stated the same way
    context: float  # sentences (with the one before) about the same event: numbers and dates compare
    top_k: int = 2
    agree_values: float = 1.0  # same fact when the claims give the same figure or clock time (judge.matching_values)
    agree_mutual: float = 1.0  # same fact when each claim is the other's closest candidate (judge: ctx.closest)


THRESHOLDS = {
    "use": Thresholds(candidate=0.30, structured=0.15, related=0.25, agree=0.45, context=0.60),
    "e5": Thresholds(candidate=0.60, structured=0.45, related=0.55, agree=0.70, context=0.88),
}


# figures that one story gives many of, for different things: matched by sentence closeness only when they say
# what they measure (structured_partners with measured False)
CROWDED_DIMENSIONS = frozenset({"money", "percent"})


@dataclass
class Candidate:
    a: Claim
    b: Claim
    similarity: float
    reason: str  # "similar", "structured" or "exhaustive"


def structured_partners(cands: list[Candidate], cues: dict[str, ClaimCues], context: dict[str, np.ndarray] | None,
                        thresholds: Thresholds,
                        places: dict[str, frozenset[str]] | None = None,
                        measured: bool = False) -> set[tuple[str, str, str]]:
    """(claim, claim, kind) triples whose numbers, dates, places or polarity may be compared:
    mutual best matches among the claims that can be compared that way.

    Numbers and dates are matched by the similarity of their sentences read with the sentence
    before, and must clear ``thresholds.context``: "The two leaders spoke for an hour" (after
    a dinner in Berlin) is then not weighed against "the meeting lasted two and a half hours"
    (in the Kremlin) when the Moscow meeting's own duration is there to compare, and a tenure
    ("lasted six months") is not weighed against a delay ("a day after"). Sums of money and
    percentages that do not say what they measure are not matched this way (``measured`` False): a
    story gives many of them for different things (demanded, granted, diverted; shares of a vote),
    and sentences about one topic are close whichever they give."""
    def keys(c: Claim) -> set[tuple[str, str]]:  # (kind, dimension) a claim can be compared on
        cc = cues[c.id]
        out = {("quantity", ":".join(q.key() if measured else q.key()[:2])) for q in cc.quantities
               if measured or q.measured or q.dimension not in CROWDED_DIMENSIONS}
        if not cc.dates.empty():
            out.add(("date", ""))
        if places and places.get(c.id):
            out.add(("place", ""))
        out.update(("polarity", w) for w in cc.negated | cc.affirmed)
        return out

    def score(cand: Candidate, kind: str) -> float | None:
        if kind in ("quantity", "date") and context is not None:
            if cand.a.id not in context or cand.b.id not in context:
                return None
            sim = float(context[cand.a.id] @ context[cand.b.id])
            return sim if sim >= thresholds.context else None
        # a figure that says what it measures ("231 dead") is compared with the other article's
        # figure for the same thing whatever the wording around it: a lower floor
        floor = thresholds.structured if kind == "quantity" and not key_open(cand) else thresholds.related
        return cand.similarity if cand.similarity >= floor else None

    def key_open(cand: Candidate) -> bool:
        return not any(q.measured for q in cues[cand.a.id].quantities)

    best: dict[tuple[str, str, tuple[str, str]], tuple[float, str]] = {}
    scored: list[tuple[Candidate, tuple[str, str]]] = []
    for cand in cands:
        for key in keys(cand.a) & keys(cand.b):
            sim = score(cand, key[0])
            if sim is None:
                continue
            scored.append((cand, key))
            for mine, other in ((cand.a, cand.b), (cand.b, cand.a)):
                slot = (mine.id, other.doc, key)
                if slot not in best or sim > best[slot][0]:
                    best[slot] = (sim, other.id)
    def mutual(cand: Candidate, key: tuple[str, str]) -> bool:
        return best[(cand.a.id, cand.b.doc, key)][1] == cand.b.id and best[(cand.b.id, cand.a.doc, key)][1] == cand.a.id

    return {(cand.a.id, cand.b.id, key[0]) for cand, key in scored if mutual(cand, key)}


def mutual_best(cands: list[Candidate]) -> set[tuple[str, str]]:
    """Pairs in which each claim is the other's closest candidate in the other document."""
    best: dict[tuple[str, str], tuple[float, str]] = {}
    for c in cands:
        for mine, other in ((c.a, c.b), (c.b, c.a)):
            key = (mine.id, other.doc)
            if key not in best or c.similarity > best[key][0]:
                best[key] = (c.similarity, other.id)
    return {(c.a.id, c.b.id) for c in cands
            if best[(c.a.id, c.b.doc)][1] == c.b.id and best[(c.b.id, c.a.doc)][1] == c.a.id}


def candidates_by_probability(claims: dict[str, list[Claim]], probs: dict[tuple[str, str], np.ndarray],
                              cues: dict[str, ClaimCues], candidate_p: float, top_k: int,
                              exhaustive: bool = False, cos: dict[tuple[str, str], np.ndarray] | None = None,
                              structured_cos: float = 1.0) -> tuple[list[Candidate], int]:
    """Candidate pairs from the same-fact probabilities: each claim's ``top_k`` counterparts per
    article above ``candidate_p``, plus pairs that structured cues single out (two figures of the
    same kind, a verb affirmed in one and negated in the other) above half of it."""
    out: list[Candidate] = []
    total = 0
    for (da, db), p in probs.items():
        ca, cb = claims[da], claims[db]
        total += p.size
        if exhaustive:
            out.extend(Candidate(ca[i], cb[j], float(p[i, j]), "exhaustive")
                       for i in range(len(ca)) for j in range(len(cb)))
            continue
        chosen: dict[tuple[int, int], str] = {}
        best_b = np.argsort(-p, axis=1)[:, :min(top_k, len(cb))]
        best_a = np.argsort(-p, axis=0)[:min(top_k, len(ca)), :]
        for i in range(len(ca)):
            for j in best_b[i]:
                if p[i, j] >= candidate_p:
                    chosen[(i, int(j))] = "similar"
        for j in range(len(cb)):
            for i in best_a[:, j]:
                if p[i, j] >= candidate_p:
                    chosen[(int(i), j)] = "similar"
        close = p >= candidate_p / 2
        if cos is not None:
            close |= cos[(da, db)] >= structured_cos
        for i, j in zip(*np.nonzero(close), strict=True):
            i, j = int(i), int(j)
            if (i, j) not in chosen and cues[ca[i].id].comparable(cues[cb[j].id]):
                chosen[(i, j)] = "structured"
        out.extend(Candidate(ca[i], cb[j], float(p[i, j]), why) for (i, j), why in sorted(chosen.items()))
    return out, total


def _slots(cc: ClaimCues) -> set[tuple[str, ...]]:
    """The fact slots a claim fills: a figure's (dimension, unit, measured thing), and "a clock time".

    A figure fills a slot only when it says what it measures ("231 dead", "the meeting lasted two
    hours"): "two years" or "1000 people" alone could be anything of that kind."""
    out: set[tuple[str, ...]] = set()
    for q in cc.quantities:
        if q.measured and q.measured not in WEAK_MEASURED:
            out.add(("quantity", *q.key()))
    if cc.dates.times:
        out.add(("date", "clock"))
    return out


WEAK_MEASURED = {"people"}  # a classifier more than a thing measured: "1000 people" is no slot


def frame_pairs(claims: dict[str, list[Claim]], probs: dict[tuple[str, str], np.ndarray],
                cues: dict[str, ClaimCues],
                holders: dict[str, frozenset[str]] | None = None) -> list[tuple[Claim, Claim, float, str]]:
    """(a, b, probability, kind) of claims that fill the same fact slot in two articles, whatever
    their wording: for each slot, the mutual best pair by same-fact probability among the claims
    of each article that fill it. "The talks lasted more than five hours" then meets "a meeting of
    four hours and ten minutes" even though the sentences share little else.

    Two claims that name who the figure belongs to (``holders``: people and organisations in the
    claim) and name no one in common hold different facts: "party A won 23 seats" is not weighed
    against "party B won 20 seats"."""
    holders = holders or {}
    out: list[tuple[Claim, Claim, float, str]] = []
    for (da, db), p in probs.items():
        ca, cb = claims[da], claims[db]
        sa = [_slots(cues[c.id]) for c in ca]
        sb = [_slots(cues[c.id]) for c in cb]
        found: set[tuple[int, int, str]] = set()
        for slot in set().union(*sa) & set().union(*sb) if sa and sb else set():
            rows = [i for i, s in enumerate(sa) if slot in s]
            cols = [j for j, s in enumerate(sb) if slot in s]
            sub = p[np.ix_(rows, cols)]
            for r, i in enumerate(rows):
                c = int(np.argmax(sub[r]))
                if int(np.argmax(sub[:, c])) != r:
                    continue
                j = cols[c]
                if holders_apart(holders, ca[i], cb[j]):
                    continue
                found.add((i, j, slot[0]))
        out.extend((ca[i], cb[j], float(p[i, j]), kind) for i, j, kind in sorted(found))
    return out


def value_pairs(claims: dict[str, list[Claim]], probs: dict[tuple[str, str], np.ndarray],
                cues: dict[str, ClaimCues],
                holders: dict[str, frozenset[str]] | None = None) -> list[tuple[Claim, Claim, float, str]]:
    """(a, b, probability, "value") of claims in two articles that state the same figure for the same
    measured thing (:func:`quantities.same_stated_figure`), or the same clock time, whatever their wording:
    "the chamber has 150 seats in all" meets "35 of the 150 seats". The mutual best pairs by same-fact
    probability among the claims that share one; claims naming different holders (people,
    organisations) are kept apart. A figure that says what it measures is no background however often an
    article repeats it, so recurring figures pair too."""
    from .quantities import compare_clock, same_stated_figure

    def shared(x: ClaimCues, y: ClaimCues) -> bool:
        return any(same_stated_figure(u, v) for u in x.quantities for v in y.quantities) or any(
            (c := compare_clock(t, u)) is not None and c[0] == "agree" for t in x.dates.times for u in y.dates.times)

    return _sharing_pairs(claims, probs, cues, holders or {}, shared, "value")


def near_pairs(claims: dict[str, list[Claim]], probs: dict[tuple[str, str], np.ndarray],
               cues: dict[str, ClaimCues], ratio: float,
               holders: dict[str, frozenset[str]] | None = None) -> list[tuple[Claim, Claim, float, str]]:
    """(a, b, probability, "quantity") of claims in two articles that give close but different figures for
    the same thing (:func:`quantities.near_figure`: at most ``ratio`` apart), whatever their wording: two
    outlets' estimates of one figure ("some 107,000" / "100,000", "44 days" / "45 days") are seldom
    worded alike, and two different facts seldom come with nearly the same figure. Mutual best pairs by
    same-fact probability, holders kept apart, as :func:`value_pairs`."""
    from .quantities import near_figure

    def near(x: ClaimCues, y: ClaimCues) -> bool:
        return any(near_figure(u, v, ratio) for u in x.quantities for v in y.quantities)

    return _sharing_pairs(claims, probs, cues, holders or {}, near, "quantity") if ratio > 1 else []


def sole_pairs(claims: dict[str, list[Claim]], probs: dict[tuple[str, str], np.ndarray],
               cues: dict[str, ClaimCues],
               holders: dict[str, frozenset[str]] | None = None) -> list[tuple[Claim, Claim, float, str]]:
    """(a, b, probability, "quantity") of two articles' claims that each give the article's one measurement of
    a kind (a speed, a duration, a magnitude: ``SOLE_DIMENSIONS``), whatever their wording: a story seldom
    measures two things of these kinds, so when each article gives one figure ("the quake lasted 15 seconds" /
    "the ground shook for about 30 seconds") they are one fact. An article that repeats its figure (a headline
    and the body) still gives one; of its claims, the pair with the highest same-fact probability is judged.
    Counts, money and percentages are many in a story, ages belong to people; claims naming holders and none in
    common are kept apart."""
    from .quantities import same_value

    holders = holders or {}
    Kind = tuple[str, str, bool]

    def figures(cs: list[Claim]) -> dict[Kind, list[tuple[int, Quantity]]]:
        out: dict[Kind, list[tuple[int, Quantity]]] = {}
        for i, c in enumerate(cs):
            for q in cues[c.id].quantities:
                if q.dimension in SOLE_DIMENSIONS:
                    out.setdefault((q.dimension, q.unit, q.measured == "delay"), []).append((i, q))
        return out

    def one_figure(found: list[tuple[int, Quantity]]) -> bool:
        return all(same_value(found[0][1], q) for _, q in found[1:])

    out: list[tuple[Claim, Claim, float, str]] = []
    for (da, db), p in probs.items():
        ca, cb = claims[da], claims[db]
        fb = figures(cb)
        for k, rows in figures(ca).items():
            cols = fb.get(k, [])
            if not cols or not one_figure(rows) or not one_figure(cols):
                continue
            pairs = [(float(p[i, j]), i, j) for i in sorted({i for i, _ in rows}) for j in sorted({j for j, _ in cols})
                     if not holders_apart(holders, ca[i], cb[j])]
            if pairs:
                pr, i, j = max(pairs)
                out.append((ca[i], cb[j], pr, "quantity"))
    return out


def holders_apart(holders: dict[str, frozenset[str]], x: Claim, y: Claim) -> bool:
    """Both claims name holders (people, organisations), none in common."""
    ha, hb = holders.get(x.id, frozenset()), holders.get(y.id, frozenset())
    return bool(ha and hb and not ha & hb)


# kinds a story seldom measures twice: lengths, heights, depths and weights are many things in one story
SOLE_DIMENSIONS = frozenset({"speed", "duration", "magnitude"})


def _sharing_pairs(claims: dict[str, list[Claim]], probs: dict[tuple[str, str], np.ndarray],
                   cues: dict[str, ClaimCues], holders: dict[str, frozenset[str]],
                   match: Callable[[ClaimCues, ClaimCues], bool], kind: str) -> list[tuple[Claim, Claim, float, str]]:
    """The mutual best pairs by same-fact probability among the claim pairs ``match`` accepts, per pair of
    articles; claims that name holders and none in common are kept apart."""
    out: list[tuple[Claim, Claim, float, str]] = []
    for (da, db), p in probs.items():
        ca, cb = claims[da], claims[db]
        rows: dict[int, list[int]] = {}  # claim of a -> claims of b it matches
        cols: dict[int, list[int]] = {}
        for i, x in enumerate(ca):
            cx = cues[x.id]
            if not cx.quantities and not cx.dates.times:
                continue
            for j, y in enumerate(cb):
                if match(cx, cues[y.id]):
                    if not holders_apart(holders, x, y):
                        rows.setdefault(i, []).append(j)
                        cols.setdefault(j, []).append(i)
        for i, js in rows.items():  # mutual best among the matching claims
            j = max(js, key=lambda jj: p[i, jj])
            if max(cols[j], key=lambda ii: p[ii, j]) == i:
                out.append((ca[i], cb[j], float(p[i, j]), kind))
    return out

