"""Indonesian: figures, hedges, units, what is measured, clock times and dates, on sentences written for these tests."""

import pytest

from factdiff.lang import get
from factdiff.quantities import compare_quantities, extract_dates, extract_quantities

LANG = "id"


def one(text, dimension=None):
    found = [q for q in extract_quantities(text, LANG) if dimension is None or q.dimension == dimension]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text, value, hedge, measured", [
    ("Sebanyak 62 orang tewas dalam kecelakaan itu.", 62, "exact", "dead"),
    ("Sekitar dua puluh satu orang luka-luka.", 21, "about", "injured"),
    ("Lebih dari 100 warga dievakuasi.", 100, "more", "evacuated"),
    ("Pesawat membawa penumpang berjumlah 56 orang.", 56, "exact", "passengers"),
])
def test_counts(text, value, hedge, measured):
    q = one(text, "count")
    assert (q.value, q.hedge, q.measured, q.unit) == (value, hedge, measured, measured)


@pytest.mark.parametrize("text, dimension, value, unit", [
    ("Pertemuan itu berlangsung selama dua jam.", "duration", 2, "h"),
    ("Inflasi naik 3,5 persen.", "percent", 3.5, "%"),
    ("Gempa berkekuatan 6,6 mengguncang pulau itu.", "magnitude", 6.6, ""),
])
def test_units_are_normalised(text, dimension, value, unit):
    q = one(text, dimension)
    assert q.value == pytest.approx(value) and q.unit == unit


@pytest.mark.parametrize("text, minutes", [
    ("Pesawat hilang kontak pukul 14.40 WIB.", 14 * 60 + 40),
    ("Gempa terjadi pukul 8 malam.", 20 * 60),
])
def test_clock_times(text, minutes):
    assert [t.point for t in extract_dates(text, LANG).times] == [minutes]
    assert [q for q in extract_quantities(text, LANG) if q.dimension == "count"] == []


@pytest.mark.parametrize("text, days, weekdays", [
    ("Pemilu digelar pada 27 Januari.", {(1, 27)}, set()),
    ("Pesawat jatuh pada Sabtu (9/1/2021).", {(1, 9)}, {5}),
])
def test_dates_and_weekdays(text, days, weekdays):
    d = extract_dates(text, LANG)
    assert d.days == days and d.weekdays == weekdays


def test_comparison():
    a = extract_quantities('Sebanyak 62 orang tewas.', LANG)
    b = extract_quantities('Sekitar 60 orang tewas.', LANG)
    assert compare_quantities(a, b) == ('tension', '62 vs about 60: dead')


def test_language_data():
    lang = get(LANG)
    assert {'bukan', 'tidak'} <= lang.negators and 'mengatakan' in lang.speech_verbs


def test_ago_after_yang_is_a_time_offset():
    found = extract_quantities("Proyek itu dimulai dua tahun yang lalu.", LANG)
    assert [(q.value, q.measured) for q in found if q.dimension == "duration"] == [(2 * 8760, "delay")]
