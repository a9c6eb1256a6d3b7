"""The judge: agree / contradict / tension / unrelated for each candidate pair, with a reason.

Structured checks that need no model come first, because they explain themselves and a
model cannot overrule arithmetic: quantities and dates, swapped roles, negation, scope.
Then the NLI model (when shipped and enabled) votes; the embedding similarity decides
what is left. A structured contradiction always wins over an NLI "entailment".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .align import WEAK_MEASURED, Candidate, Thresholds, holders_apart
from .cues import ClaimCues, stem
from .doc import BESIDE, RESTATED, Claim, Kind, Relation, Verdict
from .places import relation as place_relation
from .quantities import (
    agreeing_figures,
    compare_clock,
    compare_dates,
    compare_quantities,
    concept_match,
    restates,
    same_stated_figure,
    same_value,
    stop_words,
)
from .text import strip_accents

RoleCheck = Callable[[Claim, Claim], "Verdict | None"]


@dataclass(frozen=True)
class NliPolicy:
    """How far the NLI vote is trusted. The shipped model is a light classifier (see
    docs/EVALUATION.md), so it decides only pairs that similarity already makes plausible."""

    agree_p: float = 0.85  # entailment probability to call a near-threshold pair an agreement
    agree_margin: float = 0.05  # ... when similarity is at most this far below the agree threshold
    # The shipped model reads contradictions poorly (ANLI at chance; it flagged two copies of one
    # quote at p=0.95 on BASIL), so alone it raises no disagreement: bench/alarms.py measures this.
    raise_disagreements: bool = False
    tension_p: float = 0.95  # contradiction probability for a tension (similarity >= agree)
    contradict_p: float = 0.99  # ... for a contradiction (similarity >= agree + 0.1)


@dataclass
class JudgeContext:
    cues: dict[str, ClaimCues]
    thresholds: Thresholds
    roles: RoleCheck | None = None
    nli_probs: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    nli_labels: tuple[str, ...] = ("entailment", "neutral", "contradiction")
    nli_policy: NliPolicy = field(default_factory=NliPolicy)
    partners: set[tuple[str, str, str]] = field(default_factory=set)  # (a, b, kind) that may be compared
    closest: set[tuple[str, str]] = field(default_factory=set)  # mutual best matches overall
    places: dict[str, frozenset[str]] = field(default_factory=dict)  # claim -> where it happens (actors)
    place_names: dict[str, str] = field(default_factory=dict)
    # (document, dimension, unit, value) of figures that recur in two or more claims of their article
    recurring: set[tuple[str, str, str, float]] = field(default_factory=set)
    holders: dict[str, frozenset[str]] = field(default_factory=dict)  # claim -> people and organisations it names


def quantity_check(a: Claim, b: Claim, sim: float, ctx: JudgeContext) -> Verdict | None:
    if (a.id, b.id, "quantity") not in ctx.partners:
        return None
    qa, qb = list(ctx.cues[a.id].quantities), list(ctx.cues[b.id].quantities)
    ha, hb = ctx.holders.get(a.id, frozenset()), ctx.holders.get(b.id, frozenset())
    if (ha or hb) and not ha & hb:
        # an age belongs to one person: where a claim names someone the other does not, its age is theirs
        # ("the 59-year-old governor" / "fifteen-year-old girls I counselled")
        qa, qb = [q for q in qa if q.dimension != "age"], [q for q in qb if q.dimension != "age"]
    found = compare_quantities(qa, qb)
    if found and found[0] == "contradict":
        return Verdict("contradict", "quantity", 0.9, found[1], source="quantity")
    if found and found[0] == "tension":
        return Verdict("tension", "quantity", 0.6, found[1], source="quantity")
    return None


def beside_disagreements(relations: list[Relation], ctx: JudgeContext) -> list[Relation]:
    """What two claims at odds on one figure or date still agree on: one more relation, an agreement, per pair
    whose disagreement is a figure's ("78 people died and 150 were injured" against "78 people had died and a
    further 120 injured": 78 dead in both) or a date's, where the two give the same figure for another thing both
    name, or (beside a figure in dispute) the same clock time. A reader then finds both facts, the one in dispute
    and the one that is not. Disagreements on a place, roles or polarity get none: there the shared figure may
    belong to what is disputed."""
    out: list[Relation] = []
    for r in relations:
        if r.verdict.source not in ("quantity", "date") or r.verdict.label not in ("contradict", "tension"):
            continue
        ca, cb = ctx.cues[r.a.id], ctx.cues[r.b.id]
        same = agreeing_figures(list(ca.quantities), list(cb.quantities))
        # a clock time is not weighed beside a date in dispute: it belongs to that date
        clocks = [] if same or r.verdict.source != "quantity" else [
            found[1] for t in ca.dates.times for u in cb.dates.times
            if (found := compare_clock(t, u)) is not None and found[0] == "agree"]
        if not same and not clocks:
            continue
        kind: Kind = "quantity" if same else "time"
        why = "; ".join(same) if same else clocks[0]
        verdict = Verdict("agree", kind, r.similarity, f"same {why}; at odds on {r.verdict.explanation}", source=BESIDE)
        out.append(Relation(r.a, r.b, verdict, r.similarity))
    return out


def restatements(relations: list[Relation], claims: dict[str, list[Claim]], ctx: JudgeContext) -> list[Relation]:
    """A figure disagreement carried to the other places where an article states the same figure for the
    same thing (a headline's "more than 130 injured" and the body's "at least 130 injured" against another
    outlet's "150 injured"): which of an article's mentions the pair model matches depends on wording, and
    the reader should find the dispute where the article first states the figure too. At most one more
    place per side (the earliest other statement), so a figure repeated five times is not five disputes.
    The added relation has the disagreement of the one it restates, read from the restated figure alone
    (same label), and source ``doc.RESTATED``."""
    related = {(r.a.id, r.b.id) for r in relations} | {(r.b.id, r.a.id) for r in relations}
    with_figures = {doc: [c for c in cs if ctx.cues[c.id].quantities] for doc, cs in claims.items()}
    out: list[Relation] = []
    for r in relations:
        if r.verdict.source != "quantity" or r.verdict.label not in ("contradict", "tension"):
            continue
        for mine, other in ((r.a, r.b), (r.b, r.a)):
            stated = ctx.cues[mine.id].quantities
            theirs = list(ctx.cues[other.id].quantities)
            for c in with_figures.get(mine.doc, []):
                if c.id == mine.id or (c.id, other.id) in related:
                    continue
                again = [y for y in ctx.cues[c.id].quantities if any(restates(x, y) for x in stated)]
                if not again or holders_apart(ctx.holders, c, other):
                    continue
                found = compare_quantities(again, theirs)
                if found is None or found[0] != r.verdict.label:
                    continue
                v = Verdict(r.verdict.label, r.verdict.kind, r.verdict.confidence, f"{found[1]} (restated)",
                            source=RESTATED)
                out.append(Relation(c, other, v, r.similarity) if mine is r.a else Relation(other, c, v, r.similarity))
                related |= {(c.id, other.id), (other.id, c.id)}
                break  # one more place per side: the article's earliest other statement of the figure
    return out


def date_check(a: Claim, b: Claim, sim: float, ctx: JudgeContext) -> Verdict | None:
    if (a.id, b.id, "date") not in ctx.partners:
        return None
    ca, cb = ctx.cues[a.id], ctx.cues[b.id]
    preds_a, preds_b = ca.negated | ca.affirmed, cb.negated | cb.affirmed
    if a.language == b.language and preds_a and preds_b and not preds_a & preds_b:
        return None  # "urged lawmakers on Wednesday" vs "signed the bill on Thursday": two events
    found = compare_dates(ca.dates, cb.dates)
    if found and _by_years_alone(ca, cb) and not (_year_context(a.text, a.language, a.language == b.language)
                                                  & _year_context(b.text, b.language, a.language == b.language)):
        # "first elected in 2010" vs "after he left the FBI in 2006": the years date two events of one story
        return None
    if found:
        label, kind, why = found
        return Verdict(label, kind, 0.85 if label == "contradict" else 0.6, why, source="date")  # type: ignore[arg-type]
    return None


_YEAR = re.compile(r"(?<![\d.,/])(1[5-9]\d\d|20\d\d)(?![\d.,/]\d)")
_WORD = re.compile(r"[^\W\d_]{3,}")
_TOKEN = re.compile(r"[^\W\d_]+|\d+")
YEAR_WINDOW = 5  # words each side of a year that say what it dates


def _by_years_alone(ca: ClaimCues, cb: ClaimCues) -> bool:
    """The claims' dates differ only in their years (no day, weekday or clock time of both decides)."""
    return compare_dates(replace(ca.dates, years=frozenset()), replace(cb.dates, years=frozenset())) is None


def _year_context(text: str, language: str, words: bool = True) -> frozenset[str]:
    """Stems of the content words next to each year in ``text`` (what the year dates: "elected in 2010");
    with ``words`` False (claims in two languages), only what reads alike in any language: the names and
    figures next to each year ("the 2017 Champions League final" / "válido até 30 de junho de 2022" share none)."""
    stops = stop_words(language)
    out: set[str] = set()
    for m in _YEAR.finditer(text):
        if words:
            before = _WORD.findall(text[max(0, m.start() - 80):m.start()])[-YEAR_WINDOW:]
            after = _WORD.findall(text[m.end():m.end() + 80])[:YEAR_WINDOW]
            out.update(stem(w) for w in before + after if w.lower() not in stops)
            continue
        before = _TOKEN.findall(text[max(0, m.start() - 80):m.start()])[-YEAR_WINDOW:]
        after = _TOKEN.findall(text[m.end():m.end() + 80])[:YEAR_WINDOW]
        out.update(w if w[0].isdigit() else strip_accents(w.lower())[:5] for w in before + after
                   if w[0].isdigit() or (w[0].isupper() and len(w) >= 3 and w.lower() not in stops))
    return frozenset(out)


def place_check(a: Claim, b: Claim, sim: float, ctx: JudgeContext) -> Verdict | None:
    """Same fact, places that cannot be the same: "met in Moscow" vs "met in Sochi".

    Places are compared as the actors they belong to, so "in the Kremlin" and "in Moscow"
    (both Russia's seat of power) do not clash."""
    pa, pb = ctx.places.get(a.id), ctx.places.get(b.id)
    if not pa or not pb or pa & pb or sim < ctx.thresholds.agree or (a.id, b.id) not in ctx.closest:
        return None
    name = ctx.place_names
    # a city and the region or country that holds it are not two places; an unknown pair proves nothing
    for x in pa:
        for y in pb:
            if place_relation(name.get(x, x), name.get(y, y)) != "disjoint":
                return None
    return Verdict("contradict", "place", 0.7,
                   f"different places: {'/'.join(sorted(name.get(x, x) for x in pa))} vs "
                   f"{'/'.join(sorted(name.get(x, x) for x in pb))}", source="place")


def role_check(a: Claim, b: Claim, sim: float, ctx: JudgeContext) -> Verdict | None:
    if ctx.roles is None or sim < ctx.thresholds.structured:
        return None
    return ctx.roles(a, b)


def negation_check(a: Claim, b: Claim, sim: float, ctx: JudgeContext) -> Verdict | None:
    ca, cb = ctx.cues[a.id], ctx.cues[b.id]
    flipped = (ca.negated & cb.affirmed) | (cb.negated & ca.affirmed)
    if not flipped or (a.id, b.id, "polarity") not in ctx.partners or sim < ctx.thresholds.related:
        # a flip between claims under the same-fact floor is two events ("did not return calls" / "returned
        # to the scene"), whatever the sentences around them share
        return None
    word = sorted(flipped)[0]
    negated = ca if word in ca.negated else cb
    phrase = next((p for p in negated.negations if word in " ".join(stem(w) for w in p.split())), word)
    side = "first" if negated is ca else "second"
    label = "contradict" if sim >= ctx.thresholds.agree + 0.1 else "tension"
    return Verdict(label, "negation", 0.7 if label == "contradict" else 0.55,  # type: ignore[arg-type]
                   f"negated in the {side} claim only: '{phrase}'", source="negation")


def scope_check(a: Claim, b: Claim, sim: float, ctx: JudgeContext) -> Verdict | None:
    if sim < ctx.thresholds.structured:
        return None
    sa = dict(ctx.cues[a.id].scope)
    sb = dict(ctx.cues[b.id].scope)
    for word in sa.keys() & sb.keys():
        wa, wb = {stem(w) for w in sa[word][:4]}, {stem(w) for w in sb[word][:4]}
        # the same kind of thing ("first leader ...") qualified differently
        if wa & wb and wa != wb:
            return Verdict("tension", "scope", 0.55,
                           f"different scope: '{word} {' '.join(sa[word][:4])}' vs '{word} {' '.join(sb[word][:4])}'",
                           source="scope")
    return None


def recurring_figures(claims: dict[str, list[Claim]], cues: dict[str, ClaimCues]) -> set[tuple[str, str, str, float]]:
    """(document, dimension, unit, value) of the figures found in two or more claims of one article: the
    article's background ("over 75 years", the year's budget), not what singles out one fact."""
    out: set[tuple[str, str, str, float]] = set()
    for doc, cs in claims.items():
        seen: dict[tuple[str, str, float], int] = {}
        for c in cs:
            for key in {(q.dimension, q.unit, q.value) for q in cues[c.id].quantities}:
                seen[key] = seen.get(key, 0) + 1
        out |= {(doc, *key) for key, n in seen.items() if n > 1}
    return out


def unmatched_figures(qa: Any, qb: Any) -> str | None:
    """"x vs y" when two claims give figures of one dimension and unit and no figure of one is a figure
    of the other; None otherwise (no such figures, or one value shared). A count of "people" (a classifier
    more than a thing counted) is of the unit of any other count: "a capacity of 1,000" and "2,000 people
    inside" share no figure."""
    def kind(q: Any) -> tuple[str, str]:
        # a count of "people" (a classifier) may count what the other claim's count counts
        return (q.dimension, "*") if q.dimension == "count" and q.unit in WEAK_MEASURED else (q.dimension, q.unit)

    def meets(x: Any, y: Any) -> bool:
        kx, ky = kind(x), kind(y)
        return kx[0] == ky[0] and (kx[1] == ky[1] or "*" in (kx[1], ky[1]))

    pairs = [(x, y) for x in qa for y in qb if meets(x, y)]
    if not pairs:
        return None
    if any(same_value(x, y) or (x.dimension == "count" and x.value == y.value) for x, y in pairs):
        return None
    x, y = pairs[0]
    return f"{x.text} vs {y.text}"


def unmatched_dates(da: Any, db: Any) -> str | None:
    """"x vs y" when both claims give clock times and none of one is a time of the other, or both give
    a span of years and not the same one ("from 1996 to 2007" / "from 1993 to 1996"); None otherwise."""
    if da.times and db.times and not any((c := compare_clock(t, u)) is not None and c[0] == "agree"
                                         for t in da.times for u in db.times):
        return "/".join(f"{t.point // 60:02d}:{t.point % 60:02d}" for t in da.times) + " vs " + "/".join(
            f"{u.point // 60:02d}:{u.point % 60:02d}" for u in db.times)
    if len(da.years) >= 2 and len(db.years) >= 2 and da.years != db.years:
        return f"{'/'.join(map(str, sorted(da.years)))} vs {'/'.join(map(str, sorted(db.years)))}"
    return None


def matching_values(a: Claim, b: Claim, ctx: JudgeContext,
                    found: tuple[str, str] | None) -> tuple[Kind, str] | None:
    """("quantity" | "time", what matches) when two claims state the same value, with no figure of theirs
    at odds (``found`` from ``compare_quantities`` is an agreement): the same figure as written (same
    unit and hedge, equal within the written precision: "17 km" is "16.5 km" rounded) for the same
    measured thing; where neither says what it measures, a figure that recurs in no other claim of either
    article (a figure repeated through an article is its background, not this fact); or a clock time of
    one is a clock time of the other. A shared day or year is no match: most claims about one event
    share it."""
    ca, cb = ctx.cues[a.id], ctx.cues[b.id]
    if found is not None and found[0] == "agree":
        for x in ca.quantities:
            for y in cb.quantities:
                if same_stated_figure(x, y):
                    return "quantity", f"figures ({found[1]})"
                if x.hedge != y.hedge or not same_value(x, y):
                    continue
                if x.measured and y.measured and not concept_match(x.measured, y.measured):
                    continue
                if not (x.measured or y.measured) and (
                        (a.doc, x.dimension, x.unit, x.value) in ctx.recurring
                        or (b.doc, y.dimension, y.unit, y.value) in ctx.recurring):
                    continue
                return "quantity", f"figures ({found[1]})"
    for t in ca.dates.times:
        for u in cb.dates.times:
            clock = compare_clock(t, u)
            if clock is not None and clock[0] == "agree":
                return "time", f"time ({clock[1]})"
    return None


STRUCTURED_CHECKS = (quantity_check, date_check, place_check, role_check, negation_check, scope_check)


def judge_pair(cand: Candidate, ctx: JudgeContext) -> Verdict:
    a, b, sim = cand.a, cand.b, cand.similarity
    softer: Verdict | None = None
    for check in STRUCTURED_CHECKS:
        verdict = check(a, b, sim, ctx)
        if verdict is None:
            continue
        if verdict.label == "contradict":
            return verdict
        softer = softer or verdict
    if softer is not None:
        return softer
    probs = ctx.nli_probs.get((a.id, b.id))
    if probs is not None:
        p = dict(zip(ctx.nli_labels, probs.tolist()))
        pol, agree = ctx.nli_policy, ctx.thresholds.agree
        if pol.raise_disagreements and p["contradiction"] >= pol.contradict_p and sim >= agree + 0.1:
            return Verdict("contradict", "other", p["contradiction"],
                           f"the NLI model reads a contradiction (p={p['contradiction']:.2f})", source="nli")
        if pol.raise_disagreements and p["contradiction"] >= pol.tension_p and sim >= agree:
            return Verdict("tension", "other", p["contradiction"],
                           f"the NLI model leans to contradiction (p={p['contradiction']:.2f})", source="nli")
        if p["entailment"] >= pol.agree_p and agree - pol.agree_margin <= sim < agree:
            return Verdict("agree", "paraphrase", p["entailment"],
                           f"the NLI model reads the same fact (p={p['entailment']:.2f}, similarity {sim:.2f})",
                           source="nli")
    found = compare_quantities(list(ctx.cues[a.id].quantities), list(ctx.cues[b.id].quantities))
    if found and found[0] != "agree" and (a.id, b.id, "quantity") not in ctx.partners:
        # the same kind of figure with other values, in claims not paired on that figure: two facts
        return Verdict("unrelated", "other", 1.0 - sim, f"different figures ({found[1]})", source="quantity")
    if found is None and (clash := unmatched_figures(ctx.cues[a.id].quantities, ctx.cues[b.id].quantities)
                          or unmatched_dates(ctx.cues[a.id].dates, ctx.cues[b.id].dates)):
        # figures of one kind on both sides, none the same, none comparable ("eight hours later" /
        # "seven hours of searching"): whatever the wording shares, not an agreement
        return Verdict("unrelated", "other", 1.0 - sim, f"different figures ({clash})", source="quantity")
    supposed = ctx.cues[a.id].supposed or ctx.cues[b.id].supposed
    if supposed and not (ctx.cues[a.id].supposed and ctx.cues[b.id].supposed) and not (found and found[0] == "agree"):
        # "He has a certificate of live birth" / "Let's say there's no birth certificate": a supposition asserts
        # nothing for the other claim to agree with
        return Verdict("unrelated", "other", 1.0 - sim, f"a supposition, not a report ('{supposed}')",
                       source="embedding")
    if sim >= ctx.thresholds.agree or (sim >= ctx.thresholds.agree_mutual and (a.id, b.id) in ctx.closest):
        why = f"same fact (p={sim:.2f})" + (f"; {found[1]}" if found else "")
        return Verdict("agree", "paraphrase", min(0.99, sim), why, source="embedding")
    same = matching_values(a, b, ctx, found)
    if same is not None and sim >= ctx.thresholds.agree_values:
        # the same figure for the same thing, or the same clock time, in claims already paired
        # as candidates and found at odds by no check: the same fact, however the rest is worded
        kind, why = same
        return Verdict("agree", kind, sim, f"same {why}, p={sim:.2f}", source=kind)
    return Verdict("unrelated", "other", 1.0 - sim, f"different facts (p={sim:.2f})", source="embedding")


def nli_window(thresholds: Thresholds, policy: NliPolicy) -> tuple[float, float]:
    """The similarity range in which the NLI vote can change a verdict under ``policy``."""
    low = thresholds.agree - policy.agree_margin
    return (min(low, thresholds.agree), float("inf")) if policy.raise_disagreements else (low, thresholds.agree)


def run_nli(model: Any, cands: list[Candidate], window: tuple[float, float]) -> dict[tuple[str, str], np.ndarray]:
    """Symmetric NLI probabilities for the candidates whose verdict the vote can change.

    News claims rarely stand as premise and hypothesis, so both directions are read and
    the stronger entailment / contradiction is kept.
    """
    chosen = [c for c in cands if window[0] <= c.similarity < window[1]]
    if not chosen:
        return {}
    prem, hyp = [c.a.text for c in chosen], [c.b.text for c in chosen]
    forward = model.predict(prem, hyp)
    backward = model.predict(hyp, prem)
    labels = list(model.labels)
    e, n, c = labels.index("entailment"), labels.index("neutral"), labels.index("contradiction")
    out: dict[tuple[str, str], np.ndarray] = {}
    for cand, f, r in zip(chosen, forward, backward):
        probs = np.zeros(3, dtype=np.float32)
        probs[0] = max(f[e], r[e])
        probs[2] = max(f[c], r[c])
        probs[1] = max(0.0, 1.0 - probs[0] - probs[2]) if probs[0] + probs[2] < 1 else min(f[n], r[n])
        out[(cand.a.id, cand.b.id)] = probs
    return out
