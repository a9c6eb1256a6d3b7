"""Renderers: terminal (rich), JSON, Markdown and one self-contained HTML file.

Article text is untrusted: the HTML renderer escapes every character of it, and the
terminal renderer escapes rich markup.
"""

from __future__ import annotations

import html
import json
from io import StringIO

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from .doc import Relation
from .report import Report

FORMATS = ("terminal", "json", "markdown", "html")
TERMINAL_ROWS = 40  # per table; the other formats list everything
LABEL_STYLE = {"contradict": "bold red", "tension": "yellow", "agree": "green"}


def render(report: Report, fmt: str, color: bool = True, width: int = 110) -> str:
    if fmt == "json":
        return json.dumps(report.to_json(), ensure_ascii=False, indent=1)
    if fmt == "markdown":
        return to_markdown(report)
    if fmt == "html":
        return to_html(report)
    if fmt == "terminal":
        return to_terminal(report, color=color, width=width)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _name(report: Report, doc_id: str) -> str:
    doc = report.document(doc_id)
    return doc.title or doc.source.rsplit("/", 1)[-1] or doc_id


def _short(text: str, n: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def to_terminal(report: Report, color: bool = True, width: int = 110) -> str:
    buf = StringIO()
    con = Console(file=buf, width=width, force_terminal=color, no_color=not color, highlight=False)
    docs = Table.grid(padding=(0, 2))
    for d in report.documents:
        n = len(report.claims[d.id])
        docs.add_row(f"[bold]{d.id}[/]", escape(_name(report, d.id)), d.language, f"{n} claims")
    con.print(Panel(docs, title="factdiff: articles", expand=False))
    for w in report.warnings:
        con.print(f"[bold yellow]warning:[/] {escape(w)}")
    s = report.to_json()["summary"]
    con.print(f"[bold red]{s['contradictions']} contradictions[/]  [yellow]{s['tensions']} tensions[/]  "
              f"[green]{s['agreements']} agreements[/]  {s['unique']} unique claims  {s['duplicates']} repeats")
    for label, title in (("contradict", "Contradictions"), ("tension", "Tensions"), ("agree", "Agreements")):
        rels = report.by_label(label)
        if not rels:
            continue
        table = Table(title=f"{title} ({len(rels)})", title_style=LABEL_STYLE[label], show_lines=True,
                      expand=True)
        table.add_column("kind", width=10)
        table.add_column("claim", ratio=1)
        table.add_column("counterpart", ratio=1)
        table.add_column("why", ratio=1)
        for r in rels[:TERMINAL_ROWS]:
            table.add_row(r.verdict.kind, f"[dim]{r.a.doc}[/] {escape(_short(r.a.text))}",
                          f"[dim]{r.b.doc}[/] {escape(_short(r.b.text))}", escape(r.verdict.explanation))
        if len(rels) > TERMINAL_ROWS:
            table.add_row("…", f"and {len(rels) - TERMINAL_ROWS} more", "", "")
        con.print(table)
    if report.unique:
        table = Table(title=f"Only one source ({len(report.unique)})", expand=True)
        table.add_column("doc", width=6)
        table.add_column("claim", ratio=1)
        for c in report.unique[:TERMINAL_ROWS]:
            table.add_row(c.doc, escape(_short(c.text, 160)))
        if len(report.unique) > TERMINAL_ROWS:
            table.add_row("…", f"and {len(report.unique) - TERMINAL_ROWS} more (all of them in --format json or html)")
        con.print(table)
    if report.duplicates:
        con.print("[bold]Repeated sentences[/] (counted once): " + "; ".join(
            f"{d.doc}: {escape(_short(d.text, 60))}" for d, _ in report.duplicates))
    people = [e for e in report.entities if len({m.text for m in e.mentions}) > 1 or
              len({m.doc for m in e.mentions}) > 1]
    if people:
        table = Table(title="Who is who (names across sources)", expand=True)
        table.add_column("entity", width=28)
        table.add_column("type", width=8)
        table.add_column("written as", ratio=1)
        for e in people[:25]:
            table.add_row(escape(e.name), e.type, escape(", ".join(sorted({m.text for m in e.mentions}))))
        con.print(table)
    for a, b, score in report.similarity:
        con.print(f"similarity {a}–{b}: [bold]{score:.2f}[/]")
    return buf.getvalue()


def _md(text: str) -> str:
    return html.escape(" ".join(text.split()), quote=False).replace("|", "\\|")


def to_markdown(report: Report) -> str:
    out = ["# factdiff report", "", "| id | source | language | claims |", "|---|---|---|---|"]
    for d in report.documents:
        out.append(f"| {d.id} | {_md(_name(report, d.id))} | {d.language} | {len(report.claims[d.id])} |")
    if report.warnings:
        out += [""] + [f"> **Warning:** {_md(w)}" for w in report.warnings]
    for label, title in (("contradict", "Contradictions"), ("tension", "Tensions"), ("agree", "Agreements")):
        rels = report.by_label(label)
        out += ["", f"## {title} ({len(rels)})", ""]
        if rels:
            out += ["| kind | claim | counterpart | why |", "|---|---|---|---|"]
            out += [f"| {r.verdict.kind} | **{r.a.doc}** {_md(r.a.text)} | **{r.b.doc}** {_md(r.b.text)} | "
                    f"{_md(r.verdict.explanation)} |" for r in rels]
    out += ["", f"## Only one source ({len(report.unique)})", ""]
    out += [f"- **{c.doc}** {_md(c.text)}" for c in report.unique]
    out += ["", f"## Page furniture, not read as claims ({len(report.noise)})", ""]
    out += [f"- **{s.doc}** {_md(s.text)}" for s in report.noise]
    out += ["", f"## Repeated sentences ({len(report.duplicates)})", ""]
    out += [f"- **{d.doc}** {_md(d.text)}" for d, _ in report.duplicates]
    out += ["", "## Entities", ""]
    out += [f"- **{_md(e.name)}** ({e.type}): {_md(', '.join(sorted({m.text for m in e.mentions})))}"
            for e in report.entities]
    out += ["", "## Similarity", ""]
    out += [f"- {a}–{b}: {s:.2f}" for a, b, s in report.similarity]
    return "\n".join(out) + "\n"


_CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#222}
header{padding:12px 20px;background:#f4f4f4;border-bottom:1px solid #ddd}
.cols{display:flex;gap:16px;padding:16px;align-items:flex-start}
.doc{flex:1;min-width:0;border:1px solid #ddd;border-radius:6px;padding:12px;white-space:pre-wrap}
.doc h2{white-space:normal;font-size:16px;margin:0 0 8px}
span.c{border-radius:3px;cursor:pointer}
span.contradict{background:#f8c4c4}
span.tension{background:#fbe7a1}
span.agree{background:#cdeccd}
span.unique{border-bottom:2px dotted #888}
p.warning{background:#fff3cd;border:1px solid #e0c36a;padding:.4em .8em;margin:.3em 0}
span.duplicate{color:#999;text-decoration:line-through}
span.active{outline:2px solid #333}
table{border-collapse:collapse;margin:0 20px 20px}
td,th{border:1px solid #ddd;padding:4px 8px;vertical-align:top;text-align:left}
.legend span{padding:0 6px;margin-right:6px}
"""
# no network, no external resources; the one inline script only links spans
_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
_JS = """
document.querySelectorAll('span.c').forEach(function(el){
  el.addEventListener('click', function(){
    document.querySelectorAll('span.active').forEach(function(x){x.classList.remove('active');});
    (el.dataset.links||'').split(' ').forEach(function(id){
      var t=document.getElementById(id); if(t){t.classList.add('active'); t.scrollIntoView({block:'center'});}
    });
    el.classList.add('active');
  });
});
"""


def to_html(report: Report) -> str:
    """One file, no external resources: articles side by side, spans coloured and linked."""
    marks: dict[str, list[tuple[int, int, str, str, list[str]]]] = {d.id: [] for d in report.documents}
    rank = {"contradict": 0, "tension": 1, "agree": 2, "unique": 3, "duplicate": 4}

    def sid(doc: str, start: int, end: int) -> str:
        return f"s-{doc}-{start}-{end}"

    links: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    spans: dict[str, tuple[str, int, int]] = {}
    for r in report.relations:
        ka, kb = sid(r.a.doc, r.a.start, r.a.end), sid(r.b.doc, r.b.start, r.b.end)
        for k, c, other in ((ka, r.a, kb), (kb, r.b, ka)):
            spans[k] = (c.doc, c.start, c.end)
            links.setdefault(k, set()).add(other)
            if k not in labels or rank[r.verdict.label] < rank[labels[k]]:
                labels[k] = r.verdict.label
    for c in report.unique:
        k = sid(c.doc, c.start, c.end)
        spans[k], labels[k] = (c.doc, c.start, c.end), "unique"
    for dup, _first in report.duplicates:
        k = sid(dup.doc, dup.start, dup.end)
        spans[k], labels[k] = (dup.doc, dup.start, dup.end), "duplicate"
    for k, (doc, start, end) in spans.items():
        marks[doc].append((start, end, labels[k], k, sorted(links.get(k, set()))))

    cols = []
    for d in report.documents:
        pieces, pos = [], 0
        # non-overlapping: earlier first, then the stronger label; nested spans are skipped
        for start, end, label, key, linked in sorted(marks[d.id], key=lambda m: (m[0], rank[m[2]], -m[1])):
            if start < pos:
                continue
            pieces.append(html.escape(d.text[pos:start]))
            pieces.append(f'<span class="c {label}" id="{key}" data-links="{" ".join(linked)}" '
                          f'title="{label}">{html.escape(d.text[start:end])}</span>')
            pos = end
        pieces.append(html.escape(d.text[pos:]))
        cols.append(f'<div class="doc"><h2>{html.escape(d.id)}: {html.escape(_name(report, d.id))} '
                    f'({html.escape(d.language)})</h2>{"".join(pieces)}</div>')

    rows = "".join(
        f"<tr><td>{html.escape(r.verdict.label)}</td><td>{html.escape(r.verdict.kind)}</td>"
        f"<td>{html.escape(r.a.doc)}: {html.escape(r.a.text)}</td><td>{html.escape(r.b.doc)}: "
        f"{html.escape(r.b.text)}</td><td>{html.escape(r.verdict.explanation)}</td></tr>"
        for r in report.relations if r.verdict.label != "agree"
    )
    sims = ", ".join(f"{html.escape(a)}–{html.escape(b)}: {s:.2f}" for a, b, s in report.similarity)
    s = report.to_json()["summary"]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<title>factdiff report</title><style>{_CSS}</style></head>
<body>{"".join(f'<p class="warning">Warning: {html.escape(w)}</p>' for w in report.warnings)}
<header><strong>factdiff</strong>: {s['contradictions']} contradictions, {s['tensions']} tensions,
{s['agreements']} agreements, {s['unique']} unique claims, {s['duplicates']} repeats. Similarity {sims}.
<div class="legend"><span class="c contradict">contradict</span><span class="c tension">tension</span>
<span class="c agree">agree</span><span class="c unique">only one source</span>
<span class="c duplicate">repeat</span> Click a span to see its counterparts.</div></header>
<div class="cols">{"".join(cols)}</div>
<table><tr><th>label</th><th>kind</th><th>claim</th><th>counterpart</th><th>why</th></tr>{rows}</table>
<script>{_JS}</script></body></html>
"""


def describe(r: Relation) -> str:
    return f"{r.verdict.label} ({r.verdict.kind}): {r.a.text!r} / {r.b.text!r}: {r.verdict.explanation}"
