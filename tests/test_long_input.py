"""Very long articles (issue 8: a 1 MB article against a short one) take other code paths: pairs read
from indexes instead of all pairs, the parse made in pieces. These tests use an article generated
here, and check that each fast path gives what the all-pairs path gives."""

from __future__ import annotations

import copy
import random

import pytest

from factdiff import entities, text
from factdiff.doc import Document, Span
from factdiff.entities import NameMention

FIRST = ["Anna", "Boris", "Carla", "Dmitri", "Elena", "Farid", "Greta", "Hamid", "Ingrid", "Jonas", "Vladimir",
         "Volodymyr", "Sergei", "Sergey", "Olaf"]
LAST = ["Kowalczyk", "Petrov", "Petrow", "Lindqvist", "Haddad", "Moreau", "Tanaka", "Okafor", "Novak", "Selby",
        "Putin", "Poutine", "Zelensky", "Zelenskyy", "Scholz", "Gaddafi", "Qaddafi", "Bennett", "Bennet"]
ORGS = [("United Nations General Assembly", "UN General Assembly"), ("Civic Renewal Party", "CRP"),
        ("World Health Organization", "WHO"), ("Federal Harbour Authority", "FHA"),
        ("Northern Rail Company", "NRC")]
PLACES = ["Kyiv", "Moscow", "Poznan", "Vienna", "Lagos", "Osaka", "Lyon", "Ottawa"]
VERBS = ["said", "told reporters", "announced", "denied", "confirmed", "warned"]


def _sentence(rng: random.Random) -> str:
    who = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    org, short = rng.choice(ORGS)
    kind = rng.randrange(5)
    if kind == 0:
        return (f"President {who} {rng.choice(VERBS)} on Monday that the {org} would send "
                f"{rng.randrange(2, 900)} trucks to {rng.choice(PLACES)}.")
    if kind == 1:
        return (f"{rng.choice(LAST)} added that the {short} had met in {rng.choice(PLACES)} "
                f"for {rng.randrange(2, 9)} hours.")
    if kind == 2:
        return f"Mr {rng.choice(LAST)} did not say whether {who} would travel to {rng.choice(PLACES)} again."
    if kind == 3:
        return f"The {org} ({short}) {rng.choice(VERBS)} that {rng.randrange(10, 99)} people were hurt."
    return f"Officials in {rng.choice(PLACES)} said the minister, {who}, spoke with {rng.choice(LAST)} by phone."


