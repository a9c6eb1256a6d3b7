"""The judge on pairs we wrote: each structured check fires where it should, and only there."""

from __future__ import annotations

import pytest

import factdiff
from factdiff.doc import Document


def judged(a: str, b: str, **opts):
    report = factdiff.compare([Document("a", "a.txt", a), Document("b", "b.txt", b)], nli=False, **opts)
    return [(r.verdict.label, r.verdict.kind) for r in report.relations], report


@pytest.mark.parametrize("a, b, expected", [
    ("The summit in Geneva lasted three hours on Monday.",
     "The summit in Geneva lasted two and a half hours on Monday.", ("contradict", "quantity")),
    ("Twelve people were injured when the bridge collapsed in Porto.",
     "Seventeen people were injured when the bridge collapsed in Porto.", ("contradict", "quantity")),
    ("The new stadium will open on March 3, the city council said.",
     "The new stadium will open on March 5, the city council said.", ("contradict", "date")),
    ("Chancellor Ida Brandt met the union leaders in Hamburg on Thursday.",
     "Chancellor Ida Brandt met the union leaders in Munich on Thursday.", ("contradict", "place")),
    ("The mayor did not approve the new parking fees.", "The mayor approved the new parking fees.",
     ("contradict", "negation")),
])
def test_structured_contradictions(a, b, expected):
    labels, _ = judged(a, b)
    assert expected in labels


@pytest.mark.parametrize("a, b", [
    ("The talks lasted about three hours, officials said.", "The talks lasted nearly three hours, officials said."),
    ("Twelve people were injured in the collapse.", "12 people were injured in the collapse."),
    ("The minister arrived in Vienna on Saturday morning.", "The minister reached Vienna early on Saturday."),
])
def test_compatible_facts_agree(a, b):
    labels, _ = judged(a, b)
    assert labels and all(label == "agree" for label, _ in labels)


def test_scope_is_a_tension():
    labels, _ = judged("She is the first woman from the party to lead the senate.",
                       "She is the first woman to lead the senate.")
    assert ("tension", "scope") in labels


def test_different_events_with_different_numbers_are_not_contradictions():
    labels, _ = judged(
        "The president met the ambassador in Lisbon for two hours.\nLater he spoke with reporters for ten minutes.",
        "The president and the ambassador talked for two hours in Lisbon.",
    )
    assert ("contradict", "quantity") not in labels


def test_unrelated_articles_share_nothing():
    labels, report = judged("The central bank raised interest rates by half a point on Tuesday.",
                            "A rare orchid bloomed in the botanical garden after forty years.")
    assert labels == []
    assert len(report.unique) == 2
    assert report.similarity[0][2] < 0.3


def test_exhaustive_mode_judges_every_pair():
    a = "The council met on Monday. It approved the budget. The mayor was absent."
    b = "On Monday the council approved the budget. The mayor did not attend."
    _, fast = judged(a, b)
    _, full = judged(a, b, exhaustive=True)
    assert full.stats["judge_calls"] == full.stats["claim_pairs"] == 6
    assert fast.stats["judge_calls"] < full.stats["judge_calls"]


def test_a_no_that_negates_a_noun_is_not_a_negated_claim():
    labels, _ = judged("The bill passed the Senate without a single no vote on Tuesday.",
                       "The Senate passed the bill by a voice vote on Tuesday.")
    assert not [lab for lab in labels if lab[1] == "negation"]


def test_a_negated_figure_denies_a_value_not_the_claim():
    # "and not 2015" rules out an earlier date; the claim itself (the delivery is expected) is affirmed
    a = "The new bridge is now expected to open around 2030, and not 2027 as first planned."
    b = "Se espera que el nuevo puente abra en torno a 2030, y no en 2027 como se planeó al principio."
    labels, report = judged(a, b)
    assert report.stats["judge_calls"] >= 1  # the pair was judged
    assert labels and not [lab for lab in labels if lab[1] == "negation"]


