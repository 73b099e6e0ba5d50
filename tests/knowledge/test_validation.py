"""A broken knowledge base is refused with messages naming the file and entry."""

from __future__ import annotations

import shutil

import pytest

from hipnav.knowledge import KnowledgeError, load
from tests.conftest import TINY_KB, run_hipnav


@pytest.fixture
def kb_copy(tmp_path):
    dest = tmp_path / "kb"
    shutil.copytree(TINY_KB, dest)
    return dest


def _problems(path) -> list[str]:
    with pytest.raises(KnowledgeError) as err:
        load(path)
    return err.value.problems


def _edit(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_the_tiny_kb_is_valid(kb_copy):
    assert set(load(kb_copy).conditions) == {"alpha", "beta", "gamma"}


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("conditions/alpha.yaml", "finding: loc_groin", "finding: loc_moon", "alpha evidence[0] (loc_moon): unknown finding"),
        ("conditions/alpha.yaml", "lr_pos: 3.0", "lr_pos: 0", "alpha evidence[0] (loc_groin) lr_pos: likelihood ratio must be"),
        ("conditions/alpha.yaml", "sens: 0.9", "sens: 1.5", "sens and spec must both lie in (0, 1)"),
        ("conditions/alpha.yaml", "source: ref1, grade: B}\n  - {finding: c_sign", "source: nobody, grade: B}\n  - {finding: c_sign", "source 'nobody' is not a reference id"),
        ("conditions/alpha.yaml", ", estimate: \"test: C sign points to the joint\"", "", "needs exactly one of 'source'"),
        ("conditions/alpha.yaml", "p: 0.2", "p: 1.2", "priors.primary_care needs a probability"),
        ("conditions/alpha.yaml", "young: 2.0", "middle: 2.0", "'middle' is not one of"),
        ("conditions/beta.yaml", "typical_urgency: routine_medical", "typical_urgency: soon", "typical_urgency must be one of"),
        ("clusters/c.yaml", "2: 30.0", "3: 30.0", "lr_by_count needs exactly the counts 0..2"),
        ("red_flags/r.yaml", "is: true}\n    source", "sometimes: true}\n    source", "a finding predicate needs exactly one of"),
        ("findings/f.yaml", "{id: normal, lt: 38.5}", "{id: normal, lt: 38.0}", "bands must cover each value exactly once"),
        ("references/r.yaml", "year: 2000", "year: soon", "'year' must be a year"),
        ("findings/f.yaml", "family: groin}", "family: nowhere}", "family 'nowhere' is not defined"),
    ],
)
def test_bad_entry_is_named(kb_copy, file, old, new, expected):
    _edit(kb_copy / file, old, new)
    problems = _problems(kb_copy)
    assert any(expected in p for p in problems), problems


def test_duplicate_ids_and_bad_yaml_are_reported_together(kb_copy):
    (kb_copy / "references/dup.yaml").write_text((kb_copy / "references/r.yaml").read_text())
    (kb_copy / "families/broken.yaml").write_text("families: [unclosed\n")
    problems = _problems(kb_copy)
    assert any("duplicate id" in p and "ref1" in p for p in problems)
    assert any("broken.yaml" in p and "not valid YAML" in p for p in problems)


def test_kb_check_command_fails_with_the_problems(kb_copy):
    _edit(kb_copy / "conditions/alpha.yaml", "finding: loc_groin", "finding: loc_moon")
    proc = run_hipnav("kb", "check", "--data", str(kb_copy))
    assert proc.returncode == 1
    assert "loc_moon" in proc.stderr


def test_a_source_that_shows_no_date_is_cited_n_d(kb_copy):
    _edit(kb_copy / "references/r.yaml", "year: 2000", "year: null")
    kb = load(kb_copy)
    ref = next(iter(kb.references.values()))
    assert ref.year is None and "(n.d.)" in ref.citation()
