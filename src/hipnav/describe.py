"""Plain words for the parts of an explanation: what a finding was, and where its number
comes from. Shared by every interface (terminal report, web pages, JSON API) so that a
reason reads the same wherever a person sees it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hipnav.engine.explanation import Contribution
from hipnav.knowledge.model import Finding, KnowledgeBase
from hipnav.knowledge.provenance import Provenance

if TYPE_CHECKING:
    from hipnav.result import Reason


def answer_word(finding: Finding, state: str) -> str:
    """A yes/no finding's answer as a clinician records it: an examination test or a lab
    result is positive or negative, a question is answered yes or no."""
    if finding.is_exam:
        return "positive" if state == "yes" else "negative"
    return "yes" if state == "yes" else "no"


def said(reason: Reason, kb: KnowledgeBase) -> str:
    """What a reason was, as a person reads it: "Pain in the groin: you said no" (a test:
    "FADIR test: negative"; a number or a rule as :func:`describe_contribution` words it).
    The web result and the terminal report both word a lay reader's reasons with it; which
    way a reason points is :attr:`hipnav.result.Reason.strength`."""
    finding = None if reason.is_rule else kb.findings.get(reason.finding)
    if finding is None or finding.type != "bool":
        return reason.text
    word = answer_word(finding, reason.state)
    return f"{finding.text.rstrip('?')}: {word if finding.is_exam else 'you said ' + word}"


def clinical_name(finding: Finding) -> str:
    """How a clinician names a finding when recording it ("Duration of symptoms (weeks)",
    "Tenderness over the lateral femoral epicondyle"), not as a question to the patient."""
    return finding.means or finding.label or finding.ask or finding.id


def describe_contribution(kb: KnowledgeBase, c: Contribution) -> str:
    """One line saying what was observed, e.g. "Does sitting bring on the pain: yes"."""
    if c.is_cluster:
        return f"{kb.clusters[c.finding].name}: {c.note}"
    f = kb.findings[c.finding]
    if f.type == "bool":
        return f"{f.text.rstrip('?')}: {answer_word(f, c.state)}"
    if f.type == "number":
        band = next(b for b in f.bands if b.id == c.state)
        return f"{f.text}: {band.describe(f.unit or '')}".replace("?", "")
    return f"{f.text}: {c.state}"


def source_label(kb: KnowledgeBase, c: Contribution) -> str:
    """Short source of a contribution's number: "Martin 2014, grade C" or an expert estimate."""
    return provenance_label(kb, c.provenance) if c.provenance is not None else ""


def provenance_label(kb: KnowledgeBase, prov: Provenance) -> str:
    """Short source of any figure (a prior, a likelihood ratio, a rule)."""
    if prov.source:
        ref = kb.references[prov.source]
        first = ref.authors.split(",")[0].split(" ")[0]
        return f"{first} {ref.when}, grade {prov.grade}"
    return "expert estimate, grade D"
