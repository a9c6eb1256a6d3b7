"""Ingest a stream of articles into the store: dedupe, cluster into stories, cross-check changed stories.

Each batch is one transaction (articles, annotations, story memberships, merges): a kill -9
loses at most the batch in flight, and a rerun skips what is stored (content hash, URL or id)
and goes on. Stories whose membership changed are flagged ``needs_report`` inside that
transaction; their reports are recomputed after the batch (and, on a rerun, any flag left over
from a killed run is picked up first).

The clustering state an ingest starts from is the one an uninterrupted run would hold (:func:`load_clusterer`): the
document frequencies and stream clock saved every ``SAVE_COUNTS_EVERY`` articles plus the articles stored after
them, and the active stories rebuilt from their members; so its cost grows with the time window, not with the
store. A process that ingests again through the same open ``Store`` takes up the state its last ingest left
(:func:`clusterer_for`), unless another writer stored something in between.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import delete, func, select, update

from ..annotated import AnnotatedArticle
from ..config import DEFAULT as DEFAULT_CONFIG
from ..doc import Document
from ..embed import DEFAULT_BACKEND
from ..ingest import ARTICLE_SUFFIXES, MAX_BYTES, InputError, decode, read_inputs
from ..store import Store, open_store
from ..store import models as m
from ..text import headline
from .cluster import CLOSENESS_HISTORY, OnlineClusterer, Split, load_model, load_topic_model, one_blas_thread
from .features import ArticleFeatures, article_features, article_time

log = logging.getLogger("factdiff")

BATCH_SIZE = 32
# an ingest saves the clustering's document frequencies and clock (ClusteringState) once this many articles were
# stored since the last save: loading reads the saved counts and at most about this many articles' annotations
SAVE_COUNTS_EVERY = 2000
MAX_REPORT_ARTICLES = 12  # a story's report cross-checks its most recent articles (compare is quadratic)
EPOCH = datetime(1970, 1, 1)
JSON_SUFFIXES = {".jsonl", ".json"}


@dataclass
class IngestResult:
    read: int = 0  # articles read from the inputs
    added: int = 0  # new articles stored
    duplicates: int = 0  # already stored (or repeated in the input)
    errors: list[str] = field(default_factory=list)  # one line per skipped input (file:line: why)
    skipped_files: list[str] = field(default_factory=list)  # factdiff's own outputs found in directories
    batches: int = 0
    stories_new: int = 0
    merges: int = 0
    splits: int = 0
    reports: int = 0


Progress = Callable[[IngestResult, int], None]  # (result so far, articles to go through in all)


# --- reading -----------------------------------------------------------------------------------------


def _is_own_output(path: Path) -> bool:
    """A factdiff report (JSON, HTML, Markdown) or database file sitting in an input directory."""
    if path.name == "gold.json":
        return True
    try:
        head = path.read_bytes()[:2000].decode("utf-8", errors="replace")
    except OSError:
        return False
    if path.suffix.lower() == ".json":
        return '"factdiff_version"' in head
    if path.suffix.lower() in (".html", ".htm"):
        return "<title>factdiff report</title>" in head
    if path.suffix.lower() == ".md":
        return head.startswith("# factdiff report")
    return False


def _jsonl_docs(text: str, where: str, max_bytes: int, errors: list[str]) -> list[Document]:
    """JSONL rows; a bad line is reported (``where:N: why``) and skipped, the others kept."""
    docs: list[Document] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if len(line) > max_bytes:
            errors.append(f"{where}:{n}: {len(line) / 1e6:.1f} MB line is larger than the "
                          f"{max_bytes / 1e6:.1f} MB limit for one article")
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{where}:{n}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not row["text"].strip():
            errors.append(f"{where}:{n}: each line needs a non-empty \"text\" field")
            continue
        docs.append(Document(
            id=str(row.get("id") or ""), source=str(row.get("source") or where), text=row["text"],
            title=str(row.get("title") or ""), language=str(row.get("language") or "und"),
            url=str(row.get("url") or ""), published=str(row.get("published") or "")))
    return docs


def read_stream(sources: Iterable[str | Path | Document], max_bytes: int = MAX_BYTES,
                stdin: Any = None) -> tuple[list[Document], list[str], list[str]]:
    """(documents, error lines, skipped files) from files, directories, JSONL and ``-`` (stdin).

    Unlike ``factdiff.ingest.read_inputs`` a bad article does not stop the stream: it becomes an
    error line and the rest is read.
    """
    docs: list[Document] = []
    errors: list[str] = []
    skipped: list[str] = []

    def one_file(path: Path) -> None:
        if path.suffix.lower() in JSON_SUFFIXES:
            try:
                data = path.read_bytes()
                docs.extend(_jsonl_docs(decode(data, str(path)), str(path), max_bytes, errors))
            except (OSError, InputError) as exc:
                errors.append(str(exc) if isinstance(exc, InputError) else f"{path}: {exc.strerror}")
            return
        try:
            docs.extend(read_inputs([path], max_bytes=max_bytes))
        except InputError as exc:
            errors.append(str(exc))

    for item in sources:
        if isinstance(item, Document):
            docs.append(item)
            continue
        name = str(item)
        if name == "-":
            data = (stdin or sys.stdin.buffer).read()
            try:
                text = decode(data, "<stdin>")
            except InputError as exc:
                errors.append(str(exc))
                continue
            if text.lstrip().startswith("{"):
                docs.extend(_jsonl_docs(text, "<stdin>", max_bytes, errors))
            elif text.strip():
                docs.append(Document(id="", source="<stdin>", text=text))
            else:
                errors.append("<stdin>: empty input")
            continue
        path = Path(name)
        if not path.exists():
            errors.append(f"{path}: no such file or directory")
        elif path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            for f in files:
                if _is_own_output(f):
                    skipped.append(str(f))
                else:
                    one_file(f)
        else:
            one_file(path)
    return docs, errors, skipped


# --- identity ----------------------------------------------------------------------------------------


def content_hash(doc: Document) -> str:
    return hashlib.sha256(" ".join(doc.text.split()).encode("utf-8")).hexdigest()


def stable_id(doc: Document, digest: str) -> str:
    """The id given in the input, else one derived from the URL, else from the content."""
    if doc.id:
        return doc.id
    if doc.url:
        return "u" + hashlib.sha256(doc.url.encode("utf-8")).hexdigest()[:12]
    return "h" + digest[:12]


def _order(docs: list[Document]) -> list[Document]:
    """Publication order; an undated article keeps its place after the dated one before it."""
    keyed = []
    last = EPOCH
    for i, d in enumerate(docs):
        t = article_time(d)
        if t is not None:
            last = t
        keyed.append((t or last, i, d))
    keyed.sort(key=lambda k: (k[0], k[1]))
    return [d for _, _, d in keyed]


# --- the clustering state from the store ---------------------------------------------------------------


def load_clusterer(store: Store, clusterer: OnlineClusterer | None = None) -> OnlineClusterer:
    """The clustering state exactly as an uninterrupted run would hold it after the stored articles: the
    stories, and in ``topics`` the topic layer's (articles stored before the topic layer existed are given
    their topics first, by replaying the topic clusterer over every stored article)."""
    c = clusterer or OnlineClusterer(load_model())
    with store.session() as s:
        upto = _saved_counts(s, c)
        for data, in s.execute(select(m.Annotation.data).where(m.Annotation.article_id > upto)):
            c.n_docs += 1
            c.df_names.update(data.get("names", []))
            c.df_words.update(data.get("words", []))
        # the clock as the run moved it: each dated article in the order it was clustered (a leap past the
        # window moves it only once confirmed, so replaying the times is the only way to the same clock)
        for (t,) in s.execute(select(m.Article.published_at).where(m.Article.published_at.is_not(None),
                                                                   m.Article.id > upto).order_by(m.Article.id)):
            c.advance(t)
        c.last_article = s.scalar(select(func.max(m.Article.id)))
        missing = s.scalar(select(func.count()).select_from(m.Article).where(m.Article.topic_id.is_(None)))
        # the stream's closeness as the run left it: the latest articles' best closest-member cosines, in order
        _restore_closeness(s, c, m.Membership.closeness, m.Membership.closeness_cross, m.Membership.article_id)
    _restore_active(store, c, topics=False)
    topics = OnlineClusterer(load_topic_model(), window_days=c.window / timedelta(days=1), top_k=c.top_k,
                             merge=c.merge, members=c.members)
    if missing:
        c.topics = _backfill_topics(store, topics)
        return c
    # both layers saw the same articles: the same document frequencies and clock
    topics.n_docs, topics.clock, topics._leap = c.n_docs, c.clock, c._leap
    topics.df_names, topics.df_words = Counter(c.df_names), Counter(c.df_words)
    with store.session() as s:  # the topic layer's closeness as the run left it (as the story layer's above)
        _restore_closeness(s, topics, m.Article.topic_closeness, m.Article.topic_closeness_cross, m.Article.id)
    c.topics = _restore_active(store, topics, topics=True)
    return c


def _saved_counts(s: Any, c: OnlineClusterer) -> int:
    """Fill ``c``'s document frequencies and clock from the saved ones (:func:`save_counts`); the highest article id
    they counted (0: none saved, or unreadable: every article is counted again)."""
    row = s.get(m.ClusteringState, 1)
    if row is None:
        return 0
    try:
        data = json.loads(zlib.decompress(row.data))
        names, words = Counter(data["names"]), Counter(data["words"])
        clock, leap = (None if v is None else datetime.fromisoformat(v) for v in (data["clock"], data["leap"]))
    except (zlib.error, ValueError, KeyError, TypeError):
        log.warning("the saved clustering counts are unreadable; counting every stored article again")
        return 0
    c.n_docs, c.df_names, c.df_words, c.clock, c._leap = row.n_docs, names, words, clock, leap
    c.saved_docs = row.n_docs
    return int(row.upto)


def save_counts(store: Store, c: OnlineClusterer) -> bool:
    """Save ``c``'s document frequencies and clock as of the highest article it counted (``c.last_article``), so that
    the next load reads them instead of every annotation: only where those are exactly the counts over the stored
    articles up to that one (no other writer stored one in between). Whether it saved."""
    if c.last_article is None:
        return False
    with store.session() as s:
        if s.scalar(select(func.count()).select_from(m.Article).where(m.Article.id <= c.last_article)) != c.n_docs:
            return False
        data = {"names": c.df_names, "words": c.df_words, "clock": c.clock and c.clock.isoformat(),
                "leap": c._leap and c._leap.isoformat()}
        blob = zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 1)
        row = s.get(m.ClusteringState, 1)
        if row is None:
            s.add(m.ClusteringState(id=1, upto=c.last_article, n_docs=c.n_docs, data=blob))
        else:
            row.upto, row.n_docs, row.data = c.last_article, c.n_docs, blob
    c.saved_docs = c.n_docs
    return True


def _restore_active(store: Store, c: OnlineClusterer, topics: bool) -> OnlineClusterer:
    """The stories (``topics`` False) or topics active at ``c``'s clock, restored into ``c``."""
    with store.session() as s:
        horizon = (c.clock - c.window) if c.clock is not None else None
        if topics:
            c.next_key = (s.scalar(select(func.max(m.Article.topic_id))) or 0) + 1
            # a topic with an article in the window (the index on stream time: not every article read)
            q_topics = select(m.Article.topic_id).where(m.Article.topic_id.is_not(None)).distinct()
            if horizon is not None:
                q_topics = q_topics.where(m.Article.stream_time >= horizon)
            active = sorted(int(k) for k in s.scalars(q_topics) if k is not None)
        else:
            c.next_key = (s.scalar(select(func.max(m.Story.id))) or 0) + 1
            q = select(m.Story.id).where(m.Story.merged_into.is_(None))
            if horizon is not None:
                q = q.where(m.Story.last_seen >= horizon)
            active = list(s.scalars(q.order_by(m.Story.id)))
        for chunk in range(0, len(active), 500):
            ids = active[chunk:chunk + 500]
            if topics:
                rows = s.execute(
                    select(m.Article.topic_id, m.Article.id, m.Annotation.data, m.Annotation.vector,
                           m.Article.stream_time, m.Article.published_at)
                    .join(m.Annotation, m.Annotation.article_id == m.Article.id)
                    .where(m.Article.topic_id.in_(ids))
                    .order_by(m.Article.topic_id, m.Article.stream_time, m.Article.id)).all()
            else:
                rows = s.execute(
                    select(m.Membership.story_id, m.Membership.article_id, m.Annotation.data, m.Annotation.vector,
                           m.Article.stream_time, m.Article.published_at)
                    .join(m.Annotation, m.Annotation.article_id == m.Membership.article_id)
                    .join(m.Article, m.Article.id == m.Membership.article_id)
                    .where(m.Membership.story_id.in_(ids))
                    .order_by(m.Membership.story_id, m.Article.stream_time, m.Article.id)).all()
            _restore(c, [(int(k), art, data, vec, t, p) for k, art, data, vec, t, p in rows])
    return c


