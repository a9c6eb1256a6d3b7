"""Every threshold and weight of the cross-check, in one place, recorded in each report's ``options``.

The same-fact probabilities come from the pair model in ``models/samefact.json`` (fitted by
``training/fit_samefact.py`` with cross-validation grouped by case). The thresholds below are
on that calibrated probability scale, so they read as "how likely the two claims report the same
fact"; ``python -m bench dev`` measures them out of fold.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Config:
    candidate_p: float = 0.10  # a claim pair reaches the judge (among each claim's top_k)
    related_p: float = 0.20  # numbers, dates, places and polarity compared (mutual best per kind)
    agree_p: float = 0.30  # an agreement is printed (best counterpart per article)
    contradict_p: float = 0.45  # a negation flip is a contradiction (below: a tension)
    top_k: int = 2  # counterparts per claim and article sent to the judge

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


DEFAULT = Config()
