"""A tiny knowledge base written in frequencies (how often each finding occurs in each
condition), for the derivation and its validation."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import TINY_KB

ALPHA = """id: alpha
name: Alpha
typical_urgency: self_care
priors:
  primary_care: {p: 0.2, source: ref1, grade: B}
  sports_medicine: {p: 0.3, estimate: "test prior for a sports clinic"}
  manual_therapy: {p: 0.25, estimate: "test prior for a therapy practice"}
evidence:
  - {finding: loc_groin, proportion: 0.8, n: 50, source: ref1, grade: B, locator: "Table 2"}
  - {finding: fever, proportion: 1.0, n: 46, source: ref1, grade: C, secondary: true}
  - {finding: exam_fadir, sens: 0.9, spec: 0.5, source: ref1, grade: A}
  - {finding: sex, proportions: {female: 0.8}, source: ref1, grade: B,
     also: [{proportions: {female: 0.7}, n: 20, source: ref1, grade: C}]}
  - {finding: age, mean: 30, sd: 10, source: ref1, grade: C}
"""
BETA = """id: beta
name: Beta
typical_urgency: routine_medical
priors:
  primary_care: {p: 0.1, estimate: "test prior for primary care"}
  sports_medicine: {p: 0.1, estimate: "test prior for a sports clinic"}
  manual_therapy: {p: 0.1, estimate: "test prior for a therapy practice"}
evidence:
  - {finding: loc_groin, proportion: 0.2, estimate: "test: beta seldom hurts in the groin"}
  - {finding: loc_lateral_hip, proportion: 0.9, estimate: "test: lateral pain defines beta"}
  - {finding: sex, proportions: {female: 0.5, male: 0.5}, estimate: "test: beta in either sex"}
  - {finding: age, proportions: {young: 0.2, old: 0.8}, estimate: "test: beta mostly after fifty"}
"""
GAMMA = """id: gamma
name: Gamma
typical_urgency: emergency
priors:
  primary_care: {p: 0.01, estimate: "test prior for primary care"}
  sports_medicine: {p: 0.005, estimate: "test prior for a sports clinic"}
  manual_therapy: {p: 0.005, estimate: "test prior for a therapy practice"}
evidence:
  - {finding: fever, lr_pos: 6.0, lr_neg: 0.3, source: ref1, grade: B}
"""
COEXISTENCE = "    coexistence: {p: 0.3, estimate: \"test: one consulter in three has a second cause\"}\n"


@pytest.fixture
def freq_kb(tmp_path):
    """The tiny knowledge base with its conditions stated as frequencies, in a folder of its own."""
    dest = tmp_path / "kb"
    shutil.copytree(TINY_KB, dest)
    for name, text in (("alpha", ALPHA), ("beta", BETA), ("gamma", GAMMA)):
        (dest / f"conditions/{name}.yaml").write_text(text)
    meta = (dest / "meta.yaml").read_text()
    meta = meta.replace('  - {id: primary_care, name: "Primary care (general practice)"}',
                        '  - id: primary_care\n    name: "Primary care (general practice)"\n' + COEXISTENCE)
    (dest / "meta.yaml").write_text(meta)
    return dest