def test_a_negated_subject_negates_the_claim():
    labels, _ = judged("Officials said no oil had leaked from the tanker.",
                       "Inspectors said oil had leaked from the tanker into the bay.")
    assert ("negation" in {kind for _, kind in labels})


def test_first_about_different_things_is_no_scope_tension():
    labels, _ = judged("It was the first override Mr. Obama faced in his presidency.",
                       "It was the first time a chamber of Congress overruled Obama on a veto.")
    assert ("tension", "scope") not in labels


def test_opinions_and_participles_carry_no_polarity():
    labels, _ = judged("\"I don't think the deal is worse than the last one,\" the senator said.",
                       "The senator thinks the deal is worse than the last one.")
    assert not [lab for lab in labels if lab[1] == "negation"]
    labels, _ = judged("The proposal does not include a path to citizenship for the workers.",
                       "Critics attacked the plan, including its path to citizenship for the workers.")
    assert not [lab for lab in labels if lab[1] == "negation"]


def test_dates_of_different_events_do_not_clash():
    labels, _ = judged("Governor Ada Lind on Wednesday urged lawmakers to change the housing bill.",
                       "Governor Ada Lind on Thursday signed a revised version of the housing bill.")
    assert ("contradict", "date") not in labels


def _low_probability_verdict(a: str, lang_a: str, b: str, lang_b: str, p: float = 0.12, recurring=None, **thresholds):
    """The judge's verdict on two claims whose same-fact probability is low (under Config.agree_p and
    the old 'same numbers' floor of related_p + 0.1), with the default thresholds unless given."""
    from factdiff.align import Candidate, Thresholds
    from factdiff.config import DEFAULT
    from factdiff.cues import read_cues
    from factdiff.doc import Claim
    from factdiff.judge import JudgeContext, judge_pair

    ca = Claim("a:0", "a", 0, 0, len(a), a, lang_a)
    cb = Claim("b:0", "b", 0, 0, len(b), b, lang_b)
    limits = {"candidate": DEFAULT.candidate_p, "structured": DEFAULT.candidate_p / 2, "related": DEFAULT.related_p,
              "agree": DEFAULT.agree_p, "context": 0.0, "agree_values": DEFAULT.agree_values_p, **thresholds}
    ctx = JudgeContext(cues={"a:0": read_cues(a, lang_a), "b:0": read_cues(b, lang_b)}, thresholds=Thresholds(**limits),
                       recurring=recurring or set())
    return judge_pair(Candidate(ca, cb, p, "similar"), ctx)


@pytest.mark.parametrize("a, b, kind", [
    ("Firefighters said 31 people died in the warehouse blaze.",
     "Selon les pompiers, 31 personnes sont mortes dans l'incendie.", "quantity"),
    ("The warehouse blaze started at 9:40 a.m., firefighters said.",
     "Le feu a pris vers 9h40 selon les pompiers.", "time"),
])
def test_a_matching_figure_or_clock_time_makes_a_judged_pair_agree(a, b, kind):
    verdict = _low_probability_verdict(a, "en", b, "fr")
    assert (verdict.label, verdict.kind) == ("agree", kind)
    # ... only from Config.agree_values_p on
    assert _low_probability_verdict(a, "en", b, "fr", agree_values=0.5).label == "unrelated"


@pytest.mark.parametrize("a, b", [
    ("Firefighters said 31 people died in the warehouse blaze.",
     "Selon les pompiers, 26 personnes sont mortes dans l'incendie."),  # other figure, not compared here
    ("The warehouse blaze started at 9:40 a.m., firefighters said.", "L'incendie a commencé à 11h15."),
    ("The warehouse burned down on March 3.", "Le maire a visité le quartier le 3 mars."),  # a shared day
])
def test_other_values_or_a_shared_day_make_no_agreement(a, b):
    assert _low_probability_verdict(a, "en", b, "fr").label == "unrelated"


