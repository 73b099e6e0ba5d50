"""A readable terminal report of a result: urgency first, then the ranked causes with
probability bars, the reasons for and against each, and the sources behind every number.

A person reads each reason in words, what they said and which way it points ("Pain in the
groin: you said yes — points to this cause"), as on the web result page and with the same
wording (:func:`hipnav.describe.said`, :attr:`hipnav.result.Reason.strength`); likelihood
ratios and evidence grades are for a clinician (``--clinician``)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from hipnav.describe import said
from hipnav.engine import Question
from hipnav.knowledge.model import KnowledgeBase
from hipnav.result import Reason, Result

BAR_WIDTH = 24
#: Causes shown unless asked otherwise (``hipnav assess --top``).
CAUSES = 6
#: Reasons shown for each cause (the strongest counted ones).
REASONS = 6


def _bar(p: float) -> str:
    filled = round(p * BAR_WIDTH)
    return "█" * filled + "·" * (BAR_WIDTH - filled)


#: The urgency line while safety questions are open and nothing else calls for care.
NOT_CHECKED = ("NOT CHECKED: some warning signs were not asked about, so we cannot say it is safe to look "
               "after it yourself. If any of these applies to you, or you are not sure, see a doctor or a "
               "physiotherapist:")


def _reason(r: Reason, kb: KnowledgeBase, clinician: bool) -> str:
    """One reason: for a clinician the finding as recorded, its likelihood ratio and source;
    for a person what they said and, in words, which way it points (its source's tag, if
    published, listed under Sources)."""
    sign = "+" if r.direction == "for" else "-"
    if clinician:
        label = r.source.label if r.source else ""
        return f"      {sign} {r.text}  (LR {r.lr:.2g}; {label})"
    tag = f" [{r.source.reference}]" if r.source and r.source.reference else ""
    return f"      {sign} {said(r, kb)} — {r.strength} this cause{tag}"


def render(result: Result, kb: KnowledgeBase, next_question: Question | None = None, width: int = 88,
           unchecked: Sequence[str] = (), lowest: str = "self_care", clinician: bool = False) -> str:
    """The report of ``result`` (its explained causes are the ones shown), and the question
    that would help most next. ``unchecked`` names the safety questions that could not be
    checked: at the ``lowest`` urgency they replace its verdict (never "safe" unasked).
    ``clinician``: the reasons with their likelihood ratios and evidence grades."""
    lines: list[str] = []
    title = f"hipnav assessment{f' of {result.id}' if result.id else ''}"
    lines += [title, "=" * len(title), ""]
    if unchecked and result.urgency == lowest:
        lines += textwrap.wrap(NOT_CHECKED, width)
        lines += [f"  - {text}" for text in unchecked]
    else:
        lines.append(f"URGENCY: {result.urgency.replace('_', ' ').upper()}: {result.urgency_means}")
    for flag in result.red_flags:
        lines += textwrap.wrap(f"RED FLAG ({flag.urgency.replace('_', ' ')}): {flag.message}",
                               width, initial_indent="  ! ", subsequent_indent="    ")
    if result.must_rule_out:
        lines += ["", "RULE OUT NOW (serious, less likely than the causes below):"]
        for ro in result.must_rule_out:
            name = ro.plain_name or ro.condition
            lines += textwrap.wrap(f"{name} ({ro.p:.1%}): {ro.why}", width,
                                   initial_indent="  ! ", subsequent_indent="    ")
    lines += ["", "Likely causes (each condition's own probability; several can be present):", ""]
    sources: dict[str, str] = {}
    for rank, cause in enumerate(result.explanations or (), start=1):
        p = cause.p
        lines.append(f"{rank:>2}. {cause.plain_name:<44} {_bar(p)} {p:6.1%}")
        for r in [r for r in cause.reasons if r.counted][:REASONS]:
            lines.append(_reason(r, kb, clinician))
            if r.source and r.source.reference and r.source.citation:
                sources[r.source.reference] = r.source.citation
    if next_question is not None:
        lines += ["", f"Question that would help most next: {next_question.text}"]
    if sources:
        lines += ["", "Sources:"]
        for ref_id, citation in sorted(sources.items()):
            lines += textwrap.wrap(f"[{ref_id}] {citation}", width, initial_indent="  ",
                                   subsequent_indent="    ")
    lines += ["", *textwrap.wrap(result.disclaimer or "", width)]
    return "\n".join(lines)
