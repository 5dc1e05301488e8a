#!/usr/bin/env python
"""Throughput of the target-sentiment methods on the NewsMTSC dev data (targets per second).

For each method of :data:`toolkit.sentiment.METHODS` the model is loaded once (load time is
reported separately), warmed up on a few targets, then :func:`toolkit.sentiment.score_targets`
scores all targets of ``dev_rw`` + ``dev_mt`` ``--repeat`` times; the best run is reported. A
method whose model is not built (e.g. the neural model before ``make model``) is reported as
unavailable. Run::

    python benchmarks/bench_sentiment.py [--repeat 3] [--methods sklearn lexicon]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402

import toolkit  # noqa: E402,F401 - registers the packaged NLTK data
from toolkit.errors import ModelNotFoundError  # noqa: E402
from toolkit.evaluate import read_newsmtsc  # noqa: E402
from toolkit.resources import data_path  # noqa: E402
from toolkit.sentiment import METHODS, get_sentiment_model, score_targets  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--methods", nargs="*", default=list(METHODS), choices=list(METHODS))
    args = ap.parse_args(argv)

    dev = pd.concat(
        [read_newsmtsc(data_path("newsmtsc", f"{name}.jsonl")) for name in ("dev_rw", "dev_mt")],
        ignore_index=True,
    )
    s, a, b = dev["sentence"].tolist(), dev["start"].tolist(), dev["end"].tolist()
    print(f"{len(dev)} targets (dev_rw + dev_mt), mean sentence length "
          f"{dev['sentence'].str.len().mean():.0f} characters")
    results = {}
    for method in args.methods:
        t0 = time.perf_counter()
        try:
            get_sentiment_model(method)
        except ModelNotFoundError as err:
            print(f"{method:8s} unavailable: {err}")
            results[method] = None
            continue
        load_s = time.perf_counter() - t0
        score_targets(s[:8], a[:8], b[:8], method=method, progress=False)  # warm-up
        best = float("inf")
        for _ in range(max(1, args.repeat)):
            t0 = time.perf_counter()
            score_targets(s, a, b, method=method, progress=False)
            best = min(best, time.perf_counter() - t0)
        rate = len(dev) / best
        results[method] = {"targets_per_second": round(rate, 1), "load_seconds": round(load_s, 2)}
        print(f"{method:8s} {rate:10.1f} targets/s  ({best:.2f} s for {len(dev)}; "
              f"model load {load_s:.2f} s)")
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
