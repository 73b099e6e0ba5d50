"""Patient-Specific Functional Scale (PSFS).

The person names up to five activities they find hard because of their problem and rates
each from 0 ("unable to perform the activity") to 10 ("able to perform the activity at the
same level as before the injury or problem"). The score is the mean of the activity
ratings (Stratford P, Gill C, Westaway M, Binkley J. Assessing disability and change on
individual patients: a report of a patient specific measure. Physiotherapy Canada
1995;47(4):258-263). The same activities are re-rated at later visits, so change is read
activity by activity as well as in the mean. No LOINC code for the PSFS was found, so FHIR
exports code it as text only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hipnav.bad_input import BadInput, every
from hipnav.json_input import check_text

MAX_ACTIVITIES = 5
ANCHORS = {0: "unable to perform the activity",
           10: "able to perform the activity at the same level as before the problem"}


@dataclass(frozen=True)
class PsfsActivity:
    activity: str
    score: float

    def to_json(self) -> dict[str, object]:
        return {"activity": self.activity, "score": self.score}


def parse_activities(raw: Sequence[object], field: str = "psfs") -> list[PsfsActivity]:
    """Validate ``[{"activity": str, "score": 0..10}, ...]`` (one to five activities)."""
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise BadInput(field, "must be a list of {activity, score}")
    if not 1 <= len(raw) <= MAX_ACTIVITIES:
        raise BadInput(field, f"needs 1 to {MAX_ACTIVITIES} activities, got {len(raw)}")
    out: list[PsfsActivity] = []
    refused: list[BadInput] = []
    for i, item in enumerate(raw):  # every activity is checked, so a form can mark each one
        try:
            out.append(_activity(item, f"{field}[{i}]"))
        except BadInput as exc:
            refused.append(exc)
    if refused:
        raise every(refused)
    return out


def _activity(item: object, where: str) -> PsfsActivity:
    if not isinstance(item, dict):
        raise BadInput(where, "must be an object with 'activity' and 'score'")
    refused = []
    name = item.get("activity")
    if not isinstance(name, str) or not name.strip() or len(name) > 120:
        refused.append(BadInput(f"{where}.activity", "must be a short description (1-120 characters)"))
    else:
        try:
            check_text(name, f"{where}.activity")
        except BadInput as exc:
            refused.append(exc)
    score = item.get("score")
    if score is None:
        refused.append(BadInput(f"{where}.score", "needs a rating from 0 to 10"))
    elif isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 10:
        got = f"{score:g}" if isinstance(score, int | float) and not isinstance(score, bool) else repr(score)
        refused.append(BadInput(f"{where}.score", f"must be a number from 0 to 10, got {got}"))
    if refused:
        raise every(refused)
    assert isinstance(name, str) and isinstance(score, int | float)
    return PsfsActivity(name.strip(), float(score))


def score_psfs(activities: Sequence[PsfsActivity]) -> float:
    """The PSFS score: the mean of the activity ratings (0-10, higher is better)."""
    if not activities:
        raise BadInput("psfs", "needs at least one activity")
    return sum(a.score for a in activities) / len(activities)
