"""A readable terminal report of an assessment: urgency first, then the ranked causes with
probability bars, the reasons for and against each, and the sources behind every number."""

from __future__ import annotations

import textwrap

from hipnav.assessment import DISCLAIMER, Assessment
from hipnav.engine.explanation import Contribution
from hipnav.knowledge.model import KnowledgeBase

BAR_WIDTH = 24


def _bar(p: float) -> str:
    filled = round(p * BAR_WIDTH)
    return "█" * filled + "·" * (BAR_WIDTH - filled)


def describe_contribution(kb: KnowledgeBase, c: Contribution) -> str:
    if c.is_cluster:
        return f"{kb.clusters[c.finding].name}: {c.note}"
    f = kb.findings[c.finding]
    text = f.label or f.ask or f.means or f.id
    if f.type == "bool":
        return f"{text.rstrip('?')}: {'yes' if c.state == 'yes' else 'no'}"
    if f.type == "number":
        band = next(b for b in f.bands if b.id == c.state)
        return f"{f.means or f.ask or f.id}: {band.describe(f.unit or '')}".replace("?", "")
    return f"{f.means or f.id}: {c.state}"


def source_label(kb: KnowledgeBase, c: Contribution) -> str:
    prov = c.provenance
    if prov is None:
        return ""
    if prov.source:
        ref = kb.references[prov.source]
        first = ref.authors.split(",")[0].split(" ")[0]
        return f"{first} {ref.year}, grade {prov.grade}"
    return "expert estimate, grade D"


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
