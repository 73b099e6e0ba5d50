"""`hipnav assess` through a real subprocess, against the shared case-format contract."""

from __future__ import annotations

import json

import yaml

from tests.conftest import SHARED, run_hipnav

CONDITIONS = [c["id"] for c in yaml.safe_load((SHARED / "case-format/conditions.yaml").read_text())["conditions"]]
LEVELS = [u["id"] for u in yaml.safe_load((SHARED / "case-format/conditions.yaml").read_text())["urgency_levels"]]
VIGNETTES = [json.loads(line) for line in (SHARED / "vignettes/dev.jsonl").read_text().splitlines() if line.strip()]


def test_json_lines_follow_the_result_contract():
    text = "".join(json.dumps(v["case"]) + "\n" for v in VIGNETTES)
    proc = run_hipnav("assess", "--json", "-", input=text)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == len(VIGNETTES)
    for v, line in zip(VIGNETTES, lines, strict=True):
        res = json.loads(line)
        assert res["id"] == v["case"]["id"]
        assert res["urgency"] in LEVELS
        assert isinstance(res["red_flags"], list)
        for flag in res["red_flags"]:
            assert flag["id"] and flag["message"]
        ranked = [d["condition"] for d in res["differential"]]
        assert set(CONDITIONS) <= set(ranked)
        probs = [d["probability"] for d in res["differential"]]
        assert probs == sorted(probs, reverse=True)
        assert all(0.0 <= p <= 1.0 for p in probs)


def test_vignette_lines_are_read_through_their_case_field(tmp_path):
    path = tmp_path / "v.jsonl"
    path.write_text("".join(json.dumps(v) + "\n" for v in VIGNETTES[:3]))
    proc = run_hipnav("assess", "--json", str(path))
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(x)["id"] for x in proc.stdout.splitlines()] == [v["case"]["id"] for v in VIGNETTES[:3]]


def test_one_pretty_printed_case(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(VIGNETTES[0]["case"], indent=2))
    proc = run_hipnav("assess", "--json", str(path))
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 1


def test_bad_cases_give_error_lines_and_the_rest_go_on():
    good = VIGNETTES[0]["case"]
    lines = [
        json.dumps(good),
        "{not json",
        json.dumps({"id": "unknown-finding", "findings": {"loc_moon": True}}),
        json.dumps({"id": "wrong-type", "findings": {"fever": "yes"}}),
        json.dumps({"id": "out-of-range", "age": 300, "findings": {}}),
        json.dumps({"id": "bad-number", "findings": {"exam_temperature_c": 99}}),
        json.dumps(good | {"id": "last"}),
    ]
    proc = run_hipnav("assess", "--json", "-", input="\n".join(lines) + "\n")
    assert proc.returncode == 1
    out = [json.loads(x) for x in proc.stdout.splitlines()]
    assert len(out) == 7
    assert out[0]["id"] == good["id"] and "differential" in out[0]
    assert "line 2" in out[1]["error"] and "JSON" in out[1]["error"]
    assert out[2] == {"id": "unknown-finding", "error": out[2]["error"]}
    assert "findings.loc_moon" in out[2]["error"]
    assert "findings.fever" in out[3]["error"]
    assert "age" in out[4]["error"] and "120" in out[4]["error"]
    assert "findings.exam_temperature_c" in out[5]["error"]
    assert out[6]["id"] == "last" and "differential" in out[6]


def test_readable_report_puts_urgency_first_and_cites_sources(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps({"id": "demo", "age": 45, "sex": "female",
                                "findings": {"loc_lateral_hip": True, "pain_lying_on_side": True,
                                             "exam_gt_tender": True}}))
    proc = run_hipnav("assess", str(path))
    assert proc.returncode == 0, proc.stderr
    body = [x for x in proc.stdout.splitlines() if x.strip()]
    assert body[2].startswith("URGENCY:")
    assert "Likely causes" in proc.stdout
    assert "%" in proc.stdout
    assert "does not replace a clinician" in proc.stdout


