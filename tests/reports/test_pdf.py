"""The PDF summary: rendered to PNG with pdftoppm and saved under test-output/reports/ for a
reviewer to look at; its text is checked with pdftotext."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from hipnav.reports import body_map
from hipnav.reports.pdf import render_pdf
from hipnav.reports.questions import questions_for
from hipnav.reports.subject import ReportSubject
from tests.reports.conftest import VISITS, assessed, flagged_vignette

needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None,
                                   reason="pdftoppm missing (scripts/setup.d/postgres.sh installs it)")


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def _png(pdf: Path) -> list[Path]:
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(prefix)], check=True)
    return sorted(pdf.parent.glob(prefix.name + "-*.png"))


@needs_poppler
def test_client_report_with_red_flag_and_trend(report_dir: Path) -> None:
    case, doc = assessed({**flagged_vignette(), "narrative": "It started after a fall."})
    subject = ReportSubject(name="Jo Smith", reference="R-17", birth_year=1954, sex="female",
                            practitioner="Alice Practitioner")
    pdf = report_dir / "client-report.pdf"
    pdf.write_bytes(render_pdf(case, doc, subject=subject, visits=VISITS))
    pages = _png(pdf)
    assert pages and all(p.stat().st_size > 10_000 for p in pages)
    text = " ".join(_text(pdf).split())
    for expected in ("Hip pain summary for your healthcare provider", "Jo Smith (record R-17)",
                     "Prepared by Alice Practitioner", "URGENCY", "Warning signs (red flags) found",
                     "Where it hurts", "For the clinician: most likely causes", "Outcome trend",
                     "Questions to ask your provider",
                     "does not replace a clinician", doc["causes"][0]["plain_name"].split()[0]):
        assert expected in text, expected
    assert doc["red_flags"][0]["message"][:40] in text


@needs_poppler
def test_anonymous_report(report_dir: Path) -> None:
    case, doc = assessed({"id": "anon", "age": 34, "sex": "female", "setting": "manual_therapy",
                          "findings": {"loc_buttock": True, "agg_sitting": True, "radiating_leg_pain": True,
                                       "exam_slr": False, "duration_weeks": 10}})
    pdf = report_dir / "anonymous-report.pdf"
    pdf.write_bytes(render_pdf(case, doc))
    assert _png(pdf)
    text = " ".join(_text(pdf).split())
    assert "Self-assessment (no name recorded)" in text and "Outcome trend" not in text
    assert "No warning signs (red flags) were found" in text
    assert "buttock" in text  # the body map's legend
    sources = doc["sources"]
    for ref_id in sources:
        assert f"[{ref_id}]" in text


def test_report_of_a_saved_document_needs_no_knowledge_base() -> None:
    """An old result is reported as it was shown, from the document alone."""
    case, doc = assessed({"id": "old", "findings": {"loc_groin": True}})
    doc = {**doc, "knowledge_base_version": "1999.1.0"}
    pdf = render_pdf(case, doc)
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000


def test_body_map_svg_marks_chosen_regions() -> None:
    svg = body_map.svg(["loc_buttock", "loc_groin"])
    assert svg.startswith("<svg") and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    marked = [part for part in svg.split("<ellipse") if 'fill-opacity="0.75"' in part]
    assert {p.split('data-region="')[1].split('"')[0] for p in marked} == {"loc_buttock", "loc_groin"}
    assert len(marked) == 4  # both sides of each


def test_every_location_finding_is_on_the_map_or_listed(kb) -> None:
    locations = [f.id for f in kb.findings.values() if f.group == "location"]
    drawn, other = body_map.split_regions(locations)
    assert set(drawn) <= set(body_map.REGIONS)
    assert set(body_map.REGIONS) <= set(locations), "a region's id no longer names a finding"
    assert len(drawn) >= 12


def test_questions_follow_the_result() -> None:
    case, doc = assessed(flagged_vignette())
    qs = questions_for(doc, VISITS)
    assert qs[0].startswith("My answers raised a warning sign")
    assert any("from 7 to 3 out of 10" in q for q in qs)
    assert any(q.startswith("Could my pain be") for q in qs)


@needs_poppler
def test_the_report_names_what_to_rule_out(report_dir: Path) -> None:
    from tests.conftest import rule_out_case

    case, doc = assessed(rule_out_case())
    assert doc["must_rule_out"]
    pdf = report_dir / "rule-out-report.pdf"
    pdf.write_bytes(render_pdf(case, doc))
    text = " ".join(_text(pdf).split())
    assert "Serious causes to rule out now" in text
    assert text.index("Serious causes to rule out now") < text.index("For the clinician: most likely causes")
    for r in doc["must_rule_out"]:
        assert r["name"] in text and " ".join(r["why"].split()[:8]) in text
