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

Both chunked engines share this module: :func:`plan_batches` lists the chunks (batches of files of
a folder, or row ranges of a Parquet table) without reading the texts, :func:`read_batch` reads
one, :func:`process_partition` runs the per-document stages on it and writes its part files, and
:func:`finalize` builds the aggregates from the per-partition reductions and moves the tables into
place. Everything is written into a temporary folder inside ``OUT`` first and moved into place
only when the whole job succeeded, so a rerun after a failure never duplicates rows and a failed
run never leaves a partial table.

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.corpus.reader import (
    DOC_COLUMNS, TABLE_SUFFIXES, CorpusNotFoundError, _apply_header, _collection_files,
    _collections, _empty_row, _file_kind, _finish, _read_speakers, _read_table,
    _read_text_file, _Report, _table_columns, _unsupported,
)
from toolkit.aggregate import sentiment_by_from_reductions, sentiment_reductions
from toolkit.threat_index import attribution_reductions, attributions_from_reductions
from toolkit.errors import CorpusError

#: Documents per chunk (pandas streaming) or partition (Dask) unless ``chunk_size=`` says otherwise.
DEFAULT_CHUNK_SIZE = 250
#: ``chunk_size="auto"`` streams when the corpus files add up to more than this many bytes.
AUTO_STREAM_BYTES = 256 * 2**20
#: Documents the topic model is fitted on by the chunked engines (a seeded random sample).
DEFAULT_TOPICS_SAMPLE = 5000

#: Tables written by :func:`process_partition`, in stage order.
PART_TABLES = ("documents", "sentences", "tokens", "mentions", "threat_frames", "threat_cues",
               "threat_roles", "threat_index", "actor_sentiment")
# Per-partition reductions the aggregates are built from (removed after finalize).
_REDUCTIONS = ("_docmeta", "_info", "_sent_red", "_thr_docs", "_thr_actors", "_evidence")
_META_COLS = ["doc_id", "collection", "date", "date_precision", "year", "iso3", "speaker",
              "country", "n_chars"]


# --------------------------------------------------------------------------------------------------
# Planning and reading chunks
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Batch:
    """One chunk of a corpus: a list of files of one collection, or a row range of one table."""

    number: int
    kind: str                      # "files" or "table"
    collection: str
    root: str                      # the collection folder (files) or the table file (table)
    files: tuple[str, ...] = ()
    speakers: tuple = ()           # UN layout: ((iso3, year), {...}) pairs of speakers.csv
    rel: str = ""                  # table path relative to its collection (table)
    start: int = 0                 # first row (table)
    stop: int | None = None        # row after the last (table); None: to the end
    direct: bool = False           # the table is the corpus path itself
    source: str | None = None      # read the rows from this copy of ``root`` (see stage_tables)


@dataclass
class Plan:
    """The chunks of a corpus plus what listing it found (auxiliary and skipped files)."""

    batches: list[Batch]
    auxiliary: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    n_bytes: int = 0


def corpus_bytes(path: str | Path) -> int:
    """Total size of the files under ``path`` (or of the file), without reading their texts.

    Parquet files count with their uncompressed data size (from their metadata).

    Examples
    --------
    >>> corpus_bytes("corpus/seed") > 0
    True
    """
    root = Path(path)
    if not root.exists():
        return 0
    files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
    return sum(_data_bytes(p) for p in files)


def _data_bytes(p: Path) -> int:
    """File size; for Parquet the uncompressed size of its data (text compresses 3-4 times)."""
    if p.suffix.lower() == ".parquet":
        try:
            import pyarrow.parquet as pq

            md = pq.ParquetFile(p).metadata
            return max(p.stat().st_size,
                       sum(md.row_group(i).total_byte_size for i in range(md.num_row_groups)))
        except Exception:
            pass
    return p.stat().st_size


