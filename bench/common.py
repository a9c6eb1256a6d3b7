"""Shared helpers for the benchmarks: data paths, tables, sentence splitting, cached embeddings."""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from factdiff.doc import Document

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("FACTDIFF_SHARED", ROOT.parent / "shared"))  # ../shared beside the checkout
DATA = SHARED / "data"
CACHE_DIR = ROOT / "out" / "bench-cache"
SEED = 20240607  # every subsample in the suite uses this seed


def archived_src(ref: str) -> Path:
    """The package source at git ``ref``, exported once into out/baseline-src/REF (for baselines run in a
    subprocess with ``PYTHONPATH=<that>/src`` in the same bench run)."""
    import subprocess
    import tarfile
    import tempfile

    src = ROOT / "out" / "baseline-src" / ref
    if not (src / "src" / "factdiff").is_dir():
        src.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile() as tmp:
            done = subprocess.run(["git", "archive", ref, "src"], cwd=ROOT, stdout=tmp, stderr=subprocess.PIPE)
            if done.returncode != 0:
                raise Skip(f"baseline {ref} not in this clone: {done.stderr.decode().strip()}")
            tmp.seek(0)
            with tarfile.open(fileobj=tmp) as tar:
                tar.extractall(src, filter="data")
    return src


class Skip(Exception):
    """A benchmark's data or dependency is missing: reported as a line, not a crash."""


@dataclass
class Table:
    """One result table as printed and as written to docs/EVALUATION.md."""

    title: str
    command: str
    columns: list[str]
    rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)
    ok: bool = True  # False when a floor was missed (the runner exits non-zero in --quick)


def conll_sentences(path: Path) -> dict[str, dict[int, list[str]]]:
    """The tokens of a CoNLL file (document id, sentence number, ..., token in the fourth column), per document and
    sentence number, in file order; comment lines and short lines skipped."""
    from collections import defaultdict

    sents: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if line.startswith("#") or len(parts) < 4:
                continue
            sents[parts[0]][int(parts[1])].append(parts[3])
    return sents


def fmt(value: Any) -> str:
    """Numbers to 3 decimals, everything else as text."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value != value:  # NaN
            return "n/a"
        return f"{value:.3f}"
    return str(value)


def rows_to_table(title: str, command: str, rows: list[dict[str, Any]], notes: list[str] | None = None) -> Table:
    """Render other engineers' ``run() -> list[dict]`` rows: the union of keys becomes the columns."""
    columns: list[str] = []
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    return Table(title, command, columns, [[row.get(c, "") for c in columns] for row in rows], notes or [])


@contextmanager
def timer() -> Iterator[list[float]]:
    """``with timer() as t: ...`` then ``t[0]`` holds the seconds taken."""
    out = [0.0]
    start = time.perf_counter()
    try:
        yield out
    finally:
        out[0] = time.perf_counter() - start


# --- sentences ----------------------------------------------------------------------------------

_SENT = re.compile(r"[^\n.!?]*(?:[.!?]+[\"'”’»)]*|\n|$)")
_MIN_CHARS = 20


def split_sentences(text: str) -> list[str]:
    """Sentences of a text: factdiff.text's splitter when it exists, else a small regex.

    Fragments under 20 characters (bylines, 'Advertisement', photo credits) are dropped: they
    are page noise, not claims.
    """
    spans: list[tuple[int, int]]
    try:
        from factdiff.text import split_sentences as project_split  # type: ignore[attr-defined]

        spans = list(project_split(text))
    except ImportError:
        spans = [(m.start(), m.end()) for m in _SENT.finditer(text) if m.end() > m.start()]
    out = []
    for start, end in spans:
        s = " ".join(text[start:end].split())
        if len(s) >= _MIN_CHARS and sum(c.isalpha() for c in s) >= _MIN_CHARS // 2:
            out.append(s)
    return out


def splitter_name() -> str:
    """Which splitter split_sentences() uses, for the table notes."""
    try:
        from factdiff.text import split_sentences  # type: ignore[attr-defined]  # noqa: F401

        return "factdiff.text.split_sentences"
    except ImportError:
        return "the bench's regex splitter (factdiff.text not available)"


