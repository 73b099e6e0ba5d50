"""Reading the conditions (priors; evidence as frequencies or as published test accuracy) and
the consulters' base rates, with a message naming the file, condition, finding and field of
every bad entry.

An evidence entry is one of:

- a **frequency**: how often the finding occurs in the condition, ``proportion`` (yes/no
  finding) or ``proportions`` (one share per band or value; one state may be left out and takes
  the rest), or for a numeric finding the summary a publication reports (mean and SD, median
  with quartiles or range, shares over its own groups, a mixture of disorders), turned into
  the bands' shares by :mod:`hipnav.knowledge.distribution`. Likelihood ratios are derived
  from these at load (:mod:`hipnav.knowledge.derivation`);
- **published test accuracy**, kept as published: ``sens`` and ``spec``, ``lr_pos`` and/or
  ``lr_neg``, ``lr_by_band`` or ``lr_by_value``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hipnav.knowledge.distribution import SUMMARY_KEYS, band_shares
from hipnav.knowledge.model import ConsulterRate, Evidence, Figure, Finding, Frequency, Prior
from hipnav.knowledge.provenance import Provenance
from hipnav.knowledge.validation import (
    Problems,
    collection,
    is_number,
    likelihood_ratio,
    provenance,
)

ACCURACY_KEYS = ("sens", "spec", "lr_pos", "lr_neg", "lr_by_band", "lr_by_value")
FREQUENCY_KEYS = ("proportion", "proportions", *SUMMARY_KEYS)
#: shares of a finding's states may miss summing to one by this much (rounded published figures)
SUM_TOLERANCE = 0.02


def _continuity(shares: dict[str, float], n: int) -> dict[str, float]:
    """A published 0 % or 100 % (all 46 of 46) becomes half a case either side: the next series
    will not be perfect, and a likelihood ratio of zero or infinity would decide alone."""
    k = len(shares)
    return {s: (v * n + 0.5) / (n + 0.5 * k) for s, v in shares.items()}


def _shares(raw: dict, finding: Finding, where: str, problems: Problems,
            refs: set[str]) -> dict[str, float] | None:
    """The proportions an entry (or an ``also`` figure) states, over every state of the finding."""
    if finding.type == "bool":
        p = raw.get("proportion")
        if "proportions" in raw or any(k in raw for k in SUMMARY_KEYS):
            problems.add(where, "a yes/no finding takes 'proportion' (how often it is present)")
            return None
        if not is_number(p) or not 0 <= p <= 1:
            problems.add(f"{where} proportion", f"must be a number in [0, 1], got {p!r}")
            return None
        return {"yes": float(p), "no": 1.0 - float(p)}
    if any(k in raw for k in SUMMARY_KEYS):
        if "proportions" in raw:
            problems.add(where, "'proportions' or a published summary (mean, median, groups, "
                         "components), not both")
            return None
        return band_shares(raw, finding, where, problems,
                           lambda part, at: _published(part, at, problems, refs))
    table = raw.get("proportions")
    if not isinstance(table, dict) or not table:
        problems.add(where, f"a {finding.type} finding takes 'proportions' (a share per state)")
        return None
    unknown = [s for s in table if s not in finding.states]
    if unknown:
        problems.add(f"{where} proportions", f"{unknown} not among {list(finding.states)}")
        return None
    if not all(is_number(v) and 0 <= v <= 1 for v in table.values()):
        problems.add(f"{where} proportions", f"each share must be a number in [0, 1], got {table}")
        return None
    shares = {s: float(table[s]) for s in finding.states if s in table}
    missing = [s for s in finding.states if s not in table]
    total = sum(shares.values())
    if len(missing) == 1 and total <= 1 + SUM_TOLERANCE:
        shares[missing[0]] = max(1.0 - total, 0.0)
    elif missing or abs(total - 1) > SUM_TOLERANCE:
        problems.add(f"{where} proportions", f"must give every state of {list(finding.states)} "
                     f"(or all but one) and sum to 1, got {table}")
        return None
    total = sum(shares.values())
    return {s: shares[s] / total for s in finding.states}


def _published(part: dict, where: str, problems: Problems, refs: set[str]) -> bool:
    """A component of a mixture is one disorder's published summary, with its own source."""
    if provenance(part, where, problems, refs).is_estimate:
        problems.add(where, "a component is a published figure with its 'source' "
                     "(the weights may be estimated)")
        return False
    return True


