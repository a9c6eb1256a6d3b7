"""German: figures, hedges, units, what is measured, clock times and dates, on sentences written for these tests."""

import pytest

from factdiff.lang import get
from factdiff.quantities import compare_quantities, extract_dates, extract_quantities

LANG = "de"


def one(text, dimension=None):
    found = [q for q in extract_quantities(text, LANG) if dimension is None or q.dimension == dimension]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text, value, hedge, measured", [
    ("Mindestens 84 Menschen kamen ums Leben.", 84, "atleast", "dead"),
    ("Bei dem Unglück starben fünf Menschen.", 5, "exact", "dead"),
    ("Rund 11.000 Menschen wurden evakuiert.", 11000, "about", "evacuated"),
    ("Es gab mehr als zwölf Verletzte.", 12, "more", "injured"),
])
def test_counts(text, value, hedge, measured):
    q = one(text, "count")
    assert (q.value, q.hedge, q.measured, q.unit) == (value, hedge, measured, measured)


@pytest.mark.parametrize("text, dimension, value, unit", [
    ("Das Gespräch dauerte anderthalb Stunden.", "duration", 1.5, "h"),
    ("Das Treffen dauerte zweieinhalb Stunden.", "duration", 2.5, "h"),
    ("Die Arbeitslosigkeit stieg auf 5,3 Prozent.", "percent", 5.3, "%"),
    ("Der Verein zahlte 2 Mio. Euro.", "money", 2e6, "EUR"),
    ("Das Beben hatte eine Stärke von 6,6.", "magnitude", 6.6, ""),
    ("Der Zug fuhr mit 190 Stundenkilometern.", "speed", 190, "km/h"),
])
def test_units_are_normalised(text, dimension, value, unit):
    q = one(text, dimension)
    assert q.value == pytest.approx(value) and q.unit == unit


@pytest.mark.parametrize("text, minutes", [
    ("Der Zug entgleiste um 18 Uhr 40.", 18 * 60 + 40),
    ("Die Schüsse fielen um 10.45 Uhr.", 10 * 60 + 45),
    ("Die Polizei kam gegen 21:15 Uhr.", 21 * 60 + 15),
])
def test_clock_times(text, minutes):
    assert [t.point for t in extract_dates(text, LANG).times] == [minutes]
    assert [q for q in extract_quantities(text, LANG) if q.dimension == "count"] == []


@pytest.mark.parametrize("text, days, weekdays", [
    ("Die Wahl fand am 27. Januar statt.", {(1, 27)}, set()),
    ("Das Feuer brach am Donnerstag aus.", set(), {3}),
])
def test_dates_and_weekdays(text, days, weekdays):
    d = extract_dates(text, LANG)
    assert d.days == days and d.weekdays == weekdays


def test_comparison():
    a = extract_quantities('Mindestens 231 Menschen starben.', LANG)
    b = extract_quantities('Es gab 245 Tote.', LANG)
    assert compare_quantities(a, b) == ('tension', 'at least 231 vs 245: dead')


def test_language_data():
    lang = get(LANG)
    assert {'nicht', 'kein'} <= lang.negators and 'sagte' in lang.speech_verbs


def test_a_toll_that_rose_is_an_update():
    assert one("Die Zahl der Toten ist auf 14 gestiegen.").update
    assert one("Die Zahl der Toten stieg auf 14.").update
    assert not one("Bei dem Unglück starben 9 Menschen.").update


def test_a_lasting_verb_at_the_end_of_the_clause_names_what_a_duration_measures():
    # the verb after the figure, the subject far to its left: German puts the participle last
    text = ("Laut Sprecher habe das Gespräch der beiden Minister mit ihren Beratern und Dolmetschern "
            "fast drei Stunden gedauert.")
    (q,) = extract_quantities(text, LANG)
    assert (q.dimension, q.measured, q.hedge) == ("duration", "meeting", "almost")
    other = extract_quantities("Das Treffen dauerte 150 Minuten.", LANG)
    assert compare_quantities([q], other) == ("contradict", "almost 3 h vs 2.5 h: duration (meeting)")


@pytest.mark.parametrize("text, floor", [
    ("Tausende Menschen säumten die Straße.", 1_000),
    ("Zehntausende Menschen säumten die Straße.", 10_000),
    ("Hunderttausende Menschen säumten die Straße.", 100_000),
])
def test_plural_scale_words_are_floors_not_figures(text, floor):
    q = one(text, "count")
    assert (q.value, q.high, q.hedge, q.measured) == (floor, float("inf"), "more", "people")


def test_a_duration_after_nach_is_time_elapsed():
    found = [q for q in extract_quantities("Nach vier Stunden Suche wurde der Fahrer gefunden.", "de")
             if q.dimension == "duration"]
    assert [(q.value, q.measured) for q in found] == [(4.0, "delay")]


def test_tempo_before_a_bare_figure_is_a_speed():
    found = extract_quantities("Der Zug sei mit Tempo 160 in die Kurve gefahren, sagte der Fahrer.", "de")
    assert [(q.dimension, q.unit, q.value) for q in found] == [("speed", "km/h", 160.0)]


def test_a_depth_says_what_a_length_measures():
    found = [q for q in extract_quantities("Das Beben ereignete sich in zwölf Kilometern Tiefe.", "de")
             if q.dimension == "distance"]
    assert [(q.value, q.measured) for q in found] == [(12.0, "depth")]


def test_a_delay_verb_says_a_duration_is_a_delay():
    found = [q for q in extract_quantities("Der Abflug hatte sich um zwei Stunden verzögert.", "de")
             if q.dimension == "duration"]
    assert [(q.value, q.measured) for q in found] == [(2.0, "delay")]


def test_a_percentage_after_um_is_a_difference_not_a_level():
    level = extract_quantities("Die Kasse zahlt nach 2040 nur noch 64 Prozent der versprochenen Renten.", LANG)
    cut = extract_quantities("Der Plan senkt die jährliche Erhöhung um 2 Prozent.", LANG)
    assert [q.measured for q in cut] == [":change"]
    assert compare_quantities(level, cut) is None


def test_ago_before_the_figure_and_postponement_are_time_offsets():
    found = extract_quantities("Vor zwei Jahren wurde der Bau um drei Monate verschoben.", LANG)
    assert [(q.value, q.measured) for q in found if q.dimension == "duration"] == [(2 * 8760, "delay"),
                                                                                   (3 * 730, "delay")]
