"""End to end in a real headless Chromium (Debian's, driven by Playwright) against a real
``hipnav serve``: a person clicking, a person using only the keyboard, the emergency banner,
screenshots of every main page at phone and desktop width, and axe-core on every page."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hipnav.knowledge import default
from tests.web.conftest import AXE, OUTPUT

pytestmark = pytest.mark.browser

SHOTS = OUTPUT / "screenshots"
PHONE, DESKTOP = 390, 1280
RESULT = ("/result?mode=patient&where=loc_buttock&where=loc_ischial&age=40&sex=female"
          "&a=saddle_anesthesia.n&a=bladder_bowel_dysfunction.n&a=agg_sitting.y&a=radiating_leg_pain.n")
#: Every safety question answered "no": the clinician's next question is an examination test.
SCREENED = "&".join(f"a={f}.n" for f in default().screening)
#: The main pages: (name, address, what to do before the screenshot).
PAGES = [
    ("landing", "/", None),
    ("body-map", "/where?mode=patient&where=loc_buttock&where=loc_ischial", None),
    ("safety", "/safety?mode=patient&where=loc_buttock&age=34&sex=female", None),
    ("safety-yes", "/safety?mode=patient&where=loc_buttock&age=34&sex=female", "say-yes"),
    ("question", f"/question?mode=patient&where=loc_buttock&age=34&sex=female&{SCREENED}", None),
    ("body-map-clinician", "/where?mode=clinician&where=loc_lateral_hip", None),
    ("question-clinician", f"/question?mode=clinician&where=loc_lateral_hip&{SCREENED}", None),
    ("emergency", "/safety?mode=patient&where=loc_buttock&screen=safety&q=saddle_anesthesia"
     "&r.saddle_anesthesia=y", None),
    ("not-checked", "/result?mode=patient&where=loc_lateral_hip", None),
    ("result", RESULT, "open-first-cause"),
    ("result-print", RESULT.replace("/result?", "/result/print?"), None),
    ("result-clinician", RESULT.replace("mode=patient", "mode=clinician") + "&a=exam_fadir.n&a=exam_slr.y",
     "open-first-cause"),
    ("result-emergency", RESULT.replace("a=saddle_anesthesia.n", "a=saddle_anesthesia.y"), None),
    ("describe", "/describe?mode=patient", None),
    ("describe-clinician", "/describe?mode=clinician", None),
    ("body-map-errors", "/where?mode=patient&where=loc_buttock&age=200&pain_severity=11", None),
    ("guides", "/conditions", None),
    ("guide", "/conditions/gluteal_tendinopathy", None),
    ("not-found", "/no-such-page", None),
]


def tab_to(page: Any, selector: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches ``selector``: proves it is keyboard-reachable."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def shown(page: Any) -> list[str]:
    """The questions on the screen (safety or the rest)."""
    return [el.get_attribute("value") for el in page.locator('input[name="q"]').all()]


def answer_until_result(page: Any, yes: set[str], keyboard: bool = False, limit: int = 20) -> list[str]:
    """Answer every screen (yes for ``yes``, else no) until the result. By keyboard: focus
    is on the new screen's heading after each page, and one Tab reaches each question."""
    asked: list[str] = []
    for _ in range(limit):
        if "/result" in page.url:
            return asked
        questions = shown(page)
        assert questions, page.url
        asked += questions
        if keyboard:
            assert page.evaluate("() => document.activeElement.id") == "screen-title"
            for fid in questions:
                page.keyboard.press("Tab")
                assert page.evaluate("() => document.activeElement.name") == f"r.{fid}"
                page.keyboard.press("Space" if fid in yes else "ArrowRight")  # Yes, or on to No
                value = "y" if fid in yes else "n"
                assert page.is_checked(f'input[name="r.{fid}"][value="{value}"]')
            tab_to(page, ".flow-nav button.primary")
            with page.expect_navigation():
                page.keyboard.press("Enter")
        else:
            for fid in questions:
                page.check(f'input[name="r.{fid}"][value="{"y" if fid in yes else "n"}"]')
            with page.expect_navigation():
                page.click(".flow-nav button.primary")
    raise AssertionError(f"no result after {limit} screens: {asked}")


