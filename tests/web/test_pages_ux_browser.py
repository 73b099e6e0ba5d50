"""Issue 13 (items 4, 6, 7, 8) in a real Chromium against a real ``hipnav serve``: a result a
person understands and one in a clinician's words, forms that keep every value and mark every
mistake at once, and nothing wider than a phone. Screenshots go to test-output/screenshots/
(``result-lay-*``, ``result-clinician-*``, ``body-map-errors-*``)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from hipnav.knowledge import default
from hipnav.web.intake import PAGE_MAX_CHARS
from tests.web.conftest import AXE, OUTPUT

pytestmark = pytest.mark.browser

SHOTS = OUTPUT / "screenshots"
PHONE, DESKTOP = 390, 1280
#: Outer hip pain of a woman of 55, every safety question answered no: a self-care result.
SCREENED = "&".join(f"a={f}.n" for f in default().screening)
OUTER_HIP = ("where=loc_lateral_hip&age=55&sex=female&duration_weeks=20&a=pain_lying_on_side.y"
             f"&a=agg_crossing_legs.y&a=loc_groin.n&{SCREENED}")
#: Words a person should not meet: odds, ratios, evidence grades, the settings' mixes.
JARGON = re.compile(r"\bodds\b|\bLR\b|LR\+|\bgrade [A-D]\b|likelihood ratio|primary-care mix|prior\b", re.I)


def context_page(browser: Any, width: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def axe_violations(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): " + "; ".join(n["target"][0] for n in v["nodes"][:3])
            for v in result["violations"]]


def page_width(page: Any) -> int:
    width: int = page.evaluate("() => document.documentElement.scrollWidth")
    return width


@pytest.mark.parametrize("width", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_lay_result_speaks_in_words_and_says_what_to_do_now(live_server: str, browser: Any, width: int) -> None:
    page = context_page(browser, width)
    try:
        page.goto(f"{live_server}/result?mode=patient&{OUTER_HIP}")
        first = page.locator("li.cause").first
        first.locator("summary").click()
        body = first.inner_text()
        # every reason says what was answered and, in words, which way it points
        assert "Pain in the groin or front of the hip: you said no — " in body
        assert re.search(r"(strongly |slightly )?points (to|away from) this cause", body)
        assert "people with hip-region pain" in body and " in 100 " in body  # the prior as a frequency
        main = page.inner_text("main")
        assert not JARGON.search(main), JARGON.search(main)
        # what you can do now: from the leading cause's guide, its evidence and its link in view
        advice = page.locator("section.advice")
        assert advice.is_visible()
        assert "Looking after it yourself" in advice.inner_text()
        assert "evidence)" in advice.inner_text()
        assert "When to see whom" in advice.inner_text()
        guide_link = advice.locator("a[href^='/conditions/']:not([href*='#'])").first
        assert guide_link.is_visible()
        assert page.locator("li.cause > .guide-link a").first.is_visible()  # not only inside a cause
        page.screenshot(path=str(SHOTS / f"result-lay-{width}.png"), full_page=True)
        assert not axe_violations(page)
        assert page_width(page) <= width
    finally:
        page.context.close()


def test_the_advice_comes_from_the_guide_itself(live_server: str, browser: Any) -> None:
    """The self-care shown is the guide's first-line care, word for word (data, not template)."""
    page = context_page(browser, DESKTOP)
    try:
        page.goto(f"{live_server}/result?mode=patient&{OUTER_HIP}")
        shown = page.locator("section.advice article").first
        cause = shown.locator("a[href^='/conditions/']:not([href*='#'])").first.get_attribute("href")
        items = shown.locator("ul li").all_inner_texts()
        page.goto(live_server + cause)
        helps = page.locator("section#helps").inner_text()
        assert items and all(re.sub(r"\s*\[[\d, ]+\]", "", i)[:60] in helps for i in items)
    finally:
        page.context.close()


