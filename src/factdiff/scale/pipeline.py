"""The Ray stages of ``factdiff ingest --ray`` (see the package doc for how the work splits).

Imported only once Ray is known to be installed and initialised.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, cast

import numpy as np
import ray
from sqlalchemy import event, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from ..doc import Document
from ..ingest import ARTICLE_SUFFIXES, InputError, _from_bytes, _unique_ids, decode
from ..store import Store, open_store
from ..store import models as m
from ..stories.features import TITLE_WEIGHT, ArticleFeatures, _unit, article_features, parse_time
from ..stories.ingest import (
    JSON_SUFFIXES,
    MAX_REPORT_ARTICLES,
    IngestResult,
    Progress,
    _is_own_output,
    _jsonl_docs,
    _language,
    _order,
    _prepare,
    _reload,
    _write_batch,
    clusterer_for,
    compare_stored,
    content_hash,
    cross_check_story,
    hold_clusterer,
    save_report,
)
from . import ScaleError

log = logging.getLogger("factdiff")

FAULT_ENV = "FACTDIFF_SCALE_FAULT"
"""Fault injection for the tests: a marker-file path. The first embedding call that finds no marker
creates it and kills its own worker process (``os._exit``), once; Ray restarts the actor and retries."""
PARQUET_SUFFIXES = {".parquet"}
ANNOTATE_BATCH = 32  # articles per annotate call
CACHE_LIMIT = 200_000  # the sentence encoder's per-process cache size (factdiff.embed._cached_encode)
Seed = Callable[[list[m.Article]], dict[str, np.ndarray]]
STATS: dict[str, float] = {}
"""Seconds spent per stage by the last ``run`` in this process (bench/scale.py reads them): ``annotate``
(read and annotate, wall), ``embed_wait`` (the driver waiting for encoded batches), ``write`` (the driver's
sequential part: dedup, clustering, transactions), ``check`` (cross-checks, wall)."""
READ_CPUS = 0  # reading and parsing is light; with a CPU share it waited forever behind the actor pools


# --- reading ---------------------------------------------------------------------------------------


def _doc_json(d: Document) -> str:
    return json.dumps(asdict(d), ensure_ascii=False)


def _doc(data: str) -> Document:
    return Document(**json.loads(data))


def parse_file(where: str, data: bytes, max_bytes: int) -> tuple[list[Document], list[str]]:
    """One file's articles and error lines, by the rules of ``factdiff.stories.read_stream``."""
    errors: list[str] = []
    if Path(where).suffix.lower() in JSON_SUFFIXES:
        try:
            return _jsonl_docs(decode(data, where), where, max_bytes, errors), errors
        except InputError as exc:
            return [], [str(exc)]
    try:
        docs = _from_bytes(data, where, max_bytes, jsonl_ok=False)
    except InputError as exc:
        return [], [str(exc)]
    for i, d in enumerate(docs):  # as factdiff.ingest.read_inputs names one file's articles
        if not d.id:
            d.id = f"a{i + 1}"
    _unique_ids(docs)
    return docs, errors


def _file_rows(row: dict[str, Any], names: dict[str, tuple[int, str]], max_bytes: int) -> list[dict[str, Any]]:
    """A file (path, bytes) as rows: one per article, one per error line."""
    path = str(row["path"])
    index, where = names.get(path) or names.get("/" + path.lstrip("/")) or (len(names), path)
    docs, errors = parse_file(where, bytes(row["bytes"]), max_bytes)
    out = [{"file": index, "row": i, "doc": _doc_json(d), "error": ""} for i, d in enumerate(docs)]
    out += [{"file": index, "row": len(docs) + i, "doc": "", "error": e} for i, e in enumerate(errors)]
    return out


