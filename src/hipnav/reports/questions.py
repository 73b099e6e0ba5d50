"""Plain-language questions to take to the healthcare provider, from a result document.

Written for the person in pain, in their own voice, and only from what the result shows:
the warning signs that fired, the leading possibilities, the urgency, and the outcome
trend if one was tracked. They prompt a conversation; they suggest no diagnosis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

MIN_PROBABILITY = 0.10  # causes below this are not worth a question of their own
MAX_CAUSES = 3


def questions_for(doc: Mapping[str, Any], trend: Sequence[Mapping[str, Any]] = ()) -> list[str]:
    out: list[str] = []
    for flag in doc.get("red_flags", []):
        out.append(f"My answers raised a warning sign (\"{flag['message'].rstrip('.')}\"). "
                   "How soon do I need to be seen, and by whom?")
    causes = [c for c in doc.get("causes", []) if c["probability"] >= MIN_PROBABILITY][:MAX_CAUSES]
    for c in causes:
        out.append(f"Could my pain be {c['plain_name'].lower()}? What would confirm it or rule it out: "
                   "an examination, a test or a scan?")
    if len(causes) > 1:
        out.append("If more than one of these is possible, which should we look at first, and why?")
    urgency = doc.get("urgency")
    if urgency == "self_care":
        out.append("Is it safe for me to keep self-managing or working with my therapist, and how long "
                   "should I give it before I come back if it is not improving?")
    elif urgency in ("routine_medical", "urgent", "emergency"):
        out.append("What should happen next, and how quickly: an assessment, imaging, a referral?")
    nprs = [v["nprs"] for v in trend if v.get("nprs") is not None]
    if len(nprs) >= 2:
        change = "gone down" if nprs[-1] < nprs[0] else "gone up" if nprs[-1] > nprs[0] else "not changed"
        out.append(f"My pain score has {change} from {nprs[0]} to {nprs[-1]} out of 10 over my recent "
                   "visits. What does that mean for my plan?")
    out.append("What can I do myself in the meantime, and which activities should I ease off?")
    out.append("Which changes in my symptoms mean I should come back sooner or seek urgent care?")
    return out