# --- embeddings with an on-disk cache -------------------------------------------------------------

_disk: dict[str, dict[str, np.ndarray]] = {}
_dirty: set[str] = set()
CACHE_STATS = {"encoded": 0, "reused": 0}  # texts, for the doc header


def use_cache() -> bool:
    """The vector cache only skips re-encoding identical text; scores are the same without it."""
    return os.environ.get("FACTDIFF_BENCH_CACHE", "1") != "0"


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _load(backend: str) -> dict[str, np.ndarray]:
    if backend not in _disk:
        path = CACHE_DIR / f"{backend}.pkl"
        data: dict[str, np.ndarray] = {}
        if use_cache() and path.exists():
            try:
                with path.open("rb") as fh:
                    data = pickle.load(fh)
            except (OSError, pickle.UnpicklingError, EOFError):
                data = {}
        _disk[backend] = data
    return _disk[backend]


def encode(backend: str, texts: list[str]) -> np.ndarray:
    """Encode with factdiff.embed, skipping texts encoded by an earlier bench run."""
    from factdiff.embed import get_embedder

    store = _load(backend)
    keys = [_key(t) for t in texts]
    missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in store))
    CACHE_STATS["encoded"] += len(missing)
    CACHE_STATS["reused"] += len(set(texts)) - len(missing)
    if missing:
        vectors = get_embedder(backend).encode(missing)
        for t, v in zip(missing, vectors, strict=True):
            store[_key(t)] = np.asarray(v, dtype=np.float32)
        _dirty.add(backend)
    dim = get_embedder(backend).dim
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    return np.stack([store[k] for k in keys])


def save_cache() -> None:
    """Persist new vectors (under out/, which git ignores)."""
    if not use_cache():
        return
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for backend in list(_dirty):
        tmp = CACHE_DIR / f"{backend}.pkl.tmp"
        with tmp.open("wb") as fh:
            pickle.dump(_disk[backend], fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(CACHE_DIR / f"{backend}.pkl")
        _dirty.discard(backend)


# --- profiles -----------------------------------------------------------------------------------


def article_profile(doc: Document, backend: str, max_sentences: int):  # type: ignore[no-untyped-def]
    """Profile one article the way the pipeline would: first ``max_sentences`` sentences + title."""
    from factdiff.similarity import build_profile

    sentences = split_sentences(doc.text)
    title = " ".join(doc.title.split())
    if title and sentences and sentences[0].startswith(title):
        sentences = sentences[1:]  # many scraped texts repeat the title as their first line
    sentences = sentences[:max_sentences]
    texts = sentences + ([title] if title else [])
    vectors = encode(backend, texts)
    title_vector = vectors[-1] if title else None
    return build_profile(doc, sentences, vectors[: len(sentences)], title_vector=title_vector, backend=backend)


def mean_pooled(vectors: np.ndarray) -> np.ndarray | None:
    """Baseline article vector: the plain normalised mean of all its sentence vectors."""
    if not len(vectors):
        return None
    c = vectors.mean(axis=0)
    return np.asarray(c / max(float(np.linalg.norm(c)), 1e-9), dtype=np.float32)


def tfidf_cosines(pairs: list[tuple[str, str]]) -> list[float]:
    """Baseline: TF-IDF cosine per pair, the vectoriser fitted on the two texts of that pair."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    out = []
    for a, b in pairs:
        try:
            m = TfidfVectorizer().fit_transform([a, b])
        except ValueError:  # empty vocabulary
            out.append(0.0)
            continue
        out.append(float((m[0] @ m[1].T).toarray()[0, 0]))
    return out


def vm_hwm_mb(pid: int | str = "self") -> float:
    """Peak resident memory (VmHWM) of a process, in MB; NaN where /proc cannot tell.

    Not ru_maxrss: on Linux a child's ru_maxrss starts from its parent's peak (the memory
    descriptor's high-water mark survives fork and exec), so every child of this large bench
    process would report at least the bench's own peak. VmHWM belongs to the exec'd image.
    """
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except (OSError, ValueError):
        pass
    return float("nan")
