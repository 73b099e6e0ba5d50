"""Likelihood ratios derived at load from frequencies (how often a finding occurs in each
condition) against the default setting's consulters: the mixture of the conditions' own
frequencies over the case mix, or a published consulters' rate where one is given."""

from __future__ import annotations

import pytest

from hipnav.knowledge import load
from hipnav.knowledge.derivation import disagreements
from hipnav.knowledge.distribution import normal_shares
from tests.conftest import run_hipnav
from tests.knowledge.conftest import COEXISTENCE

WEIGHTS = {"alpha": 0.2 / 0.31, "beta": 0.1 / 0.31, "gamma": 0.01 / 0.31}


def _lr(kb, condition, finding):
    return {ev.finding: ev for ev in kb.conditions[condition].evidence}.get(finding)


def test_frequencies_become_likelihood_ratios_against_the_other_consulters(freq_kb):
    kb = load(freq_kb)
    c = 0.3
    # gamma does not list groin pain: it occurs there only through a coexisting cause, c * r
    w = WEIGHTS
    r = (w["alpha"] * 0.8 + w["beta"] * 0.2) / (1 - c * w["gamma"])
    assert kb.base_rates["primary_care"]["loc_groin"].rate["yes"] == pytest.approx(r)
    p = {"alpha": 0.8, "beta": 0.2, "gamma": c * r}
    assert sum(w[d] * p[d] for d in p) == pytest.approx(r)  # the mixture is self-consistent
    for d in ("alpha", "beta", "gamma"):
        others = sum(w[o] * p[o] for o in p if o != d) / (1 - w[d])
        ev = _lr(kb, d, "loc_groin")
        assert ev.lr["yes"] == pytest.approx(p[d] / others)
        assert ev.lr["no"] == pytest.approx((1 - p[d]) / (1 - others))
        assert ev.derivation.in_others["yes"] == pytest.approx(others)
    assert _lr(kb, "alpha", "loc_groin").provenance.locator == "Table 2"
    assert _lr(kb, "alpha", "loc_groin").derivation.listed
    gamma = _lr(kb, "gamma", "loc_groin")
    assert not gamma.derivation.listed and gamma.provenance.is_estimate
    assert "coexisting" in gamma.provenance.estimate
    assert gamma.lr["yes"] < 1 < gamma.lr["no"]


def test_published_accuracy_stays_as_published_and_feeds_the_mixture(freq_kb):
    kb = load(freq_kb)
    fadir = _lr(kb, "alpha", "exam_fadir")
    assert fadir.derivation is None and fadir.lr["yes"] == pytest.approx(0.9 / 0.5)
    assert _lr(kb, "gamma", "fever").lr == {"yes": 6.0, "no": 0.3}
    # the published sensitivity is alpha's frequency of a positive test in the mixture
    c, w = 0.3, WEIGHTS
    r = w["alpha"] * 0.9 / (1 - c * (w["beta"] + w["gamma"]))
    assert kb.base_rates["primary_care"]["exam_fadir"].rate["yes"] == pytest.approx(r)


def test_a_published_zero_or_hundred_percent_gets_half_a_case_either_side(freq_kb):
    kb = load(freq_kb)
    fever = next(f for f in kb.conditions["alpha"].frequencies if f.finding == "fever")
    assert fever.proportions["yes"] == pytest.approx(46.5 / 47)
    assert fever.provenance.secondary and fever.provenance.grade == "C"


def test_category_and_numeric_frequencies(freq_kb):
    kb = load(freq_kb)
    sex = next(f for f in kb.conditions["alpha"].frequencies if f.finding == "sex")
    assert sex.proportions == pytest.approx({"female": 0.8, "male": 0.2})  # one value takes the rest
    assert sex.also[0].proportions == pytest.approx({"female": 0.7, "male": 0.3})
    age = next(f for f in kb.conditions["alpha"].frequencies if f.finding == "age")
    assert age.proportions == pytest.approx(normal_shares(kb.findings["age"], 30, 10))
    assert age.proportions["young"] > 0.97  # a mean of 30 (SD 10) lies far below the cut at 50
    # age and sex say nothing about a condition that does not list them (no coexistence rule)
    assert _lr(kb, "gamma", "sex") is None and _lr(kb, "gamma", "age") is None
    w = WEIGHTS
    female = (w["alpha"] * 0.8 + w["beta"] * 0.5) / (w["alpha"] + w["beta"])
    assert kb.base_rates["primary_care"]["sex"].rate["female"] == pytest.approx(female)
    # the setting's age mix is the mixture of the conditions' age distributions
    young = (w["alpha"] * age.proportions["young"] + w["beta"] * 0.2) / (w["alpha"] + w["beta"])
    assert kb.age_mix["primary_care"]["young"] == pytest.approx(young)


