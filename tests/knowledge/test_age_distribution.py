"""A condition's age distribution in the form the literature reports it (mean and SD, median with
quartiles or range, shares over the publication's own groups, a mixture of the disorders a
condition groups), turned into band shares at load; the likelihood ratio of each band is then the
ratio of the published shares (the condition's against everyone else consulting)."""

from __future__ import annotations

import math

import pytest

from hipnav.knowledge import KnowledgeError, load
from hipnav.knowledge.distribution import hozo_mean_sd
from tests.knowledge.conftest import COEXISTENCE

AGE = "{finding: age, mean: 30, sd: 10, source: ref1, grade: C}"
WEIGHT_ALPHA = 0.2 / 0.31  # alpha's share of the primary-care case mix (tiny knowledge base)


def _age(freq_kb, entry: str, mix: str | None = None):
    path = freq_kb / "conditions/alpha.yaml"
    path.write_text(path.read_text().replace(AGE, entry))
    if mix is not None:
        meta = freq_kb / "meta.yaml"
        meta.write_text(meta.read_text().replace(COEXISTENCE, COEXISTENCE + mix))
    return load(freq_kb)


def _problems(freq_kb, entry: str) -> list[str]:
    with pytest.raises(KnowledgeError) as err:
        _age(freq_kb, entry)
    return err.value.problems


