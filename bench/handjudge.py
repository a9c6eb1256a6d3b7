"""Hand-judged precision of factdiff's printed verdicts (issue 8).

Sets, chosen without looking at the output: 8 BASIL triples (every 12th event in sorted
triplet-uuid order) and the 4 most similar cross-lingual SemEval-2022 Task 8 pairs (lowest gold
Overall, ties by pair_id). ``factdiff.compare`` runs once per set with the default config. Items:
every printed contradiction and tension, plus 60 printed agreements (all agreements of the 12 sets
sorted by a sha1 of both texts, first 60). An item's key is the first 12 hex of
sha1(label, text a, text b), so a judgement stays attached to its pair across runs.

    python bench/handjudge.py --list      # writes out/handjudge-items.jsonl for the judge to read
    python bench/handjudge.py             # reads bench/handjudge.json, writes docs/EVALUATION-handjudged.md

``--items FILE`` reuses a listed items file instead of running the pipeline again. Items
without a judgement (another config may print other pairs) are shown as "not judged" and counted
apart; judgements whose item is no longer printed are counted in a note.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(ROOT))

from bench.basil import ARTICLES, _paragraphs  # noqa: E402
from bench.common import DATA, Skip  # noqa: E402
from factdiff.doc import Document  # noqa: E402

PAIRS = DATA / "semeval_t8" / "pairs.jsonl"
JUDGEMENTS = ROOT / "bench" / "handjudge.json"
ITEMS = ROOT / "out" / "handjudge-items.jsonl"
DOC = ROOT / "docs" / "EVALUATION-handjudged.md"
BASIL_EVERY = 12
BASIL_SETS = 8
SEMEVAL_SETS = 4
AGREEMENT_SAMPLE = 60
EXCERPT = 120
GOAL_AGREE = 0.85
GOAL_DISAGREE = 0.75


def sha1(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def item_key(label: str, text_a: str, text_b: str) -> str:
    return sha1(label, text_a, text_b)[:12]


def basil_sets() -> list[tuple[str, list[Document]]]:
    """Every BASIL_EVERY-th event (sorted by triplet-uuid), its articles in outlet order."""
    if not ARTICLES.exists():
        raise Skip(f"{ARTICLES} not found")
    events: dict[str, list[Path]] = {}
    for path in sorted(ARTICLES.glob("*/*.json")):
        events.setdefault(path.stem.rsplit("_", 1)[0], []).append(path)
    chosen = sorted(events)[::BASIL_EVERY][:BASIL_SETS]
    out = []
    for event in chosen:
        docs = []
        for path in sorted(events[event]):
            d = json.loads(path.read_text(encoding="utf-8"))
            text = "\n\n".join(_paragraphs(d.get("body-paragraphs")))
            docs.append(Document(id=path.stem.rsplit("_", 1)[1] + "-" + str(d.get("source", "")).lower(),
                                 source=str(path), text=text, title=str(d.get("title", "")), language="en"))
        out.append((f"basil:{event[:8]}", docs))
    return out


def semeval_sets() -> list[tuple[str, list[Document]]]:
    """The SEMEVAL_SETS cross-lingual pairs with the lowest gold Overall (most similar), ties by pair_id."""
    if not PAIRS.exists():
        raise Skip(f"{PAIRS} not found")
    rows = [json.loads(line) for line in PAIRS.open(encoding="utf-8") if line.strip()]
    rows = [r for r in rows if r["lang1"] != r["lang2"]]
    rows.sort(key=lambda r: (float(r["Overall"]), str(r["pair_id"])))
    out = []
    for r in rows[:SEMEVAL_SETS]:
        ids = str(r["pair_id"]).split("_")
        docs = [
            Document(id=f"{ids[0]}-{r['lang1']}", source=ids[0], text=r["text1"] or "", title=r["title1"] or "",
                     language=r["lang1"]),
            Document(id=f"{ids[1]}-{r['lang2']}", source=ids[1], text=r["text2"] or "", title=r["title2"] or "",
                     language=r["lang2"]),
        ]
        out.append((f"semeval:{r['pair_id']}({r['lang1']}-{r['lang2']})", docs))
    return out


def run_pipeline() -> list[dict[str, Any]]:
    """Every printed relation of the 12 sets, one compare per set."""
    from factdiff import compare

    rows: list[dict[str, Any]] = []
    for name, docs in basil_sets() + semeval_sets():
        start = time.perf_counter()
        report = compare(docs)
        rels = report.relations
        print(f"{name}: {len(rels)} relations ({len(report.contradictions)} contradict, "
              f"{len(report.tensions)} tension, {len(report.agreements)} agree) "
              f"in {time.perf_counter() - start:.1f}s", file=sys.stderr)
        for r in rels:
            rows.append({
                "key": item_key(r.verdict.label, r.a.text, r.b.text),
                "set": name,
                "label": r.verdict.label,
                "kind": r.verdict.kind,
                "decided_by": r.verdict.source,
                "explanation": r.verdict.explanation,
                "doc_a": r.a.doc,
                "doc_b": r.b.doc,
                "text_a": r.a.text,
                "text_b": r.b.text,
            })
    return rows


def select_items(relations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every contradiction and tension, and the first AGREEMENT_SAMPLE agreements by sha1 of both texts."""
    seen: set[str] = set()
    unique = []
    for r in relations:
        if r["key"] not in seen:
            seen.add(r["key"])
            unique.append(r)
    disagreements = [r for r in unique if r["label"] in ("contradict", "tension")]
    agreements = sorted((r for r in unique if r["label"] == "agree"), key=lambda r: sha1(r["text_a"], r["text_b"]))
    return disagreements + agreements[:AGREEMENT_SAMPLE]