@pytest.mark.parametrize("a, b", [
    ("Officials said 31 people died in the blaze.", "Around 31 houses burned down in the blaze."),  # other things
    ("The ferry carried about 40 people.", "The ferry carried 40 people."),  # other hedge: a tension at most
])
def test_same_number_for_other_things_or_hedges_makes_no_agreement(a, b):
    verdict = _low_probability_verdict(a, "en", b, "en")
    assert verdict.label != "agree", verdict


def test_a_figure_that_recurs_through_an_article_is_no_match():
    """An unlabelled figure that also stands in another claim of its article is background, not this fact."""
    from factdiff.cues import read_cues
    from factdiff.doc import Claim
    from factdiff.judge import recurring_figures

    a, b = "The plan covers the next 75 years.", "Le budget sur 75 ans a été voté."
    assert _low_probability_verdict(a, "en", b, "fr").label == "agree"  # once in each article: a match
    other = "Over 75 years the fund would run dry."
    claims = {"a": [Claim("a:0", "a", 0, 0, len(a), a, "en"), Claim("a:1", "a", 1, 0, len(other), other, "en")],
              "b": [Claim("b:0", "b", 0, 0, len(b), b, "fr")]}
    cues = {c.id: read_cues(c.text, c.language) for cs in claims.values() for c in cs}
    recurring = recurring_figures(claims, cues)
    assert {(doc, dim) for doc, dim, _, _ in recurring} == {("a", "duration")}
    assert _low_probability_verdict(a, "en", b, "fr", recurring=recurring).label == "unrelated"


def test_claims_whose_times_or_spans_of_years_differ_are_not_agreements_by_wording() -> None:
    from factdiff.judge import unmatched_dates
    from factdiff.quantities import extract_dates

    a = extract_dates("The talks began at 10:27 and ended at 11:12.", "en")
    b = extract_dates("The talks will begin at 11 a.m.", "en")
    c = extract_dates("The talks began at 10.27 local time.", "en")
    assert unmatched_dates(a, b) == "10:27/11:12 vs 11:00"
    assert unmatched_dates(a, c) is None  # one time in common
    span = extract_dates("She was mayor from 1994 to 2003.", "en")
    other = extract_dates("She was a councillor from 1989 to 1994.", "en")
    assert unmatched_dates(span, other) == "1994/2003 vs 1989/1994"
    assert unmatched_dates(span, extract_dates("She was mayor from 1994 to 2003, the paper said.", "en")) is None


def test_figures_of_one_kind_none_shared_block_an_agreement_by_wording() -> None:
    from factdiff.judge import unmatched_figures
    from factdiff.quantities import extract_quantities

    a = extract_quantities("Police arrested him eight hours later.", "en")
    b = extract_quantities("After seven hours of searching, police arrested him.", "en")
    assert unmatched_figures(a, b) == "eight hours vs seven hours"
    assert unmatched_figures(a, extract_quantities("Eight hours later he was arrested.", "en")) is None
    assert unmatched_figures(a, extract_quantities("Two officers made the arrest.", "en")) is None
    # a count of people meets any other count: a capacity of 1,000 vs 2,000 people inside share no figure
    capacity = extract_quantities("The hall had a capacity of 1,000.", "en")
    inside = extract_quantities("About 2,000 people were inside the hall.", "en")
    assert [q.unit for q in capacity] == ["capacity"] and [q.unit for q in inside] == ["people"]
    assert unmatched_figures(capacity, inside) == "1,000 vs 2,000"
    assert unmatched_figures(capacity, extract_quantities("1,000 people were inside.", "en")) is None


