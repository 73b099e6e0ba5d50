"""Start-up stays lean: the core commands never import the web, NLP or database stacks
(click's import-allowlist idea), and importing hipnav has no side effects."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("spacy", "medspacy", "starlette", "uvicorn", "sqlalchemy", "alembic", "reportlab",
         "fhir", "jinja2", "psycopg")


def test_assess_imports_no_heavy_stack(tmp_path):
    case = tmp_path / "c.json"
    case.write_text('{"id": "x", "findings": {"loc_groin": true}}')
    code = (
        "import sys\n"
        "from hipnav.cli import main\n"
        f"main(['assess', '--json', {str(case)!r}])\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "HEAVY []" in proc.stderr, proc.stderr


def test_importing_hipnav_loads_nothing():
    code = "import sys, hipnav; print(sorted(m for m in sys.modules if m.startswith('hipnav')))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "['hipnav']"
