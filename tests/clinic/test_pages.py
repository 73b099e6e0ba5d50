"""A practitioner's day through the pages: clients, outcome visits with charts, imported
assessments, provider downloads, export and deletion; and the admin's account pages."""

from __future__ import annotations

import json
import re

from starlette.testclient import TestClient

from hipnav.reports.fhir import validate
from hipnav.store import Actor, Store
from tests.clinic.conftest import PASSWORD, csrf_of, enrol, sign_in

HOOS = ["P1", "P2", "P3", "P4", "F1", "F2", "F3", "F4", "Q1", "Q2", "Q3", "Q4"]
CASE = {"format": "hipnav-case/1", "id": "imported", "age": 58, "sex": "female",
        "findings": {"loc_groin": True, "loc_buttock": False}}


def _new_client(web: TestClient, token: str, **fields: str) -> str:
    r = web.post("/clinic/clients/new", data={"csrf_token": token, **fields})
    assert r.status_code == 200 and r.url.path.startswith("/clinic/clients/"), r.text[:300]
    return r.url.path.rsplit("/", 1)[1]


def test_clients_create_edit_search(web: TestClient, alice: Actor) -> None:
    token = sign_in(web, "alice")
    cid = _new_client(web, token, display_name="Jo Smith", reference="R-7", birth_year="1966", sex="female")
    _new_client(web, token, display_name="Max Power")
    bad = web.post("/clinic/clients/new", data={"csrf_token": token, "display_name": "X", "birth_year": "1850"})
    assert bad.status_code == 400 and "The year of birth must be" in bad.text and "birth_year must" not in bad.text
    web.post(f"/clinic/clients/{cid}/edit", data={"csrf_token": token, "display_name": "Jo Smith",
                                                 "notes": "runs 20 km a week"})
    assert "runs 20 km a week" in web.get(f"/clinic/clients/{cid}").text
    listed = web.get("/clinic/clients?q=r-7").text
    assert "Jo Smith" in listed and "Max Power" not in listed


def test_the_client_form_marks_every_mistake_and_keeps_what_was_typed(web: TestClient, alice: Actor) -> None:
    token = sign_in(web, "alice")
    long_contact = "c" * 250  # over the 200 limit: refused whole, not cut by the form
    bad = web.post("/clinic/clients/new", data={"csrf_token": token, "display_name": " ", "birth_year": "19x6",
                                                "contact": long_contact, "notes": "keeps this"})
    assert bad.status_code == 400
    for said, field in (("The name or initials must be given", "display_name"),
                        ("The year of birth must be a year such as 1980", "birth_year"),
                        ("The contact must be at most 200 characters", "contact")):
        assert said in bad.text and f'id="err-{field}"' in bad.text
    assert f'value="{long_contact}"' in bad.text and "keeps this" in bad.text and "maxlength" not in bad.text


def test_outcome_visits_are_scored_and_charted(web: TestClient, store: Store, alice: Actor) -> None:
    token = sign_in(web, "alice")
    cid = _new_client(web, token, display_name="Jo")
    for day, nprs, answer in (("2026-09-01", 7, 3), ("2026-09-15", 5, 2), ("2026-10-01", 2, 1)):
        r = web.post(f"/clinic/clients/{cid}/visits/new", data={
            "csrf_token": token, "visit_date": day, "nprs": str(nprs), "psfs_activity_1": "Stairs",
            "psfs_score_1": str(10 - nprs), "psfs_activity_2": "Running", "psfs_score_2": "4",
            **{f"hoos_{k}": str(answer) for k in HOOS}})
        assert r.status_code == 200, r.text[:400]
    visits = store.visits.list(alice, cid)
    assert [v.nprs for v in visits] == [7, 5, 2]
    assert visits[0].psfs_mean == 3.5 and visits[0].hoos12_summary == 25.0 and visits[2].hoos12_summary == 75.0
    page = web.get(f"/clinic/clients/{cid}").text
    for chart in ("nprs", "psfs", "hoos12"):
        assert f'data-chart="{chart}"' in page
    assert page.count("<circle") == 3 + 3 + 3 * 4  # every visit, every series
    # the next visit form offers the same PSFS activities to re-rate
    form = web.get(f"/clinic/clients/{cid}/visits/new").text
    assert 'value="Stairs"' in form and 'value="Running"' in form
    bad = web.post(f"/clinic/clients/{cid}/visits/new", data={"csrf_token": token, "visit_date": "2026-10-02",
                                                              "psfs_activity_1": "Stairs", "psfs_score_1": "12"})
    # every mistake in words beside its field, no internal names; what was typed kept
    assert bad.status_code == 400 and "The rating of activity 1 must be a number from 0 to 10" in bad.text
    assert "psfs[" not in bad.text and 'id="err-psfs_score_1"' in bad.text and 'value="12"' in bad.text