def _parquet_rows(batch: dict[str, np.ndarray], names: dict[str, tuple[int, str]]) -> dict[str, list[Any]]:
    """Parquet rows (the JSONL fields as columns) as article or error rows."""
    out: dict[str, list[Any]] = {"file": [], "row": [], "doc": [], "error": []}
    n = len(batch["path"])
    for i in range(n):
        def col(name: str, i: int = i) -> str:
            value = batch[name][i] if name in batch else None
            return "" if value is None else str(value)

        path = col("path")
        index, where = names.get(path) or names.get("/" + path.lstrip("/")) or (len(names), path)
        out["file"].append(index)
        out["row"].append(0)  # rows of one file keep Ray's (preserved) order
        text = batch["text"][i] if "text" in batch else None
        if not isinstance(text, str) or not text.strip():
            out["doc"].append("")
            out["error"].append(f"{where}: row {col('id') or '?'}: each row needs a non-empty \"text\" field")
            continue
        doc = Document(id=col("id"), source=col("source") or where, text=text, title=col("title"),
                       language=col("language") or "und", url=col("url"), published=col("published"))
        out["doc"].append(_doc_json(doc))
        out["error"].append("")
    return out


@dataclass
class Plan:
    """The inputs, resolved in the driver: files to read on the workers, documents already in memory."""

    files: list[str] = field(default_factory=list)  # absolute paths, in input order
    parquet: list[str] = field(default_factory=list)
    names: dict[str, tuple[int, str]] = field(default_factory=dict)  # absolute path -> (input rank, shown name)
    docs: list[tuple[int, Document]] = field(default_factory=list)  # (input rank, document)
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def plan_inputs(sources: Iterable[str | Path | Document], max_bytes: int, stdin: Any = None) -> Plan:
    plan = Plan()
    rank = 0

    def add_file(path: Path) -> None:
        nonlocal rank
        full = str(path.resolve())
        plan.names[full] = (rank, str(path))
        (plan.parquet if path.suffix.lower() in PARQUET_SUFFIXES else plan.files).append(full)
        rank += 1

    for item in sources:
        if isinstance(item, Document):
            plan.docs.append((rank, item))
            rank += 1
            continue
        name = str(item)
        if name == "-":
            data = (stdin or __import__("sys").stdin.buffer).read()
            try:
                text = decode(data, "<stdin>")
            except InputError as exc:
                plan.errors.append(str(exc))
                continue
            if text.lstrip().startswith("{"):
                errors: list[str] = []
                for d in _jsonl_docs(text, "<stdin>", max_bytes, errors):
                    plan.docs.append((rank, d))
                plan.errors.extend(errors)
            elif text.strip():
                plan.docs.append((rank, Document(id="", source="<stdin>", text=text)))
            else:
                plan.errors.append("<stdin>: empty input")
            rank += 1
            continue
        path = Path(name)
        if not path.exists():
            plan.errors.append(f"{path}: no such file or directory")
        elif path.is_dir():
            suffixes = ARTICLE_SUFFIXES | PARQUET_SUFFIXES
            for f in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes
                            and not any(part.startswith(".") for part in p.relative_to(path).parts)):
                if _is_own_output(f):
                    plan.skipped.append(str(f))
                else:
                    add_file(f)
        else:
            add_file(path)
    return plan


def read_dataset(plan: Plan, max_bytes: int) -> ray.data.Dataset | None:
    """One Ray dataset of article and error rows (``file``, ``row``, ``doc`` JSON, ``error``)."""
    parts: list[ray.data.Dataset] = []
    if plan.files:
        parts.append(ray.data.read_binary_files(plan.files, include_paths=True, num_cpus=READ_CPUS)
                     .flat_map(partial(_file_rows, names=plan.names, max_bytes=max_bytes), num_cpus=READ_CPUS))
    if plan.parquet:
        parts.append(ray.data.read_parquet(plan.parquet, include_paths=True, num_cpus=READ_CPUS)
                     .map_batches(partial(_parquet_rows, names=plan.names), batch_format="numpy",
                                  num_cpus=READ_CPUS))
    if plan.docs:
        parts.append(ray.data.from_items([{"file": r, "row": i, "doc": _doc_json(d), "error": ""}
                                          for i, (r, d) in enumerate(plan.docs)]))
    if not parts:
        return None
    return parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]


