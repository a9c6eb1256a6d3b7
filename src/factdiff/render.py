"""Renderers: terminal (rich), JSON, Markdown and one self-contained HTML file.

Article text is untrusted: the HTML renderer escapes every character of it, and the
terminal renderer escapes rich markup.
"""

from __future__ import annotations

import html
import json
import shutil
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


def render(report: Report, fmt: str, color: bool = True, width: int | None = None) -> str:
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


def terminal_width() -> int:
    """The terminal's width (``$COLUMNS`` or the tty's size), 110 when not on a terminal, at least 60."""
    size = shutil.get_terminal_size(fallback=(110, 24))
    return max(60, size.columns)


def to_terminal(report: Report, color: bool = True, width: int | None = None) -> str:
    """Rich tables sized to ``width`` (default: the terminal's width, so an 80-column terminal gets no wrap)."""
    buf = StringIO()
    width = width or terminal_width()
    narrow = width < 100
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
              f"[green]{s['agreements']} agreements[/]  {s['unique']} unique claims  {s['duplicates']} repeats"
              + (f"  ({s['restated']} disputed figures also shown where restated)" if s.get("restated") else ""))
    for label, title in (("contradict", "Contradictions"), ("tension", "Tensions"), ("agree", "Agreements")):
        rels = report.by_label(label)
        if not rels:
            continue
        table = Table(title=f"{title} ({len(rels)})", title_style=LABEL_STYLE[label], show_lines=True,
                      expand=True)
        table.add_column("kind", width=8 if narrow else 10)
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
        table.add_column("entity", width=18 if narrow else 28)
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


def to_html(report: Report, title: str = "") -> str:
    """One self-contained file: the same reading view (templates, CSS, JS) as the web page ``/stories/{id}``.

    Article text, titles, sources and ids are escaped by the templates' autoescaping; element ids are
    generated, never taken from an article; the inlined CSS and script are allowed by their sha256 in
    the page's Content-Security-Policy, so no other inline script can run.
    """
    from .web.templating import standalone_html

    return standalone_html(report, title=title)


def describe(r: Relation) -> str:
    return f"{r.verdict.label} ({r.verdict.kind}): {r.a.text!r} / {r.b.text!r}: {r.verdict.explanation}"
