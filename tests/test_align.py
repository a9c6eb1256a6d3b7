"""Fact-slot pairing (align.frame_pairs) on claims we wrote: figures that measure the same thing meet
whatever their wording; never across holders, never on a figure that does not say what it measures."""

from __future__ import annotations

import numpy as np

from factdiff.align import frame_pairs, near_pairs, sole_pairs, value_pairs
from factdiff.cues import read_cues
from factdiff.doc import Claim


def claims(doc: str, texts: list[str]) -> list[Claim]:
    return [Claim(f"{doc}:{k}", doc, k, 0, len(t), t, "en") for k, t in enumerate(texts)]


def test_figures_of_the_same_thing_meet_whatever_the_probability():
    a = claims("a", ["The storm hit the coast on Monday.", "Officials counted 31 dead by the evening."])
    b = claims("b", ["Rescue teams searched the rubble.", "The storm killed 27 people, police said."])
    cues = {c.id: read_cues(c.text, "en") for c in a + b}
    probs = {("a", "b"): np.array([[0.30, 0.02], [0.05, 0.01]])}  # the figures' sentences look unrelated
    pairs = {(x.id, y.id, kind) for x, y, _, kind in frame_pairs({"a": a, "b": b}, probs, cues)}
    assert pairs == {("a:1", "b:1", "quantity")}


def test_figures_of_different_holders_and_open_figures_stay_apart():
    a = claims("a", ["The blue party won 23 seats.", "The project took two years."])
    b = claims("b", ["The green party won 20 seats.", "The bridge was closed for five years."])
    cues = {c.id: read_cues(c.text, "en") for c in a + b}
    probs = {("a", "b"): np.array([[0.40, 0.01], [0.01, 0.40]])}
    holders = {"a:0": frozenset({"blue"}), "b:0": frozenset({"green"})}
    assert frame_pairs({"a": a, "b": b}, probs, cues, holders) == []


def test_clock_times_fill_one_slot():
    a = claims("a", ["The train left at 8:15 a.m.", "It was raining."])
    b = claims("b", ["Le train est parti à 8h40.", "Il pleuvait."])
    cues = {c.id: read_cues(c.text, c.language) for c in a + b}
    probs = {("a", "b"): np.array([[0.04, 0.01], [0.02, 0.60]])}
    pairs = {(x.id, y.id, kind) for x, y, _, kind in frame_pairs({"a": a, "b": b}, probs, cues)}
    assert ("a:0", "b:0", "date") in pairs


def test_the_same_figure_for_the_same_thing_pairs_claims_whatever_the_probability():
    """align.value_pairs: among several claims that count seats, the ones stating the same figure meet."""
    a = claims("a", ["The assembly has 150 seats in all.", "The liberals won 31 seats.", "Turnout was high."])
    b = [Claim(f"b:{k}", "b", k, 0, len(t), t, "es") for k, t in enumerate(
        ["Los liberales lograron unos 31 escaños.", "El parlamento cuenta con 150 escaños.", "Llovió."])]
    cues = {c.id: read_cues(c.text, c.language) for c in a + b}
    probs = {("a", "b"): np.array([[0.02, 0.03, 0.01], [0.04, 0.02, 0.01], [0.01, 0.01, 0.30]])}
    pairs = {(x.id, y.id) for x, y, _, kind in value_pairs({"a": a, "b": b}, probs, cues)}
    assert pairs == {("a:0", "b:1"), ("a:1", "b:0")}  # "unos 31" states the figure "31" states
    # different figures, or figures of different holders, pair nothing
    holders = {"a:1": frozenset({"liberal"}), "b:0": frozenset({"conservative"})}
    pairs = {(x.id, y.id) for x, y, _, _ in value_pairs({"a": a, "b": b}, probs, cues, holders)}
    assert pairs == {("a:0", "b:1")}