def read_items(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_items(items: list[dict[str, Any]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for it in items:
            f.write(json.dumps(it, ensure_ascii=False) + "\n")


def load_judgements(path: Path) -> dict[str, dict[str, Any]]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise Skip(f"{path}: not valid JSON ({exc})") from exc
    return {str(k): v for k, v in data.items() if isinstance(v, dict) and isinstance(v.get("right"), bool)}


def short(text: str, n: int = EXCERPT) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= n else text[: n - 1] + "…"


def precision_line(name: str, items: list[dict[str, Any]], judged: dict[str, dict[str, Any]], goal: float) -> str:
    marks = [judged[it["key"]]["right"] for it in items if it["key"] in judged]
    right, total, unjudged = sum(marks), len(marks), len(items) - len(marks)
    value = f"{right / total:.1%}" if total else "n/a"
    verdict = "met" if total and right / total >= goal else "missed"
    tail = f"; {unjudged} not judged" if unjudged else ""
    return f"- {name}: **{right}/{total} right = {value}** (goal ≥ {goal:.0%}: {verdict}){tail}"


def band_lines(items: list[dict[str, Any]], judged: dict[str, dict[str, Any]]) -> list[str]:
    """Judged agreements per band of the printed ``p=`` (where the explanation gives one)."""
    lines = []
    for lo, hi in ((0.0, 0.5), (0.5, 0.9), (0.9, 1.01)):
        marks = []
        for it in items:
            m = re.search(r"p=([0-9.]+)", it["explanation"])
            if m and it["key"] in judged and lo <= float(m.group(1)) < hi:
                marks.append(judged[it["key"]]["right"])
        if marks:
            close = "]" if hi > 1 else ")"
            lines.append(f"- p in [{lo:.1f}, {min(hi, 1.0):.1f}{close}: {sum(marks)}/{len(marks)} right")
    return lines


def table(items: list[dict[str, Any]], judged: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "| # | key | set | label / kind | explanation | judged | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for i, it in enumerate(items, 1):
        j = judged.get(it["key"])
        mark = "not judged" if j is None else ("right" if j["right"] else "**wrong**")
        note = short(j.get("note", ""), 200) if j else ""
        lines.append(
            f"| {i} | `{it['key']}` | {short(it['set'], 40)} | {it['label']} / {it['kind']} | "
            f"{short(it['explanation'], 160)} | {mark} | {note} |"
        )
    return lines


def render(items: list[dict[str, Any]], judged: dict[str, dict[str, Any]], source: str) -> str:
    agree = [it for it in items if it["label"] == "agree"]
    disagree = [it for it in items if it["label"] != "agree"]
    stale = len(set(judged) - {it["key"] for it in items})
    sets = sorted({it["set"] for it in items})
    out = [
        "# Hand-judged precision of printed verdicts (issue 8)",
        "",
        "Generated by `python bench/handjudge.py` from the judgements in `bench/handjudge.json`; "
        f"items from {source}. Do not edit by hand.",
        "",
        f"Sets: {BASIL_SETS} BASIL triples (every {BASIL_EVERY}th event in sorted triplet-uuid order) and the "
        f"{SEMEVAL_SETS} cross-lingual SemEval-2022 Task 8 pairs with the lowest gold Overall (ties by pair_id); "
        "`factdiff.compare` with the default config, once per set. Items: every printed contradiction and "
        f"tension, and {AGREEMENT_SAMPLE} printed agreements (all agreements sorted by sha1 of both texts, first "
        f"{AGREEMENT_SAMPLE}). Sets that printed items: {len(sets)}.",
        "",
        "An agreement is right when both claims report the same fact compatibly; a contradiction or tension is "
        "right when the two claims report the same fact incompatibly (contradiction) or in a strained way "
        "(tension). The claims themselves are not copied here (the articles are ../shared data): "
        "`python bench/handjudge.py --list` writes them, with the keys of this table, to out/handjudge-items.jsonl.",
        "",
        "## Precision",
        "",
        precision_line("Agreements", agree, judged, GOAL_AGREE),
        precision_line("Contradictions + tensions", disagree, judged, GOAL_DISAGREE),
    ]
    for label in ("contradict", "tension"):
        sub = [it for it in disagree if it["label"] == label]
        if sub:
            marks = [judged[it["key"]]["right"] for it in sub if it["key"] in judged]
            out.append(f"  - {label}: {sum(marks)}/{len(marks)} right")
    bands = band_lines(agree, judged)
    if bands:
        out += ["", "Agreements by the judge's printed same-fact probability (`p=` in the explanation):", "", *bands]
    if stale:
        out.append(f"- {stale} judgements in bench/handjudge.json belong to items this run did not print.")
    out += ["", "## Agreements", "", *table(agree, judged), "", "## Contradictions and tensions", "",
            *table(disagree, judged), ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--list", action="store_true", help=f"write the items to {ITEMS.relative_to(ROOT)}")
    ap.add_argument("--items", type=Path, help="reuse a listed items file instead of running the pipeline")
    ap.add_argument("--judgements", type=Path, default=JUDGEMENTS)
    ap.add_argument("--out", type=Path, default=DOC)
    args = ap.parse_args(argv)
    try:
        if args.items:
            if not args.items.exists():
                raise Skip(f"{args.items} not found")
            items, source = read_items(args.items), f"`{args.items.name}`"
        else:
            items, source = select_items(run_pipeline()), "a fresh run"
        if args.list:
            write_items(items, ITEMS)
            print(f"{len(items)} items written to {ITEMS}")
            return 0
        text = render(items, load_judgements(args.judgements), source)
    except Skip as exc:
        print(f"skipped: {exc}", file=sys.stderr)
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
