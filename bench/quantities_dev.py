"""How often the figure and date readers give the gold direction on the dev cases.

`python bench/quantities_dev.py [--sentence] [--verbose]`

For every conflict / tension of kind quantity, time or date, and for every agreement, in
``../shared/gold/dev/*/gold.json``, the figures (or dates and clock times) of the two gold
substrings are read with :func:`factdiff.quantities.extract_quantities` /
:func:`~factdiff.quantities.extract_dates` in the language of each article (from the case's
``about`` text, else detected on the whole article) and compared:

- conflict: right when the reader says "contradict";
- tension: right when it says "tension" or "contradict";
- agreement: right when it says "agree" or nothing (None): a reader must not invent a clash.

``--sentence`` reads the whole sentence around each substring instead of the substring alone.
A diagnostic, not a target: nothing in the readers is tuned to these items.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from factdiff.quantities import compare_dates, compare_quantities, extract_dates, extract_quantities  # noqa: E402

SHARED = Path(os.environ.get("FACTDIFF_SHARED", ROOT.parent / "shared"))
GOLD = SHARED / "gold" / "dev"
KINDS = {"quantity", "time", "date"}


def _languages(case: Path, gold: dict) -> dict[str, str]:
    """Language of each article: "languages: en, de, it" in ``about`` (A, B, C order), else detected."""
    docs = sorted(gold.get("documents", {}))
    found = re.search(r"languages?:?\s*([a-z]{2}(?:\s*[,+]\s*[a-z]{2})*)", gold.get("about", ""))
    if found:
        codes = [c.strip() for c in re.split(r"[,+]", found.group(1))]
        if len(codes) == len(docs):
            return dict(zip(docs, codes, strict=True))
    from factdiff.text import detect_language

    return {d: detect_language((case / gold["documents"][d]).read_text(encoding="utf-8")) for d in docs}


def _sentence(doc: str, sub: str) -> str:
    at = doc.find(sub)
    if at < 0:
        return sub
    start = max(doc.rfind(". ", 0, at), doc.rfind("\n", 0, at)) + 1
    ends = [e for e in (doc.find(". ", at + len(sub)), doc.find("\n", at + len(sub))) if e >= 0]
    return doc[start:(min(ends) + 1 if ends else len(doc))].strip()


def _verdict(kind: str | None, ta: str, la: str, tb: str, lb: str) -> tuple[str | None, str]:
    got_q = compare_quantities(extract_quantities(ta, la), extract_quantities(tb, lb))
    got_d = compare_dates(extract_dates(ta, la), extract_dates(tb, lb))
    if kind == "quantity":
        return (got_q[0], got_q[1]) if got_q else (None, "")
    if kind == "date":
        return (got_d[0], got_d[2]) if got_d else (None, "")
    if kind == "time":  # a clock time, or a delay after an event ("four minutes after take-off")
        if got_d:
            return got_d[0], got_d[2]
        return (got_q[0], got_q[1]) if got_q else (None, "")
    # agreements carry no kind: the strongest of both readers
    for got in (got_q, got_d[::2] if got_d else None):
        if got and got[0] in ("contradict", "tension"):
            return got[0], got[1]
    if got_q:
        return got_q[0], got_q[1]
    return (got_d[0], got_d[2]) if got_d else (None, "")


RIGHT = {"conflicts": {"contradict"}, "tensions": {"tension", "contradict"}, "agreements": {"agree", None}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentence", action="store_true", help="read the sentence around each gold substring")
    ap.add_argument("--verbose", action="store_true", help="print every item that misses")
    args = ap.parse_args(argv)
    if not GOLD.is_dir():
        print(f"skipped: {GOLD} is absent (../shared is not beside this checkout)")
        return 0
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    read: Counter[str] = Counter()
    for case in sorted(p for p in GOLD.iterdir() if (p / "gold.json").is_file()):
        gold = json.loads((case / "gold.json").read_text(encoding="utf-8"))
        langs = _languages(case, gold)
        texts = {d: (case / f).read_text(encoding="utf-8") for d, f in gold["documents"].items()}
        for section in ("conflicts", "tensions", "agreements"):
            for item in gold.get(section, []):
                kind = item.get("kind")
                if section != "agreements" and kind not in KINDS:
                    continue
                sides = [d for d in sorted(texts) if d in item]
                if len(sides) < 2:
                    continue
                da, db = sides[:2]
                ta, tb = item[da], item[db]
                if args.sentence:
                    ta, tb = _sentence(texts[da], ta), _sentence(texts[db], tb)
                label, why = _verdict(kind, ta, langs[da], tb, langs[db])
                key = f"{section}:{kind or '-'}"
                total[key] += 1
                read[key] += label is not None
                ok = label in RIGHT[section]
                right[key] += ok
                if args.verbose and not ok:
                    print(f"MISS {case.name} {key}: {label} ({why}) | {ta!r} [{langs[da]}] | {tb!r} [{langs[db]}]")
    print(f"{'items':<22}{'n':>5}{'read':>6}{'right':>7}{'share':>8}")
    for key in sorted(total):
        print(f"{key:<22}{total[key]:>5}{read[key]:>6}{right[key]:>7}{right[key] / total[key]:>8.2f}")
    n, r = sum(total.values()), sum(right.values())
    print(f"{'all':<22}{n:>5}{sum(read.values()):>6}{r:>7}{r / max(n, 1):>8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
