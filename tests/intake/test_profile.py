"""The one reader of age, sex, duration, pain severity and body-map places (issues 13, 14).

Sentences come from issue 13's own examples ("34 year old woman", "65 year old man", "34F",
"back of my thigh") and the common ways of stating age and sex in case reports and forum
posts ("52 y/o F", "A 45-year-old man", "M, 45"), not from the vignettes.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from hipnav.intake import extract, read_profile


@pytest.mark.parametrize(("text", "age", "sex"), [
    ("34 year old woman with pain in the groin", 34, "female"),
    ("65 year old man, my buttock aches when I sit", 65, "male"),
    ("34F, hip pain for three weeks", 34, "female"),
    ("M, 45, pain on the outside of my hip", 45, "male"),
    ("52 y/o F, c/o R lateral hip pain x3/12", 52, "female"),
    ("I'm 34 and my hip hurts when I run", 34, None),
    ("I'm a 30-year-old woman and my lower back hurts", 30, "female"),
    ("A 45-year-old man presented with groin pain. He had no fever.", 45, "male"),
    ("A 22-year-old student reported pain over the outside of her right hip.", 22, "female"),
    ("A three-year-old boy was refusing to walk.", 3, "male"),
    ("I am 20 weeks pregnant and my pelvis hurts", None, "female"),
])
def test_age_and_sex(text: str, age: float | None, sex: str | None) -> None:
    p = read_profile(text)
    assert p.age == age and p.sex == sex, (p.age, p.sex, p.extraction.person_spans)


@pytest.mark.parametrize("text", [
    "I'm 5' 11\" and 155 pounds, and my groin hurts",        # height and weight, not an age
    "I'm 33+ weeks pregnant",                                 # weeks, not years
    "I am only in my late 50s but my hip hurts",              # a decade is not an age
    "Maybe I'm 50, I'm not sure",                             # uncertain
    "My 70-year-old mother has hip pain too",                 # someone else
    "I have been running for 25 years",                       # a length, not an age
])
def test_no_age_read(text: str) -> None:
    assert read_profile(text).age is None


def test_someone_elses_age_is_kept_but_not_used() -> None:
    result = extract("I am 38 and my hip hurts. My 70-year-old mother has the same pain.")
    assert result.age == 38 and result.sex is None
    aside = [s for s in result.person_spans if not s.used]
    assert {s.field for s in aside} == {"age", "sex"}
    assert all(s.why.startswith("someone else") for s in aside)


def test_a_parent_describing_their_child_describes_the_child() -> None:
    # NHS "limping in children" pages are written for parents: the child is the subject.
    result = extract("My 4 year old son has been limping for two weeks and won't put weight "
                     "on his left leg. My husband has back pain.")
    assert (result.age, result.sex) == (4, "male")
    assert result.findings["limp"] is True and result.findings["duration_weeks"] == 2
    assert "loc_low_back" not in result.findings   # the husband's


def test_profile_reads_the_five_basics() -> None:
    text = ("34 year old woman. Pain at the back of my thigh and in my groin for 3 weeks, "
            "7/10 at worst, no pain in my lower back.")
    p = read_profile(text)
    assert (p.age, p.sex, p.duration_weeks, p.pain_severity) == (34, "female", 3, 7)
    assert p.places == {"loc_posterior_thigh": True, "loc_groin": True, "loc_low_back": False}
    words = p.evidence("loc_posterior_thigh")[0]
    assert text[words.start:words.end] == words.text
    assert p.evidence("age")[0].text == "34 year old woman"
    assert p.to_dict()["places"] == p.places


def test_a_profile_is_the_extraction_seen_through_five_fields() -> None:
    text = "Deep ache in my bum for two months, worse when I sit; 42yo male."
    p, e = read_profile(text), extract(text)
    assert p.places == {k: v for k, v in e.findings.items() if k.startswith("loc_")}
    assert p.duration_weeks == e.findings["duration_weeks"] and p.age == e.age == 42


def test_cli_extract_prints_age_and_sex(tmp_path) -> None:  # noqa: ANN001
    doc = tmp_path / "t.txt"
    doc.write_text("34F with groin pain for two weeks")
    proc = subprocess.run([sys.executable, "-m", "hipnav", "extract", "--json", str(doc)],
                          capture_output=True, text=True, timeout=120)
    out = json.loads(proc.stdout)
    assert (out["age"], out["sex"]) == (34, "female"), proc.stderr
    assert out["person_spans"][0]["text"] == "34F"


#: Each body-map region in everyday words: its own label (web/body_map.py) and the lay names
#: patient pages use for it.
PLACE_WORDS = {
    "loc_lower_abdomen": ["lower belly", "lower tummy"],
    "loc_groin": ["groin", "front of my hip"],
    "loc_pubic": ["pubic bone"],
    "loc_anterior_thigh": ["front of my thigh"],
    "loc_medial_thigh": ["inner thigh"],
    "loc_knee": ["knee"],
    "loc_low_back": ["low back", "lower back"],
    "loc_sij": ["low-back dimple", "sacroiliac joint"],
    "loc_buttock": ["buttock", "bum", "glute"],
    "loc_ischial": ["sitting bone"],
    "loc_posterior_thigh": ["back of my thigh"],
    "pain_below_knee": ["calf", "foot", "shin"],
    "loc_lateral_hip": ["outer hip"],
    "loc_lateral_thigh": ["outer thigh", "outside of my thigh"],
    "loc_lateral_knee": ["outer side of my knee"],
}


def test_every_body_map_place_is_read_from_everyday_words() -> None:
    from hipnav.web.body_map import VIEWS

    drawn = {r.finding for view in VIEWS for r in view.regions}
    assert drawn == set(PLACE_WORDS)   # a new region needs its words here
    for fid, words in PLACE_WORDS.items():
        for w in words:
            for text in (f"I have pain in my {w}.", f"It aches in the {w} when I walk."):
                assert read_profile(text).places.get(fid) is True, (fid, text)
