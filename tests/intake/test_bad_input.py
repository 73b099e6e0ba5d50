"""Bad input gives a clear message or an empty result, never a crash; the CLI goes on."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hipnav.intake import extract
from hipnav.intake.vocabulary import vocabulary

ROOT = Path(__file__).resolve().parents[2]


def hipnav(*args: str, input: str | bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hipnav", *args], input=input,
                          capture_output=True, timeout=120, cwd=ROOT)


@pytest.mark.parametrize("text", ["", "   \n\t ", "12345 ... !!!"])
def test_empty_text_gives_a_message(text: str) -> None:
    result = extract(text)
    assert result.findings == {}
    assert result.messages


def test_a_megabyte_is_refused_quickly() -> None:
    t0 = time.perf_counter()
    result = extract("my hip hurts when I walk. " * 40_000)
    assert time.perf_counter() - t0 < 1.0
    assert result.findings == {} and "too long" in result.messages[0]


@pytest.mark.parametrize("text", [
    "J'ai mal à la hanche gauche depuis trois mois quand je marche dans la rue.",
    "Me duele la cadera derecha cuando camino y también por la noche en la cama.",
    "Болит бедро уже три месяца, особенно ночью.",
    "股关节疼痛三个月了，晚上更严重。",
])
def test_non_english_gives_an_empty_result(text: str) -> None:
    assert extract(text).findings == {}


def test_control_characters_do_not_break_offsets() -> None:
    text = "No numbness\x00 or\x07 tingling.\x1b[31m Pain in my groin\u200b when I walk."
    result = extract(text)
    assert result.findings["paresthesia_leg"] is False
    assert result.findings["loc_groin"] is True and result.findings["agg_walking"] is True
    for span in result.spans:
        assert text[span.start:span.end] == span.text


def test_only_known_ids_and_values_in_range() -> None:
    vocab = vocabulary()
    result = extract("Temperature 55 C, pain 14/10, my hip hurts when I walk, WBC 9.")
    for fid, value in result.findings.items():
        assert fid in vocab and vocab[fid].accepts(value), (fid, value)
    assert "exam_temperature_c" not in result.findings
    assert "pain_severity" not in result.findings


def test_not_a_string_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        extract(None)  # type: ignore[arg-type]


def test_cli_plain_text_document() -> None:
    proc = hipnav("extract", "--json", "-", input=b"My groin hurts when I climb stairs.")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["findings"] == {"loc_groin": True, "agg_stairs": True}
    assert {s["finding"] for s in out["spans"]} >= {"loc_groin", "agg_stairs"}
    assert proc.stderr == b""


def test_cli_json_lines_with_bad_lines_goes_on() -> None:
    lines = [
        json.dumps({"id": "a", "text": "No numbness, pain 7/10 in my buttock."}),
        "{not json",
        json.dumps({"id": "b", "text": ""}),
        json.dumps({"id": "c", "text": 42}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "d", "text": "x" * 1_000_001}),
        json.dumps({"id": "e", "text": "Nach dem Laufen habe ich starke Schmerzen in der Hüfte."}),
        json.dumps({"id": "f", "text": "Ctrl\x01chars\x02 and my hip hurts when I sit."}),
        json.dumps({"id": "g", "text": "SLR -ve, FADIR +ve, temp 38.4"}),
    ]
    proc = hipnav("extract", "--json", "-", input="\n".join(lines).encode())
    assert proc.returncode == 1  # some lines were refused, after all were written
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert len(out) == 9
    assert out[0]["id"] == "a" and out[0]["findings"]["paresthesia_leg"] is False
    assert out[0]["findings"]["pain_severity"] == 7
    assert "error" in out[1] and "error" in out[3] and "error" in out[4]
    assert out[2]["findings"] == {} and out[2]["messages"]
    assert out[5]["findings"] == {} and "too long" in out[5]["messages"][0]
    assert out[6]["findings"] == {}
    assert out[7]["findings"]["agg_sitting"] is True
    assert out[8]["findings"] == {"exam_slr": False, "exam_fadir": True,
                                  "exam_temperature_c": 38.4, "fever": True}


def test_cli_undecodable_bytes_and_missing_file(tmp_path: Path) -> None:
    proc = hipnav("extract", "--json", "-", input=b"\xff\xfe my hip \xc3 hurts when I walk")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["findings"]["agg_walking"] is True
    proc = hipnav("extract", "--json", str(tmp_path / "missing.txt"))
    assert proc.returncode == 2 and b"cannot read" in proc.stderr


def test_cli_readable_output(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("R lat hip pain x3/12, worse lying on R side. Maybe some numbness.")
    proc = hipnav("extract", str(note))
    assert proc.returncode == 0
    text = proc.stdout.decode()
    assert "loc_lateral_hip = true" in text and "duration_weeks = 12.9" in text
    assert "not used: paresthesia_leg" in text