def long_article(n_paragraphs: int, seed: int = 8) -> str:
    """Paragraphs of generated news sentences, with repeats, near-repeats and shorter copies in it."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    said: list[str] = []
    for _ in range(n_paragraphs):
        sents = []
        for _ in range(rng.randrange(2, 6)):
            roll = rng.random()
            if said and roll < 0.08:
                sents.append(rng.choice(said))  # a repeat
            elif said and roll < 0.14:
                s = rng.choice(said)
                sents.append(s[:-1] + " again." if rng.random() < 0.5 else s.replace("the ", "a ", 1))
            elif said and roll < 0.18:
                words = rng.choice(said).rstrip(".").split()
                sents.append(" ".join(words[1:]).capitalize() + ".")  # a shorter copy
            else:
                sents.append(_sentence(rng))
            said.append(sents[-1])
        paragraphs.append(" ".join(sents))
    return "\n\n".join(paragraphs)


def _sentences(body: str) -> list:
    return text.sentences(Document(id="long", source="long.txt", text=body, language="en"))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_duplicates_filtered_path_marks_what_all_pairs_marks(seed: int) -> None:
    sents = _sentences(long_article(150, seed))
    a, b = copy.deepcopy(sents), copy.deepcopy(sents)
    text._mark_duplicates_filtered(a, [text._dup_key(s.norm) for s in a],
                                   [i for i, s in enumerate(a) if len(text._dup_key(s.norm)) >= 25])
    old_from = text.DUP_FILTER_FROM
    text.DUP_FILTER_FROM = 10**9
    try:
        text.mark_duplicates(b)
    finally:
        text.DUP_FILTER_FROM = old_from
    marks = [s.duplicate_of for s in a]
    assert marks == [s.duplicate_of for s in b]
    assert sum(m is not None for m in marks) >= 10  # the planted repeats were found


def test_near_candidates_keep_every_close_pair() -> None:
    from rapidfuzz import fuzz

    rng = random.Random(5)
    words = [rng.choice(LAST).lower() + rng.choice(["", "a", "ov", "ski", "e"]) for _ in range(300)]
    for cutoff in (78, 88, 93):
        cands = set(text.near_candidates(words, cutoff))
        for a in range(len(words)):
            for b in range(a + 1, len(words)):
                if fuzz.ratio(words[a], words[b]) >= cutoff:
                    assert (a, b) in cands


def _mentions(seed: int) -> list[NameMention]:
    """Name mentions as extract_mentions writes them, over two generated documents."""
    rng = random.Random(seed)
    out: list[NameMention] = []
    for doc in ("long", "short"):
        pos = 0
        for _ in range(900 if doc == "long" else 60):
            kind = rng.randrange(6)
            if kind == 0:
                t, label = f"{rng.choice(FIRST)} {rng.choice(LAST)}", "PERSON"
            elif kind == 1:
                t, label = rng.choice(LAST), rng.choice(["PERSON", "MISC", "ORG"])
            elif kind == 2:
                t, label = rng.choice(rng.choice(ORGS)), "ORG"
            elif kind == 3:
                t, label = rng.choice(PLACES), "GPE"
            elif kind == 4:
                t, label = f"Mr {rng.choice(LAST)}", "PERSON"
            else:
                t, label = f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}", rng.choice(["MISC", "PERSON"])
            out.append(NameMention(doc, pos, pos + len(t), t, label, pos // 200))
            pos += len(t) + rng.randrange(5, 80)
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_resolve_indexed_pairs_cluster_as_all_pairs(seed: int) -> None:
    ms = _mentions(seed)
    old_from = entities.RESOLVE_BLOCKING_FROM
    try:
        entities.RESOLVE_BLOCKING_FROM = 10**9
        every = entities.resolve(copy.deepcopy(ms))
        entities.RESOLVE_BLOCKING_FROM = 0
        indexed = entities.resolve(copy.deepcopy(ms))
    finally:
        entities.RESOLVE_BLOCKING_FROM = old_from
    assert indexed == every
    assert len(set(every)) < len(ms) // 5  # names were joined


def test_a_description_joins_the_latest_compatible_person_of_its_document_within_two_sentences() -> None:
    """resolve: "the minister" with two ministers named goes to the one named last before it in its own
    document, not to one named after it, in another document, or more than two sentences back."""
    def m(doc: str, start: int, text: str, label: str, sent: int, role: str = "") -> NameMention:
        return NameMention(doc, start, start + len(text), text, label, sent, role)

    ms = [m("a", 0, "Anna Novak", "PERSON", 0, "minister"),
          m("a", 40, "Boris Petrov", "PERSON", 1, "minister"),
          m("b", 50, "Anna Novak", "PERSON", 1, "minister"),  # later in its text, but another document
          m("a", 80, "the minister", "DESC", 2, "minister"),
          m("a", 120, "Boris Petrov", "PERSON", 3),  # after the description
          m("a", 300, "the minister", "DESC", 9, "minister")]  # no minister named in the two sentences before
    labels = entities.resolve(ms)
    assert labels[0] == labels[2] != labels[1]
    assert labels[3] == labels[1] == labels[4]
    assert labels[5] == -1


def test_spans_answer_as_a_scan() -> None:
    rng = random.Random(3)
    spans = entities._Spans()
    kept: list[tuple[int, int]] = []
    for _ in range(400):
        s = rng.randrange(0, 2000)
        span = (s, s + rng.randrange(1, 40))
        spans.add(span)
        kept.append(span)
        if rng.random() < 0.2:
            gone = kept.pop(rng.randrange(len(kept)))
            spans.remove(gone)
        a = rng.randrange(0, 2000)
        b = a + rng.randrange(1, 60)
        assert spans.overlaps(a, b) == any(x < b and a < y for x, y in kept)
        assert spans.within(a, b) == any(a <= x and y <= b and (x, y) != (a, b) for x, y in kept)
        assert spans.around(a, b) == any(x <= a and b <= y and (x, y) != (a, b) for x, y in kept)


def test_entities_in_reads_a_window_with_the_scan_result() -> None:
    ann = entities.annotate([Document(id="d0", source="d0.txt", text=long_article(12), language="en")])
    rows = ann._by_doc["d0"]
    for start in range(0, len(ann.parsed["d0"].text), 37):
        span = Span("d0", start, start + 60)
        scan: list[str] = []
        for s, e, eid in rows:
            if s < span.end and span.start < e and eid not in scan:
                scan.append(eid)
        assert ann.entities_in(span) == scan


def test_parse_in_pieces_keeps_the_text_and_normal_articles_whole() -> None:
    body = long_article(60)
    nlp = entities.load_model("en")
    prefix = body[:3000]
    whole = nlp(prefix)
    assert [t.text for t in entities.parse_text(nlp, prefix)] == [t.text for t in whole]  # under the limit
    old = entities.PARSE_CHUNK_FROM, entities.PARSE_CHUNK
    entities.PARSE_CHUNK_FROM, entities.PARSE_CHUNK = 2000, 1500
    try:
        doc = entities.parse_text(nlp, body)
    finally:
        entities.PARSE_CHUNK_FROM, entities.PARSE_CHUNK = old
    assert doc.text == body
    assert doc.has_annotation("DEP") and doc.has_annotation("SENT_START")
    assert [t.text for t in doc] == [t.text for t in nlp(body)]  # cut at paragraph breaks: same tokens
    # the first piece is parsed as the article's opening is parsed on its own
    first = entities._pieces(body, 1500)[0]
    alone = nlp(body[:first[1]])
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents if e.end_char <= first[1]] == \
        [(e.start_char, e.end_char, e.label_) for e in alone.ents]


@pytest.mark.parametrize("processes", ["2", "1"])
def test_pieces_parsed_in_other_processes_give_the_same_parse(processes: str, monkeypatch: pytest.MonkeyPatch) -> None:
    body = long_article(40)
    nlp = entities.load_model("en")
    monkeypatch.setattr(entities, "PARSE_CHUNK_FROM", 2000)
    monkeypatch.setattr(entities, "PARSE_CHUNK", 1500)
    monkeypatch.setenv("FACTDIFF_PARSE_PROCESSES", processes)
    assert entities.parse_processes() == int(processes)
    doc = entities.parse_text(nlp, body)
    from spacy.tokens import Doc

    by_turn = Doc.from_docs([nlp(body[a:b]) for a, b in entities._pieces(body, 1500)], ensure_whitespace=False)
    assert len(entities._pieces(body, 1500)) > 4  # several pieces, so several processes had work
    assert [(t.text, t.dep_, t.head.i, t.lemma_, t.pos_, t.ent_type_) for t in doc] == \
        [(t.text, t.dep_, t.head.i, t.lemma_, t.pos_, t.ent_type_) for t in by_turn]
    assert [s.start for s in doc.sents] == [s.start for s in by_turn.sents]


def test_parse_processes_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.setenv("FACTDIFF_PARSE_PROCESSES", "not a number")
    assert entities.parse_processes() == 1
    monkeypatch.setenv("FACTDIFF_PARSE_PROCESSES", "3")
    got: list[int] = []
    worker = threading.Thread(target=lambda: got.append(entities.parse_processes()))
    worker.start()
    worker.join()
    assert entities.parse_processes() == 3 and got == [1]  # a worker thread never forks


def _without_timings(report: object) -> dict:
    data = report.to_json()  # type: ignore[attr-defined]
    data.get("stats", {}).pop("timings_s", None)
    return data


def test_long_article_compares_and_its_prefix_is_unchanged() -> None:
    from factdiff import compare  # type: ignore[attr-defined]

    body = long_article(60)
    short = Document(id="short", source="short.txt", text=long_article(4, seed=9), language="en")
    prefix = Document(id="long", source="long.txt", text=body[:4000], language="en")
    before = compare([prefix, short])
    old = (entities.PARSE_CHUNK_FROM, entities.RESOLVE_BLOCKING_FROM, text.DUP_FILTER_FROM)
    try:
        entities.RESOLVE_BLOCKING_FROM, text.DUP_FILTER_FROM = 0, 0
        after = compare([prefix, short])  # indexed pairs, filtered duplicates: the same report
        entities.PARSE_CHUNK_FROM = 5000
        big = compare([Document(id="long", source="long.txt", text=body, language="en"), short])
    finally:
        entities.PARSE_CHUNK_FROM, entities.RESOLVE_BLOCKING_FROM, text.DUP_FILTER_FROM = old
    assert _without_timings(after) == _without_timings(before)
    assert big.stats["claims"] > after.stats["claims"]


def _pid_and_square(x: int) -> tuple[int, int]:
    import os

    return os.getpid(), x * x


def test_per_claim_work_on_a_long_article_is_shared_with_a_child_and_comes_back_in_order(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from factdiff.beside import map_in_two

    monkeypatch.setenv("FACTDIFF_PARSE_PROCESSES", "2")
    out = map_in_two(_pid_and_square, list(range(10)), split_from=4)
    assert [sq for _, sq in out] == [x * x for x in range(10)]
    assert {pid for pid, _ in out[:5]} == {os.getpid()} and os.getpid() not in {pid for pid, _ in out[5:]}
    short = map_in_two(_pid_and_square, [1, 2, 3], split_from=4)  # below the split: all here
    assert short == [(os.getpid(), 1), (os.getpid(), 4), (os.getpid(), 9)]
    monkeypatch.setenv("FACTDIFF_PARSE_PROCESSES", "1")  # one process allowed: all here
    assert {pid for pid, _ in map_in_two(_pid_and_square, list(range(10)), split_from=4)} == {os.getpid()}
