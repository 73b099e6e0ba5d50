"""`hipnav interview` driven through its prompt by a real subprocess."""

from __future__ import annotations

import json

from tests.conftest import run_hipnav


def test_interview_asks_red_flags_first_goes_back_and_saves(tmp_path):
    save = tmp_path / "case.json"
    answers = ["34", "female", "n", "b", "n", "n"] + ["?"] * 3 + ["y", "n"] * 6 + ["q"]
    proc = run_hipnav("interview", "--save", str(save), input="\n".join(answers) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    first_q = next(line for line in out.splitlines() if line.startswith("Q:"))
    assert "(red-flag check)" in first_q
    assert "Leading so far" in out
    assert "URGENCY:" in out
    saved = json.loads(save.read_text())
    assert saved["format"] == "hipnav-case/1"
    assert saved["age"] == 34 and saved["sex"] == "female"
    # "b" undid the first "n"; don't-knows are left out; 2 + 12 answers were yes or no
    assert len(saved["findings"]) >= 14
    assert all(isinstance(v, bool) for v in saved["findings"].values())


def test_saddle_numbness_shows_the_emergency_at_once():
    proc = run_hipnav("interview", input="50\nmale\ny\nq\n")
    assert proc.returncode == 0, proc.stderr
    before_report = proc.stdout.split("hipnav assessment")[0]
    assert "EMERGENCY" in before_report


def test_clinician_mode_asks_exam_tests_and_says_how(kb):
    proc = run_hipnav("interview", "--clinician", "--max-questions", "40",
                      input="\n".join(["30", "m"] + ["y", "n"] * 20) + "\n")
    assert proc.returncode == 0, proc.stderr
    exam_texts = {f.means for f in kb.findings.values() if f.is_exam and f.means}
    asked = [line[3:].rsplit(" [", 1)[0] for line in proc.stdout.splitlines() if line.startswith("Q: ")]
    assert any(q in exam_texts for q in asked)
    assert "How:" in proc.stdout


def test_patient_mode_never_asks_exam_tests(kb):
    proc = run_hipnav("interview", input="\n".join(["30", "m"] + ["n", "y"] * 20) + "\n")
    exam_texts = {f.means for f in kb.findings.values() if f.is_exam and f.means}
    asked = [line[3:].rsplit(" [", 1)[0] for line in proc.stdout.splitlines() if line.startswith("Q: ")]
    assert asked and not any(q in exam_texts for q in asked)


def test_interview_from_own_words_confirms_each_finding_then_asks_the_rest(tmp_path, kb):
    save = tmp_path / "case.json"
    text = "it hurts on the outside of my hip when I lie on that side, and my groin aches too"
    # age, sex; then confirm the first reading (y), correct the second (n), don't know the rest
    answers = ["55", "female", "y", "n"] + ["?"] * 6 + ["q"]
    proc = run_hipnav("interview", "--text", text, "--save", str(save), input="\n".join(answers) + "\n")
    assert proc.returncode == 0, proc.stderr
    assert "From your description I understood" in proc.stdout
    by_question = {(f.ask or f.means): f.id for f in kb.findings.values()}
    shown = []
    for chunk in proc.stdout.split("Right? [y/n/?]")[:-1]:
        question, said = chunk.rsplit("  → ", 1)
        shown.append((by_question[question.strip().splitlines()[-1].strip()], said.strip(". ") == "yes"))
    assert len(shown) >= 2
    saved = json.loads(save.read_text())["findings"]
    (first, first_said), (second, second_said) = shown[0], shown[1]
    assert saved[first] is first_said  # confirmed
    assert saved[second] is (not second_said)  # corrected by the person
    for fid, _ in shown[2:]:
        assert fid not in saved or fid in {first, second}  # "don't know": not used


def test_assess_from_text(tmp_path):
    proc = run_hipnav("assess", "--json", "--text", "deep pain in my bum when I sit, shoots down the back of my leg to my foot",
                      "--age", "40")
    assert proc.returncode == 0, proc.stderr
    res = json.loads(proc.stdout)
    assert res["differential"][0]["condition"] in {"lumbar_radiculopathy", "deep_gluteal"}
