"""The golden record: every result hipnav gives for a fixed set of cases, as each interface
shows it, so that a change meant to keep results (a refactor, a speed-up) can show it did.

For each case of ``shared/vignettes/*.jsonl`` (the ``case`` of each line) and
``tests/data/*.jsonl``, a line of ``tests/data/golden/<source>.jsonl`` keeps the case and:

- ``cli``: the ``hipnav assess --json`` line (probabilities to 6 decimals, ranking, urgency,
  red flags), and ``report``: the readable ``hipnav assess`` report (reasons, sources, the
  next question), both from a real subprocess;
- ``api``: ``POST /api/v1/assess`` as answered by default (three causes explained), and
  ``explained``: every cause's explanation (``?explain=all``), each reason as
  ``[finding, state, likelihood ratio, counted, is_rule, note, source]``;
- ``next``: ``POST /api/v1/next-question`` for the patient and the clinician question sets;
- ``document``: the saved result document behind the PDF and FHIR reports (its fields
  beyond the result contract), and for every eighth case ``page``: the text of the
  ``/result`` page.

Each source of a number is written once, in ``sources.json``, and named by its label and a
short hash wherever it recurs. ``tests/test_golden.py`` compares the current code with the
record. After an intended change of evidence or of what an interface shows, regenerate it:

    scripts/golden                   # the recorded cases, assessed again
    scripts/golden --from-sources    # the cases read again from shared/vignettes and tests/data

and review the diff (``git diff --stat tests/data/golden``) before committing it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "data" / "golden"
TABLES_FILE = GOLDEN / "tables.json"
REGENERATE = "scripts/golden"
#: The result page is recorded for every this many cases (about 11 KB of text each).
PAGE_EVERY = 8


def case_sources() -> dict[str, Path]:
    """Golden file name -> the JSON Lines file its cases come from."""
    from tests.conftest import SHARED

    vignettes = SHARED / "vignettes"
    out = {p.stem: p for p in sorted(vignettes.glob("*.jsonl"))}
    out.update({p.stem: p for p in sorted((ROOT / "tests" / "data").glob("*.jsonl"))})
    return out


def read_cases(path: Path) -> list[dict[str, Any]]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            cases.append(raw["case"] if isinstance(raw.get("case"), dict) and "findings" not in raw else raw)
    return cases


def recorded_cases(name: str) -> list[dict[str, Any]]:
    return [row["case"] for row in read_golden(name)]


def read_golden(name: str) -> list[dict[str, Any]]:
    path = GOLDEN / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def golden_names() -> list[str]:
    return sorted(p.stem for p in GOLDEN.glob("*.jsonl"))


# -- recording ------------------------------------------------------------------------------

class Tables:
    """Parts that recur across cases (a number's source, a worded reason), each kept once
    by kind and named ``"<label>#<hash>"`` wherever it recurs."""

    def __init__(self, tables: dict[str, dict[str, Any]] | None = None) -> None:
        self.tables: dict[str, dict[str, Any]] = tables or {}

    def key(self, kind: str, label: str, value: Any) -> str:
        text = json.dumps(value, ensure_ascii=False)
        key = f"{label}#{hashlib.sha256(text.encode()).hexdigest()[:10]}"
        self.tables.setdefault(kind, {})[key] = value
        return key

    def source(self, source: dict[str, Any] | None) -> str | None:
        return None if source is None else self.key("sources", source["label"], source)

    def reason(self, reason: dict[str, Any]) -> str:
        return self.key("reasons", f"{reason['finding']}={reason['state']}",
                        dict(reason, source=self.source(reason["source"])))

    def cause(self, cause: dict[str, Any]) -> dict[str, Any]:
        """An explained cause of the API, its reasons and sources by key."""
        return dict(cause, prior_source=self.source(cause["prior_source"]),
                    reasons=[self.reason(r) for r in cause["reasons"]])

    def document(self, doc: dict[str, Any]) -> dict[str, Any]:
        """A result document, its causes' reasons, findings and sources by key."""
        out = dict(doc)
        out["causes"] = [dict(c, reasons=[self.key("document_reasons", r["finding"], r) for r in c["reasons"]])
                         for c in doc["causes"]]
        out["findings"] = [self.key("document_findings", f["id"], f) for f in doc["findings"]]
        out["sources"] = [self.key("document_sources", ref, s) for ref, s in doc["sources"].items()]
        return out


def _run_cli(cases: list[dict[str, Any]], *args: str) -> str:
    text = "".join(json.dumps(c) + "\n" for c in cases)
    proc = subprocess.run([sys.executable, "-m", "hipnav", "assess", *args, "-"], input=text,
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"hipnav assess {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout


def split_reports(text: str) -> list[str]:
    """The readable reports of several cases, one each (each starts with its title)."""
    parts = re.split(r"(?m)^(?=hipnav assessment(?: of .*)?\n=+$)", text)
    return [p for p in parts if p]


def result_query(case: dict[str, Any]) -> str:
    """The result page's address for a case: every finding as an answer or a number."""
    params: list[tuple[str, str]] = [("mode", "clinician")]
    for key in ("age", "sex", "setting"):
        if case.get(key) is not None:
            params.append((key, f"{case[key]:g}" if key == "age" else case[key]))
    for fid, value in case.get("findings", {}).items():
        if value is True or value is False:
            params.append(("a", f"{fid}.{'y' if value else 'n'}"))
        elif value is not None:
            params.append((fid, f"{value:g}"))
    return urlencode(params)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("script", "style", "svg")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("script", "style", "svg")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    text = " ".join(" ".join(parser.parts).split())
    # from the heading after the steps to the sources (not the navigation or the footer)
    start, end = text.find(" 5 Result "), text.find(" Keep or share this result ")
    return text[start + 1 if start >= 0 else 0:end if end >= 0 else len(text)]


def record(cases: list[dict[str, Any]], tables: Tables) -> list[dict[str, Any]]:
    """What every interface gives for each case."""
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
    from starlette.testclient import TestClient

    from hipnav.assessment import assess, default_model
    from hipnav.engine import parse_case
    from hipnav.reports.document import build_document
    from hipnav.web.app import create_app

    cli = [json.loads(line) for line in _run_cli(cases, "--json").splitlines()]
    reports = split_reports(_run_cli(cases))
    if len(cli) != len(cases) or len(reports) != len(cases):
        raise RuntimeError(f"{len(cases)} cases gave {len(cli)} results and {len(reports)} reports")
    model = default_model()
    created = datetime(2026, 1, 1, tzinfo=UTC)
    out = []
    with TestClient(create_app(), raise_server_exceptions=True) as client:
        for case, line, report in zip(cases, cli, reports, strict=True):
            api = _ok(client.post("/api/v1/assess", json=case))
            api["explanations"] = [tables.cause(c) for c in api["explanations"]]
            every = _ok(client.post("/api/v1/assess?explain=all", json=case))["explanations"]
            # every cause's prior source and reasons (the rest of each is in the API's top three)
            explained = {c["condition"]: [tables.source(c["prior_source"]), *map(tables.reason, c["reasons"])]
                         for c in every}
            nxt = {qs: _ok(client.post("/api/v1/next-question", json={"case": case, "question_set": qs}))
                   for qs in ("patient", "clinician")}
            document = build_document(assess(parse_case(case, model.kb), model), created_at=created)
            document = tables.document({k: v for k, v in document.items() if k not in line})
            row = {"id": case.get("id"), "case": case, "cli": line, "report": report.splitlines(),
                   "api": api, "explained": explained, "next": nxt, "document": document}
            if len(out) % PAGE_EVERY == 0:
                page = client.get("/result?" + result_query(case))
                if page.status_code != 200:
                    raise RuntimeError(f"/result answered {page.status_code} for {case.get('id')}")
                row["page"] = page_text(page.text)
            out.append(row)
    return out


def _ok(response: Any) -> Any:
    if response.status_code != 200:
        raise RuntimeError(f"{response.request.url} answered {response.status_code}: {response.text}")
    return response.json()


def dump_tables(tables: Tables) -> str:
    ordered = {kind: dict(sorted(t.items())) for kind, t in sorted(tables.tables.items())}
    return json.dumps(ordered, indent=1, ensure_ascii=False) + "\n"


def read_tables() -> Tables:
    return Tables(json.loads(TABLES_FILE.read_text(encoding="utf-8")))


def dump(rows: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n" for row in rows)


def write(from_sources: bool) -> dict[str, int]:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    tables = Tables()
    counts = {}
    if from_sources:
        plan = {name: read_cases(path) for name, path in case_sources().items()}
        for stale in set(golden_names()) - set(plan):
            (GOLDEN / f"{stale}.jsonl").unlink()
    else:
        plan = {name: recorded_cases(name) for name in golden_names()}
    for name, cases in plan.items():
        rows = record(cases, tables)
        (GOLDEN / f"{name}.jsonl").write_text(dump(rows), encoding="utf-8")
        counts[name] = len(rows)
    TABLES_FILE.write_text(dump_tables(tables), encoding="utf-8")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=REGENERATE, description=__doc__.split("\n\n")[0])
    parser.add_argument("--from-sources", action="store_true",
                        help="read the cases again from shared/vignettes/*.jsonl and tests/data/*.jsonl")
    args = parser.parse_args(argv)
    for name, n in write(args.from_sources).items():
        print(f"{GOLDEN.relative_to(ROOT)}/{name}.jsonl: {n} cases")
    return 0


def iter_differences(expected: Any, got: Any, path: str = "") -> Iterator[str]:
    """Where two recorded values differ, as readable lines (the first few of each)."""
    if isinstance(expected, dict) and isinstance(got, dict):
        if list(expected) != list(got):
            yield f"{path}: keys {list(expected)} became {list(got)}"
        for k in expected:
            if k in got:
                yield from iter_differences(expected[k], got[k], f"{path}.{k}")
    elif isinstance(expected, list) and isinstance(got, list) and len(expected) == len(got):
        for i, (a, b) in enumerate(zip(expected, got, strict=True)):
            yield from iter_differences(a, b, f"{path}[{i}]")
    elif expected != got or type(expected) is not type(got):
        yield f"{path}: {json.dumps(expected, ensure_ascii=False)[:300]} became " \
              f"{json.dumps(got, ensure_ascii=False)[:300]}"


if __name__ == "__main__":
    sys.exit(main())