def test_value_pairs_need_the_same_measured_thing_and_compatible_hedges():
    a = claims("a", ["At least 12 people died.", "The storm destroyed 12 houses."])
    b = claims("b", ["Twelve people died in the storm.", "More than 12 houses were destroyed."])
    cues = {c.id: read_cues(c.text, "en") for c in a + b}
    probs = {("a", "b"): np.array([[0.05, 0.01], [0.01, 0.05]])}
    # "at least 12" and "more than 12" are not the plain figure 12: nothing pairs on equal figures here
    assert value_pairs({"a": a, "b": b}, probs, cues) == []


def test_close_but_different_figures_for_one_thing_pair_claims_whatever_the_probability():
    """align.near_pairs: two outlets' figures for one thing, a few per cent apart, in sentences that share
    little; not figures of other things, not figures far apart, not the same figure."""
    a = claims("a", ["She had been in office for 44 days when she quit.", "The league paid 120 million euros.",
                     "The strike lasted three days."])
    b = [Claim(f"b:{k}", "b", k, 0, len(t), t, "fr") for k, t in enumerate(
        ["Après seulement 45 jours, la première ministre est partie.", "Le club a versé 150 millions d'euros.",
         "Il pleuvait sur la capitale."])]
    cues = {c.id: read_cues(c.text, c.language) for c in a + b}
    probs = {("a", "b"): np.array([[0.03, 0.01, 0.01], [0.01, 0.02, 0.01], [0.02, 0.01, 0.01]])}
    pairs = {(x.id, y.id, kind) for x, y, _, kind in near_pairs({"a": a, "b": b}, probs, cues, 1.1)}
    assert pairs == {("a:0", "b:0", "quantity")}  # 44 vs 45 days; 120 vs 150 million is 1.25 apart
    pairs = {(x.id, y.id) for x, y, _, _ in near_pairs({"a": a, "b": b}, probs, cues, 1.3)}
    assert pairs == {("a:0", "b:0"), ("a:1", "b:1")}
    assert near_pairs({"a": a, "b": b}, probs, cues, 0.0) == []  # off
    # the same figure, or figures of different holders, pair nothing here
    same = claims("c", ["The minister resigned after 44 days."])
    cues |= {c.id: read_cues(c.text, "en") for c in same}
    assert near_pairs({"a": a, "c": same}, {("a", "c"): np.full((3, 1), 0.05)}, cues, 1.1) == []
    holders = {"a:0": frozenset({"truss"}), "b:0": frozenset({"johnson"})}
    assert near_pairs({"a": a, "b": b}, probs, cues, 1.1, holders) == []


def test_close_percentages_that_do_not_say_what_they_measure_do_not_pair():
    a = claims("a", ["The governing party polled 23 percent."])
    b = claims("b", ["Turnout in the capital was 24 percent."])
    cues = {c.id: read_cues(c.text, "en") for c in a + b}
    assert near_pairs({"a": a, "b": b}, {("a", "b"): np.array([[0.05]])}, cues, 1.1) == []


def test_an_open_bound_is_no_close_figure_and_leaves_the_estimate_to_pair():
    """A floor ("hundreds of thousands", "more than") is no estimate: the claim with a figure close to the
    other outlet's estimate pairs, even where the floor's sentence is the likelier same fact."""
    a = claims("a", ["Hundreds of thousands of people marched through the capital.",
                     "The police counted some 104,000 demonstrators."])
    b = [Claim("b:0", "b", 0, 0, 60, "Según la policía, hubo 98.000 personas en la marcha.", "es")]
    cues = {c.id: read_cues(c.text, c.language) for c in a + b}
    assert cues["a:0"].quantities[0].value == 100_000  # read as a floor ...
    probs = {("a", "b"): np.array([[0.20], [0.03]])}  # ... in the sentence closer to the other one
    pairs = {(x.id, y.id) for x, y, _, _ in near_pairs({"a": a, "b": b}, probs, cues, 1.1)}
    assert pairs == {("a:1", "b:0")}  # 104,000 vs 98,000; "hundreds of thousands" is within 1.1 of 98,000


