"""Read and validate the knowledge base (the data files under ``data/``).

Validation happens here, before anything is built, in the spirit of pgmpy's
``check_model``: every problem is collected and reported with the file and entry it is in,
so one run of ``hipnav kb check`` lists everything that needs fixing. Likelihood ratios stated
as frequencies are derived here too (:mod:`hipnav.knowledge.derivation`), against the
default setting's consulters.
"""

from __future__ import annotations

import functools
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from hipnav.knowledge import derivation
from hipnav.knowledge.asked_when import read_asked_when, read_screening
from hipnav.knowledge.conditions import condition_entry, consulter_rates
from hipnav.knowledge.model import (
    Band,
    Cluster,
    Coexistence,
    Condition,
    ConsulterRate,
    Family,
    Finding,
    KnowledgeBase,
    RedFlag,
    UrgencyLevel,
)
from hipnav.knowledge.policy import read_policy
from hipnav.knowledge.predicate import Predicate, PredicateError, parse
from hipnav.knowledge.provenance import Provenance, Reference
from hipnav.knowledge.validation import (
    KnowledgeError,
    Problems,
    collection,
    is_number,
    likelihood_ratio,
    provenance,
    read_yaml,
)

__all__ = ["DATA_DIR", "KnowledgeError", "default", "load"]

DATA_DIR = Path(__file__).parent / "data"

def _references(root: Path, problems: Problems) -> dict[str, Reference]:
    out: dict[str, Reference] = {}
    for where, r in collection(root, "references", "references", problems):
        for key in ("authors", "title", "journal"):
            if not isinstance(r.get(key), str) or not r[key].strip():
                problems.add(where, f"'{key}' is required")
        undated = "year" in r and r["year"] is None  # 'year: null': the source shows no date
        if not undated and (not isinstance(r.get("year"), int) or not 1900 <= r["year"] <= 2030):
            problems.add(where, f"'year' must be a year (or null for a source that shows none), "
                         f"got {r.get('year')!r}")
        if not r.get("doi") and not r.get("url"):
            problems.add(where, "needs a 'doi' or a 'url'")
        out[r["id"]] = Reference(
            id=r["id"], authors=str(r.get("authors", "")),
            year=r["year"] if isinstance(r.get("year"), int) else None,
            title=str(r.get("title", "")), journal=str(r.get("journal", "")),
            doi=r.get("doi"), url=r.get("url"),
        )
    return out


def _bands(raw: Any, where: str, problems: Problems) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        problems.add(where, "a numeric finding needs a non-empty 'bands' list")
        return ()
    bands = []
    for b in raw:
        if not isinstance(b, dict) or not isinstance(b.get("id"), str):
            problems.add(where, f"band {b!r} needs an id")
            continue
        bounds = {k: b[k] for k in ("gte", "gt", "lt", "lte") if k in b}
        if any(not is_number(v) for v in bounds.values()):
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


def _findings(root: Path, problems: Problems, refs: set[str]) -> dict[str, Finding]:
    out: dict[str, Finding] = {}
    for where, f in collection(root, "findings", "findings", problems):
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
                if not is_number(f.get(key)):
                    problems.add(where, f"a numeric finding needs a numeric '{key}'")
            bprov = provenance(
                {"source": f.get("bands_source"), "estimate": f.get("bands_estimate"),
                 "grade": "C" if f.get("bands_source") else "D"},
                f"{where} (bands)", problems, refs,
            )
        values = tuple(f.get("values") or ())
        if ftype == "category" and not values:
            problems.add(where, "a category finding needs 'values'")
        fid = sys.intern(f["id"])  # one string object per id (see predicate.parse)
        finding = Finding(
            id=fid, type=ftype, group=str(f.get("group", "history")), ask=f.get("ask"),
            means=f.get("means"), how=f.get("how"), label=f.get("label"), unit=f.get("unit"),
            family=f.get("family"), implies=tuple(f.get("implies") or ()),
            min=f.get("min"), max=f.get("max"), bands=bands, values=values,
            bands_provenance=bprov,
        )
        out[fid] = replace(finding, unaffected=_unaffected(f, finding, where, problems))
    for finding in out.values():
        for other in finding.implies:
            if other not in out or out[other].type != "bool" or finding.type != "bool":
                problems.add(f"findings: {finding.id}", f"implies '{other}', which is not a bool finding")
    return out