def _restore_closeness(s: Any, c: OnlineClusterer, column: Any, cross: Any, order: Any) -> None:
    """Feed ``c`` the stream's closeness a run left in ``column``, and its cross-language closeness in ``cross``:
    the latest ``CLOSENESS_HISTORY`` values of each (by ``order``, the article id), oldest first, as the run
    remembered them."""
    def latest(col: Any) -> list[float]:
        return list(reversed(s.scalars(select(col).where(col.is_not(None)).order_by(order.desc())
                                       .limit(CLOSENESS_HISTORY)).all()))

    for value in latest(column):
        c.remember(value)
    for value in latest(cross):
        c.remember(None, value)


def _backfill_topics(store: Store, c: OnlineClusterer) -> OnlineClusterer:
    """Every stored article's topic, replayed in the order the articles were stored (one transaction)."""
    with store.session() as s:
        rows = s.execute(select(m.Article.id, m.Annotation.data, m.Annotation.vector, m.Article.published_at)
                         .join(m.Annotation, m.Annotation.article_id == m.Article.id).order_by(m.Article.id)).all()
        topic_of: dict[int, tuple[int, float | None, float | None]] = {}
        absorbed_by: dict[int, int] = {}  # a merged topic -> the topic that kept it
        with one_blas_thread():
            for art_id, data, vec, published in rows:
                f = ArticleFeatures.from_json(data, vec)
                f.time = published
                decision = c.add(f, ref=art_id)
                topic_of[art_id] = (decision.story, decision.closeness, decision.closeness_cross)
                absorbed_by.update({gone: kept for kept, gone in decision.merged})
                for cut in decision.splits:
                    for moved in cut.moved:
                        topic_of[moved] = (cut.new, *topic_of[moved][1:])
        for art_id, (topic, closeness, cross) in topic_of.items():
            while topic in absorbed_by:
                topic = absorbed_by[topic]
            s.execute(update(m.Article).where(m.Article.id == art_id).values(
                topic_id=topic, topic_closeness=closeness, topic_closeness_cross=cross))
    log.info("topics given to %d stored articles", len(topic_of))
    return c