def test_a_person_clicks_the_body_map_answers_and_sees_the_result(live_server: str, watched: Any) -> None:
    page = watched
    page.goto(live_server + "/")
    page.click("text=I have hip pain")
    assert "/describe" in page.url
    page.click("text=Skip this step")  # the description is optional
    assert "/where" in page.url
    for fid in ("loc_buttock", "loc_ischial"):
        page.click(f"#region-{fid}")
        assert page.get_attribute(f"#region-{fid}", "aria-checked") == "true"
    assert page.is_checked('input[name="where"][value="loc_ischial"]')
    page.click("#region-loc_ischial")  # a second click undoes
    assert page.get_attribute("#region-loc_ischial", "aria-checked") == "false"
    page.click("#region-loc_ischial")
    assert "Buttock, Sitting bone" in page.inner_text("[data-chosen-summary]")
    page.fill("#field-age", "40")
    page.check('input[name="sex"][value="female"]')
    page.click("text=Continue to the questions")
    assert page.locator("h1").inner_text() == "Do any of these apply to you?"
    safety = shown(page)
    assert safety[0] == default().screening[0] and len(safety) > 5  # one screen
    asked = answer_until_result(page, yes={"agg_sitting"})
    assert len(asked) >= 5 and len(asked) == len(set(asked))
    banner = page.locator("section.urgency")
    assert banner.is_visible()
    assert banner.get_attribute("data-urgency") in ("self_care", "routine_medical", "urgent", "emergency")
    causes = page.locator("li.cause")
    assert causes.count() >= 5
    first = causes.first
    first.locator("summary").click()
    assert first.locator("text=What points to this cause").is_visible()
    assert first.locator("a.source, span.source").first.is_visible()


def test_saddle_numbness_yes_shows_the_emergency_banner_at_once(live_server: str, watched: Any) -> None:
    page = watched
    page.goto(live_server + "/where?mode=patient")
    page.click("#region-loc_low_back")
    page.click("text=Continue to the questions")
    assert shown(page)[0] == "saddle_anesthesia"
    advice = page.locator("#stop-saddle_anesthesia")
    assert not advice.is_visible()
    page.check('input[name="r.saddle_anesthesia"][value="y"]')
    assert advice.is_visible()  # the moment it is chosen, before anything is sent
    assert advice.get_attribute("role") == "alert" and "emergency department" in advice.inner_text()
    page.check('input[name="r.saddle_anesthesia"][value="n"]')
    assert not advice.is_visible()
    page.check('input[name="r.saddle_anesthesia"][value="y"]')
    with page.expect_navigation():
        advice.locator("text=See what to do now").click()
    alert = page.get_by_role("alert")
    assert "Stop here" in page.locator("h1").inner_text()
    assert "Emergency" in alert.inner_text() and "emergency department" in alert.inner_text()
    box = alert.bounding_box()
    assert box is not None and box["y"] < 500  # at the top, not below the fold
    assert page.locator('input[name="q"]').count() == 0  # no more questions on the stop page
    page.click("text=See your result and what to do")
    assert page.locator("section.urgency").get_attribute("data-urgency") == "emergency"