def plan_batches(path: str | Path, *, chunk_size: int = DEFAULT_CHUNK_SIZE,
                 collections: Sequence[str] | None = None, text_col: str = "text",
                 id_col: str | None = None) -> Plan:
    """Split a corpus into chunks of about ``chunk_size`` documents, reading no text.

    Folders are listed as :func:`toolkit.read_corpus` lists them (same collections, same
    auxiliary files); their document files are cut into batches of ``chunk_size`` files. A
    Parquet table is cut into row ranges of ``chunk_size`` rows (read with pyarrow, one record
    batch at a time). CSV and JSONL tables are one chunk per file (convert a large table to
    Parquet to have it partitioned).

    Examples
    --------
    >>> plan = plan_batches("corpus/seed", chunk_size=10)
    >>> [(b.kind, b.collection, len(b.files)) for b in plan.batches]
    [('files', 'seed', 1)]
    """
    if int(chunk_size) < 1:
        raise ValueError(f"chunk_size must be a positive number of documents, got {chunk_size!r}")
    chunk_size = int(chunk_size)
    root = Path(path)
    if not root.exists():
        raise CorpusNotFoundError(
            f"{root}: no such file or folder; give the path of a corpus folder, a .md/.txt "
            f"document or a .csv/.jsonl/.parquet table")
    report = _Report(strict=False)
    batches: list[Batch] = []

    def add(**kw):
        batches.append(Batch(number=len(batches), **kw))

    def add_table(p: Path, collection: str, rel: str, direct: bool):
        if p.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            try:
                n = pq.ParquetFile(p).metadata.num_rows
            except Exception:  # unreadable: one chunk, whose reader reports it
                n = 0
            for start in range(0, max(n, 1), chunk_size):
                add(kind="table", collection=collection, root=str(p), rel=rel, start=start,
                    stop=start + chunk_size if n else None, direct=direct)
        else:
            add(kind="table", collection=collection, root=str(p), rel=rel, direct=direct)

    if root.is_file():
        if root.suffix.lower() in TABLE_SUFFIXES:
            add_table(root, root.stem, root.name, True)
        else:
            add(kind="files", collection=root.parent.name or "corpus", root=str(root.parent),
                files=(str(root),))
        return Plan(batches, report.auxiliary, report.skipped, root.stat().st_size)
    n_bytes = 0
    for name, folder in _collections(root, collections):
        files = _collection_files(folder)
        n_bytes += sum(p.stat().st_size for p in files)
        speakers = (_read_speakers(folder / "speakers.csv", report)
                    if (folder / "speakers.csv").exists() else None)
        spk = tuple(sorted(speakers.items())) if speakers else ()
        docs: list[str] = []
        for p in files:
            kind = _file_kind(p)
            if kind in ("documentation", "metadata"):
                report.auxiliary.append({"path": str(p), "role": kind})
            elif kind == "table":
                add_table(p, name, p.relative_to(folder).as_posix(), False)
            else:  # text files, and unsupported ones (the reader reports them)
                docs.append(str(p))
        for i in range(0, len(docs), chunk_size):
            add(kind="files", collection=name, root=str(folder),
                files=tuple(docs[i:i + chunk_size]), speakers=spk)
    return Plan(batches, report.auxiliary, report.skipped, n_bytes)


