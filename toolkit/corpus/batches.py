"""A corpus as a plan of chunks and the reading of one chunk, without reading the rest.

:func:`plan_batches` lists the chunks of a corpus (batches of files of a folder, or row ranges of
a Parquet table) without reading any text; :func:`read_batch` reads one chunk into a documents
table exactly as :func:`toolkit.read_corpus` reads those documents (same columns, ids, skipped
files with their reasons). The chunked and Dask engines (:mod:`toolkit.engine.streaming`) run on
these; :func:`toolkit.read_corpus` is the whole corpus at once.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from toolkit.corpus.collection import CollectionMeta, check_metadata, resolve_metadata
from toolkit.corpus.reader import (
    TABLE_SUFFIXES, CorpusNotFoundError, _collection_files, _file_kind, _finish,
    _plan_collections, _read_speakers, _read_table, _read_text_file, _Report, _table_columns,
    _table_rows, _unsupported,
)
from toolkit.errors import CorpusError

__all__ = ["DEFAULT_CHUNK_SIZE", "Batch", "Plan", "corpus_bytes", "plan_batches", "read_batch",
           "skipped_frame", "stage_tables"]

#: Documents per chunk (pandas streaming) or partition (Dask) unless ``chunk_size=`` says otherwise.
DEFAULT_CHUNK_SIZE = 250


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
    meta: CollectionMeta | None = None  # the collection's metadata (collection.yaml, metadata=)


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
                 id_col: str | None = None, metadata: Mapping[str, Mapping] | None = None,
                 gazetteer=None) -> Plan:
    """Split a corpus into chunks of about ``chunk_size`` documents, reading no text.

    Folders are listed as :func:`toolkit.read_corpus` lists them (same collections, same
    auxiliary files, the same collection metadata from ``collection.yaml`` and ``metadata``,
    which each batch carries); their document files are cut into batches of ``chunk_size``
    files. A
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
    given = check_metadata(metadata, gazetteer=gazetteer)

    def add(**kw):
        batches.append(Batch(number=len(batches), **kw))

    def add_table(p: Path, collection: str, rel: str, direct: bool, meta=None):
        if p.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            try:
                n = pq.ParquetFile(p).metadata.num_rows
            except Exception:  # unreadable: one chunk, whose reader reports it
                n = 0
            for start in range(0, max(n, 1), chunk_size):
                add(kind="table", collection=collection, root=str(p), rel=rel, start=start,
                    stop=start + chunk_size if n else None, direct=direct, meta=meta)
        else:
            add(kind="table", collection=collection, root=str(p), rel=rel, direct=direct,
                meta=meta)

    if root.is_file():
        if root.suffix.lower() in TABLE_SUFFIXES:
            name, folder = root.stem, root
        else:
            name, folder = root.parent.name or "corpus", root.parent
        meta = resolve_metadata([(name, folder)], given, root=root,
                                gazetteer=gazetteer).get(name)
        if root.suffix.lower() in TABLE_SUFFIXES:
            add_table(root, name, root.name, True, meta)
        else:
            add(kind="files", collection=name, root=str(folder), files=(str(root),), meta=meta)
        return Plan(batches, report.auxiliary, report.skipped, root.stat().st_size)
    n_bytes = 0
    found, metas = _plan_collections(root, collections, given, gazetteer=gazetteer)
    for name, folder in found:
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
                add_table(p, name, p.relative_to(folder).as_posix(), False, metas.get(name))
            else:  # text files, and unsupported ones (the reader reports them)
                docs.append(str(p))
        for i in range(0, len(docs), chunk_size):
            add(kind="files", collection=name, root=str(folder),
                files=tuple(docs[i:i + chunk_size]), speakers=spk, meta=metas.get(name))
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
    if batch.meta is not None:
        report.metas = {batch.collection: batch.meta}
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
    _table_rows(p, table, report, collection=batch.collection, rel=batch.rel, text_col=text_col,
                id_col=id_col, extra=extra, start=batch.start)


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

