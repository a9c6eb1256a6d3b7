"""Language data, one module per language (in the spirit of spaCy's ``lang/``).

``get(code)`` returns the :class:`Lang` of a language we read (en, fr, de, es, it, pt, nl, pl,
tr, id); any other code, "und" included, gets :data:`UND`: English number words, and the
union of every language's hedges, units, months, weekdays and measured words, so that a
claim whose language is unknown is still read.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping
from dataclasses import fields, replace
from types import MappingProxyType

from .base import EVENT_CONCEPTS, HEDGES, Lang

CODES = ("en", "fr", "de", "es", "it", "pt", "nl", "pl", "tr", "id")

__all__ = ["CODES", "EVENT_CONCEPTS", "HEDGES", "Lang", "all_langs", "get"]


@functools.cache
def _load(code: str) -> Lang:
    module = importlib.import_module(f"{__name__}.{code}")
    lang: Lang = module.LANG
    return lang


def all_langs() -> tuple[Lang, ...]:
    return tuple(_load(c) for c in CODES)


@functools.cache
def _union() -> Lang:
    langs = all_langs()
    en = langs[0]
    merged: dict[str, object] = {}
    for f in fields(Lang):
        value = getattr(en, f.name)
        if f.name in (
            "code",
            "text2num",
            "decimal",
            "space_groups",
            "number_words",
            "multipliers",
            "teen_words",
            "articles",
            "capitalised_only",
        ):
            continue
        if isinstance(value, Mapping):
            d: dict[str, object] = {}
            for lang in reversed(langs):  # English wins a clash
                d.update(getattr(lang, f.name))
            merged[f.name] = MappingProxyType(d)
        elif isinstance(value, frozenset):
            merged[f.name] = frozenset().union(*(getattr(lang, f.name) for lang in langs))
    # words that are common words in another language stay off unless capitalised
    caps = frozenset().union(*(lang.capitalised_only for lang in langs))
    # ambiguous words read by one language only: "ne" (tr: what), "do" (pl: up to), "a", "e"...
    short = {k for k in merged["hedges"] if len(k) <= 2 and k not in en.hedges}  # type: ignore[attr-defined]
    hedges = {k: v for k, v in merged["hedges"].items() if k not in short}  # type: ignore[attr-defined]
    merged["hedges"] = MappingProxyType(hedges)
    return replace(en, code="und", capitalised_only=caps, **merged)  # type: ignore[arg-type]


def get(code: str | None) -> Lang:
    """The language data for an ISO 639-1 code ("pt-BR" reads as "pt"); :data:`UND` when unknown."""
    base = (code or "und").lower().replace("_", "-").split("-")[0]
    if base in CODES:
        return _load(base)
    return _union()


def __getattr__(name: str) -> Lang:
    if name == "UND":
        return _union()
    raise AttributeError(name)
