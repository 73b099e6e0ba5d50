"""A readable terminal report of an assessment: urgency first, then the ranked causes with
probability bars, the reasons for and against each, and the sources behind every number."""

from __future__ import annotations

import textwrap

from hipnav.assessment import DISCLAIMER, Assessment
from hipnav.describe import describe_contribution, source_label

BAR_WIDTH = 24


def _bar(p: float) -> str:
    filled = round(p * BAR_WIDTH)
    return "█" * filled + "·" * (BAR_WIDTH - filled)


def render(result: Assessment, top: int = 6, width: int = 88) -> str:
    kb = result.model.kb
    lines: list[str] = []
    title = f"hipnav assessment{f' of {result.case.id}' if result.case.id else ''}"
    lines += [title, "=" * len(title), ""]
    u = result.urgency
    lines.append(f"URGENCY: {u.level.replace('_', ' ').upper()}: {u.means}")
    for flag in result.red_flags:
        lines += textwrap.wrap(f"RED FLAG ({flag.urgency.replace('_', ' ')}): {flag.message}",
                               width, initial_indent="  ! ", subsequent_indent="    ")
    lines += ["", "Likely causes (each condition's own probability; several can be present):", ""]
    sources: dict[str, str] = {}
    for rank, d in enumerate(result.differential[:top], start=1):
        lines.append(f"{rank:>2}. {d.plain_name:<44} {_bar(d.probability)} {d.probability:6.1%}")
        expl = result.explain(d.condition)
        for c in expl.counted[:6]:
            sign = "+" if c.log_lr > 0 else "-"
            ref = source_label(kb, c)
            lines.append(f"      {sign} {describe_contribution(kb, c)}  (LR {c.lr:.2g}; {ref})")
            if c.provenance and c.provenance.source:
                sources[c.provenance.source] = kb.references[c.provenance.source].citation()
    nq = result.next_question()
    if nq is not None:
        lines += ["", f"Question that would help most next: {nq.text}"]
    if sources:
        lines += ["", "Sources:"]
        for ref_id, citation in sorted(sources.items()):
            lines += textwrap.wrap(f"[{ref_id}] {citation}", width, initial_indent="  ",
                                   subsequent_indent="    ")
    lines += ["", *textwrap.wrap(DISCLAIMER, width)]
    return "\n".join(lines)
