"""How often compare raises a flag on reports that tell the same story (BASIL triples).

BASIL's three outlets report one event each; they differ in framing far more than in facts,
so every contradiction or tension on them is a place a reader will look. No gold marks which
flags are right, so this is a false-alarm budget to watch, not an accuracy: each flag is listed
in the doc for a person to judge.

    python -m bench alarms        # 12 triples; --quick: 3
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from bench.basil import _paragraphs
from bench.common import Table
from bench.speed import basil_triples
from factdiff.doc import Document

TRIPLES, QUICK_TRIPLES = 12, 3


def _documents(triple: list[str]) -> list[Document]:
    docs = []
    for path in triple:
        d = json.loads(Path(path).read_text(encoding="utf-8"))
        docs.append(Document(id=Path(path).stem.rsplit("_", 1)[1], source=path, title=str(d.get("title", "")),
                             text="\n\n".join(_paragraphs(d.get("body-paragraphs"))), language="en"))
    return docs


def tables(quick: bool = False) -> list[Table]:
    from factdiff import compare

    triples = basil_triples()[: QUICK_TRIPLES if quick else TRIPLES]
    kinds: Counter[str] = Counter()
    listed: list[str] = []
    claims = agreements = 0
    for triple in triples:
        report = compare(_documents(triple))
        claims += report.stats["claims"]
        agreements += len(report.agreements)
        for rel in report.contradictions + report.tensions:
            kinds[f"{rel.verdict.label} / {rel.verdict.kind}"] += 1
            event = Path(triple[0]).stem.rsplit("_", 1)[0][:8]
            listed.append(f"{event} {rel.verdict.label} ({rel.verdict.kind}): \"{rel.a.text[:90]}\" / "
                          f"\"{rel.b.text[:90]}\" ({rel.verdict.explanation[:60]})")
    n = len(triples)
    rows = [[k, v, round(v / n, 2)] for k, v in sorted(kinds.items())]
    rows.append(["all flags", sum(kinds.values()), round(sum(kinds.values()) / n, 2)])
    rows.append(["agreements (for scale)", agreements, round(agreements / n, 2)])
    rows.append(["claims (for scale)", claims, round(claims / n, 2)])
    notes = [f"{n} BASIL triples (3 outlets, one event), drawn with the suite's seed; no gold: the flags are "
             "listed below for a reader to judge."] + [f"flag: {line}" for line in listed]
    cmd = "python -m bench alarms" + (" --quick" if quick else "")
    return [Table("Flags on same-event reports (BASIL)", cmd, ["label / kind", "count", "per triple"], rows, notes)]


if __name__ == "__main__":
    for t in tables():
        for r in t.rows:
            print(r)
        print("\n".join(t.notes))
