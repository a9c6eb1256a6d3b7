"""Cross-document entity coreference on gold mentions: NewsWCL50 and MEANTIME (en, en+es).

Why: the entity resolver decides which mentions in different articles are one referent; a
merge too many invents contradictions, a merge too few hides them. We cluster the ANNOTATED
gold mentions (so mention detection is not measured) and score against the gold chains with
B³, MUC, CEAF-e and the CoNLL F1 (their mean).

Systems, on the same mentions in the same run:
- ``exact``: mentions with the same string (case-insensitive, whitespace-normalised) corefer.
- ``factdiff``: each gold mention is aligned to what ``factdiff.entities.extract_mentions`` finds
  at its syntactic head (a name with its type and title, or a person description); mentions our
  extractor does not cover (common-noun phrases) go in with their own string and no type; all
  are clustered by ``factdiff.entities.resolve``. Pronouns fall back to the ``exact`` rule (we
  do not resolve pronouns), so the difference between the rows is the resolver's.

Clustering and gold chains are both taken within a topic (a NewsWCL50 event, a MEANTIME
corpus), the setting of factdiff: several articles about one event. "names" rows restrict the
scoring to gold mentions that start with a capital letter and are not pronouns.

Run: ``python bench/coref.py [--quick]``; ``run(quick) -> list[dict]`` for the bench runner.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":  # run as a script: make ``factdiff`` and ``bench`` importable
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

try:
    from bench.common import Skip
except ImportError:  # pragma: no cover - the runner is someone else's module
    class Skip(Exception):  # type: ignore[no-redef]
        """Data missing: reported as a line, not a crash."""

from factdiff.entities import (  # noqa: E402  (after the sys.path fix for script use)
    NameMention,
    extract_mentions,
    load_model,
    normalise,
    resolve,
)

DATA = Path(os.environ.get("FACTDIFF_SHARED", ROOT.parent / "shared")) / "data" / "coref"
SEED = 20240607
_NEWSWCL_ENTITY = ("ACTOR", "ACTOR-I", "COUNTRY", "GROUP", "OBJECT")  # MISC/EVENT/ACTION are events
_PRONOUNS = set("""i me my mine we us our ours you your yours he him his she her hers it its they them their
theirs this that these those who whom which what himself herself itself themselves ourselves one
el ella ellos ellas lo la los las le les su sus suyo suya se nos nosotros este esta esto ese esa eso que
quien cual lui lei loro esso essa gli ne ci si hij zij het hem haar hun ze wij die dat deze""".split())


# ---------------------------------------------------------------------------------------------
# data

@dataclass
class Doc:
    key: str
    topic: str
    lang: str
    text: str
    tok_spans: dict[tuple[int, int], tuple[int, int]]  # (sentence, token) -> (start, end) in text


@dataclass
class GoldMention:
    doc: str
    start: int
    end: int
    text: str
    chain: str  # topic-scoped gold chain


def _read_conll(path: Path, key_prefix: str) -> dict[str, list[tuple[int, int, str, str]]]:
    """doc key -> rows (sentence, token, word, coref column)."""
    docs: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 4:
                continue
            coref = parts[4] if len(parts) > 4 else "-"
            docs[key_prefix + parts[0]].append((int(parts[1]), int(parts[2]), parts[3], coref))
    return docs


def _build_doc(key: str, topic: str, lang: str, rows: list[tuple[int, int, str, str]]) -> Doc:
    """Detokenise naively (single spaces, one line per sentence) and keep token offsets."""
    parts: list[str] = []
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    pos, last_sent = 0, None
    for sent, tok, word, _ in rows:
        if last_sent is not None:
            sep = "\n" if sent != last_sent else " "
            parts.append(sep)
            pos += 1
        word = word.replace("\n", " ") or "_"
        spans[(sent, tok)] = (pos, pos + len(word))
        parts.append(word)
        pos += len(word)
        last_sent = sent
    return Doc(key, topic, lang, "".join(parts), spans)


def load_meantime(langs: Iterable[str]) -> tuple[dict[str, Doc], list[GoldMention]]:
    """MEANTIME entity mentions; chains keyed by the CROMER instance id (prefix-free) within the topic."""
    docs: dict[str, Doc] = {}
    mentions: list[GoldMention] = []
    for lang in langs:
        base = DATA / "meantime" / lang
        if not (base / "entities_mentions.json").exists():
            raise Skip(f"MEANTIME {lang} not found under {base}")
        conll = _read_conll(base / "meantime.conll", f"{lang}:")
        items = json.loads((base / "entities_mentions.json").read_text(encoding="utf-8"))
        for it in items:
            key = f"{lang}:{it['conll_doc_key']}"
            if key not in docs:
                docs[key] = _build_doc(key, it["topic"], lang, conll[key])
            doc = docs[key]
            toks = [doc.tok_spans.get((it["sent_id"], t)) for t in it["tokens_number"]]
            if not toks or any(t is None for t in toks):
                continue
            s, e = toks[0][0], toks[-1][1]  # type: ignore[index]
            inst = re.sub(r"^(cross_intra_|cross_|intra_)", "", it["coref_chain"])
            mentions.append(GoldMention(key, s, e, doc.text[s:e], f"{it['topic']}/{inst}"))
    return docs, mentions


def load_newswcl50() -> tuple[dict[str, Doc], list[GoldMention]]:
    """NewsWCL50 entity chains (actors, countries, groups, objects) from the CoNLL file."""
    path = DATA / "newswcl50" / "NewsWCL50.conll"
    if not path.exists():
        raise Skip(f"NewsWCL50 not found at {path}")
    docs: dict[str, Doc] = {}
    mentions: list[GoldMention] = []
    for key, rows in _read_conll(path, "en:").items():
        topic = key.split(":", 1)[1].split("/")[0]
        doc = docs[key] = _build_doc(key, topic, "en", rows)
        open_at: dict[str, list[int]] = defaultdict(list)
        for sent, tok, _, col in rows:
            s, e = doc.tok_spans[(sent, tok)]
            for lab in (x.strip() for x in col.split("|")):
                if not lab or lab == "-":
                    continue
                name = lab.strip("()")
                if lab.startswith("("):
                    open_at[name].append(s)
                if lab.endswith(")") and open_at[name]:
                    start = open_at[name].pop()
                    if name.rsplit("_", 1)[-1] in _NEWSWCL_ENTITY:
                        mentions.append(GoldMention(key, start, e, doc.text[start:e], f"{topic}/{name}"))
    return docs, mentions


# ---------------------------------------------------------------------------------------------
# systems

def _exact_key(text: str) -> str:
    return re.sub(r"\s+", " ", normalise(text)).strip()


def cluster_exact(docs: dict[str, Doc], mentions: list[GoldMention]) -> list[str]:
    return [f"{docs[m.doc].topic}/x:{_exact_key(m.text)}" for m in mentions]


def cluster_factdiff(docs: dict[str, Doc], mentions: list[GoldMention]) -> list[str]:
    """Our extractor + resolver per topic; uncovered mentions (common nouns, pronouns) use the exact rule."""
    by_doc: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        by_doc[m.doc].append(i)
    labels = cluster_exact(docs, mentions)
    per_topic: dict[str, list[tuple[int, NameMention]]] = defaultdict(list)
    for key, idxs in by_doc.items():
        doc = docs[key]
        sdoc = load_model(doc.lang)(doc.text)
        ours = extract_mentions(key, doc.text, sdoc, doc.lang, known=None)
        for i in idxs:
            m = mentions[i]
            if normalise(m.text) in _PRONOUNS:
                continue
            span = sdoc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                per_topic[doc.topic].append((i, NameMention(m.doc, m.start, m.end, m.text, "NOM")))
                continue
            if sdoc.has_annotation("DEP"):
                head = span.root
            else:  # no parser (es, it, nl): the first capitalised word ("la flota de Aer Lingus" -> none)
                head = next((t for t in span[:3] if t.text[:1].isupper()), span[0])
                if not head.text[:1].isupper():
                    per_topic[doc.topic].append((i, NameMention(m.doc, m.start, m.end, m.text, "NOM")))
                    continue
            h0, h1 = head.idx, head.idx + len(head.text)
            hit = [c for c in ours if c.start < h1 and h0 < c.end and m.start <= c.start and c.end <= m.end]
            if hit:
                c = max(hit, key=lambda x: x.end - x.start)
                nm = NameMention(c.doc, c.start, c.end, c.text, c.label, c.sent, c.role, c.nat)
            else:  # a common-noun phrase: only its exact string (or acronym/surname rules) can link it
                nm = NameMention(m.doc, m.start, m.end, m.text, "NOM")
            per_topic[doc.topic].append((i, nm))
    for topic, items in per_topic.items():
        res = resolve([nm for _, nm in items])
        for (i, _), lab in zip(items, res, strict=True):
            if lab >= 0:
                labels[i] = f"{topic}/r:{lab}"
    return labels


# ---------------------------------------------------------------------------------------------
# metrics

def _clusters(labels: list[str]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    for i, lab in enumerate(labels):
        out[lab].add(i)
    return out


def _prf(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def b_cubed(gold: list[str], key: list[str]) -> tuple[float, float, float]:
    g, k = _clusters(gold), _clusters(key)
    p = r = 0.0
    for i in range(len(gold)):
        inter = len(g[gold[i]] & k[key[i]])
        p += inter / len(k[key[i]])
        r += inter / len(g[gold[i]])
    n = len(gold) or 1
    return p / n, r / n, _prf(p / n, r / n)


def muc(gold: list[str], key: list[str]) -> tuple[float, float, float]:
    def score(a: list[str], b: list[str]) -> float:
        num = den = 0
        for members in _clusters(a).values():
            num += len(members) - len({b[i] for i in members})
            den += len(members) - 1
        return num / den if den else 0.0
    r, p = score(gold, key), score(key, gold)
    return p, r, _prf(p, r)


def ceaf_e(gold: list[str], key: list[str]) -> tuple[float, float, float]:
    """Entity-based CEAF with phi4 similarity and an optimal (Hungarian) alignment."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]

    g, k = list(_clusters(gold).values()), list(_clusters(key).values())
    index: dict[int, int] = {}
    for j, kc in enumerate(k):
        for i in kc:
            index[i] = j
    sim = np.zeros((len(g), len(k)))
    for a, gc in enumerate(g):
        for i in gc:
            b = index[i]
            if sim[a, b] == 0:
                sim[a, b] = 2 * len(gc & k[b]) / (len(gc) + len(k[b]))
    rows, cols = linear_sum_assignment(-sim)
    total = float(sim[rows, cols].sum())
    p, r = total / len(k), total / len(g)
    return p, r, _prf(p, r)