def _restore(c: OnlineClusterer,
             rows: list[tuple[int, int, dict[str, Any], bytes, datetime, datetime | None]]) -> None:
    """Rebuild active clusters from (cluster id, article id, annotation, vector, stream time, publication time)
    rows, each cluster's rows oldest first: placed at the time the run saw (the stream clock for an undated
    article), dated by the publication times only, as the run held them; each member refers to its article id (what
    a split lists)."""
    members: dict[int, list[tuple[int, ArticleFeatures, datetime | None]]] = {}
    for sid, art, data, vec, stream_time, published in rows:
        f = ArticleFeatures.from_json(data, vec)
        f.time = stream_time
        members.setdefault(sid, []).append((art, f, published))
    for sid, fs in members.items():
        c.restore(sid, [f for _, f, _ in fs], [a for a, _, _ in fs], [p for _, _, p in fs])


# --- ingest ------------------------------------------------------------------------------------------


def ingest(sources: Iterable[str | Path | Document], db: str | None = None, *, store: Store | None = None,
           batch_size: int = BATCH_SIZE, cross_check: bool = True, compare_options: dict[str, Any] | None = None,
           max_bytes: int = MAX_BYTES, progress: Progress | None = None, stdin: Any = None,
           ray: str | bool | None = None, ray_workers: int | None = None) -> IngestResult:
    """Read ``sources`` and add them to the store at ``db`` (or ``store``); see the module doc.

    ``ray``: run on Ray (``factdiff.scale``): True or ``"local"`` starts a local Ray for the run, an
    address (``"auto"``, ``"HEAD:6379"``) joins a cluster; ``ray_workers`` actors per stage.
    """
    if ray:
        from ..scale import ingest as ray_ingest

        return ray_ingest(sources, db, store=store, address=None if ray is True else ray, workers=ray_workers,
                          batch_size=batch_size, cross_check=cross_check, compare_options=compare_options,
                          max_bytes=max_bytes, progress=progress, stdin=stdin)
    docs, errors, skipped = read_stream(sources, max_bytes=max_bytes, stdin=stdin)
    result = IngestResult(read=len(docs), errors=errors, skipped_files=skipped)
    own = store is None
    st = store or open_store(db)
    try:
        with st.ingest_lock():
            clusterer = clusterer_for(st)
            if cross_check:
                result.reports += refresh_reports(st, compare_options)
            ordered = _order(docs)
            seen: set[str] = set()
            for at in range(0, len(ordered), batch_size):
                _ingest_batch(st, clusterer, ordered[at:at + batch_size], seen, result)
                result.batches += 1
                if cross_check:
                    result.reports += refresh_reports(st, compare_options)
                if progress is not None:
                    progress(result, len(ordered))
            hold_clusterer(st, clusterer)
    finally:
        if own:
            st.close()
    return result


