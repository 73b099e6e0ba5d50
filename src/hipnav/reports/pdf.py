"""The PDF summary of an assessment for the person's healthcare provider (ReportLab).

Built from a saved result document (:mod:`hipnav.reports.document`), never from today's
knowledge base, so it shows what was shown. Sections, in the order a busy clinician
reads them: who and when; how urgent and why (red flags); where it hurts (body map) and
what was reported; the ranked causes with the reasons and sources behind each number; the
outcome trend if visits were tracked; questions to ask; sources; and the disclaimer on
every page.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from hipnav.reports import body_map
from hipnav.reports.charts import body_map_drawing, probability_bar, trend_drawing
from hipnav.reports.fonts import Fonts, fonts
from hipnav.reports.questions import questions_for
from hipnav.reports.subject import ReportSubject

URGENCY_COLOURS = {"emergency": "#8b0000", "urgent": "#c9302c", "routine_medical": "#b86e00",
                   "self_care": "#2e7d32"}
TITLE = "Hip pain summary for your healthcare provider"


class _Styles:
    def __init__(self, f: Fonts) -> None:
        base = ParagraphStyle("base", fontName=f.regular, fontSize=9, leading=12)
        self.body = base
        self.small = ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5)
        self.title = ParagraphStyle("title", parent=base, fontName=f.bold, fontSize=16, leading=20,
                                    spaceAfter=4)
        self.h2 = ParagraphStyle("h2", parent=base, fontName=f.bold, fontSize=11.5, leading=15,
                                 spaceBefore=9, spaceAfter=4, textColor=colors.HexColor("#1f3b57"))
        self.bold = ParagraphStyle("bold", parent=base, fontName=f.bold)
        self.banner = ParagraphStyle("banner", parent=base, fontName=f.bold, fontSize=11, leading=14,
                                     textColor=colors.white)


def _p(text: str, style: ParagraphStyle, f: Fonts) -> Paragraph:
    return Paragraph(escape(f.text(text)), style)


def _when(iso: str | None) -> str:
    if not iso:
        return "-"
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%d %b %Y, %H:%M UTC")


def _who(case: Mapping[str, Any], subject: ReportSubject | None) -> list[list[str]]:
    rows: list[list[str]] = []
    if subject and subject.name:
        record = f" (record {subject.reference})" if subject.reference else ""
        rows.append(["Person", subject.name + record])
    else:
        rows.append(["Person", "Self-assessment (no name recorded)"])
    bits = []
    if case.get("age") is not None:
        bits.append(f"{case['age']:g} years")
    elif subject and subject.birth_year:
        bits.append(f"born {subject.birth_year}")
    sex = case.get("sex") or (subject.sex if subject else None)
    if sex:
        bits.append(str(sex))
    if bits:
        rows.append(["Age and sex", ", ".join(bits)])
    if subject and subject.practitioner:
        rows.append(["Prepared by", subject.practitioner])
    return rows


def render_pdf(case: Mapping[str, Any], doc: Mapping[str, Any], *, subject: ReportSubject | None = None,
               visits: Sequence[Mapping[str, Any]] = (), generated_at: datetime | None = None) -> bytes:
    """The report as PDF bytes."""
    f = fonts()
    st = _Styles(f)
    generated = generated_at or datetime.now(UTC)
    story: list[Any] = [_p(TITLE, st.title, f)]

    meta = _who(case, subject) + [
        ["Assessed", _when(doc.get("created_at"))],
        ["Report made", _when(generated.isoformat())],
        ["Knowledge base", f"hipnav {doc.get('knowledge_base_version', '?')}"
                           + (f", case {case['id']}" if case.get("id") else "")],
    ]
    story.append(_table([[_p(k, st.bold, f), _p(v, st.body, f)] for k, v in meta], [32 * mm, 140 * mm]))
    story.append(Spacer(1, 6))

    level = str(doc.get("urgency", ""))
    banner = Table([[_p(f"URGENCY: {level.replace('_', ' ').upper()}. {doc.get('urgency_means', '')}",
                        st.banner, f)]], colWidths=[172 * mm])
    banner.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1),
                                 colors.HexColor(URGENCY_COLOURS.get(level, "#1f3b57"))),
                                ("LEFTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 6),
                                ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    story.append(banner)
    flags = doc.get("red_flags") or []
    if flags:
        story.append(_p("Warning signs (red flags) found:", st.h2, f))
        story.append(_bullets([f"{fl['message']} ({str(fl.get('urgency', '')).replace('_', ' ')})"
                               for fl in flags], st.body, f))
    else:
        story.append(Spacer(1, 3))
        story.append(_p("No warning signs (red flags) were found among the answers given. Questions that "
                        "were not answered could not be checked.", st.small, f))

    rule_out = doc.get("must_rule_out") or []
    if rule_out:
        story.append(_p("Serious causes to rule out now", st.h2, f))
        story.append(_p("Less likely than the causes listed below, but serious enough that a clinician "
                        "should check for them now:", st.body, f))
        story.append(_bullets([f"{r.get('name', r['condition'])} ({r['probability']:.1%}): {r['why']}"
                               for r in rule_out], st.body, f))

    story += _where_and_what(doc, st, f)
    story += _causes(doc, st, f)
    if visits:
        story += _trend(visits, st, f)
    story.append(KeepTogether([_p("Questions to ask your provider", st.h2, f),
                               _bullets(questions_for(doc, visits), st.body, f)]))
    sources = doc.get("sources") or {}
    if sources:
        story.append(_p("Sources", st.h2, f))
        story.append(_bullets([f"[{rid}] {s['citation']}" for rid, s in sources.items()], st.small, f))

    buffer = io.BytesIO()
    disclaimer = f.text(str(doc.get("disclaimer", "")))

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(f.regular, 7)
        canvas.setFillColor(colors.HexColor("#4a5560"))
        canvas.drawString(18 * mm, 10 * mm, disclaimer[:150])
        if len(disclaimer) > 150:
            canvas.drawString(18 * mm, 7 * mm, disclaimer[150:300])
        canvas.drawRightString(A4[0] - 18 * mm, 14 * mm, f"page {document.page}")
        canvas.restoreState()

    pdf = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=20 * mm, title=TITLE, author="hipnav",
                            subject="Hip pain assessment summary")
    pdf.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _table(rows: list[list[Any]], widths: list[float], *, header: bool = False) -> Table:
    t = Table(rows, colWidths=widths, hAlign="LEFT")
    style: list[Any] = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 3),
             ("RIGHTPADDING", (0, 0), (-1, -1), 3), ("TOPPADDING", (0, 0), (-1, -1), 2),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    if header:
        style += [("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#1f3b57")),
                  ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#d5dbe1"))]
    t.setStyle(TableStyle(style))
    return t


def _bullets(items: Sequence[str], style: ParagraphStyle, f: Fonts) -> ListFlowable:
    return ListFlowable([ListItem(_p(i, style, f), leftIndent=10) for i in items], bulletType="bullet",
                        start="•", leftIndent=10, bulletFontName=f.regular)


def _where_and_what(doc: Mapping[str, Any], st: _Styles, f: Fonts) -> list[Any]:
    findings = doc.get("findings") or []
    regions = list(doc.get("regions") or [])
    text_of = {x["id"]: x["text"] for x in findings}
    drawn, other = body_map.split_regions(regions)
    side: list[Any] = []
    if regions:
        side.append(_p("Painful areas marked:", st.bold, f))
        side.append(_bullets([body_map.REGIONS[r][2] for r in drawn]
                             + [text_of.get(r, r).rstrip("?") for r in other], st.body, f))
    else:
        side.append(_p("No painful area was marked.", st.body, f))
    if any(x["id"] == "bilateral" and x["value"] is True for x in findings):
        side.append(_p("Both sides are painful.", st.body, f))
    side.append(_p("The map shows both sides; the answers do not record which side hurts.", st.small, f))
    layout = Table([[body_map_drawing(regions, f.regular, scale=0.85), side]],
                   colWidths=[172 * mm * 0.5, 172 * mm * 0.5], hAlign="LEFT")
    layout.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    out: list[Any] = [_p("Where it hurts", st.h2, f), layout]

    answered = [x for x in findings if x["group"] != "location"]
    if answered:
        out.append(_p("What was reported", st.h2, f))
        rows = [[_p("Question or test", st.bold, f), _p("Answer", st.bold, f)]]
        shown_first = ("yes", "positive")
        for x in sorted(answered, key=lambda x: (x["answer"] not in shown_first, x["group"], x["text"])):
            rows.append([_p(x["text"], st.body, f), _p(x["answer"], st.body, f)])
        out.append(_table(rows, [140 * mm, 32 * mm], header=True))
    return out


def _causes(doc: Mapping[str, Any], st: _Styles, f: Fonts) -> list[Any]:
    causes = doc.get("causes") or []
    out: list[Any] = [
        _p("For the clinician: most likely causes and the evidence", st.h2, f),
        _p("Each percentage is that condition's own probability given the answers; several conditions can "
           "be present together, so they need not add up to 100%. LR is the likelihood ratio: above 1 the "
           "answer makes the cause more likely, below 1 less likely.", st.small, f),
        Spacer(1, 4),
    ]
    rows: list[list[Any]] = [[_p(h, st.bold, f) for h in (
        "#", "Possible cause", "Probability", "Reasons for (+) and against (-)")]]
    for c in causes:
        reasons = [f"{'+' if r['direction'] == 'for' else '-'} {r['text']} (LR {r['lr']:.2g}"
                   + (f"; {r['source_label']}" if r.get("source_label") else "") + ")" for r in c["reasons"]]
        rows.append([
            _p(str(c["rank"]), st.body, f),
            [_p(c["plain_name"], st.bold, f), _p(c["name"], st.small, f)],
            [probability_bar(c["probability"], width=55), _p(f"{c['probability']:.0%}", st.body, f)],
            [_p(r, st.small, f) for r in reasons] or [_p("no answer changed this one", st.small, f)],
        ])
    table = _table(rows, [7 * mm, 48 * mm, 22 * mm, 95 * mm], header=True)
    table.repeatRows = 1
    return [KeepTogether([*out, table])]


def _trend(visits: Sequence[Mapping[str, Any]], st: _Styles, f: Fonts) -> list[Any]:
    drawing = trend_drawing(visits, f.regular)
    out: list[Any] = [KeepTogether([_p("Outcome trend", st.h2, f)] + ([drawing] if drawing else []))]
    rows = [[_p(h, st.bold, f) for h in ("Visit", "Pain NPRS (0-10)", "PSFS mean (0-10)", "HOOS-12 pain",
                                            "function", "quality of life", "summary")]]

    def num(v: object, fmt: str = "{:.0f}") -> str:
        return "-" if v is None else fmt.format(v)

    for v in visits:
        s = v.get("hoos12_scores") or {}
        rows.append([_p(v["visit_date"], st.body, f), _p(num(v.get("nprs")), st.body, f),
                     _p(num(v.get("psfs_mean"), "{:.1f}"), st.body, f)]
                    + [_p(num(s.get(k)), st.body, f) for k in ("pain", "function", "qol", "summary")])
    out.append(_table(rows, [24 * mm, 26 * mm, 26 * mm, 24 * mm, 24 * mm, 26 * mm, 22 * mm], header=True))
    out.append(_p("NPRS: Numeric Pain Rating Scale. PSFS: Patient-Specific Functional Scale (Stratford "
                  "1995). HOOS-12: Hip disability and Osteoarthritis Outcome Score, 12-item short form "
                  "(Gandek 2019); 0 is the worst and 100 the best score.", st.small, f))
    return out
