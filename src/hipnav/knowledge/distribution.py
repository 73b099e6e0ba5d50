"""A numeric finding's share in each of its bands, from the summary a publication reports.

Case series report a condition's age (or how long symptoms lasted before presentation) as a
mean and SD, a median with quartiles or with the range, or as shares over their own age groups.
The knowledge base's bands seldom match, so each summary is turned into the bands' shares here,
at load, by one stated method, and the figure keeps the publication's own numbers:

- ``mean`` + ``sd``: a normal distribution, truncated to the finding's range (ages are >= 0).
- ``median`` + ``iqr: [q1, q3]``: a normal centred on the median whose quartiles are the
  published ones (a normal's quartiles lie 0.6745 SD either side of its centre, so
  SD = IQR / 1.349); with ``distribution: lognormal`` (durations, skewed to the right), a
  log-normal with log-median ln(median) and log-SD (ln q3 - ln q1) / 1.349.
- ``median`` + ``range: [min, max]`` + ``n``: mean and SD estimated as Hozo, Djulbegovic and
  Hozo (BMC Med Res Methodol 2005;5:13) recommend: the median for the mean once n > 25 (their
  formula (a + 2m + b)/4 + (a - 2m + b)/4n below), SD range/4 for 15 < n <= 70 and range/6 for
  n > 70 (their small-sample formula for n <= 15); the normal is truncated to the published
  range, since no one in the series fell outside it.
- ``groups: [{gte: 0, lt: 15, share: 0.1}, ...]``: shares over the publication's own groups,
  each spread evenly over its years and summed into the bands. An open-ended group ends at the
  finding's range, allowed only where that puts it in one band (a group "75 and over" spread to
  age 120 would be an invented shape): close it with ``lt`` and say why in ``note``.
- ``components: [{weight: 0.5, <one of the above>, source: ...}, ...]``: a condition that
  groups disorders with different ages (SCFE and Perthes disease), each described by its own
  publication, mixed by weights whose own source or estimate is the entry's.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from hipnav.knowledge.model import Finding
from hipnav.knowledge.validation import Problems, is_number

#: the keys that make an entry a published summary of a numeric finding
SUMMARY_KEYS = ("mean", "median", "groups", "components")
#: a normal's interquartile range in SDs (2 x 0.6745)
IQR_IN_SD = 1.349
Cdf = Callable[[float], float]


def _normal(mean: float, sd: float) -> Cdf:
    return lambda x: 0.5 * (1.0 + math.erf((x - mean) / (sd * math.sqrt(2.0))))


def _lognormal(log_median: float, log_sd: float) -> Cdf:
    return lambda x: _normal(log_median, log_sd)(math.log(x)) if x > 0 else 0.0


def _bounds(finding: Finding) -> tuple[float, float]:
    return (finding.min if finding.min is not None else -math.inf,
            finding.max if finding.max is not None else math.inf)


def _band_edges(finding: Finding, lo: float, hi: float) -> list[tuple[str, float, float]]:
    out = []
    for band in finding.bands:
        start = band.gte if band.gte is not None else (band.gt if band.gt is not None else -math.inf)
        end = band.lt if band.lt is not None else (band.lte if band.lte is not None else math.inf)
        out.append((band.id, max(start, lo), min(end, hi)))
    return out


def cdf_shares(finding: Finding, cdf: Cdf, lo: float | None = None,
               hi: float | None = None) -> dict[str, float]:
    """Each band's share of a distribution truncated to [lo, hi] (default: the finding's range)."""
    f_lo, f_hi = _bounds(finding)
    lo = f_lo if lo is None else max(lo, f_lo)
    hi = f_hi if hi is None else min(hi, f_hi)
    shares = {b: max(cdf(end) - cdf(start), 0.0) if end > start else 0.0
              for b, start, end in _band_edges(finding, lo, hi)}
    total = sum(shares.values())
    return {b: v / total for b, v in shares.items()}


def normal_shares(finding: Finding, mean: float, sd: float) -> dict[str, float]:
    """Each band's share under a normal distribution with a published mean and SD, truncated to
    the finding's range."""
    return cdf_shares(finding, _normal(mean, sd))