def _fingerprint(store: Store) -> tuple[int | None, ...]:
    """What changes whenever anyone stores an article, opens a story or merges two: how many articles there are and
    the highest ids of articles, stories and merges (one statement, so one view of the database)."""
    with store.session() as s:
        row = s.execute(select(select(func.count()).select_from(m.Article).scalar_subquery(),
                               *(select(func.max(col)).scalar_subquery() for col in (m.Article.id, m.Story.id,
                                                                                     m.Audit.id)))).one()
        return tuple(row)


def clusterer_for(store: Store) -> OnlineClusterer:
    """The clustering state for the next ingest into ``store``: the one this process held after its last ingest
    through this ``Store`` where nothing was written since (by another process or connection), else
    :func:`load_clusterer`'s.

    Loading reads the saved document frequencies and the annotations stored after them, and rebuilds the active
    stories from their members; a process that ingests batch after batch through one ``Store`` (the Python API, a
    long-running feed) pays that once. The state is taken out of the store while the ingest runs, so an ingest that
    fails leaves none behind (the next one loads)."""
    held = store.held.pop("clusterer", None)
    if held is not None and held[0] == _fingerprint(store):
        return held[1]  # type: ignore[no-any-return]
    return load_clusterer(store)


def hold_clusterer(store: Store, clusterer: OnlineClusterer) -> None:
    """After the last batch of an ingest that completed: keep ``clusterer`` with ``store`` for the next ingest
    (:func:`clusterer_for`) with the store's fingerprint now, where it counted exactly the stored articles; and save
    its counts (:func:`save_counts`) where ``SAVE_COUNTS_EVERY`` articles were counted since they were last saved."""
    now = _fingerprint(store)
    if now[:2] != (clusterer.n_docs, clusterer.last_article):
        return  # another writer stored articles while this ingest ran: its state lacks them, the next one loads
    if clusterer.n_docs - clusterer.saved_docs >= SAVE_COUNTS_EVERY:
        save_counts(store, clusterer)
    store.held["clusterer"] = (now, clusterer)