def scores(gold: list[str], key: list[str]) -> dict[str, float]:
    bp, br, bf = b_cubed(gold, key)
    _, _, mf = muc(gold, key)
    try:
        _, _, cf = ceaf_e(gold, key)
    except ImportError:  # scipy absent: CEAF-e and CoNLL not reported
        cf = float("nan")
    return {"B3 P": bp, "B3 R": br, "B3 F1": bf, "MUC F1": mf, "CEAF-e F1": cf,
            "CoNLL F1": (mf + bf + cf) / 3}


def _is_name(text: str) -> bool:
    t = re.sub(r"^(?:the|a|an|el|la|los|las|un|una|il|lo|gli|le|de|het|een)\s+", "", text.strip(), flags=re.I)
    return t[:1].isupper() and normalise(t) not in _PRONOUNS


# ---------------------------------------------------------------------------------------------
# runner

def _subsample(
    docs: dict[str, Doc], mentions: list[GoldMention], per_topic: int
) -> tuple[dict[str, Doc], list[GoldMention]]:
    """Keep ``per_topic`` stories per topic (all languages of a kept story), deterministically."""
    rng = random.Random(SEED)
    stories: dict[str, set[str]] = defaultdict(set)
    for d in docs.values():
        stories[d.topic].add(d.key.split(":", 1)[1])
    keep: set[str] = set()
    for topic in sorted(stories):
        names = sorted(stories[topic])
        keep |= set(rng.sample(names, min(per_topic, len(names))))
    kept = {k: d for k, d in docs.items() if k.split(":", 1)[1] in keep}
    return kept, [m for m in mentions if m.doc in kept]


