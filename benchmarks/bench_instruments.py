#!/usr/bin/env python
"""Seconds per query of the corpus-linguistics instruments over all of ``corpus/``.

Reads the corpus and its token table (from the toolkit's table cache when present, see
``toolkit.cache``), then times each instrument twice: *cold* (given the tokens table, so the call
builds its vocabulary codes itself) and *indexed* (given a ``token_index`` built once). Prints one
line per figure and writes ``benchmarks/results/bench_instruments.json``. Then the interactive
path: ``kwic(docs, ...)`` called with the documents table, twice (the first call builds or reads
the token index, the second reuses it). Targets: every query returns in seconds on a 2-core
machine; the second ``kwic(docs, ...)`` query in under a second.

    python benchmarks/bench_instruments.py [--corpus corpus]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_SECONDS = 10.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parents[1] / "corpus"))
    args = ap.parse_args(argv)

    from toolkit.cache import cached_table
    from toolkit.collocations import collocates, collocations
    from toolkit.corpus import read_corpus
    from toolkit.frequency import dispersion, term_frequency
    from toolkit.keyness import keyness
    from toolkit.kwic import kwic, token_index
    from toolkit.segment import sentences, tokens

    t0 = time.perf_counter()
    docs = read_corpus(args.corpus, progress=False)
    sents = cached_table("sentences", docs, lambda: sentences(docs, progress=False))
    toks = cached_table("tokens", docs, lambda: tokens(sents, progress=False))
    print(f"corpus: {len(docs):,} documents, {len(toks):,} tokens "
          f"(read and tokens loaded in {time.perf_counter() - t0:.1f}s; {os.cpu_count()} cpus)")

    t = time.perf_counter()
    index = token_index(toks)
    print(f"token_index (built once, reused below): {time.perf_counter() - t:.2f}s")

    queries = [
        ('kwic("threat*")', lambda data: kwic(data, "threat*")),
        ('kwic("war of aggression")', lambda data: kwic(data, "war of aggression")),
        ("keyness seed vs whitehouse", lambda data: keyness(
            data, docs, target={"collection": "seed"}, reference={"collection": "whitehouse"})),
        ('collocates("threat")', lambda data: collocates(data, "threat")),
        ('term_frequency(["threat*", "war of aggression"], by="year")', lambda data: term_frequency(
            data, docs, ["threat*", "war of aggression"], by="year")),
        ("collocations(n=2)", lambda data: collocations(data)),
        ('dispersion("rutte")', lambda data: dispersion(data, "rutte", docs=docs)),
    ]
    results: dict = {"cpus": os.cpu_count(), "n_documents": len(docs), "n_tokens": len(toks),
                     "queries": {}}
    worst = 0.0
    for name, run in queries:
        t = time.perf_counter()
        out = run(toks)
        cold = time.perf_counter() - t
        t = time.perf_counter()
        run(index)
        warm = time.perf_counter() - t
        worst = max(worst, cold)
        results["queries"][name] = {"rows": len(out), "cold_s": round(cold, 3),
                                    "indexed_s": round(warm, 3)}
        print(f"{name:<62} {len(out):>8,} rows  cold {cold:6.2f}s  indexed {warm:6.2f}s")
    print(f"slowest cold query: {worst:.2f}s (target < {TARGET_SECONDS:.0f}s): "
          f"{'OK' if worst < TARGET_SECONDS else 'SLOW'}")

    from toolkit.instruments.kwic import clear_token_indexes

    clear_token_indexes()
    del index
    t = time.perf_counter()
    kwic(docs, "threat*")
    first = time.perf_counter() - t
    t = time.perf_counter()
    n = len(kwic(docs, "Russia*"))
    second = time.perf_counter() - t
    results["kwic_documents"] = {"first_s": round(first, 3), "second_s": round(second, 3)}
    print(f'kwic(docs, "threat*") first call {first:.2f}s (tokens read from the cache or, the first time, built; index built); '
          f'kwic(docs, "Russia*") second call {second:.2f}s ({n:,} rows; target < 1s: '
          f"{'OK' if second < 1 else 'SLOW'})")
    out_dir = Path(__file__).resolve().parent / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "bench_instruments.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