def _prepare(s: Any, batch: list[Document], seen: set[str], result: IngestResult) -> list[tuple[Document, str, str]]:
    """The batch's new articles as (document, content hash, external id); duplicates counted."""
    items = []
    for d in batch:
        if not d.text.strip():
            result.errors.append(f"{d.source}: article {d.id or d.title or '?'} has no text")
            continue
        digest = content_hash(d)
        if digest in seen or (d.url and d.url in seen):
            result.duplicates += 1
            continue
        seen.add(digest)
        if d.url:
            seen.add(d.url)
        items.append((d, digest, stable_id(d, digest)))
    if not items:
        return []
    hashes = {h for _, h, _ in items}
    urls = {d.url for d, _, _ in items if d.url}
    stored_hashes = set(s.scalars(select(m.Article.content_hash).where(m.Article.content_hash.in_(hashes))))
    stored_urls = set(s.scalars(select(m.Article.url).where(m.Article.url.in_(urls)))) if urls else set()
    fresh = [(d, h, e) for d, h, e in items if h not in stored_hashes and not (d.url and d.url in stored_urls)]
    result.duplicates += len(items) - len(fresh)
    ids = {e for _, _, e in fresh}
    taken = set(s.scalars(select(m.Article.ext_id).where(m.Article.ext_id.in_(ids))))
    out = []
    for d, h, e in fresh:
        if e in taken:  # the same id for a different article (ids repeat across files): keep both
            e = f"{e}-{h[:8]}"
        taken.add(e)
        out.append((d, h, e))
    return out


def _language(doc: Document) -> str:
    if doc.language and doc.language != "und":
        return doc.language.lower()[:16]
    from ..text import detect_language

    return detect_language(doc.text) or "und"


def _ingest_batch(store: Store, clusterer: OnlineClusterer, batch: list[Document], seen: set[str],
                  result: IngestResult) -> None:
    with store.session() as s:
        items = _prepare(s, batch, seen, result)
    if not items:
        return
    for d, _, _ in items:
        d.language = _language(d)
    feats = article_features([d for d, _, _ in items])
    try:
        with store.session() as s:
            _write_batch(s, clusterer, items, feats, result)
    except BaseException:
        _reload(clusterer, store)
        raise


def _reload(c: OnlineClusterer, store: Store) -> None:
    """The batch was rolled back: reload the clustering state from what is committed."""
    fresh = OnlineClusterer(c.model, window_days=c.window / timedelta(days=1), top_k=c.top_k, merge=c.merge,
                            members=c.members)
    load_clusterer(store, fresh)
    c.__dict__.update(fresh.__dict__)