# --- annotate and embed: actors that load their model once ----------------------------------------------


def article_meta(doc: Document) -> dict[str, Any]:
    """Everything story clustering needs of one article except its vector, and the texts to encode."""
    doc.language = _language(doc)
    texts: list[str] = []

    def record(batch: list[str]) -> np.ndarray:
        texts.extend(batch)
        return np.zeros((len(batch), 1), np.float32)

    (f,) = article_features([doc], encode=record)
    return {"language": doc.language, "texts": texts, "has_title": bool(" ".join(doc.title.split())),
            "names": sorted(f.names), "words": sorted(f.words)}


class Annotator:
    """Language, lead, name and word keys per article (the language identifier loads once per actor)."""

    def __init__(self) -> None:
        from ..text import detect_language

        detect_language("A sentence that loads the language identifier once for this worker.")

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, Any]:
        metas = []
        for data in batch["doc"]:
            doc = _doc(str(data)) if data else None
            metas.append(json.dumps(article_meta(doc), ensure_ascii=False) if doc and doc.text.strip() else "")
        return {**batch, "meta": np.array(metas, dtype=object)}


class Embedder:
    """The sentence encoder, loaded once per actor; one call per local batch, as the local path makes it."""

    def __init__(self) -> None:
        from ..embed import get_embedder

        self.embedder: Any = get_embedder("use")

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, Any]:
        marker = os.environ.get(FAULT_ENV)
        if marker and not os.path.exists(marker):
            Path(marker).write_text(str(os.getpid()), encoding="utf-8")
            os._exit(1)
        out = []
        for data in batch["texts"]:
            texts = json.loads(str(data))
            self.embedder._cache.clear()  # a fresh cache: the encoder sees exactly these texts in one call
            out.append(np.asarray(self.embedder.encode(texts), dtype=np.float32).tobytes())
        return {"unit": batch["unit"], "vectors": np.array(out, dtype=object)}


# --- the driver ---------------------------------------------------------------------------------------


def _pool_size(workers: int | None) -> int:
    if workers:
        return max(1, workers)
    return max(1, int(ray.available_resources().get("CPU", 1)))


# one process per actor: the actors are the parallelism, and a Ray worker runs threads of its own that a fork
# (a long article's parse or encoding split in two, entities.parse_processes) must not copy
ONE_PROCESS = {"env_vars": {"FACTDIFF_PARSE_PROCESSES": "1"}}


def _actor_pool(size: int) -> dict[str, Any]:
    """map_batches arguments for an actor pool of ``size``. Ray Data restarts a dead actor and retries its
    call (max_restarts and max_task_retries default to -1 for actor pools)."""
    args: dict[str, Any] = {"compute": ray.data.ActorPoolStrategy(size=size), "batch_format": "numpy"}
    env = dict(ONE_PROCESS["env_vars"])
    marker = os.environ.get(FAULT_ENV)
    if marker:
        env[FAULT_ENV] = marker
    args["runtime_env"] = {"env_vars": env}
    return args


def run(sources: Iterable[str | Path | Document], db: str | None, *, store: Store | None, workers: int | None,
        batch_size: int, cross_check: bool, compare_options: dict[str, Any] | None, max_bytes: int,
        progress: Progress | None, stdin: Any) -> IngestResult:
    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True  # the driver sees rows and encoded batches in input order
    ctx.enable_progress_bars = False
    size = _pool_size(workers)
    plan = plan_inputs(sources, max_bytes, stdin)
    result = IngestResult(errors=list(plan.errors), skipped_files=list(plan.skipped))
    own = store is None
    st = store or open_store(db)
    checkers = Checkers(st, size) if cross_check else None
    STATS.clear()
    STATS.update(annotate=0.0, embed_wait=0.0, write=0.0, check=0.0)
    try:
        clock = time.perf_counter()
        docs, metas = _annotate(plan, max_bytes, size, result)
        STATS["annotate"] = time.perf_counter() - clock
        with st.ingest_lock():
            clusterer = clusterer_for(st)
            if checkers is not None:
                result.reports += _timed("check", checkers.refresh, compare_options)
            _cluster_and_write(st, clusterer, docs, metas, batch_size, size, result, progress,
                               None if checkers is None else partial(checkers.refresh, compare_options))
            hold_clusterer(st, clusterer)
    finally:
        if checkers is not None:
            checkers.close()
        if own:
            st.close()
    return result


