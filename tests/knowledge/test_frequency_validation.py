"""A bad frequency, consulters' rate or coexistence share is refused with a message naming the
file, the condition, the finding and the field."""

from __future__ import annotations

import pytest

from hipnav.knowledge import KnowledgeError, load


def _edit(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def _problems(path) -> list[str]:
    with pytest.raises(KnowledgeError) as err:
        load(path)
    return err.value.problems


GROIN = "{finding: loc_groin, proportion: 0.8, n: 50, source: ref1, grade: B, locator: \"Table 2\"}"
SEX = "{finding: sex, proportions: {female: 0.8}, source: ref1, grade: B,"


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("conditions/alpha.yaml", GROIN, GROIN.replace("0.8", "1.4"),
         "conditions/alpha.yaml: alpha evidence[0] (loc_groin) proportion: must be a number in [0, 1], got 1.4"),
        ("conditions/alpha.yaml", GROIN, GROIN.replace("0.8", "often"),
         "alpha evidence[0] (loc_groin) proportion: must be a number in [0, 1], got 'often'"),
        ("conditions/alpha.yaml", GROIN, GROIN.replace("0.8, n: 50", "1.0"),
         "alpha evidence[0] (loc_groin): a proportion of 0 or 1 needs 'n'"),
        ("conditions/alpha.yaml", GROIN, GROIN.replace("proportion: 0.8", "proportion: 0.8, lr_pos: 3"),
         "alpha evidence[0] (loc_groin): a frequency (proportion) or published accuracy (lr_pos), not both"),
        ("conditions/alpha.yaml", GROIN, GROIN.replace("n: 50", "n: 2.5"),
         "alpha evidence[0] (loc_groin) n: must be a whole number of people"),
        ("conditions/alpha.yaml", SEX, SEX.replace("female: 0.8", "woman: 0.8"),
         "alpha evidence[3] (sex) proportions: ['woman'] not among ['female', 'male']"),
        ("conditions/alpha.yaml", SEX, SEX.replace("female: 0.8", "female: 0.8, male: 0.5"),
         "alpha evidence[3] (sex) proportions: must give every state"),
        ("conditions/beta.yaml", "{young: 0.2, old: 0.8}", "{young: 0.2, old: 0.3}",
         "beta evidence[3] (age) proportions: must give every state"),
        ("conditions/alpha.yaml", "mean: 30, sd: 10", "mean: 30, sd: 0",
         "alpha evidence[4] (age) mean: a numeric finding's 'mean' needs a number and an 'sd' > 0"),
        ("conditions/alpha.yaml", "n: 20, source: ref1, grade: C}", "n: 20, source: nobody, grade: C}",
         "alpha evidence[3] (sex) also[0]: source 'nobody' is not a reference id"),
        ("conditions/alpha.yaml", "n: 20, source: ref1, grade: C}", "n: 20, estimate: \"a guess for a test\"}",
         "alpha evidence[3] (sex) also[0]: 'also' lists other published figures, not estimates"),
        ("conditions/alpha.yaml", "source: ref1, grade: C, secondary: true", "source: ref1, grade: A, secondary: true",
         "alpha evidence[1] (fever): a figure seen only on a secondary page is grade C, got 'A'"),
        ("conditions/beta.yaml", "proportion: 0.2, estimate", "proportion: 0.2, secondary: true, estimate",
         "beta evidence[0] (loc_groin): 'secondary' describes a published figure, not an estimate"),
        ("conditions/gamma.yaml", "lr_neg: 0.3, source: ref1", "lr_neg: 0.3, also: [], source: ref1",
         "gamma evidence[0] (fever): 'also' lists other published frequencies"),
        ("meta.yaml", "coexistence: {p: 0.3", "coexistence: {p: 1.3",
         "meta.yaml: settings.primary_care.coexistence: needs a share 'p' in (0, 1)"),
        ("findings/f.yaml", "{id: snapping, type: bool, group: character, ask: \"Snap?\"}",
         "{id: snapping, type: bool, group: character, ask: \"Snap?\", unlisted: sometimes}",
         "findings/f.yaml: snapping unlisted: the only value is 'no_information'"),
        ("findings/f.yaml", "bands_source: ref1", "bands_source: ref1\n    unaffected: cold",
         "findings/f.yaml: exam_temperature_c unaffected: names one of ['normal', 'high']"),
    ],
)
def test_bad_frequency_entry_is_named(freq_kb, file, old, new, expected):
    _edit(freq_kb / file, old, new)
    problems = _problems(freq_kb)
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("{id: a, finding: loc_moon, setting: primary_care, proportion: 0.5, source: ref1, grade: B}",
         "consulters/c.yaml: a: unknown finding 'loc_moon'"),
        ("{id: a, finding: loc_groin, setting: clinic, proportion: 0.5, source: ref1, grade: B}",
         "consulters/c.yaml: a: setting must be one of"),
        ("{id: a, finding: loc_groin, setting: primary_care, proportion: 7, source: ref1, grade: B}",
         "consulters/c.yaml: a (loc_groin) proportion: must be a number in [0, 1], got 7"),
        ("{id: a, finding: loc_groin, setting: primary_care, proportion: 0.5, grade: B}",
         "consulters/c.yaml: a (loc_groin): needs exactly one of 'source'"),
    ],
)
def test_bad_consulters_rate_is_named(freq_kb, entry, expected):
    (freq_kb / "consulters").mkdir()
    (freq_kb / "consulters/c.yaml").write_text(f"consulters:\n  - {entry}\n")
    problems = _problems(freq_kb)
    assert any(expected in p for p in problems), problems


def test_two_rates_for_one_finding_and_setting_are_refused(freq_kb):
    (freq_kb / "consulters").mkdir()
    line = "  - {{id: {}, finding: loc_groin, setting: primary_care, proportion: 0.5, source: ref1, grade: B}}\n"
    (freq_kb / "consulters/c.yaml").write_text("consulters:\n" + line.format("a") + line.format("b"))
    problems = _problems(freq_kb)
    assert any("consulters/c.yaml: b: a second rate for loc_groin in primary_care" in p for p in problems)
