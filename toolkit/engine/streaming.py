"""Bounded-memory analysis: documents in chunks, every table appended to partitioned Parquet.

:func:`toolkit.analyze` runs the stages in one of three ways:

* **in memory** (``engine="pandas"``, small corpora): every table is built whole, as before;
* **streaming** (``engine="pandas"`` with ``chunk_size=N``, or automatically for inputs larger
  than :data:`AUTO_STREAM_BYTES`): documents are read ``N`` at a time, each chunk runs through
  the per-document stages and its tables are appended as one part file of a partitioned Parquet
  dataset (``OUT/sentences.parquet/part-00000.parquet``, ...). Peak memory is that of one chunk
  plus the small per-document reductions the aggregates are built from, whatever the corpus size;
* **Dask** (``engine="dask"``, :mod:`toolkit.dask_engine`): the same chunks are the partitions of
  a Dask DataFrame and run on the workers of a cluster.

Both chunked engines share this module: :func:`toolkit.corpus.plan_batches` lists the chunks
(batches of files of a folder, or row ranges of a Parquet table; :data:`DEFAULT_CHUNK_SIZE`
documents each) without reading the texts, :func:`toolkit.corpus.read_batch` reads one (both
live in :mod:`toolkit.corpus.batches` and are re-exported here), :func:`process_partition` runs
the per-document stages on it and writes its part files, and :func:`finalize` builds the
aggregates from the per-partition reductions and moves the tables into place. Everything is
written into a temporary folder inside ``OUT`` first and moved into place only when the whole job
succeeded, so a rerun after a failure never duplicates rows and a failed run never leaves a
partial table.

Same results: per-document and per-sentence tables are computed by the same functions on whole
documents (a document never spans two chunks), so their rows are exactly those of the in-memory
run (row order is chunk order; sort by the keys to compare). The aggregates are rebuilt from exact
per-document sufficient statistics (:func:`sentiment_by_from_reductions`,
:func:`attributions_from_reductions`): counts are identical, ``threat_by_year`` is identical, and
``sentiment_by_year`` means and bootstrap intervals agree to floating-point rounding (sums are
taken per document first). ``corpus_sha256`` of the in-memory run hashes all texts in order; the
chunked engines report ``corpus_docs_sha256`` instead (a SHA-256 over the sorted per-document
SHA-256 digests of ``doc_id`` and ``text``).

The topic model is not a per-document stage: the chunked engines fit it on a seeded random sample
of at most ``topics_sample`` documents (default :data:`DEFAULT_TOPICS_SAMPLE`), drawn with
``numpy.random.default_rng(random_state)`` from the sorted document ids, and say so in
``summary.json`` (``topics_sample``).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

# Planning and reading chunks live in toolkit.corpus.batches; re-exported here, where the chunked
# engines (and their callers) have always found them.
from toolkit.corpus import (  # noqa: F401 - re-exported
    DOC_COLUMNS, Batch, Plan, corpus_bytes, plan_batches, read_batch, skipped_frame, stage_tables,
)
from toolkit.corpus.batches import DEFAULT_CHUNK_SIZE  # noqa: F401 - re-exported
from toolkit.aggregate import sentiment_by_from_reductions, sentiment_reductions
from toolkit.threat_index import attribution_reductions, attributions_from_reductions

#: ``chunk_size="auto"`` streams when the corpus files add up to more than this many bytes.
AUTO_STREAM_BYTES = 256 * 2**20
#: Documents the topic model is fitted on by the chunked engines (a seeded random sample).
DEFAULT_TOPICS_SAMPLE = 5000

#: Tables written by :func:`process_partition`, in stage order.
PART_TABLES = ("documents", "sentences", "tokens", "mentions", "threat_frames", "threat_cues",
               "threat_roles", "threat_index", "actor_sentiment", "codebook_scores")
# Per-partition reductions the aggregates are built from (removed after finalize).
_REDUCTIONS = ("_docmeta", "_info", "_sent_red", "_thr_docs", "_thr_actors", "_evidence")
_META_COLS = ["doc_id", "collection", "date", "date_precision", "year", "iso3", "speaker",
              "country", "n_chars"]


def warm_models(stages: Iterable[str], sentiment_method: str | None = None,
                threat_method: str | None = None) -> None:
    """Load the models the stages need into this process's caches.

    The Punkt parameters (:func:`toolkit.segment.punkt_tokenizer`), the gazetteer, the threat
    lexicon and the sentiment model are module-level, per-process caches (``functools.lru_cache``
    and :func:`toolkit.sentiment.get_sentiment_model`): each process loads each model once, and
    every chunk or partition it runs afterwards reuses it. The Dask engine calls this once on every
    worker when the worker joins (:class:`toolkit.dask_engine.WarmModels`, a ``distributed``
    WorkerPlugin); the pandas engine calls it once before the first chunk.
    """
    stages = set(stages)
    from toolkit.segment import default_word_tokenizer, punkt_tokenizer

    punkt_tokenizer()
    if "tokens" in stages:
        default_word_tokenizer()
    if stages & {"mentions", "threat", "sentiment"}:
        from toolkit.actors import default_gazetteer

        default_gazetteer()
    if stages & {"threat", "sentiment"}:
        from toolkit.threat import default_lexicon

        default_lexicon()
    if ("threat" in stages and threat_method == "model") or (
            "sentiment" in stages and sentiment_method == "codebook"):
        from toolkit.codebook.model import get_codebook_model

        get_codebook_model()
    if "sentiment" in stages and sentiment_method and sentiment_method != "codebook":
        from toolkit.sentiment import get_sentiment_model

        get_sentiment_model(sentiment_method)


def model_loads() -> dict[str, int]:
    """How many times this process has loaded each model (for tests and benchmarks)."""
    from toolkit.actors import default_gazetteer
    from toolkit.segment import punkt_tokenizer
    from toolkit.threat import default_lexicon

    return {"punkt": punkt_tokenizer.cache_info().misses,
            "gazetteer": default_gazetteer.cache_info().misses,
            "threat_lexicon": default_lexicon.cache_info().misses}


# --------------------------------------------------------------------------------------------------
# One partition
# --------------------------------------------------------------------------------------------------

def _to_arrow(table: pd.DataFrame):
    """A pyarrow Table with a schema that does not depend on which rows a chunk happens to hold:
    all-null columns become strings (they hold text in every table), timestamps are microseconds,
    lists of dicts (threat cues) are JSON text."""
    import pyarrow as pa

    from toolkit.engine.graph import encode_json_columns

    plain = encode_json_columns(table).copy(deep=False)
    plain.attrs = {}
    for c in plain.columns:
        if pd.api.types.is_datetime64_any_dtype(plain[c]):
            plain[c] = plain[c].astype("datetime64[us]")
    tab = pa.Table.from_pandas(plain, preserve_index=False)
    fields = []
    for f in tab.schema:
        fields.append(pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f)
    schema = pa.schema(fields, metadata=tab.schema.metadata)
    return tab.cast(schema) if schema != tab.schema else tab


def write_part(table: pd.DataFrame, folder: Path, name: str, number: int) -> None:
    """Write one part file ``folder/name.parquet/part-NNNNN.parquet`` (atomically)."""
    import pyarrow.parquet as pq

    d = folder / f"{name}.parquet"
    # Not parents=True: once the driver has removed a failed job's folder, a partition still
    # running on some worker fails here instead of re-creating it.
    d.mkdir(exist_ok=True)
    path = d / f"part-{number:05d}.parquet"
    tmp = d / f".part-{number:05d}.{os.getpid()}.tmp"
    pq.write_table(_to_arrow(table), tmp)
    tmp.replace(path)  # a retried partition overwrites its part, never adds one


@dataclass(frozen=True)
class Options:
    """What :func:`process_partition` computes (the resolved stages and their settings)."""

    stages: tuple[str, ...]
    sentiment_method: str = "codebook"
    threat_method: str = "model"
    codebook_skip: str = "no_candidates"
    evidence_n: int = 5


def process_partition(docs: pd.DataFrame, tmp: str | Path, options: Options,
                      number: int) -> pd.DataFrame:
    """Run the per-document stages on one chunk of documents and write its part files.

    Writes the chunk's part of every table of the stages (:data:`PART_TABLES`) and of the
    per-document reductions the aggregates are built from, into ``tmp``. Returns one summary row
    (partition number, documents, rows per table, seconds).
    """
    t0 = time.perf_counter()
    tmp = Path(tmp)
    run = set(options.stages)
    rows: dict[str, int] = {}

    def put(name: str, table: pd.DataFrame) -> None:
        write_part(table, tmp, name, number)
        if not name.startswith("_"):
            rows[name] = len(table)

    sk = skipped_frame(docs)
    write_part(sk, tmp, "_skipped", number)
    if not len(docs):  # every file of the chunk was skipped: nothing else to write
        return pd.DataFrame({"partition": [number], "documents": [0], "skipped_files": [len(sk)],
                             "rows": [json.dumps({})], "seconds": [time.perf_counter() - t0],
                             "pid": [os.getpid()]})
    docs = docs.copy()
    docs.attrs = {}
    put("documents", docs)
    meta = docs[[c for c in _META_COLS if c in docs.columns]].copy()
    meta["sha256"] = [hashlib.sha256(d.encode("utf-8") + b"\0" + t.encode("utf-8") + b"\0")
                      .hexdigest() for d, t in zip(docs["doc_id"].astype(str), docs["text"])]
    put("_docmeta", meta)
    from toolkit.engine.graph import GraphRun, encode_json_columns
    from toolkit.engine.stages import stage_params

    # The partition's own run of the stage graph: the same stages as the in-memory run, without
    # the on-disk cache (each partition is built once).
    graph = GraphRun({"documents": docs}, use_cache=False, progress=False,
                     params={**stage_params(options.sentiment_method, options.threat_method,
                                           options.codebook_skip),
                             "evidence_n": options.evidence_n})
    if "sentences" in run:
        put("sentences", graph["sentences"])
    if "tokens" in run:
        put("tokens", graph["tokens"])
    put("_info", _partial_info(docs, graph.get("sentences"), graph.get("tokens")))
    if "mentions" in run:
        put("mentions", graph["mentions"])
    if "threat" in run:
        frames = graph["threat_frames"]
        put("threat_frames", encode_json_columns(frames))
        for name in ("threat_cues", "threat_roles", "threat_index"):
            put(name, graph[name])
        thr_docs, thr_actors = attribution_reductions(frames, graph["threat_roles"])
        put("_thr_docs", thr_docs)
        put("_thr_actors", thr_actors)
    if "sentiment" in run:
        asent = graph["actor_sentiment"]
        put("actor_sentiment", asent)
        put("_sent_red", sentiment_reductions(asent, docs))
        ev = graph["sentiment_evidence"] if len(asent) else pd.DataFrame(
            columns=["actor", "rank", "doc_id", "sent_id", "text", "score", "label"])
        put("_evidence", ev.drop(columns="rank"))
    if graph.get("codebook_scores") is not None:  # the model's probabilities, when it ran
        put("codebook_scores", encode_json_columns(graph["codebook_scores"]))
    return pd.DataFrame({"partition": [number], "documents": [len(docs)],
                         "skipped_files": [len(sk)], "rows": [json.dumps(rows)],
                         "seconds": [time.perf_counter() - t0], "pid": [os.getpid()]})


SUMMARY_META = pd.DataFrame({"partition": pd.Series(dtype="int64"),
                             "documents": pd.Series(dtype="int64"),
                             "skipped_files": pd.Series(dtype="int64"),
                             "rows": pd.Series(dtype=object), "seconds": pd.Series(dtype=float),
                             "pid": pd.Series(dtype="int64")})


# --------------------------------------------------------------------------------------------------
# Exact aggregates from per-document reductions
# --------------------------------------------------------------------------------------------------

def _partial_info(docs: pd.DataFrame, sents: pd.DataFrame | None,
                  toks: pd.DataFrame | None) -> pd.DataFrame:
    """The columns of :func:`toolkit.pipeline.corpus_info` for one chunk, before filling."""
    from toolkit.corpus import collection_counts

    info = collection_counts(docs, sents, toks)
    for c in ("sentences", "tokens", "words"):
        if c in info.columns:
            info[c] = info[c].fillna(0).astype("int64")
    return info.reset_index()


def combine_corpus_info(parts: pd.DataFrame, skipped_files: int) -> pd.DataFrame:
    """:func:`toolkit.pipeline.corpus_info` from its per-chunk tables (sums, minima, maxima)."""
    agg = {"documents": "sum", "characters": "sum", "date_min": "min", "date_max": "max"}
    for c in ("sentences", "tokens", "words"):
        if c in parts.columns:
            agg[c] = "sum"
    info = parts.groupby("collection", sort=True).agg(agg)
    return _finish_info(info, skipped_files)


def _finish_info(info: pd.DataFrame, skipped_files: int) -> pd.DataFrame:
    for c in ("documents", "characters", "sentences", "tokens", "words"):
        if c in info.columns:
            info[c] = info[c].astype("int64")
    info["skipped_files"] = int(skipped_files)
    info = info.reset_index()
    num = [c for c in info.columns if pd.api.types.is_numeric_dtype(info[c])]
    info[num] = info[num].fillna(0)
    return info


# --------------------------------------------------------------------------------------------------
# Driver: temporary folder, finalize
# --------------------------------------------------------------------------------------------------

def new_tmp(out: Path) -> Path:
    """A fresh temporary folder inside ``out`` (leftovers of failed runs are removed first)."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob(".tmp-analyze-*"):
        shutil.rmtree(old, ignore_errors=True)
    tmp = out / f".tmp-analyze-{uuid.uuid4().hex[:12]}"
    tmp.mkdir()
    return tmp