def stage_tables(plan: Plan, folder: str | Path, *, progress: bool = False) -> Plan:
    """Copy Parquet tables whose row groups hold more rows than a chunk, with one row group per
    chunk, and point the plan's batches at the copies.

    A Parquet reader can skip whole row groups but not rows inside one: reading rows
    ``[start, stop)`` of a table stored as one large row group (as pandas' ``to_parquet`` writes
    up to a million rows) decodes every row before ``start``, so the chunks of such a table
    together decode it about (number of chunks / 2) times. One sequential copy with row groups of
    the chunk size makes every chunk read only its own rows. The copy is written into ``folder``
    (the job's temporary folder: workers of a Dask cluster must see it, as they see ``OUT``);
    document ids, paths and skipped-row reports still name the original file (``Batch.root``).
    Tables already cut into row groups no larger than the chunks are used as they are.

    Returns a new plan (the same batches, with ``source`` set where a copy was made).
    """
    import pyarrow.parquet as pq

    by_file: dict[str, list[Batch]] = {}
    for b in plan.batches:
        if b.kind == "table" and b.stop is not None and b.root.lower().endswith(".parquet"):
            by_file.setdefault(b.root, []).append(b)
    copies: dict[str, str] = {}
    for root, batches in by_file.items():
        size = max(b.stop - b.start for b in batches)
        try:
            pf = pq.ParquetFile(root)
            md = pf.metadata
            if len(batches) < 2 or all(md.row_group(i).num_rows <= size
                                       for i in range(md.num_row_groups)):
                continue
            Path(folder).mkdir(parents=True, exist_ok=True)
            dest = Path(folder) / f"table-{len(copies):04d}.parquet"
            with pq.ParquetWriter(dest, pf.schema_arrow) as writer:
                for rb in pf.iter_batches(batch_size=size):
                    writer.write_batch(rb, row_group_size=size)
        except Exception:  # an unreadable table: its chunks read the original and report it
            continue
        copies[root] = str(dest)
    if not copies:
        return plan
    batches = [replace(b, source=copies[b.root]) if b.root in copies else b
               for b in plan.batches]
    return replace(plan, batches=batches)


def read_batch(batch: Batch, *, text_col: str = "text", id_col: str | None = None
               ) -> pd.DataFrame:
    """Read one chunk into the documents table (as :func:`toolkit.read_corpus` reads it).

    Files that cannot be read are in ``df.attrs["skipped"]`` with the reason, as with
    ``read_corpus``. Document ids are those ``read_corpus`` gives (row numbers of a table count
    from the top of the file, not of the chunk).
    """
    report = _Report(strict=False)
    if batch.kind == "files":
        folder = Path(batch.root)
        speakers = dict(batch.speakers) if batch.speakers else None
        for f in batch.files:
            p = Path(f)
            try:
                rel = p.relative_to(folder).as_posix()
            except ValueError:
                rel = p.name
            if _file_kind(p) == "text":
                _read_text_file(p, report, collection=batch.collection, rel=rel,
                                speakers=speakers)
            else:
                report.skip(p, _unsupported(p))
    else:
        p = Path(batch.root)
        if p.suffix.lower() == ".parquet" and (batch.start or batch.stop is not None):
            _read_parquet_rows(p, report, batch, text_col=text_col, id_col=id_col)
        else:
            _read_table(p, report, collection=batch.collection, rel=batch.rel,
                        text_col=text_col, id_col=id_col, direct=batch.direct)
    return _finish(report)


