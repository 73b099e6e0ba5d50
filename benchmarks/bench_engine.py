"""Engine benchmark: hipnav beside pgmpy exact inference on the same knowledge base.

Prints, in one run: agreement of posteriors with pgmpy (max |difference|), time per case
for both and the speed ratio; hipnav's single-case latency, 100,000-case batch time,
next-question time; and the command line's wall time and peak memory on 1,000 cases.

    benchmarks/run bench_engine.py        # sets up .venv-bench (numpy 2 + pgmpy) and runs this

Targets (issue 2): one case <= 20 µs median; 100,000 cases batched <= 0.25 s; next question
<= 1 ms; `hipnav assess --json` on 1,000 cases <= 1.5 s wall; CLI resident memory <= 120 MB.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from cases import random_cases  # noqa: E402
from hipnav.assessment import default_model  # noqa: E402
from hipnav.engine import encode, information_gain, next_question, parse_case, probabilities  # noqa: E402
from hipnav.engine.posterior import (  # noqa: E402
    batch_probabilities,
    encode_batch,
    evidence_groups,
    prior_row,
    score_rows,
)

ROOT = Path(__file__).resolve().parent.parent


def median_us(fn, items, repeat: int = 1) -> tuple[float, float, float]:
    """Median, 90th and 99th percentile of one call, in µs."""
    times = []
    for _ in range(repeat):
        for item in items:
            t0 = time.perf_counter_ns()
            fn(item)
            times.append(time.perf_counter_ns() - t0)
    times.sort()
    return (statistics.median(times) / 1000, times[int(len(times) * 0.9)] / 1000,
            times[int(len(times) * 0.99)] / 1000)


def main() -> None:
    model = default_model()
    kb = model.kb
    print(f"knowledge base {kb.version}: {len(model.conditions)} conditions, "
          f"{len(model.states)} evidence states, {len(kb.findings)} findings")
    raws = random_cases(kb, 2000)
    cases = [parse_case(r, kb) for r in raws]
    mean_findings = sum(len(c.findings) for c in cases) / len(cases)
    print(f"cases: random valid cases, mean {mean_findings:.1f} findings each\n")

    # --- single case, in process (encode + posterior for all conditions)
    for c in cases[:200]:
        probabilities(model, c)
    p50, p90, p99 = median_us(lambda c: probabilities(model, c), cases, repeat=3)
    print(f"hipnav one case in-process: median {p50:.1f} µs, p90 {p90:.1f} µs, p99 {p99:.1f} µs   "
          f"(target <= 20 µs)")

    # --- batch of 100,000
    big = [parse_case(r, kb) for r in random_cases(kb, 100_000, seed=7)]
    t0 = time.perf_counter()
    indptr, flat, settings = encode_batch(model, big)
    t_encode = time.perf_counter() - t0
    best = min(_timed(lambda: batch_probabilities(model, indptr, flat, settings)) for _ in range(5))
    print(f"hipnav 100,000 cases batched: {best:.3f} s scoring ({100_000 / best:,.0f} cases/s)   "
          f"(target <= 0.25 s); encoding them from case objects took {t_encode:.2f} s")
    check = batch_probabilities(model, indptr[:1001], flat[: indptr[1000]], settings[:1000])
    single = np.array([probabilities(model, c) for c in big[:1000]])
    print(f"  batch vs single-case max |difference| on 1,000 cases: {np.abs(check - single).max():.2e}")

    # --- next question
    partial = [c.with_findings(dict(list(c.findings.items())[:4])) for c in cases[:500]]
    nq50, _, nq99 = median_us(lambda c: next_question(model, c, "clinician"), partial)
    print(f"hipnav next question (clinician set, 4 answers known): median {nq50 / 1000:.3f} ms, "
          f"p99 {nq99 / 1000:.3f} ms   (target <= 1 ms)")
    # the same without the red-flag screening shortcut: information gain of every candidate
    ig50, _, ig99 = median_us(lambda c: information_gain(model, c, "clinician"), partial)
    print(f"  information gain of every unasked question (the path after screening): median "
          f"{ig50 / 1000:.3f} ms, p99 {ig99 / 1000:.3f} ms")

    # --- command line on 1,000 cases
    hipnav = ROOT / ".venv/bin/hipnav"
    exe = [str(hipnav)] if hipnav.exists() else [sys.executable, "-m", "hipnav"]
    payload = "".join(json.dumps(r) + "\n" for r in raws[:1000])
    walls, rsss = [], []
    # A fresh interpreter per run measures the CLI's own peak memory (children's rusage is
    # inherited across exec, so this process's own figure would include its installer).
    probe = ("import resource, subprocess, sys, time; t0 = time.perf_counter(); "
             "p = subprocess.run(sys.argv[1:], stdin=sys.stdin, capture_output=True); "
             "w = time.perf_counter() - t0; "
             "print(len(p.stdout.splitlines()), w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    for _ in range(3):
        proc = subprocess.run([sys.executable, "-c", probe, *exe, "assess", "--json", "-"],
                              input=payload, capture_output=True, text=True, check=True)
        lines, wall, rss_kb = proc.stdout.split()
        assert int(lines) == 1000, proc.stderr[-500:]
        walls.append(float(wall))
        rsss.append(int(rss_kb) / 1024)
    rss = max(rsss)
    print(f"`hipnav assess --json` on 1,000 cases: {min(walls):.2f} s wall (best of 3, incl. start-up)"
          f"   (target <= 1.5 s); peak RSS {rss:.0f} MB   (target <= 120 MB)")

    # --- pgmpy exact inference on the same model
    try:
        from bayesnet_export import ExportedNetworks
    except ImportError:
        print("\npgmpy is not installed here: run `benchmarks/run bench_engine.py` for the comparison")
        return
    t0 = time.perf_counter()
    nets = ExportedNetworks(model)
    print(f"\npgmpy: exported {len(nets.networks)} networks of {len(nets.nodes) + 2} nodes "
          f"in {time.perf_counter() - t0:.1f} s")
    n_cmp = int(os.environ.get("BENCH_PGMPY_CASES", "200"))
    diffs, times = [], []
    for c in cases[:n_cmp]:
        rows_c = score_rows(model, evidence_groups(model, encode(model, c.values())))
        t0 = time.perf_counter()
        exact = nets.posteriors(prior_row(model, c), rows_c)
        times.append(time.perf_counter() - t0)
        diffs.append(np.abs(exact - probabilities(model, c)).max())
    pg = statistics.median(times) * 1e6
    print(f"pgmpy VariableElimination: median {pg / 1000:.2f} ms per case ({len(model.conditions)} queries)")
    print(f"agreement on {n_cmp} cases: max |posterior difference| = {max(diffs):.2e}   (target <= 1e-9)")
    print(f"speed ratio: hipnav is {pg / p50:,.0f}x faster per case")


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