def _source_ids(s: Any, names: set[str]) -> dict[str, int]:
    found = {n: i for i, n in s.execute(select(m.Source.id, m.Source.name).where(m.Source.name.in_(names)))}
    for name in sorted(names - set(found)):
        src = m.Source(name=name)
        s.add(src)
        s.flush()
        found[name] = src.id
    return found


@one_blas_thread()  # the batch's clustering, local or in the Ray driver
def _write_batch(s: Any, c: OnlineClusterer, items: list[tuple[Document, str, str]], feats: list[ArticleFeatures],
                 result: IngestResult) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    sources = _source_ids(s, {d.source[:400] or "unknown" for d, _, _ in items})
    changed: set[int] = set()
    shrunk: set[int] = set()  # the halves of a split: a half of one article loses its report
    for (d, digest, ext), f in zip(items, feats, strict=True):
        decision = c.add(f)
        topic = c.topics.add(f) if c.topics is not None else None
        stream_time = f.time or c.clock or EPOCH
        art = m.Article(ext_id=ext[:400], url=d.url or None, content_hash=digest,
                        source_id=sources[d.source[:400] or "unknown"], title=d.title, text=d.text,
                        language=d.language, published=d.published[:64], published_at=f.time,
                        stream_time=stream_time, ingested_at=now, topic_id=topic.story if topic else None,
                        topic_closeness=topic.closeness if topic else None,
                        topic_closeness_cross=topic.closeness_cross if topic else None)
        s.add(art)
        s.flush()
        c.last_article = art.id
        for d_ in (decision, topic):
            if d_ is not None and d_.member is not None:
                d_.member.ref = art.id  # what a later split of its story or topic lists
        for kept, gone in topic.merged if topic else []:
            s.execute(update(m.Article).where(m.Article.topic_id == gone).values(topic_id=kept))
            s.add(m.Audit(at=now, action="topic-merge", story_id=kept, other_id=gone,
                          detail={"article": ext, "threshold": c.topics.model.merge_threshold if c.topics else None}))
        for cut in topic.splits if topic else []:
            moved = [r for r in cut.moved if r is not None]
            s.execute(update(m.Article).where(m.Article.id.in_(moved)).values(topic_id=cut.new))
            s.add(m.Audit(at=now, action="topic-split", story_id=cut.story, other_id=cut.new,
                          detail={"article": ext, "moved": len(moved), "score": round(cut.score, 4),
                                  "threshold": c.topics.model.split_below if c.topics else None}))
        s.add(m.Annotation(article_id=art.id, version=f.to_json()["version"], data=f.to_json(),
                           vector=np.asarray(f.vector, dtype=np.float32).tobytes()))
        if decision.new:
            s.add(m.Story(id=decision.story, title=headline(d.title, d.text), first_seen=stream_time,
                          last_seen=stream_time, size=0, languages=[], needs_report=False, contradictions=0,
                          tensions=0))
            s.flush()
            result.stories_new += 1
        story_id = decision.story  # after any merge this step made
        s.add(m.Membership(article_id=art.id, story_id=story_id, score=round(decision.score, 4),
                           joined_at=stream_time, closeness=decision.closeness,
                           closeness_cross=decision.closeness_cross))
        for kept, gone in decision.merged:
            s.execute(update(m.Membership).where(m.Membership.story_id == gone).values(story_id=kept))
            s.execute(update(m.Story).where(m.Story.id == gone).values(merged_into=kept, needs_report=False, size=0))
            _drop_report(s, gone)  # its report and the claims, relations and entities read from it
            s.add(m.Audit(at=now, action="merge", story_id=kept, other_id=gone,
                          detail={"article": ext, "threshold": c.model.merge_threshold}))
            result.merges += 1
            changed.discard(gone)
            changed.add(kept)
        for cut in decision.splits:
            _split_story(s, cut, ext, stream_time, now, c.model.split_below)
            result.splits += 1
            changed.update((cut.story, cut.new))
            shrunk.update((cut.story, cut.new))
        changed.add(story_id)
        result.added += 1
    s.flush()
    for sid in changed:
        state = c.stories.get(sid)
        row = s.get(m.Story, sid)
        if row is None:
            continue
        if state is None:  # left the time window within this batch: its members are in the store
            members = s.execute(select(m.Article.stream_time, m.Article.language)
                                .join(m.Membership, m.Membership.article_id == m.Article.id)
                                .where(m.Membership.story_id == sid)).all()
            if members:
                row.size = len(members)
                row.first_seen, row.last_seen = min(t for t, _ in members), max(t for t, _ in members)
                row.languages = sorted({lang for _, lang in members})
                row.needs_report = len(members) >= 2
            continue
        row.size = state.size
        row.first_seen, row.last_seen = state.first, state.last
        row.languages = sorted(state.languages)
        row.needs_report = state.size >= 2
        if sid in shrunk and state.size < 2:
            _drop_report(s, sid)
            row.contradictions = row.tensions = 0


