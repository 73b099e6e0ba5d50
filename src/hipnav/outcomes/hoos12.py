"""HOOS-12: the 12-item short form of the Hip disability and Osteoarthritis Outcome Score.

Items and scoring follow the instrument's developers: Gandek B, Roos EM, Franklin PD,
Ware JE Jr. Item selection for 12-item short forms of the Knee injury and Osteoarthritis
Outcome Score (KOOS-12) and Hip disability and Osteoarthritis Outcome Score (HOOS-12).
Osteoarthritis Cartilage 2019;27(5):746-753; and A 12-item short form of the HOOS (HOOS-12):
tests of reliability, validity and responsiveness. Osteoarthritis Cartilage
2019;27(5):754-761; scoring as published at koos.nu ("HOOS-12", free to use, no licence fee).

* Pain: how often the hip is painful (HOOS P1) and pain walking on a flat surface (P4),
  going up or down stairs (P5), sitting or lying (P7).
* Function: rising from sitting (A3), standing (A4), getting in/out of a car (A7), walking
  on an uneven surface (SP4).
* Quality of life: the four HOOS QOL items (Q1-Q4).

Each item is answered 0 (no problems) to 4 (extreme problems). A scale is scored by
summated ratings when at least half its items (2 of 4) are answered, a missing item taking
the person's own mean of the answered items in that scale, and transformed so that
0 is the worst and 100 the best possible: ``100 - mean * 25``. The Summary (hip impact)
score is the mean of the three scale scores; hipnav computes it only when all three exist,
so a summary never silently rests on two domains.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hipnav.bad_input import BadInput

FREQUENCY = ("Never", "Monthly", "Weekly", "Daily", "Always")
SEVERITY = ("None", "Mild", "Moderate", "Severe", "Extreme")


@dataclass(frozen=True)
class Item:
    id: str  # the HOOS-12 item id used by hipnav forms and storage
    hoos: str  # the item's number in the full HOOS
    scale: str  # pain, function or qol
    text: str
    answers: tuple[str, ...]  # labels for 0..4


PAIN_STEM = "What amount of hip pain have you experienced the last week during the following activities?"
FUNCTION_STEM = ("What degree of difficulty have you experienced in the last week due to your hip "
                 "when doing the following?")

ITEMS: tuple[Item, ...] = (
    Item("P1", "P1", "pain", "How often is your hip painful?", FREQUENCY),
    Item("P2", "P4", "pain", "Walking on a flat surface", SEVERITY),
    Item("P3", "P5", "pain", "Going up or down stairs", SEVERITY),
    Item("P4", "P7", "pain", "Sitting or lying", SEVERITY),
    Item("F1", "A3", "function", "Rising from sitting", SEVERITY),
    Item("F2", "A4", "function", "Standing", SEVERITY),
    Item("F3", "A7", "function", "Getting in/out of a car", SEVERITY),
    Item("F4", "SP4", "function", "Walking on an uneven surface", SEVERITY),
    Item("Q1", "Q1", "qol", "How often are you aware of your hip problem?",
         ("Never", "Monthly", "Weekly", "Daily", "Constantly")),
    Item("Q2", "Q2", "qol",
         "Have you modified your lifestyle to avoid activities potentially damaging to your hip?",
         ("Not at all", "Mildly", "Moderately", "Severely", "Totally")),
    Item("Q3", "Q3", "qol", "How much are you troubled with lack of confidence in your hip?",
         ("Not at all", "Mildly", "Moderately", "Severely", "Extremely")),
    Item("Q4", "Q4", "qol", "In general, how much difficulty do you have with your hip?", SEVERITY),
)
SCALES = ("pain", "function", "qol")
SCALE_NAMES = {"pain": "Pain", "function": "Function", "qol": "Quality of life"}
MIN_ANSWERED = 2  # at least half of a scale's four items


@dataclass(frozen=True)
class Hoos12Score:
    """Scale scores 0 (worst) to 100 (best); None where too few items were answered."""

    pain: float | None
    function: float | None
    qol: float | None
    summary: float | None

    def to_json(self) -> dict[str, float | None]:
        return {"pain": self.pain, "function": self.function, "qol": self.qol,
                "summary": self.summary}


def parse_answers(raw: Mapping[str, object], field: str = "hoos12") -> dict[str, int]:
    """Validate ``{item id: 0..4}``; unanswered items are left out (or given as None)."""
    if not isinstance(raw, Mapping):
        raise BadInput(field, "must be an object of item id to answer 0-4")
    known = {item.id for item in ITEMS}
    out: dict[str, int] = {}
    for key, value in raw.items():
        if key not in known:
            raise BadInput(f"{field}.{key}", "is not a HOOS-12 item")
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            raise BadInput(f"{field}.{key}", f"must be 0, 1, 2, 3 or 4, got {value!r}")
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            raise BadInput(f"{field}.{key}", "must be 0, 1, 2, 3 or 4") from None
        if not number.is_integer() or not 0 <= number <= 4:
            raise BadInput(f"{field}.{key}", f"must be 0, 1, 2, 3 or 4, got {value!r}")
        out[key] = int(number)
    return out


def _scale(answers: Mapping[str, int], scale: str) -> float | None:
    values = [answers[i.id] for i in ITEMS if i.scale == scale and i.id in answers]
    if len(values) < MIN_ANSWERED:
        return None
    mean = sum(values) / len(values)  # person-specific imputation of missing items
    return 100.0 - mean * 25.0  # = 100 - (imputed sum / 16) * 100


def score_hoos12(answers: Mapping[str, object]) -> Hoos12Score:
    """Score validated or raw answers (raw ones are validated first)."""
    parsed = parse_answers(answers)
    pain, function, qol = (_scale(parsed, s) for s in SCALES)
    summary = None
    if pain is not None and function is not None and qol is not None:
        summary = (pain + function + qol) / 3.0
    return Hoos12Score(pain, function, qol, summary)
