"""The shipped NLI model loads offline from the installed package, classifies obvious pairs, and fails
loudly (NLIError, one line) when its files are missing or corrupt."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from factdiff import nli
from factdiff.nli import LABELS, NLIError, load_nli, nli_available

# hand-written pairs, not taken from any dataset
PAIRS = [
    ("A man is playing a guitar on stage.", "A man is playing an instrument.", "entailment"),
    ("Two children are swimming in the lake.", "Kids are in the water.", "entailment"),
    ("The woman is sleeping in her bed.", "The woman is running a marathon.", "contradiction"),
    ("The museum is closed on Mondays.", "The museum is open every Monday.", "contradiction"),
    ("A dog runs across the park.", "The stock market fell sharply on Tuesday.", "neutral"),
    ("Le président a signé la loi mardi.", "La loi a été signée par le président.", "entailment"),
]



def test_shipped_model_is_inside_the_package() -> None:
    import factdiff

    pkg = Path(factdiff.__file__).resolve().parent
    assert nli.MODEL_DIR == pkg / "models" / "nli"
    meta = json.loads((nli.MODEL_DIR / "nli.json").read_text())
    total = sum(f.stat().st_size for f in nli.MODEL_DIR.iterdir() if f.is_file())
    assert total <= 40e6
    assert meta["labels"] == list(LABELS)
    assert len(meta["train_data_hash"]) == 64 and isinstance(meta["seed"], int)


def test_classifies_clear_pairs_offline(offline: None) -> None:
    assert nli_available()
    model = load_nli()
    assert load_nli() is model, "the default model must be loaded once per process"
    assert model.labels == ("entailment", "neutral", "contradiction")
    probs = model.predict([p for p, _, _ in PAIRS], [h for _, h, _ in PAIRS])
    assert probs.shape == (len(PAIRS), 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    predicted = [model.labels[i] for i in probs.argmax(axis=1)]
    assert predicted == [gold for _, _, gold in PAIRS]
    info = model.info
    assert info["backend"] == "use" and info["temperature"] > 0 and info["seed"] is not None
    assert info["train_data_hash"] and info["heldout_accuracy"]


def test_predict_handles_empty_and_mismatched_inputs() -> None:
    model = load_nli()
    assert model.predict([], []).shape == (0, 3)
    with pytest.raises(ValueError):
        model.predict(["a"], [])


def test_batches_agree_with_single_pairs() -> None:
    model = load_nli()
    rng = np.random.default_rng(0)
    u = rng.standard_normal((600, model.dim)).astype(np.float32)
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    v = np.roll(u, 1, axis=0)
    batched = model.predict_embeddings(u, v)
    single = np.concatenate([model.predict_embeddings(u[i : i + 1], v[i : i + 1]) for i in (0, 299, 599)])
    np.testing.assert_allclose(batched[[0, 299, 599]], single, atol=1e-5)


@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "nli"
    shutil.copytree(nli.MODEL_DIR, dst)
    return dst


def _one_line_error(model_dir: Path, expected: str) -> None:
    with pytest.raises(NLIError) as exc:
        load_nli(model_dir)
    msg = str(exc.value)
    assert "\n" not in msg and expected in msg, msg


def test_copy_of_model_loads(model_copy: Path) -> None:
    assert load_nli(model_copy).predict_embeddings(
        np.eye(1, 512, dtype=np.float32), np.eye(1, 512, dtype=np.float32)
    ).shape == (1, 3)


def test_truncated_weights_give_nli_error(model_copy: Path) -> None:
    onnx_file = model_copy / json.loads((model_copy / "nli.json").read_text())["onnx"]
    onnx_file.write_bytes(onnx_file.read_bytes()[:1000])
    _one_line_error(model_copy, "corrupt")


def test_garbage_weights_with_matching_hash_give_nli_error(model_copy: Path) -> None:
    meta_path = model_copy / "nli.json"
    meta = json.loads(meta_path.read_text())
    garbage = b"not an onnx model" * 100
    (model_copy / meta["onnx"]).write_bytes(garbage)
    meta["onnx_sha256"] = hashlib.sha256(garbage).hexdigest()
    meta_path.write_text(json.dumps(meta))
    _one_line_error(model_copy, "cannot be loaded")


def test_missing_files_give_nli_error(model_copy: Path) -> None:
    meta = json.loads((model_copy / "nli.json").read_text())
    (model_copy / meta["onnx"]).unlink()
    _one_line_error(model_copy, "not found")
    (model_copy / "nli.json").unlink()
    _one_line_error(model_copy, "not found")


def test_corrupt_metadata_gives_nli_error(model_copy: Path) -> None:
    (model_copy / "nli.json").write_text("{ not json")
    _one_line_error(model_copy, "unreadable")
