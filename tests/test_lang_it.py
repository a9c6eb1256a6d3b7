"""Italian: figures, hedges, units, what is measured, clock times and dates, on sentences written for these tests."""

import pytest

from factdiff.lang import get
from factdiff.quantities import compare_quantities, extract_dates, extract_quantities

LANG = "it"


def one(text, dimension=None):
    found = [q for q in extract_quantities(text, LANG) if dimension is None or q.dimension == dimension]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text, value, hedge, measured", [
    ("Oltre 100 persone sono state evacuate.", 100, "more", "evacuated"),
    ("Il crollo ha causato cinque morti.", 5, "exact", "dead"),
    ("Circa 30 feriti sono stati ricoverati.", 30, "about", "injured"),
    ("Almeno 14 vittime sono state identificate.", 14, "atleast", "dead"),
])
def test_counts(text, value, hedge, measured):
    q = one(text, "count")
    assert (q.value, q.hedge, q.measured, q.unit) == (value, hedge, measured, measured)


@pytest.mark.parametrize("text, dimension, value, unit", [
    ("L'incontro è durato un'ora e mezza.", "duration", 1.5, "h"),
    ("L'incontro è durato 93 minuti.", "duration", 93 / 60, "h"),
    ("Il club ha pagato 100 milioni di euro.", "money", 100e6, "EUR"),
    ("L'affluenza è stata del 62,5 per cento.", "percent", 62.5, "%"),
    ("La cabina è precipitata da 20 metri.", "distance", 0.02, "km"),
])
def test_units_are_normalised(text, dimension, value, unit):
    q = one(text, dimension)
    assert q.value == pytest.approx(value) and q.unit == unit


@pytest.mark.parametrize("text, minutes", [
    ("La funivia è caduta alle 12.30.", 12 * 60 + 30),
    ("Il vertice è iniziato alle 13:04.", 13 * 60 + 4),
])
def test_clock_times(text, minutes):
    assert [t.point for t in extract_dates(text, LANG).times] == [minutes]
    assert [q for q in extract_quantities(text, LANG) if q.dimension == "count"] == []


@pytest.mark.parametrize("text, days, weekdays", [
    ("Il voto si è svolto il 27 gennaio.", {(1, 27)}, set()),
    ("L'incidente è avvenuto domenica.", set(), {6}),
])
def test_dates_and_weekdays(text, days, weekdays):
    d = extract_dates(text, LANG)
    assert d.days == days and d.weekdays == weekdays


def test_comparison():
    a = extract_quantities("L'incontro è durato circa 2,5 ore.", LANG)
    b = extract_quantities("L'incontro è durato oltre tre ore.", LANG)
    assert compare_quantities(a, b) == ('contradict', 'about 2.5 h vs more than 3 h: duration (meeting)')


def test_language_data():
    lang = get(LANG)
    assert {'non', 'mai'} <= lang.negators and 'detto' in lang.speech_verbs


def test_the_subject_of_a_lasting_verb_is_what_a_duration_measures():
    found = [q for q in extract_quantities("L'incontro tra i due ministri è durato 95 minuti.", LANG)
             if q.dimension == "duration"]
    assert [q.measured for q in found] == ["meeting"]


def test_a_figure_after_cost_the_lives_of_counts_the_dead():
    found = extract_quantities("L'incendio è costato la vita a 17 abitanti.", LANG)
    assert [(q.value, q.measured) for q in found] == [(17, "dead")]


def test_a_person_of_n_years_is_an_age_not_a_duration():
    found = extract_quantities('Due bambine di sette e quattro anni sono state soccorse.', LANG)
    assert [q.value for q in found if q.dimension == "age"] == [7, 4]
    assert not [q for q in found if q.dimension == "duration"]
    # the same words after a noun that is not a person: a duration
    other = extract_quantities('Un cantiere di cinque anni ha bloccato il porto.', LANG)
    assert [q.dimension for q in other] == ["duration"]


def test_between_with_singular_articles_is_a_range_of_percentages():
    q = one("La disoccupazione è tra il 20 e il 30 per cento.", "percent")
    assert (q.low, q.high, q.unit) == (20, 30, "%")


def test_between_with_articles_is_a_range():
    q = one("Il nuovo traghetto può trasportare tra i 300 e i 350 passeggeri.", "count")
    assert (q.low, q.high, q.hedge, q.measured) == (300, 350, "range", "passengers")


def test_postponement_is_a_time_offset():
    found = extract_quantities("I lavori sono stati rinviati di tre mesi, due anni fa.", LANG)
    assert [(q.value, q.measured) for q in found if q.dimension == "duration"] == [(3 * 730, "delay"),
                                                                                   (2 * 8760, "delay")]