def _split_story(s: Any, cut: Split, ext: str, stream_time: datetime, now: datetime,
                 threshold: float | None) -> None:
    """Store a split: the new story, its articles' memberships moved to it, an audit entry; each half titled by its
    earliest article (as a story is when it opens). Both halves' rows and reports follow as changed stories."""
    moved = [r for r in cut.moved if r is not None]
    if len(moved) != len(cut.moved):  # every member of a stored story refers to its article
        log.warning("story %s: %d moved articles without a stored id", cut.story, len(cut.moved) - len(moved))
    s.add(m.Story(id=cut.new, title="", first_seen=stream_time, last_seen=stream_time, size=0, languages=[],
                  needs_report=False, contradictions=0, tensions=0))
    s.flush()
    s.execute(update(m.Membership).where(m.Membership.article_id.in_(moved)).values(story_id=cut.new))
    for sid in (cut.story, cut.new):
        first = s.execute(select(m.Article.title, m.Article.text)
                          .join(m.Membership, m.Membership.article_id == m.Article.id)
                          .where(m.Membership.story_id == sid)
                          .order_by(m.Article.stream_time, m.Article.id).limit(1)).first()
        if first is not None:
            s.execute(update(m.Story).where(m.Story.id == sid).values(title=headline(first[0] or "", first[1])))
    s.add(m.Audit(at=now, action="split", story_id=cut.story, other_id=cut.new,
                  detail={"article": ext, "moved": len(moved), "score": round(cut.score, 4),
                          "threshold": threshold}))


def _drop_report(s: Any, story_id: int) -> None:
    """A story's stored report and its parts (claims, relations, entities and their mentions)."""
    for table in (m.Entity, m.Relation, m.Claim, m.Report):
        s.execute(delete(table).where(table.story_id == story_id))


def refresh_reports(store: Store, compare_options: dict[str, Any] | None = None) -> int:
    """Cross-check every story flagged as changed; each report is stored in its own transaction."""
    with store.session() as s:
        todo = list(s.scalars(select(m.Story.id).where(m.Story.needs_report.is_(True)).order_by(m.Story.id)))
    for sid in todo:
        cross_check_story(store, sid, compare_options)
    return len(todo)