def unify_parts(folder: Path) -> None:
    """Give every part file of a dataset the same schema (the union of their columns).

    Chunks of a folder that holds several tables (say, White House and UN tables with different
    metadata columns) write documents parts with different columns; Parquet readers take the
    schema of the first part, so the parts that differ are rewritten with the union (missing
    columns are null), as the in-memory documents table has them all.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = sorted(folder.glob("part-*.parquet"))
    schemas = [pq.read_schema(f) for f in files]
    if len({s.remove_metadata() for s in schemas}) <= 1:
        return
    try:
        common = pa.unify_schemas([s.remove_metadata() for s in schemas],
                                  promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
        warnings.warn(f"{folder.name}: parts have incompatible columns ({e}); read it with "
                      f"pyarrow.dataset and an explicit schema", stacklevel=2)
        return
    widest = max(schemas, key=len)  # its pandas metadata (e.g. nullable Int64) is kept
    common = common.with_metadata(widest.metadata)
    for f, sch in zip(files, schemas):
        if sch == common:
            continue
        t = pq.read_table(f)
        cols = [t[n].cast(common.field(n).type) if n in t.column_names
                else pa.nulls(len(t), common.field(n).type) for n in common.names]
        tmp = f.with_name(f".{f.name}.unify.tmp")
        pq.write_table(pa.Table.from_arrays(cols, schema=common), tmp)
        tmp.replace(f)


def remove_tmp(tmp: Path) -> None:
    """Remove a temporary folder: renamed first (atomic), so late writers cannot refill it."""
    if not tmp.exists():
        return
    trash = tmp.with_name(tmp.name + "-removed")
    try:
        tmp.rename(trash)
    except OSError:
        trash = tmp
    shutil.rmtree(trash, ignore_errors=True)


def read_parts(tmp: Path, name: str) -> pd.DataFrame | None:
    """All part files of table ``name`` in the job folder ``tmp`` as one DataFrame (None if the
    chunks wrote none)."""
    d = tmp / f"{name}.parquet"
    if not d.exists():
        return None
    files = sorted(d.glob("part-*.parquet"))
    if not files:
        return None
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)


def finalize(tmp: Path, out: Path, *, path: str | Path, plan: Plan, run: Sequence[str],
             summary_parts: pd.DataFrame, timings: dict[str, float], t0: float, engine: str,
             info: pd.DataFrame | None = None, extra_tables: dict | None = None,
             skipped_stages: dict | None = None, extra_summary: dict | None = None,
             random_state: int = 0) -> dict[str, pd.DataFrame]:
    """Build the aggregates, move every table from ``tmp`` into ``out`` and write the summary.

    Returns the aggregate tables (``threat_by_year``, ``sentiment_by_year``,
    ``sentiment_evidence``, ``threat_index``, ``corpus_info``); the per-document and
    per-sentence tables stay on disk (``pd.read_parquet(out / "sentences.parquet")``).
    """
    t = time.perf_counter()
    n_parts = len(summary_parts)
    expected = set(range(len(plan.batches)))
    got = set(summary_parts["partition"].astype(int))
    if got != expected:  # never a silently smaller result
        raise RuntimeError(f"partitions {sorted(expected - got)[:10]} did not complete; "
                           f"nothing was written to {out}")
    result: dict[str, pd.DataFrame] = {}
    skipped = pd.DataFrame(plan.skipped, columns=["path", "line", "reason"])
    sk_parts = read_parts(tmp, "_skipped")
    if sk_parts is not None and len(sk_parts):
        skipped = pd.concat([skipped, sk_parts], ignore_index=True) if len(skipped) else sk_parts
    skipped["line"] = skipped["line"].astype("Int64")
    meta = read_parts(tmp, "_docmeta")
    if info is None:
        info_parts = read_parts(tmp, "_info")
        if info_parts is None:
            info_parts = pd.DataFrame(columns=["collection", "documents", "characters",
                                               "date_min", "date_max"])
        info = combine_corpus_info(info_parts, len(skipped))
    else:
        info = _finish_info(info, len(skipped))
    if meta is None:
        meta = pd.DataFrame({c: pd.Series(dtype=object) for c in [*_META_COLS, "sha256"]})
    if "threat" in run and (tmp / "_thr_docs.parquet").exists():
        result["threat_index"] = read_parts(tmp, "threat_index")
        result["threat_by_year"] = attributions_from_reductions(
            read_parts(tmp, "_thr_docs"), read_parts(tmp, "_thr_actors"), meta, by="year")
        write_part(result["threat_by_year"], tmp, "threat_by_year", 0)
    if "sentiment" in run and (tmp / "_sent_red.parquet").exists():
        result["sentiment_by_year"] = sentiment_by_from_reductions(read_parts(tmp, "_sent_red"))
        write_part(result["sentiment_by_year"], tmp, "sentiment_by_year", 0)
        from toolkit.aggregate import sentiment_evidence

        ev = read_parts(tmp, "_evidence")
        if ev is not None and len(ev):
            ev = sentiment_evidence(ev[["doc_id", "sent_id", "actor", "score", "label"]],
                                    ev[["doc_id", "sent_id", "text"]])
        result["sentiment_evidence"] = ev
        write_part(ev, tmp, "sentiment_evidence", 0)
    for name, table in (extra_tables or {}).items():
        result[name] = table
    timings["aggregates"] = time.perf_counter() - t
    counts: dict[str, int] = {}
    for r in summary_parts["rows"]:
        for k, v in json.loads(r).items():
            counts[k] = counts.get(k, 0) + int(v)
    for k in ("threat_by_year", "sentiment_by_year", "sentiment_evidence"):
        if k in result and result[k] is not None:
            counts[k] = len(result[k])
    # Move into place: each table replaces the one of an earlier run as a whole.
    for name in (*PART_TABLES, "threat_by_year", "sentiment_by_year", "sentiment_evidence"):
        src = tmp / f"{name}.parquet"
        if not src.exists():
            continue
        unify_parts(src)
        dest = out / f"{name}.parquet"
        if dest.is_dir():
            shutil.rmtree(dest)
        elif dest.exists():
            dest.unlink()
        src.replace(dest)
    skipped.to_csv(out / "skipped.csv", index=False)
    info.to_csv(out / "corpus_info.csv", index=False)
    digests = sorted(meta["sha256"]) if meta is not None else []
    docs_sha = hashlib.sha256("".join(digests).encode()).hexdigest()
    summary = {
        "corpus": str(path),
        "engine": engine,
        "partitions": n_parts,
        "documents": int(summary_parts["documents"].sum()),
        "skipped_files": int(len(skipped)),
        "tables": counts,
        "stages": [s for s in run if s not in (skipped_stages or {})],
        "skipped_stages": dict(skipped_stages or {}),
        "seconds": {k: round(v, 2) for k, v in timings.items()},
        "total_seconds": round(time.perf_counter() - t0, 2),
        # Sum of the partitions' own run times: divided by the wall time of the per-document
        # stages, how many processes were busy on average.
        "partition_seconds": round(float(summary_parts["seconds"].sum()), 2),
        "corpus_docs_sha256": docs_sha,
        **(extra_summary or {}),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n",
                                      encoding="utf-8")
    remove_tmp(tmp)
    result["corpus_info"] = info
    return result


def topics_sample_ids(doc_ids: Iterable[str], n: int, random_state: int) -> list[str]:
    """The seeded sample of document ids the chunked engines fit the topic model on.

    Examples
    --------
    >>> topics_sample_ids(["c", "a", "b"], 2, 0) == topics_sample_ids(["a", "b", "c"], 2, 0)
    True
    """
    ids = sorted(set(doc_ids))
    if len(ids) <= n:
        return ids
    rng = np.random.default_rng(random_state)
    pick = rng.choice(len(ids), size=int(n), replace=False)
    return [ids[i] for i in sorted(pick)]


def run_topics_on_sample(docs_sample: pd.DataFrame, out: Path, *, n_topics: int, model: str,
                         random_state: int, stages_requested: Sequence[str] | None,
                         n_total: int, progress: bool) -> tuple[dict, dict, dict]:
    """Fit the topics stage on a sample; returns (tables, skipped_stages, summary fields)."""
    from toolkit.engine.topics_stage import fit_topics_stage

    info = {"topics_sample": {"documents": int(len(docs_sample)), "of": int(n_total),
                              "random_state": int(random_state),
                              "how": "numpy default_rng(random_state).choice over sorted doc_id"}}
    named, skipped = fit_topics_stage(
        docs_sample.sort_values("doc_id").reset_index(drop=True), stages=stages_requested,
        n_topics=n_topics, model=model, random_state=random_state, out=out / "topics",
        progress=progress, use_cache=False)
    return named, skipped, info


def run_streaming(path: str | Path, out: str | Path, *, run: Sequence[str],
                  stages_requested: Sequence[str] | None, chunk_size: int,
                  sentiment_method: str, n_topics: int, topics_model: str, random_state: int,
                  topics_sample: int, progress: bool,
                  threat_method: str = "model",
                  codebook_skip: str = "no_candidates",
                  metadata: Mapping | None = None) -> dict[str, pd.DataFrame]:
    """The pandas engine in bounded memory (see the module docstring); ``metadata`` is
    :func:`toolkit.read_corpus`'s collection metadata."""
    from tqdm.auto import tqdm

    t0 = time.perf_counter()
    out = Path(out)
    plan = plan_batches(path, chunk_size=chunk_size, metadata=metadata)
    tmp = new_tmp(out)
    try:
        plan = stage_tables(plan, tmp / "_input")
        opts = Options(stages=tuple(s for s in run if s != "topics"),
                       sentiment_method=sentiment_method, threat_method=threat_method,
                       codebook_skip=codebook_skip)
        warm_models(opts.stages, sentiment_method, threat_method)
        parts = []
        for b in tqdm(plan.batches, desc="chunks", unit="chunk", disable=not progress):
            docs = read_batch(b)
            parts.append(process_partition(docs, tmp, opts, b.number))
        summary_parts = pd.concat(parts, ignore_index=True) if parts else SUMMARY_META
        timings = {"per_document_stages": time.perf_counter() - t0}
        extra, skipped_stages, extra_summary = {}, {}, {}
        if "topics" in run:
            t = time.perf_counter()
            meta = read_parts(tmp, "_docmeta")
            ids = set(topics_sample_ids(meta["doc_id"] if meta is not None else [],
                                        topics_sample, random_state))
            sample = [d[d["doc_id"].isin(ids)] for d in
                      (read_batch(b) for b in plan.batches)]
            sample_docs = pd.concat(sample, ignore_index=True)
            extra, skipped_stages, extra_summary = run_topics_on_sample(
                sample_docs, out, n_topics=n_topics, model=topics_model, random_state=random_state,
                stages_requested=stages_requested, n_total=len(meta), progress=progress)
            timings["topics"] = time.perf_counter() - t
        return finalize(tmp, out, path=path, plan=plan, run=run, summary_parts=summary_parts,
                        timings=timings, t0=t0, engine="pandas", extra_tables=extra,
                        skipped_stages=skipped_stages,
                        extra_summary={"chunk_size": chunk_size, **extra_summary})
    finally:
        remove_tmp(tmp)
