#!/usr/bin/env python
"""Throughput of actor mention detection (sentences per second of ``toolkit.actors.mentions``).

Reads the corpus (default ``corpus/``: seed, whitehouse, ungd), splits it into sentences (cached in
``.cache/toolkit`` like the test fixtures), loads the packaged gazetteer once (timed separately)
and times ``mentions(sentences, docs)`` over every sentence. Prints sentences/second, mentions and
the share of each kind. Target on a 2-core machine: >= 10,000 sentences/s.

    python benchmarks/bench_mentions.py [--corpus corpus] [--repeats 1]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from toolkit.actors import load_gazetteer, mentions  # noqa: E402
from toolkit.cache import cached_table  # noqa: E402
from toolkit.corpus import read_corpus  # noqa: E402
from toolkit.segment import sentences  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TARGET = 10_000.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    ap.add_argument("--repeats", type=int, default=1, help="timed repeats; the best is reported")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    docs = read_corpus(args.corpus, progress=False)
    sents = cached_table("sentences", docs, lambda: sentences(docs, progress=False))
    t_prep = time.perf_counter() - t0

    t0 = time.perf_counter()
    gaz = load_gazetteer()
    t_load = time.perf_counter() - t0

    times = []
    for _ in range(max(1, args.repeats)):
        t0 = time.perf_counter()
        out = mentions(sents, docs, gazetteer=gaz, progress=False)
        times.append(time.perf_counter() - t0)
    best = min(times)
    rate = len(sents) / best
    kinds = out["kind"].value_counts(normalize=True).round(3).to_dict()
    print(f"corpus {args.corpus}: {len(docs):,} documents, {len(sents):,} sentences "
          f"(read + split {t_prep:.1f} s)")
    print(f"gazetteer: {len(gaz.actors)} actors, {len(gaz.forms):,} surface forms, "
          f"loaded and compiled in {t_load:.2f} s")
    print(f"mentions(): {len(out):,} mentions of {out['actor'].nunique()} actors in {best:.1f} s "
          f"= {rate:,.0f} sentences/s (target >= {TARGET:,.0f}); kinds {kinds}")
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