def test_import_view_and_provider_downloads(web: TestClient, alice: Actor) -> None:
    token = sign_in(web, "alice")
    cid = _new_client(web, token, display_name="Jo")
    bad = web.post(f"/clinic/clients/{cid}/import", data={"csrf_token": token,
                                                          "case": json.dumps({"findings": {"loc_moon": True}})})
    assert bad.status_code == 400 and "findings.loc_moon" in bad.text
    r = web.post(f"/clinic/clients/{cid}/import", data={"csrf_token": token},
                 files={"file": ("case.json", json.dumps(CASE).encode(), "application/json")})
    assert r.url.path.startswith("/clinic/assessments/")
    aid = r.url.path.rsplit("/", 1)[1]
    assert "Likely causes" in r.text and "PDF for the provider" in r.text
    pdf = web.get(f"/clinic/assessments/{aid}/report.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    fhir = web.get(f"/clinic/assessments/{aid}/fhir.json")
    bundle = validate(fhir.json())
    assert bundle.entry[0].resource.name[0].text == "Jo"
    assert aid in web.get(f"/clinic/clients/{cid}").text


def test_anonymous_result_page_offers_provider_downloads(web: TestClient) -> None:
    query = "mode=patient&where=loc_groin&age=45&sex=female"
    page = web.get(f"/result?{query}").text
    assert "PDF for my provider" in page
    pdf_link = re.search(r'href="(/result/provider\.pdf\?[^"]+)"', page).group(1)  # type: ignore[union-attr]
    fhir_link = re.search(r'href="(/result/fhir\.json\?[^"]+)"', page).group(1)  # type: ignore[union-attr]
    pdf = web.get(pdf_link.replace("&amp;", "&"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["content-disposition"]
    validate(web.get(fhir_link.replace("&amp;", "&")).json())
    assert web.get("/result/provider.pdf?age=300").status_code == 400


def test_saving_a_web_result_to_a_client(web: TestClient, store: Store, alice: Actor) -> None:
    token = sign_in(web, "alice")
    query = "mode=clinician&where=loc_buttock&age=33"
    assert "Save to a client" in web.get(f"/result?{query}").text
    r = web.post(f"/clinic/save?{query}", data={"csrf_token": token, "client_id": "new", "display_name": "New Person"})
    assert r.url.path.startswith("/clinic/assessments/")
    [client] = store.clients.list(alice)
    [saved] = store.assessments.list(alice, client.id)
    assert saved.source == "web" and saved.case["findings"]["loc_buttock"] is True


def test_export_and_delete_for_good(web: TestClient, store: Store, admin: Actor, alice: Actor) -> None:
    token = sign_in(web, "alice")
    cid = _new_client(web, token, display_name="Jo Smith")
    web.post(f"/clinic/clients/{cid}/import", data={"csrf_token": token, "case": json.dumps(CASE)})
    export = web.get(f"/clinic/clients/{cid}/export.json")
    assert "attachment" in export.headers["content-disposition"]
    record = export.json()
    assert record["client"]["display_name"] == "Jo Smith" and len(record["assessments"]) == 1
    wrong = web.post(f"/clinic/clients/{cid}/delete", data={"csrf_token": token, "confirm": "Jo"})
    assert wrong.status_code == 400
    r = web.post(f"/clinic/clients/{cid}/delete", data={"csrf_token": token, "confirm": "Jo Smith"})
    assert r.url.path == "/clinic/clients" and "deleted for good" in r.text
    assert store.clients.list(alice) == []
    assert web.get(f"/clinic/clients/{cid}").status_code == 404
    assert "client.delete" in [e.action for e in store.audit.events(admin, client_id=cid)]


def test_admin_manages_accounts_and_reads_the_audit_log(web: TestClient, store: Store, admin: Actor,
                                                         alice: Actor) -> None:
    token = sign_in(web, "admin", secret=enrol(store, admin))
    page = web.post("/clinic/admin/accounts", data={"csrf_token": token, "username": "carol",
                                                    "password": PASSWORD, "display_name": "Carol"})
    assert "Account &#39;carol&#39; created" in page.text or "Account 'carol' created" in page.text
    carol = store.accounts.by_username("carol")
    assert carol is not None and carol.role == "practitioner"
    web.post(f"/clinic/admin/accounts/{carol.id}", data={"csrf_token": token, "role": "practitioner",
                                                        "active": "no"})
    assert store.accounts.authenticate("carol", PASSWORD) is None
    audit = web.get("/clinic/admin/audit").text
    assert "account.create" in audit and "account.update" in audit


def test_practitioner_changes_own_password(web: TestClient, store: Store, alice: Actor) -> None:
    token = sign_in(web, "alice")
    r = web.post("/clinic/account", data={"csrf_token": token, "current_password": PASSWORD,
                                          "password": "a brand new password"})
    assert r.url.path == "/clinic/sign-in"
    assert store.accounts.authenticate("alice", "a brand new password") is not None


def test_api_round_trip(web: TestClient, store: Store, alice: Actor) -> None:
    token = web.post("/clinic/api/session", json={"username": "alice", "password": PASSWORD}).json()["csrf_token"]
    h = {"x-csrf-token": token}
    client = web.post("/clinic/api/clients", json={"display_name": "Api Person", "birth_year": 1980}, headers=h)
    cid = client.json()["id"]
    saved = web.post(f"/clinic/api/clients/{cid}/assessments", json=CASE, headers=h)
    assert saved.status_code == 201 and saved.json()["result"]["knowledge_base_version"]
    bad = web.post(f"/clinic/api/clients/{cid}/assessments", json={"age": 400}, headers=h)
    assert bad.status_code == 422 and bad.json()["field"] == "age"
    visit = web.post(f"/clinic/api/clients/{cid}/visits", json={"visit_date": "2026-10-01", "nprs": 4}, headers=h)
    assert visit.status_code == 201
    got = web.get(f"/clinic/api/assessments/{saved.json()['id']}").json()
    assert got["case"]["id"] == "imported"
    assert web.delete(f"/clinic/api/clients/{cid}", headers=h).status_code == 204
    assert store.clients.list(alice) == []
    csrf_of  # noqa: B018  (imported for symmetry with the page tests)