def _timed(stage: str, fn: Callable[..., int], *args: Any) -> int:
    clock = time.perf_counter()
    try:
        return fn(*args)
    finally:
        STATS[stage] = STATS.get(stage, 0.0) + time.perf_counter() - clock


def _annotate(plan: Plan, max_bytes: int, size: int,
              result: IngestResult) -> tuple[list[Document], dict[int, dict[str, Any]]]:
    """The articles in input order, each with its annotation (keyed by ``id(document)``)."""
    ds = read_dataset(plan, max_bytes)
    if ds is None:
        return [], {}
    # One JSONL file is one block: cut it into batch-sized blocks so that every actor of the pool gets work.
    # Reading and cutting finish before the pool starts: run beside a pool that holds every CPU, the cutting
    # tasks never got one (a local Ray of 2 CPUs and 2 actors waited forever).
    ds = ds.repartition(target_num_rows_per_block=ANNOTATE_BATCH).materialize()
    annotated = ds.map_batches(Annotator, batch_size=ANNOTATE_BATCH, **_actor_pool(size))
    rows = [(int(r["file"]), int(r["row"]), i, str(r["doc"]), str(r["error"]), str(r["meta"]))
            for i, r in enumerate(annotated.iter_rows())]
    rows.sort(key=lambda r: r[:3])
    docs: list[Document] = []
    metas: dict[int, dict[str, Any]] = {}
    for _, _, _, data, error, meta in rows:
        if error:
            result.errors.append(error)
            continue
        doc = _doc(data)
        docs.append(doc)
        if meta:
            metas[id(doc)] = json.loads(meta)
    result.read = len(docs)
    return docs, metas


def _batches(st: Store, ordered: list[Document], batch_size: int) -> list[list[Document]]:
    """The new articles of each batch, as the local path will find them (a dry run of its dedup)."""
    seen: set[str] = set()
    scratch = IngestResult()
    with st.session() as s:
        return [[d for d, _, _ in _prepare(s, ordered[at:at + batch_size], seen, scratch)]
                for at in range(0, len(ordered), batch_size)]


def _units(batches: list[list[Document]], metas: dict[int, dict[str, Any]]) -> list[list[str]]:
    """Per batch, the texts the local path's encoder call gets: the batch's texts not encoded before."""
    cached: set[str] = set()
    units = []
    for batch in batches:
        texts = [t for d in batch for t in metas[id(d)]["texts"]]
        missing = list(dict.fromkeys(t for t in texts if t not in cached))
        if missing and len(cached) > CACHE_LIMIT:
            cached = {t for t in texts if t in cached}
        cached.update(missing)
        units.append(missing)
    return units


def _encoded(units: list[list[str]], size: int, release: bool) -> Iterator[np.ndarray]:
    """The vectors of each non-empty unit, in unit order, computed on the embedding actor pool.

    ``release``: compute them all before the first is used, so that the pool gives its CPUs back before
    the cross-check actors start (streamed, a pool held back by a driver waiting on those actors would
    wait for ever)."""
    todo = [{"unit": i, "texts": json.dumps(u, ensure_ascii=False)} for i, u in enumerate(units) if u]
    if not todo:
        return
    ds = ray.data.from_items(todo, override_num_blocks=min(len(todo), max(size * 4, 1)))
    out = ds.map_batches(Embedder, batch_size=1, **_actor_pool(size))
    if release:
        out = out.materialize()
    for row in out.iter_rows():
        texts = units[int(row["unit"])]
        yield np.frombuffer(row["vectors"], dtype=np.float32).reshape(len(texts), -1)