def _unaffected(raw: dict, finding: Finding, where: str, problems: Problems) -> str | None:
    """The state a condition that does not list the finding leaves it in (see Finding)."""
    unlisted = raw.get("unlisted")
    if unlisted is not None and unlisted != "no_information":
        problems.add(f"{where} unlisted", f"the only value is 'no_information', got {unlisted!r}")
    if "unaffected" in raw:
        if finding.type == "bool" or raw["unaffected"] not in finding.states or unlisted is not None:
            problems.add(f"{where} unaffected", f"names one of {list(finding.states)} of a numeric or "
                         "category finding (a yes/no finding's is 'no'), without 'unlisted'")
            return None
        return str(raw["unaffected"])
    return "no" if finding.type == "bool" and unlisted is None else None


def _age_mix(settings: list[dict[str, Any]], findings: dict[str, Finding], problems: Problems,
             refs: set[str]) -> tuple[dict[str, dict[str, float]], dict[str, Provenance]]:
    """Each setting's consulters by age band: optional, but then over every band, summing to 1."""
    mixes: dict[str, dict[str, float]] = {}
    provs: dict[str, Provenance] = {}
    bands = set(findings["age"].states) if "age" in findings else set()
    for setting in settings:
        mix = setting.get("age_mix")
        if mix is None:
            continue
        where = f"meta.yaml: settings.{setting.get('id')}.age_mix"
        if (not isinstance(mix, dict) or set(mix) != bands
                or not all(is_number(v) and v >= 0 for v in mix.values())
                or abs(sum(mix.values()) - 1) > 0.02):
            problems.add(where, f"needs a share (>= 0) for each age band {sorted(bands)}, summing to 1")
            continue
        mixes[setting["id"]] = {b: float(v) for b, v in mix.items()}
        prov = {"source": setting.get("age_mix_source"), "estimate": setting.get("age_mix_estimate")}
        if "age_mix_grade" in setting:
            prov["grade"] = setting["age_mix_grade"]
        provs[setting["id"]] = provenance(prov, where, problems, refs)
    return mixes, provs


def _conditions(root: Path, problems: Problems, findings: dict[str, Finding], refs: set[str],
                settings: dict[str, str], levels: set[str]) -> list[tuple[Condition, list]]:
    """Each condition as stated (priors, published accuracy) with its frequencies, whose
    likelihood ratios are derived once every condition is read (they depend on the case mix)."""
    out = []
    for where, c in collection(root, "conditions", "conditions", problems):
        if c.get("typical_urgency") not in levels:
            problems.add(where, f"typical_urgency must be one of {sorted(levels)}")
        priors, accuracy, frequencies = condition_entry(where, c, problems, findings, refs, settings)
        out.append((Condition(
            id=c["id"], name=str(c.get("name", c["id"])),
            plain_name=str(c.get("plain_name") or c.get("name", c["id"])),
            typical_urgency=str(c.get("typical_urgency")), priors=priors, evidence=tuple(accuracy),
            frequencies=tuple(frequencies),
        ), accuracy))
    return out


def _coexistence(settings: list[dict[str, Any]], problems: Problems,
                 refs: set[str]) -> dict[str, Coexistence]:
    """Each setting's share of consulters with a second cause (optional; without it a finding a
    condition does not list says nothing about that condition)."""
    out = {}
    for setting in settings:
        raw = setting.get("coexistence")
        if raw is None:
            continue
        where = f"meta.yaml: settings.{setting.get('id')}.coexistence"
        if not isinstance(raw, dict) or not is_number(raw.get("p")) or not 0 < raw["p"] < 1:
            problems.add(where, "needs a share 'p' in (0, 1) with its source or estimate")
            continue
        out[setting["id"]] = Coexistence(float(raw["p"]), provenance(raw, where, problems, refs))
    return out