def test_unlabelled_sums_and_shares_are_not_matched_by_sentence_closeness():
    """align.structured_partners on sentence vectors (measured False): two claims whose sentences are close
    compare their durations, not sums of money or percentages that do not say what they measure (a story gives
    many of those for different things); a labelled one still pairs."""
    from factdiff.align import THRESHOLDS, Candidate, structured_partners

    a = claims("a", ["The talks lasted three hours.", "Lawmakers talked about $3.5 billion on Friday.",
                     "Support stood at 21 percent.", "Officials counted 3.5 million voters."])
    b = claims("b", ["The meeting went on for two hours.", "Lawmakers discussed $3.6 billion that day.",
                     "Support reached 20 percent.", "Officials counted 3.6 million voters."])
    cues = {c.id: read_cues(c.text, "en") for c in a + b}
    context = {c.id: np.array([1.0, 0.0]) for c in a + b}  # every sentence as close as can be to every other
    cands = [Candidate(x, y, 0.9, "similar") for x, y in zip(a, b, strict=True)]
    found = structured_partners(cands, cues, context, THRESHOLDS["use"])
    pairs = {(x, y) for x, y, kind in found if kind == "quantity"}
    assert ("a:0", "b:0") in pairs and ("a:3", "b:3") in pairs
    assert ("a:1", "b:1") not in pairs and ("a:2", "b:2") not in pairs
    # by same-fact probability (measured True) the same sums are still compared
    by_probability = structured_partners(cands, cues, None, THRESHOLDS["use"], measured=True)
    assert {("a:1", "b:1", "quantity"), ("a:2", "b:2", "quantity")} <= by_probability


def test_the_one_duration_of_each_article_pairs_whatever_the_probability():
    a = claims("a", ["The quake struck off the coast at noon.", "The shaking lasted 20 seconds, residents said."])
    b = claims("b", ["Buildings swayed in the capital.", "The ground moved for about 45 seconds."])
    cues = {c.id: read_cues(c.text, "en") for c in a + b}
    probs = {("a", "b"): np.array([[0.30, 0.02], [0.05, 0.01]])}
    pairs = {(x.id, y.id, kind) for x, y, _, kind in sole_pairs({"a": a, "b": b}, probs, cues)}
    assert pairs == {("a:1", "b:1", "quantity")}
    # two durations in one article: which one the other's belongs to is not known, nothing pairs
    b2 = claims("b", ["The talks lasted two hours.", "The ground moved for about 45 seconds."])
    cues.update({c.id: read_cues(c.text, "en") for c in b2})
    assert sole_pairs({"a": a, "b": b2}, probs, cues) == []
    # lengths and heights are many things in one story: a depth and a wave height do not pair
    a3 = claims("a", ["The water was 15 metres deep there.", "Divers searched all night."])
    b3 = claims("b", ["A two-metre wave hit the boat.", "Divers searched all night."])
    cues.update({c.id: read_cues(c.text, "en") for c in a3 + b3})
    assert sole_pairs({"a": a3, "b": b3}, probs, cues) == []


def test_an_article_repeating_its_one_speed_still_gives_one_measurement():
    a = claims("a", ["At 190 km/h into the bend.", "The driver said the train ran at 190 km/h.", "It was raining."])
    b = claims("b", ["The train was going faster than 180 km/h on that stretch.", "Rescuers arrived."])
    cues = {c.id: read_cues(c.text, "en") for c in a + b}
    probs = {("a", "b"): np.array([[0.02, 0.01], [0.04, 0.01], [0.01, 0.30]])}
    pairs = {(x.id, y.id) for x, y, _, _ in sole_pairs({"a": a, "b": b}, probs, cues)}
    assert pairs == {("a:1", "b:0")}  # the restatement with the higher same-fact probability
    # two different speeds in one article: no pairing
    a[2] = Claim("a:2", "a", 2, 0, 30, "The limit there is 80 km/h.", "en")
    cues["a:2"] = read_cues(a[2].text, "en")
    assert sole_pairs({"a": a, "b": b}, probs, cues) == []
