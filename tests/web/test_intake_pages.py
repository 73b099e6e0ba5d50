"""The "in your own words" step with plain forms (no JavaScript): the text box, the
confirmation page, corrections that change the case, and hostile input."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from hipnav.knowledge.model import KnowledgeBase
from hipnav.web.confirm import quotes
from tests.web.conftest import Elements, hidden_params

LAY = ("It's deep in my bum when I sit at my desk, shoots down the back of my leg to my foot, "
       "no tingling though. Pain 7/10 for three months.")
NOTE = "R lat hip pain x3/12, worse lying on R side and stairs, SLS reproduces at 20 s. FABER neg."


def read(client: TestClient, text: str, mode: str = "patient", **extra: str) -> tuple[int, str]:
    r = client.post("/describe", data={"mode": mode, "text": text, **extra}, follow_redirects=False)
    return r.status_code, r.text


def choices(html: str) -> dict[str, str]:
    """The confirmation form's pre-set values: checked radios and filled number boxes."""
    page = Elements(html)
    out = {i["name"]: i["value"] for i in page.find("input", type="radio") if "checked" in i}
    out.update({i["name"]: i["value"] for i in page.find("input", type="number")})
    return out


def submit(client: TestClient, html: str, changes: dict[str, str]) -> str:
    """Send the confirmation form as a browser would (hidden fields, then each choice); return
    the address it leads to."""
    values = {**choices(html), **changes}
    params = [*hidden_params(html.split('action="/describe/confirm"')[1].split("</form>")[0]),
              *((k, v) for k, v in values.items())]
    r = client.get("/describe/confirm?" + urlencode(params), follow_redirects=False)
    assert r.status_code == 303, r.text
    location: str = r.headers["location"]
    return location


def case_of(client: TestClient, location: str) -> dict[str, Any]:
    """The case a flow address stands for, as the result page would assess it."""
    query = urlsplit(location).query
    case: dict[str, Any] = client.get(f"/result.json?{query}&explain=0").json()["case"]
    return case


def test_the_text_box_is_labelled_optional_and_can_be_skipped(client: TestClient) -> None:
    page = Elements(client.get("/describe?mode=patient").text)
    label = page.find("label", for_="field-text")
    assert label and "Tell us about your pain in your own words (optional)" in page.all_text()
    area = page.find("textarea", name="text")[0]
    assert area["id"] == "field-text" and "text-privacy" in area["aria-describedby"]
    assert page.find("form", method="post", action="/describe")
    assert page.find("a", href="/where?mode=patient")  # skip this step
    clinician = Elements(client.get("/describe?mode=clinician").text)
    assert "Paste or type your clinical note" in clinician.all_text()


def test_the_confirmation_shows_each_finding_with_its_words_set_to_what_was_read(client: TestClient,
                                                                                 kb: KnowledgeBase) -> None:
    status, html = read(client, LAY)
    assert status == 200
    page = Elements(html)
    legends = [" ".join(t.split()) for t in page.text]
    for fid in ("loc_buttock", "agg_sitting", "paresthesia_leg"):
        assert kb.findings[fid].label in legends, fid
    pre = choices(html)
    assert pre["c.loc_buttock"] == "y" and pre["c.agg_sitting"] == "y"
    assert pre["c.paresthesia_leg"] == "n"  # "no tingling"
    assert pre["pain_severity"] == "7"
    assert "<mark>bum</mark>" in html and "<mark>tingling</mark>" in html
    for fid in ("loc_buttock", "agg_sitting"):  # every choice: yes / no / not sure
        assert [i["value"] for i in page.find("input", name=f"c.{fid}")] == ["y", "n", "u"]
    assert all(fs.get("aria-describedby") for fs in page.find("fieldset", class_="confirm-item"))
    assert "bum" not in " ".join(a["href"] for a in page.find("a"))  # the words stay out of addresses


def test_correcting_a_finding_changes_the_case(client: TestClient) -> None:
    _, html = read(client, LAY)
    as_read = case_of(client, submit(client, html, {}))["findings"]
    assert as_read["agg_sitting"] is True and as_read["paresthesia_leg"] is False
    location = submit(client, html, {"c.agg_sitting": "n", "c.paresthesia_leg": "u", "pain_severity": "5"})
    corrected = case_of(client, location)["findings"]
    assert corrected["agg_sitting"] is False
    assert "paresthesia_leg" not in corrected  # not sure: unknown, and not asked again
    assert corrected["pain_severity"] == 5
    assert ("a", "paresthesia_leg.u") in parse_qsl(urlsplit(location).query)