def run(quick: bool = False) -> list[dict[str, Any]]:
    """One row per data set x subset x system."""
    sets: list[tuple[str, Callable[[], tuple[dict[str, Doc], list[GoldMention]]]]] = [
        ("NewsWCL50", load_newswcl50),
        ("MEANTIME en", lambda: load_meantime(["en"])),
        ("MEANTIME en+es", lambda: load_meantime(["en", "es"])),
    ]
    rows: list[dict[str, Any]] = []
    missing: list[str] = []
    for name, loader in sets:
        try:
            docs, mentions = loader()
        except Skip as exc:
            missing.append(str(exc))
            continue
        if quick:
            docs, mentions = _subsample(docs, mentions, 1 if name == "NewsWCL50" else 5)
            if name == "NewsWCL50":  # one article of each of the first four events keeps it fast
                keep = {k for k in sorted(docs) if int(docs[k].topic) < 4}
                docs = {k: d for k, d in docs.items() if k in keep}
                mentions = [m for m in mentions if m.doc in keep]
        gold = [m.chain for m in mentions]
        t0 = time.perf_counter()
        systems = {"exact": cluster_exact(docs, mentions)}
        t1 = time.perf_counter()
        systems["factdiff"] = cluster_factdiff(docs, mentions)
        t2 = time.perf_counter()
        secs = {"exact": t1 - t0, "factdiff": t2 - t1}
        names_only = [i for i, m in enumerate(mentions) if _is_name(m.text)]
        for subset, idx in (("all", list(range(len(mentions)))), ("names", names_only)):
            g = [gold[i] for i in idx]
            for system, labels in systems.items():
                row: dict[str, Any] = {"dataset": name, "mentions": subset, "n": len(idx),
                                       "gold chains": len(set(g)), "system": system}
                row.update({k: round(v, 3) for k, v in scores(g, [labels[i] for i in idx]).items()})
                row["seconds"] = round(secs[system], 2)
                rows.append(row)
    if not rows and missing:
        raise Skip("; ".join(missing))
    return rows


def _print_table(rows: list[dict[str, Any]]) -> None:
    if not rows:
        print("no data")
        return
    cols = list(rows[0])
    width = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in cols}
    print(" | ".join(c.ljust(width[c]) for c in cols))
    print("-|-".join("-" * width[c] for c in cols))
    for r in rows:
        print(" | ".join(str(r.get(c, "")).ljust(width[c]) for c in cols))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small deterministic subsample (< 60 s)")
    args = ap.parse_args()
    start = time.perf_counter()
    try:
        rows = run(args.quick)
    except Skip as exc:
        print(f"coref benchmark skipped: {exc}")
        return
    _print_table(rows)
    print(f"\n{time.perf_counter() - start:.1f} s{' (quick)' if args.quick else ''}")


if __name__ == "__main__":
    main()
