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
    agree_p: float = 0.50  # an agreement is printed (best counterpart per article); see docs/EVALUATION.md
    # an agreement is printed from this probability when two judged claims give the same figure for the
    # same thing, or the same clock time, and no check finds a disagreement (judge.matching_values);
    # fitted with `python bench/dev_errors.py --sweep agree_values_p=...` (chosen leaving each case out)
    agree_values_p: float = 0.0
    # an agreement is printed from this probability when each claim is the other's closest candidate in the
    # other article (mutual best by same-fact probability); 1.0: off. Measured with `python bench/dev_errors.py
    # --sweep agree_mutual_p=0.15,0.2,0.25,0.3,0.35,0.4,0.5,1.0`: 0.35 gives 83 agreements (75 off) but 12 fewer
    # unique claims and one more agreement on a gold disagreement; chosen out of fold: off
    agree_mutual_p: float = 1.0
    contradict_p: float = 0.45  # a negation flip is a contradiction (below: a tension)
    top_k: int = 2  # counterparts per claim and article sent to the judge
    # claims that fill the same fact slot (a figure measuring the same thing, a clock time) are paired
    # mutual best by same-fact probability, whatever their wording (align.frame_pairs)
    frame_pairs: bool = True
    # claims that state the same figure for the same thing, or the same clock time, are judged whatever
    # their wording (align.value_pairs: mutual best per article pair among the claims sharing one)
    value_pairs: bool = True
    # claims that give close but different figures for the same thing (at most this many times each other)
    # are judged whatever their wording (align.near_pairs); 0: off. Fitted with
    # `python bench/dev_errors.py --sweep near_ratio=0,1.1,1.2,1.35,1.5` (chosen leaving each case out: 1.1 for
    # 15 of 16 cases)
    near_ratio: float = 1.1
    # the one claim of each article that gives a speed, a duration or a magnitude is paired with the other's
    # whatever their wording (align.sole_pairs): a story seldom measures two things of these kinds. Measured
    # with `python bench/dev_errors.py --set sole_pairs=False` (docs/EVALUATION.md); distances were left out
    # a priori (depths, heights, lengths: many in one story), and including them added a false contradiction
    sole_pairs: bool = True
    # sentence encoders of the same-fact model: "use" (fast), or "use+e5" (adds multilingual-e5-small:
    # better out-of-fold ranking on the dev cases, about 20-100 ms more per claim on one core)
    encoders: str = "use"
    # article similarity (factdiff.similarity, 0-1) under which a report warns that two articles may
    # not be about one event: below the lowest score of any same-event pair on the dev cases and BASIL
    same_event_similarity: float = 0.25
    # the model read in the NLI window of the judge (judge.NliPolicy): "head" (frozen-embedding head,
    # factdiff.nli) or "crossencoder" (factdiff.crossencoder, reads both claims together; slower)
    nli_model: str = "head"

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


DEFAULT = Config()
