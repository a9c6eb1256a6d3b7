"""Renderers read only the Report; the HTML page is self-contained and escapes article text."""

from __future__ import annotations

import json
import re

import pytest

import factdiff
from factdiff.doc import Document
from factdiff.render import render

HOSTILE = ('The council met on <b>Monday</b> for two hours. It approved the "budget" | 5 votes to 2.\n'
           '<script>alert("x")</script>')


@pytest.fixture(scope="module")
def report():
    return factdiff.compare([
        Document("a1", "one.txt", HOSTILE),
        Document("a2", "two.txt", "The council met on Monday for three hours. It approved the budget by 5 votes to 2."),
    ], nli=False)


def test_json_has_every_contract_field(report):
    data = json.loads(render(report, "json"))
    assert set(data) >= {"documents", "relations", "unique", "duplicates", "entities", "similarity"}
    assert set(data["documents"][0]) >= {"id", "source", "title", "language", "text"}
    rel = data["relations"][0]
    assert set(rel) >= {"a", "b", "label", "kind", "confidence", "explanation"}
    assert data["documents"][0]["text"] == HOSTILE  # the text as read, offsets point into it


def test_html_escapes_article_text_and_links_spans(report):
    page = render(report, "html")
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<b>Monday</b>" not in page
    assert len(re.findall(r"<script>", page)) == 1  # only our own linking script
    ids = set(re.findall(r'id="(s-[^"]+)"', page))
    linked = {x for group in re.findall(r'data-links="([^"]*)"', page) for x in group.split()}
    assert linked and linked <= ids  # every link points at a span on the page
    assert 'class="c contradict"' in page
    assert "http://" not in page and "https://" not in page  # self-contained


def test_markdown_and_terminal(report):
    md = render(report, "markdown")
    assert "## Contradictions" in md and "\\|" in md  # a pipe in article text cannot break the table
    term = render(report, "terminal", color=False)
    assert "Contradictions" in term and "two hours" in term and "\x1b[" not in term