def _phi(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def test_the_lr_of_a_band_is_the_ratio_of_the_published_shares(freq_kb):
    mix = "    age_mix: {young: 0.8, old: 0.2}\n    age_mix_source: ref1\n    age_mix_grade: B\n"
    kb = _age(freq_kb, "{finding: age, groups: [{lt: 50, share: 0.9}, {gte: 50, share: 0.1}],"
                       " n: 200, source: ref1, grade: B, locator: \"Table 1\"}", mix)
    ev = {e.finding: e for e in kb.conditions["alpha"].evidence}["age"]
    w = WEIGHT_ALPHA
    for band, mine, everyone in (("young", 0.9, 0.8), ("old", 0.1, 0.2)):
        others = (everyone - w * mine) / (1 - w)  # everyone else consulting
        assert ev.lr[band] == pytest.approx(mine / others)
    assert ev.derivation.base_sourced and not ev.provenance.is_estimate  # both sides published


def test_a_median_with_quartiles_is_a_normal_or_a_lognormal_through_them(freq_kb):
    kb = _age(freq_kb, "{finding: age, median: 40, iqr: [30, 50], source: ref1, grade: C}")
    age = next(f for f in kb.conditions["alpha"].frequencies if f.finding == "age")
    sd = 20 / 1.349
    expected = (_phi(10 / sd) - _phi(-40 / sd)) / (1 - _phi(-40 / sd))  # truncated at age 0
    assert age.proportions["young"] == pytest.approx(expected)


def test_a_lognormal_puts_the_published_quartiles_at_a_quarter_and_three_quarters(freq_kb):
    kb = _age(freq_kb, "{finding: age, median: 25, iqr: [12.5, 50], distribution: lognormal,"
                       " source: ref1, grade: C}")
    age = next(f for f in kb.conditions["alpha"].frequencies if f.finding == "age")
    beyond = 1 - _phi(math.log(120 / 25) / (math.log(4) / 1.349))  # past the finding's maximum age
    assert age.proportions["old"] == pytest.approx((0.25 - beyond) / (1 - beyond), rel=1e-4)  # 50: 3rd quartile


def test_a_median_with_a_range_follows_hozo_and_stays_within_the_range(freq_kb):
    assert hozo_mean_sd(13, 4, 16, 217) == (13, 2.0)  # n > 70: the median, range / 6
    assert hozo_mean_sd(13, 4, 16, 40) == (13, 3.0)  # 15 < n <= 70: range / 4
    kb = _age(freq_kb, "{finding: age, median: 13, range: [4, 16], n: 217, source: ref1, grade: C}")
    age = next(f for f in kb.conditions["alpha"].frequencies if f.finding == "age")
    # nobody in the series was 50 or older: half a case, not zero (continuity, n = 217)
    assert age.proportions["old"] == pytest.approx(0.5 / 218)


def test_a_mixture_weights_each_disorders_published_distribution(freq_kb):
    kb = _age(freq_kb, "{finding: age, components: ["
                       "{weight: 0.75, groups: [{lt: 50, share: 1.0}, {gte: 50, share: 0.0}], source: ref1, grade: B},"
                       "{weight: 0.25, mean: 50, sd: 10, source: ref1, grade: B}],"
                       " n: 100, estimate: \"test: three cases of the first disorder to one of the second\"}")
    age = next(f for f in kb.conditions["alpha"].frequencies if f.finding == "age")
    assert age.proportions["old"] == pytest.approx(0.25 * 0.5)
    assert [c.weight for c in age.components] == [0.75, 0.25]
    assert age.provenance.is_estimate  # the weights are estimated, so the mixture is too


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("{finding: age, median: 40, source: ref1, grade: C}",
         "alpha evidence[4] (age) median: a median needs 'iqr: [q1, q3]' or 'range: [min, max]' with 'n'"),
        ("{finding: age, median: 40, iqr: [45, 50], source: ref1, grade: C}",
         "alpha evidence[4] (age) iqr: must be [q1, q3] with q1 < q3 around the median 40"),
        ("{finding: age, median: 40, iqr: [0, 50], distribution: lognormal, source: ref1, grade: C}",
         "alpha evidence[4] (age) iqr: must be [q1, q3] with q1 < q3 around the median 40 and q1 > 0"),
        ("{finding: age, median: 40, iqr: [30, 50], distribution: gamma, source: ref1, grade: C}",
         "alpha evidence[4] (age) distribution: is 'normal' or 'lognormal', got 'gamma'"),
        ("{finding: age, median: 40, range: [20, 60], source: ref1, grade: C}",
         "alpha evidence[4] (age) range: a median with a range needs 'n'"),
        ("{finding: age, mean: 40, sd: 10, median: 40, iqr: [30, 50], source: ref1, grade: C}",
         "alpha evidence[4] (age): one summary per figure, got ['mean', 'median']"),
        ("{finding: age, groups: [{lt: 50, share: 0.5}, {gte: 50, share: 0.2}], source: ref1, grade: C}",
         "alpha evidence[4] (age) groups: the shares must sum to 1, got 0.700"),
        ("{finding: age, groups: [{lt: 30, share: 0.5}, {gte: 30, share: 0.5}], source: ref1, grade: C}",
         "alpha evidence[4] (age) groups[1]: an open-ended group spanning bands ['old', 'young'] needs both bounds"),
        ("{finding: age, groups: [{gte: 0, lt: 150, share: 1.0}], source: ref1, grade: C}",
         "alpha evidence[4] (age) groups[0]: its bounds must lie within the finding's range [0, 120]"),
        ("{finding: age, components: [{weight: 0.5, mean: 30, sd: 5, estimate: \"a guessed disorder\"},"
         " {weight: 0.5, mean: 60, sd: 5, source: ref1, grade: B}], source: ref1, grade: C}",
         "alpha evidence[4] (age) components[0]: a component is a published figure with its 'source'"),
        ("{finding: age, components: [{weight: 0.5, mean: 30, sd: 5, source: ref1, grade: B},"
         " {weight: 0.2, mean: 60, sd: 5, source: ref1, grade: B}], source: ref1, grade: C}",
         "alpha evidence[4] (age) components: the weights must sum to 1, got 0.700"),
        ("{finding: age, mean: 30, sd: 10, proportions: {young: 0.5}, source: ref1, grade: C}",
         "alpha evidence[4] (age): 'proportions' or a published summary"),
        ("{finding: loc_lateral_hip, median: 3, iqr: [1, 5], source: ref1, grade: C}",
         "alpha evidence[4] (loc_lateral_hip): a yes/no finding takes 'proportion'"),
    ],
)
def test_a_malformed_age_distribution_is_refused_naming_the_entry(freq_kb, entry, expected):
    problems = _problems(freq_kb, entry)
    assert any(expected in p for p in problems), problems