def _verdict_with(a: str, b: str, p: float, partners: set[str], holders: dict[str, frozenset[str]] | None = None,
                  langs: tuple[str, str] = ("en", "en")):
    """The judge's verdict on two claims (English unless ``langs``) paired on ``partners`` (kinds) at same-fact
    probability ``p``."""
    from factdiff.align import Candidate, Thresholds
    from factdiff.config import DEFAULT
    from factdiff.cues import read_cues
    from factdiff.doc import Claim
    from factdiff.judge import JudgeContext, judge_pair

    ca, cb = Claim("a:0", "a", 0, 0, len(a), a, langs[0]), Claim("b:0", "b", 0, 0, len(b), b, langs[1])
    limits = Thresholds(candidate=DEFAULT.candidate_p, structured=DEFAULT.candidate_p / 2, related=DEFAULT.related_p,
                        agree=DEFAULT.agree_p, context=0.0, agree_values=DEFAULT.agree_values_p)
    ctx = JudgeContext(cues={"a:0": read_cues(a, langs[0]), "b:0": read_cues(b, langs[1])}, thresholds=limits,
                       partners={("a:0", "b:0", kind) for kind in partners}, holders=holders or {})
    return judge_pair(Candidate(ca, cb, p, "similar"), ctx)


def test_ages_are_compared_for_one_person_only() -> None:
    a, b = "The 61-year-old senator Ana Ruiz spoke first.", "Ana Ruiz, aged 64, spoke first at the hearing."
    ruiz = frozenset({"Ana Ruiz"})
    clash = _verdict_with(a, b, 0.6, {"quantity"}, {"a:0": ruiz, "b:0": ruiz})
    assert (clash.label, clash.kind) == ("contradict", "quantity") and "age" in clash.explanation
    # the same figures where one claim names a person and the other does not: two people's ages
    other = "Students aged 16 asked the first question at the hearing."
    verdict = _verdict_with(a, other, 0.6, {"quantity"}, {"a:0": ruiz})
    assert verdict.label != "contradict" and verdict.source != "quantity", verdict
    # neither claim names anyone: the ages are compared (a pair a user puts side by side)
    unnamed = _verdict_with("The driver was 45 years old.", "The driver was 52 years old.", 0.6, {"quantity"})
    assert (unnamed.label, unnamed.kind) == ("contradict", "quantity")


def test_a_negation_flip_under_the_same_fact_floor_is_two_events() -> None:
    from factdiff.config import DEFAULT

    a, b = "The mayor did not return calls on Monday.", "The mayor returned to the flooded district on Monday."
    low = _verdict_with(a, b, DEFAULT.related_p / 2, {"polarity"})
    assert low.source != "negation" and low.label == "unrelated", low
    high = _verdict_with(a, b, DEFAULT.related_p + 0.05, {"polarity"})
    assert (high.label, high.kind) == ("tension", "negation"), high


def test_a_disputed_figure_is_shown_where_the_article_states_it_again() -> None:
    a = ("More than 130 people were injured when the ferry hit the pier in Valletta.\n"
         "The harbour master said the ferry was sailing too fast.\n"
         "Hospital officials said at least 130 people were injured, twenty of them seriously.")
    b = "The ferry crash at the pier in Valletta left 150 people injured, the harbour authority said."
    _, report = judged(a, b)
    disputes = [r for r in report.relations if r.verdict.label in ("contradict", "tension")
                and r.verdict.kind == "quantity"]
    a_sides = sorted({(r.a if r.a.doc == "a" else r.b).start for r in disputes})
    assert len(a_sides) == 2, [(r.a.text, r.b.text, r.verdict) for r in report.relations]
    assert {r.verdict.source for r in disputes} == {"quantity", "quantity:restated"}
    summary = report.to_json()["summary"]
    # one dispute, shown at two places, counted once
    assert summary["contradictions"] + summary["tensions"] == 1 and summary["restated"] == 1


def test_a_figure_stated_once_is_not_restated() -> None:
    a = ("More than 130 people were injured when the ferry hit the pier in Valletta.\n"
         "Forty passengers were taken to hospital in Valletta.")
    b = "The ferry crash at the pier in Valletta left 150 people injured, the harbour authority said."
    _, report = judged(a, b)
    disputes = [r for r in report.relations if r.verdict.label in ("contradict", "tension")]
    assert disputes and report.to_json()["summary"]["restated"] == 0


