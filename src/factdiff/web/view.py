"""The reading view: one Report turned into what the templates show.

``build_view`` is the only place that decides what a reader sees of a report; the web page
(``/stories/{id}``, ``/compare``) and the self-contained file (``render.to_html``) both render
its result with the same templates. Every element id it makes is generated here (``d0``, ``s12``,
``r3``): no id, class or attribute value on the page is ever taken from an article, so an article
id such as ``x" onmouseover="...`` stays text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..report import Report

LABELS = ("contradict", "tension", "agree")
RANK = {"contradict": 0, "tension": 1, "agree": 2, "unique": 3, "claim": 4, "duplicate": 5, "noise": 6}
LABEL_WORDS = {  # how a span's tag reads, by label: (symbol, phrase)
    "contradict": ("✗", "contradicted by"),
    "tension": ("~", "in tension with"),
    "agree": ("✓", "confirmed by"),
}
MATRIX_STATES = {  # cell state: (symbol, words)
    "contradicts": ("✗", "contradicts"),
    "tension": ("~", "in tension"),
    "confirms": ("✓", "confirms"),
    "alone": ("●", "only source"),
    "": ("", "does not say"),
}
SAFE_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.I)


def safe_url(url: str | None) -> str:
    """``url`` when it is a plain http(s) URL, else "" (no ``javascript:``, no ``data:``)."""
    url = (url or "").strip()
    return url if len(url) <= 2000 and SAFE_URL.match(url) else ""


def parse_iso(value: str | None) -> datetime | None:
    """An ISO 8601 time as naive UTC; None when it is not one (no guessing in a renderer)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt


def _ago(delta_s: float) -> str:
    minutes = int(round(delta_s / 60))
    if minutes < 60:
        return f"+{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"+{hours} h {minutes:02d} min"
    return f"+{hours // 24} d {hours % 24} h"


@dataclass
class SpanView:
    key: str  # element id, generated
    doc: int  # index of the document
    start: int
    end: int
    text: str
    kinds: set[str] = field(default_factory=set)  # "claim", "unique", "duplicate", "noise"
    rels: list[str] = field(default_factory=list)  # relation keys
    counts: dict[str, int] = field(default_factory=dict)  # label -> number of relations

    @property
    def labels(self) -> list[str]:
        out = [lab for lab in LABELS if self.counts.get(lab)]
        out += [k for k in ("unique", "duplicate", "noise") if k in self.kinds]
        return out or ["claim"]

    @property
    def css(self) -> str:
        return " ".join(["c", *self.labels])

    @property
    def tags(self) -> list[dict[str, Any]]:
        return [{"label": lab, "symbol": LABEL_WORDS[lab][0], "count": self.counts[lab]}
                for lab in LABELS if self.counts.get(lab)]

    @property
    def title(self) -> str:
        parts = [f"{LABEL_WORDS[lab][1]} {n} claim{'s' if n > 1 else ''}"
                 for lab in LABELS if (n := self.counts.get(lab, 0))]
        if "unique" in self.kinds:
            parts.append("only this source says it")
        if "duplicate" in self.kinds:
            parts.append("repeated sentence, counted once")
        if "noise" in self.kinds:
            parts.append("page furniture, not read as a claim")
        return "; ".join(parts) or "a claim no other source addresses"


