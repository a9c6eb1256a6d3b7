"""Translated articles: what factdiff says of an article and its translation (MEANTIME en vs es, it, nl).

MEANTIME (../shared/data/coref/meantime) holds 120 English Wikinews articles and their translations into
Spanish, Italian and Dutch, sentence by sentence. A translation states every fact of its original, the same
way, so it is the one real pair whose answer is known without annotation: every sentence agrees with its
counterpart, and nothing contradicts. For each of the first ``ARTICLES`` articles (sorted by id) whose
translations keep the original's sentence count, ``factdiff.compare`` runs on the English original and each
translation (default config). Reported per language and overall:

- aligned recall: the share of the original's sentences (title excluded) that get an agreement with the
  same sentence of the translation;
- agreements printed, and how many of them join two sentences that are not counterparts (a wrong pairing,
  unless one sentence repeats the other's fact);
- contradictions and tensions printed: false on a faithful translation (each is listed, so that a translation
  error, which a cross-check should find, can be told from a false alarm).

    python -m bench translations
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from bench.common import DATA, Skip, Table, conll_sentences

ROOT_DIR = DATA / "coref" / "meantime"
LANGS = ("es", "it", "nl")
ARTICLES = 15  # articles per language (45 pairs): about two minutes on one core


@dataclass
class Tally:
    pairs: int = 0
    sentences: int = 0
    aligned: int = 0  # original sentences with an agreement with their counterpart
    agreements: int = 0
    misaligned: int = 0  # agreements between sentences that are not counterparts
    contradictions: int = 0
    tensions: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for k in ("pairs", "sentences", "aligned", "agreements", "misaligned", "contradictions", "tensions"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        self.examples.extend(other.examples)


def load() -> dict[str, dict[str, list[str]]]:
    """{language: {article id: [title, sentence, ...]}} from the CoNLL files."""
    out: dict[str, dict[str, list[str]]] = {}
    for lang in ("en", *LANGS):
        path = ROOT_DIR / lang / "meantime.conll"
        if not path.exists():
            raise Skip(f"MEANTIME {lang} not found under {ROOT_DIR}")
        sents = conll_sentences(path)
        out[lang] = {key: [_detok(" ".join(by[i])) for i in sorted(by)] for key, by in sents.items()}
    return out


def _detok(s: str) -> str:
    """Tokens joined back: no space before closing punctuation or after opening brackets."""
    s = re.sub(r"\s+([.,;:!?%)\]»])", r"\1", s)
    return re.sub(r"([(\[«])\s+", r"\1", s)


def _sentence_of(offsets: list[int], start: int) -> int:
    k = 0
    for i, o in enumerate(offsets):
        if o <= start:
            k = i
    return k


def documents(original: list[str], translation: list[str], lang: str) -> tuple[list[Any], list[list[int]]]:
    """The two articles (ids "original" and "translation": title, then one sentence a line) and, for each, where
    its sentences start in its text."""
    from factdiff.doc import Document

    docs, offsets = [], []
    for name, lines, language in (("original", original, "en"), ("translation", translation, lang)):
        body = lines[1:]
        starts, at = [], 0
        for s in body:
            starts.append(at)
            at += len(s) + 1
        offsets.append(starts)
        docs.append(Document(id=name, source=name, text="\n".join(body), title=lines[0], language=language))
    return docs, offsets


def compare_pair(original: list[str], translation: list[str], lang: str, config: Any = None,
                 samefact_model: Any = None) -> Tally:
    from factdiff.pipeline import compare

    docs, offsets = documents(original, translation, lang)
    report = compare(docs, entities=False, config=config, samefact_model=samefact_model)
    t = Tally(pairs=1, sentences=len(original) - 1)
    hit: set[int] = set()
    for r in report.relations:
        a, b = (r.a, r.b) if r.a.doc == "original" else (r.b, r.a)
        sa, sb = _sentence_of(offsets[0], a.start), _sentence_of(offsets[1], b.start)
        label = r.verdict.label
        if label == "agree":
            t.agreements += 1
            if sa == sb:
                hit.add(sa)
            else:
                t.misaligned += 1
        elif label == "contradict":
            t.contradictions += 1
            t.examples.append(f"contradict: {a.text[:70]!r} / {b.text[:70]!r} ({r.verdict.explanation[:60]})")
        elif label == "tension":
            t.tensions += 1
            t.examples.append(f"tension: {a.text[:70]!r} / {b.text[:70]!r} ({r.verdict.explanation[:60]})")
    t.aligned = len(hit)
    return t


def run_pairs(data: dict[str, dict[str, list[str]]], articles: int = ARTICLES, config: Any = None,
              samefact_model: Any = None) -> dict[str, Tally]:
    tallies: dict[str, Tally] = {}
    for lang in LANGS:
        tally = Tally()
        keys = sorted(k for k in data["en"] if k in data[lang] and len(data[lang][k]) == len(data["en"][k]))
        for key in keys[:articles]:
            tally.add(compare_pair(data["en"][key], data[lang][key], lang, config, samefact_model))
        tallies[lang] = tally
    return tallies


def _examples(tallies: dict[str, Tally]) -> list[str]:
    return [e for t in tallies.values() for e in t.examples]


def tables(quick: bool = False) -> list[Table]:
    import dataclasses

    from factdiff.samefact import load_model

    data = load()
    t0 = time.time()
    n = 5 if quick else ARTICLES
    tallies = run_pairs(data, n)
    total = Tally()
    for t in tallies.values():
        total.add(t)
    seconds = time.time() - t0
    # baseline, same process: the shipped same-fact model without its close-pair term (not in the CI smoke run)
    base = Tally()
    if not quick:
        for t in run_pairs(data, n, samefact_model=dataclasses.replace(load_model("use"), close=None)).values():
            base.add(t)
    rows = []
    labelled = [*tallies.items(), ("all", total)] + ([("all, without the close-pair term", base)] if base.pairs else [])
    for name, t in labelled:
        rows.append([f"en-{name}" if name in LANGS else name, str(t.pairs), str(t.sentences),
                     f"{t.aligned / max(t.sentences, 1):.2f} ({t.aligned}/{t.sentences})", str(t.agreements),
                     str(t.misaligned), str(t.contradictions), str(t.tensions)])
    notes = [f"{total.pairs} article pairs in {seconds:.0f} s: the first {5 if quick else ARTICLES} MEANTIME "
             "articles (sorted by id) whose translation keeps the sentence count, English original against each "
             "translation; factdiff.compare with the default config, entities off.",
             "Baseline (last row, same run): the same-fact model without its close-pair term "
             "(samefact.SameFactModel.close, for cross-lingual pairs as close as translations).",
             "Aligned recall: original sentences (title excluded) with an agreement with the same sentence of the "
             "translation. Misaligned: agreements between sentences that are not counterparts. A contradiction or "
             "a tension is false unless the translation itself errs: each is printed below to be checked."]
    notes += [f"printed: {e}" for e in _examples(tallies)[:10]]
    ok = True
    if quick:
        failures = check(total)
        ok = not failures
        notes.append("Floors (bench/floors.py TRANSLATION_FLOORS): " + ("; ".join(failures) or "all hold"))
    return [Table("Translated articles (MEANTIME en vs es, it, nl)",
                  "python -m bench translations" + (" --quick" if quick else ""),
                  ["pair", "articles", "sentences", "aligned recall", "agreements", "misaligned", "contradictions",
                   "tensions"], rows, notes, ok=ok)]


def check(total: Tally) -> list[str]:
    """The quick run's floors that do not hold (empty: all hold)."""
    from bench.floors import TRANSLATION_FLOORS as F

    out = []
    recall = total.aligned / max(total.sentences, 1)
    if recall < F["aligned_recall"]:
        out.append(f"aligned recall {recall:.2f} < {F['aligned_recall']}")
    if total.misaligned > F["misaligned"]:
        out.append(f"misaligned agreements {total.misaligned} > {F['misaligned']}")
    if total.contradictions + total.tensions > F["disagreements"]:
        out.append(f"contradictions and tensions {total.contradictions + total.tensions} > {F['disagreements']}")
    return out
