"""On-disk cache of derived tables, keyed by corpus content, stage version and parameters.

Building tokens for all of ``corpus/`` takes a minute or two; notebooks, the CLI and tests reuse
the table when the same documents and parameters come back. The key is a SHA-256 of every
``doc_id`` and ``text`` (and of a document's ``home_actor`` and non-English ``language``, see
:func:`corpus_fingerprint`) plus the stage name, its version and its parameters, so an edited
document or a changed setting can never return a stale table. Files are Parquet in
``TOOLKIT_CACHE_DIR`` (default ``.cache/toolkit`` under the current folder); deleting the folder
is always safe.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd


def cache_dir() -> Path:
    """The cache folder (``$TOOLKIT_CACHE_DIR`` or ``./.cache/toolkit``)."""
    return Path(os.environ.get("TOOLKIT_CACHE_DIR", Path.cwd() / ".cache" / "toolkit"))


def corpus_fingerprint(docs: pd.DataFrame) -> str:
    """SHA-256 over the documents' ids and texts (order-independent), and over the document
    metadata the stages read beyond them: a set ``home_actor`` (whom office titles name) and a
    ``language`` that is not English (those documents are not scored).

    An English document without a home actor adds nothing (its stages' output is that of a
    document without a ``language``), so tables cached before these columns existed stay valid.
    """
    from toolkit.corpus.language import is_english

    h = hashlib.sha256()
    for doc_id, text in sorted(zip(docs["doc_id"].astype(str), docs["text"])):
        h.update(doc_id.encode("utf-8") + b"\0" + text.encode("utf-8") + b"\0")
    context = []
    n = len(docs)
    homes = docs["home_actor"] if "home_actor" in docs.columns else [None] * n
    langs = docs["language"] if "language" in docs.columns else [None] * n
    for doc_id, home, lang in zip(docs["doc_id"].astype(str), homes, langs):
        if isinstance(home, str) and home:
            context.append((doc_id, "home_actor", home))
        if is_english(lang) is False:
            context.append((doc_id, "language", str(lang)))
    if context:
        h.update(b"context\0" + json.dumps(sorted(context)).encode("utf-8"))
    return h.hexdigest()


def cached_table(stage: str, docs: pd.DataFrame, build: Callable[[], pd.DataFrame], *,
                 params: dict | None = None, version: str = "1", use_cache: bool = True,
                 fingerprint: str | None = None) -> pd.DataFrame:
    """Return ``build()``, read from or written to the cache.

    Parameters
    ----------
    stage : str
        Name of the table ("sentences", "tokens", ...).
    docs : DataFrame
        The documents the table derives from (their ids and texts make the key).
    build : callable
        Builds the table when it is not cached.
    params : dict, optional
        Parameters that change the table (part of the key).
    version : str, default "1"
        Bump when the stage's code changes its output.
    use_cache : bool, default True
        ``False`` always builds and writes nothing.
    fingerprint : str, optional
        A precomputed :func:`corpus_fingerprint`.
    """
    if not use_cache:
        return build()
    from toolkit import __version__

    key = hashlib.sha256(json.dumps(
        {"stage": stage, "version": version, "toolkit": __version__, "params": params or {},
         "corpus": fingerprint or corpus_fingerprint(docs)}, sort_keys=True, default=str,
    ).encode()).hexdigest()[:24]
    return cached_by_key(stage, key, build)


def cached_by_key(stage: str, key: str, build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """``build()`` read from or written to ``<cache_dir>/<stage>-<key>.parquet``.

    The stage graph (:mod:`toolkit.engine.graph`) makes the key; a corrupt or half-written file
    is rebuilt, and a new file appears atomically (readers never see a partial one). A table just
    built is returned as read back from its file, so the first run and every later one return
    the same table, dtypes included.
    """
    path = cache_dir() / f"{stage}-{key}.parquet"
    if path.exists():
        try:
            return pd.read_parquet(path)
        except Exception:  # a half-written or corrupt file: rebuild it
            path.unlink(missing_ok=True)
    table = build()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    write_parquet(table, tmp)
    tmp.replace(path)  # atomic: readers never see a partial file
    return pd.read_parquet(path)


def write_parquet(table: pd.DataFrame, path: Path | str) -> None:
    """Write ``table`` as Parquet without its ``attrs`` (report tables are saved separately)."""
    plain = table.copy(deep=False)
    plain.attrs = {}
    plain.to_parquet(path, index=False)
