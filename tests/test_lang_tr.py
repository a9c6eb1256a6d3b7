"""Turkish: figures, hedges, units, what is measured, clock times and dates, on sentences written for these tests."""

import pytest

from factdiff.lang import get
from factdiff.quantities import compare_quantities, extract_dates, extract_quantities

LANG = "tr"


def one(text, dimension=None):
    found = [q for q in extract_quantities(text, LANG) if dimension is None or q.dimension == dimension]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text, value, hedge, measured", [
    ("Depremde 12 kişi hayatını kaybetti.", 12, "exact", "dead"),
    ("100'den fazla kişi yaralandı.", 100, "more", "injured"),
    ("En az beş kişi öldü.", 5, "atleast", "dead"),
    ("Yaklaşık 200 kişi tahliye edildi.", 200, "about", "evacuated"),
])
def test_counts(text, value, hedge, measured):
    q = one(text, "count")
    assert (q.value, q.hedge, q.measured, q.unit) == (value, hedge, measured, measured)


@pytest.mark.parametrize("text, dimension, value, unit", [
    ("Görüşme iki buçuk saat sürdü.", "duration", 2.5, "h"),
    ("Enflasyon yüzde 5 arttı.", "percent", 5, "%"),
    ("Deprem 6,6 büyüklüğünde oldu.", "magnitude", 6.6, ""),
    ("Kulüp 100 milyon euro ödedi.", "money", 100e6, "EUR"),
])
def test_units_are_normalised(text, dimension, value, unit):
    q = one(text, dimension)
    assert q.value == pytest.approx(value) and q.unit == unit


@pytest.mark.parametrize("text, minutes", [
    ("Deprem saat 14.51'de meydana geldi.", 14 * 60 + 51),
    ("Uçak saat 14:36'da kalktı.", 14 * 60 + 36),
])
def test_clock_times(text, minutes):
    assert [t.point for t in extract_dates(text, LANG).times] == [minutes]
    assert [q for q in extract_quantities(text, LANG) if q.dimension == "count"] == []


@pytest.mark.parametrize("text, days, weekdays", [
    ("Seçim 27 Ocak'ta yapıldı.", {(1, 27)}, set()),
    ("Deprem Cuma günü oldu.", set(), {4}),
])
def test_dates_and_weekdays(text, days, weekdays):
    d = extract_dates(text, LANG)
    assert d.days == days and d.weekdays == weekdays


def test_comparison():
    a = extract_quantities('Depremde 12 kişi hayatını kaybetti.', LANG)
    b = extract_quantities('Depremde 14 kişi öldü.', LANG)
    assert compare_quantities(a, b) == ('contradict', '12 vs 14: dead')


def test_language_data():
    lang = get(LANG)
    assert {'yok', 'değil'} <= lang.negators and 'dedi' in lang.speech_verbs


def test_offsets_survive_dotted_capitals():
    text = "İzmir'de saat 14.51'de deprem oldu, İstanbul'da 12 kişi öldü."
    (t,) = extract_dates(text, LANG).times
    assert text[t.start:t.end] == "14.51"
    (q,) = extract_quantities(text, LANG)
    assert text[q.start:q.end] == "12" and q.measured == "dead"


def test_a_toll_that_rose_is_an_update():
    rose = one("Selde can kaybı 12'ye yükseldi.")
    assert rose.measured == "dead" and rose.value == 12 and rose.update
    assert not one("Selde 9 kişi hayatını kaybetti.").update
    assert compare_quantities([rose], [one("Selde 9 kişi hayatını kaybetti.")])[0] == "tension"
