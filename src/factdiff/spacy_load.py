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

import numpy as np

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
    """``spacy.load(name)``, with the French token pattern factored for a pipeline of ``language`` fr, and
    the attribute ruler's matches found without spaCy's Matcher (:func:`speed_up_attribute_ruler`) and each
    distinct token lemmatized once (:func:`speed_up_lemmatizer`)."""
    import spacy

    if language != "fr":
        nlp = spacy.load(name)
    else:
        with _french_patterns():
            __import__(_FR_MODULE)
            nlp = spacy.load(name)
    speed_up_attribute_ruler(nlp)
    speed_up_lemmatizer(nlp)
    return nlp


# --------------------------------------------------------------------------------------------------------------
# The attribute ruler without spaCy's Matcher

_COLUMNS = ("TAG", "POS", "LOWER", "DEP", "IS_SPACE")


class FastAttributeRules:
    """The rules of a pipeline's ``attribute_ruler``, applied as spaCy applies them (every pattern tested on
    the tags, parse and words as the earlier components left them; then the attributes of each match in
    rule order, later rules overriding earlier ones) but without spaCy's ``Matcher``, which spent most of
    the component's time trying its 180 English patterns token by token: each pattern is tested on all
    tokens at once, as arrays of the tokens' attribute ids (``Doc.to_array``).
    tests/test_spacy_load.py checks that both give the same tags, parts of speech, features and lemmas."""

    def __init__(self, ruler: Any) -> None:
        from spacy.attrs import DEP, IS_SPACE, LOWER, POS, TAG
        from spacy.parts_of_speech import IDS as POS_IDS
        from spacy.strings import get_string_id
        from spacy.tokens._retokenize import set_token_attrs

        self._set = set_token_attrs
        self._attrs = list(ruler.attrs)
        self._strings = ruler.vocab.strings
        self._regex_cache: dict[tuple[int, int], bool] = {}
        self._columns = [TAG, POS, LOWER, DEP, IS_SPACE]  # the ids of _COLUMNS, in that order

        def value_id(key: str, v: Any) -> int:
            if key == "IS_SPACE":
                return int(bool(v))
            if key == "POS":
                return int(POS_IDS[v])
            return int(get_string_id(v))

        # (rule, target index, length, [[(column, kind, operand), ...] per token of the pattern])
        self._rules: list[tuple[int, int, int, list[list[tuple[int, str, Any]]]]] = []
        for i, p in enumerate(ruler.patterns):
            for tokens in p["patterns"]:
                tests = []
                for tok in tokens:
                    row: list[tuple[int, str, Any]] = []
                    for key, v in tok.items():
                        c = _COLUMNS.index(key)  # ValueError for an attribute not read here
                        if not isinstance(v, dict):
                            row.append((c, "eq", value_id(key, v)))
                            continue
                        (op, arg), = v.items()
                        if op in ("IN", "NOT_IN"):
                            row.append((c, op, np.array([value_id(key, x) for x in arg], dtype=np.uint64)))
                        elif op == "REGEX" and key == "LOWER":
                            row.append((c, op, re.compile(arg)))
                        else:
                            raise ValueError(f"attribute ruler condition {op} on {key} is not handled")
                    tests.append(row)
                index = int(p["index"])
                self._rules.append((i, index if index >= 0 else len(tokens) + index, len(tokens), tests))
        self._target = {rule: idx for rule, idx, _, _ in self._rules}  # rule -> the matched token it sets

    def _regex(self, pattern: re.Pattern[str], lowers: np.ndarray) -> np.ndarray:
        """Which tokens' lowercase forms ``pattern`` finds (each distinct form tested once)."""
        uniq, inverse = np.unique(lowers, return_inverse=True)
        key = id(pattern)
        hits = np.zeros(len(uniq), dtype=bool)
        for k, h in enumerate(uniq.tolist()):
            found = self._regex_cache.get((key, h))
            if found is None:
                found = self._regex_cache[(key, h)] = bool(pattern.search(self._strings[h]))
            hits[k] = found
        return hits[inverse.reshape(-1)]

    def __call__(self, doc: Any) -> list[tuple[int, int, int, int]]:
        """What ``AttributeRuler.match`` returns: (rule, rule, start, end) per match, by rule."""
        n = len(doc)
        if n == 0:
            return []
        arr = doc.to_array(self._columns).astype(np.uint64).reshape(n, len(_COLUMNS))
        found: list[tuple[int, int, int, int]] = []
        for rule, _index, length, tests in self._rules:
            if length > n:
                continue
            ok = np.ones(n - length + 1, dtype=bool)
            for k, row in enumerate(tests):
                for c, op, operand in row:
                    col = arr[k:n - length + 1 + k, c]
                    if op == "eq":
                        ok &= col == operand
                    elif op == "IN":
                        ok &= np.isin(col, operand)
                    elif op == "NOT_IN":
                        ok &= ~np.isin(col, operand)
                    else:
                        ok &= self._regex(operand, col)
            found.extend((rule, rule, int(s), int(s) + length) for s in np.flatnonzero(ok))
        found.sort()
        return found

    def apply(self, doc: Any, matches: list[tuple[int, int, int, int]]) -> None:
        """``AttributeRuler.set_annotations``: each match's attributes on its target token, in rule order."""
        for rule, _, start, _end in matches:
            self._set(doc[start + self._target[rule]], self._attrs[rule])