def hozo_mean_sd(median: float, low: float, high: float, n: int) -> tuple[float, float]:
    """Mean and SD from a median, range and sample size (Hozo 2005, see the module docstring)."""
    a, m, b = low, median, high
    mean = m if n > 25 else (a + 2 * m + b) / 4 + (a - 2 * m + b) / (4 * n)
    if n > 70:
        return mean, (b - a) / 6
    if n > 15:
        return mean, (b - a) / 4
    small_mean = (a + 2 * m + b) / 4 + (a - 2 * m + b) / (4 * n)
    spread = (n - 3) * ((a + m) ** 2 + (m + b) ** 2) / 8
    var = (a * a + m * m + b * b + spread - n * small_mean ** 2) / (n - 1)
    return mean, math.sqrt(max(var, 1e-12))


def _pair(raw: Any) -> tuple[float, float] | None:
    if (isinstance(raw, list | tuple) and len(raw) == 2 and all(is_number(v) for v in raw)
            and raw[0] < raw[1]):
        return float(raw[0]), float(raw[1])
    return None


def _from_median(raw: dict, finding: Finding, where: str, problems: Problems) -> dict[str, float] | None:
    median = raw.get("median")
    shape = raw.get("distribution", "normal")
    if not is_number(median):
        problems.add(f"{where} median", f"must be a number, got {median!r}")
        return None
    if shape not in ("normal", "lognormal"):
        problems.add(f"{where} distribution", f"is 'normal' or 'lognormal', got {shape!r}")
        return None
    if "iqr" in raw:
        iqr = _pair(raw["iqr"])
        if iqr is None or not iqr[0] <= median <= iqr[1] or (shape == "lognormal" and iqr[0] <= 0):
            positive = " and q1 > 0 for a log-normal" if shape == "lognormal" else ""
            problems.add(f"{where} iqr", f"must be [q1, q3] with q1 < q3 around the median {median}"
                         f"{positive}, got {raw['iqr']!r}")
            return None
        if shape == "lognormal":
            return cdf_shares(finding, _lognormal(math.log(median), math.log(iqr[1] / iqr[0]) / IQR_IN_SD))
        return cdf_shares(finding, _normal(float(median), (iqr[1] - iqr[0]) / IQR_IN_SD))
    if "range" in raw:
        rng, n = _pair(raw["range"]), raw.get("n")
        if rng is None or not rng[0] <= median <= rng[1]:
            problems.add(f"{where} range", f"must be [min, max] around the median {median}, "
                         f"got {raw['range']!r}")
            return None
        if not isinstance(n, int) or isinstance(n, bool) or n < 2:
            problems.add(f"{where} range", "a median with a range needs 'n' "
                         "(Hozo's estimate of the SD depends on it)")
            return None
        if shape != "normal":
            problems.add(f"{where} distribution", "a median with a range is fitted as a normal only")
            return None
        mean, sd = hozo_mean_sd(float(median), rng[0], rng[1], n)
        return cdf_shares(finding, _normal(mean, sd), rng[0], rng[1])
    problems.add(f"{where} median", "a median needs 'iqr: [q1, q3]' or 'range: [min, max]' with 'n'")
    return None


