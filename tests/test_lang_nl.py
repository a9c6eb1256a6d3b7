"""Dutch: figures, hedges, units, what is measured, clock times and dates, on sentences written for these tests."""

import pytest

from factdiff.lang import get
from factdiff.quantities import compare_quantities, extract_dates, extract_quantities

LANG = "nl"


def one(text, dimension=None):
    found = [q for q in extract_quantities(text, LANG) if dimension is None or q.dimension == dimension]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text, value, hedge, measured", [
    ("Bij de aanslag kwamen drie mensen om het leven.", 3, "exact", "dead"),
    ("Bijna 600.000 vakantiegangers zitten vast.", 600000, "almost", "tourists"),
    ("Ruim 20 mensen raakten gewond.", 20, "more", "injured"),
    ("Er vielen vijf doden.", 5, "exact", "dead"),
])
def test_counts(text, value, hedge, measured):
    q = one(text, "count")
    assert (q.value, q.hedge, q.measured, q.unit) == (value, hedge, measured, measured)


@pytest.mark.parametrize("text, dimension, value, unit", [
    ("Het gesprek duurde anderhalf uur.", "duration", 1.5, "h"),
    ("De schade bedraagt 2 miljoen euro.", "money", 2e6, "EUR"),
    ("De opkomst was 78,2 procent.", "percent", 78.2, "%"),
])
def test_units_are_normalised(text, dimension, value, unit):
    q = one(text, dimension)
    assert q.value == pytest.approx(value) and q.unit == unit


@pytest.mark.parametrize("text, minutes", [
    ("De schoten vielen om 10.45 uur.", 10 * 60 + 45),
    ("De tram stopte om 10:40.", 10 * 60 + 40),
])
def test_clock_times(text, minutes):
    assert [t.point for t in extract_dates(text, LANG).times] == [minutes]
    assert [q for q in extract_quantities(text, LANG) if q.dimension == "count"] == []


@pytest.mark.parametrize("text, days, weekdays", [
    ("De verkiezingen waren op 27 januari.", {(1, 27)}, set()),
    ("De aanslag gebeurde maandag.", set(), {0}),
])
def test_dates_and_weekdays(text, days, weekdays):
    d = extract_dates(text, LANG)
    assert d.days == days and d.weekdays == weekdays


def test_comparison():
    a = extract_quantities('De partij won 35 zetels.', LANG)
    b = extract_quantities('De partij kreeg 37 zetels.', LANG)
    assert compare_quantities(a, b) == ('contradict', '35 vs 37: seats')


def test_language_data():
    lang = get(LANG)
    assert {'geen', 'niet'} <= lang.negators and 'zei' in lang.speech_verbs


@pytest.mark.parametrize("text, floor", [
    ("Duizenden mensen stonden langs de route.", 1_000),
    ("Tienduizenden mensen stonden langs de route.", 10_000),
])
def test_plural_scale_words_are_floors_not_figures(text, floor):
    q = one(text, "count")
    assert (q.value, q.high, q.hedge, q.measured) == (floor, float("inf"), "more", "people")


def test_a_person_of_n_years_is_an_age_not_a_duration():
    found = extract_quantities('Een vrouw van 38 jaar is aangehouden.', LANG)
    assert [q.value for q in found if q.dimension == "age"] == [38]
    assert not [q for q in found if q.dimension == "duration"]
    # the same words after a noun that is not a person: a duration
    other = extract_quantities('Een verbouwing van vijf jaar hield de haven dicht.', LANG)
    assert [q.dimension for q in other] == ["duration"]


def test_between_with_articles_is_a_range():
    found = [q for q in extract_quantities("De nieuwe veerboot kan tussen de 300 en 350 passagiers vervoeren.", LANG)
             if q.dimension == "count"]
    assert [(q.low, q.high, q.hedge, q.measured) for q in found] == [(300, 350, "range", "passengers")]