def _derived(stated: list[tuple[Condition, list]], findings: dict[str, Finding],
             consulters: dict[tuple[str, str], ConsulterRate], coexistence: dict[str, Coexistence],
             setting: str) -> tuple[dict[str, Condition], dict[str, Any]]:
    """Every condition with its evidence complete: published accuracy as published, and the
    likelihood ratios derived from frequencies against ``setting``'s consulters."""
    facts = [derivation.ConditionFacts(
        c.id, c.name, c.priors[setting].p, {f.finding: f for f in c.frequencies},
        {ev.finding: ev for ev in accuracy}) for c, accuracy in stated]
    share = coexistence[setting].p if setting in coexistence else None
    sourced = {fid: rate for (fid, s), rate in consulters.items() if s == setting}
    rates = derivation.base_rates(facts, findings, sourced, share)
    derived = derivation.derive(facts, findings, rates, setting, share)
    conditions = {c.id: replace(c, evidence=(*accuracy, *sorted(derived[c.id], key=_finding_order(findings))))
                  for c, accuracy in stated}
    return conditions, rates


def _with_age_mix(consulters: dict[tuple[str, str], ConsulterRate], age_mix: dict[str, dict[str, float]],
                  provenances: dict[str, Provenance], setting: str) -> dict[tuple[str, str], ConsulterRate]:
    """The consulters' rates with the setting's age mix (meta.yaml) as the rate of ``age`` when
    ``consulters/`` gives none: a condition's published age distribution is then compared with
    everyone consulting, the same mix the engine averages age LRs over, not with the few
    conditions that state one."""
    if ("age", setting) in consulters or setting not in age_mix:
        return consulters
    return {**consulters, ("age", setting): ConsulterRate(
        "age", setting, age_mix[setting], provenances[setting],
        population="the setting's consulters by age band (meta.yaml age_mix)")}


def _age_mixture(stated: list[tuple[Condition, list]], findings: dict[str, Finding],
                 setting: str) -> dict[str, float] | None:
    """A setting's consulters by age band as the mixture of the conditions' age distributions
    (when meta.yaml gives none): the engine divides the age LRs by their mean over it."""
    if "age" not in findings:
        return None
    facts = [derivation.ConditionFacts(c.id, c.name, c.priors[setting].p,
                                       {f.finding: f for f in c.frequencies}, {ev.finding: ev for ev in acc})
             for c, acc in stated]
    return derivation.mixture(facts, derivation.case_mix(facts), findings["age"], None)


def _finding_order(findings: dict[str, Finding]) -> Any:
    order = {fid: i for i, fid in enumerate(findings)}
    return lambda ev: order[ev.finding]


