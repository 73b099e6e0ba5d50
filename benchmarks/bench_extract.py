"""Benchmark hipnav intake: start-up, pipeline build, and extraction of a 2,000-character note.

Target (issue 5): median extraction time of a 2,000-character note <= 20 ms.
Run: ``.venv/bin/python benchmarks/bench_extract.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

NOTE = (
    "52 y/o F, c/o R lat hip pain x3/12, gradual onset, no trauma. Worse lying on R side, "
    "stairs and getting up from a chair; better with rest. Pain 7/10 at worst, wakes her at "
    "night 2-3 times. No numbness or tingling, no back pain, denies fever, chills or weight "
    "loss. Not sure if the pain spreads down the outside of the thigh. Used to run 10k but "
    "stopped last year. If she walks more than 30 minutes it aches. PMH: osteopenia, no hx of "
    "Ca. Non-smoker, BMI 27. O/E: antalgic gait, Trendelenburg positive on R, GT tender, SLS "
    "reproduces lateral hip pain at 20 s, FADIR -ve, FABER -ve, SLR -ve bilaterally, hip ROM "
    "full and painless, neuro intact. Temp 36.8. Impression: gluteal tendinopathy; ?bursitis. "
    "She describes it in her own words: 'it's a deep ache on the outside of my hip, like a "
    "toothache, and my bum gets sore when I sit at my desk for long. Both sides sometimes, "
    "the right much worse. Ibuprofen helps a bit but it keeps coming back.' Plan: load "
    "management, isometric abductor work, avoid crossing legs, review in 4 weeks. "
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    note = (NOTE * 3)[:2000]

    t0 = time.perf_counter()
    import medspacy.context  # noqa: F401
    import spacy  # noqa: F401
    t1 = time.perf_counter()
    from hipnav.intake import extract
    from hipnav.intake.extractor import _tools
    from hipnav.intake.pipeline import nlp

    nlp()
    _tools()
    t2 = time.perf_counter()
    extract(note)  # first call
    t3 = time.perf_counter()

    times = []
    for _ in range(args.runs):
        s = time.perf_counter()
        result = extract(note)
        times.append((time.perf_counter() - s) * 1000)
    times.sort()
    med = statistics.median(times)
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"import spacy + medspacy:        {(t1 - t0) * 1000:8.0f} ms")
    print(f"pipeline build (rules, spaCy): {(t2 - t1) * 1000:8.0f} ms")
    print(f"first extraction:              {(t3 - t2) * 1000:8.1f} ms")
    print(f"start-up total:                {(t3 - t0) * 1000:8.0f} ms")
    print(f"extract() on a {len(note)}-character note, {args.runs} runs: "
          f"median {med:.2f} ms, p95 {p95:.2f} ms, min {times[0]:.2f} ms "
          f"({len(result.findings)} findings, {len(result.spans)} spans)")
    print(f"target median <= 20 ms: {'met' if med <= 20 else 'MISSED'}")
    return 0 if med <= 20 else 1


if __name__ == "__main__":
    sys.exit(main())