def test_confirmed_places_are_ticked_on_the_body_map_and_the_questions_skip_what_was_said(
        client: TestClient) -> None:
    _, html = read(client, LAY)
    location = submit(client, html, {"c.loc_posterior_thigh": "n"})
    assert location.startswith("/where?")
    where = Elements(client.get(location).text)
    ticked = {i["value"] for i in where.find("input", type="checkbox", name="where") if "checked" in i}
    assert "loc_buttock" in ticked and "loc_posterior_thigh" not in ticked
    confirmed = {"agg_sitting", "paresthesia_leg", "radiating_leg_pain", "loc_buttock"}
    form = [*hidden_params(client.get(location).text), *(("where", w) for w in ticked)]
    html = client.get("/question?" + urlencode(form)).text
    asked = []
    for _ in range(40):
        q = Elements(html).find("input", name="q")
        if not q:
            break
        asked.append(q[0]["value"])
        r = client.get("/question?" + urlencode([*hidden_params(html), ("answer", "n")]), follow_redirects=False)
        if r.status_code == 303:
            break
        html = r.text
    assert asked and not confirmed & set(asked), asked


def test_a_clinical_note_is_confirmed_with_positive_and_negative_tests(client: TestClient) -> None:
    status, html = read(client, NOTE, mode="clinician")
    assert status == 200
    pre = choices(html)
    assert pre["c.exam_single_leg_stance"] == "y" and pre["c.exam_faber"] == "n"
    assert pre["c.loc_lateral_hip"] == "y"
    labels = [t for t in Elements(html).text if t.strip() in ("Positive", "Negative")]
    assert labels
    case = case_of(client, submit(client, html, {"c.exam_faber": "y"}))
    assert case["findings"]["exam_faber"] is True


def test_a_red_flag_in_the_words_shows_the_banner_on_the_next_page(client: TestClient) -> None:
    status, html = read(client, "Pain in my low back and groin, and I have numbness between my legs "
                                "and can't control my bladder.")
    assert status == 200
    page = Elements(client.get(submit(client, html, {})).text)
    assert page.find("section", role="alert")[0]["data-urgency"] == "emergency"


