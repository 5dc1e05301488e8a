#!/usr/bin/env python
"""Throughput of the shipped neural target-sentiment model (targets per second).

Scores 2000 distinct NewsMTSC targets (dev_rw, dev_mt, then train; as in a corpus, some sentences
have several targets) with ``NeuralTargetSentiment`` as the toolkit runs it (one model input per
call, the targets sharing it together when the model shares encodings; calls side by side on the
machine's cores; onnxruntime CPU) and prints targets/second.
Target on a 2-core machine: >= 300 targets/s.

With ``--corpus PATH`` it times instead the whole actor-sentiment stage
(``toolkit.actor_sentiment(..., method="neural")``: every actor mention of the corpus scored on its
sentence) over a seeded random ``--fraction`` of the corpus's documents, and extrapolates to the
whole corpus by the number of mentions. Target for ``corpus/``: under 10 minutes.

    python benchmarks/bench_sentiment_neural.py [--n 2000] [--batch-size 1] [--jobs N] [--max-length N]
    python benchmarks/bench_sentiment_neural.py --corpus corpus --fraction 0.1
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
    ap.add_argument("--batch-size", type=int, default=1,
                    help="targets per call (default 1, the toolkit's: reproducible int8 scores)")
    ap.add_argument("--jobs", type=int, default=None, help="concurrent calls (default: cores)")
    ap.add_argument("--max-length", type=int, default=None)
    ap.add_argument("--threads", type=int, default=None, help="onnxruntime intra-op threads")
    ap.add_argument("--model-dir", default=None,
                    help="a model directory other than the shipped one (e.g. a training run's)")
    ap.add_argument("--repeats", type=int, default=3, help="timed repeats; the best is reported")
    ap.add_argument("--corpus", default=None, help="time the actor-sentiment stage on this corpus")
    ap.add_argument("--fraction", type=float, default=1.0,
                    help="with --corpus: share of the documents (seeded sample)")
    args = ap.parse_args(argv)
    if args.corpus:
        return corpus_stage(args)

    # Distinct targets only (the dev splits, then train): repeated rows would share their model
    # input and a model that shares encodings (config.json) would score them for free.
    rows, seen = [], set()
    for name in ("dev_rw", "dev_mt", "train"):
        with open(data_path("newsmtsc", f"{name}.jsonl"), encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                key = (r["sentence"], r["from"], r["to"])
                if key not in seen and len(rows) < args.n:
                    seen.add(key)
                    rows.append(r)
    sents = [r["sentence"] for r in rows]
    starts = [r["from"] for r in rows]
    ends = [r["to"] for r in rows]

    clf = NeuralTargetSentiment(
        batch_size=args.batch_size, max_length=args.max_length, progress=False,
        n_threads=args.threads, n_jobs=args.jobs, model_dir=args.model_dir,
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
        f"{clf._jobs()} concurrent calls, "
        f"{os.cpu_count()} cpus): {len(rows)} targets of {len(set(sents))} sentences in "
        f"{best:.2f}s = {rate:.0f} targets/s "
        f"(target >= {TARGET:.0f}; runs: {', '.join(f'{t:.2f}s' for t in times)})"
    )
    return 0


def corpus_stage(args: argparse.Namespace) -> int:
    """Time ``actor_sentiment(method="neural")`` on (a sample of) a corpus's mentions."""
    import toolkit
    from toolkit.sentiment import get_sentiment_model

    docs = toolkit.read_corpus(args.corpus, progress=False)
    all_sents = toolkit.sentences(docs, progress=False)
    all_ments = toolkit.mentions(all_sents, docs, progress=False)
    sample = docs.sample(frac=args.fraction, random_state=0) if args.fraction < 1 else docs
    keep = set(sample["doc_id"])
    sents = all_sents[all_sents["doc_id"].isin(keep)]
    ments = all_ments[all_ments["doc_id"].isin(keep)]
    n_all = len(all_ments)
    get_sentiment_model("neural")  # load once, outside the timing (as a worker does)
    t0 = time.perf_counter()
    out = toolkit.actor_sentiment(sents, ments, method="neural", progress=False)
    secs = time.perf_counter() - t0
    rate = len(ments) / secs
    print(
        f"actor sentiment (neural) on {len(sample)} of {len(docs)} documents of {args.corpus}: "
        f"{len(ments)} mentions, {len(out)} (sentence, actor) rows in {secs:.1f}s = "
        f"{rate:.0f} mentions/s; whole corpus ({n_all} mentions): "
        f"{n_all / rate / 60:.1f} min{' (extrapolated)' if args.fraction < 1 else ''} "
        f"(target < 10 min; {os.cpu_count()} cpus)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
