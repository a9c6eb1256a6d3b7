"""Structured cues of one claim, read once: quantities, dates, polarity of verbs, scope words.

The aligner uses them to single out pairs worth judging even when their wording differs
("did not reject" / "is rejected"); the judge compares them without a model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .quantities import DateFacts, Quantity, extract_dates, extract_quantities

_WORD = re.compile(r"[\w']+")
# "no" is left out: it mostly negates a noun ("no vote", "No. 2"), not the claim
NEGATORS = {"not", "never", "n't", "cannot", "neither", "nor", "ne", "n'", "pas", "jamais",
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
SCOPE_DETERMINERS = {"the", "a", "an", "his", "her", "its", "their", "our", "le", "la", "les", "sa", "son", "leur"}
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
    supposed: str = ""  # the words that open a supposition ("let's say"): the claim asserts nothing

    def comparable(self, other: ClaimCues) -> bool:
        """True when a structured check could say something about this pair."""
        if {q.key()[:2] for q in self.quantities} & {q.key()[:2] for q in other.quantities}:
            return True
        if (self.negated & other.affirmed) or (other.negated & self.affirmed):
            return True
        return bool({w for w, _ in self.scope} & {w for w, _ in other.scope})


# verbs too light to carry a claim's polarity on their own ("never had a veto overridden")
LIGHT_VERBS = {"be", "have", "do", "say", "tell", "get", "make", "go", "take", "give", "come", "can",
               "will", "would", "could", "should", "may", "might", "must",
               # opinions, not facts: "I don't think it's worse" does not deny a reported event
               "think", "believe", "know", "want", "need", "expect", "seem", "appear", "like", "hope",
               "penser", "croire", "savoir", "vouloir", "sembler",
               "être", "avoir", "faire", "dire", "aller", "pouvoir", "devoir"}
_FR_NEGATORS = {"pas", "jamais", "plus", "aucunement", "guère", "point"}
_NEG_DETERMINERS = {"no", "aucun", "aucune", "nul", "nulle"}
_NEG_PRONOUNS = {"nobody", "nothing", "none", "personne", "rien"}
_SUBJECTS = {"nsubj", "nsubjpass", "nsubj:pass"}


SPEECH_VERBS = {"say", "tell", "report", "announce", "add", "state", "declare", "confirm", "insist", "note",
                "claim", "write", "argue", "warn", "deny", "déclarer", "dire", "annoncer", "affirmer", "indiquer",
                "préciser", "assurer"}


def _main_predicates(toks: list[Any]) -> set[int]:
    """Token indices of the claim's main predicates: the root of the span, verbs joined to it,
    and what a speech verb reports ("officials said that no fuel had leaked")."""
    inside = {t.i for t in toks}
    roots = [t for t in toks if t.head.i not in inside or t.dep_ == "ROOT"]
    main = {t.i for t in roots}
    for t in roots:
        main.update(c.i for c in t.children if c.dep_ == "conj" and c.i in inside)
        if t.lemma_.lower() in SPEECH_VERBS:
            main.update(c.i for c in t.children if c.dep_ in ("ccomp", "parataxis") and c.i in inside)
    return main


def _finite(tok: Any) -> bool:
    """A verb that asserts something: finite, or carried by an auxiliary ("is rejected"); not a
    bare participle such as "including being called a compromise"."""
    if "Fin" in tok.morph.get("VerbForm") or tok.tag_ in ("VBD", "VBZ", "VBP", "MD"):
        return True
    return any(c.dep_ in ("aux", "auxpass", "aux:pass") for c in tok.children)


def polarity_from_parse(tokens: Iterable[Any]) -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    """(negated, affirmed, phrases) of the claim's main predicates, read from a dependency parse.

    A predicate is negated when a negation attaches to it ("did not reject", "n'a pas rejeté",
    "no fuel had leaked"). Only main predicates count: "supporting him could hurt" affirms
    "hurt", not "support". Stems, so that "rejected" meets "rejeté"."""
    toks = list(tokens)
    main = _main_predicates(toks)
    negated: set[str] = set()
    phrases: list[str] = []
    for tok in toks:
        head = tok.head
        is_neg = tok.dep_ == "neg" or (tok.lower_ in _FR_NEGATORS and tok.dep_ == "advmod"
                                       and any(t.lower_ in {"ne", "n'"} for t in head.children))
        if tok.lower_ in _NEG_DETERMINERS and tok.dep_ == "det" and head.dep_ in _SUBJECTS:
            head, is_neg = head.head, True  # "no fuel had leaked": the subject's "no" negates the verb
        elif tok.lower_ in _NEG_PRONOUNS and tok.dep_ in _SUBJECTS:
            is_neg = True  # "nobody was hurt"
        if is_neg and head.i in main and head.lemma_.lower() not in LIGHT_VERBS and not head.like_num:
            # (a negation on a figure, "around 2020, and not 2015", denies a value, not the predicate)
            negated.add(stem(head.lemma_))
            aux = [c.i for c in head.children if c.dep_ in ("aux", "auxpass", "aux:pass") and c.i < head.i]
            lo, hi = min([tok.i, head.i, *aux]), max(tok.i, head.i)
            phrases.append(" ".join(t.text for t in tok.doc[lo:hi + 1]))
    affirmed = {stem(t.lemma_) for t in toks
                if t.i in main and t.pos_ in ("VERB", "AUX") and t.lemma_.lower() not in LIGHT_VERBS
                and _finite(t)}
    return frozenset(negated), frozenset(affirmed - negated), tuple(phrases)


def read_cues(text: str, language: str = "und") -> ClaimCues:
    raw = _WORD.findall(text.replace("\u2019", "'"))
    words = [w.lower() for w in raw]
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
        if w[0].isdigit():
            # a figure is no predicate: "around 2020, and not 2015" denies a value, which the figure checks
            # compare; the claim itself is affirmed
            under = 0
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
        # "the first leader", "Trump's first offer", "la seule"; not "only two times", "in the first place"
        determined = i > 0 and (words[i - 1] in SCOPE_DETERMINERS or words[i - 1].endswith("'s"))
        if w in SCOPE_WORDS and determined and words[i + 1:i + 2] != ["place"]:
            # common words only: "the first Mr. Obama faced" is not about a kind of Obama
            after = [x.lower() for x in raw[i + 1:i + 6] if x.lower() not in STOP and not x[:1].isupper()]
            scope.append((w, tuple(after)))
    return ClaimCues(
        quantities=tuple(extract_quantities(text, language)),
        dates=extract_dates(text, language),
        negated=frozenset(negated),
        affirmed=frozenset(affirmed - negated),
        scope=tuple(scope),
        negations=tuple(phrases),
        supposed=supposition(text, language),
    )


def supposition(text: str, language: str = "und") -> str:
    """The phrase that opens ``text`` as a supposition ("Let's say ...", "Supongamos que ..."), else ""; a
    conjunction or a quotation mark before it is passed over ("And let's say ...")."""
    from .lang import get as get_lang

    lang = get_lang(language if language and language != "und" else "en")
    if not lang.supposition_words:
        return ""
    runs = list(re.finditer(r"[^\W\d_]+", text[:80]))
    words = [m.group().lower() for m in runs]
    skip = 1 if words and (words[0] in lang.conjunctions or words[0] in {"and", "but", "so"}) else 0
    for n in (4, 3, 2, 1):
        if len(words) >= skip + n and " ".join(words[skip:skip + n]) in lang.supposition_words:
            return text[runs[skip].start():runs[skip + n - 1].end()]  # as written: "Let's say"
    return ""
