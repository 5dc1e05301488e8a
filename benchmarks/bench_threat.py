#!/usr/bin/env python
"""Throughput of the threat-framing stage (sentences per second) over all of ``corpus/``.

Reads the corpus and its sentences (from the toolkit's table cache when present), then times
``threat_frames`` on every sentence, per collection and in total, without and (when
``toolkit.actors`` is available) with actor mentions, and ``threat_roles``, ``threat_index`` and
``threat_attributions`` on the result. Prints one
line per figure. Target on a 2-core machine: >= 1,000 sentences/s for ``threat_frames``.

    python benchmarks/bench_threat.py [--corpus corpus] [--limit N]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET = 1000.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parents[1] / "corpus"))
    ap.add_argument("--limit", type=int, default=None, help="use only the first N sentences")
    args = ap.parse_args(argv)

    from toolkit.cache import cached_table
    from toolkit.corpus import read_corpus
    from toolkit.segment import sentences
    from toolkit.threat import threat_frames, threat_roles

    t0 = time.perf_counter()
    docs = read_corpus(args.corpus, progress=False)
    sents = cached_table("sentences", docs, lambda: sentences(docs, progress=False))
    if args.limit:
        sents = sents.head(args.limit)
    print(f"corpus: {len(docs):,} documents, {len(sents):,} sentences "
          f"(read and split in {time.perf_counter() - t0:.1f}s; {os.cpu_count()} cpus)")

    coll = sents["doc_id"].map(docs.set_index("doc_id")["collection"])
    threat_frames(sents.head(50), progress=False)  # warm-up: lexicon compile, NLTK stopwords
    total_t = 0.0
    frames_parts = []
    for name in sorted(coll.unique()):
        part = sents[coll == name]
        t = time.perf_counter()
        fr = threat_frames(part, progress=False)
        dt = time.perf_counter() - t
        total_t += dt
        frames_parts.append(fr)
        print(f"threat_frames [{name}]: {len(part):,} sentences in {dt:.1f}s = "
              f"{len(part) / dt:,.0f} sentences/s; threat share {fr['threat'].mean():.3f}")
    rate = len(sents) / total_t
    print(f"threat_frames [all, no mentions]: {len(sents):,} sentences in {total_t:.1f}s = "
          f"{rate:,.0f} sentences/s (target >= {TARGET:,.0f})")

    try:
        from toolkit.actors import mentions
    except ImportError:
        print("toolkit.actors not available: skipped the timings with mentions")
        return 0
    t = time.perf_counter()
    ments = mentions(sents, docs, progress=False)
    dt_m = time.perf_counter() - t
    print(f"actors.mentions: {len(ments):,} mentions in {dt_m:.1f}s")
    t = time.perf_counter()
    frames = threat_frames(sents, ments, progress=False)
    dt_f = time.perf_counter() - t
    print(f"threat_frames [all, with mentions]: {len(sents) / dt_f:,.0f} sentences/s")
    t = time.perf_counter()
    roles = threat_roles(frames, ments, sents)
    dt_r = time.perf_counter() - t
    print(f"threat_roles: {len(roles):,} (sentence, actor) rows in {dt_r:.1f}s = "
          f"{len(sents) / dt_r:,.0f} sentences/s; "
          f"{(roles['role'] == 'source').sum():,} sources, {(roles['role'] == 'referent').sum():,} "
          f"referents")
    from toolkit.threat_index import threat_attributions, threat_index

    t = time.perf_counter()
    idx = threat_index(frames, docs, sents)
    dt_i = time.perf_counter() - t
    t = time.perf_counter()
    att = threat_attributions(roles, docs, by="year", frames=frames)
    dt_a = time.perf_counter() - t
    print(f"threat_index: {len(idx):,} documents in {dt_i:.1f}s; threat_attributions(by='year'): "
          f"{len(att):,} rows in {dt_a:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