def _predicate(raw: Any, where: str, problems: Problems, findings: dict[str, Finding]) -> Predicate | None:
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
    problems = Problems()
    meta = read_yaml(root / "meta.yaml", problems) or {}
    settings = {s["id"]: s["name"] for s in meta.get("settings", [])}
    levels = tuple(UrgencyLevel(u["id"], u["means"]) for u in meta.get("urgency_levels", []))
    level_ids = {u.id for u in levels}
    references = _references(root, problems)
    refs = set(references)
    findings = _findings(root, problems, refs)
    age_mix, age_mix_provenance = _age_mix(meta.get("settings", []), findings, problems, refs)
    stated = _conditions(root, problems, findings, refs, settings, level_ids)
    condition_ids = {c.id for c, _ in stated}
    consulters = consulter_rates(root, problems, findings, refs, settings)
    coexistence = _coexistence(meta.get("settings", []), problems, refs)
    default_setting = str(meta.get("default_setting"))
    if default_setting not in settings:
        problems.add("meta.yaml", f"default_setting must be one of {sorted(settings)}")

    families: dict[str, Family] = {}
    members: dict[str, list[str]] = {}
    for f in findings.values():
        if f.family:
            members.setdefault(f.family, []).append(f.id)
    for where, fam in collection(root, "families", "families", problems):
        families[fam["id"]] = Family(fam["id"], str(fam.get("reason", "")),
                                     tuple(members.get(fam["id"], ())))
        if not fam.get("reason"):
            problems.add(where, "a family needs a 'reason'")
    for fam_id, ids in members.items():
        if fam_id not in families:
            problems.add(f"findings: {ids[0]}", f"family '{fam_id}' is not defined in families/")

    clusters: dict[str, Cluster] = {}
    for where, cl in collection(root, "clusters", "clusters", problems):
        crit = [_predicate(c, f"{where} criteria[{i}]", problems, findings)
                for i, c in enumerate(cl.get("criteria") or [])]
        if not crit:
            problems.add(where, "a cluster needs criteria")
        table = cl.get("lr_by_count") or {}
        lr_by_count = {k: likelihood_ratio(v, f"{where} lr_by_count[{k}]", problems)
                       for k, v in table.items() if isinstance(k, int)}
        if set(lr_by_count) != set(range(len(crit) + 1)):
            problems.add(where, f"lr_by_count needs exactly the counts 0..{len(crit)}")
        for cid in cl.get("conditions") or []:
            if cid not in condition_ids:
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
            provenance=provenance(cl, where, problems, refs), applies_when=applies_when,
            count_estimates=dict(count_estimates),
        )

    triage_raw = read_yaml(root / "triage.yaml", problems) if (root / "triage.yaml").exists() else None
    policy = read_policy(triage_raw, level_ids, condition_ids, problems, refs)
    cannot_miss_ids = {entry.condition for entry in policy.cannot_miss}

    red_flags: dict[str, RedFlag] = {}
    for where, rf in collection(root, "red_flags", "red_flags", problems):
        when = _predicate(rf.get("when"), f"{where} when", problems, findings)
        if rf.get("urgency") not in level_ids:
            problems.add(where, f"urgency must be one of {sorted(level_ids)}")
        if not isinstance(rf.get("message"), str) or len(rf["message"]) < 20:
            problems.add(where, "a red flag needs a plain-language 'message'")
        suspects = rf.get("suspects") or []
        if not isinstance(suspects, list) or not all(isinstance(c, str) for c in suspects):
            problems.add(where, "'suspects' is a list of condition ids")
            suspects = []
        for cid in suspects:
            if cid not in cannot_miss_ids:
                problems.add(where, f"suspects '{cid}', which is not a can't-miss condition of triage.yaml")
        if when is not None:
            red_flags[rf["id"]] = RedFlag(rf["id"], str(rf.get("urgency")), str(rf.get("message")),
                                          when, provenance(rf, where, problems, refs), tuple(suspects))

    screening, screening_unless = read_screening(root, findings, problems)
    asked_when = read_asked_when(root, findings, problems)

    if problems.items:
        raise KnowledgeError(problems.items)
    conditions, rates = _derived(stated, findings, _with_age_mix(consulters, age_mix, age_mix_provenance,
                                                                   default_setting),
                                 coexistence, default_setting)
    for setting in settings:
        if setting not in age_mix and (mix := _age_mixture(stated, findings, setting)) is not None:
            age_mix[setting] = mix
            age_mix_provenance[setting] = Provenance(grade="D", estimate=(
                "the conditions' own age distributions mixed over the setting's case mix (priors)"))
    return KnowledgeBase(
        version=str(meta.get("version")), settings=settings,
        default_setting=default_setting, urgency_levels=levels,
        findings=findings, conditions=conditions, families=families, clusters=clusters,
        red_flags=red_flags, triage=policy, references=references,
        screening=screening, screening_unless=screening_unless, asked_when=asked_when, age_mix=age_mix,
        age_mix_provenance=age_mix_provenance,
        consulters=consulters, coexistence=coexistence, base_rates={default_setting: rates},
    )


@functools.lru_cache(maxsize=1)
def default() -> KnowledgeBase:
    """The knowledge base shipped with hipnav, loaded once per process."""
    return load()