def _consulters(freq_kb, rate: float) -> None:
    (freq_kb / "consulters").mkdir(exist_ok=True)
    (freq_kb / "consulters/c.yaml").write_text(
        f"consulters:\n  - {{id: groin_pc, finding: loc_groin, setting: primary_care, proportion: {rate},"
        " n: 100, source: ref1, grade: B, population: \"all hip-pain consulters\"}\n")


def test_a_published_consulters_rate_replaces_the_mixture(freq_kb):
    _consulters(freq_kb, 0.6)
    kb = load(freq_kb)
    base = kb.base_rates["primary_care"]["loc_groin"]
    assert base.rate["yes"] == 0.6 and base.sourced is not None and base.mixture is not None
    ev = _lr(kb, "alpha", "loc_groin")
    w = WEIGHTS["alpha"]
    assert ev.lr["yes"] == pytest.approx(0.8 / ((0.6 - w * 0.8) / (1 - w)))
    assert ev.derivation.base_sourced
    assert disagreements(kb.base_rates["primary_care"]) == []  # the mixture gives 0.59


def test_kb_check_names_a_published_rate_the_mixture_contradicts(freq_kb):
    _consulters(freq_kb, 0.3)  # below alpha's own share of groin pain among consulters (0.52)
    kb = load(freq_kb)
    assert any(d.startswith("loc_groin=yes: published 0.300") for d in disagreements(kb.base_rates["primary_care"]))
    assert max(_lr(kb, "alpha", "loc_groin").lr.values()) <= 100  # bounded, not a division by zero
    proc = run_hipnav("kb", "check", "--data", str(freq_kb))
    assert proc.returncode == 0, proc.stderr
    assert "loc_groin=yes: published 0.300" in proc.stdout


def test_a_settings_age_mix_is_the_consulters_age_rate_an_estimate_stays_unsourced(freq_kb):
    meta = freq_kb / "meta.yaml"
    meta.write_text(meta.read_text().replace(COEXISTENCE, COEXISTENCE + (
        "    age_mix: {young: 0.8, old: 0.2}\n    age_mix_estimate: \"test: consulters mostly young\"\n")))
    kb = load(freq_kb)
    base = kb.base_rates["primary_care"]["age"]
    assert base.rate == {"young": 0.8, "old": 0.2} and base.mixture is not None
    ev = _lr(kb, "alpha", "age")
    young = next(f for f in kb.conditions["alpha"].frequencies if f.finding == "age").proportions["young"]
    w = WEIGHTS["alpha"]
    assert ev.lr["young"] == pytest.approx(young / ((0.8 - w * young) / (1 - w)))
    assert not ev.derivation.base_sourced  # the age mix is an estimate: the comparison is not published
    assert any(d.startswith("age=old: estimated 0.200") for d in disagreements(kb.base_rates["primary_care"]))


def test_without_a_coexistence_share_an_unlisted_finding_says_nothing(freq_kb):
    meta = freq_kb / "meta.yaml"
    meta.write_text(meta.read_text().replace(COEXISTENCE, ""))
    kb = load(freq_kb)
    assert _lr(kb, "gamma", "loc_groin") is None
    assert _lr(kb, "beta", "loc_groin") is not None


def test_normal_shares_cover_the_bands(kb):
    shares = normal_shares(kb.findings["age"], 50, 15)
    assert sum(shares.values()) == pytest.approx(1)
    assert shares["older_adult"] == pytest.approx(shares["adult"], rel=0.05)  # symmetric about 50
