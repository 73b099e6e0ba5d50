"""The "in your own words" step in a real headless Chromium against a real ``hipnav serve``:
a person types a description, corrects what was read, answers the rest and sees the result;
screenshots at phone and desktop width; axe-core on the new pages; the same without
JavaScript."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import AXE
from tests.web.test_browser import DESKTOP, PHONE, SHOTS, answer_until_result, tab_to

pytestmark = pytest.mark.browser

WORDS = ("It's a deep ache in my bum when I sit at my desk, and it shoots down the back of my leg "
         "to my foot. No tingling though. It has been going on for three months.")
NOTE = "R lat hip pain x3/12, worse lying on R side and stairs, SLS reproduces at 20 s. FABER neg, SLR neg."
GERMAN = "Ich habe seit drei Monaten starke Schmerzen in der linken Hüfte und im Gesäß, besonders beim Sitzen."


def describe(page: Any, base: str, text: str, mode: str = "patient") -> None:
    """Open the text box, type ``text`` and send it."""
    page.goto(f"{base}/describe?mode={mode}")
    page.fill("#field-text", text)
    with page.expect_navigation():
        page.click("button[type=submit].primary")


def test_a_person_describes_corrects_answers_and_sees_the_result(live_server: str, watched: Any) -> None:
    page = watched
    page.goto(live_server + "/")
    page.click("text=I have hip pain")
    assert "/describe" in page.url
    page.get_by_label("Tell us about your pain in your own words").fill(WORDS)
    page.click("text=Read my description")
    assert page.locator("h1").inner_text() == "Check what we understood"
    assert "bum" not in page.url  # the words travel in the body, not the address
    assert page.locator("mark", has_text="bum").first.is_visible()
    sitting = page.get_by_role("group", name="Pain on sitting")
    assert sitting.get_by_label("Yes", exact=True).is_checked()  # set to what was read
    assert page.get_by_role("group", name="Numbness or tingling in the leg").get_by_label("No", exact=True).is_checked()
    tab_to(page, 'input[name="c.agg_sitting"]:checked')  # correct it by keyboard: Yes -> No
    page.keyboard.press("ArrowRight")
    assert sitting.get_by_label("No", exact=True).is_checked()
    page.click("text=Use these and continue")
    assert "/where" in page.url and "a=agg_sitting.n" in page.url
    assert page.get_attribute("#region-loc_buttock", "aria-checked") == "true"  # ticked from the words
    page.fill("#field-age", "45")
    page.click("text=Continue to the questions")
    asked = answer_until_result(page, yes=set())
    said = {"agg_sitting", "loc_buttock", "radiating_leg_pain", "paresthesia_leg", "pain_below_knee"}
    assert asked and not said & set(asked), asked
    assert page.locator("section.urgency").is_visible()
    assert page.locator("li.cause").count() >= 5
    assert "Pain on sitting" in page.inner_text("dl.summary")  # the corrected answer is in the summary


@pytest.mark.parametrize("width", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_intake_screenshots_and_no_serious_accessibility_violations(live_server: str, browser: Any,
                                                                    width: int) -> None:
    assert AXE.exists(), "axe-core is missing: scripts/setup.d/browser.sh installs it"
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    failures = []

    def check(name: str) -> None:
        page.screenshot(path=str(SHOTS / f"intake-{name}-{width}.png"), full_page=True)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        for v in result["violations"]:
            if v["impact"] in ("serious", "critical"):
                failures.append(f"{name} @{width}px: {v['id']} ({v['impact']}): {v['help']}: "
                                + "; ".join(n["target"][0] for n in v["nodes"][:3]))
        if width == PHONE:
            wide = page.evaluate("() => document.documentElement.scrollWidth")
            assert wide <= width, f"{name} is {wide}px wide on a {width}px phone"

    try:
        page.goto(live_server + "/describe?mode=patient")
        page.fill("#field-text", WORDS)
        check("describe")
        describe(page, live_server, WORDS)
        page.locator("details.whole-text summary").click()
        check("confirm")
        with page.expect_navigation():
            page.click("text=Use these and continue")
        check("body-map")
        describe(page, live_server, GERMAN)
        assert page.get_by_role("alert").is_visible()
        check("describe-error")
        describe(page, live_server, NOTE, mode="clinician")
        check("confirm-clinician")
    finally:
        context.close()
    assert not failures, "\n".join(failures)


def test_the_intake_step_works_without_javascript(live_server: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        describe(page, live_server, NOTE, mode="clinician")
        page.get_by_role("group", name="FABER test (front of hip)").get_by_label("Positive").check()
        page.click("text=Use these and continue")
        assert "a=exam_faber.y" in page.url and "where=loc_lateral_hip" in page.url
        assert page.is_checked('input[name="where"][value="loc_lateral_hip"]')
        page.click("text=Continue to the questions")
        assert page.locator("h1").inner_text() == "Does any of these apply to your client?"
        assert page.locator('input[name="q"]').count() > 1  # the safety questions, on one screen
    finally:
        context.close()


@pytest.mark.parametrize(("words", "age", "sex", "place"), [
    ("34 year old woman, deep pain in my buttock", "34", "female", "loc_buttock"),
    ("65 year old man with pain on the outside of my hip", "65", "male", "loc_lateral_hip"),
    ("34F, pain at the back of my thigh", "34", "female", "loc_posterior_thigh"),
])
def test_own_words_prefill_age_sex_and_places_for_the_person_to_confirm(live_server: str, watched: Any, words: str,
                                                                       age: str, sex: str, place: str) -> None:
    page = watched
    describe(page, live_server, words)
    assert page.input_value("#confirm-age") == age
    assert page.is_checked(f'input[name="sex"][value="{sex}"]')
    assert page.locator(".about-read mark").first.is_visible()  # the words they came from
    page.click("text=Use these and continue")
    assert page.input_value("#field-age") == age  # pre-filled on the body-map page, still editable
    assert page.is_checked(f'input[name="sex"][value="{sex}"]')
    assert page.get_attribute(f"#region-{place}", "aria-checked") == "true"
