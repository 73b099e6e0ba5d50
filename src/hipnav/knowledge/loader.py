"""Read and validate the knowledge base (the data files under ``data/``).

Validation happens here, before anything is built, in the spirit of pgmpy's
``check_model``: every problem is collected and reported with the file and entry it is in,
so one run of ``hipnav kb check`` lists everything that needs fixing.
"""

from __future__ import annotations

import functools
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

import yaml

from hipnav.knowledge.model import (
    GRADES,
    Band,
    Cluster,
    Condition,
    Evidence,
    Family,
    Finding,
    KnowledgeBase,
    Prior,
    Provenance,
    RedFlag,
    Reference,
    TriagePolicy,
    UrgencyLevel,
)
from hipnav.knowledge.predicate import Predicate, PredicateError, parse

DATA_DIR = Path(__file__).parent / "data"
LR_RANGE = (0.01, 100.0)

try:  # the C loader is several times faster; start-up time matters for the CLI
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


class KnowledgeError(ValueError):
    """The knowledge base is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "\n  ".join(problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the knowledge base:\n  {shown}{more}")


@dataclass
class _Problems:
    items: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")


def _read_yaml(path: Path, problems: _Problems) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.add(path.name, f"not valid YAML: {exc}")
        return None


def _collection(root: Path, folder: str, key: str, problems: _Problems) -> list[tuple[str, dict]]:
    """Every entry of every ``folder/*.yaml`` under ``key``, with a 'file: id' label."""
    out: list[tuple[str, dict]] = []
    seen: dict[str, str] = {}
    for path in sorted((root / folder).glob("*.yaml")):
        doc = _read_yaml(path, problems)
        if doc is None:
            continue
        rel = f"{folder}/{path.name}"
        entries = [doc] if folder == "conditions" else (doc.get(key) if isinstance(doc, dict) else None)
        if not isinstance(entries, list):
            problems.add(rel, f"expected a top-level '{key}' list")
            continue
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                problems.add(f"{rel}[{i}]", "each entry must be a mapping with a string 'id'")
                continue
            where = f"{rel}: {entry['id']}"
            if entry["id"] in seen:
                problems.add(where, f"duplicate id (also in {seen[entry['id']]})")
                continue
            seen[entry["id"]] = rel
            out.append((where, entry))
    return out


def _provenance(raw: dict, where: str, problems: _Problems, references: set[str]) -> Provenance:
    source, estimate = raw.get("source"), raw.get("estimate")
    if (source is None) == (estimate is None):
        problems.add(where, "needs exactly one of 'source' (a reference id) or 'estimate' (a reason)")
        return Provenance(grade="D", estimate="(missing)")
    if source is not None:
        if source not in references:
            problems.add(where, f"source '{source}' is not a reference id")
        grade = raw.get("grade")
        if grade not in GRADES[:3]:
            problems.add(where, f"a published figure needs grade A, B or C, got {grade!r}")
            grade = "C"
        return Provenance(grade=grade, source=source, locator=raw.get("locator"), note=raw.get("note"))
    if not isinstance(estimate, str) or len(estimate.strip()) < 10:
        problems.add(where, "an estimate needs a one-line reason")
    if raw.get("grade", "D") != "D":
        problems.add(where, "an expert estimate is always grade D")
    return Provenance(grade="D", estimate=str(estimate), note=raw.get("note"))


def _number(raw: Any) -> TypeGuard[float]:
    return isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw)


def _references(root: Path, problems: _Problems) -> dict[str, Reference]:
    out: dict[str, Reference] = {}
    for where, r in _collection(root, "references", "references", problems):
        for key in ("authors", "title", "journal"):
            if not isinstance(r.get(key), str) or not r[key].strip():
                problems.add(where, f"'{key}' is required")
        if not isinstance(r.get("year"), int) or not 1900 <= r["year"] <= 2030:
            problems.add(where, f"'year' must be a year, got {r.get('year')!r}")
        if not r.get("doi") and not r.get("url"):
            problems.add(where, "needs a 'doi' or a 'url'")
        out[r["id"]] = Reference(
            id=r["id"], authors=str(r.get("authors", "")),
            year=r["year"] if isinstance(r.get("year"), int) else 0,
            title=str(r.get("title", "")), journal=str(r.get("journal", "")),
            doi=r.get("doi"), url=r.get("url"),
        )
    return out


def _bands(raw: Any, where: str, problems: _Problems) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        problems.add(where, "a numeric finding needs a non-empty 'bands' list")
        return ()
    bands = []
    for b in raw:
        if not isinstance(b, dict) or not isinstance(b.get("id"), str):
            problems.add(where, f"band {b!r} needs an id")
            continue
        bounds = {k: b[k] for k in ("gte", "gt", "lt", "lte") if k in b}
        if any(not _number(v) for v in bounds.values()):
            problems.add(where, f"band '{b['id']}' has a non-numeric bound")
            continue
        bands.append(Band(id=b["id"], **bounds))
    # Adjacent bands must tile the line with no gap or overlap: probe every cut-point.
    cuts = sorted({v for b in bands for v in (b.gte, b.gt, b.lt, b.lte) if v is not None})
    probes = [c + d for c in cuts for d in (-1e-9, 0.0, 1e-9)] or [0.0]
    for x in probes:
        n = sum(b.contains(x) for b in bands)
        if n != 1:
            problems.add(where, f"bands must cover each value exactly once; {x:g} falls in {n}")
            break
    return tuple(bands)


def _findings(root: Path, problems: _Problems, refs: set[str]) -> dict[str, Finding]:
    out: dict[str, Finding] = {}
    for where, f in _collection(root, "findings", "findings", problems):
        ftype = f.get("type")
        if ftype not in ("bool", "number", "category"):
            problems.add(where, f"type must be bool, number or category, got {ftype!r}")
            continue
        if not f.get("ask") and not f.get("means"):
            problems.add(where, "needs 'ask' (a question) or 'means' (what a clinician records)")
        bands: tuple[Band, ...] = ()
        bprov = None
        if ftype == "number":
            bands = _bands(f.get("bands"), where, problems)
            for key in ("min", "max"):
                if not _number(f.get(key)):
                    problems.add(where, f"a numeric finding needs a numeric '{key}'")
            bprov = _provenance(
                {"source": f.get("bands_source"), "estimate": f.get("bands_estimate"),
                 "grade": "C" if f.get("bands_source") else "D"},
                f"{where} (bands)", problems, refs,
            )
        values = tuple(f.get("values") or ())
        if ftype == "category" and not values:
            problems.add(where, "a category finding needs 'values'")
        fid = sys.intern(f["id"])  # one string object per id (see predicate.parse)
        out[fid] = Finding(
            id=fid, type=ftype, group=str(f.get("group", "history")), ask=f.get("ask"),
            means=f.get("means"), how=f.get("how"), label=f.get("label"), unit=f.get("unit"),
            family=f.get("family"), implies=tuple(f.get("implies") or ()),
            min=f.get("min"), max=f.get("max"), bands=bands, values=values,
            bands_provenance=bprov,
        )
    for finding in out.values():
        for other in finding.implies:
            if other not in out or out[other].type != "bool" or finding.type != "bool":
                problems.add(f"findings: {finding.id}", f"implies '{other}', which is not a bool finding")
    return out


def _age_mix(settings: list[dict[str, Any]], findings: dict[str, Finding], problems: _Problems,
             refs: set[str]) -> tuple[dict[str, dict[str, float]], dict[str, Provenance]]:
    """Each setting's consulters by age band: optional, but then over every band, summing to 1."""
    mixes: dict[str, dict[str, float]] = {}
    provenance: dict[str, Provenance] = {}
    bands = set(findings["age"].states) if "age" in findings else set()
    for setting in settings:
        mix = setting.get("age_mix")
        if mix is None:
            continue
        where = f"meta.yaml: settings.{setting.get('id')}.age_mix"
        if (not isinstance(mix, dict) or set(mix) != bands
                or not all(_number(v) and v >= 0 for v in mix.values())
                or abs(sum(mix.values()) - 1) > 0.02):
            problems.add(where, f"needs a share (>= 0) for each age band {sorted(bands)}, summing to 1")
            continue
        mixes[setting["id"]] = {b: float(v) for b, v in mix.items()}
        prov = {"source": setting.get("age_mix_source"), "estimate": setting.get("age_mix_estimate")}
        if "age_mix_grade" in setting:
            prov["grade"] = setting["age_mix_grade"]
        provenance[setting["id"]] = _provenance(prov, where, problems, refs)
    return mixes, provenance


def _lr(value: Any, where: str, problems: _Problems) -> float:
    if not _number(value) or not LR_RANGE[0] <= value <= LR_RANGE[1]:
        problems.add(where, f"likelihood ratio must be a number in {list(LR_RANGE)}, got {value!r}")
        return 1.0
    return float(value)


def _evidence(cond: str, raw: Any, where: str, problems: _Problems,
              findings: dict[str, Finding], refs: set[str]) -> Evidence | None:
    if not isinstance(raw, dict) or "finding" not in raw:
        problems.add(where, "each evidence entry needs a 'finding'")
        return None
    fid = raw["finding"]
    where = f"{where} ({fid})"
    finding = findings.get(fid)
    if finding is None:
        problems.add(where, f"unknown finding '{fid}'")
        return None
    prov = _provenance(raw, where, problems, refs)
    lr: dict[str, float] = {}
    sens: float | None = None
    spec: float | None = None
    if finding.type == "bool":
        if "sens" in raw or "spec" in raw:
            s_raw, p_raw = raw.get("sens"), raw.get("spec")
            if not (_number(s_raw) and _number(p_raw) and 0 < s_raw < 1 and 0 < p_raw < 1):
                problems.add(where, f"sens and spec must both lie in (0, 1), got {s_raw!r}, {p_raw!r}")
                return None
            sens, spec = float(s_raw), float(p_raw)
            if "lr_pos" in raw or "lr_neg" in raw:
                problems.add(where, "give sens/spec or lr_pos/lr_neg, not both")
            lr = {"yes": _lr(round(sens / (1 - spec), 6), where, problems),
                  "no": _lr(round((1 - sens) / spec, 6), where, problems)}
        else:
            if "lr_pos" not in raw and "lr_neg" not in raw:
                problems.add(where, "a bool finding needs lr_pos and/or lr_neg, or sens and spec")
            if "lr_pos" in raw:
                lr["yes"] = _lr(raw["lr_pos"], f"{where} lr_pos", problems)
            if "lr_neg" in raw:
                lr["no"] = _lr(raw["lr_neg"], f"{where} lr_neg", problems)
    else:
        key = "lr_by_band" if finding.type == "number" else "lr_by_value"
        table = raw.get(key)
        if not isinstance(table, dict) or not table:
            problems.add(where, f"a {finding.type} finding needs '{key}'")
            return None
        for state, value in table.items():
            if state not in finding.states:
                problems.add(where, f"'{state}' is not one of {list(finding.states)}")
                continue
            lr[state] = _lr(value, f"{where} {state}", problems)
    return Evidence(condition=cond, finding=fid, lr=lr, provenance=prov, sens=sens, spec=spec)


def _conditions(root: Path, problems: _Problems, findings: dict[str, Finding], refs: set[str],
                settings: dict[str, str], levels: set[str]) -> dict[str, Condition]:
    out: dict[str, Condition] = {}
    for where, c in _collection(root, "conditions", "conditions", problems):
        if c.get("typical_urgency") not in levels:
            problems.add(where, f"typical_urgency must be one of {sorted(levels)}")
        priors: dict[str, Prior] = {}
        raw_priors: dict[str, Any] = c["priors"] if isinstance(c.get("priors"), dict) else {}
        for setting in settings:
            p = raw_priors.get(setting)
            if not isinstance(p, dict) or not _number(p.get("p")) or not 0 < p["p"] < 1:
                problems.add(where, f"priors.{setting} needs a probability 'p' in (0, 1)")
                continue
            priors[setting] = Prior(p=float(p["p"]),
                                    provenance=_provenance(p, f"{where} priors.{setting}", problems, refs))
        for extra in set(raw_priors) - set(settings):
            problems.add(where, f"priors.{extra} is not a setting ({sorted(settings)})")
        evidence = []
        seen: set[str] = set()
        for i, raw in enumerate(c.get("evidence") or []):
            ev = _evidence(c["id"], raw, f"{where} evidence[{i}]", problems, findings, refs)
            if ev is None:
                continue
            if ev.finding in seen:
                problems.add(f"{where} evidence[{i}]", f"'{ev.finding}' is listed twice")
                continue
            seen.add(ev.finding)
            evidence.append(ev)
        out[c["id"]] = Condition(
            id=c["id"], name=str(c.get("name", c["id"])),
            plain_name=str(c.get("plain_name") or c.get("name", c["id"])),
            typical_urgency=str(c.get("typical_urgency")), priors=priors, evidence=tuple(evidence),
        )
    return out


def _predicate(raw: Any, where: str, problems: _Problems, findings: dict[str, Finding]) -> Predicate | None:
    try:
        pred = parse(raw, where)
    except PredicateError as exc:
        problems.add(where, str(exc))
        return None
    for fid in pred.findings():
        if fid not in findings:
            problems.add(where, f"unknown finding '{fid}'")
    return pred


def load(root: Path | str | None = None) -> KnowledgeBase:
    """Read and validate the knowledge base; raise :class:`KnowledgeError` listing every problem."""
    root = Path(root) if root is not None else DATA_DIR
    problems = _Problems()
    meta = _read_yaml(root / "meta.yaml", problems) or {}
    settings = {s["id"]: s["name"] for s in meta.get("settings", [])}
    levels = tuple(UrgencyLevel(u["id"], u["means"]) for u in meta.get("urgency_levels", []))
    level_ids = {u.id for u in levels}
    references = _references(root, problems)
    refs = set(references)
    findings = _findings(root, problems, refs)
    age_mix, age_mix_provenance = _age_mix(meta.get("settings", []), findings, problems, refs)
    conditions = _conditions(root, problems, findings, refs, settings, level_ids)

    families: dict[str, Family] = {}
    members: dict[str, list[str]] = {}
    for f in findings.values():
        if f.family:
            members.setdefault(f.family, []).append(f.id)
    for where, fam in _collection(root, "families", "families", problems):
        families[fam["id"]] = Family(fam["id"], str(fam.get("reason", "")),
                                     tuple(members.get(fam["id"], ())))
        if not fam.get("reason"):
            problems.add(where, "a family needs a 'reason'")
    for fam_id, ids in members.items():
        if fam_id not in families:
            problems.add(f"findings: {ids[0]}", f"family '{fam_id}' is not defined in families/")

    clusters: dict[str, Cluster] = {}
    for where, cl in _collection(root, "clusters", "clusters", problems):
        crit = [_predicate(c, f"{where} criteria[{i}]", problems, findings)
                for i, c in enumerate(cl.get("criteria") or [])]
        if not crit:
            problems.add(where, "a cluster needs criteria")
        table = cl.get("lr_by_count") or {}
        lr_by_count = {k: _lr(v, f"{where} lr_by_count[{k}]", problems)
                       for k, v in table.items() if isinstance(k, int)}
        if set(lr_by_count) != set(range(len(crit) + 1)):
            problems.add(where, f"lr_by_count needs exactly the counts 0..{len(crit)}")
        for cid in cl.get("conditions") or []:
            if cid not in conditions:
                problems.add(where, f"unknown condition '{cid}'")
        applies_when = None
        if "applies_when" in cl:
            applies_when = _predicate(cl["applies_when"], f"{where} applies_when", problems, findings)
        count_estimates = cl.get("count_estimates") or {}
        if not isinstance(count_estimates, dict) or any(
            k not in lr_by_count or not isinstance(v, str) or len(v) < 10
            for k, v in count_estimates.items()
        ):
            problems.add(where, "count_estimates maps a count of lr_by_count to a one-line reason")
            count_estimates = {}
        clusters[cl["id"]] = Cluster(
            id=cl["id"], name=str(cl.get("name", cl["id"])),
            conditions=tuple(cl.get("conditions") or ()),
            criteria=tuple(c for c in crit if c is not None), lr_by_count=lr_by_count,
            provenance=_provenance(cl, where, problems, refs), applies_when=applies_when,
            count_estimates=dict(count_estimates),
        )

    red_flags: dict[str, RedFlag] = {}
    for where, rf in _collection(root, "red_flags", "red_flags", problems):
        when = _predicate(rf.get("when"), f"{where} when", problems, findings)
        if rf.get("urgency") not in level_ids:
            problems.add(where, f"urgency must be one of {sorted(level_ids)}")
        if not isinstance(rf.get("message"), str) or len(rf["message"]) < 20:
            problems.add(where, "a red flag needs a plain-language 'message'")
        if when is not None:
            red_flags[rf["id"]] = RedFlag(rf["id"], str(rf.get("urgency")), str(rf.get("message")),
                                          when, _provenance(rf, where, problems, refs))

    triage_raw = _read_yaml(root / "triage.yaml", problems) if (root / "triage.yaml").exists() else None
    thresholds: dict[str, float] = {}
    tprov: dict[str, Provenance] = {}
    if not isinstance(triage_raw, dict) or not isinstance(triage_raw.get("thresholds"), dict):
        problems.add("triage.yaml", "needs a 'thresholds' mapping")
    else:
        for level, t in triage_raw["thresholds"].items():
            valid = isinstance(t, dict) and _number(t.get("p")) and 0 < t["p"] < 1
            if level not in level_ids or not valid:
                problems.add("triage.yaml", f"threshold '{level}' needs a level id and a 'p' in (0, 1)")
                continue
            thresholds[level] = float(t["p"])
            tprov[level] = _provenance(t, f"triage.yaml {level}", problems, refs)

    screening_path = root / "screening.yaml"
    screening_raw = _read_yaml(screening_path, problems) if screening_path.exists() else {}
    screening = tuple((screening_raw or {}).get("screening_questions") or ())
    for fid in screening:
        if fid not in findings or findings[fid].type != "bool":
            problems.add("screening.yaml", f"'{fid}' is not a yes/no finding")

    if problems.items:
        raise KnowledgeError(problems.items)
    return KnowledgeBase(
        version=str(meta.get("version")), settings=settings,
        default_setting=str(meta.get("default_setting")), urgency_levels=levels,
        findings=findings, conditions=conditions, families=families, clusters=clusters,
        red_flags=red_flags, triage=TriagePolicy(thresholds, tprov), references=references,
        screening=screening, age_mix=age_mix, age_mix_provenance=age_mix_provenance,
    )


@functools.lru_cache(maxsize=1)
def default() -> KnowledgeBase:
    """The knowledge base shipped with hipnav, loaded once per process."""
    return load()
