#!/usr/bin/env python
"""Throughput of the shipped neural target-sentiment model (targets per second).

Scores the NewsMTSC dev targets (dev_rw + dev_mt, repeated to ~2000 targets) with
``NeuralTargetSentiment`` (length-sorted batches of 64, onnxruntime CPU) and prints targets/second.
Target on a 2-core machine: >= 300 targets/s.

    python benchmarks/bench_sentiment_neural.py [--n 2000] [--batch-size 64] [--max-length N]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from toolkit.resources import data_path  # noqa: E402
from toolkit.sentiment_neural import NeuralTargetSentiment  # noqa: E402

TARGET = 300.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="number of targets to score")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--max-length", type=int, default=None)
    ap.add_argument("--threads", type=int, default=None, help="onnxruntime intra-op threads")
    ap.add_argument("--repeats", type=int, default=3, help="timed repeats; the best is reported")
    args = ap.parse_args(argv)

    rows = []
    for name in ("dev_rw", "dev_mt"):
        with open(data_path("newsmtsc", f"{name}.jsonl"), encoding="utf-8") as fh:
            rows += [json.loads(line) for line in fh]
    rows = (rows * (args.n // len(rows) + 1))[: args.n]
    sents = [r["sentence"] for r in rows]
    starts = [r["from"] for r in rows]
    ends = [r["to"] for r in rows]

    clf = NeuralTargetSentiment(
        batch_size=args.batch_size, max_length=args.max_length, progress=False,
        n_threads=args.threads,
    ).load()
    clf.predict_proba(sents[:64], starts[:64], ends[:64])  # warm-up
    times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        clf.predict_proba(sents, starts, ends)
        times.append(time.perf_counter() - t0)
    best = min(times)
    rate = len(rows) / best
    prov = json.loads((clf._dir() / "provenance.json").read_text(encoding="utf-8"))
    print(
        f"neural sentiment ({prov.get('shipped', '?')} ONNX, max_length="
        f"{clf.max_length or clf.config_['max_length']}, batch {args.batch_size}, "
        f"{os.cpu_count()} cpus): {len(rows)} targets in {best:.2f}s = {rate:.0f} targets/s "
        f"(target >= {TARGET:.0f}; runs: {', '.join(f'{t:.2f}s' for t in times)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
