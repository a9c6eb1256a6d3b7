"""Train factdiff's NLI head and write it into src/factdiff/models/nli/.

One command, reproducible (fixed seed, data hashes in the metadata)::

    pip install -e '.[train]'
    python training/train_nli.py

The model is a small MLP over frozen sentence embeddings (features u, v, |u-v|, u*v) exported to ONNX so
the package needs only onnxruntime + numpy at inference. Embeddings are cached in training/cache/ so
re-runs take minutes; a cold run embeds ~110k training sentences (~3 min at ~1000 sentences/s on this
machine's 2 cores) plus the held-out sets for the final report.

Data discipline: fitting uses TRAIN_SOURCES (minus a premise-grouped 5% slice); that slice and RTE3-FR
dev pick the epoch, the variant (``--compare``) and the calibration temperature. The held-out splits
are only evaluated once the model is fixed, to record their accuracy in the metadata.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nlidata as D  # noqa: E402

MODEL_DIR = D.REPO / "src" / "factdiff" / "models" / "nli"
ONNX_NAME = "nli_head.onnx"
META_NAME = "nli.json"


def features(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """InferSent-style pair features; mirrored exactly by the ONNX graph."""
    return np.concatenate([u, v, np.abs(u - v), u * v], axis=1).astype(np.float32)


def split_by_premise(pairs: D.Pairs, frac: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Validation slice grouped by premise: SNLI/XNLI reuse a premise for 3 hypotheses, so a row split
    would leak the premise embedding into validation."""
    rng = np.random.default_rng(seed)
    prem = np.array([hashlib.sha1(p.encode()).hexdigest() for p in pairs.premises])
    uniq = np.unique(prem)
    val_prem = set(rng.choice(uniq, int(len(uniq) * frac), replace=False))
    is_val = np.array([p in val_prem for p in prem])
    return np.flatnonzero(~is_val), np.flatnonzero(is_val)


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """Temperature minimising NLL on the selection data (1-D search over log T)."""
    grid = np.exp(np.linspace(np.log(0.05), np.log(10.0), 400))
    nll = [-np.log(softmax(logits / t)[np.arange(len(y)), y] + 1e-12).mean() for t in grid]
    return float(grid[int(np.argmin(nll))])


