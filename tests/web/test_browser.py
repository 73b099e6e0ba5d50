"""End to end in a real headless Chromium (Debian's, driven by Playwright) against a real
``hipnav serve``: a person clicking, a person using only the keyboard, the emergency banner,
screenshots of every main page at phone and desktop width, and axe-core on every page."""

from __future__ import annotations

import json
from collections.abc import Iterator
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
    ("question", "/question?mode=patient&where=loc_buttock&a=saddle_anesthesia.n", None),
    ("body-map-clinician", "/where?mode=clinician&where=loc_lateral_hip", None),
    ("question-clinician", f"/question?mode=clinician&where=loc_lateral_hip&{SCREENED}", None),
    ("emergency", "/question?mode=patient&where=loc_buttock&q=saddle_anesthesia&answer=y", None),
    ("result", RESULT, "open-first-cause"),
    ("result-print", RESULT.replace("/result?", "/result/print?"), None),
    ("not-found", "/no-such-page", None),
]


@pytest.fixture()
def watched(page: Any) -> Iterator[Any]:
    """A page that fails the test on any JavaScript error or blocked resource (CSP included)."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    assert not [e for e in errors if "404" not in e], errors


def tab_to(page: Any, selector: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches ``selector``: proves it is keyboard-reachable."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def answer_until_result(page: Any, yes: set[str], keyboard: bool = False, limit: int = 40) -> list[str]:
    asked: list[str] = []
    for _ in range(limit):
        if "/result" in page.url:
            return asked
        finding = page.locator('input[name="q"]').get_attribute("value")
        asked.append(finding)
        value = "y" if finding in yes else "n"
        button = f'button[name="answer"][value="{value}"]'
        if keyboard:
            tab_to(page, button)
            with page.expect_navigation():
                page.keyboard.press("Enter")
        else:
            with page.expect_navigation():
                page.click(button)
    raise AssertionError(f"no result after {limit} answers: {asked}")


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
    assert "Safety question 1" in page.inner_text("main")
    asked = answer_until_result(page, yes={"agg_sitting"})
    assert len(asked) >= 5
    banner = page.locator("section.urgency")
    assert banner.is_visible()
    assert banner.get_attribute("data-urgency") in ("self_care", "routine_medical", "urgent", "emergency")
    causes = page.locator("li.cause")
    assert causes.count() >= 5
    first = causes.first
    first.locator("summary").click()
    assert first.locator("text=What made it more likely").is_visible()
    assert first.locator("a.source, span.source").first.is_visible()


def test_saddle_numbness_yes_shows_the_emergency_banner_at_once(live_server: str, watched: Any) -> None:
    page = watched
    page.goto(live_server + "/where?mode=patient")
    page.click("#region-loc_low_back")
    page.click("text=Continue to the questions")
    assert page.locator('input[name="q"]').get_attribute("value") == "saddle_anesthesia"
    page.click('button[name="answer"][value="y"]')
    alert = page.get_by_role("alert")
    assert alert.is_visible()
    assert "Emergency" in alert.inner_text() and "emergency department" in alert.inner_text()
    box = alert.bounding_box()
    assert box is not None and box["y"] < 400  # at the top, not below the fold
    page.click("text=See what to do now")
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
    assert "where=loc_ischial" in page.url and "age=40" in page.url
    asked = answer_until_result(page, yes={"agg_sitting"}, keyboard=True)
    assert asked
    tab_to(page, "li.cause summary")
    page.keyboard.press("Enter")
    assert page.locator("li.cause").first.locator("text=What made it more likely").is_visible()


def test_back_button_goes_to_the_previous_question(live_server: str, watched: Any) -> None:
    page = watched
    page.goto(live_server + "/question?mode=patient&where=loc_groin")
    first = page.locator('input[name="q"]').get_attribute("value")
    page.click('button[name="answer"][value="n"]')
    assert page.locator('input[name="q"]').get_attribute("value") != first
    page.click("text=Back")
    assert page.locator('input[name="q"]').get_attribute("value") == first


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
        page.click('button[name="answer"][value="y"]')
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