def build_view(report: Report, *, article_href: Callable[[str], str] | None = None,
               title: str = "", story: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the reading view template shows, from ``report`` alone (plus optional links)."""
    docs = report.documents
    index = {d.id: i for i, d in enumerate(docs)}
    spans: dict[tuple[int, int, int], SpanView] = {}

    def span(doc_id: str, start: int, end: int, kind: str | None = None) -> SpanView | None:
        i = index.get(doc_id)
        if i is None:
            return None
        text = docs[i].text
        start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
        if end <= start:
            return None
        k = (i, start, end)
        if k not in spans:
            spans[k] = SpanView(f"s{len(spans)}", i, start, end, text[start:end])
        if kind:
            spans[k].kinds.add(kind)
        return spans[k]

    for cs in report.claims.values():
        for c in cs:
            span(c.doc, c.start, c.end, "claim")
    for c in report.unique:
        span(c.doc, c.start, c.end, "unique")
    for dup, _first in report.duplicates:
        span(dup.doc, dup.start, dup.end, "duplicate")
    for s in report.noise:
        span(s.doc, s.start, s.end, "noise")

    rels: dict[str, list[dict[str, Any]]] = {lab: [] for lab in LABELS}
    for n, r in enumerate(report.relations):
        label = r.verdict.label if r.verdict.label in LABELS else "tension"
        a, b = span(r.a.doc, r.a.start, r.a.end, "claim"), span(r.b.doc, r.b.start, r.b.end, "claim")
        if a is None or b is None:
            continue
        key = f"r{n}"
        for sv in (a, b):
            sv.rels.append(key)
            sv.counts[label] = sv.counts.get(label, 0) + 1
        rels[label].append({"key": key, "label": label, "kind": r.verdict.kind,
                            "confidence": round(float(r.verdict.confidence), 2),
                            "explanation": r.verdict.explanation, "decided_by": r.verdict.source,
                            "a": a, "b": b})
    for lab in LABELS:
        rels[lab].sort(key=lambda rv: (-rv["confidence"], rv["a"].doc, rv["a"].start))

    # the text of each document in pieces: plain text and marked spans (an overlapping span is
    # shown inside the one before it: its key is an alias of that span, so links still land)
    alias: dict[str, str] = {}
    columns = []
    for i, d in enumerate(docs):
        mine = sorted((sv for sv in spans.values() if sv.doc == i),
                      key=lambda sv: (sv.start, RANK[sv.labels[0]], -sv.end))
        pieces: list[tuple[str, SpanView | None]] = []
        pos, last = 0, None
        for sv in mine:
            if sv.start < pos:
                if last is not None:
                    alias[sv.key] = last.key
                    last.rels.extend(k for k in sv.rels if k not in last.rels)
                    for lab, cnt in sv.counts.items():
                        last.counts[lab] = last.counts.get(lab, 0) + cnt
                    last.kinds |= sv.kinds
                continue
            if sv.start > pos:
                pieces.append((d.text[pos:sv.start], None))
            pieces.append((sv.text, sv))
            pos, last = sv.end, sv
        if pos < len(d.text):
            pieces.append((d.text[pos:], None))
        when = parse_iso(d.published)
        columns.append({
            "key": f"d{i}", "index": i, "id": d.id, "outlet": _outlet(d.source) or d.id, "title": d.title,
            "language": d.language, "published": d.published, "when": when, "url": safe_url(d.url),
            "href": article_href(d.id) if article_href else "", "claims": len(report.claims.get(d.id, [])),
            "pieces": pieces, "letter": _letter(i),
        })

    def ref(sv: SpanView) -> dict[str, Any]:
        key = alias.get(sv.key, sv.key)
        return {"key": key, "doc": columns[sv.doc], "text": sv.text}

    for lab in LABELS:
        for rv in rels[lab]:
            rv["a"], rv["b"] = ref(rv["a"]), ref(rv["b"])
    for sv in spans.values():  # the page's own links: relation keys on each shown span
        if sv.key in alias:
            continue
        sv.rels = sorted(set(sv.rels), key=lambda k: int(k[1:]))

    unique = [ref(sv) for sv in sorted(spans.values(), key=lambda s: (s.doc, s.start)) if "unique" in sv.kinds]
    repeats = [ref(sv) for sv in sorted(spans.values(), key=lambda s: (s.doc, s.start)) if "duplicate" in sv.kinds]
    noise = [ref(sv) for sv in sorted(spans.values(), key=lambda s: (s.doc, s.start)) if "noise" in sv.kinds]

    return {
        "title": title or (story or {}).get("title") or "factdiff report",
        "story": story,
        "columns": columns,
        "pick": len(columns) > 3,
        "contradictions": rels["contradict"],
        "tensions": rels["tension"],
        "agreements": rels["agree"],
        "unique": unique,
        "repeats": repeats,
        "noise": noise,
        "matrix": _matrix(report, columns, index, spans, alias),
        "entities": _entities(report, columns, index),
        "similarity": _similarity(report, columns, index),
        "timeline": _timeline(columns),
        "warnings": list(report.warnings),
        "summary": report.to_json()["summary"],
        "options": report.options,
    }


def _outlet(source: str) -> str:
    return source.rstrip("/").rsplit("/", 1)[-1] if "://" not in source else source


def _letter(i: int) -> str:
    """A, B, ..., Z, AA, AB, ...: a short column label that is never taken from an article."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _matrix(report: Report, columns: list[dict[str, Any]], index: dict[str, int],
            spans: dict[tuple[int, int, int], SpanView], alias: dict[str, str]) -> list[dict[str, Any]]:
    """One row per fact: for each source, whether it confirms, contradicts, qualifies or alone reports it."""
    state_of: dict[tuple[str, int, int], str] = {}
    for r in report.relations:
        lab = r.verdict.label
        for c in (r.a, r.b):
            k = (c.doc, c.start, c.end)
            if lab == "contradict" or (lab == "tension" and state_of.get(k) != "contradicts"):
                state_of[k] = "contradicts" if lab == "contradict" else "tension"
    rows = []
    for f in report.facts:
        if not f.claims:
            continue
        sources = set(f.sources)
        cells = []
        for col in columns:
            mine = [c for c in f.claims if c.doc == col["id"]]
            state, target = "", ""
            if mine:
                states = {state_of.get((c.doc, c.start, c.end), "") for c in mine}
                state = ("contradicts" if "contradicts" in states else "tension" if "tension" in states
                         else "confirms" if len(sources) > 1 else "alone")
                sv = spans.get((col["index"], mine[0].start, mine[0].end))
                target = alias.get(sv.key, sv.key) if sv else ""
            cells.append({"state": state, "symbol": MATRIX_STATES[state][0], "words": MATRIX_STATES[state][1],
                          "target": target, "outlet": col["outlet"]})
        text = f.claims[0].text or next((c.text for c in f.claims if c.text), "")
        if not text:
            i = index.get(f.claims[0].doc)
            text = report.documents[i].text[f.claims[0].start:f.claims[0].end] if i is not None else ""
        rows.append({"text": text, "cells": cells, "sources": len(sources)})
    return rows