def features_from(meta: dict[str, Any], doc: Document, vectors: dict[str, np.ndarray]) -> ArticleFeatures:
    """``article_features`` for one article from its annotation and its texts' vectors (same arithmetic)."""
    rows = np.stack([vectors[t] for t in meta["texts"]])
    if meta["has_title"] and len(rows) > 1:
        vec = TITLE_WEIGHT * rows[0] + rows[1:].mean(axis=0)
    else:
        vec = rows.mean(axis=0)
    return ArticleFeatures(_unit(vec), frozenset(meta["names"]), frozenset(meta["words"]), doc.language or "und",
                           parse_time(doc.published))


def _cluster_and_write(st: Store, clusterer: Any, docs: list[Document], metas: dict[int, dict[str, Any]],
                       batch_size: int, size: int, result: IngestResult, progress: Progress | None,
                       refresh: Callable[[Seed], int] | None) -> None:
    """One ordered pass: the local path's batches, dedup, clusterer and transactions, fed encoded vectors."""
    for d in docs:
        if id(d) in metas:
            d.language = metas[id(d)]["language"]
    ordered = _order(docs)
    planned = _batches(st, ordered, batch_size)
    units = _units(planned, metas)
    encoded = _encoded(units, size, release=refresh is not None)
    vectors: dict[str, np.ndarray] = {}
    texts = {content_hash(d): metas[id(d)]["texts"] for d in docs if id(d) in metas}

    def seed(arts: list[m.Article]) -> dict[str, np.ndarray]:
        """The encoder cache a local run holds for these articles' texts (see ``CrossChecker.check``)."""
        return {t: vectors[t] for a in arts for t in texts.get(a.content_hash, ()) if t in vectors}

    seen: set[str] = set()
    for b, at in enumerate(range(0, len(ordered), batch_size)):
        clock = time.perf_counter()
        with st.session() as s:
            items = _prepare(s, ordered[at:at + batch_size], seen, result)
        if [d for d, _, _ in items] != planned[b]:
            raise ScaleError("the store changed during the ingest (another writer?); run the ingest again")
        if units[b]:
            if len(vectors) > CACHE_LIMIT:  # as _units: keep only this batch's texts
                keep = {t for d, _, _ in items for t in metas[id(d)]["texts"]}
                vectors = {t: v for t, v in vectors.items() if t in keep}
            waited = time.perf_counter()
            got = next(encoded)
            waited = time.perf_counter() - waited
            STATS["embed_wait"] += waited
            clock += waited
            vectors.update(zip(units[b], got, strict=True))
        if items:
            feats = [features_from(metas[id(d)], d, vectors) for d, _, _ in items]
            try:
                with st.session() as s:
                    _write_batch(s, clusterer, items, feats, result)
            except BaseException:
                _reload(clusterer, st)
                raise
        result.batches += 1
        STATS["write"] += time.perf_counter() - clock
        if refresh is not None:  # after every batch, as the local path: a report reads the annotations
            result.reports += _timed("check", refresh, seed)  # its story's previous report stored
        if progress is not None:
            progress(result, len(ordered))


# --- cross-checks -------------------------------------------------------------------------------------


