"""`hipnav report` through a real subprocess: from a case file, and from a saved assessment."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from hipnav.reports.document import assess_raw
from hipnav.reports.fhir import validate
from hipnav.store import Store
from tests.conftest import run_hipnav

CASE = {"format": "hipnav-case/1", "id": "cli-1", "age": 61, "sex": "male",
        "findings": {"loc_groin": True, "morning_stiffness_short": True}}


def _case_file(tmp_path: Path, case: dict) -> Path:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, indent=2))
    return path


def test_pdf_and_fhir_from_a_case_file(tmp_path: Path) -> None:
    case = {**CASE, "findings": {"loc_groin": True}}
    proc = run_hipnav("report", str(_case_file(tmp_path, case)), "--pdf", str(tmp_path / "r.pdf"),
                      "--fhir", str(tmp_path / "r.json"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    validate(json.loads((tmp_path / "r.json").read_text()))


def test_fhir_to_stdout_and_refusals(tmp_path: Path) -> None:
    proc = run_hipnav("report", "-", "--fhir", "-", input=json.dumps({**CASE, "findings": {"loc_groin": True}}))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["resourceType"] == "Bundle"
    bad = run_hipnav("report", str(_case_file(tmp_path, {"findings": {"loc_moon": True}})), "--pdf", "x.pdf")
    assert bad.returncode == 2 and "findings.loc_moon" in bad.stderr
    assert run_hipnav("report", str(tmp_path / "case.json")).returncode == 2  # nothing to write


def test_saved_assessment_by_id(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    store = Store.open(url)
    ana = store.accounts.create(None, "ana", "a long password", display_name="Ana Therapist").actor()
    bob = store.accounts.create(ana, "bob", "another long password").actor()
    client = store.clients.create(ana, display_name="Jo Smith", reference="R-9", birth_year=1960)
    case, doc = assess_raw({**CASE, "findings": {"loc_groin": True}})
    saved = store.assessments.save(ana, client.id, case, doc)
    store.visits.record(ana, client.id, date(2026, 10, 1), nprs=6)
    store.close()
    out = tmp_path / "saved.json"
    proc = run_hipnav("report", "--db", saved.id, "--user", "ana", "--database-url", url, "--fhir", str(out),
                      "--pdf", str(tmp_path / "saved.pdf"))
    assert proc.returncode == 0, proc.stderr
    bundle = json.loads(out.read_text())
    validate(bundle)
    assert bundle["entry"][0]["resource"]["name"] == [{"text": "Jo Smith"}]
    # another practitioner cannot report it, and the attempt is audited
    denied = run_hipnav("report", "--db", saved.id, "--user", "bob", "--database-url", url, "--fhir", "-")
    assert denied.returncode == 2 and "no saved assessment" in denied.stderr
    store = Store.open(url)
    events = store.audit.events(ana)
    assert any(e.actor_id == bob.id and e.outcome == "denied" and e.channel == "cli" for e in events)
    assert any(e.actor_name == "ana" and e.action == "assessment.read" and e.channel == "cli" for e in events)
    store.close()
