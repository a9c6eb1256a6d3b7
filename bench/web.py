"""Web UI speed at 10,000 articles: server time of `/`, `/stories/{id}` and `/search`, story page size.

The store: the bundled invented stream (examples/stream/articles.jsonl, 12 articles, 4 stories)
goes through the real ``factdiff ingest`` (clustering and cross-checks), then its rows are
replicated directly through the store's models, whole copies of the stream, until the store holds
at least 10,000 articles (10,008): each copy
gets its own ids, URLs, content hashes and outlets (the outlet name plus a number, 40 outlets
per original), publication times shifted by the copy's number of hours, its story a numbered
title, and the report JSON, claims (so full-text search indexes them), relations, entities and
mentions copied with the new ids. The clustering's annotations are not copied (the web UI
never reads them). Perturbed copies of 12 articles are not 10,000 distinct articles, but the
tables, indexes, row counts and page shapes the server reads are those of a 10,000-article store.

Server time is read from the app's ``Server-Timing`` header (until the response starts, template
rendered); requests go over loopback to uvicorn in this process. The baseline is the
``factdiff story ID -f html`` path in the same run, on the same stories: the stored report read
from the store, rebuilt (``report_from_json``) and rendered as one file (``render(report, "html")``).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import socket
import statistics
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.common import ROOT, SEED, Skip, Table

STREAM = ROOT / "examples" / "stream" / "articles.jsonl"
TARGET = 10_000
GOAL_P95_MS = 300.0


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def build_store(path: Path, target: int) -> dict[str, Any]:
    """Ingest the stream for real, then replicate its rows to ``target`` articles; returns counts and times."""
    from sqlalchemy import func, insert, select

    from factdiff.store import models as m
    from factdiff.store import open_store
    from factdiff.stories import ingest

    url = f"sqlite:///{path}"
    t0 = time.perf_counter()
    store = open_store(url)
    result = ingest([STREAM], store=store)
    ingest_s = time.perf_counter() - t0
    if result.errors or result.added == 0:
        raise Skip(f"ingest of {STREAM} failed: {result.errors[:1]}")
    t1 = time.perf_counter()
    with store.session() as s:
        arts = list(s.scalars(select(m.Article).order_by(m.Article.id)))
        sources = {x.id: x.name for x in s.scalars(select(m.Source))}
        members = {a: st for a, st in s.execute(select(m.Membership.article_id, m.Membership.story_id))}
        stories = {x.id: x for x in s.scalars(select(m.Story).where(m.Story.merged_into.is_(None)))}
        reports = {x.story_id: x for x in s.scalars(select(m.Report))}
        claims = list(s.scalars(select(m.Claim)))
        relations = list(s.scalars(select(m.Relation)))
        entities = list(s.scalars(select(m.Entity)))
        mentions = list(s.scalars(select(m.Mention)))
        next_id = {t: (s.scalar(select(func.max(col))) or 0) + 1 for t, col in (
            ("article", m.Article.id), ("story", m.Story.id), ("claim", m.Claim.id), ("entity", m.Entity.id),
            ("source", m.Source.id), ("topic", m.Article.topic_id))}
    copies = max(0, -(-(target - len(arts)) // len(arts)))
    source_ids: dict[str, int] = {}
    with store.session() as s:
        for k in range(1, copies + 1):
            shift = timedelta(hours=k)
            art_map: dict[int, int] = {}
            ext_map: dict[str, str] = {}
            topic_map: dict[int, int] = {}  # each copy's articles form topics of their own, as they form stories
            rows = []
            for a in arts:
                name = f"{sources[a.source_id]} {k % 40}"
                if name not in source_ids:
                    source_ids[name] = next_id["source"]
                    next_id["source"] += 1
                    s.execute(insert(m.Source), [{"id": source_ids[name], "name": name}])
                new_id = next_id["article"]
                next_id["article"] += 1
                art_map[a.id] = new_id
                ext_map[a.ext_id] = f"{a.ext_id}-c{k}"
                rows.append({"id": new_id, "ext_id": ext_map[a.ext_id], "url": f"{a.url}-c{k}" if a.url else None,
                             "content_hash": hashlib.sha256(f"{a.content_hash}{k}".encode()).hexdigest(),
                             "source_id": source_ids[name], "title": f"{a.title} ({k})", "text": a.text,
                             "language": a.language, "published": a.published,
                             "published_at": a.published_at + shift if a.published_at else None,
                             "stream_time": a.stream_time + shift, "ingested_at": a.ingested_at,
                             "topic_id": None if a.topic_id is None else topic_map.setdefault(
                                 a.topic_id, next_id["topic"] + len(topic_map))})
            next_id["topic"] += len(topic_map)
            s.execute(insert(m.Article), rows)
            story_map: dict[int, int] = {}
            for sid, st in stories.items():
                if not any(members.get(a) == sid for a in art_map):
                    continue
                story_map[sid] = next_id["story"]
                next_id["story"] += 1
                s.execute(insert(m.Story), [{"id": story_map[sid], "title": f"{st.title} ({k})",
                                             "first_seen": st.first_seen + shift, "last_seen": st.last_seen + shift,
                                             "size": st.size, "languages": st.languages, "merged_into": None,
                                             "needs_report": False, "contradictions": st.contradictions,
                                             "tensions": st.tensions}])
            s.execute(insert(m.Membership), [{"article_id": new, "story_id": story_map[members[old]], "score": 1.0,
                                              "joined_at": arts[0].stream_time + shift}
                                             for old, new in art_map.items() if members.get(old) in story_map])
            for sid, rep in reports.items():
                if sid not in story_map:
                    continue
                text = json.dumps(rep.data)
                for old_ext, new_ext in ext_map.items():
                    text = text.replace(json.dumps(old_ext), json.dumps(new_ext))
                s.execute(insert(m.Report), [{"story_id": story_map[sid], "data": json.loads(text),
                                              "articles": rep.articles, "contradictions": rep.contradictions,
                                              "tensions": rep.tensions, "updated_at": rep.updated_at}])
            claim_map: dict[int, int] = {}
            crow = []
            for c in claims:
                if c.story_id in story_map and c.article_id in art_map:
                    claim_map[c.id] = next_id["claim"]
                    next_id["claim"] += 1
                    crow.append({"id": claim_map[c.id], "story_id": story_map[c.story_id],
                                 "article_id": art_map[c.article_id], "key": c.key, "start": c.start, "end": c.end,
                                 "text": c.text})
            if crow:
                s.execute(insert(m.Claim), crow)
            rrow = [{"story_id": story_map[r.story_id], "claim_a": claim_map.get(r.claim_a or -1),
                     "claim_b": claim_map.get(r.claim_b or -1), "label": r.label, "kind": r.kind,
                     "confidence": r.confidence, "explanation": r.explanation}
                    for r in relations if r.story_id in story_map]
            if rrow:
                s.execute(insert(m.Relation), rrow)
            ent_map: dict[int, int] = {}
            for e in entities:
                if e.story_id in story_map:
                    ent_map[e.id] = next_id["entity"]
                    next_id["entity"] += 1
                    s.execute(insert(m.Entity), [{"id": ent_map[e.id], "story_id": story_map[e.story_id],
                                                  "key": e.key, "name": e.name, "type": e.type}])
            mrow = [{"entity_id": ent_map[x.entity_id], "article_id": art_map[x.article_id], "start": x.start,
                     "end": x.end, "text": x.text, "kind": x.kind}
                    for x in mentions if x.entity_id in ent_map and x.article_id in art_map]
            if mrow:
                s.execute(insert(m.Mention), mrow)
    counts = store.counts()
    store.close()
    return {"url": url, "ingested": result.added, "ingest_s": ingest_s, "replicate_s": time.perf_counter() - t1,
            **counts}


def _serve(url: str) -> tuple[Any, threading.Thread, str]:
    import uvicorn

    from factdiff.web import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(url), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def _server_ms(resp: Any) -> float:
    found = re.search(r"app;dur=([0-9.]+)", resp.headers.get("server-timing", ""))
    if not found:
        raise RuntimeError("no Server-Timing header")
    return float(found.group(1))


def tables(quick: bool) -> list[Table]:
    import httpx

    from factdiff.render import render
    from factdiff.store import open_store
    from factdiff.stories import report_from_json

    target = 1_000 if quick else TARGET
    n = 30 if quick else 200
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        built = build_store(Path(tmp) / "web.db", target)
        with open_store(built["url"]) as st:
            total, _, _ = st.story_page(limit=1)
            topic_total = st.count_topics()
            with_report = [s["id"] for s in st.list_stories() if len(s["articles"]) >= 2]
            with st.session() as s:
                from sqlalchemy import select

                from factdiff.store import models as m

                claim_text = " ".join(s.scalars(select(m.Claim.text).order_by(m.Claim.id).limit(80)))
            words = sorted({w.lower() for w in re.findall(r"[A-Za-z]{6,}", claim_text)}) or ["bridge"]
        server, thread, base = _serve(built["url"])
        try:
            with httpx.Client(base_url=base, timeout=30) as client:
                client.get("/")  # warm the templates
                pages = max(1, -(-total // 25))
                routes: dict[str, list[str]] = {
                    "/ (first page)": ["/"] * n,
                    "/?page=N (random page)": [f"/?page={rng.randint(1, pages)}" for _ in range(n)],
                    "/ filtered (language, contradictions)": [
                        f"/?language={rng.choice(['en', 'fr', 'es'])}&contradictions=1&page={rng.randint(1, 20)}"
                        for _ in range(n)],
                    "/stories/{id}": [f"/stories/{rng.choice(with_report)}" for _ in range(n)],
                    "/search?q=": [f"/search?q={rng.choice(words)}" for _ in range(n)],
                    "/api/stories": ["/api/stories"] * n,
                    "/topics (first page)": ["/topics"] * n,
                    "/topics?page=N (random page)": [
                        f"/topics?page={rng.randint(1, max(1, -(-topic_total // 25)))}" for _ in range(n)],
                }
                rows = []
                sizes: list[int] = []
                story_ms: list[float] = []
                story_ids: list[int] = []
                for name, paths in routes.items():
                    server_ms, wall_ms = [], []
                    for path in paths:
                        t = time.perf_counter()
                        resp = client.get(path)
                        wall_ms.append((time.perf_counter() - t) * 1000)
                        if resp.status_code != 200:
                            raise RuntimeError(f"{path}: HTTP {resp.status_code}")
                        server_ms.append(_server_ms(resp))
                        if name == "/stories/{id}":
                            sizes.append(len(resp.content))
                            story_ids.append(int(path.rsplit("/", 1)[1]))
                    if name == "/stories/{id}":
                        story_ms = server_ms
                    p95 = _pct(server_ms, 0.95)
                    rows.append([name, len(paths), round(_pct(server_ms, 0.5), 1), round(p95, 1),
                                 round(_pct(wall_ms, 0.5), 1), "yes" if p95 <= GOAL_P95_MS else "NO"])
        finally:
            server.should_exit = True
            thread.join(10)
        # the baseline: factdiff story ID -f html, in this process, on the same stories
        cli_ms: list[float] = []
        file_sizes: list[int] = []
        with open_store(built["url"]) as st:
            for sid in story_ids:
                t = time.perf_counter()
                data = st.get_story(sid)["report"]
                page = render(report_from_json(data), "html")
                cli_ms.append((time.perf_counter() - t) * 1000)
                file_sizes.append(len(page.encode("utf-8")))
    cli50, web50 = _pct(cli_ms, 0.5), _pct(story_ms, 0.5)
    rows.append(["baseline: `factdiff story ID -f html` path (read, rebuild, render one file)", len(cli_ms),
                 round(cli50, 1), round(_pct(cli_ms, 0.95), 1), "", ""])
    command = "python -m bench web" + (" --quick" if quick else "")
    main = Table(f"Server time at {built['articles']:,} articles ({built['stories']:,} stories)", command,
                 ["route", "requests", "server p50 ms", "server p95 ms", "round trip p50 ms",
                  f"p95 <= {GOAL_P95_MS:.0f} ms"], rows, notes=[
                     f"Store: examples/stream/articles.jsonl ({built['ingested']} articles) ingested for real "
                     f"({built['ingest_s']:.0f} s, cross-checks included), then replicated through the store's models "
                     f"to {built['articles']:,} articles ({built['replicate_s']:.0f} s): perturbed copies (new ids, "
                     "URLs, hashes, numbered outlets and titles, times shifted), not distinct articles.",
                     "Server time: the app's Server-Timing header (request in, template rendered, response "
                     "starting); round trip: httpx over loopback to uvicorn in the same process, one request at "
                     "a time.",
                     f"Ratio, story page against the `factdiff story ID -f html` path on the same stories: "
                     f"{web50 / cli50:.2f}x the time at p50 ({web50:.1f} ms vs {cli50:.1f} ms).",
                 ])
    size = Table("Story page size", command, ["page", "median bytes", "max bytes"], [
        ["/stories/{id} (web page; CSS and JS are separate, cached files)", int(statistics.median(sizes)), max(sizes)],
        ["`factdiff story ID -f html` (one self-contained file, CSS and JS inlined)",
         int(statistics.median(file_sizes)), max(file_sizes)],
    ], notes=["The stream's stories have 2 to 4 articles of about 400 characters; the page grows with the "
              "articles' text and the number of relations."])
    return [main, size]


if __name__ == "__main__":
    import sys

    for t in tables("--quick" in sys.argv):
        print(t.title, t.columns, *t.rows, *t.notes, sep="\n")
