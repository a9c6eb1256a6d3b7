"""Structured cues of one claim, read once: quantities, dates, polarity of verbs, scope words.

The aligner uses them to single out pairs worth judging even when their wording differs
("did not reject" / "is rejected"); the judge compares them without a model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .quantities import DateFacts, Quantity, extract_dates, extract_quantities

_WORD = re.compile(r"[\w']+")
NEGATORS = {"not", "never", "no", "n't", "cannot", "neither", "nor", "ne", "n'", "pas", "jamais",
            "aucun", "aucune", "ni", "didn't", "doesn't", "don't", "won't", "wasn't", "weren't",
            "isn't", "aren't", "hasn't", "haven't", "hadn't", "couldn't", "wouldn't", "shouldn't"}
AUXILIARIES = {"did", "does", "do", "was", "were", "is", "are", "has", "have", "had", "be", "been",
               "will", "would", "could", "should", "can", "may", "might", "must", "yet", "also",
               "directly", "even", "still", "really", "always", "a", "the", "to", "any", "longer",
               "se", "s'", "l'", "le", "la", "les", "y", "en", "est", "sont", "ont", "été"}
STOP = {"the", "a", "an", "of", "to", "in", "on", "for", "and", "or", "with", "by", "at", "from",
        "that", "this", "it", "as", "is", "was", "were", "be", "been", "has", "have", "had", "his",
        "her", "their", "its", "he", "she", "they", "we", "i", "you", "but", "if", "then", "le", "la",
        "les", "de", "des", "du", "un", "une", "et", "à", "au", "aux", "en", "que", "qui", "pour"}
SCOPE_WORDS = {"first", "only", "biggest", "largest", "highest", "lowest", "smallest",
               "premier", "première", "seul", "seule"}


def stem(word: str) -> str:
    """A crude prefix stem: enough to match "reject" with "rejected" or "rejeté"."""
    word = word.lower().strip("'")
    return word[:5] if len(word) > 5 else word


@dataclass(frozen=True)
class ClaimCues:
    quantities: tuple[Quantity, ...]
    dates: DateFacts
    negated: frozenset[str]  # stems of words under a negation
    affirmed: frozenset[str]  # stems of content words not under a negation
    scope: tuple[tuple[str, tuple[str, ...]], ...]  # (scope word, the words after it)
    negations: tuple[str, ...] = ()  # the negated phrases as written, for explanations

    def comparable(self, other: ClaimCues) -> bool:
        """True when a structured check could say something about this pair."""
        dims = {(q.dimension, q.unit) for q in self.quantities}
        if dims & {(q.dimension, q.unit) for q in other.quantities}:
            return True
        if (self.negated & other.affirmed) or (other.negated & self.affirmed):
            return True
        return bool({w for w, _ in self.scope} & {w for w, _ in other.scope})


def read_cues(text: str) -> ClaimCues:
    words = [w.lower() for w in _WORD.findall(text.replace("\u2019", "'"))]
    negated: set[str] = set()
    affirmed: set[str] = set()
    under = 0
    phrases: list[str] = []
    for i, w in enumerate(words):
        if w in NEGATORS or w.endswith("n't"):
            under = 3
            phrases.append(" ".join(words[i:i + 4]))
            continue
        if w in AUXILIARIES:
            continue
        if under:
            negated.add(stem(w))
            under -= 1
            if len(w) > 3:
                under = 0
        elif w not in STOP and len(w) > 3:
            affirmed.add(stem(w))
    scope: list[tuple[str, tuple[str, ...]]] = []
    for i, w in enumerate(words):
        if w in SCOPE_WORDS:
            scope.append((w, tuple(x for x in words[i + 1:i + 6] if x not in STOP)))
    return ClaimCues(
        quantities=tuple(extract_quantities(text)),
        dates=extract_dates(text),
        negated=frozenset(negated),
        affirmed=frozenset(affirmed - negated),
        scope=tuple(scope),
        negations=tuple(phrases),
    )