def _entities(report: Report, columns: list[dict[str, Any]], index: dict[str, int]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for e in report.entities:
        per: dict[int, set[str]] = {}
        for m in e.mentions:
            if m.doc in index:
                per.setdefault(index[m.doc], set()).add(m.text)
        variants = {t for ts in per.values() for t in ts}
        out.append({"name": e.name, "type": e.type, "outlets": len(per), "variants": len(variants),
                    "cells": [sorted(per.get(col["index"], set())) for col in columns]})
    out.sort(key=lambda e: (-e["outlets"], -e["variants"], e["name"].lower()))
    return out


def _similarity(report: Report, columns: list[dict[str, Any]], index: dict[str, int]) -> dict[str, Any]:
    n = len(columns)
    grid: list[list[float | None]] = [[None] * n for _ in range(n)]
    pairs: list[dict[str, Any]] = []
    for a, b, score in report.similarity:
        if a in index and b in index:
            grid[index[a]][index[b]] = grid[index[b]][index[a]] = round(score, 2)
            pairs.append({"a": columns[index[a]], "b": columns[index[b]], "score": round(score, 2)})
    pairs.sort(key=lambda p: -p["score"])
    return {"grid": grid, "pairs": pairs}


def _timeline(columns: list[dict[str, Any]]) -> dict[str, Any]:
    dated = sorted((c for c in columns if c["when"] is not None), key=lambda c: (c["when"], c["index"]))
    if not dated:
        return {"rows": [], "height": 0}
    t0, t1 = dated[0]["when"], dated[-1]["when"]
    span_s = max((t1 - t0).total_seconds(), 1.0)
    rows = []
    for n, c in enumerate(dated):
        off = (c["when"] - t0).total_seconds()
        rows.append({"col": c, "x": round(300 + 680 * off / span_s, 1), "y": 18 + 24 * n,
                     "time": c["when"].strftime("%Y-%m-%d %H:%M UTC"),
                     "after": "first" if off == 0 and n == 0 else _ago(off)})
    return {"rows": rows, "height": 24 * len(rows) + 12,
            "undated": [c for c in columns if c["when"] is None]}
