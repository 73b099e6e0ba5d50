"""The guides on the web: /conditions grouped by where it hurts, /conditions/<id>, and, in a real
Chromium, opening a cause's guide from a result page (screenshot saved for review)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

pytest.importorskip("starlette")
warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
from starlette.testclient import TestClient  # noqa: E402

from hipnav.knowledge import guide as guides  # noqa: E402
from hipnav.web.app import create_app  # noqa: E402
from tests.web.conftest import OUTPUT, Elements, start_server, stop_server  # noqa: E402

RESULT_QS = ("mode=patient&where=loc_lateral_hip&age=55&sex=female&a=pain_lying_on_side.y"
             "&a=saddle_anesthesia.n&a=fever.n")


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


def test_index_groups_every_guide_by_where_it_hurts(client, kb):
    r = client.get("/conditions")
    assert r.status_code == 200
    page = Elements(r.text)
    hrefs = {a["href"] for a in page.find("a") if a.get("href", "").startswith("/conditions/")}
    assert hrefs == {f"/conditions/{cid}" for cid in guides.load(kb)}
    sections = [a["id"] for a in page.find("section") if a.get("id", "").startswith("region-")]
    assert sections == [f"region-{guides.REGION_SLUGS[r]}" for r in guides.REGIONS]


def test_every_guide_page_renders(client, kb):
    for cid, g in guides.load(kb).items():
        r = client.get(f"/conditions/{cid}")
        assert r.status_code == 200, cid
        page = Elements(r.text)
        text = page.all_text()
        assert g.title in text
        for n, (_, heading) in enumerate(guides.SECTIONS, start=1):
            assert f"{n}. {heading}" in text, (cid, heading)
        assert page.find("svg", role="img"), cid
        assert len(page.find("li", id=f"ref-{g.citations[0]}")) == 1
        assert "[@" not in r.text and "{{" not in r.text


def test_unknown_guide_is_a_404_page(client):
    r = client.get("/conditions/tennis_elbow")
    assert r.status_code == 404
    assert "Page not found" in r.text


def test_result_links_each_cause_to_its_guide(client):
    html = client.get(f"/result?{RESULT_QS}").text
    links = [a["href"] for a in Elements(html).find("a") if a.get("href", "").startswith("/conditions/")]
    assert "/conditions/gluteal_tendinopathy" in links
    for href in links:
        assert client.get(href).status_code == 200, href


@pytest.mark.browser
def test_open_a_causes_guide_from_a_result(browser):
    proc, base = start_server()
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{base}/result?{RESULT_QS}")
        cause = page.locator("#cause-gluteal_tendinopathy")
        cause.locator("summary").click()
        cause.get_by_role("link", name="Read the guide").click()  # in view, not only inside the cause
        page.wait_for_url(f"{base}/conditions/gluteal_tendinopathy")
        assert page.locator("h1").inner_text().startswith("Gluteal tendinopathy")
        assert page.locator("figure.guide-drawing svg").is_visible()
        assert page.locator("#who .evidence li").count() >= 2
        page.get_by_role("link", name="References").click()
        assert page.locator("#ref-mellor2018").is_visible()
        shots = OUTPUT / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.goto(f"{base}/conditions/gluteal_tendinopathy")
        page.screenshot(path=str(shots / "guide-gluteal_tendinopathy.png"), full_page=True)
        page.goto(f"{base}/conditions")
        page.screenshot(path=str(shots / "guides-index.png"), full_page=True)
        context.close()
    finally:
        stop_server(proc)
