"""Same-language claim-pair rows from ECB+ (English news, CC BY 3.0) for the same-fact model.

Not imported by the factdiff package. Reads ``../shared/data/coref/ecbplus`` by path at run time
(nothing from it is copied into the repository) and skips with a message where it is absent.

Each ECB+ document's text is rebuilt from its tokens (one line per sentence, detokenised). A
*sub-topic* is a topic number with the ``ecb`` or ``ecbplus`` file family (two similar events per
topic). From each sub-topic, ``PER_SUBTOPIC`` documents with annotated sentences are drawn (fixed
seed), so that it gives at most ``PER_SUBTOPIC * (PER_SUBTOPIC - 1) / 2`` (3) document pairs, read
together like one three-outlet case of the dev set. factdiff prepares them exactly as
``training/fit_samefact.py`` prepares a dev case (``factdiff.pipeline.prepare`` with no entities, then
``pair_tensors``), and every cross-document claim pair is labelled:

* positive: both claims overlap annotated sentences (``ECBplus_coreference_sentences.csv``) and
  their sentences hold mentions of one shared cross-document ACTION instance (``CROSS_DOC_COREF``
  with an ``ACT...`` note): the same event;
* negative: both claims lie in annotated sentences only and share no action instance;
* dropped: a claim that touches an unannotated sentence (unknown, not a negative).

    python training/ecb_pairs.py [--refresh]   # builds the rows (cached under out/) and prints counts
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import hashlib
import os
import random
import sys
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("FACTDIFF_SHARED", ROOT.parent / "shared"))
ECB = SHARED / "data" / "coref" / "ecbplus"
CACHE = ROOT / "out" / "ecb-samefact"
SEED = 20240607
PER_SUBTOPIC = 3  # documents drawn per sub-topic: 3 document pairs

_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "'s", "'S", "n't", "'re", "'ve", "'ll",
                    "'d", "'m", "'", "...", "''"}
_NO_SPACE_AFTER = {"(", "[", "{", "$", "``", "#"}


class Skip(Exception):
    """The data is not there."""


@dataclass
class EcbDoc:
    topic: str
    sub: str  # "ecb" or "ecbplus"
    name: str  # file stem, e.g. "1_10ecb"
    text: str
    sentences: dict[int, tuple[int, int]]  # ECB+ sentence number -> character span in ``text``
    annotated: frozenset[int]  # sentence numbers listed in ECBplus_coreference_sentences.csv
    actions: dict[int, frozenset[str]]  # sentence number -> cross-document ACTION instances mentioned

    @property
    def subtopic(self) -> str:
        return f"{self.topic}{self.sub}"


def detokenise(tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Text of one sentence and each token's span in it: no space before closing punctuation and
    clitics, none after opening brackets and quotes; PTB quotes become plain double quotes."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    glue = True  # no space before the next token
    quote_open = False
    for tok in tokens:
        shown = tok
        opening = closing = False
        if tok == "``":
            shown, opening = '"', True
        elif tok == "''":
            shown, closing = '"', True
        elif tok == '"':
            opening, closing = not quote_open, quote_open
        if opening:
            quote_open = True
        elif closing:
            quote_open = False
        space = not glue and not closing and tok not in _NO_SPACE_BEFORE
        if space:
            out.append(" ")
            pos += 1
        out.append(shown)
        spans.append((pos, pos + len(shown)))
        pos += len(shown)
        glue = opening or tok in _NO_SPACE_AFTER
    return "".join(out), spans


def _annotated_sentences() -> dict[tuple[str, str], set[int]]:
    path = ECB / "ECBplus_coreference_sentences.csv"
    out: dict[tuple[str, str], set[int]] = defaultdict(set)
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out[(row["Topic"].strip(), row["File"].strip())].add(int(row["Sentence Number"]))
    return out


def read_doc(path: Path, annotated: set[int]) -> EcbDoc | None:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return None
    by_sent: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for tok in root.iter("token"):
        by_sent[int(tok.get("sentence", "0"))].append((tok.get("t_id", ""), tok.text or ""))
    tok_sent = {tid: s for s, toks in by_sent.items() for tid, _ in toks}
    lines: list[str] = []
    spans: dict[int, tuple[int, int]] = {}
    pos = 0
    for s in sorted(by_sent):
        words = [w for _, w in by_sent[s]]
        if words and words[0].lower().startswith("http"):
            continue  # the source URL atop ecbplus documents
        line, _ = detokenise(words)
        if not line.strip():
            continue
        spans[s] = (pos, pos + len(line))
        lines.append(line)
        pos += len(line) + 1
    markables = root.find("Markables")
    mention_sents: dict[str, set[int]] = {}
    if markables is not None:
        for m in markables:
            if m.tag.startswith("ACTION"):
                mention_sents[m.get("m_id", "")] = {tok_sent[a.get("t_id", "")] for a in m.iter("token_anchor")
                                                     if a.get("t_id", "") in tok_sent}
    actions: dict[int, set[str]] = defaultdict(set)
    relations = root.find("Relations")
    if relations is not None:
        for r in relations.iter("CROSS_DOC_COREF"):
            note = r.get("note", "")
            if not note.startswith("ACT"):
                continue
            for src in r.iter("source"):
                for s in mention_sents.get(src.get("m_id", ""), ()):
                    actions[s].add(note)
    stem = path.stem
    sub = "ecbplus" if stem.endswith("ecbplus") else "ecb"
    return EcbDoc(path.parent.name, sub, stem, "\n".join(lines), spans,
                  frozenset(s for s in annotated if s in spans), {s: frozenset(a) for s, a in actions.items()})


def load_docs() -> list[EcbDoc]:
    root = ECB / "ECB+"
    if not root.is_dir() or not (ECB / "ECBplus_coreference_sentences.csv").exists():
        raise Skip(f"ECB+ not found under {ECB} (needs ECB+/ and ECBplus_coreference_sentences.csv)")
    annotated = _annotated_sentences()
    docs = []
    for path in sorted(root.glob("*/*.xml"), key=lambda p: (int(p.parent.name), p.name)):
        d = read_doc(path, annotated.get((path.parent.name, path.stem.split("_", 1)[1]), set()))
        if d is not None and d.annotated:
            docs.append(d)
    return docs


def draw_cases(docs: list[EcbDoc], per_subtopic: int = PER_SUBTOPIC, seed: int = SEED) -> list[list[EcbDoc]]:
    """``per_subtopic`` documents of each sub-topic (fixed seed): one case each."""
    rng = random.Random(seed)
    groups: dict[str, list[EcbDoc]] = defaultdict(list)
    for d in docs:
        groups[d.subtopic].append(d)
    cases = []
    for key in sorted(groups, key=lambda k: (int(groups[k][0].topic), k)):
        members = groups[key]
        if len(members) >= 2:
            cases.append(sorted(rng.sample(members, min(per_subtopic, len(members))), key=lambda d: d.name))
    return cases


def _claim_labels(doc: EcbDoc, claims: list[Any]) -> list[frozenset[str] | None]:
    """Per claim: the action instances of its sentences, or None where it touches an unannotated one."""
    out: list[frozenset[str] | None] = []
    for c in claims:
        sents = [s for s, (a, b) in doc.sentences.items() if a < c.end and c.start < b]
        if not sents or any(s not in doc.annotated for s in sents):
            out.append(None)
        else:
            out.append(frozenset().union(*(doc.actions.get(s, frozenset()) for s in sents)))
    return out


UNKNOWN_ONE, UNKNOWN_BOTH = 2, 3  # label codes of pairs with one or both claims touching an unannotated sentence


def case_rows(case: list[EcbDoc], arts: dict[str, Any], encoders: str) -> tuple[np.ndarray, np.ndarray]:
    """Features and label codes of every cross-document claim pair of one case, from annotated articles
    (``factdiff.annotated.annotate`` with both encoders' vectors): 1 positive, 0 negative, ``UNKNOWN_ONE``
    or ``UNKNOWN_BOTH`` where one or both claims touch an unannotated sentence (dropped from the labels)."""
    from factdiff.pipeline import pair_tensors, prepared_from

    prep = prepared_from([arts[d.name] for d in case], entities=False)
    if encoders == "use":
        prep = dataclasses.replace(prep, e5=None)
    by_id = {d.name: d for d in case}
    xs, codes = [], []
    for (da, db), t in pair_tensors(prep).items():
        la = _claim_labels(by_id[da], prep.claims[da])
        lb = _claim_labels(by_id[db], prep.claims[db])
        code = np.empty((len(la), len(lb)), np.int8)
        for i, a in enumerate(la):
            for j, b in enumerate(lb):
                if a is None or b is None:
                    code[i, j] = UNKNOWN_BOTH if a is None and b is None else UNKNOWN_ONE
                else:
                    code[i, j] = 1 if a & b else 0
        xs.append(t.reshape(-1, t.shape[-1]))
        codes.append(code.reshape(-1))
    return np.concatenate(xs), np.concatenate(codes)


def prep_features() -> tuple[str, ...]:
    from factdiff.samefact import FEATURES

    return FEATURES


def annotate_all(docs: list[EcbDoc]) -> dict[str, Any]:
    """Each document read once by factdiff, as ``pipeline.prepare`` reads it (no parse), with both encoders."""
    from factdiff.annotated import annotate
    from factdiff.config import Config
    from factdiff.doc import Document

    cfg = Config(encoders="use+e5")
    out = {}
    for d in docs:
        out[d.name] = annotate(Document(id=d.name, source=f"{d.name}.xml", text=d.text, language="en"),
                               config=cfg, parse=False)
    return out


def fingerprint(per_subtopic: int = PER_SUBTOPIC, seed: int = SEED) -> str:
    """Of the settings and the feature list (the cache key). A change to how factdiff reads articles
    (claims, encoders, features) needs ``--refresh``."""
    from factdiff.samefact import FEATURES

    return hashlib.sha256(f"v2/{per_subtopic}/{seed}/{','.join(FEATURES)}".encode()).hexdigest()[:12]


def rows(per_subtopic: int = PER_SUBTOPIC, seed: int = SEED, refresh: bool = False,
         verbose: bool = True) -> dict[str, dict[str, np.ndarray]]:
    """{encoders: {"x", "code", "topic"}}: every cross-document claim pair of the drawn cases with its label
    code (``case_rows``), for both encoder settings, cached under out/ecb-samefact/."""
    from factdiff.samefact import ENCODERS

    path = CACHE / f"rows-{fingerprint(per_subtopic, seed)}.npz"
    if path.exists() and not refresh:
        z = np.load(path)
        return {enc: {k: z[f"{enc}/{k}"] for k in ("x", "code", "topic")} for enc in ENCODERS}
    clock = time.perf_counter()
    docs = load_docs()
    cases = draw_cases(docs, per_subtopic, seed)
    chosen = [d for c in cases for d in c]
    if verbose:
        print(f"ECB+: {len(docs)} documents with annotated sentences; {len(cases)} sub-topics, "
              f"{len(chosen)} documents drawn (seed {seed}, {per_subtopic} per sub-topic), "
              f"{sum(len(c) * (len(c) - 1) // 2 for c in cases)} document pairs", flush=True)
    arts = annotate_all(chosen)
    if verbose:
        print(f"  annotated in {time.perf_counter() - clock:.0f} s", flush=True)
    out: dict[str, dict[str, np.ndarray]] = {}
    for enc in ENCODERS:
        xs, cs, ts = [], [], []
        for case in cases:
            x, code = case_rows(case, arts, enc)
            xs.append(x)
            cs.append(code)
            ts.append(np.full(len(code), int(case[0].topic), np.int16))
        out[enc] = {"x": np.concatenate(xs), "code": np.concatenate(cs), "topic": np.concatenate(ts)}
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **{f"{enc}/{k}": v for enc, d in out.items() for k, v in d.items()})
    if verbose:
        claims = sum(len(a.claims) for a in arts.values())
        print(f"  {claims} claims; rows built in {time.perf_counter() - clock:.0f} s; cached in "
              f"{path.relative_to(ROOT)}", flush=True)
    return out


def labelled(d: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The labelled rows (both claims in annotated sentences): {"x", "y", "topic"}."""
    keep = d["code"] <= 1
    return {"x": d["x"][keep], "y": d["code"][keep].astype(np.int8), "topic": d["topic"][keep]}


def describe(data: dict[str, dict[str, np.ndarray]]) -> None:
    for enc, d in data.items():
        code = d["code"]
        pos, neg = int((code == 1).sum()), int((code == 0).sum())
        print(f"  encoders {enc}: {len(code)} cross-document claim pairs; labelled {pos + neg}: {pos} positive "
              f"({pos / max(pos + neg, 1):.3f}), {neg} negative; dropped (a claim touches an unannotated "
              f"sentence): {int((code == UNKNOWN_ONE).sum())} one side, {int((code == UNKNOWN_BOTH).sum())} both; "
              f"{len(np.unique(d['topic']))} topics")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--refresh", action="store_true", help="rebuild the cached rows")
    args = ap.parse_args(argv)
    try:
        data = rows(refresh=args.refresh)
    except Skip as e:
        print(f"skip: {e}")
        return 0
    describe(data)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