class Head:
    """MLP (features -> ReLU hidden -> 3) in float32 numpy with Adam and dropout.

    Hand-written because sklearn's MLPClassifier trains in float64 without dropout: on 2 shared cores
    it took ~2 min per epoch here. Features are standardised, and the scaling is folded into the first
    layer at export, so the ONNX graph needs no extra nodes.
    """

    def __init__(self, hidden: int, alpha: float, seed: int, dropout: float = 0.1, lr: float = 1e-3) -> None:
        self.hidden, self.alpha, self.dropout, self.lr = hidden, alpha, dropout, lr
        self.rng = np.random.default_rng(seed)
        self.params: list[np.ndarray] = []
        self.best: list[np.ndarray] | None = None
        self.mean = np.zeros(1, np.float32)
        self.std = np.ones(1, np.float32)

    def _init(self, d_in: int) -> None:
        dims = [d_in, self.hidden, 3] if self.hidden else [d_in, 3]
        self.params = []
        for a, b in zip(dims[:-1], dims[1:]):
            self.params += [
                (self.rng.standard_normal((a, b)) * np.sqrt(2.0 / a)).astype(np.float32),
                np.zeros(b, np.float32),
            ]

    def _forward(self, x: np.ndarray, train: bool) -> tuple[np.ndarray, list[np.ndarray]]:
        acts = [x]
        h = x
        n_layers = len(self.params) // 2
        for i in range(n_layers):
            h = h @ self.params[2 * i] + self.params[2 * i + 1]
            if i < n_layers - 1:
                np.maximum(h, 0, out=h)
                if train and self.dropout:
                    mask = (self.rng.random(h.shape, dtype=np.float32) >= self.dropout) / (1 - self.dropout)
                    h = h * mask.astype(np.float32)
                acts.append(h)
        return h, acts

    def fit(
        self,
        x: np.ndarray,
        y: np.ndarray,
        xv: np.ndarray,
        yv: np.ndarray,
        epochs: int,
        batch: int = 256,
        patience: int = 2,
    ) -> float:
        self.mean = x.mean(axis=0)
        self.std = x.std(axis=0) + 1e-6
        x = (x - self.mean) / self.std
        xv = (xv - self.mean) / self.std
        self._init(x.shape[1])
        m = [np.zeros_like(p) for p in self.params]
        v = [np.zeros_like(p) for p in self.params]
        step, best_acc, bad = 0, -1.0, 0
        b1, b2 = 0.9, 0.999
        for epoch in range(epochs):
            t0 = time.time()
            order = self.rng.permutation(len(y))
            for start in range(0, len(y), batch):
                idx = order[start : start + batch]
                logits, acts = self._forward(x[idx], train=True)
                g = softmax(logits)
                g[np.arange(len(idx)), y[idx]] -= 1
                g /= len(idx)
                grads: list[np.ndarray] = [np.empty(0)] * len(self.params)
                for i in range(len(self.params) // 2 - 1, -1, -1):
                    a = acts[i]
                    grads[2 * i] = a.T @ g + self.alpha * self.params[2 * i]
                    grads[2 * i + 1] = g.sum(axis=0)
                    if i > 0:
                        g = (g @ self.params[2 * i].T) * (a > 0)
                step += 1
                for k, p in enumerate(self.params):
                    m[k] = b1 * m[k] + (1 - b1) * grads[k]
                    v[k] = b2 * v[k] + (1 - b2) * grads[k] ** 2
                    p -= self.lr * (m[k] / (1 - b1**step)) / (np.sqrt(v[k] / (1 - b2**step)) + 1e-8)
            acc = float((self._forward(xv, train=False)[0].argmax(1) == yv).mean())
            print(f"    epoch {epoch + 1}: val acc {acc:.4f} ({time.time() - t0:.0f}s)", flush=True)
            if acc > best_acc:
                best_acc, bad = acc, 0
                self.best = [p.copy() for p in self.params]
            else:
                bad += 1
                if bad >= patience:
                    break
        assert self.best is not None
        self.params = self.best
        return best_acc

    def layers(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Weights with the feature standardisation folded into layer 1: W' = W/s, b' = b - (mu/s) W."""
        out = [(p.astype(np.float32), b.astype(np.float32)) for p, b in zip(self.params[::2], self.params[1::2])]
        w0, b0 = out[0]
        out[0] = ((w0 / self.std[:, None]).astype(np.float32), (b0 - (self.mean / self.std) @ w0).astype(np.float32))
        return out

    def logits(self, x: np.ndarray) -> np.ndarray:
        """Pre-softmax scores on raw features (numpy mirror of the ONNX graph)."""
        h = x
        layers = self.layers()
        for i, (w, b) in enumerate(layers):
            h = h @ w + b
            if i < len(layers) - 1:
                h = np.maximum(h, 0)
        return h


def export_onnx(layers: list[tuple[np.ndarray, np.ndarray]], dim: int, temperature: float, path: Path) -> None:
    """Graph: (premise_emb, hypothesis_emb) -> pair features -> MLP -> logits/T -> softmax."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes = [
        helper.make_node("Sub", ["premise_emb", "hypothesis_emb"], ["diff"]),
        helper.make_node("Abs", ["diff"], ["absdiff"]),
        helper.make_node("Mul", ["premise_emb", "hypothesis_emb"], ["prod"]),
        helper.make_node("Concat", ["premise_emb", "hypothesis_emb", "absdiff", "prod"], ["h0"], axis=1),
    ]
    inits = []
    cur = "h0"
    for i, (w, b) in enumerate(layers):
        inits += [numpy_helper.from_array(w, f"W{i}"), numpy_helper.from_array(b, f"b{i}")]
        out = "logits" if i == len(layers) - 1 else f"z{i}"
        nodes.append(helper.make_node("Gemm", [cur, f"W{i}", f"b{i}"], [out]))
        if i < len(layers) - 1:
            nodes.append(helper.make_node("Relu", [out], [f"h{i + 1}"]))
            cur = f"h{i + 1}"
    inits.append(numpy_helper.from_array(np.array([1.0 / temperature], dtype=np.float32), "inv_t"))
    nodes += [
        helper.make_node("Mul", ["logits", "inv_t"], ["scaled"]),
        helper.make_node("Softmax", ["scaled"], ["probs"], axis=1),
    ]
    n_out = layers[-1][0].shape[1]
    graph = helper.make_graph(
        nodes,
        "factdiff_nli_head",
        [
            helper.make_tensor_value_info("premise_emb", TensorProto.FLOAT, ["n", dim]),
            helper.make_tensor_value_info("hypothesis_emb", TensorProto.FLOAT, ["n", dim]),
        ],
        [
            helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["n", n_out]),
            helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["n", n_out]),
        ],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="factdiff")
    model.ir_version = 8
    onnx.checker.check_model(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))