def cross_check_story(store: Store, story_id: int,
                      compare_options: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """Run factdiff's compare on the story's (most recent) articles and store the report and its counts."""
    arts = store.story_documents(story_id)[-MAX_REPORT_ARTICLES:]
    report_json: dict[str, Any] | None = None
    if len(arts) >= 2:
        try:
            report_json = compare_stored(store, arts, compare_options)
        except InputError as exc:
            log.warning("story %s: no report (%s)", story_id, exc)
    return save_report(store, story_id, arts, report_json)


_ANNOTATE_OPTIONS = ("backend", "config")
_READ_OPTIONS = ("fetch", "max_bytes", "progress")


def compare_stored(store: Store, arts: list[m.Article],
                   compare_options: dict[str, Any] | None = None) -> dict[str, Any]:
    """The report of stored articles, from their stored annotations: each article is annotated
    once (the first time one of its stories is cross-checked) and read back after that."""
    from ..pipeline import compare_annotated

    options = dict(compare_options or {})
    ann_opts = {k: options.pop(k) for k in _ANNOTATE_OPTIONS if k in options}
    for k in _READ_OPTIONS:
        options.pop(k, None)
    annotated = stored_annotations(store, arts, **ann_opts)
    return compare_annotated(annotated, config=ann_opts.get("config"), **options).to_json()


def stored_annotations(store: Store, arts: list[m.Article], **annotate_options: Any) -> list[AnnotatedArticle]:
    """Each article's ``AnnotatedArticle`` from the store; those without one (or with one made
    with other options or an older schema) are annotated now and stored."""
    from ..annotated import AnnotationError, annotate

    docs = story_docs(store, arts)
    want = {"backend": annotate_options.get("backend") or DEFAULT_BACKEND,
            "encoders": (annotate_options.get("config") or DEFAULT_CONFIG).encoders}
    with store.session() as s:
        rows = {r.article_id: r.article for r in s.scalars(select(m.Annotation).where(
            m.Annotation.article_id.in_([a.id for a in arts])))}
    out: list[AnnotatedArticle] = []
    fresh: dict[int, dict[str, Any]] = {}
    for art, doc in zip(arts, docs, strict=True):
        data = rows.get(art.id)
        found = None
        if data and all(data.get("options", {}).get(k) == v for k, v in want.items()):
            try:
                found = AnnotatedArticle.from_dict(data)
            except AnnotationError as exc:
                log.info("article %s: annotating again (%s)", art.id, exc)
        if found is None or found.document != doc:
            found = annotate(doc, **annotate_options)
            fresh[art.id] = found.to_dict(vectors="f16", parse=False)
            # compare with the vectors as stored, so that a report does not depend on whether its
            # articles were annotated now or read back
            found.vectors = {k: v.astype(np.float16).astype(np.float32) for k, v in found.vectors.items()}
        out.append(found)
    if fresh:
        with store.session() as s:
            for art_id, data in fresh.items():
                row = s.get(m.Annotation, art_id)
                if row is not None:
                    row.article = data
    return out


def story_docs(store: Store, arts: list[m.Article]) -> list[Document]:
    """Stored articles as the Documents compare reads."""
    return [Document(id=a.ext_id, source=_source_name(store, a.source_id), text=a.text, title=a.title,
                     language=a.language, url=a.url or "", published=a.published) for a in arts]


def save_report(store: Store, story_id: int, arts: list[m.Article],
                report_json: dict[str, Any] | None) -> dict[str, Any] | None:
    """Store a story's report (None: no report) and its counts; clears the story's ``needs_report``."""
    now = datetime.now(UTC).replace(tzinfo=None)
    with store.session() as s:
        s.execute(delete(m.Entity).where(m.Entity.story_id == story_id))
        s.execute(delete(m.Relation).where(m.Relation.story_id == story_id))
        s.execute(delete(m.Claim).where(m.Claim.story_id == story_id))
        row = s.get(m.Story, story_id)
        if row is None:
            return None
        row.needs_report = False
        if report_json is None:
            return None
        summary = report_json.get("summary", {})
        row.contradictions = int(summary.get("contradictions", 0))
        row.tensions = int(summary.get("tensions", 0))
        existing = s.get(m.Report, story_id)
        if existing is None:
            s.add(m.Report(story_id=story_id, data=report_json, articles=len(arts),
                           contradictions=row.contradictions, tensions=row.tensions, updated_at=now))
        else:
            existing.data, existing.articles = report_json, len(arts)
            existing.contradictions, existing.tensions, existing.updated_at = row.contradictions, row.tensions, now
        _store_parts(s, story_id, report_json, {a.ext_id: a.id for a in arts})
    return report_json


def _source_name(store: Store, source_id: int) -> str:
    with store.session() as s:
        src = s.get(m.Source, source_id)
        return src.name if src is not None else ""


def _store_parts(s: Any, story_id: int, report: dict[str, Any], article_ids: dict[str, int]) -> None:
    """Claims, relations (by claim id), entities and mentions of a report as rows."""
    claim_rows: dict[tuple[str, int, int], int] = {}
    for c in report.get("claims", []):
        art = article_ids.get(str(c["doc"]))
        if art is None:
            continue
        row = m.Claim(story_id=story_id, article_id=art, key=str(c["id"])[:100], start=int(c["start"]),
                      end=int(c["end"]), text=str(c["text"]))
        s.add(row)
        s.flush()
        claim_rows[(str(c["doc"]), int(c["start"]), int(c["end"]))] = row.id
    for r in report.get("relations", []):
        a, b = r["a"], r["b"]
        s.add(m.Relation(story_id=story_id, claim_a=claim_rows.get((a["doc"], a["start"], a["end"])),
                         claim_b=claim_rows.get((b["doc"], b["start"], b["end"])), label=r["label"],
                         kind=r.get("kind", "other"), confidence=float(r.get("confidence", 0.0)),
                         explanation=str(r.get("explanation", ""))))
    for e in report.get("entities", []):
        ent = m.Entity(story_id=story_id, key=str(e["id"])[:100], name=str(e["name"]), type=str(e["type"])[:20])
        s.add(ent)
        s.flush()
        for mention in e.get("mentions", []):
            art = article_ids.get(str(mention["doc"]))
            if art is not None:
                s.add(m.Mention(entity_id=ent.id, article_id=art, start=int(mention["start"]),
                                end=int(mention["end"]), text=str(mention["text"]),
                                kind=str(mention.get("kind", "name"))[:20]))
