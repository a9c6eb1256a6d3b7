"""Loading spaCy pipelines without spaCy's French start-up cost.

``spacy.lang.fr.tokenizer_exceptions`` joins 266 token patterns into one 1.4 MB regular expression
(``TOKEN_MATCH``) whose every alternative repeats the full Unicode letter classes; Python compiles each
copy again, which takes 4-6 s on a 2-core machine, at import and once more when the pipeline's own
tokenizer is read from disk. That is most of a cold ``factdiff compare`` of a French article.

:func:`load` lets that one pattern through as :class:`FactoredPattern`: the same alternatives grouped by
their shared tail (``^anti[-][a-z]...`` and ``^auto[-][a-z]...`` become ``^(?:anti|auto)[-][a-z]...``),
which accepts exactly the same strings and compiles in milliseconds. The pattern kept for serialisation
is the original one. Where the pattern read is not the one the module builds (another spaCy version),
the original is compiled as before. tests/test_spacy_load.py checks that both accept the same strings
and that pipelines tokenise, tag and parse identically.
"""

from __future__ import annotations

import contextlib
import re
import sys
import threading
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

_FR_MODULE = "spacy.lang.fr.tokenizer_exceptions"
_HUGE = 200_000  # characters: only the token pattern of the French exceptions is this long
_LOCK = threading.Lock()
_compile = re.compile


class FactoredPattern:
    """Stands in for the compiled French token pattern: ``pattern`` and ``flags`` as given, matching
    through the factored expression (built and compiled on first use)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._re: re.Pattern[str] | None = None

    def _compiled(self) -> re.Pattern[str]:
        if self._re is None:
            factored = factor_french(self.pattern)
            self._re = _compile(factored if factored is not None else self.pattern, self.flags)
        return self._re

    def match(self, string: str, *args: Any) -> re.Match[str] | None:
        return self._compiled().match(string, *args)

    def search(self, string: str, *args: Any) -> re.Match[str] | None:
        return self._compiled().search(string, *args)

    def fullmatch(self, string: str, *args: Any) -> re.Match[str] | None:
        return self._compiled().fullmatch(string, *args)

    def finditer(self, string: str, *args: Any) -> Iterator[re.Match[str]]:
        return self._compiled().finditer(string, *args)

    def __reduce__(self) -> tuple[Any, ...]:
        return (FactoredPattern, (self.pattern, self.flags))


def factor_french(pattern: str) -> str | None:
    """The French token pattern with alternatives that share a tail grouped, or None where ``pattern``
    is not the one spaCy's French exceptions build (then nothing is changed)."""
    module = sys.modules.get(_FR_MODULE)
    alternatives = getattr(module, "_regular_exp", None)
    if not alternatives:
        return None
    prefix = "(?iu)"
    if pattern != prefix + "|".join(f"(?:{alt})" for alt in alternatives):
        return None
    from spacy.lang.char_classes import ALPHA, ALPHA_LOWER, HYPHENS

    # every alternative is anchored (^...$) and has no groups that count: splitting each before its
    # first letter class and grouping the heads of one tail accepts the same strings
    letters = ("[" + ALPHA_LOWER, "[" + ALPHA, "[" + HYPHENS + ALPHA_LOWER)
    heads: dict[str, list[str]] = defaultdict(list)
    for alt in alternatives:
        if not (alt.startswith("^") and alt.endswith("$")) or "(?P" in alt or re.search(r"\((?!\?)", alt):
            return None
        cut = min((i for i in (alt.find(c) for c in letters) if i >= 0), default=len(alt))
        heads[alt[cut:]].append(alt[:cut])
    return prefix + "|".join(f"(?:(?:{'|'.join(h)}){tail})" for tail, h in heads.items())


def _patched_compile(pattern: Any, flags: int = 0) -> Any:
    if isinstance(pattern, str) and len(pattern) > _HUGE and pattern.startswith("(?iu)"):
        return FactoredPattern(pattern, flags)
    return _compile(pattern, flags)


@contextlib.contextmanager
def _french_patterns() -> Iterator[None]:
    """While loading: the French token pattern becomes a :class:`FactoredPattern`."""
    with _LOCK:
        re.compile = _patched_compile  # type: ignore[assignment]
        try:
            yield
        finally:
            re.compile = _compile  # type: ignore[assignment]


def load(name: str, language: str) -> Any:
    """``spacy.load(name)``, with the French token pattern factored for a pipeline of ``language`` fr."""
    import spacy

    if language != "fr":
        return spacy.load(name)
    with _french_patterns():
        __import__(_FR_MODULE)
        return spacy.load(name)
