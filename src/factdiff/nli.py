"""Natural-language inference (entailment / neutral / contradiction) for the compare judge.

No PyPI package ships an NLI model that loads offline, so factdiff ships its own: a small MLP head
over frozen multilingual sentence embeddings (the same backend the compare pipeline uses), trained by
``training/train_nli.py`` and exported to ONNX. Inference therefore needs only onnxruntime + numpy +
the embedder, all of which install from PyPI and run without network.

Probabilities are temperature-calibrated on a dev split, so callers may threshold them.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

LABELS: tuple[str, str, str] = ("entailment", "neutral", "contradiction")
MODEL_DIR = Path(__file__).resolve().parent / "models" / "nli"
META_NAME = "nli.json"
_BATCH = 256


class NLIError(RuntimeError):
    """The shipped NLI model is missing, corrupt or unusable here."""


class NLIModel:
    """Calibrated 3-way NLI over sentence pairs; see ``predict``."""

    labels: tuple[str, str, str] = LABELS

    def __init__(self, model_dir: Path) -> None:
        self.model_dir = Path(model_dir)
        meta_path = self.model_dir / META_NAME
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise NLIError(f"NLI model metadata not found: {meta_path}") from None
        except (OSError, ValueError) as exc:
            raise NLIError(f"NLI model metadata unreadable ({meta_path}): {exc}") from None
        if not isinstance(meta, dict) or tuple(meta.get("labels", ())) != LABELS:
            raise NLIError(f"NLI model metadata invalid or has unexpected labels: {meta_path}")
        onnx_path = self.model_dir / str(meta.get("onnx", ""))
        try:
            blob = onnx_path.read_bytes()
        except OSError:
            raise NLIError(f"NLI model file not found: {onnx_path}") from None
        # a hash check catches truncated or altered weights that would still parse as ONNX
        if meta.get("onnx_sha256") and hashlib.sha256(blob).hexdigest() != meta["onnx_sha256"]:
            raise NLIError(f"NLI model file is corrupt (sha256 mismatch): {onnx_path}")
        try:
            import onnxruntime as ort

            opts = ort.SessionOptions()
            opts.intra_op_num_threads = 1  # the head is tiny; threads only add contention
            self._session = ort.InferenceSession(blob, sess_options=opts, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises several private exception types
            raise NLIError(f"NLI model file cannot be loaded ({onnx_path}): {str(exc).splitlines()[0]}") from None
        self.dim = int(meta["dim"])
        self.backend = str(meta["backend"])
        self._meta = meta
        self._embedder: Any = None

    @property
    def info(self) -> dict[str, Any]:
        """Provenance and quality figures, for reports and for the judge's logs."""
        m = self._meta
        return {
            "backend": self.backend,
            "model_dir": str(self.model_dir),
            "train_data_hash": m.get("train_data_hash"),
            "train_data_sha256": m.get("train_data_sha256"),
            "seed": m.get("seed"),
            "temperature": m.get("temperature"),
            "heldout_accuracy": m.get("heldout_accuracy"),
            "train_sources": m.get("train_sources"),
        }

    def _embed(self, texts: list[str]) -> np.ndarray:
        if self._embedder is None:
            from factdiff.embed import EmbeddingError, get_embedder

            try:
                self._embedder = get_embedder(self.backend)
            except EmbeddingError as exc:
                raise NLIError(f"NLI model needs the {self.backend!r} embedder: {exc}") from None
        return np.asarray(self._embedder.encode(texts), dtype=np.float32)

    def predict_embeddings(self, premise_emb: np.ndarray, hypothesis_emb: np.ndarray) -> np.ndarray:
        """Probabilities from precomputed L2-normalised embeddings (lets callers reuse their vectors)."""
        u = np.ascontiguousarray(premise_emb, dtype=np.float32)
        v = np.ascontiguousarray(hypothesis_emb, dtype=np.float32)
        if u.shape != v.shape or u.ndim != 2 or u.shape[1] != self.dim:
            raise ValueError(f"expected two (n, {self.dim}) arrays, got {u.shape} and {v.shape}")
        if len(u) == 0:
            return np.zeros((0, 3), dtype=np.float32)
        out = [
            self._session.run(["probs"], {"premise_emb": u[i : i + _BATCH], "hypothesis_emb": v[i : i + _BATCH]})[0]
            for i in range(0, len(u), _BATCH)
        ]
        return np.concatenate(out).astype(np.float32)

    def predict(self, premises: list[str], hypotheses: list[str]) -> np.ndarray:
        """(n, 3) calibrated probabilities, columns in ``self.labels`` order."""
        if len(premises) != len(hypotheses):
            raise ValueError(f"{len(premises)} premises but {len(hypotheses)} hypotheses")
        if not premises:
            return np.zeros((0, 3), dtype=np.float32)
        out = []
        for i in range(0, len(premises), _BATCH):
            p, h = list(premises[i : i + _BATCH]), list(hypotheses[i : i + _BATCH])
            emb = self._embed(p + h)  # one call: the embedder dedupes and batches
            out.append(self.predict_embeddings(emb[: len(p)], emb[len(p) :]))
        return np.concatenate(out)


@functools.cache
def _load_default() -> NLIModel:
    return NLIModel(MODEL_DIR)


def load_nli(model_dir: str | Path | None = None) -> NLIModel:
    """The shipped model, loaded once per process; pass ``model_dir`` to load another copy (uncached)."""
    if model_dir is None:
        return _load_default()
    return NLIModel(Path(model_dir))


def nli_available() -> bool:
    """True if the shipped model loads here (the judge falls back to other signals otherwise)."""
    try:
        load_nli()
    except NLIError:
        return False
    return True