def speed_up_attribute_ruler(nlp: Any) -> None:
    """Let ``nlp``'s attribute ruler find its matches with :class:`FastAttributeRules` (same results)."""
    if "attribute_ruler" not in nlp.pipe_names:
        return
    ruler = nlp.get_pipe("attribute_ruler")
    try:
        rules = FastAttributeRules(ruler)
    except (ValueError, KeyError, TypeError):  # a pattern this reader does not know: spaCy's matcher
        return
    ruler.match = rules
    ruler.set_annotations = rules.apply


# --------------------------------------------------------------------------------------------------------------
# The rule lemmatizer, once per distinct token

class _OncePerForm:
    """Mixed into a pipeline's own rule lemmatizer class (:func:`speed_up_lemmatizer`): the same lemmas, each
    worked out once per (text, part of speech, morphology) and set on the whole ``Doc`` in one array.

    spaCy's ``Lemmatizer.__call__`` looks every token up in Python and sets ``token.lemma_`` one at a time, and
    its English rules skip their cache for base forms; on a long article that was an eighth of the parse. The
    rule and lookup lemmatizers read nothing of a token but its text, its part of speech and its morphology
    (English and French alike), so a lemma found once holds for every token with those three."""

    _factdiff_lemmas: dict[tuple[int, int, int], int]

    def __call__(self, doc: Any) -> Any:
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        if not len(doc):
            return doc
        memo = self.__dict__.setdefault("_factdiff_lemmas", {})
        if len(memo) > MAX_FORMS:  # a long-running process (a stream ingest) starts again rather than grow
            memo.clear()
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = rows[:, 3].copy()
        strings = doc.vocab.strings
        for i in np.flatnonzero(lemmas == 0).tolist():  # a lemma already set (the attribute ruler's) stays
            key = (int(rows[i, 0]), int(rows[i, 1]), int(rows[i, 2]))
            lemma = memo.get(key)
            if lemma is None:
                lemma = memo[key] = strings.add(self.lemmatize(doc[i])[0])  # type: ignore[attr-defined]
            lemmas[i] = lemma
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc


class IndexedList(list):  # type: ignore[type-arg]
    """A list (it serialises as one) whose ``in`` is a set lookup: the rule lemmatizer asks whether a form is
    in a word list of up to 60,000 entries (``lemma_index``), once per rule that fits the word."""

    def __init__(self, items: Any = ()) -> None:
        super().__init__(items)
        self._members = frozenset(self)

    def __contains__(self, item: object) -> bool:
        return item in self._members


_FAST_LEMMATIZERS: dict[type, type] = {}
MAX_FORMS = 500_000  # distinct (text, part of speech, morphology) lemmas kept per lemmatizer


def speed_up_lemmatizer(nlp: Any) -> None:
    """Let ``nlp``'s lemmatizer (rule or lookup mode, not overwriting) lemmatize each distinct token once
    (:class:`_OncePerForm`) and look its word lists up as sets (:class:`IndexedList`): the same lemmas."""
    if "lemmatizer" not in nlp.pipe_names:
        return
    lem = nlp.get_pipe("lemmatizer")
    base = type(lem)
    if getattr(lem, "mode", None) not in ("rule", "lookup") or getattr(lem, "overwrite", True) \
            or not hasattr(lem, "lemmatize") or isinstance(lem, _OncePerForm):
        return
    lookups = getattr(lem, "lookups", None)
    if lookups is not None and lookups.has_table("lemma_index"):
        table = lookups.get_table("lemma_index")
        for key, words in list(table.items()):
            if isinstance(words, list) and not isinstance(words, IndexedList):
                table[key] = IndexedList(words)
    fast = _FAST_LEMMATIZERS.get(base)
    if fast is None:
        name = f"OncePerForm{base.__name__}"  # a module attribute, so that a pipeline can still be pickled
        fast = _FAST_LEMMATIZERS[base] = globals()[name] = type(name, (_OncePerForm, base),
                                                                {"__module__": __name__, "__qualname__": name})
    try:
        lem.__class__ = fast
    except TypeError:  # a lemmatizer whose layout does not allow it: spaCy's own loop
        return