def _from_groups(raw: Any, finding: Finding, where: str, problems: Problems) -> dict[str, float] | None:
    f_lo, f_hi = _bounds(finding)
    if not isinstance(raw, list) or not raw:
        problems.add(f"{where} groups", "must list the publication's groups: "
                     "[{gte: 0, lt: 15, share: 0.1}, ...]")
        return None
    shares = dict.fromkeys(finding.states, 0.0)
    for i, group in enumerate(raw):
        at = f"{where} groups[{i}]"
        if not isinstance(group, dict) or not is_number(group.get("share")) or not 0 <= group["share"] <= 1:
            problems.add(at, f"needs a 'share' in [0, 1], got {group!r}")
            return None
        start = group.get("gte", group.get("gt", f_lo))
        end = group.get("lt", group.get("lte", f_hi))
        if not (is_number(start) and is_number(end)) or not f_lo <= start < end <= f_hi:
            problems.add(at, f"its bounds must lie within the finding's range [{f_lo:g}, {f_hi:g}], "
                         f"got {group!r}")
            return None
        edges = [(b, max(s, start), min(e, end)) for b, s, e in _band_edges(finding, f_lo, f_hi)]
        overlap = {b: e - s for b, s, e in edges if e > s}
        open_ended = not any(k in group for k in ("gte", "gt")) or not any(k in group for k in ("lt", "lte"))
        if open_ended and len(overlap) > 1:
            problems.add(at, f"an open-ended group spanning bands {sorted(overlap)} needs both bounds "
                         "(spread to the finding's limit it would invent a shape); close it and say "
                         "why in 'note'")
            return None
        width = sum(overlap.values())
        for b, w in overlap.items():
            shares[b] += group["share"] * w / width
    total = sum(shares.values())
    if abs(total - 1) > 0.02:
        problems.add(f"{where} groups", f"the shares must sum to 1, got {total:.3f}")
        return None
    return {b: v / total for b, v in shares.items()}


def _from_components(raw: Any, finding: Finding, where: str, problems: Problems,
                     check_source: Callable[[dict, str], bool]) -> dict[str, float] | None:
    if not isinstance(raw, list) or len(raw) < 2:
        problems.add(f"{where} components", "must list at least two disorders, each with a 'weight' "
                     "and its own summary")
        return None
    mixed = dict.fromkeys(finding.states, 0.0)
    total = 0.0
    for i, part in enumerate(raw):
        at = f"{where} components[{i}]"
        if not isinstance(part, dict) or not is_number(part.get("weight")) or not 0 < part["weight"] <= 1:
            problems.add(at, "needs a 'weight' in (0, 1]")
            return None
        if "components" in part or not check_source(part, at):
            if "components" in part:
                problems.add(at, "a component is one disorder's published summary, not another mixture")
            return None
        shares = band_shares(part, finding, at, problems, check_source)
        if shares is None:
            return None
        total += part["weight"]
        for b, v in shares.items():
            mixed[b] += part["weight"] * v
    if abs(total - 1) > 0.02:
        problems.add(f"{where} components", f"the weights must sum to 1, got {total:.3f}")
        return None
    return {b: v / total for b, v in mixed.items()}


def band_shares(raw: dict, finding: Finding, where: str, problems: Problems,
                check_source: Callable[[dict, str], bool]) -> dict[str, float] | None:
    """The bands' shares of the published summary in ``raw`` (see the module docstring), or None
    with the problem added. ``check_source`` validates a component's own provenance."""
    given = [k for k in SUMMARY_KEYS if k in raw]
    if finding.type != "number":
        problems.add(f"{where} {given[0]}", "a published summary (mean, median, groups, components) "
                     "describes a numeric finding")
        return None
    if len(given) > 1:
        problems.add(where, f"one summary per figure, got {given}")
        return None
    if "distribution" in raw and given != ["median"]:
        problems.add(f"{where} distribution", "applies to a median with its quartiles")
        return None
    key = given[0]
    if key == "mean":
        mean, sd = raw.get("mean"), raw.get("sd")
        if not is_number(mean) or not is_number(sd) or sd <= 0:
            problems.add(f"{where} mean", "a numeric finding's 'mean' needs a number and an 'sd' > 0")
            return None
        return normal_shares(finding, float(mean), float(sd))
    if key == "median":
        return _from_median(raw, finding, where, problems)
    if key == "groups":
        return _from_groups(raw["groups"], finding, where, problems)
    return _from_components(raw["components"], finding, where, problems, check_source)
