"""The main job: corpus -> sentences -> tokens -> later stages, tables written to one folder.

``analyze`` is what ``toolkit analyze PATH --out DIR`` and ``make analysis`` run. Each stage is a
plain function of the tables before it; this module only orders them, caches the expensive ones
(see :mod:`toolkit.cache`) and writes the results.
"""
from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from toolkit.cache import cached_table, corpus_fingerprint, write_parquet
from toolkit.corpus import read_corpus
from toolkit.errors import check_choice
from toolkit.segment import sentences, tokens

#: Stages in the order they run; ``analyze(stages=...)`` picks a subset (dependencies are added).
STAGES = ("corpus", "sentences", "tokens")
_NEEDS = {"sentences": ("corpus",), "tokens": ("sentences",)}


def corpus_info(docs: pd.DataFrame, sents: pd.DataFrame | None = None,
                toks: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per collection: documents, sentences, tokens, words, characters and date range.

    Examples
    --------
    >>> docs = read_corpus("corpus/seed", progress=False)
    >>> corpus_info(docs)[["collection", "documents"]].to_dict("records")
    [{'collection': 'seed', 'documents': 1}]
    """
    info = docs.groupby("collection", sort=True).agg(
        documents=("doc_id", "size"), characters=("n_chars", "sum"),
        date_min=("date", "min"), date_max=("date", "max"),
    )
    coll = docs.set_index("doc_id")["collection"]
    if sents is not None:
        info["sentences"] = sents["doc_id"].map(coll).value_counts()
    if toks is not None:
        by = toks["doc_id"].map(coll)
        info["tokens"] = by.value_counts()
        info["words"] = by[toks["is_word"]].value_counts()
    skipped = docs.attrs.get("skipped")
    info["skipped_files"] = 0 if skipped is None else len(skipped)
    return info.reset_index().fillna(0)


def _resolve(stages: Sequence[str] | None) -> list[str]:
    if stages is None:
        return list(STAGES)
    wanted: set[str] = set()

    def add(s: str) -> None:
        check_choice("stage", s, STAGES)
        wanted.add(s)
        for dep in _NEEDS.get(s, ()):
            add(dep)

    for s in stages:
        add(s)
    return [s for s in STAGES if s in wanted]


def analyze(path: str | Path, out: str | Path, *, stages: Sequence[str] | None = None,
            progress: bool = True, use_cache: bool = True) -> dict[str, pd.DataFrame]:
    """Run the analysis stages on a corpus and write every table to ``out``.

    Parameters
    ----------
    path : str or Path
        Corpus folder, document or table (anything :func:`read_corpus` reads).
    out : str or Path
        Output folder; created if needed. Tables are Parquet (``documents``, ``sentences``,
        ``tokens``, ...), plus ``summary.json``, ``corpus_info.csv`` and ``skipped.csv``.
    stages : sequence of str, optional
        Stages to run (from :data:`STAGES`); the stages they need are added. Default: all.
    progress : bool, default True
        Show progress bars.
    use_cache : bool, default True
        Reuse cached sentence and token tables for the same documents.

    Returns
    -------
    dict of DataFrame
        The tables by name.
    """
    t0 = time.perf_counter()
    run = _resolve(stages)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    tables: dict[str, pd.DataFrame] = {}

    t = time.perf_counter()
    docs = read_corpus(path, progress=progress)
    tables["documents"] = docs
    timings["corpus"] = time.perf_counter() - t
    fp = corpus_fingerprint(docs)
    if "sentences" in run:
        t = time.perf_counter()
        tables["sentences"] = cached_table("sentences", docs,
                                           lambda: sentences(docs, progress=progress),
                                           use_cache=use_cache, fingerprint=fp)
        timings["sentences"] = time.perf_counter() - t
    if "tokens" in run:
        t = time.perf_counter()
        tables["tokens"] = cached_table("tokens", docs,
                                        lambda: tokens(tables["sentences"], progress=progress),
                                        use_cache=use_cache, fingerprint=fp)
        timings["tokens"] = time.perf_counter() - t

    for name, table in tables.items():
        write_parquet(table, out / f"{name}.parquet")
    docs.attrs["skipped"].to_csv(out / "skipped.csv", index=False)
    info = corpus_info(docs, tables.get("sentences"), tables.get("tokens"))
    info.to_csv(out / "corpus_info.csv", index=False)
    summary = {
        "corpus": str(path),
        "documents": int(len(docs)),
        "skipped_files": int(len(docs.attrs["skipped"])),
        "tables": {k: int(len(v)) for k, v in tables.items()},
        "stages": run,
        "seconds": {k: round(v, 2) for k, v in timings.items()},
        "total_seconds": round(time.perf_counter() - t0, 2),
        "corpus_sha256": fp,
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    tables["corpus_info"] = info
    return tables