def test_an_emergency_says_one_thing(live_server: str, browser: Any) -> None:
    page = context_page(browser, PHONE)
    try:
        page.goto(f"{live_server}/result?mode=patient&where=loc_buttock&a=saddle_anesthesia.y")
        assert page.locator("section.urgency-emergency").count() == 1
        text = page.inner_text("main")
        assert "more urgent than it looks" not in text
        assert page.locator("section.advice").count() == 0  # no self-care beside "get help now"
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_clinician_mode_in_a_clinicians_words(live_server: str, browser: Any, width: int) -> None:
    page = context_page(browser, width)
    try:
        page.goto(f"{live_server}/where?mode=clinician&where=loc_lateral_hip")
        assert page.locator("label[for='field-duration_weeks']").inner_text().startswith("Duration of symptoms (weeks)")
        assert "How many weeks" not in page.inner_text("main")
        setting = page.locator("#field-setting")
        # the setting menu shows its longest choice whole
        assert setting.evaluate("s => s.scrollWidth <= s.clientWidth + 1 && s.getBoundingClientRect().right"
                                " <= document.documentElement.clientWidth")
        query = (f"mode=clinician&where=loc_lateral_hip&age=55&sex=female&{SCREENED}"
                 "&a=exam_faber.y&a=exam_fadir.n")
        page.goto(f"{live_server}/result?{query}")
        first = page.locator("li.cause").first
        first.locator("summary").click()
        body = first.inner_text()
        assert "LR " in body and "Prior" in body
        summary = page.locator("dl.summary").inner_text()
        assert "Positive tests" in summary and "Negative tests" in summary and "About me" not in summary
        # the "How:" box of a suggested test sits below its line, never over it
        for item in page.locator("ul.questions li:has(.how)").all():
            how = item.locator(".how").bounding_box()
            line = item.evaluate("li => { const r = document.createRange(); r.setStart(li.firstChild, 0);"
                                 " r.setEnd(li.firstChild, li.firstChild.length); return r.getBoundingClientRect().bottom; }")
            assert how and how["y"] >= line - 0.5
        page.screenshot(path=str(SHOTS / f"result-clinician-{width}.png"), full_page=True)
        assert not axe_violations(page)
        assert page_width(page) <= width
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_two_bad_numbers_are_both_marked_and_nothing_is_lost(live_server: str, browser: Any, width: int) -> None:
    page = context_page(browser, width)
    try:
        page.goto(f"{live_server}/where?mode=patient")
        for fid in ("loc_buttock", "loc_ischial"):  # on the body map itself
            page.click(f"#region-{fid}")
        page.fill("#field-age", "200")
        page.fill("#field-pain_severity", "11")
        page.check("input[name=sex][value=female]")
        page.click("text=Continue to the questions")
        page.wait_for_load_state()
        summary = page.locator("#form-errors").inner_text()
        assert "Age must be between 0 and 120" in summary
        assert re.search(r"must be between 0 and 10, got 11\.", summary)
        assert "0 to 10 0 to 10" not in summary and "10 0 to 10" not in summary
        assert page.locator("#err-field-age").is_visible() and page.locator("#err-field-pain_severity").is_visible()
        # beside its field: the message follows its input
        age = page.locator("#field-age").bounding_box()
        message = page.locator("#err-field-age").bounding_box()
        assert age and message and 0 <= message["y"] - (age["y"] + age["height"]) < 40
        assert page.input_value("#field-age") == "200" and page.input_value("#field-pain_severity") == "11"
        assert page.is_checked("input[name=where][value=loc_buttock]")
        assert page.is_checked("input[name=where][value=loc_ischial]")
        assert page.is_checked("input[name=sex][value=female]")
        page.screenshot(path=str(SHOTS / f"body-map-errors-{width}.png"), full_page=True)
        assert not axe_violations(page)
        page.fill("#field-age", "54")
        page.fill("#field-pain_severity", "6")
        page.click("text=Continue to the questions")
        page.wait_for_url("**/safety?**")
        assert "where=loc_ischial" in page.url and "age=54" in page.url
    finally:
        page.context.close()


def test_a_too_long_paste_is_refused_whole(live_server: str, browser: Any) -> None:
    page = context_page(browser, PHONE)
    try:
        page.goto(f"{live_server}/describe?mode=patient")
        text = ("My hip hurts when I sit and when I climb the stairs. " * 300)[: PAGE_MAX_CHARS + 500]
        page.fill("#field-text", text)
        assert len(page.input_value("#field-text")) == len(text)  # the box takes all of it
        page.click("button[type=submit].primary")
        page.wait_for_load_state()
        assert "too long" in page.locator("#err-text").inner_text()
        assert page.input_value("#field-text") == text.replace("\r\n", "\n")  # nothing cut
        assert page_width(page) <= PHONE
    finally:
        page.context.close()
