"""What one language module provides, and the parts shared by every language.

A language module (``en.py``, ``de.py``, ...) builds one :class:`Lang` with :func:`make`.
Month and weekday names come from the CLDR data in Babel; number words come from
text2num where it reads the language (``text2num=True``) and from a small lexicon
(``number_words``) where it does not. Everything else is general vocabulary: hedges,
units, currencies, the words that say what a figure measures, negators, scope words,
speech verbs and the words around clock times.

Phrases are lower-case words separated by single spaces; hyphens and apostrophes are
not part of a phrase ("d'euros" is matched by "d euros", "100'den fazla" by "den fazla").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from babel.dates import get_day_names, get_month_names

Unit = tuple[str, str, float]  # (dimension, normalised unit, factor to the normalised unit)

# hedge kinds, from a figure's own wording
HEDGES = ("exact", "about", "almost", "more", "atleast", "less", "atmost")
# concepts that say what happened to the people counted; they outrank a plain noun ("people")
EVENT_CONCEPTS = frozenset(
    {
        "dead",
        "injured",
        "seriously_injured",  # seriously or critically injured: a part of the injured
        "hospitalised",
        "missing",
        "arrested",
        "evacuated",
        "rescued",
        "displaced",
        "survivors",
        "detained",
    }
)


@dataclass(frozen=True)
class Lang:
    code: str
    text2num: bool = False  # text2num's alpha2digit reads this language's number words
    decimal: str = "."  # decimal separator of the locale (from Babel)
    space_groups: bool = False  # "1 200": thousands grouped with a space
    number_words: Mapping[str, float] = field(default_factory=dict)  # units, teens, tens, hundreds
    multipliers: Mapping[str, float] = field(default_factory=dict)  # "puluh" x10, "ratus" x100 (small scales)
    teen_words: frozenset[str] = frozenset()  # "belas": +10 to the unit before it
    scales: Mapping[str, float] = field(default_factory=dict)  # thousand, million, "Mio.", "mln", ...
    fractions: Mapping[str, float] = field(default_factory=dict)  # "half": .5, "anderthalb": 1.5 (a value)
    and_half: frozenset[str] = frozenset()  # "and a half", "et demie", "y media": + half a unit
    articles: frozenset[str] = frozenset()  # "a", "un", "ein": one, before a unit or "half"
    conjunctions: frozenset[str] = frozenset()  # "and", "et", "und": joins "3 minutes and 40 seconds"
    hedges: Mapping[str, str] = field(default_factory=dict)  # before the figure
    post_hedges: Mapping[str, str] = field(default_factory=dict)  # after the figure (and its unit)
    units: Mapping[str, Unit] = field(default_factory=dict)
    percent_words: frozenset[str] = frozenset()  # after the figure
    percent_prefix: frozenset[str] = frozenset()  # before the figure ("yüzde 5")
    # a word before a bare figure that gives its unit: (dimension, unit, factor); "mit Tempo 190"
    units_before: Mapping[str, tuple[str, str, float]] = field(default_factory=dict)
    currency_words: Mapping[str, str] = field(default_factory=dict)  # word after the figure -> ISO code
    connectors: frozenset[str] = frozenset()  # "de", "di", "of": between a scale word and a currency or noun
    measured: Mapping[str, str] = field(default_factory=dict)  # word, lemma or phrase -> concept key
    partitive: frozenset[str] = frozenset()  # "of the", "de los": "41 of the 78 passengers"
    age_before: frozenset[str] = frozenset()  # "aged", "âgé de": the figure is an age in years
    age_after: frozenset[str] = frozenset()  # "years old", "jaar oud", "yaşında" (after the figure)
    # an age said as "a person of N years": a noun of people, this preposition, the figure(s), a year unit
    # ("deux enfants de neuf et cinq ans", "un hombre de 45 años", "een man van 45 jaar")
    age_of: frozenset[str] = frozenset()
    age_nouns: frozenset[str] = frozenset()
    and_words: frozenset[str] = frozenset()  # "et", "y": between coordinated figures ("de neuf et cinq ans")
    magnitude_words: frozenset[str] = frozenset()  # "magnitude", "Stärke": before or after the figure
    name_markers: frozenset[str] = frozenset()  # "no", "nr", "flight": the figure names something
    street_words: frozenset[str] = frozenset()
    negators: frozenset[str] = frozenset()
    scope_words: frozenset[str] = frozenset()
    speech_verbs: frozenset[str] = frozenset()  # surface forms: "said", "sagte", "dijo"
    duration_cues: frozenset[str] = frozenset()  # "lasted", "pendant": "1h30" after them is a duration
    lasting_verbs: frozenset[str] = frozenset()  # "lasted", "duró": their subject is what a duration measures
    clock_before: frozenset[str] = frozenset()  # "at", "um", "à", "alle", "om", "saat", "pukul"
    clock_after: frozenset[str] = frozenset()  # "uhr", "uur", "local time", "wib"
    day_periods: Mapping[str, str] = field(default_factory=dict)  # "in the evening": "pm"; "de la madrugada": "am"
    time_hedges: Mapping[str, str] = field(default_factory=dict)  # "just before": "just_before"; "gegen": "about"
    time_hedges_after: Mapping[str, str] = field(default_factory=dict)  # after the time: "sularında" (tr)
    adverbial_counts: Mapping[str, float] = field(default_factory=dict)  # "twice": 2 (times)
    approx_numbers: Mapping[str, tuple[float, str]] = field(default_factory=dict)  # "dozens": (12, "more")
    out_of: frozenset[str] = frozenset()  # "35 seats out of 150": the total counts the same thing
    # a venue's capacity said as room: a noun of room or space, then (after at most two other words) a
    # preposition right before the count: "room for 300 guests", "un espacio cerrado para 2000 personas"
    room_words: frozenset[str] = frozenset()
    room_for: frozenset[str] = frozenset()
    change_words: frozenset[str] = frozenset()  # "lost 11 seats", "10 fewer": the figure is a change, not a level
    # nouns of change in the clause after a percentage: "a 23 percent cut in benefits", "ein Anstieg um 5 Prozent"
    # is a change, not a level ("77 percent of benefits"), and the two are not weighed against each other
    change_nouns: frozenset[str] = frozenset()
    # a preposition right before a percentage that makes it a difference: "cutting the adjustments by 1 percent",
    # "won by 5 percent", "um 3 Prozent gekürzt" (only where the word has no other reading before a percentage)
    change_before: frozenset[str] = frozenset()
    # a running count's new level: "rose to 12" (before the figure), "12'ye yükseldi" (after it)
    update_words: frozenset[str] = frozenset()
    update_words_after: frozenset[str] = frozenset()
    between_words: frozenset[str] = frozenset()
    # a definite article that may stand before each figure of "between X and Y": "tra i 210 e i 250",
    # "entre los 20 y los 30", "tussen de 10 en 20"
    between_articles: frozenset[str] = frozenset()
    named_times: Mapping[str, int] = field(
        default_factory=dict
    )  # "midnight": 0, "noon": 720 (minutes)  # "between 18 and 24", "entre 18 y 24"
    range_words: frozenset[str] = frozenset()  # "4 to 5 hours", "vier bis fünf Stunden"
    short_numeric_dates: bool = False  # "(9/1)" is a day/month without a year
    # lines that are page furniture, not claims: ads, "read also" links, bylines, photo credits;
    # regular expressions matched (case-insensitively) at the start of a sentence
    boilerplate: tuple[str, ...] = ()
    # words right after a duration that make it a time offset, not how long something lasted:
    # "three days after the closure", "two hours later", "a week ago"
    offset_words: frozenset[str] = frozenset()
    # words right before a duration that make it time elapsed since something: "after seven hours of
    # searching", "nach 93 Minuten", "tras dos horas"
    offset_before: frozenset[str] = frozenset()
    # words right after a duration that make it the length of a noun, not an offset: "after a month long
    # period of turmoil", "eine wochenlange Suche" is one word
    length_words: frozenset[str] = frozenset()
    months: Mapping[str, int] = field(default_factory=dict)
    weekdays: Mapping[str, int] = field(default_factory=dict)  # Monday = 0
    capitalised_only: frozenset[str] = frozenset()  # month/weekday names that are also common words
    day_month_joiners: frozenset[str] = frozenset()  # "de" in "27 de enero", "of" in "27th of January"
    relative_days: frozenset[str] = frozenset()  # "yesterday", "gestern": when a report was said
    # words that open a supposition, not an assertion: "Let's say there is no certificate" does not report
    # that there is none (phrases as elsewhere: lower case, apostrophes and hyphens as spaces)
    supposition_words: frozenset[str] = frozenset()


def _lower_all(names: Iterable[str]) -> list[str]:
    return [" ".join(n.lower().rstrip(".").replace("-", " ").replace("'", " ").split()) for n in names]


def calendar(code: str) -> tuple[dict[str, int], dict[str, int]]:
    """(months, weekdays) of a language from CLDR (Babel): wide and abbreviated names, both contexts."""
    months: dict[str, int] = {}
    weekdays: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for num, name in get_month_names(width, context=context, locale=code).items():
                for n in _lower_all([name]):
                    if len(n) >= 3:
                        months.setdefault(n, int(num))
            for num, name in get_day_names("wide", context=context, locale=code).items():
                for n in _lower_all([name]):
                    weekdays.setdefault(n, int(num))
    return months, weekdays


def _freeze(d: Mapping[str, object]) -> MappingProxyType:  # type: ignore[type-arg]
    return MappingProxyType(dict(d))


# shared by every language: symbols and units written the same way everywhere
COMMON_UNITS: dict[str, Unit] = {
    "km": ("distance", "km", 1.0),
    "kms": ("distance", "km", 1.0),
    "m": ("distance", "km", 0.001),
    "cm": ("distance", "km", 1e-5),
    "mi": ("distance", "km", 1.609344),
    "km/h": ("speed", "km/h", 1.0),
    "km / h": ("speed", "km/h", 1.0),
    "km / u": ("speed", "km/h", 1.0),
    "kmh": ("speed", "km/h", 1.0),
    "mph": ("speed", "km/h", 1.609344),
    "kph": ("speed", "km/h", 1.0),
    "kt": ("speed", "km/h", 1.852),
    "kn": ("speed", "km/h", 1.852),
    "kg": ("mass", "kg", 1.0),
    "t": ("mass", "kg", 1000.0),
    "g": ("mass", "kg", 0.001),
    "lb": ("mass", "kg", 0.45359237),
    "lbs": ("mass", "kg", 0.45359237),
    "h": ("duration", "h", 1.0),
    "hr": ("duration", "h", 1.0),
    "hrs": ("duration", "h", 1.0),
    "min": ("duration", "h", 1 / 60),
    "mins": ("duration", "h", 1 / 60),
    "sec": ("duration", "h", 1 / 3600),
    "s": ("duration", "h", 1 / 3600),
    "ha": ("area", "km2", 0.01),
    "km2": ("area", "km2", 1.0),
    "km²": ("area", "km2", 1.0),
    "mw": ("power", "MW", 1.0),
    "gw": ("power", "MW", 1000.0),
}
CURRENCY_SYMBOLS = {
    "$": "USD",
    "us$": "USD",
    "€": "EUR",
    "£": "GBP",
    "r$": "BRL",
    "₺": "TRY",
    "¥": "JPY",
    "rp": "IDR",
    "zł": "PLN",
    "usd": "USD",
    "eur": "EUR",
    "gbp": "GBP",
    "brl": "BRL",
    "try": "TRY",
    "tl": "TRY",
    "idr": "IDR",
    "pln": "PLN",
    "chf": "CHF",
    "rub": "RUB",
    "jpy": "JPY",
    "cny": "CNY",
    "a$": "AUD",
    "c$": "CAD",
    "rsd": "RSD",
}
COMMON_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9}
COMMON_CLOCK_AFTER = {
    "gmt",
    "utc",
    "cet",
    "cest",
    "bst",
    "edt",
    "est",
    "pdt",
    "pst",
    "wib",
    "wita",
    "wit",
    "msk",
    "z",
    "hrs",
    "hours",
    "h",
}


def make(
    code: str,
    *,
    extra_months: Mapping[str, int] | None = None,
    extra_weekdays: Mapping[str, int] | None = None,
    units: Mapping[str, Unit] | None = None,
    **kw: object,
) -> Lang:
    """A :class:`Lang` with CLDR months and weekdays, shared symbols and units added."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    months, weekdays = calendar(code)
    months.update(extra_months or {})
    weekdays.update(extra_weekdays or {})
    all_units = dict(COMMON_UNITS)
    all_units.update(units or {})
    decimal = get_decimal_symbol(code)
    space = get_group_symbol(code) in {" ", "\u00a0", "\u202f"}
    frozen: dict[str, Any] = {
        k: (_freeze(v) if isinstance(v, dict) else frozenset(v) if isinstance(v, set | list | tuple) else v)
        for k, v in kw.items()
    }
    return Lang(
        code=code,
        decimal=decimal,
        space_groups=space,
        months=_freeze(months),
        weekdays=_freeze(weekdays),
        units=_freeze(all_units),
        **frozen,
    )
