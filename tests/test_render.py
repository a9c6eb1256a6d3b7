"""Renderers read only the Report; the HTML page is self-contained and escapes article text."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

import pytest

import factdiff
from factdiff.doc import Document
from factdiff.render import render, to_terminal
from factdiff.stories import report_from_json

HOSTILE = ('The council met on <b>Monday</b> for two hours. It approved the "budget" | 5 votes to 2.\n'
           '<script>alert("x")</script>')


@pytest.fixture(scope="module")
def report():
    return factdiff.compare([
        Document("a1", "one.txt", HOSTILE),
        Document("a2", "two.txt", "The council met on Monday for three hours. It approved the budget by 5 votes to 2."),
    ], nli=False)


class Elements(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def parse(page: str) -> Elements:
    p = Elements()
    p.feed(page)
    return p


def test_json_has_every_contract_field(report):
    data = json.loads(render(report, "json"))
    assert set(data) >= {"documents", "relations", "unique", "duplicates", "entities", "similarity"}
    assert set(data["documents"][0]) >= {"id", "source", "title", "language", "text"}
    rel = data["relations"][0]
    assert set(rel) >= {"a", "b", "label", "kind", "confidence", "explanation"}
    assert data["documents"][0]["text"] == HOSTILE  # the text as read, offsets point into it


def test_html_escapes_article_text_and_links_spans(report):
    page = render(report, "html")
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "<b>Monday</b>" not in page
    els = parse(page)
    assert [t for t, _ in els.tags].count("script") == 1  # only our own script
    ids = {a["id"] for _, a in els.tags if a.get("id")}
    rel_ids = {a["id"] for t, a in els.tags if t == "li" and "rel" in (a.get("class") or "").split()}
    span_rels = {r for t, a in els.tags if t == "span" and a.get("data-rels") for r in a["data-rels"].split()}
    assert span_rels and span_rels <= rel_ids  # every span's links name a listed relation
    pairs = {(a["data-a"], a["data-b"]) for t, a in els.tags if t == "li" and a.get("data-a")}
    assert pairs and all(x in ids and y in ids for x, y in pairs)  # both spans of each relation are on the page
    assert any("contradict" in (a.get("class") or "").split() for t, a in els.tags if t == "span")
    assert "http://" not in page and "https://" not in page  # self-contained: nothing loaded from anywhere


def test_html_policy_allows_only_the_inlined_script_by_hash(report):
    page = render(report, "html")
    els = parse(page)
    csp = next(a["content"] for t, a in els.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "unsafe-inline" not in csp and "default-src 'none'" in csp
    script = "".join(els.scripts)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp  # the one script runs; an injected one would not
    assert re.search(r"<style>", page) and "<link" not in page


def test_html_is_complete_with_none_found_sections(report):
    page = render(report, "html")
    for section in ("Contradictions (", "Tensions (", "Agreements (", "Only one source (", "Sources × facts (",
                    "Entities (", "Similarity of the articles"):
        assert section in page
    data = report.to_json()
    if not data["summary"]["tensions"]:
        assert re.search(r'id="tensions">.*?None found', page, re.S)
    assert "confidence " in page and "%" in page


def _synthetic(n_docs: int, doc_ids: list[str] | None = None, sources: list[str] | None = None) -> dict:
    """A report JSON built by hand: renderers read only the report, so no model is needed."""
    ids = doc_ids or [f"d{i}" for i in range(n_docs)]
    sources = sources or [f"Outlet {i}" for i in range(n_docs)]
    text = "The ferry left at noon. It carried 40 people."
    docs = [{"id": i, "source": s, "title": f"Title {s}", "language": "en", "text": text, "url": "",
             "published": f"2031-01-0{k + 1}T10:00:00Z"} for k, (i, s) in enumerate(zip(ids, sources, strict=True))]
    claims = [{"id": f"{i}:0", "doc": i, "start": 0, "end": 23, "text": text[:23]} for i in ids]
    claims += [{"id": f"{i}:1", "doc": i, "start": 24, "end": 45, "text": text[24:45]} for i in ids]
    rels = [{"a": {"doc": ids[0], "start": 24, "end": 45}, "b": {"doc": ids[1], "start": 24, "end": 45},
             "label": "contradict", "kind": "quantity", "confidence": 0.9, "explanation": "40 vs 40"},
            {"a": {"doc": ids[0], "start": 24, "end": 45}, "b": {"doc": ids[-1], "start": 24, "end": 45},
             "label": "agree", "kind": "paraphrase", "confidence": 0.8, "explanation": "same fact"}]
    return {"documents": docs, "claims": claims, "relations": rels, "unique": [], "duplicates": [],
            "entities": [], "similarity": [{"a": ids[0], "b": ids[1], "score": 0.5}],
            "facts": [{"claims": [{"doc": i, "start": 0, "end": 23} for i in ids]}]}


def test_hostile_ids_titles_and_sources_never_become_markup():
    bad = ['x" onmouseover="alert(1)', "<img src=x onerror=alert(2)>", "y' onclick='alert(3)"]
    data = _synthetic(3, doc_ids=bad, sources=['"><script>alert(4)</script>', "javascript:alert(5)", "o'k"])
    data["documents"][0]["url"] = "javascript:alert(6)"
    data["documents"][1]["url"] = 'https://example.org/a"b'
    page = render(report_from_json(data), "html")
    els = parse(page)
    assert all(not k.startswith("on") for _, a in els.tags for k in a)  # no event handler attribute anywhere
    assert [t for t, _ in els.tags].count("script") == 1 and [t for t, _ in els.tags].count("img") == 0
    assert all(not (a.get("href") or "").lower().startswith("javascript") for _, a in els.tags)
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", a["id"]) for _, a in els.tags if a.get("id"))  # ids are ours
    assert "&#34;&gt;&lt;script&gt;alert(4)&lt;/script&gt;" in page  # the outlet is shown, as text


def test_more_than_three_articles_get_a_picker():
    page = render(report_from_json(_synthetic(5)), "html")
    els = parse(page)
    boxes = [a for t, a in els.tags if t == "input" and "pick" in (a.get("class") or "")]
    assert len(boxes) == 5 and sum("checked" in a for a in boxes) == 3
    assert "picker" not in render(report_from_json(_synthetic(3)), "html").split("<script>")[0].split("</style>")[1]


def test_a_claim_shows_every_label_it_carries():
    page = render(report_from_json(_synthetic(3)), "html")
    els = parse(page)
    both = [a for t, a in els.tags if t == "span" and {"contradict", "agree"} <= set((a.get("class") or "").split())]
    assert len(both) == 1 and len(both[0]["data-rels"].split()) == 2  # d0's second claim: contradicted and confirmed


def test_markdown_and_terminal(report):
    md = render(report, "markdown")
    assert "## Contradictions" in md and "\\|" in md  # a pipe in article text cannot break the table
    term = render(report, "terminal", color=False)
    assert "Contradictions" in term and "two hours" in term and "\x1b[" not in term


@pytest.mark.parametrize("width", [80, 132])
def test_terminal_fits_the_width(report, width):
    lines = to_terminal(report, color=False, width=width).splitlines()
    assert max(len(line) for line in lines) <= width


def test_terminal_reads_the_terminal_width(report, monkeypatch):
    monkeypatch.setenv("COLUMNS", "72")
    lines = render(report, "terminal", color=False).splitlines()
    assert max(len(line) for line in lines) <= 72 and max(len(line) for line in lines) > 60
