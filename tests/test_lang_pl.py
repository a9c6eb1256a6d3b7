"""Polish: figures, hedges, units, what is measured, clock times and dates, on sentences written for these tests."""

import pytest

from factdiff.lang import get
from factdiff.quantities import compare_quantities, extract_dates, extract_quantities

LANG = "pl"


def one(text, dimension=None):
    found = [q for q in extract_quantities(text, LANG) if dimension is None or q.dimension == dimension]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text, value, hedge, measured", [
    ("Co najmniej pięć osób zginęło w wypadku.", 5, "atleast", "dead"),
    ("W wypadku zginęło dwadzieścia jeden osób.", 21, "exact", "dead"),
    ("Ponad 100 osób zostało rannych.", 100, "more", "injured"),
    ("Około 2 000 osób ewakuowano.", 2000, "about", "evacuated"),
])
def test_counts(text, value, hedge, measured):
    q = one(text, "count")
    assert (q.value, q.hedge, q.measured, q.unit) == (value, hedge, measured, measured)


@pytest.mark.parametrize("text, dimension, value, unit", [
    ("Spotkanie trwało półtorej godziny.", "duration", 1.5, "h"),
    ("Frekwencja wyniosła 74,4 procent.", "percent", 74.4, "%"),
    ("Klub zapłacił 100 mln euro.", "money", 100e6, "EUR"),
])
def test_units_are_normalised(text, dimension, value, unit):
    q = one(text, dimension)
    assert q.value == pytest.approx(value) and q.unit == unit


@pytest.mark.parametrize("text, minutes", [
    ("Pociąg wykoleił się o godzinie 14.30.", 14 * 60 + 30),
    ("Samolot wystartował o 14:36.", 14 * 60 + 36),
])
def test_clock_times(text, minutes):
    assert [t.point for t in extract_dates(text, LANG).times] == [minutes]
    assert [q for q in extract_quantities(text, LANG) if q.dimension == "count"] == []


@pytest.mark.parametrize("text, days, weekdays", [
    ("Wybory odbyły się 27 stycznia.", {(1, 27)}, set()),
    ("Pożar wybuchł w środę.", set(), {2}),
])
def test_dates_and_weekdays(text, days, weekdays):
    d = extract_dates(text, LANG)
    assert d.days == days and d.weekdays == weekdays


def test_comparison():
    a = extract_quantities('Zginęło co najmniej 231 osób.', LANG)
    b = extract_quantities('Zginęło 245 osób.', LANG)
    assert compare_quantities(a, b) == ('tension', 'at least 231 vs 245: dead')


def test_language_data():
    lang = get(LANG)
    assert {'nigdy', 'nie'} <= lang.negators and 'powiedział' in lang.speech_verbs
