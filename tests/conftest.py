"""Shared fixtures. The engine is tested on a tiny knowledge base whose numbers the tests
know, and separately on the shipped one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hipnav.engine import CompiledModel, compiled
from hipnav.knowledge import load
from hipnav.knowledge.model import KnowledgeBase

# The database fixtures (both backends, test accounts), for the store and clinic tests.
pytest_plugins = ("tests.dbs",)

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
