"""Real Chromium (Debian's, driven by Playwright) against a real ``hipnav serve``: sign-in,
a client's page with its outcome charts, and the provider PDF download. Screenshots and the
downloaded PDF, rendered to PNG, are saved under test-output/screenshots/ for review."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hipnav.reports.document import assess_raw
from hipnav.store import Store
from tests.clinic.conftest import PASSWORD, ROOT, Server

pytestmark = pytest.mark.browser

SHOTS = ROOT / "test-output" / "screenshots"
HOOS = ["P1", "P2", "P3", "P4", "F1", "F2", "F3", "F4", "Q1", "Q2", "Q3", "Q4"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("clinic-browser")
    url = f"sqlite:///{folder / 'clinic.db'}"
    store = Store.open(url)
    admin = store.accounts.create(None, "admin", PASSWORD).actor()
    ana = store.accounts.create(admin, "ana", PASSWORD, display_name="Ana Therapist").actor()
    client = store.clients.create(ana, display_name="Jo Smith", reference="R-17", birth_year=1971, sex="female")
    for day, nprs, psfs, hoos in ((date(2026, 9, 1), 7, 3, 3), (date(2026, 9, 15), 6, 4, 2),
                                  (date(2026, 9, 29), 4, 6, 2), (date(2026, 10, 20), 2, 8, 1)):
        store.visits.record(ana, client.id, day, nprs=nprs,
                            psfs=[{"activity": "Stairs", "score": psfs}, {"activity": "Running", "score": psfs - 1}],
                            hoos12=dict.fromkeys(HOOS, hoos))
    case, doc = assess_raw({"format": "hipnav-case/1", "id": "browser", "age": 55, "sex": "female",
                            "findings": {"loc_lateral_hip": True, "loc_lateral_thigh": True, "loc_groin": False}})
    saved = store.assessments.save(ana, client.id, case, doc, source="import")
    store.close()
    srv = Server(url, folder).start()
    yield srv, {"client": client.id, "assessment": saved.id}
    srv.stop()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def _sign_in(page: Any, base: str) -> None:
    page.goto(base + "/clinic/sign-in")
    page.fill("#username", "ana")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/clinic/clients")


def test_sign_in(page: Any, server: tuple[Server, dict[str, str]]) -> None:
    srv, _ids = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(srv.base + "/clinic/sign-in")
    page.fill("#username", "ana")
    page.fill("#password", "not the password")
    page.click("button[type=submit]")
    assert "do not match" in page.inner_text("#sign-in-error")
    page.screenshot(path=str(SHOTS / "clinic-sign-in-refused.png"), full_page=True)
    _sign_in(page, srv.base)
    assert "Jo Smith" in page.inner_text("main")
    cookie = next(c for c in page.context.cookies() if c["name"] == "hipnav_session")
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Lax"
    page.screenshot(path=str(SHOTS / "clinic-clients.png"), full_page=True)


def test_client_page_with_outcome_charts(page: Any, server: tuple[Server, dict[str, str]]) -> None:
    srv, ids = server
    _sign_in(page, srv.base)
    page.click("text=Jo Smith")
    page.wait_for_url(f"**/clinic/clients/{ids['client']}")
    charts = page.locator("svg.outcome-chart")
    assert charts.count() == 3
    assert page.locator("#chart-nprs circle").count() == 4
    assert page.locator("#chart-hoos12 polyline").count() == 4
    box = page.locator("#chart-nprs svg").bounding_box()
    assert box and box["width"] > 250 and box["height"] > 100  # drawn, not collapsed
    page.screenshot(path=str(SHOTS / "clinic-client-page.png"), full_page=True)


def test_provider_pdf_download(page: Any, server: tuple[Server, dict[str, str]], tmp_path: Path) -> None:
    srv, ids = server
    _sign_in(page, srv.base)
    page.goto(f"{srv.base}/clinic/assessments/{ids['assessment']}")
    with page.expect_download() as info:
        page.click("text=PDF for the provider")
    pdf = SHOTS / "clinic-provider-report.pdf"
    info.value.save_as(str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    page.screenshot(path=str(SHOTS / "clinic-assessment.png"), full_page=True)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(SHOTS / "clinic-provider-report")],
                       check=True)
        assert list(SHOTS.glob("clinic-provider-report-*.png"))
    # anyone's result page, without an account, offers the same
    anon = page.context.browser.new_context(accept_downloads=True).new_page()
    anon.goto(f"{srv.base}/result?mode=patient&where=loc_groin&age=45&sex=female")
    with anon.expect_download() as info:
        anon.click("text=PDF for my provider")
    path = tmp_path / "anonymous.pdf"
    info.value.save_as(str(path))
    assert path.read_bytes().startswith(b"%PDF")
    anon.screenshot(path=str(SHOTS / "result-page-provider-buttons.png"), full_page=True)
    anon.context.close()


def test_an_admin_sets_up_the_second_factor_and_signs_in_with_it(page: Any,
                                                                  server: tuple[Server, dict[str, str]]) -> None:
    import time

    import pyotp

    srv, _ids = server
    page.goto(srv.base + "/clinic/sign-in")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/clinic/account/two-factor")
    assert page.locator("img.qr").bounding_box()["width"] >= 150  # the QR code is drawn
    secret = page.inner_text("#totp-secret").strip()
    page.screenshot(path=str(SHOTS / "clinic-two-factor-set-up.png"), full_page=True)
    page.fill("#code", pyotp.TOTP(secret).at(time.time() - 30))
    page.click("form.clinic-form button[type=submit]")
    assert page.locator("#recovery-codes li").count() == 10
    page.screenshot(path=str(SHOTS / "clinic-two-factor-recovery-codes.png"), full_page=True)
    page.click("text=Sign out")
    page.wait_for_url("**/clinic/sign-in")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/clinic/sign-in/code")
    page.screenshot(path=str(SHOTS / "clinic-sign-in-code.png"), full_page=True)
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("form.clinic-form button[type=submit]")
    page.wait_for_url("**/clinic/clients")