def _read_parquet_rows(p: Path, report: _Report, batch: Batch, *, text_col: str,
                       id_col: str | None) -> None:
    """Rows ``[start, stop)`` of a Parquet table (or of its copy ``batch.source``), streamed one
    record batch at a time from the row groups that hold them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(batch.source or p)
        md = pf.metadata
        groups, pos, first = [], 0, None
        for i in range(md.num_row_groups):
            n = md.row_group(i).num_rows
            if pos < batch.stop and pos + n > batch.start:
                groups.append(i)
                first = pos if first is None else first
            pos += n
        parts, pos = [], first or 0
        batches = pf.iter_batches(batch_size=min(batch.stop - batch.start, 4096) or 1,
                                  row_groups=groups) if groups else ()
        for rb in batches:
            lo, hi = pos, pos + rb.num_rows
            pos = hi
            if hi <= batch.start:
                continue
            parts.append(rb.slice(max(0, batch.start - lo), min(hi, batch.stop) - max(lo, batch.start)))
            if hi >= batch.stop:
                break
        table = (pa.Table.from_batches(parts) if parts
                 else pf.schema_arrow.empty_table()).to_pandas()
    except Exception as e:  # pyarrow errors: report with the file name, as read_corpus does
        report.skip(p, f"cannot read the .parquet table: {e}")
        return
    missing_text, extra = _table_columns(p, table, text_col, id_col)
    if missing_text:
        if batch.direct:
            raise CorpusError(f"{p}: {missing_text}")
        if batch.start == 0:  # report the file once, not once per chunk
            report.skip(p, missing_text)
        return
    for i, rec in enumerate(table.to_dict("records"), start=batch.start):
        rid = str(rec[id_col]) if id_col else str(i)
        body = rec[text_col]
        if not isinstance(body, str) or not body.strip():
            report.skip(p, f"row {i}: empty or missing text in column {text_col!r}")
            continue
        row = _empty_row(batch.collection, p, f"{batch.collection}/{batch.rel}#{rid}")
        _apply_header(row, rec, p, report)
        if row.pop("_bad", False):
            continue
        row["text"] = body
        row.update({c: rec[c] for c in extra})
        report.rows.append(row)


def skipped_frame(docs: pd.DataFrame) -> pd.DataFrame:
    """``docs.attrs["skipped"]`` as a DataFrame (path, line, reason)."""
    sk = docs.attrs.get("skipped")
    if sk is None:
        return pd.DataFrame({"path": pd.Series(dtype=object), "line": pd.Series(dtype="Int64"),
                             "reason": pd.Series(dtype=object)})
    return sk.to_frame() if hasattr(sk, "to_frame") else pd.DataFrame(sk)


# --------------------------------------------------------------------------------------------------
# Models: loaded once per process
# --------------------------------------------------------------------------------------------------

def warm_models(stages: Iterable[str], sentiment_method: str | None = None) -> None:
    """Load the models the stages need into this process's caches.

    The Punkt parameters (:func:`toolkit.segment.punkt_tokenizer`), the gazetteer, the threat
    lexicon and the sentiment model are module-level, per-process caches (``functools.lru_cache``
    and :func:`toolkit.sentiment.get_sentiment_model`): each process loads each model once, and
    every chunk or partition it runs afterwards reuses it. The Dask engine calls this once on every
    worker when the worker joins (:class:`toolkit.dask_engine.WarmModels`, a ``distributed``
    WorkerPlugin); the pandas engine calls it once before the first chunk.
    """
    stages = set(stages)
    from toolkit.segment import _word_tokenizer, punkt_tokenizer

    punkt_tokenizer()
    if "tokens" in stages:
        _word_tokenizer()
    if stages & {"mentions", "threat", "sentiment"}:
        from toolkit.actors import _default_gazetteer

        _default_gazetteer()
    if stages & {"threat", "sentiment"}:
        from toolkit.threat import _default_lexicon

        _default_lexicon()
    if "sentiment" in stages and sentiment_method:
        from toolkit.sentiment import get_sentiment_model

        get_sentiment_model(sentiment_method)


def model_loads() -> dict[str, int]:
    """How many times this process has loaded each model (for tests and benchmarks)."""
    from toolkit.actors import _default_gazetteer
    from toolkit.segment import punkt_tokenizer
    from toolkit.threat import _default_lexicon

    return {"punkt": punkt_tokenizer.cache_info().misses,
            "gazetteer": _default_gazetteer.cache_info().misses,
            "threat_lexicon": _default_lexicon.cache_info().misses}


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
    sentiment_method: str = "neural"
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

    # The partition's own run of the stage graph: the same stages as the in-memory run, without
    # the on-disk cache (each partition is built once).
    graph = GraphRun({"documents": docs}, use_cache=False, progress=False,
                     params={"sentiment_method": options.sentiment_method,
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
    from toolkit.pipeline import collection_counts

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


def _read_parts(tmp: Path, name: str) -> pd.DataFrame | None:
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
    sk_parts = _read_parts(tmp, "_skipped")
    if sk_parts is not None and len(sk_parts):
        skipped = pd.concat([skipped, sk_parts], ignore_index=True) if len(skipped) else sk_parts
    skipped["line"] = skipped["line"].astype("Int64")
    meta = _read_parts(tmp, "_docmeta")
    if info is None:
        info_parts = _read_parts(tmp, "_info")
        if info_parts is None:
            info_parts = pd.DataFrame(columns=["collection", "documents", "characters",
                                               "date_min", "date_max"])
        info = combine_corpus_info(info_parts, len(skipped))
    else:
        info = _finish_info(info, len(skipped))
    if meta is None:
        meta = pd.DataFrame({c: pd.Series(dtype=object) for c in [*_META_COLS, "sha256"]})
    if "threat" in run and (tmp / "_thr_docs.parquet").exists():
        result["threat_index"] = _read_parts(tmp, "threat_index")
        result["threat_by_year"] = attributions_from_reductions(
            _read_parts(tmp, "_thr_docs"), _read_parts(tmp, "_thr_actors"), meta, by="year")
        write_part(result["threat_by_year"], tmp, "threat_by_year", 0)
    if "sentiment" in run and (tmp / "_sent_red.parquet").exists():
        result["sentiment_by_year"] = sentiment_by_from_reductions(_read_parts(tmp, "_sent_red"))
        write_part(result["sentiment_by_year"], tmp, "sentiment_by_year", 0)
        from toolkit.aggregate import sentiment_evidence

        ev = _read_parts(tmp, "_evidence")
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


def run_topics_on_sample(docs_sample: pd.DataFrame, out: Path, *, k: int, model: str,
                         random_state: int, stages_requested: Sequence[str] | None,
                         n_total: int, progress: bool) -> tuple[dict, dict, dict]:
    """Fit the topics stage on a sample; returns (tables, skipped_stages, summary fields)."""
    from toolkit.pipeline import fit_topics_stage

    info = {"topics_sample": {"documents": int(len(docs_sample)), "of": int(n_total),
                              "random_state": int(random_state),
                              "how": "numpy default_rng(random_state).choice over sorted doc_id"}}
    named, skipped = fit_topics_stage(
        docs_sample.sort_values("doc_id").reset_index(drop=True), stages=stages_requested, k=k,
        model=model, seed=random_state, out=out / "topics", progress=progress, use_cache=False)
    return named, skipped, info


def run_streaming(path: str | Path, out: str | Path, *, run: Sequence[str],
                  stages_requested: Sequence[str] | None, chunk_size: int,
                  sentiment_method: str, topics_k: int, topics_model: str, random_state: int,
                  topics_sample: int, progress: bool) -> dict[str, pd.DataFrame]:
    """The pandas engine in bounded memory (see the module docstring)."""
    from tqdm.auto import tqdm

    t0 = time.perf_counter()
    out = Path(out)
    plan = plan_batches(path, chunk_size=chunk_size)
    tmp = new_tmp(out)
    try:
        plan = stage_tables(plan, tmp / "_input")
        opts = Options(stages=tuple(s for s in run if s != "topics"),
                       sentiment_method=sentiment_method)
        warm_models(opts.stages, sentiment_method)
        parts = []
        for b in tqdm(plan.batches, desc="chunks", unit="chunk", disable=not progress):
            docs = read_batch(b)
            parts.append(process_partition(docs, tmp, opts, b.number))
        summary_parts = pd.concat(parts, ignore_index=True) if parts else SUMMARY_META
        timings = {"per_document_stages": time.perf_counter() - t0}
        extra, skipped_stages, extra_summary = {}, {}, {}
        if "topics" in run:
            t = time.perf_counter()
            meta = _read_parts(tmp, "_docmeta")
            ids = set(topics_sample_ids(meta["doc_id"] if meta is not None else [],
                                        topics_sample, random_state))
            sample = [d[d["doc_id"].isin(ids)] for d in
                      (read_batch(b) for b in plan.batches)]
            sample_docs = pd.concat(sample, ignore_index=True)
            extra, skipped_stages, extra_summary = run_topics_on_sample(
                sample_docs, out, k=topics_k, model=topics_model, random_state=random_state,
                stages_requested=stages_requested, n_total=len(meta), progress=progress)
            timings["topics"] = time.perf_counter() - t
        return finalize(tmp, out, path=path, plan=plan, run=run, summary_parts=summary_parts,
                        timings=timings, t0=t0, engine="pandas", extra_tables=extra,
                        skipped_stages=skipped_stages,
                        extra_summary={"chunk_size": chunk_size, **extra_summary})
    finally:
        remove_tmp(tmp)