def test_a_clause_split_off_without_its_subject_keeps_who_the_figure_belongs_to() -> None:
    a = ("Polls closed at nine in the evening. The Liberal Union, led by Ana Ruiz, is expected to lose ground, "
         "securing 24 seats, ten fewer than before.")
    b = "The Green Party of Tomas Berg is expected to win, securing 35 seats, ten more than before."
    labels, report = judged(a, b, exhaustive=True)
    fragments = [c for cs in report.claims.values() for c in cs if c.text.startswith("securing")]
    assert len(fragments) == 2 and report.stats["judge_calls"] == len(report.claims["a"]) * len(report.claims["b"])
    # 24 seats are the Liberal Union's, 35 the Green Party's: two facts, not a clash
    assert ("contradict", "quantity") not in labels, report.relations


def test_years_that_date_two_events_of_one_story_do_not_clash() -> None:
    a = "The charges against the mayor, a Democrat first elected in 2014, include bribery and fraud."
    b = "The charges include bribery and fraud over a firm he ran after he left the army in 2009."
    verdict = _verdict_with(a, b, 0.8, {"date"})
    assert verdict.label != "contradict" and verdict.source != "date", verdict
    # the same event dated by two years in one language still clashes
    clash = _verdict_with("The mayor was first elected in 2014 on a reform ticket.",
                          "The mayor, first elected in 2012, ran on a reform ticket.", 0.8, {"date"})
    assert (clash.label, clash.kind, clash.explanation) == ("contradict", "date", "2014 vs 2012"), clash


def test_years_in_two_languages_clash_only_beside_a_shared_name_or_figure() -> None:
    """Across languages no word stem is shared, so what dates one event is a name or figure next to both years."""
    final = "He scored twice in the 2017 final against the champions, the club recalled."
    contract = "O contrato com o clube é válido até 30 de junho de 2022."
    verdict = _verdict_with(final, contract, 0.8, {"date"}, langs=("en", "pt"))
    assert verdict.label != "contradict" and verdict.source != "date", verdict
    # one event (the founding by Otto Brandt) dated by two years: still a contradiction
    clash = _verdict_with("The museum was founded in 1887 by the merchant Otto Brandt.",
                          "Das Museum wurde 1891 von dem Kaufmann Otto Brandt gegründet.", 0.8, {"date"},
                          langs=("en", "de"))
    assert (clash.label, clash.kind, clash.explanation) == ("contradict", "date", "1887 vs 1891"), clash


@pytest.mark.parametrize("report, lang_r, supposed, lang_s", [
    ("The mayor has a signed permit for the tower.", "en", "Let's say there's no signed permit for the tower.", "en"),
    ("El alcalde tiene un permiso firmado para la torre.", "es",
     "Supongamos que no hay un permiso firmado para la torre.", "es"),
    ("Der Bürgermeister hat eine unterschriebene Genehmigung für den Turm.", "de",
     "Angenommen, es gibt keine Genehmigung für den Turm.", "de"),
])
def test_a_supposition_is_no_report_to_agree_with(report, lang_r, supposed, lang_s) -> None:
    verdict = _low_probability_verdict(report, lang_r, supposed, lang_s, p=0.9)
    assert verdict.label == "unrelated" and "supposition" in verdict.explanation, verdict
    # the same two claims without the supposition agree at that probability (the pair is judged)
    plain = _low_probability_verdict(report, lang_r, report, lang_r, p=0.9)
    assert plain.label == "agree", plain
    # two suppositions of one thing still agree
    assert _low_probability_verdict(supposed, lang_s, supposed, lang_s, p=0.9).label == "agree"


