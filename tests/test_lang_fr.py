"""French: figures, hedges, units, what is measured, clock times and dates, on sentences written for these tests."""

import pytest

from factdiff.lang import get
from factdiff.quantities import compare_quantities, extract_dates, extract_quantities

LANG = "fr"


def one(text, dimension=None):
    found = [q for q in extract_quantities(text, LANG) if dimension is None or q.dimension == dimension]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text, value, hedge, measured", [
    ("Au moins 231 personnes sont mortes dans le naufrage.", 231, "atleast", "dead"),
    ("Le bilan fait état de quatre-vingt-dix morts.", 90, "exact", "dead"),
    ("Plus de 1 200 personnes ont été évacuées.", 1200, "more", "evacuated"),
    ("On compte sept blessés dans le quartier.", 7, "exact", "injured"),
])
def test_counts(text, value, hedge, measured):
    q = one(text, "count")
    assert (q.value, q.hedge, q.measured, q.unit) == (value, hedge, measured, measured)


@pytest.mark.parametrize("text, dimension, value, unit", [
    ("La réunion a duré deux heures et demie.", "duration", 2.5, "h"),
    ("L'entretien a duré 1h30.", "duration", 1.5, "h"),
    ("Le transfert a coûté 1,5 million d'euros.", "money", 1.5e6, "EUR"),
    ("Le chômage a atteint 7,3 pour cent.", "percent", 7.3, "%"),
    ("La cabine a chuté d'une quinzaine de mètres.", "distance", 0.015, "km"),
])
def test_units_are_normalised(text, dimension, value, unit):
    q = one(text, dimension)
    assert q.value == pytest.approx(value) and q.unit == unit


@pytest.mark.parametrize("text, minutes", [
    ("Le ferry a coulé à 18h40.", 18 * 60 + 40),
    ("Les secours sont arrivés vers 20h00.", 20 * 60),
    ("L'avion a décollé à 15h.", 15 * 60),
])
def test_clock_times(text, minutes):
    assert [t.point for t in extract_dates(text, LANG).times] == [minutes]
    assert [q for q in extract_quantities(text, LANG) if q.dimension == "count"] == []


@pytest.mark.parametrize("text, days, weekdays", [
    ("Le scrutin s'est tenu le 27 janvier.", {(1, 27)}, set()),
    ("Le drame s'est produit samedi soir.", set(), {5}),
])
def test_dates_and_weekdays(text, days, weekdays):
    d = extract_dates(text, LANG)
    assert d.days == days and d.weekdays == weekdays


def test_comparison():
    a = extract_quantities('Il y a eu 231 morts.', LANG)
    b = extract_quantities('Le bilan est de 245 morts.', LANG)
    assert compare_quantities(a, b) == ('contradict', '231 vs 245: dead')


def test_language_data():
    lang = get(LANG)
    assert {'ne', 'jamais', 'pas'} <= lang.negators and 'déclaré' in lang.speech_verbs


def test_a_duration_after_apres_is_time_elapsed():
    q = one("Après six heures de recherches, le suspect a été retrouvé dans une grange.", "duration")
    assert (q.value, q.measured) == (6.0, "delay")
    assert one("La réunion a duré six heures.", "duration").measured != "delay"


def test_a_fall_and_a_depth_say_what_a_length_measures():
    assert one("La cabine a fait une chute de trente mètres.", "distance").measured == "fall"
    assert one("Le séisme s'est produit à une profondeur de 12 km.", "distance").measured == "depth"


def test_a_figure_after_cost_the_lives_of_counts_the_dead():
    found = extract_quantities("L'incendie a coûté la vie à 17 habitants.", LANG)
    assert [(q.value, q.measured) for q in found] == [(17, "dead")]


def test_a_person_of_n_years_is_an_age_not_a_duration():
    found = extract_quantities('Deux fillettes de sept et quatre ans ont été soignées sur place.', LANG)
    assert [q.value for q in found if q.dimension == "age"] == [7, 4]
    assert not [q for q in found if q.dimension == "duration"]
    # the same words after a noun that is not a person: a duration
    other = extract_quantities('Une panne de cinq ans a bloqué le chantier.', LANG)
    assert [q.dimension for q in other] == ["duration"]


def test_ago_before_the_figure_and_postponement_are_time_offsets():
    found = extract_quantities("Il y a deux ans, les travaux ont été reportés de trois mois.", LANG)
    assert [(q.value, q.measured) for q in found if q.dimension == "duration"] == [(2 * 8760, "delay"),
                                                                                   (3 * 730, "delay")]