def test_an_empty_description_goes_straight_to_the_body_map(client: TestClient) -> None:
    r = client.post("/describe", data={"mode": "clinician", "age": "40", "text": "  \r\n "}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/where?mode=clinician&age=40"


@pytest.mark.parametrize("text, says", [
    ("Ich habe seit drei Monaten starke Schmerzen in der linken Hüfte und im Gesäß beim Sitzen.", "only English"),
    ("我的左髋关节疼痛已经三个月了", "only English"),
    ("12345 !!! ???", "no words"),
    ("my hip hurts " * 1000, "too long"),
])
def test_text_that_cannot_be_read_comes_back_with_the_reason(client: TestClient, text: str, says: str) -> None:
    status, html = read(client, text)
    assert status == 400
    page = Elements(html)
    assert says in page.all_text()
    area = page.find("textarea", name="text")[0]
    assert area["aria-invalid"] == "true" and "err-text" in area["aria-describedby"]
    assert page.find("div", role="alert") and page.find("a", href="#field-text")
    assert text[:50] in html  # nothing lost


def test_a_full_reading_queue_keeps_the_description_and_says_try_again(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15, finding 9: past the queue of texts a process reads, the page answers at once
    (503, Retry-After) with the person's words still in the box, and reads them once there is
    room."""
    from hipnav.web.intake import reading

    monkeypatch.setattr(reading, "queued", reading.limit)  # as if the queue were full
    r = client.post("/describe", data={"mode": "patient", "text": LAY}, follow_redirects=False)
    assert r.status_code == 503 and int(r.headers["retry-after"]) >= 1
    page = Elements(r.text)
    assert "send it again in a few seconds" in page.all_text()
    assert page.find("textarea", name="text")[0]["aria-invalid"] == "true"
    assert "deep in my bum" in r.text  # nothing lost
    monkeypatch.setattr(reading, "queued", 0)
    status, html = read(client, LAY)
    assert status == 200 and "bum" in html


def test_nothing_recognised_still_leads_on(client: TestClient) -> None:
    status, html = read(client, "I like gardening and reading, and the weather is nice today.")
    assert status == 200 and "did not find anything" in html
    assert "Continue" in Elements(html).all_text()
    assert submit(client, html, {}) == "/where?mode=patient"


def test_change_my_description_brings_the_words_back(client: TestClient) -> None:
    _, html = read(client, LAY)
    edit = Elements(html).find("input", name="text")
    assert edit and edit[0]["value"] == LAY
    status, page = read(client, LAY, edit="1")
    assert status == 200 and Elements(page).find("textarea", name="text")
    assert LAY.replace("'", "&#39;") in page


def test_earlier_answers_are_kept_and_replaced_by_a_correction(client: TestClient) -> None:
    r = client.post("/describe", data={"mode": "patient", "age": "52", "a": "agg_sitting.n", "where": "loc_groin",
                                       "text": LAY})
    assert r.status_code == 200
    location = submit(client, r.text, {})
    params = parse_qsl(urlsplit(location).query)
    assert ("age", "52") in params and ("where", "loc_groin") in params
    assert [v for k, v in params if k == "a" and v.startswith("agg_sitting.")] == ["agg_sitting.y"]


@pytest.mark.parametrize("query, field", [
    ("c.nope=y", "c"),
    ("c.pain_severity=y", "c"),
    ("c.loc_buttock=maybe", "c.loc_buttock"),
    ("c.loc_buttock=y&mode=robot", "mode"),
])
def test_a_damaged_confirmation_link_gets_a_plain_400(client: TestClient, query: str, field: str) -> None:
    r = client.get(f"/describe/confirm?{query}", follow_redirects=False)
    assert r.status_code == 400 and field in Elements(r.text).all_text()


def test_a_number_corrected_out_of_range_is_marked_on_the_body_map_page(client: TestClient) -> None:
    r = client.get("/describe/confirm?mode=patient&c.loc_buttock=y&pain_severity=70")
    assert r.status_code == 400
    page = Elements(r.text)
    assert page.find("input", name="pain_severity", **{"aria-invalid": "true"})
    assert page.find("input", type="checkbox", value="loc_buttock", checked="")


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["mode", "where", "a", "c.loc_buttock", "c.agg_sitting", "c.fever",
                                           "c.x", "c.", "pain_severity", "age", "text", "edit"]),
                          st.text(max_size=20)), max_size=8))
def test_no_form_makes_a_server_error(client: TestClient, params: list[tuple[str, str]]) -> None:
    r = client.get("/describe/confirm?" + urlencode(params), follow_redirects=False)
    assert r.status_code in (303, 400), (params, r.status_code)
    r = client.get("/describe?" + urlencode(params))
    assert r.status_code in (200, 400), (params, r.status_code)


def test_hostile_posts_make_no_server_error(client: TestClient) -> None:
    for body, kind in [(b"\xff\xfe=\xff&text=\xff", "application/x-www-form-urlencoded"),
                       (b"--x\r\n", "multipart/form-data; boundary=x"),
                       (b'{"text": "hip pain"}', "application/json"),
                       (b"text=" + b"%00" * 50 + b"hip+pain", "application/x-www-form-urlencoded")]:
        r = client.post("/describe", content=body, headers={"content-type": kind}, follow_redirects=False)
        assert r.status_code in (200, 303, 400), (body, r.status_code)
        assert "Traceback" not in r.text


@pytest.mark.parametrize("path", ["/describe?mode=patient", "confirm"])
def test_the_new_pages_are_light_and_quick(client: TestClient, path: str) -> None:
    def fetch() -> bytes:
        if path == "confirm":
            return client.post("/describe", data={"mode": "patient", "text": LAY}).content
        return client.get(path).content

    html = fetch()
    page = Elements(html.decode())
    assets = [a["href"] for a in page.find("link") if a.get("rel") in ("stylesheet", "icon")]
    assets += [s["src"] for s in page.find("script") if s.get("src")]
    assert len(html) + sum(len(client.get(a).content) for a in assets) <= 150 * 1024
    times = []
    for _ in range(5):
        t = time.perf_counter()
        fetch()
        times.append(time.perf_counter() - t)
    assert sorted(times)[2] < 0.1


def test_quotes_mark_the_words_with_some_context_on_word_boundaries() -> None:
    text = "I sit a lot at work.\nMy bum hurts when I sit, and the pain shoots down my leg to the foot."
    at = text.index("bum")
    (quote,) = quotes(text, [(at, at + 3)], context=12)
    assert [p.text for p in quote.parts if p.marked] == ["bum"]
    words = "".join(p.text for p in quote.parts)
    assert words == "at work. My bum hurts when"  # whole words, the line break as a space
    assert quote.cut_before and quote.cut_after
    sit = text.index("sit,")
    near = quotes(text, [(at, at + 3), (sit, sit + 3)], context=10)
    assert len(near) == 1 and [p.text for p in near[0].parts if p.marked] == ["bum", "sit"]
    far = quotes(text, [(2, 5), (text.index("foot"), len(text) - 1)], context=5)
    assert len(far) == 2 and not far[0].cut_before and not far[1].cut_after
    assert quotes(text, []) == ()