def test_readable_report_speaks_to_a_person_and_to_a_clinician_with_clinician(tmp_path):
    """A person reads what they said and which way it points, in the web result's words; the
    likelihood ratios and grades are shown only with --clinician (issue 13 item 4)."""
    path = tmp_path / "case.json"
    path.write_text(json.dumps({"id": "demo", "age": 45, "sex": "female",
                                "findings": {"loc_lateral_hip": True, "pain_lying_on_side": True,
                                             "loc_groin": False, "exam_gt_tender": True}}))
    lay = run_hipnav("assess", str(path))
    assert lay.returncode == 0, lay.stderr
    assert not any(word in lay.stdout for word in ("LR ", "grade ", "odds"))
    reasons = [x.strip() for x in lay.stdout.splitlines() if x.startswith("      ")]
    assert reasons and all(r.split(" [")[0].endswith(" this cause") for r in reasons)
    assert any(r.startswith("+ ") and "you said yes — " in r and "points to" in r for r in reasons)
    assert any("you said no — " in r for r in reasons)  # an answer "no" is said as given
    assert any(": positive — " in r for r in reasons)  # a test: positive, not "you said"
    assert "Sources:" in lay.stdout and "[" in "".join(reasons)  # published figures keep their tag
    clinician = run_hipnav("assess", "--clinician", str(path))
    assert clinician.returncode == 0, clinician.stderr
    assert "LR " in clinician.stdout and "grade " in clinician.stdout and "you said" not in clinician.stdout
    # the same causes in the same order either way: only the words differ
    def ranked(text: str) -> list[str]:
        return [x for x in text.splitlines() if x[:3].strip().rstrip(".").isdigit()]
    assert ranked(lay.stdout) == ranked(clinician.stdout) and ranked(lay.stdout)


def test_red_flag_shows_as_emergency(tmp_path):
    proc = run_hipnav("assess", "--json", "-", input=json.dumps(
        {"id": "ces", "findings": {"saddle_anesthesia": True, "loc_buttock": True}}))
    res = json.loads(proc.stdout)
    assert res["urgency"] == "emergency"
    assert res["red_flags"]


def test_missing_file_is_a_clear_error():
    proc = run_hipnav("assess", "--json", "/nonexistent/case.json")
    assert proc.returncode == 2
    assert "cannot read" in proc.stderr


def test_hostile_lines_give_error_lines_and_the_cases_after_them_are_assessed():
    """Issue 15: a 400-digit integer or deep nesting printed a traceback and lost the rest."""
    good = VIGNETTES[0]["case"]
    lines = [
        json.dumps(good | {"id": "first"}),
        '{"id": "big", "findings": {"duration_weeks": ' + "9" * 400 + "}}",
        '{"id": "deep", "findings": ' + "[" * 6000 + "]" * 6000 + "}",
        '{"id": "nul", "narrative": "a\\u0000b", "findings": {}}',
        '{"id": "huge-age", "age": 1e400, "findings": {}}',
        "{not json",
        json.dumps(good | {"id": "last"}),
    ]
    proc = run_hipnav("assess", "--json", "-", input="\n".join(lines) + "\n")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    out = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["first", None, None, None, None, None, "last"]
    assert "differential" in out[0] and "differential" in out[-1]
    errors = [o["error"] for o in out[1:-1]]
    assert errors[0].startswith("line 2: findings.duration_weeks:") and "digits" in errors[0]
    assert errors[1].startswith("line 3: case:") and "deeper than" in errors[1]
    assert errors[2].startswith("line 4: narrative:") and "U+0000" in errors[2]
    assert errors[3].startswith("line 5: age:")
    assert errors[4].startswith("line 6: case:") and "not valid JSON" in errors[4]


def test_must_rule_out_follows_the_contract():
    """Case format 1.1: serious conditions outside the first three, most serious first, at most
    two, each with its probability (as in the differential) and the reason."""
    vignettes = VIGNETTES + [json.loads(line) for line in (SHARED / "vignettes/dev-2.jsonl").read_text().splitlines()
                             if line.strip()]
    text = "".join(json.dumps(v["case"]) + "\n" for v in vignettes)
    proc = run_hipnav("assess", "--json", "-", input=text)
    assert proc.returncode == 0, proc.stderr
    named = 0
    for line in proc.stdout.splitlines():
        res = json.loads(line)
        first = [d["condition"] for d in res["differential"][:3]]
        p = {d["condition"]: d["probability"] for d in res["differential"]}
        assert len(res["must_rule_out"]) <= 2
        for r in res["must_rule_out"]:
            assert set(r) == {"condition", "probability", "why"}
            assert r["condition"] not in first and r["probability"] == p[r["condition"]] and r["why"]
        named += bool(res["must_rule_out"])
    assert named, "no case named a condition to rule out"


def test_the_readable_report_shows_what_to_rule_out():
    from tests.conftest import rule_out_case

    case = rule_out_case()
    want = json.loads(run_hipnav("assess", "--json", "-", input=json.dumps(case)).stdout)["must_rule_out"]
    proc = run_hipnav("assess", "-", input=json.dumps(case))
    assert proc.returncode == 0, proc.stderr
    report = " ".join(proc.stdout.split())
    assert "RULE OUT NOW" in report
    assert report.index("RULE OUT NOW") < report.index("Likely causes")
    for r in want:
        assert " ".join(r["why"].split())[:60] in report