class _RolledBack:
    """The store for a cross-check on a worker under SQLite: reads go to the database, every transaction is
    rolled back, and the annotations it would have stored are kept for the driver (the one writer) to store."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.annotations: dict[int, Any] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    @contextmanager
    def session(self) -> Iterator[Session]:
        def keep(session: Session, *_: Any) -> None:
            for obj in list(session.dirty) + list(session.new):
                if isinstance(obj, m.Annotation):
                    self.annotations[obj.article_id] = obj.article

        with self._store._sessions() as s:
            event.listen(s, "before_flush", keep)  # an autoflush would hide the change from the end's check
            try:
                yield s
                keep(s)
            finally:
                s.rollback()


@ray.remote(max_restarts=3, max_task_retries=3, runtime_env=ONE_PROCESS)
class CrossChecker:
    """Cross-checks stories; the compare models load once per actor (on first use).

    PostgreSQL: the actor stores the report itself. SQLite: it returns the report and the annotations it
    made, and the driver stores them."""

    def __init__(self, url: str) -> None:
        self.store = open_store(url)
        self.writes = self.store.dialect == "postgresql"

    def check(self, story_id: int, compare_options: dict[str, Any] | None,
              seed: dict[str, np.ndarray]) -> tuple[int, Any, dict[int, Any], str]:
        # The local path cross-checks in the process that embedded the articles' titles and leads, and its
        # sentence encoder reuses those vectors (a vector depends in its last bits on the texts encoded with
        # it): the same cache, and nothing else, is what this actor's encoder starts from.
        from ..embed import get_embedder

        cache: dict[str, np.ndarray] = get_embedder("use")._cache  # type: ignore[attr-defined]
        cache.clear()
        cache.update(seed)
        if self.writes:
            cross_check_story(self.store, story_id, compare_options)
            return story_id, None, {}, ""
        arts = self.store.story_documents(story_id)[-MAX_REPORT_ARTICLES:]
        view = _RolledBack(self.store)
        try:
            report = compare_stored(cast(Store, view), arts, compare_options)
        except InputError as exc:
            return story_id, None, view.annotations, str(exc)
        return story_id, report, view.annotations, ""


def _worker_url(st: Store) -> str:
    """The store's URL as a worker process can open it (a relative SQLite path made absolute)."""
    if st.dialect != "sqlite":
        return st.url
    url = make_url(st.url)
    if url.database and url.database != ":memory:":
        url = url.set(database=str(Path(url.database).resolve()))
    return url.render_as_string(hide_password=False)


class Checkers:
    """A pool of ``CrossChecker`` actors, started on first use and kept for the whole ingest."""

    def __init__(self, st: Store, size: int) -> None:
        self.st, self.size = st, size
        self.actors: list[Any] = []

    def refresh(self, compare_options: dict[str, Any] | None, seed: Seed | None = None) -> int:
        """Cross-check every story flagged as changed (as ``factdiff.stories.ingest.refresh_reports``), fanned
        out over the pool; returns how many."""
        from ray.util import ActorPool

        with self.st.session() as s:
            todo = list(s.scalars(select(m.Story.id).where(m.Story.needs_report.is_(True)).order_by(m.Story.id)))
        if not todo:
            return 0
        small = {sid for sid in todo if len(self.st.story_documents(sid)) < 2}
        for sid in small:
            save_report(self.st, sid, self.st.story_documents(sid), None)
        jobs = [sid for sid in todo if sid not in small]
        while len(self.actors) < min(self.size, len(jobs)):
            self.actors.append(CrossChecker.remote(_worker_url(self.st)))  # type: ignore[attr-defined]
        pool = ActorPool(self.actors)
        for sid, report, made, warning in pool.map_unordered(
                lambda a, sid: a.check.remote(sid, compare_options, seed(self.st.story_documents(sid)[
                    -MAX_REPORT_ARTICLES:]) if seed else {}), jobs):
            if warning:
                log.warning("story %s: no report (%s)", sid, warning)
            if self.st.dialect == "postgresql":
                continue
            if made:
                with self.st.session() as s:
                    for art_id, data in made.items():
                        row = s.get(m.Annotation, art_id)
                        if row is not None:
                            row.article = data
            save_report(self.st, sid, self.st.story_documents(sid)[-MAX_REPORT_ARTICLES:], report)
        return len(todo)

    def close(self) -> None:
        for a in self.actors:
            ray.kill(a)
        self.actors = []