@pytest.mark.parametrize("a, b, kind, same", [
    # one figure in dispute (injured), another given alike (dead): both facts are printed
    ("The flood killed 14 people and injured 40 in the valley on Sunday.",
     "Fourteen people died and 65 were injured when the flood hit the valley on Sunday.", "quantity", "dead"),
    # passengers in dispute, the departure time the same (12-hour clock against 24-hour clock)
    ("The ferry, carrying 310 passengers, left the port at 6:40 p.m. on Friday.",
     "The ferry left the port at 18:40 on Friday with 280 passengers aboard.", "time", "18:40"),
])
def test_a_figure_in_dispute_leaves_an_agreed_one_agreed(a, b, kind, same):
    from factdiff.doc import BESIDE

    labels, report = judged(a, b)
    assert ("contradict", "quantity") in labels or ("tension", "quantity") in labels, labels
    agreed = [r for r in report.relations if r.verdict.label == "agree"]
    assert len(agreed) == 1 and agreed[0].verdict.source == BESIDE and agreed[0].verdict.kind == kind, labels
    assert same in agreed[0].verdict.explanation and "at odds on" in agreed[0].verdict.explanation
    disputed = next(r for r in report.relations if r.verdict.label != "agree")
    assert {agreed[0].a.id, agreed[0].b.id} == {disputed.a.id, disputed.b.id}  # the same two claims


def test_a_date_in_dispute_leaves_an_agreed_figure_agreed_but_not_a_clock_time():
    from factdiff.doc import BESIDE

    labels, report = judged("Three firefighters died in the warehouse blaze on Tuesday night.",
                            "Three firefighters died in the warehouse blaze on Wednesday night, officials said.")
    assert ("contradict", "date") in labels, labels
    agreed = [r for r in report.relations if r.verdict.label == "agree"]
    assert len(agreed) == 1 and agreed[0].verdict.source == BESIDE and "dead" in agreed[0].verdict.explanation
    # the same clock time on two days in dispute is not an agreement: the time belongs to the date
    labels, _ = judged("The new stadium will open at 18:00 on March 3, the council said.",
                       "The new stadium will open at 6 p.m. on March 5, the council said.")
    assert ("contradict", "date") in labels and not any(label == "agree" for label, _ in labels), labels


def test_a_mutual_best_pair_agrees_from_config_agree_mutual_p_only() -> None:
    """Config.agree_mutual_p (off by default): a pair under agree_p agrees when each claim is the other's closest
    candidate, never when it is not."""
    from factdiff.align import Candidate, Thresholds
    from factdiff.config import DEFAULT
    from factdiff.cues import read_cues
    from factdiff.doc import Claim
    from factdiff.judge import JudgeContext, judge_pair

    a, b = "Rescuers reached the stranded hikers before dawn.", "Les secouristes ont atteint les randonneurs à l'aube."
    ca, cb = Claim("a:0", "a", 0, 0, len(a), a, "en"), Claim("b:0", "b", 0, 0, len(b), b, "fr")
    cues = {"a:0": read_cues(a, "en"), "b:0": read_cues(b, "fr")}

    def verdict(agree_mutual: float, closest: set[tuple[str, str]]):  # type: ignore[no-untyped-def]
        limits = Thresholds(candidate=DEFAULT.candidate_p, structured=DEFAULT.candidate_p / 2,
                            related=DEFAULT.related_p, agree=DEFAULT.agree_p, context=0.0,
                            agree_values=DEFAULT.agree_values_p, agree_mutual=agree_mutual)
        return judge_pair(Candidate(ca, cb, 0.4, "similar"), JudgeContext(cues=cues, thresholds=limits,
                                                                         closest=closest))

    assert DEFAULT.agree_mutual_p > 1.0 - 1e-9  # off
    assert verdict(DEFAULT.agree_mutual_p, {("a:0", "b:0")}).label == "unrelated"
    assert verdict(0.35, {("a:0", "b:0")}).label == "agree"
    assert verdict(0.35, set()).label == "unrelated"
