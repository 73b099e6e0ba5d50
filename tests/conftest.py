"""Shared fixtures. The engine is tested on a tiny knowledge base whose numbers the tests
know, and separately on the shipped one."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hipnav.engine import CompiledModel, compiled
from hipnav.knowledge import load
from hipnav.knowledge.model import KnowledgeBase

# The database fixtures (both backends, test accounts), for the store and clinic tests, and
# the real browser for page tests.
pytest_plugins = ("tests.dbs", "tests.browser")

ROOT = Path(__file__).resolve().parent.parent
# The shared material beside the checkout (a clone of main), or beside a folder of worktrees.
SHARED = next((base / "shared" for base in (ROOT.parent, ROOT.parent.parent) if (base / "shared").is_dir()),
              ROOT.parent / "shared")
TINY_KB = Path(__file__).parent / "data" / "tiny_kb"
OUTPUT = ROOT / "test-output"


@pytest.fixture(scope="session")
def tiny_kb() -> KnowledgeBase:
    return load(TINY_KB)


@pytest.fixture(scope="session")
def tiny_model(tiny_kb: KnowledgeBase) -> CompiledModel:
    return compiled(tiny_kb)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    from hipnav.knowledge import default

    return default()


@pytest.fixture(scope="session")
def model() -> CompiledModel:
    from hipnav.assessment import default_model

    return default_model()


def run_hipnav(*args: str, input: str | None = None, timeout: float = 60,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "hipnav", *args], input=input, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})}, cwd=ROOT)



@functools.cache
def _first_rule_out_case() -> str:
    from hipnav.assessment import assess, default_model
    from hipnav.engine import parse_case

    model = default_model()
    for name in ("dev.jsonl", "dev-2.jsonl"):
        for line in (SHARED / "vignettes" / name).read_text().splitlines():
            if line.strip():
                case = json.loads(line)["case"]
                if assess(parse_case(case, model.kb), model).rule_out:
                    return json.dumps(case)
    raise AssertionError("no shared vignette names a condition to rule out")


def rule_out_case() -> dict[str, Any]:
    """The first shared vignette case whose result names a condition to rule out now (the
    can't-miss list, ``must_rule_out``), found by the library so that no test hard-codes it."""
    out: dict[str, Any] = json.loads(_first_rule_out_case())
    return out