def _figure(raw: Any, finding: Finding, where: str, problems: Problems,
            refs: set[str]) -> tuple[dict[str, float], Provenance, int | None, str | None] | None:
    if not isinstance(raw, dict):
        problems.add(where, "must be a mapping")
        return None
    prov = provenance(raw, where, problems, refs)
    shares = _shares(raw, finding, where, problems, refs)
    n = raw.get("n")
    if n is not None and (not isinstance(n, int) or isinstance(n, bool) or n < 1):
        problems.add(f"{where} n", f"must be a whole number of people, got {n!r}")
        n = None
    population = raw.get("population")
    if population is not None and not isinstance(population, str):
        problems.add(f"{where} population", "must be text")
        population = None
    if shares is None:
        return None
    if any(v in (0.0, 1.0) for v in shares.values()):
        if n is None:
            problems.add(where, "a proportion of 0 or 1 needs 'n' (for the continuity correction), "
                         "or an estimate strictly between")
            return None
        shares = _continuity(shares, n)
    return shares, prov, n, population


def _frequency(cond: str, raw: dict, finding: Finding, where: str, problems: Problems,
               refs: set[str]) -> Frequency | None:
    figure = _figure(raw, finding, where, problems, refs)
    also = []
    for i, other in enumerate(raw.get("also") or []):
        fig = _figure(other, finding, f"{where} also[{i}]", problems, refs)
        if fig is not None:
            if fig[1].is_estimate:
                problems.add(f"{where} also[{i}]", "'also' lists other published figures, not estimates")
            also.append(Figure(fig[0], fig[1], fig[2], fig[3]))
    if figure is None:
        return None
    shares, prov, n, population = figure
    components = []
    for i, part in enumerate(raw.get("components") or []):  # (each checked while mixing)
        at = f"{where} components[{i}]"
        part_shares = band_shares(part, finding, at, problems, lambda p, a: _published(p, a, problems, refs))
        if part_shares is not None:
            components.append(Figure(part_shares, provenance(part, at, problems, refs), part.get("n"),
                                     part.get("population"), weight=float(part["weight"])))
    return Frequency(condition=cond, finding=finding.id, proportions=shares, provenance=prov, n=n,
                     population=population, also=tuple(also), components=tuple(components))


def _accuracy(cond: str, raw: dict, finding: Finding, where: str, problems: Problems,
              refs: set[str]) -> Evidence | None:
    prov = provenance(raw, where, problems, refs)
    lr: dict[str, float] = {}
    sens: float | None = None
    spec: float | None = None
    if finding.type == "bool":
        if "sens" in raw or "spec" in raw:
            s_raw, p_raw = raw.get("sens"), raw.get("spec")
            if not (is_number(s_raw) and is_number(p_raw) and 0 < s_raw < 1 and 0 < p_raw < 1):
                problems.add(where, f"sens and spec must both lie in (0, 1), got {s_raw!r}, {p_raw!r}")
                return None
            sens, spec = float(s_raw), float(p_raw)
            if "lr_pos" in raw or "lr_neg" in raw:
                problems.add(where, "give sens/spec or lr_pos/lr_neg, not both")
            lr = {"yes": likelihood_ratio(round(sens / (1 - spec), 6), where, problems),
                  "no": likelihood_ratio(round((1 - sens) / spec, 6), where, problems)}
        else:
            if "lr_pos" not in raw and "lr_neg" not in raw:
                problems.add(where, "a bool finding needs lr_pos and/or lr_neg, or sens and spec")
            if "lr_pos" in raw:
                lr["yes"] = likelihood_ratio(raw["lr_pos"], f"{where} lr_pos", problems)
            if "lr_neg" in raw:
                lr["no"] = likelihood_ratio(raw["lr_neg"], f"{where} lr_neg", problems)
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
            lr[state] = likelihood_ratio(value, f"{where} {state}", problems)
    return Evidence(condition=cond, finding=finding.id, lr=lr, provenance=prov, sens=sens, spec=spec)


