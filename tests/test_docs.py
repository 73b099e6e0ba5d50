"""Documentation keeps up with the code (datasette's idea): a command, a knowledge-base
folder or a README step that is not documented fails here."""

from __future__ import annotations

import re

from hipnav.cli import COMMANDS, build_parser
from hipnav.knowledge import DATA_DIR
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()
KB_DOC = (ROOT / "docs/knowledge-base.md").read_text()


def test_readme_starts_with_the_two_commands():
    first_block = re.search(r"```\n(.*?)```", README, re.S)
    assert first_block is not None
    lines = [x.split("#")[0].strip() for x in first_block.group(1).splitlines() if x.strip()]
    assert lines == ["./run", "./test"]
    assert README.index("```") < 20  # the very first thing after the title


def test_ci_runs_the_readme_test_command():
    assert "./test" in (ROOT / ".ci/run").read_text()


def test_every_command_is_in_the_readme_and_has_help():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in COMMANDS:
        assert f"hipnav {name}" in README, name
        assert name in sub.choices, name
        assert sub.choices[name].format_help().strip()


def test_every_knowledge_folder_is_documented():
    for path in DATA_DIR.iterdir():
        if path.is_dir():
            assert f"`{path.name}/`" in KB_DOC, path.name
        elif path.suffix == ".yaml":
            assert f"`{path.name}`" in KB_DOC, path.name
