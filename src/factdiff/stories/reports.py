"""Stored report JSON back into a ``Report`` for the renderers.

A bridge until reports round-trip through ``factdiff.report`` itself: it rebuilds exactly the
parts the renderers read (documents, claims, relations, unique claims, duplicates, entities,
similarity, facts) from the JSON contract that ``Report.to_json`` writes.
"""

from __future__ import annotations

from typing import Any

from ..doc import Claim, Document, Entity, Mention, Relation, Sentence, Verdict
from ..report import Fact, Report


def _key(span: dict[str, Any]) -> tuple[str, int, int]:
    return (str(span["doc"]), int(span["start"]), int(span["end"]))


def report_from_json(data: dict[str, Any]) -> Report:
    docs = [Document(id=str(d["id"]), source=str(d.get("source", "")), text=str(d.get("text", "")),
                     title=str(d.get("title", "")), language=str(d.get("language", "und")),
                     url=str(d.get("url", "")), published=str(d.get("published", "")))
            for d in data.get("documents", [])]
    lang = {d.id: d.language for d in docs}
    claims: dict[str, list[Claim]] = {d.id: [] for d in docs}
    by_span: dict[tuple[str, int, int], Claim] = {}
    for c in data.get("claims", []):
        claim = Claim(str(c["id"]), str(c["doc"]), 0, int(c["start"]), int(c["end"]), str(c["text"]),
                      lang.get(str(c["doc"]), "und"))
        claims.setdefault(claim.doc, []).append(claim)
        by_span[_key(c)] = claim

    def claim_at(span: dict[str, Any], text: str) -> Claim:
        found = by_span.get(_key(span))
        if found is None:
            found = Claim(f"{span['doc']}:{span['start']}", str(span["doc"]), 0, int(span["start"]),
                          int(span["end"]), text, lang.get(str(span["doc"]), "und"))
            by_span[_key(span)] = found
        return found

    relations = [
        Relation(claim_at(r["a"], r.get("text_a", "")), claim_at(r["b"], r.get("text_b", "")),
                 Verdict(r["label"], r.get("kind", "other"), float(r.get("confidence", 0.0)),
                         str(r.get("explanation", "")), str(r.get("decided_by", ""))),
                 float(r.get("similarity", 0.0)))
        for r in data.get("relations", [])
    ]
    unique = [claim_at(u, u.get("text", "")) for u in data.get("unique", [])]
    sentences: dict[str, list[Sentence]] = {d.id: [] for d in docs}
    for dup in data.get("duplicates", []):
        first = dup["duplicate_of"]
        doc_text = next((d.text for d in docs if d.id == dup["doc"]), "")
        sents = sentences.setdefault(str(dup["doc"]), [])
        i = len(sents)
        for span, of in ((first, None), (dup, i)):
            piece = doc_text[int(span["start"]):int(span["end"])]
            sents.append(Sentence(str(dup["doc"]), len(sents), int(span["start"]), int(span["end"]), piece, piece,
                                  duplicate_of=of))
    entities = [Entity(str(e["id"]), str(e["name"]), str(e["type"]),
                       [Mention(str(m["doc"]), int(m["start"]), int(m["end"]), str(m["text"]),
                                str(m.get("kind", "name"))) for m in e.get("mentions", [])])
                for e in data.get("entities", [])]
    similarity = [(str(s["a"]), str(s["b"]), float(s["score"])) for s in data.get("similarity", [])]
    facts = [Fact([claim_at(c, "") for c in f.get("claims", [])]) for f in data.get("facts", [])]
    report = Report(docs, sentences, claims, relations, unique, entities, similarity, facts,
                    stats=dict(data.get("stats", {})), options=dict(data.get("options", {})))
    report.warnings = [str(w) for w in data.get("warnings", [])]
    report.noise = [Sentence(str(n["doc"]), -1, int(n["start"]), int(n["end"]), str(n.get("text", "")),
                             str(n.get("text", ""))) for n in data.get("noise", [])]
    return report