def evidence_entry(cond: str, raw: Any, where: str, problems: Problems, findings: Mapping[str, Finding],
                   refs: set[str]) -> Evidence | Frequency | None:
    """One entry of a condition's evidence list: a frequency or a published test's accuracy."""
    if not isinstance(raw, dict) or "finding" not in raw:
        problems.add(where, "each evidence entry needs a 'finding'")
        return None
    fid = raw["finding"]
    where = f"{where} ({fid})"
    finding = findings.get(fid)
    if finding is None:
        problems.add(where, f"unknown finding '{fid}'")
        return None
    as_frequency = [k for k in FREQUENCY_KEYS if k in raw]
    as_accuracy = [k for k in ACCURACY_KEYS if k in raw]
    if as_frequency and as_accuracy:
        problems.add(where, f"a frequency ({', '.join(as_frequency)}) or published accuracy "
                     f"({', '.join(as_accuracy)}), not both")
        return None
    if as_frequency:
        return _frequency(cond, raw, finding, where, problems, refs)
    if "also" in raw:
        problems.add(where, "'also' lists other published frequencies; this entry is not a frequency")
    return _accuracy(cond, raw, finding, where, problems, refs)


def condition_entry(where: str, c: dict, problems: Problems, findings: Mapping[str, Finding],
                    refs: set[str], settings: Mapping[str, str]
                    ) -> tuple[dict[str, Prior], list[Evidence], list[Frequency]]:
    """A condition file's priors (one per setting), published accuracy and frequencies."""
    priors: dict[str, Prior] = {}
    raw_priors: dict[str, Any] = c["priors"] if isinstance(c.get("priors"), dict) else {}
    for setting in settings:
        p = raw_priors.get(setting)
        if not isinstance(p, dict) or not is_number(p.get("p")) or not 0 < p["p"] < 1:
            problems.add(where, f"priors.{setting} needs a probability 'p' in (0, 1)")
            continue
        priors[setting] = Prior(p=float(p["p"]),
                                provenance=provenance(p, f"{where} priors.{setting}", problems, refs))
    for extra in set(raw_priors) - set(settings):
        problems.add(where, f"priors.{extra} is not a setting ({sorted(settings)})")
    accuracy: list[Evidence] = []
    frequencies: list[Frequency] = []
    seen: set[str] = set()
    for i, raw in enumerate(c.get("evidence") or []):
        entry = evidence_entry(c["id"], raw, f"{where} evidence[{i}]", problems, findings, refs)
        if entry is None:
            continue
        if entry.finding in seen:
            problems.add(f"{where} evidence[{i}]", f"'{entry.finding}' is listed twice")
            continue
        seen.add(entry.finding)
        if isinstance(entry, Frequency):
            frequencies.append(entry)
        else:
            accuracy.append(entry)
    return priors, accuracy, frequencies


def consulter_rates(root: Path, problems: Problems, findings: Mapping[str, Finding], refs: set[str],
                    settings: Mapping[str, str]) -> dict[tuple[str, str], ConsulterRate]:
    """``consulters/*.yaml``: how often a finding occurs among everyone consulting with
    hip-region pain in a setting, where a study reports it (one figure per finding and setting)."""
    out: dict[tuple[str, str], ConsulterRate] = {}
    for where, raw in collection(root, "consulters", "consulters", problems):
        finding = findings.get(raw.get("finding"))  # type: ignore[arg-type]
        setting = str(raw.get("setting"))
        if finding is None:
            problems.add(where, f"unknown finding {raw.get('finding')!r}")
            continue
        if setting not in settings:
            problems.add(where, f"setting must be one of {sorted(settings)}, got {setting!r}")
            continue
        figure = _figure(raw, finding, f"{where} ({finding.id})", problems, refs)
        if figure is None:
            continue
        if (finding.id, setting) in out:
            problems.add(where, f"a second rate for {finding.id} in {setting}: give one, "
                         "and other studies in its note")
            continue
        shares, prov, n, population = figure
        out[finding.id, setting] = ConsulterRate(finding.id, setting, shares, prov, n, population)
    return out
