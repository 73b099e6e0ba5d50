"""Design rules of hipnav intake: data-driven rules, no side effects at import, offline."""

from __future__ import annotations

import subprocess
import sys

from hipnav.intake.rules import load_rules
from hipnav.intake.vocabulary import vocabulary


def test_every_rule_names_a_known_finding() -> None:
    vocab = vocabulary()
    rules = load_rules()
    assert len(rules.lexicon) > 100
    for rule in rules.lexicon:
        for fid in rule.ids:
            assert fid in vocab, fid


def test_importing_intake_loads_no_nlp_stack() -> None:
    code = ("import sys, hipnav.intake, hipnav.cli.extract; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'medspacy')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr


def test_runs_without_network_and_quietly() -> None:
    code = (
        "import socket\n"
        "def refuse(*a, **k):\n"
        "    raise OSError('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "from hipnav.intake import extract\n"
        "r = extract('Deep ache in my bum, no tingling. ' * 30)\n"
        "print(r.findings['loc_buttock'])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip() == "True", proc.stderr
    assert proc.stderr == ""  # no PyRuSH/loguru lines, no warnings


def test_the_pipeline_is_built_once() -> None:
    from hipnav.intake.pipeline import nlp

    assert nlp() is nlp()