def lead(body: str, limit: int = 400) -> str:
    """First sentences of an FNC-1 article body: the pure-python USE tokenizer embedded whole bodies
    (~2,200 characters) at ~2 texts/s here, and a headline is mostly about the lead anyway."""
    text = " ".join(body.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(". ", 0, limit)
    return text[: cut + 1] if cut > 100 else text[:limit]


def build_train(use_fnc1: bool) -> D.Pairs:
    parts = [D.load_pairs(stem, split) for stem, split in D.TRAIN_SOURCES]
    if use_fnc1:
        fnc = D.load_pairs(*D.FNC1_SOURCE)
        fnc.premises = [lead(body) for body in fnc.premises]
        parts.append(fnc)
    return D.concat(parts, "train")


def swap_augment(x_u: np.ndarray, x_v: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Add hypothesis->premise copies of contradiction and neutral pairs (labels keep), since news
    sentence pairs have no natural direction; entailment is not symmetric so it is not swapped."""
    keep = y != D.LABEL_ID["entailment"]
    return (
        np.concatenate([x_u, x_v[keep]]),
        np.concatenate([x_v, x_u[keep]]),
        np.concatenate([y, y[keep]]),
    )


def random_pairs(
    u: np.ndarray, v: np.ndarray, y: np.ndarray, langs: list[str], frac: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Add premise/hypothesis pairs drawn from different items (same language), labelled neutral.

    SNLI labels an unrelated scene "contradiction" (annotators assume one scene), so without this the
    head called "A dog runs across the park." vs "The stock market fell sharply." a contradiction
    (p=0.87); for news cross-checking unrelated sentences must read as neutral.
    """
    n = len(langs)
    lang_arr = np.array(langs)
    picks_u, picks_v = [], []
    for lang in np.unique(lang_arr):
        idx = np.flatnonzero(lang_arr == lang)
        k = int(round(len(idx) * frac))
        a = rng.choice(idx, k)
        b = rng.choice(idx, k)
        ok = a != b
        picks_u.append(a[ok])
        picks_v.append(b[ok])
    a, b = np.concatenate(picks_u), np.concatenate(picks_v)
    assert len(u) >= n
    neutral = np.full(len(a), D.LABEL_ID["neutral"], dtype=y.dtype)
    return np.concatenate([u, u[a]]), np.concatenate([v, v[b]]), np.concatenate([y, neutral])


def train_variant(
    cache: D.EmbeddingCache,
    seed: int,
    use_fnc1: bool,
    swap: bool,
    hidden: int,
    epochs: int,
    alpha: float,
    dropout: float = 0.1,
    random_neutral: float = 0.0,
) -> dict:
    # the validation slice comes from the base sources only, so it is the same set whatever the variant
    n_base = len(build_train(False))
    pairs = build_train(use_fnc1)
    tr, va = split_by_premise(pairs.take(np.arange(n_base)), 0.05, seed)
    tr = np.concatenate([tr, np.arange(n_base, len(pairs))])
    u = cache.embed(pairs.premises)
    v = cache.embed(pairs.hypotheses)
    cache.save()
    ut, vt, yt = u[tr], v[tr], pairs.y[tr]
    if swap:
        ut, vt, yt = swap_augment(ut, vt, yt)
    rng = np.random.default_rng(seed)
    if random_neutral:
        ut, vt, yt = random_pairs(ut, vt, yt, [pairs.langs[i] for i in tr], random_neutral, rng)
    order = rng.permutation(len(yt))
    xt, yt = features(ut[order], vt[order]), yt[order]
    # validation uses both directions for contradiction/neutral too, so it also rewards symmetry
    xv, yv = features(u[va], v[va]), pairs.y[va]
    sel = D.load_pairs(*D.SELECT_SOURCES[0])
    xs = features(cache.embed(sel.premises), cache.embed(sel.hypotheses))
    t0 = time.time()
    head = Head(hidden, alpha, seed, dropout)
    val_acc = head.fit(xt, yt, xv, yv, epochs)
    fit_s = time.time() - t0
    sel_acc = float((head.logits(xs).argmax(1) == sel.y).mean())
    return {
        "head": head,
        "val_acc": val_acc,
        "rte3_fr_dev_acc": sel_acc,
        "n_train": int(len(yt)),
        "fit_s": fit_s,
        "xv": xv,
        "yv": yv,
        "xs": xs,
        "ys": sel.y,
        "stems": sorted({s for s, _ in D.TRAIN_SOURCES} | ({D.FNC1_SOURCE[0]} if use_fnc1 else set())),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--backend", default="use", choices=["use", "e5"])
    ap.add_argument("--hidden", type=int, default=512)
    ap.add_argument("--alpha", type=float, default=1e-4, help="L2 penalty of the MLP")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--random-neutral", type=float, default=0.1, help="unrelated pairs added, as a fraction")
    ap.add_argument("--fnc1", action=argparse.BooleanOptionalAction, default=False)
    ap.add_argument("--swap", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--out", type=Path, default=MODEL_DIR)
    ap.add_argument("--no-heldout", action="store_true", help="skip the held-out report in the metadata")
    ap.add_argument("--heldout-only", action="store_true", help="only (re)compute the held-out report of --out")
    args = ap.parse_args(argv)
    if not D.data_available():
        print(f"NLI data not found under {D.DATA_DIR}; nothing to train on.", file=sys.stderr)
        return 2

    t_start = time.time()
    cache = D.EmbeddingCache(args.backend)
    if args.heldout_only:
        meta_path = args.out / META_NAME
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta["heldout_accuracy"] = heldout_report(cache, args.out)
        meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        cache.save()
        print(json.dumps(meta["heldout_accuracy"], indent=2))
        return 0
    print(f"training: backend={args.backend} fnc1={args.fnc1} swap={args.swap} hidden={args.hidden}", flush=True)
    res = train_variant(
        cache, args.seed, args.fnc1, args.swap, args.hidden, args.epochs, args.alpha, args.dropout, args.random_neutral
    )
    head: Head = res["head"]
    # calibrate on validation slice + RTE3-FR dev (both allowed for selection/calibration)
    cal_logits = np.concatenate([head.logits(res["xv"]), head.logits(res["xs"])])
    cal_y = np.concatenate([res["yv"], res["ys"]])
    temperature = fit_temperature(cal_logits, cal_y)
    nll_before = float(-np.log(softmax(cal_logits)[np.arange(len(cal_y)), cal_y] + 1e-12).mean())
    nll_after = float(-np.log(softmax(cal_logits / temperature)[np.arange(len(cal_y)), cal_y] + 1e-12).mean())
    print(
        f"  val acc {res['val_acc']:.4f}  rte3_fr dev {res['rte3_fr_dev_acc']:.4f}  T={temperature:.3f}"
        f"  NLL {nll_before:.4f}->{nll_after:.4f}",
        flush=True,
    )

    out: Path = args.out
    onnx_path = out / ONNX_NAME
    export_onnx(head.layers(), res["xv"].shape[1] // 4, temperature, onnx_path)

    # the exported graph must reproduce the numpy head exactly
    import onnxruntime as ort

    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    dim = res["xv"].shape[1] // 4
    xv = res["xv"][:500]
    probs = sess.run(["probs"], {"premise_emb": xv[:, :dim], "hypothesis_emb": xv[:, dim : 2 * dim]})[0]
    ref = softmax(head.logits(xv) / temperature)
    assert np.abs(probs - ref).max() < 1e-4, "ONNX export does not match the trained head"

    hashes = D.file_sha256(res["stems"])
    meta = {
        "format": 1,
        "labels": list(D.LABELS),
        "backend": args.backend,
        "dim": dim,
        "onnx": ONNX_NAME,
        "onnx_sha256": hashlib.sha256(onnx_path.read_bytes()).hexdigest(),
        "temperature": round(temperature, 5),
        "seed": args.seed,
        "train_sources": [f"{s}:{sp}" for s, sp in D.TRAIN_SOURCES] + (["fnc1:competition_test"] if args.fnc1 else []),
        "train_data_sha256": hashes,
        "train_data_hash": D.combined_hash(hashes),
        "n_train_pairs": res["n_train"],
        "swap_augment": args.swap,
        "hidden": args.hidden,
        "alpha": args.alpha,
        "dropout": args.dropout,
        "random_neutral": args.random_neutral,
        "selection": {
            "val_acc": round(res["val_acc"], 4),
            "rte3_fr_dev_acc": round(res["rte3_fr_dev_acc"], 4),
            "cal_nll_before": round(nll_before, 4),
            "cal_nll_after": round(nll_after, 4),
        },
        "train_wall_s": round(time.time() - t_start, 1),
        "command": "python training/train_nli.py " + " ".join(argv if argv is not None else sys.argv[1:]),
    }
    if not args.no_heldout:
        (out / META_NAME).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        meta["heldout_accuracy"] = heldout_report(cache, out)
    (out / META_NAME).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    cache.save()
    print(
        f"wrote {onnx_path} ({onnx_path.stat().st_size / 1e6:.1f} MB) and {out / META_NAME}"
        f" in {time.time() - t_start:.0f}s",
        flush=True,
    )
    return 0


def heldout_report(cache: D.EmbeddingCache, model_dir: Path) -> dict[str, float]:
    """Accuracy of the exported model (as shipped, via factdiff.nli) on the evaluation-only splits,
    computed after the model is fixed and never fed back into training or selection."""
    from factdiff.nli import load_nli

    model = load_nli(model_dir)
    report: dict[str, float] = {}
    xnli = []
    for p in D.heldout_sets():
        u = cache.embed(p.premises, verbose=False)
        v = cache.embed(p.hypotheses, verbose=False)
        pred = model.predict_embeddings(u, v).argmax(1)
        if p.name.startswith("DACCORD"):
            c = D.LABEL_ID["contradiction"]
            tp = float(((pred == c) & (p.y == c)).sum())
            prec = tp / max(float((pred == c).sum()), 1.0)
            rec = tp / max(float((p.y == c).sum()), 1.0)
            report["daccord_fr_contradiction_f1"] = round(2 * prec * rec / max(prec + rec, 1e-9), 4)
            continue
        acc = float((pred == p.y).mean())
        if p.name.startswith("XNLI"):
            xnli.append(acc)
        report[p.name] = round(acc, 4)
    report["XNLI test mean (15 langs)"] = round(float(np.mean(xnli)), 4)
    return report


if __name__ == "__main__":
    raise SystemExit(main())
