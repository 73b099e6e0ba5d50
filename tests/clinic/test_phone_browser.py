"""The clinic on a phone, in a real Chromium against a real ``hipnav serve`` (issue 13, items 6,
7 and 8): no clinic page scrolls sideways at 390 px (a long unbroken note included), axe finds
nothing on any of them, the visit form marks every mistake at once beside its field in words,
and an assessment started from a client's page is saved to that client. Screenshots:
``clinic-visit-form-390.png`` / ``-1280.png`` and ``clinic-visit-form-errors-390.png`` under
test-output/screenshots/; the account, new-account and import forms with every mistake
marked: ``clinic-account-errors-*.png``, ``clinic-new-account-errors-*.png``,
``clinic-import-errors-*.png`` at 390 and 1280 px."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyotp
import pytest

from hipnav.reports.document import assess_raw
from hipnav.store import Store
from tests.clinic.conftest import PASSWORD, ROOT, Server, enrol

pytestmark = pytest.mark.browser

SHOTS = ROOT / "test-output" / "screenshots"
AXE = ROOT / "tests" / "web" / "node_modules" / "axe-core" / "axe.min.js"
PHONE, DESKTOP = 390, 1280
#: A note pasted with no space in it: it must wrap, not widen the page.
UNBROKEN = "x" * 3000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("clinic-phone")
    url = f"sqlite:///{folder / 'clinic.db'}"
    store = Store.open(url)
    admin = store.accounts.create(None, "admin", PASSWORD).actor()
    secret = enrol(store, admin)
    # a second admin, for a test of its own: an authenticator code signs in once, so two tests
    # signing in one admin within 30 seconds would see the second refused as a replay
    other_admin = store.accounts.create(admin, "admin2", PASSWORD, role="admin").actor()
    other_secret = enrol(store, other_admin)
    ana = store.accounts.create(admin, "ana", PASSWORD, display_name="Ana Therapist").actor()
    client = store.clients.create(ana, display_name="Jo " + "Longname" * 12, reference="R-" + "9" * 40,
                                  birth_year=1971, sex="female", notes=UNBROKEN)
    for day, nprs in ((date(2026, 9, 1), 7), (date(2026, 9, 15), 5)):
        store.visits.record(ana, client.id, day, nprs=nprs,
                            psfs=[{"activity": "Climbing the stairs to the flat" + "s" * 60, "score": 4}])
    case, doc = assess_raw({"format": "hipnav-case/1", "age": 55, "sex": "female",
                            "findings": {"loc_lateral_hip": True, "exam_fadir": False, "exam_faber": True}})
    saved = store.assessments.save(ana, client.id, case, doc, source="import")
    store.close()
    srv = Server(url, folder).start()
    yield srv, {"client": client.id, "assessment": saved.id, "secret": secret, "secret2": other_secret}
    srv.stop()


def _page(browser: Any, width: int, base: str | None = None, username: str | None = None,
          secret: str | None = None) -> Any:
    """A new page ``width`` pixels wide; signed in as ``username`` at ``base`` when given."""
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    if base is not None and username is not None:
        _sign_in(page, base, username, secret)
    return page


def _sign_in(page: Any, base: str, username: str, secret: str | None = None) -> None:
    page.goto(base + "/clinic/sign-in")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    if secret is not None:
        page.wait_for_url("**/clinic/sign-in/code")
        page.fill("#code", pyotp.TOTP(secret).now())
        page.click("button[type=submit]")
    page.wait_for_url("**/clinic/clients")


def _check(page: Any, name: str, width: int) -> list[str]:
    """What is wrong with the page now: wider than the screen, or anything axe finds."""
    problems = []
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    if scroll > width:
        problems.append(f"{name} is {scroll}px wide at {width}px")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    problems += [f"{name}: {v['id']} ({v['impact']}): " + "; ".join(n["target"][0] for n in v["nodes"][:3])
                 for v in result["violations"]]
    return problems


def test_no_clinic_page_scrolls_sideways_on_a_phone_and_axe_finds_nothing(
        browser: Any, server: tuple[Server, dict[str, str]]) -> None:
    srv, ids = server
    cid, aid = ids["client"], ids["assessment"]
    problems: list[str] = []
    page = _page(browser, PHONE)
    try:
        page.goto(srv.base + "/clinic/sign-in")
        problems += _check(page, "sign-in", PHONE)
        _sign_in(page, srv.base, "ana")
        for name, path in (("clients", "/clinic/clients"), ("client", f"/clinic/clients/{cid}"),
                           ("visit-form", f"/clinic/clients/{cid}/visits/new"),
                           ("client-edit", f"/clinic/clients/{cid}/edit"), ("client-new", "/clinic/clients/new"),
                           ("import", f"/clinic/clients/{cid}/import"), ("assessment", f"/clinic/assessments/{aid}"),
                           ("delete", f"/clinic/clients/{cid}/delete"), ("account", "/clinic/account"),
                           ("two-factor", "/clinic/account/two-factor"),
                           ("save", "/clinic/save?mode=clinician&where=loc_lateral_hip")):
            page.goto(srv.base + path)
            if name == "visit-form":
                page.screenshot(path=str(SHOTS / f"clinic-visit-form-{PHONE}.png"), full_page=True)
            if name == "client":
                page.screenshot(path=str(SHOTS / f"clinic-client-page-{PHONE}.png"), full_page=True)
            problems += _check(page, name, PHONE)
        page.context.close()
        page = _page(browser, PHONE, srv.base, "admin", ids["secret"])
        for name, path in (("accounts", "/clinic/admin/accounts"), ("audit", "/clinic/admin/audit")):
            page.goto(srv.base + path)
            page.screenshot(path=str(SHOTS / f"clinic-{name}-{PHONE}.png"), full_page=True)
            problems += _check(page, name, PHONE)
    finally:
        page.context.close()
    assert not problems, "\n".join(problems)


def test_the_visit_form_marks_every_mistake_beside_its_field(
        browser: Any, server: tuple[Server, dict[str, str]]) -> None:
    srv, ids = server
    page = _page(browser, DESKTOP, srv.base, "ana")
    try:
        page.goto(f"{srv.base}/clinic/clients/{ids['client']}/visits/new")
        page.screenshot(path=str(SHOTS / f"clinic-visit-form-{DESKTOP}.png"), full_page=True)
        page.context.close()
        page = _page(browser, PHONE, srv.base, "ana")
        page.goto(f"{srv.base}/clinic/clients/{ids['client']}/visits/new")
        page.fill("#psfs_activity_1", "Stairs")
        page.evaluate("() => { for (const id of ['psfs_score_1', 'psfs_score_2']) "
                      "document.getElementById(id).removeAttribute('max'); }")  # as a bad paste would
        page.fill("#psfs_score_1", "12")
        page.fill("#psfs_score_2", "5")  # a rating with no activity
        page.select_option("#nprs", "4")
        page.fill("#note", "n" * 5001)  # over the limit: refused, not cut
        page.click("text=Save the visit")
        page.wait_for_load_state()
        summary = page.locator("#form-errors").inner_text()
        for said in ("The rating of activity 1 must be a number from 0 to 10", "Activity 2 must be a short description",
                     "The note must be at most 5000 characters"):
            assert said in summary
        assert "psfs[" not in page.inner_text("main") and "psfs_" not in page.inner_text("main")
        for field in ("psfs_score_1", "psfs_activity_2", "note"):
            assert page.locator(f"#err-{field}").is_visible()
            assert page.get_attribute(f"#{field}", "aria-invalid") == "true"
        assert page.input_value("#psfs_activity_1") == "Stairs" and page.input_value("#psfs_score_2") == "5"
        assert page.input_value("#nprs") == "4" and len(page.input_value("#note")) == 5001
        page.screenshot(path=str(SHOTS / f"clinic-visit-form-errors-{PHONE}.png"), full_page=True)
        assert not _check(page, "visit-form-errors", PHONE)
    finally:
        page.context.close()


def test_a_new_assessment_from_a_clients_page_is_saved_to_that_client(
        browser: Any, server: tuple[Server, dict[str, str]]) -> None:
    srv, ids = server
    page = _page(browser, PHONE, srv.base, "ana")
    try:
        page.goto(f"{srv.base}/clinic/clients/{ids['client']}")
        saved = "() => new Set([...document.querySelectorAll(\"a[href^='/clinic/assessments/']\")]" \
                ".map(a => a.getAttribute('href').split('/')[3])).size"
        before = page.evaluate(saved)
        page.click("text=New assessment")
        page.wait_for_url("**/describe?**")
        assert f"client={ids['client']}" in page.url
        page.click("text=Skip this step")
        page.wait_for_url("**/where?**")
        page.click("#region-loc_lateral_hip")
        page.click("text=Continue to the questions")
        page.wait_for_url("**/safety?**")
        assert f"client={ids['client']}" in page.url
        page.goto(page.url.replace("/safety?", "/result?"))  # the result now; the client rides along
        page.click("text=Save to the client's record")
        page.wait_for_url("**/clinic/save?**")
        assert page.locator("#client_id").input_value() == ids["client"]
        page.click("button[type=submit]:has-text('Save')")
        page.wait_for_url("**/clinic/assessments/**")
        page.goto(f"{srv.base}/clinic/clients/{ids['client']}")
        assert page.evaluate(saved) == before + 1
    finally:
        page.context.close()


def _all_marked(page: Any, fields: dict[str, str]) -> None:
    """Every mistake at once: each named in words in the summary and beside its field, the
    field marked invalid and described by its message; no internal name shown."""
    page.wait_for_selector("#form-errors")
    summary = page.locator("#form-errors").inner_text()
    for field, said in fields.items():
        assert said in summary, (said, summary)
        assert said in page.locator(f"#err-{field}").inner_text()
        assert page.locator(f"#err-{field}").is_visible()
        assert page.get_attribute(f"#{field}", "aria-invalid") == "true"
        assert page.get_attribute(f"#{field}", "aria-describedby") == f"err-{field}"
    assert page.locator("#form-errors li").count() == len(fields)
    assert "current_password" not in summary and "display_name" not in summary


def test_the_account_admin_and_import_forms_mark_every_mistake_beside_its_field(
        browser: Any, server: tuple[Server, dict[str, str]]) -> None:
    """Issue 13 item 6 on the clinic's other forms: a new account (admin), one's own password
    and a pasted case each show every refused field at once, beside it, in words; what was
    typed stays (a password is never sent back). Screenshots at 390 and 1280 px."""
    srv, ids = server
    problems: list[str] = []
    page = _page(browser, PHONE, srv.base, "admin2", ids["secret2"])  # once: a code is good for one sign-in
    try:
        for width in (PHONE, DESKTOP):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(srv.base + "/clinic/admin/accounts")
            page.fill("#new-display", "Sam Locum")
            page.fill("#new-username", "Sam Locum!")
            page.fill("#new-password", "password1234")  # long enough, but among the most common
            page.evaluate("() => { const s = document.getElementById('new-role'); "
                          "s.add(new Option('boss', 'boss', true, true)); }")  # as a tampered form would
            page.click("text=Create the account")
            _all_marked(page, {"new-username": "Account name must be 2-64 characters",
                               "new-password": "Password is too common",
                               "new-role": "Role must be one of admin, practitioner"})
            assert page.input_value("#new-display") == "Sam Locum"
            assert page.input_value("#new-role") == "practitioner"  # a refused role never falls to admin
            assert page.input_value("#new-username") == "Sam Locum!" and page.input_value("#new-password") == ""
            page.screenshot(path=str(SHOTS / f"clinic-new-account-errors-{width}.png"), full_page=True)
            problems += _check(page, f"new-account-errors-{width}", width)
        page.context.close()

        page = _page(browser, PHONE, srv.base, "ana")
        for width in (PHONE, DESKTOP):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(srv.base + "/clinic/account")
            page.fill("#current_password", "not my password at all")
            page.fill("#password", "password1234")
            page.click("button[type=submit]:has-text('Change it')")
            _all_marked(page, {"current_password": "Your current password is not right",
                               "password": "The new password is too common"})
            page.screenshot(path=str(SHOTS / f"clinic-account-errors-{width}.png"), full_page=True)
            problems += _check(page, f"account-errors-{width}", width)

            pasted = '{"format": "hipnav-case/1", "age": 200, "sex": "x", "findings": {"fever": "yes", "loc_groin": true}}'
            page.goto(f"{srv.base}/clinic/clients/{ids['client']}/import")
            page.fill("#case", pasted)
            page.click("text=Assess and save")
            _all_marked(page, {"case": "The case was refused: age must be between 0 and 120, got 200; "
                                       "sex must be 'female' or 'male', got 'x'; findings.fever must be true or false"})
            assert page.input_value("#case") == pasted  # nothing lost
            page.screenshot(path=str(SHOTS / f"clinic-import-errors-{width}.png"), full_page=True)
            problems += _check(page, f"import-errors-{width}", width)
    finally:
        page.context.close()
    assert not problems, "\n".join(problems)
    store = Store.open(srv.url)
    try:
        assert store.accounts.by_username("sam locum!") is None and store.accounts.authenticate("ana", PASSWORD)
    finally:
        store.close()


def test_the_setup_form_marks_every_mistake_and_axe_finds_nothing(
        browser: Any, tmp_path: Path) -> None:
    """The first account's form (a clinic with no account yet), refused, on a phone."""
    srv = Server(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path).start()
    page = _page(browser, PHONE)
    try:
        page.goto(srv.base + "/clinic/setup")
        page.fill("#display_name", "Ana")
        page.fill("#username", "Ana Admin!")
        page.fill("#password", "password1234")
        page.click("text=Create the account")
        _all_marked(page, {"username": "Account name must be 2-64 characters",
                           "password": "Password is too common"})
        assert page.input_value("#display_name") == "Ana" and page.input_value("#password") == ""
        page.screenshot(path=str(SHOTS / f"clinic-setup-errors-{PHONE}.png"), full_page=True)
        assert not _check(page, "setup-errors", PHONE)
    finally:
        page.context.close()
        srv.stop()