def test_keyboard_only_completes_the_same_flow(live_server: str, watched: Any) -> None:
    page = watched
    page.goto(live_server + "/")
    tab_to(page, 'a[href="/describe?mode=patient"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, 'a[href="/where?mode=patient"]')  # "Skip this step"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for fid in ("loc_buttock", "loc_ischial"):
        tab_to(page, f"#region-{fid}")
        page.keyboard.press("Space")
        assert page.get_attribute(f"#region-{fid}", "aria-checked") == "true"
    name = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert name == "Sitting bone"
    tab_to(page, "#field-age")
    page.keyboard.type("40")
    tab_to(page, 'button[type="submit"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "where=loc_ischial" in page.url and "age=40" in page.url and "/safety" in page.url
    asked = answer_until_result(page, yes={"agg_sitting"}, keyboard=True)
    assert asked
    tab_to(page, "li.cause summary")
    page.keyboard.press("Enter")
    assert page.locator("li.cause").first.locator("text=What points to this cause").is_visible()


def test_back_button_goes_to_the_previous_screen(live_server: str, watched: Any) -> None:
    page = watched
    page.goto(live_server + f"/question?mode=patient&where=loc_groin&{SCREENED}")
    first = shown(page)
    with page.expect_navigation():
        page.click(".flow-nav button.primary")  # every question left blank: not sure
    assert shown(page) and not set(shown(page)) & set(first)
    page.click("text=Back")
    assert shown(page) == first
    assert page.evaluate("() => document.activeElement.id") == "screen-title"  # focus on the new heading


@pytest.mark.parametrize("width", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_screenshots_and_no_serious_accessibility_violations(live_server: str, browser: Any, width: int) -> None:
    """Every main page: a full-page screenshot for reviewers, and axe-core's audit.

    axe is injected by the test (never shipped by the app), so the page's own content
    security policy is bypassed for this browser context only.
    """
    assert AXE.exists(), "axe-core is missing: scripts/setup.d/browser.sh installs it"
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    failures = []
    try:
        for name, path, action in PAGES:
            page.goto(live_server + path)
            if action == "open-first-cause":
                page.locator("li.cause summary").first.click()
            elif action == "say-yes":
                page.check('input[name="r.saddle_anesthesia"][value="y"]')
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(
                "async () => await axe.run(document, {resultTypes: ['violations']})")
            for v in result["violations"]:
                if v["impact"] in ("serious", "critical"):
                    failures.append(f"{name} @{width}px: {v['id']} ({v['impact']}): {v['help']}: "
                                    + "; ".join(n["target"][0] for n in v["nodes"][:3]))
            if width == PHONE:  # nothing wider than a phone: no sideways scrolling
                overflow = page.evaluate("() => document.documentElement.scrollWidth")
                assert overflow <= width, f"{name} is {overflow}px wide on a {width}px phone"
    finally:
        context.close()
    assert not failures, "\n".join(failures)


def test_the_print_stylesheet_hides_navigation(live_server: str, page: Any) -> None:
    page.goto(live_server + RESULT.replace("/result?", "/result/print?"))
    page.emulate_media(media="print")
    assert not page.locator(".site-header nav").is_visible()
    assert page.locator("section.urgency").is_visible()
    assert page.locator("li.cause .cause-body").first.is_visible()  # explanations printed open
    pdf = page.pdf(format="A4")
    (OUTPUT / "screenshots").mkdir(parents=True, exist_ok=True)
    (OUTPUT / "screenshots" / "result-print.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")


def test_the_body_map_works_without_javascript(live_server: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server + "/where?mode=patient")
        assert page.locator("details[data-region-list]").get_attribute("open") is not None
        page.check('input[name="where"][value="loc_lateral_hip"]')
        page.click("text=Continue to the questions")
        assert not page.locator("#stop-saddle_anesthesia").is_visible()  # advice after sending, then
        page.check('input[name="r.saddle_anesthesia"][value="y"]')
        page.click(".flow-nav button.primary")
        assert page.locator("section.urgency").get_attribute("data-urgency") == "emergency"
    finally:
        context.close()


def test_the_body_map_names_the_place_under_the_pointer_or_focus(live_server: str, watched: Any) -> None:
    page = watched
    page.goto(live_server + "/where?mode=patient")
    page.hover("#region-loc_lateral_hip")
    assert page.inner_text("[data-map-hint]") == "Outer hip, over the bony point: not chosen"
    tab_to(page, "#region-loc_buttock")
    page.keyboard.press("Space")
    assert page.inner_text("[data-map-hint]") == "Buttock: chosen"


def test_the_serious_causes_to_rule_out_show_above_the_causes(live_server: str, watched: Any) -> None:
    from tests.conftest import rule_out_case
    from tests.web.conftest import result_query

    kb = default()
    qs = result_query(rule_out_case(), kb)
    page = watched
    page.set_viewport_size({"width": PHONE, "height": 900})
    page.goto(f"{live_server}/result.json?{qs}")
    want = [r["condition"] for r in json.loads(page.inner_text("body"))["must_rule_out"]]
    assert want
    page.goto(f"{live_server}/result?{qs}")
    section = page.locator("section.rule-out")
    assert section.is_visible()
    assert section.bounding_box()["y"] < page.locator("ol.causes").first.bounding_box()["y"]
    items = section.locator("li[data-condition]")
    assert [items.nth(i).get_attribute("data-condition") for i in range(items.count())] == want
    assert kb.conditions[want[0]].plain_name in items.first.inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "result-rule-out-phone.png"), full_page=True)
