"""Reading articles: text, HTML, JSONL, directories, stdin and (only when asked) URLs.

Every failure a user can cause becomes an ``InputError`` with a one-line message; the CLI
prints it and exits non-zero.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from .doc import Document

# One article. A news report is 5-50 KB; a 550 KB text already takes a minute and 2 GB to
# cross-check (spaCy parse, repeats, embeddings), so larger inputs are refused with a message
# rather than left to exhaust the machine. ``--max-bytes`` raises the limit on purpose.
MAX_BYTES = 1_000_000
ARTICLE_SUFFIXES = {".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".jsonl", ".json"}


class InputError(ValueError):
    """A problem with the user's input, reported as one line."""


def read_inputs(inputs: Iterable[str | Path | Document], fetch: bool = False,
                max_bytes: int = MAX_BYTES) -> list[Document]:
    """Documents from paths, directories, ``-`` (stdin), URLs (with ``fetch``) or Documents."""
    docs: list[Document] = []
    for item in inputs:
        if isinstance(item, Document):
            docs.append(item)
            continue
        name = str(item)
        if re.match(r"https?://", name):
            if not fetch:
                raise InputError(f"{name}: URLs are read only with --fetch (factdiff works offline by default)")
            docs.append(_fetch(name, max_bytes))
        elif name == "-":
            docs.extend(_from_bytes(sys.stdin.buffer.read(), "<stdin>", max_bytes, jsonl_ok=True))
        else:
            docs.extend(_read_path(Path(name), max_bytes))
    for i, doc in enumerate(docs):
        if not doc.id:
            doc.id = f"a{i + 1}"
    _unique_ids(docs)
    return docs


def _unique_ids(docs: list[Document]) -> None:
    seen: set[str] = set()
    for i, doc in enumerate(docs):
        if doc.id in seen:
            doc.id = f"{doc.id}-{i + 1}"
        seen.add(doc.id)


def _read_path(path: Path, max_bytes: int) -> list[Document]:
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
                       and not any(part.startswith(".") for part in p.relative_to(path).parts)
                       and p.name != "gold.json")
        if not files:
            raise InputError(f"{path}: directory holds no articles (.txt, .html, .md, .jsonl)")
        out: list[Document] = []
        for f in files:
            out.extend(_read_path(f, max_bytes))
        return out
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(f"{path}: {size / 1e6:.1f} MB is larger than the {max_bytes / 1e6:.1f} MB limit for one "
                         "article (--max-bytes raises it)")
    return _from_bytes(path.read_bytes(), str(path), max_bytes, jsonl_ok=path.suffix.lower() in {".jsonl", ".json"})


def decode(data: bytes, where: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252/Latin-1; binary is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    sample = data[:8192]
    if b"\x00" in sample or _control_ratio(sample) > 0.05:
        raise InputError(f"{where}: looks like a binary file, not an article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _control_ratio(sample: bytes) -> float:
    if not sample:
        return 0.0
    bad = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return bad / len(sample)


def _from_bytes(data: bytes, where: str, max_bytes: int, jsonl_ok: bool) -> list[Document]:
    if len(data) > max_bytes:
        raise InputError(f"{where}: {len(data) / 1e6:.1f} MB is larger than the {max_bytes / 1e6:.1f} MB limit "
                         "for one article (--max-bytes raises it)")
    text = decode(data, where)
    if not text.strip():
        raise InputError(f"{where}: empty file")
    stripped = text.lstrip()
    if jsonl_ok and stripped.startswith("{"):
        return _from_jsonl(text, where)
    if _looks_like_html(stripped, where):
        return [_from_html(text, where)]
    return [Document(id="", source=where, text=text.replace("\r\n", "\n"))]


def _looks_like_html(text: str, where: str) -> bool:
    if where.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    head = text[:1000].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in text)


def _from_html(html: str, where: str, url: str = "") -> Document:
    import trafilatura

    body = trafilatura.extract(html, include_comments=False, include_tables=False, favor_recall=True)
    if not body or not body.strip():
        raise InputError(f"{where}: no article text could be extracted from this HTML")
    meta = trafilatura.extract_metadata(html)
    title = (meta.title if meta and meta.title else "") or ""
    published = (meta.date if meta and meta.date else "") or ""
    return Document(id="", source=where, text=body, title=title, url=url, published=published)


def _from_jsonl(text: str, where: str) -> list[Document]:
    docs: list[Document] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}:{n}: not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not row["text"].strip():
            raise InputError(f"{where}:{n}: each line needs a non-empty \"text\" field")
        docs.append(Document(
            id=str(row.get("id", "")),
            source=str(row.get("source") or row.get("url") or f"{where}:{n}"),
            text=row["text"],
            title=str(row.get("title") or ""),
            language=str(row.get("language") or "und"),
            url=str(row.get("url") or ""),
            published=str(row.get("published") or ""),
        ))
    if not docs:
        raise InputError(f"{where}: no articles in this JSONL file")
    return docs


def _fetch(url: str, max_bytes: int = MAX_BYTES) -> Document:
    """A URL the user named (``--fetch``): any address the user can reach, redirects followed
    and each hop checked, the byte limit honoured (the web server uses the same reader, restricted
    to public addresses)."""
    from .web.fetch import fetch_document

    return fetch_document(url, max_bytes, "", allowed=lambda _ip: True)
